#!/usr/bin/env bash
# Starts the Node-RED peer of the benchmark (docs/benchmarks.md, "Peer: Node-RED") headless:
#
#   scripts/node-red/run.sh PORT MQTT_PORT [QOS]
#
# Node-RED (installed here by `npm ci`, see package.json) runs flows.json from a fresh temporary
# userDir: MQTT in from 127.0.0.1:MQTT_PORT (topic campus/+/+/+/telemetry, QoS 0 by default),
# gas readings with lel_pct > 25 out as {"device","value","ts"} on ws://127.0.0.1:PORT/alerts,
# and {"count":n} (MQTT messages received so far) on the same WebSocket every second.
# Optional broker login: CAMPUS_PEER_MQTT_USERNAME and CAMPUS_PEER_MQTT_PASSWORD.
#
# Prints Node-RED's pid (the only line on stdout) at once, then returns when the flow is
# subscribed to the broker and the WebSocket listens; stop it with `kill PID` (its userDir, whose
# node-red.log is named on stderr, is removed when it exits). Exits non-zero, having stopped it,
# when it does not come up within CAMPUS_PEER_START_SECONDS (default 60).
set -euo pipefail

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
  echo "usage: $0 PORT MQTT_PORT [QOS]" >&2
  exit 2
fi
port=$1 mqtt_port=$2 qos=${3:-0}
case "$qos" in 0|1|2) ;; *) echo "$0: QOS must be 0, 1 or 2" >&2; exit 2 ;; esac

here=$(cd "$(dirname "$0")" && pwd)
red="$here/node_modules/node-red/red.js"
if [ ! -f "$red" ]; then
  echo "$0: Node-RED is not installed: run (cd $here && npm ci)" >&2
  exit 1
fi

user_dir=$(mktemp -d "${TMPDIR:-/tmp}/campus-node-red.XXXXXX")
cp "$here/settings.js" "$here/flows.json" "$user_dir/"
if [ -n "${CAMPUS_PEER_MQTT_USERNAME:-}" ]; then
  (umask 077 && CAMPUS_PEER_MQTT_USERNAME="$CAMPUS_PEER_MQTT_USERNAME" \
    CAMPUS_PEER_MQTT_PASSWORD="${CAMPUS_PEER_MQTT_PASSWORD:-}" node -e '
      const creds = {"cs-broker": {user: process.env.CAMPUS_PEER_MQTT_USERNAME,
                                   password: process.env.CAMPUS_PEER_MQTT_PASSWORD}};
      require("fs").writeFileSync(process.argv[1], JSON.stringify(creds));' \
    "$user_dir/flows_cred.json")
fi
log="$user_dir/node-red.log"

CAMPUS_PEER_PORT=$port CAMPUS_PEER_MQTT_PORT=$mqtt_port CAMPUS_PEER_MQTT_QOS=$qos \
  nohup node "$red" --settings "$user_dir/settings.js" --userDir "$user_dir" \
  </dev/null >"$log" 2>&1 &
pid=$!
echo "$pid"
echo "node-red: pid $pid, log $log" >&2
# Remove the userDir once Node-RED is gone, whoever stops it.
(tail --pid="$pid" -f /dev/null; rm -rf "$user_dir") </dev/null >/dev/null 2>&1 &
disown -a

deadline=$((SECONDS + ${CAMPUS_PEER_START_SECONDS:-60}))
until grep -q "Connected to broker" "$log" 2>/dev/null &&
      (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "$0: Node-RED exited while starting:" >&2
    cat "$log" >&2 || true
    exit 1
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "$0: Node-RED not up after ${CAMPUS_PEER_START_SECONDS:-60}s; stopping it:" >&2
    tail -n 20 "$log" >&2 || true
    kill "$pid" 2>/dev/null || true
    exit 1
  fi
  sleep 0.2
done
echo "node-red: up on ws://127.0.0.1:$port/alerts, MQTT 127.0.0.1:$mqtt_port QoS $qos" >&2
