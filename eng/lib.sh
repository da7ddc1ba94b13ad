# Shared helpers for eng/ scripts. Source it: . "$(dirname "$0")/lib.sh"
set -euo pipefail

ENG_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$ENG_DIR/.." && pwd)

log() { printf '[%s] %s\n' "$(basename "$0")" "$*" >&2; }

# Runs a command as root: directly when we are root, through sudo otherwise.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    log "need root for: $*"; return 1; fi
}

# Installs Debian packages that are missing; apt-get update only when something is.
apt_install() {
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for() { # wait_for SECONDS DESCRIPTION COMMAND...
  local seconds=$1 what=$2; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    if [ $SECONDS -ge $deadline ]; then log "timed out after ${seconds}s waiting for $what"; return 1; fi
    sleep 0.2
  done
}

pidfile_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

stop_pidfile() { # stop_pidfile FILE: TERM, up to 20 s for a clean exit, then KILL
  local file=$1 pid
  [ -f "$file" ] || return 0
  pid=$(cat "$file")
  kill "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + 20))
  while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$file"
}

# The development hashing key (published; for sample and generated data only), as the gate's Development settings hold it.
development_key() { sed -n 's/.*"Key": *"\([^"]*\)".*/\1/p' "$REPO_ROOT/src/SendGate.Server/appsettings.Development.json" | head -1; }

GATE_DLL="$REPO_ROOT/src/SendGate.Server/bin/Release/net10.0/sendgate-server.dll"
GATE_PID=

# start_gate LOG [ARGS...]: the built Release gate in the background (Development settings unless
# ARGS say otherwise), returning once its admin port reports ready; stop_gate ends it.
start_gate() {
  local gate_log=$1; shift
  (cd "$REPO_ROOT/src/SendGate.Server" && exec dotnet "$GATE_DLL" --environment Development "$@") > "$gate_log" 2>&1 &
  GATE_PID=$!
  local deadline=$((SECONDS + ${GATE_READY_SECONDS:-60}))
  until curl -fsS http://127.0.0.1:9464/readyz >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ] || ! kill -0 "$GATE_PID" 2>/dev/null; then tail -n 30 "$gate_log" >&2; log "the gate did not become ready"; return 1; fi
    sleep 0.5
  done
}

# gate_metric NAME [ADMIN_URL]: a metric from the gate's /metrics as an integer, summed over its
# labels (sendgate_check_requests_total{input=...}); 0 when absent.
gate_metric() {
  curl -fsS "${2:-http://127.0.0.1:9464}/metrics" | awk -v name="$1" '$1 == name || index($1, name "{") == 1 { sum += $2 } END { printf "%.0f\n", sum }'
}

stop_gate() { if [ -n "$GATE_PID" ]; then kill "$GATE_PID" 2>/dev/null || true; wait "$GATE_PID" 2>/dev/null || true; GATE_PID=; fi; }

# timed_gate ROOT ARGS...: the Release gate built under the checkout ROOT, started with ARGS, timed
# from process start to "SendGate is ready" in its log, then stopped with SIGTERM (graceful: with
# durable state, a final checkpoint). Sets TIMED_READY_SECONDS, TIMED_RSS_MIB (at ready),
# TIMED_SHUTDOWN_SECONDS and TIMED_LOG; fails, with the log's tail, when the gate exits first.
# The caller sets DOTNET_ENVIRONMENT and anything else the runtime reads from the environment.
timed_gate() {
  local root=$1; shift
  TIMED_LOG=$(mktemp /tmp/sendgate-timed-XXXX.log)
  local start; start=$(date +%s.%N)
  (cd "$root/src/SendGate.Server/bin/Release/net10.0" && exec dotnet sendgate-server.dll --Logging:Console:FormatterOptions:SingleLine true "$@") >"$TIMED_LOG" 2>&1 &
  local pid=$!
  until grep -q "SendGate is ready" "$TIMED_LOG"; do
    if ! kill -0 "$pid" 2>/dev/null; then tail -n 20 "$TIMED_LOG" >&2; log "the gate exited before it was ready; log $TIMED_LOG"; return 1; fi
    sleep 0.1
  done
  local ready; ready=$(date +%s.%N)
  TIMED_RSS_MIB=$(awk '/VmRSS/ {print int($2/1024)}' "/proc/$pid/status")
  kill -TERM "$pid"; wait "$pid" || true
  local stopped; stopped=$(date +%s.%N)
  TIMED_READY_SECONDS=$(echo "$ready - $start" | bc)
  TIMED_SHUTDOWN_SECONDS=$(echo "$stopped - $ready" | bc)
}
