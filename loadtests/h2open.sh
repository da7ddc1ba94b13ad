#!/usr/bin/env bash
# Open-model latency of the gate measured by a generator in C (loadtests/h2open/h2open.c, on
# libnghttp2): batch-1,000 pre-hashed Checks at fixed rates, latency from each request's
# scheduled time. With --baseline, nghttpd (nghttp2's own C server, answering 1,000 bytes) is
# measured the same way on the same core in the same run: the floor this machine puts under
# any HTTP/2 server's tail.
#
#   loadtests/h2open.sh [--rates "2000 5000"] [--duration S] [--warmup S] [--connections N]
#                       [--address URL] [--population N] [--pin] [--baseline] [--max-p99-ms X]
#
# --pin: the gate (started here, Index:Records=None, serving a generated population) on core 0,
# the generator on core 1. Without --pin an already running gate at --address is used if one
# answers. A pinned gate needs ~30 s of load before its JIT has tiered up: the warm-up is 45 s of h2load.
. "$(dirname "$0")/../eng/lib.sh"

rates="2000" duration=20 warmup=2 connections=1 address=http://127.0.0.1:50051 population=1000000 pin= baseline= max_p99=
while [ $# -gt 0 ]; do
  case "$1" in
    --rates) rates=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --address) address=$2; shift 2 ;;
    --population) population=$2; shift 2 ;;
    --pin) pin=1; shift ;;
    --baseline) baseline=1; shift ;;
    --max-p99-ms) max_p99=$2; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) log "unknown argument $1 (--help)"; exit 2 ;;
  esac
done

apt_install gcc libc6-dev libnghttp2-dev nghttp2-client nghttp2-server
export Hashing__Key=${Hashing__Key:-$(development_key)}
LOAD_DLL="$REPO_ROOT/loadtests/SendGate.LoadDriver/bin/Release/net10.0/sendgate-load.dll"
CLI_DLL="$REPO_ROOT/src/SendGate.Cli/bin/Release/net10.0/sendgate.dll"
[ -f "$LOAD_DLL" ] && [ -f "$GATE_DLL" ] && [ -f "$CLI_DLL" ] || dotnet build "$REPO_ROOT/SendGate.sln" -c Release -v quiet >/dev/null
work=$(mktemp -d)
baseline_pid=
trap 'stop_gate; [ -n "$baseline_pid" ] && kill "$baseline_pid" 2>/dev/null; rm -rf "$work"' EXIT
gcc -O2 -Wall -o "$work/h2open" "$REPO_ROOT/loadtests/h2open/h2open.c" -lnghttp2 -lm

server_cpu=() generator_cpu=()
[ -n "$pin" ] && server_cpu=(taskset -c 0) generator_cpu=(taskset -c 1)
dotnet "$LOAD_DLL" frame --scenario pre-hashed --batch 1000 --population "$population" --out "$work/request.bin" >/dev/null

open_model() { # LABEL ADDRESS [h2open args...]
  local label=$1 target=$2; shift 2
  for rate in $rates; do
    "${generator_cpu[@]}" "$work/h2open" --address "$target" --body "$work/request.bin" --rate "$rate" \
      --duration "$duration" --warmup "$warmup" --connections "$connections" "$@" | sed "s/^/$label: /"
  done
}

if [ -n "$baseline" ]; then
  mkdir -p "$work/root/sendgate.v1.Gate" && head -c 1000 /dev/zero > "$work/root/sendgate.v1.Gate/Check"
  "${server_cpu[@]}" nghttpd --no-tls -d "$work/root" 50079 >/dev/null 2>&1 &
  baseline_pid=$!
  sleep 1
  open_model nghttpd http://127.0.0.1:50079 --plain-http
fi

hostport=${address#*://}
if [ -n "$pin" ] || ! port_open "${hostport##*:}"; then
  consents="${TMPDIR:-/tmp}/sendgate-side-by-side-$population.jsonl"
  [ -s "$consents" ] || dotnet "$CLI_DLL" generate --brands 3 --recipients "$population" --seed 7 --out "$consents" >/dev/null
  log "starting the gate on $consents${pin:+ (core 0)}"
  gate_log=$work/gate.log
  (cd "$REPO_ROOT/src/SendGate.Server" && exec "${server_cpu[@]}" dotnet "$GATE_DLL" --environment Development --consents "$consents" --Index:Records=None) > "$gate_log" 2>&1 &
  GATE_PID=$!
  until curl -fsS http://127.0.0.1:9464/readyz >/dev/null 2>&1; do kill -0 "$GATE_PID" 2>/dev/null || { tail "$gate_log"; exit 1; }; sleep 1; done
  "${generator_cpu[@]}" h2load -c 4 -m 8 -t 1 -D 45 -H 'content-type: application/grpc' -H 'te: trailers' -d "$work/request.bin" "$address/sendgate.v1.Gate/Check" >/dev/null
fi
max=$("${generator_cpu[@]}" h2load -c 4 -m 8 -t 1 -D 15 -H 'content-type: application/grpc' -H 'te: trailers' -d "$work/request.bin" "$address/sendgate.v1.Gate/Check" | sed -n 's/^finished in .*, \([0-9.]*\) req\/s.*/\1/p')
log "the gate's maximum (h2load, closed, -c 4 -m 8): $max requests/s"
open_model gate "$address" ${max_p99:+--max-p99-ms "$max_p99"}
