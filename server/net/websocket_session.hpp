// One dashboard connected at /ws. It first receives a snapshot of the district, then every
// reading and alert event the hub broadcasts. The session lives exactly while an operation
// (read, write, close or the close deadline) holds a shared_ptr to it.
//
// All state below is touched only on the session's strand (the socket's executor); send() and
// close() are the thread-safe entry points and post to it.
//
// This class is the whole of the session's logic (snapshot, bounded queue, closing), the same
// for ws:// and wss://, and what the hub knows of a client. It reaches the connection only
// through the transport operations below, which basic_websocket_session implements once for
// each stream type.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <boost/json/array.hpp>

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "net/responses.hpp"
#include "net/send_queue.hpp"
#include "net/session_context.hpp"

namespace campus::net {

class websocket_session : public std::enable_shared_from_this<websocket_session> {
 public:
  virtual ~websocket_session();
  websocket_session(const websocket_session&) = delete;
  websocket_session& operator=(const websocket_session&) = delete;

  // True when this client may receive a message about `site` (thread-safe: `who` is fixed).
  bool may_see(std::string_view site) const { return who_.may_see(site); }
  // True when this client's user sees every school (bureau, admin); thread-safe likewise.
  bool sees_all_sites() const { return who_.all_sites; }
  // True when this client watches `site`: it gets the readings of its devices (thread-safe).
  bool watches(std::string_view site) const;

  // Accepts the upgrade request read by http_session (call on the session's strand).
  void run(request req);

  // Queues a message (thread-safe). A non-null `coalesce_key` lets a newer message with the
  // same key replace this one while it waits (readings); null means never replaced and sent
  // before every keyed message that waits (alerts: they overtake a slow page's readings).
  // `key_bounded`: the sender's keys are few (a school's summary), so the message is never
  // dropped (send_queue).
  void send(std::shared_ptr<const std::string> message,
            std::shared_ptr<const std::string> coalesce_key, bool key_bounded = false);

  // Starts the closing handshake (thread-safe); pending messages are dropped.
  void close(boost::beast::websocket::close_reason reason);

 protected:
  // `executor`: the connection's strand. `who`: the session's user; the client gets only
  // messages of the schools they may see. `slot`: the connection's hold on its address
  // (address_guard), carried over from the HTTP session; empty for connections not counted.
  websocket_session(boost::asio::any_io_executor executor, std::shared_ptr<session_context> ctx,
                    auth::principal who, std::optional<address_guard::slot> slot);

  // The transport, implemented by basic_websocket_session. Each asynchronous operation
  // completes into the matching on_* below, on the strand, holding the session alive.
  virtual void async_accept(request req) = 0;
  virtual void async_read_message(boost::beast::flat_buffer& buffer) = 0;
  virtual void async_write_message(boost::asio::const_buffer message) = 0;
  virtual void async_close(boost::beast::websocket::close_reason reason) = 0;
  virtual boost::beast::tcp_stream& tcp() = 0;  // the lowest layer: peer address, hard close

  void on_accept(boost::beast::error_code ec);
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void on_write(boost::beast::error_code ec, std::size_t bytes);
  void on_close(boost::beast::error_code ec);

  std::shared_ptr<session_context> ctx_;

 private:
  void do_read();
  // A message from the client: {"type":"watch","sites":[ids]} (anything else is ignored).
  void on_client_message(std::string_view text);
  // Sets the watch set to the ids the user may see, within the limits, and queues the devices
  // of those schools (a "watching" message).
  void watch(const boost::json::array& sites);
  void set_watched(const std::vector<std::string>& sites);
  // The watch set a client starts with: all of the user's schools when they hold few devices,
  // none otherwise.
  std::vector<std::string> initial_watch() const;
  // Null `coalesce_key`: urgent (written before any reading that waits; send_queue).
  void enqueue(std::shared_ptr<const std::string> message, send_queue::key coalesce_key,
               bool key_bounded = false);
  void do_write();
  void start_close(boost::beast::websocket::close_reason reason);
  // Every few seconds: is the login this feed was opened with still live? A logout, an expiry
  // or a disabled user ends the feed too (with close code 1008, "session ended").
  void schedule_session_check();

  boost::asio::any_io_executor executor_;
  std::optional<address_guard::slot> slot_;  // after ctx_: released before the guard can go
  const auth::principal who_;
  boost::beast::flat_buffer buffer_;
  send_queue queue_;
  // Bounds a close that cannot complete: a client that reads nothing never lets the write in
  // progress finish, and the close frame waits behind it.
  boost::asio::steady_timer close_deadline_;
  boost::asio::steady_timer session_check_;
  std::string token_;  // the session's token; empty when the server runs open
  bool joined_ = false;
  bool closing_ = false;
  bool reading_ = false;  // a read is pending: the client is still there
  // The schools whose readings this client gets. Written on the strand, read by the hub on
  // the ingest thread: replaced whole under the mutex, never changed in place.
  struct site_hash {
    using is_transparent = void;  // looked up by string_view: no string built per reading
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using site_set = std::unordered_set<std::string, site_hash, std::equal_to<>>;
  mutable std::mutex watch_mutex_;
  std::shared_ptr<const site_set> watched_;
};

}  // namespace campus::net
