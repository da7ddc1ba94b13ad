#!/usr/bin/env bash
# A private Redis (Debian's redis-server) or Garnet for the shared-budget tests, on a loopback port of the caller's,
# with no persistence; "kill" ends it with SIGKILL (an outage), "start" brings it back on the same port.
#
#   eng/redis.sh install                       redis-server and garnet-server (as eng/peers.sh installs them)
#   eng/redis.sh start DIR PORT [redis|garnet]
#   eng/redis.sh kill DIR
#   eng/redis.sh stop DIR
. "$(dirname "$0")/lib.sh"

answers() { [ "$(redis-cli -h 127.0.0.1 -p "$1" PING 2>/dev/null)" = "PONG" ]; }

start() {
  local dir=$1 port=$2 server=${3:-redis}
  mkdir -p "$dir"
  if [ "$server" = garnet ]; then
    (exec "$REPO_ROOT/.tools/garnet/garnet-server" --port "$port" --bind 127.0.0.1 --logger-level Warning --lua) > "$dir/redis.out" 2>&1 < /dev/null &
  else
    (exec redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir") > "$dir/redis.out" 2>&1 < /dev/null &
  fi
  echo $! > "$dir/redis.pid"
  wait_for 30 "redis on 127.0.0.1:$port" answers "$port" || { tail -n 20 "$dir/redis.out" >&2; return 1; }
}

case "${1:-}" in
  install) bash "$ENG_DIR/peers.sh" install ;;
  start) start "$2" "$3" "${4:-redis}" ;;
  kill) kill -9 "$(cat "$2/redis.pid")" 2>/dev/null || true; rm -f "$2/redis.pid" ;;
  stop) stop_pidfile "$2/redis.pid" ;;
  *) echo "usage: $0 install | start DIR PORT [redis|garnet] | kill DIR | stop DIR" >&2; exit 2 ;;
esac
