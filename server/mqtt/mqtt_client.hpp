// The broker connection: libmosquitto driven by the server's Asio loop, subscribed to the
// devices' topics, handing each message to one callback.
//
// Delivery guarantee: QoS 1 (at least once) with a persistent session (clean_session false and
// a fixed client id). While the server restarts or the network drops, the broker keeps the
// subscription and queues QoS 1 messages for us; they arrive when we reconnect. A gas alarm that
// fires during a 5-second reconnect must not be lost, so QoS 0 is not the default. Duplicates are
// possible (a message whose PUBACK was lost is sent again) and downstream code tolerates them.
//
// The broker's queue limit: Mosquitto keeps at most `max_queued_messages` QoS 1 messages per
// client beyond those in flight (default 1000) and silently DROPS the rest — no error reaches
// the publisher or us. A subscriber that falls briefly behind a burst (a district's devices
// reconnecting after a power cut) loses data without any trace. Every broker configuration we
// ship raises the limit (max_queued_messages 1000000) and bounds memory with max_queued_bytes
// instead; tests/integration/support/mosquitto_broker.cpp shows the settings.
//
// Reconnecting: whenever the connection fails or drops, the next attempt follows after 0.5 s,
// then 1 s, then every 2 s at most, each wait drawn between half and all of that (jitter). The
// cap is low because the cost of an attempt is small — a refused TCP connect while the broker
// is down, one CONNECT when it is back — while every second of waiting after the broker
// returns is a second in which alarms sit at the broker unseen. (There is one campus-shield per
// district: its retries are not a herd; the jitter keeps servers restarted together apart.)
//
// Readiness: with set_readiness(), the client reports the part "broker" from start() until the
// first CONNACK and again from a lost connection until the next CONNACK: "not connected to the
// broker at HOST:PORT since TIME: <libmosquitto's error>". /readyz answers 503 meanwhile.
//
// Login and TLS: settings.username / password go in the CONNECT (a refused login is retried
// with backoff like an unreachable broker, and logged). With settings.tls.ca_file the
// connection is TLS: the broker's certificate must chain to that CA and, unless tls.insecure,
// name settings.host; cert_file/key_file add a client certificate. A broker that fails the
// check is never talked to. The TLS handshake runs inside the same pump as all other traffic.
//
// Threading: no thread is started, neither by us nor by libmosquitto (no mosquitto_loop_start,
// mosquitto_threaded_set(false)). Every libmosquitto call and every handler runs on one strand of
// the given io_context, so the io_context may be run by any number of threads.
#pragma once

#include <boost/asio/io_context.hpp>

#include <functional>
#include <memory>
#include <string_view>

#include "config/district.hpp"
#include "core/metrics.hpp"
#include "core/readiness.hpp"

namespace campus::mqtt {

class mqtt_client {
 public:
  // Called on the client's strand for each message; must not block (it delays every later
  // message and the keepalive). An exception it throws is logged and counted, then ignored.
  using message_handler = std::function<void(std::string_view topic, std::string_view payload)>;

  // Registers campus_mqtt_messages_total, campus_mqtt_connected and
  // campus_mqtt_reconnects_total in `metrics`, which must outlive the client. Throws
  // std::invalid_argument for settings it cannot use (qos, port, a TLS file libmosquitto
  // cannot read, cert_file without key_file).
  mqtt_client(boost::asio::io_context& io, config::mqtt_settings settings,
              message_handler on_message, core::metrics& metrics);

  // Calls stop(). The connection's state lives on until its pending operations finish on the
  // strand, so destroying the client while `io` runs is safe; the handler may still be called
  // from a handler already running on another thread, so if the handler refers to objects that
  // die with the client, destroy the client after io.run() returns or from the strand's thread.
  ~mqtt_client();

  mqtt_client(const mqtt_client&) = delete;
  mqtt_client& operator=(const mqtt_client&) = delete;

  // Where the client says whether it is connected (part "broker", see above); must outlive
  // the client. Reports "broker" at once (not connected yet). Call before start(); without
  // it, nothing is reported.
  void set_readiness(core::readiness* readiness);

  // Begins connecting and returns at once; the client then reconnects on its own with
  // exponential backoff (0.5 s doubling to 2 s, with jitter; see above) whenever the
  // connection fails or drops, and subscribes again on every CONNACK. Calling it again has no
  // effect.
  void start();

  // Sends DISCONNECT (the broker keeps our session and queues for us) and stops reconnecting.
  // Returns at once; connected() turns false when the broker has closed the connection.
  // Messages the broker sent before it read our DISCONNECT may still reach the handler (and,
  // their PUBACK being too late, may be delivered again on the next connect). Final: a stopped
  // client does not start again. Safe to call twice, and before start().
  void stop();

  // True from the broker's CONNACK until the connection closes. Any thread.
  bool connected() const;

  // Backpressure (any thread; idempotent). pause_reading() stops taking messages from the
  // socket before the next read: the broker keeps them for our persistent session, and since
  // with QoS 1 it has at most its in-flight window (max_inflight_messages, 20 by default) sent
  // and not acknowledged, at most that many wait in the socket. Writes go on (PUBACKs, PINGREQ),
  // and every half keepalive a few packets are read (at most 32, stopping at the first that is
  // not a message: the PINGRESP) so that neither side's keepalive ends the connection.
  // resume_reading() reads again at once. A connection made while paused still reads its
  // CONNACK and SUBACK, then pauses.
  void pause_reading();
  void resume_reading();
  bool reading_paused() const;

 private:
  struct state;  // mqtt_client.cpp; shared with the strand's pending handlers
  std::shared_ptr<state> state_;
};

}  // namespace campus::mqtt
