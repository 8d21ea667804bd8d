# Shared by scripts/demo and scripts/test: the Debian packages CampusShield needs, installing
# the missing ones when run as root, and the build.
# shellcheck shell=bash

CAMPUS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CAMPUS_BUILD="${CAMPUS_BUILD:-$CAMPUS_ROOT/build}"

# Build tools and libraries (Boost 1.81's -dev packages conflict with the default 1.74 ones).
CAMPUS_PACKAGES=(
  build-essential cmake pkg-config
  libboost1.81-dev libboost-json1.81-dev
  libmosquitto-dev mosquitto mosquitto-clients
  libyaml-cpp-dev libsqlite3-dev libfmt-dev libhowardhinnant-date-dev tzdata zlib1g-dev
  libsodium-dev libssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  curl ca-certificates
)
# For the tests only: the browser tests, a real InfluxDB for the history tests, smstools'
# smsd (run in its modem-less test mode) for the SMS spool test, and clang 16 with libFuzzer and
# the sanitizer runtimes (libclang-rt-16-dev) and llvm-symbolizer (llvm-16) for the fuzz targets.
CAMPUS_TEST_PACKAGES=(chromium fonts-wqy-microhei influxdb smstools clang-16 libclang-rt-16-dev llvm-16)

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

campus_missing_packages() {
  local p missing=()
  for p in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$p")
    fi
  done
  # Node.js and npm: any install that provides the commands will do (Debian's or a repack).
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    missing+=(nodejs npm)
  fi
  echo "${missing[@]}"
}

# Installs what is missing when root; otherwise prints the exact command and fails.
campus_ensure_packages() {
  local missing
  missing=$(campus_missing_packages "$@")
  [ -z "$missing" ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "Missing Debian packages. Run as root:" >&2
    echo "  apt-get update && apt-get install -y --no-install-recommends $missing" >&2
    return 1
  fi
  say "installing $missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  # shellcheck disable=SC2086
  apt-get install -y -q --no-install-recommends $missing
}

# campus_build [TARGET...]: configures and builds everything, or only the named targets.
campus_build() {
  say "building in $CAMPUS_BUILD"
  cmake -S "$CAMPUS_ROOT" -B "$CAMPUS_BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  local targets=()
  [ $# -gt 0 ] && targets=(--target "$@")
  cmake --build "$CAMPUS_BUILD" -j"$(nproc)" "${targets[@]}"
}

# The dashboard's chart library comes from npm and is copied into dashboards/vendor/, so the
# server serves everything itself (no CDN).
campus_bundle_dashboards() {
  [ -f "$CAMPUS_ROOT/dashboards/package.json" ] || return 0
  say "bundling the dashboard's npm packages"
  (cd "$CAMPUS_ROOT/dashboards" && npm ci --no-audit --no-fund --loglevel=error && node vendor.mjs)
}

# A TCP port on 127.0.0.1 that nothing listens on, starting from $1.
campus_free_port() {
  local port=$1
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
  echo "$port"
}

# Writes a Mosquitto configuration for a loopback listener into directory $1 on port $2.
# With $3, a directory written by `campus-shield broker-config`, only its accounts may connect
# and each may use only its topics (its passwd and acl files); without it, anyone may.
# Mosquitto's default max_queued_messages (1000) silently drops QoS 1 messages for a
# subscriber that falls behind; every configuration the project writes raises it.
# The broker keeps sessions and queued messages in $4/mosquitto.db (default: $1), saved every
# 5 s: without persistence a broker restart lost what was queued for the server (45 % of 15,000
# readings in a test), and with Mosquitto's default of 30 minutes between saves a crash lost 42 %
# (docs/broker.md, "Persistence": why 5 s, and what a crash or a power cut can still lose).
campus_mosquitto_conf() {
  local access="allow_anonymous true"
  if [ -n "${3:-}" ]; then
    access="allow_anonymous false
password_file $3/passwd
acl_file $3/acl"
  fi
  local keep="${4:-$1}"
  mkdir -p "$keep"
  cat >"$1/mosquitto.conf" <<CONF
listener $2 127.0.0.1
$access
# Sessions and queued QoS 1 messages survive a restart, and a crash but for the last seconds:
# saved every 5 s (docs/broker.md, "Persistence").
persistence true
persistence_location $keep
autosave_interval 5
max_queued_messages 1000000
max_queued_bytes 0
log_dest file $1/mosquitto.log
CONF
  # As root, Mosquitto would switch to its own user, which cannot write into our private
  # directory; stay root for a broker that only listens on loopback.
  if [ "$(id -u)" -eq 0 ]; then echo "user root" >>"$1/mosquitto.conf"; fi
}
