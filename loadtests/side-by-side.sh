#!/usr/bin/env bash
# The gate end to end next to a plain Redis set mirror, in one run on this machine: h2load posts
# batch-1,000 Checks (pre-hashed keys, and written phones that the gate normalizes and hashes)
# and redis-benchmark (Redis's own C client) asks SMISMEMBER for the same 1,000 phones (E.164) of
# a set holding the whole population. Optionally the same h2load runs against a baseline build of
# the gate (another checkout, e.g. the commit before a change), started and measured the same way.
#
#   loadtests/side-by-side.sh [--baseline DIR] [--population N] [--duration S] [--warmup S] [--pin] [--quick]
#
# --pin puts each server on core 0 and its load generator on core 1 (taskset), so that the
# figures are the server's and not the generator's. A pinned gate needs ~30 s of load before the
# JIT has tiered its hot code up (the default warm-up is 30 s; 5 s understates it by half). Reported per target: requests/s, recipients/s,
# the server's CPU time per request (from /proc, over the measured run), and ratios to Redis.
. "$(dirname "$0")/../eng/lib.sh"

baseline= population=1000000 duration=20 warmup=30 pin=
while [ $# -gt 0 ]; do
  case "$1" in
    --baseline) baseline=$(cd "$2" && pwd); shift 2 ;;
    --population) population=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --pin) pin=1; shift ;;
    --quick) duration=3 warmup=2 population=100000; shift ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) log "unknown argument $1 (--help)"; exit 2 ;;
  esac
done

apt_install nghttp2-client redis-server redis-tools
export Hashing__Key=${Hashing__Key:-$(development_key)}
LOAD_DLL="$REPO_ROOT/loadtests/SendGate.LoadDriver/bin/Release/net10.0/sendgate-load.dll"
CLI_DLL="$REPO_ROOT/src/SendGate.Cli/bin/Release/net10.0/sendgate.dll"
[ -f "$LOAD_DLL" ] && [ -f "$GATE_DLL" ] && [ -f "$CLI_DLL" ] || dotnet build "$REPO_ROOT/SendGate.sln" -c Release -v quiet >/dev/null
server_cpu=() generator_cpu=()
[ -n "$pin" ] && server_cpu=(taskset -c 0) generator_cpu=(taskset -c 1)

work=$(mktemp -d)
redis_port=6395
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

consents="${TMPDIR:-/tmp}/sendgate-side-by-side-$population.jsonl"
if [ ! -s "$consents" ]; then
  log "generating $population recipients x 3 brands into $consents"
  dotnet "$CLI_DLL" generate --brands 3 --recipients "$population" --seed 7 --out "$consents" >/dev/null
fi

# The same request for every target: frame it once (and its 1,000 phones, normalized, for Redis).
frame() { dotnet "$LOAD_DLL" frame --scenario "$1" --batch 1000 --population "$population" --out "$work/$1.bin" "${@:2}" >/dev/null; }
frame pre-hashed
frame sms-gateway --members-out "$work/members.txt"

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
ticks_per_second=$(getconf CLK_TCK)

