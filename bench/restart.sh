#!/usr/bin/env bash
# Restart time with durable state against a full replay from Kafka, measured in the same run:
#   1. replay   — no durable state: the whole topic is read and applied (what every restart cost before)
#   2. first    — durable state in an empty directory: the same replay, writing FASTER as it goes,
#                 then SIGTERM (a final checkpoint)
#   3. restart  — the same directory: recover the checkpoint, load the hot index from its snapshot
#                 (bench/national-scale.sh also times the log rebuild it replaces), resume the topic
# Each is timed from process start to "SendGate is ready" (NOT_SERVING -> SERVING); disk use and
# RSS are printed. Needs a broker with the topic filled (see docs/performance.md, "Kafka").
# Usage: bench/restart.sh [TOPIC]   env: DATA (default /tmp/sendgate-restart), EXPECTED_TUPLES,
#        DOTNET_ENVIRONMENT (default Development: the dev key and broker 127.0.0.1:9092)
. "$(dirname "$0")/../eng/lib.sh"
cd "$REPO_ROOT"
topic=${1:-perf.consents}
data=${DATA:-/tmp/sendgate-restart}
expected=${EXPECTED_TUPLES:-12000000}
server=src/SendGate.Server/bin/Release/net10.0/sendgate-server.dll
export DOTNET_ENVIRONMENT=${DOTNET_ENVIRONMENT:-Development}
[[ -f $server ]] || dotnet build src/SendGate.Server -c Release -v q -nologo >/dev/null

# run LABEL ARGS...: the gate timed to ready, then stopped with SIGTERM.
run() {
  local label=$1; shift
  timed_gate "$REPO_ROOT" --feed kafka --topic "$topic" --Index:ExpectedTuples "$expected" "$@"
  printf '%-8s ready in %7.1f s   RSS %6s MiB   shutdown %5.1f s   log %s\n' "$label" "$TIMED_READY_SECONDS" "$TIMED_RSS_MIB" "$TIMED_SHUTDOWN_SECONDS" "$TIMED_LOG"
  grep -E "Recovered checkpoint|loaded from snapshot|Caught up|Checkpoint [0-9]+ \(" "$TIMED_LOG" | tail -3 | sed 's/^/           /'
}

rm -rf "$data"
run replay
run first --data "$data"
run restart --data "$data"
echo "disk: $(du -sb "$data" | cut -f1) bytes in $data (log $(du -sb "$data/log" | cut -f1), checkpoints $(du -sb "$data/checkpoints" | cut -f1), snapshots $(du -sb "$data/snapshots" | cut -f1))"
