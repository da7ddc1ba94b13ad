#!/usr/bin/env bash
# Restart time with durable state against a full replay from Kafka, measured in the same run:
#   1. replay   — no durable state: the whole topic is read and applied (what every restart cost before)
#   2. first    — durable state in an empty directory: the same replay, writing FASTER as it goes,
#                 then SIGTERM (a final checkpoint)
#   3. restart  — the same directory: recover the checkpoint, rebuild the hot index, resume the topic
# Each is timed from process start to "SendGate is ready" (NOT_SERVING -> SERVING); disk use and
# RSS are printed. Needs a broker with the topic filled (see docs/performance.md, "Kafka").
# Usage: bench/restart.sh [TOPIC]   env: DATA (default /tmp/sendgate-restart), EXPECTED_TUPLES,
#        DOTNET_ENVIRONMENT (default Development: the dev key and broker 127.0.0.1:9092)
set -euo pipefail
cd "$(dirname "$0")/.."
topic=${1:-perf.consents}
data=${DATA:-/tmp/sendgate-restart}
expected=${EXPECTED_TUPLES:-12000000}
server=src/SendGate.Server/bin/Release/net10.0/sendgate-server.dll
export DOTNET_ENVIRONMENT=${DOTNET_ENVIRONMENT:-Development}
[[ -f $server ]] || dotnet build src/SendGate.Server -c Release -v q -nologo >/dev/null

# run LABEL ARGS...: starts the gate, waits until ready, prints the time, stops it with SIGTERM.
run() {
  local label=$1; shift
  local log; log=$(mktemp /tmp/sendgate-restart-XXXX.log)
  local start; start=$(date +%s.%N)
  (cd "$(dirname "$server")" && exec dotnet "$(basename "$server")" --feed kafka --topic "$topic" --Index:ExpectedTuples "$expected" --Logging:Console:FormatterOptions:SingleLine true "$@") >"$log" 2>&1 &
  local pid=$!
  until grep -q "SendGate is ready" "$log"; do
    if ! kill -0 "$pid" 2>/dev/null; then echo "$label: the gate exited; log: $log" >&2; tail -20 "$log" >&2; exit 1; fi
    sleep 0.2
  done
  local ready; ready=$(date +%s.%N)
  local rss; rss=$(awk '/VmRSS/ {print int($2/1024)}' "/proc/$pid/status")
  local stop; stop=$(date +%s.%N)
  kill -TERM "$pid"; wait "$pid" || true
  local stopped; stopped=$(date +%s.%N)
  printf '%-8s ready in %7.1f s   RSS %6s MiB   shutdown %5.1f s   log %s\n' "$label" "$(echo "$ready - $start" | bc)" "$rss" "$(echo "$stopped - $stop" | bc)" "$log"
  grep -E "Recovered checkpoint|loaded from snapshot|Caught up|Checkpoint [0-9]+ \(" "$log" | tail -3 | sed 's/^/           /'
}

rm -rf "$data"
run replay
run first --data "$data"
run restart --data "$data"
echo "disk: $(du -sb "$data" | cut -f1) bytes in $data (log $(du -sb "$data/log" | cut -f1), checkpoints $(du -sb "$data/checkpoints" | cut -f1))"