# h2load_run NAME BODY: one measured h2load run; prints "requests/s succeeded cpu_us_per_request".
h2load_run() {
  local body=$1 out before after
  "${generator_cpu[@]}" h2load -c 4 -m 8 -t 1 -D "$warmup" -H 'content-type: application/grpc' -H 'te: trailers' -d "$body" http://127.0.0.1:50051/sendgate.v1.Gate/Check >/dev/null
  before=$(cpu_ticks "$server_pid")
  out=$("${generator_cpu[@]}" h2load -c 4 -m 8 -t 1 -D "$duration" -H 'content-type: application/grpc' -H 'te: trailers' -d "$body" http://127.0.0.1:50051/sendgate.v1.Gate/Check)
  after=$(cpu_ticks "$server_pid")
  grep -Eq "status codes: [0-9]+ 2xx, 0 3xx, 0 4xx, 0 5xx" <<<"$out" || { echo "$out" >&2; log "h2load saw failures"; exit 1; }
  local rps succeeded
  rps=$(sed -n 's/^finished in .*, \([0-9.]*\) req\/s.*/\1/p' <<<"$out")
  succeeded=$(sed -n 's/^requests: .* \([0-9]*\) succeeded.*/\1/p' <<<"$out")
  awk -v rps="$rps" -v n="$succeeded" -v t=$((after - before)) -v hz="$ticks_per_second" 'BEGIN { printf "%.0f %d %.1f\n", rps, n, t / hz * 1e6 / n }'
}

# gate_runs LABEL DIR: starts the gate built in DIR on the generated file, measures both bodies, stops it.
gate_runs() {
  local label=$1 dir=$2
  log "$label: starting the gate from $dir"
  (cd "$dir/src/SendGate.Server" && exec "${server_cpu[@]}" dotnet bin/Release/net10.0/sendgate-server.dll --environment Development \
    --consents "$consents" --Index:Records=None --Logging:LogLevel:Default=Warning) > "$work/$label.log" 2>&1 &
  server_pid=$!
  local deadline=$((SECONDS + 300))
  until curl -fsS http://127.0.0.1:9464/readyz >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ] || ! kill -0 "$server_pid" 2>/dev/null; then tail -n 30 "$work/$label.log" >&2; log "$label did not become ready"; exit 1; fi
    sleep 1
  done
  for scenario in pre-hashed sms-gateway; do
    read -r rps n cpu < <(h2load_run "$work/$scenario.bin")
    echo "$label $scenario $rps $cpu" >> "$work/results"
    log "$label $scenario: $rps requests/s, $cpu µs of gate CPU per request ($n requests)"
  done
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=
}

gate_runs current "$REPO_ROOT"
[ -n "$baseline" ] && gate_runs baseline "$baseline"

log "redis: the population as one set, then SMISMEMBER of the same 1,000 phones"
"${server_cpu[@]}" redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" > "$work/redis.log" 2>&1 &
server_pid=$!
wait_for 30 "redis" sh -c "[ \"\$(redis-cli -p $redis_port PING 2>/dev/null)\" = PONG ]"
awk -v n="$population" 'BEGIN { for (i = 0; i < n; i++) { m = sprintf("+90%d", 5400000000 + i); printf "*3\r\n$4\r\nSADD\r\n$6\r\nmirror\r\n$%d\r\n%s\r\n", length(m), m } }' \
  | redis-cli -p "$redis_port" --pipe >/dev/null
mapfile -t members < "$work/members.txt"
requests=$(( duration * 20000 ))
"${generator_cpu[@]}" redis-benchmark -p "$redis_port" -P 16 -c 4 -n $(( warmup * 20000 )) -q SMISMEMBER mirror "${members[@]}" >/dev/null
before=$(cpu_ticks "$server_pid")
out=$("${generator_cpu[@]}" redis-benchmark -p "$redis_port" -P 16 -c 4 -n "$requests" -q SMISMEMBER mirror "${members[@]}")
after=$(cpu_ticks "$server_pid")
redis_rps=$(tr '\r' '\n' <<<"$out" | sed -n 's/.*: \([0-9.]*\) requests per second.*/\1/p' | tail -1)
redis_cpu=$(awk -v t=$((after - before)) -v hz="$ticks_per_second" -v n="$requests" 'BEGIN { printf "%.1f", t / hz * 1e6 / n }')
echo "redis smismember $redis_rps $redis_cpu" >> "$work/results"

echo
echo "| target | request | requests/s | recipients/s | server CPU per request | × Redis (recipients/s) |"
echo "| --- | --- | ---: | ---: | ---: | ---: |"
awk -v redis="$redis_rps" '{ printf "| %s | %s, 1,000 | %\047d | %.2f M | %s µs | %.2f× |\n", $1, $2, $3, $3 * 1000 / 1e6, $4, $3 / redis }' "$work/results"
echo
placement="not pinned"; [ -n "$pin" ] && placement="pinned: server on core 0, generator on core 1"
echo "(population $population, h2load -c 4 -m 8 -t 1 for ${duration} s after ${warmup} s, redis-benchmark -P 16 -c 4; $placement)"
