#!/usr/bin/env bash
# The stores the benchmarks compare the gate's index with, as real servers on 127.0.0.1:
# Redis 7 (Debian's redis-server) and Garnet (the garnet-server dotnet tool, on Tsavorite,
# FASTER's successor). No persistence: they hold benchmark data only.
#
#   eng/peers.sh install        redis-server (apt) and garnet-server (dotnet tool in .tools/garnet)
#   eng/peers.sh start          both; waits until each answers PING
#   eng/peers.sh stop
#   eng/peers.sh env            prints the variables the benchmarks read (SENDGATE_BENCH_REDIS/GARNET)
#
# Environment (optional): REDIS_PORT (6390), GARNET_PORT (6391), PEERS_DATA (.tools/peers-data).
. "$(dirname "$0")/lib.sh"

REDIS_PORT=${REDIS_PORT:-6390}
GARNET_PORT=${GARNET_PORT:-6391}
PEERS_DATA=${PEERS_DATA:-$REPO_ROOT/.tools/peers-data}
GARNET_HOME=$REPO_ROOT/.tools/garnet
GARNET_VERSION=2.2.8

install() {
  apt_install redis-server redis-tools
  if [ ! -x "$GARNET_HOME/garnet-server" ]; then
    log "installing garnet-server $GARNET_VERSION"
    dotnet tool install garnet-server --version "$GARNET_VERSION" --tool-path "$GARNET_HOME" >/dev/null
  fi
  log "$(redis-server --version | cut -d' ' -f1-3), Garnet $GARNET_VERSION"
}

answers() { [ "$(redis-cli -h 127.0.0.1 -p "$1" PING 2>/dev/null)" = "PONG" ]; }

start_one() { # start_one NAME PORT COMMAND...
  local name=$1 port=$2; shift 2
  if pidfile_alive "$PEERS_DATA/$name.pid" && answers "$port"; then log "$name already running on 127.0.0.1:$port"; return 0; fi
  if port_open "$port"; then log "port $port is taken by something else"; return 1; fi
  (trap '' HUP; exec "$@") > "$PEERS_DATA/$name.out" 2>&1 < /dev/null &
  echo $! > "$PEERS_DATA/$name.pid"
  wait_for 30 "$name on 127.0.0.1:$port" answers "$port" || { tail -n 20 "$PEERS_DATA/$name.out" >&2; return 1; }
  log "$name up on 127.0.0.1:$port"
}

start() {
  command -v redis-server >/dev/null && [ -x "$GARNET_HOME/garnet-server" ] || install
  mkdir -p "$PEERS_DATA"
  start_one redis "$REDIS_PORT" redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$PEERS_DATA"
  start_one garnet "$GARNET_PORT" "$GARNET_HOME/garnet-server" --port "$GARNET_PORT" --bind 127.0.0.1 --logger-level Warning
}

stop() {
  stop_pidfile "$PEERS_DATA/redis.pid"
  stop_pidfile "$PEERS_DATA/garnet.pid"
  log "stopped"
}

env_vars() {
  echo "SENDGATE_BENCH_REDIS=127.0.0.1:$REDIS_PORT"
  echo "SENDGATE_BENCH_GARNET=127.0.0.1:$GARNET_PORT"
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  env) env_vars ;;
  *) echo "usage: $0 install|start|stop|env" >&2; exit 2 ;;
esac
