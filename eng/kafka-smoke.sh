#!/usr/bin/env bash
# The README's "Running with Kafka" walkthrough, end to end, as CI runs it: start the broker,
# create the topics, publish the sample with the CLI, start the gate on --feed kafka, check three
# numbers whose answers the sample fixes, stop everything. Uses the built Release binaries.
. "$(dirname "$0")/lib.sh"
Hashing__Key=$(development_key); export Hashing__Key
BIN_CLI="$REPO_ROOT/src/SendGate.Cli/bin/Release/net10.0/sendgate.dll"
GATE_LOG=$(mktemp)

cleanup() {
  stop_gate
  bash "$ENG_DIR/kafka.sh" stop
}
trap cleanup EXIT

bash "$ENG_DIR/kafka.sh" start
bash "$ENG_DIR/kafka.sh" create-topic sendgate.consents 3 compact
bash "$ENG_DIR/kafka.sh" create-topic sendgate.consents.dlq 1 delete
dotnet "$BIN_CLI" publish --from "$REPO_ROOT/src/SendGate.Server/sample/consents.sample.jsonl" --quiet \
  -X api.version.request=false -X broker.version.fallback=0.9.0.1

start_gate "$GATE_LOG" --feed kafka

answers=$(dotnet "$BIN_CLI" check --brand 123457 --channel MESAJ 05321234567 05321234568 05329999999)
echo "$answers"
grep -q "05321234567 *ALLOWED_CONSENT" <<<"$answers" && grep -q "05321234568 *DENIED_REFUSED" <<<"$answers" \
  && grep -q "05329999999 *DENIED_NO_CONSENT" <<<"$answers" || { log "unexpected answers"; exit 1; }
grep -q "Caught up with kafka:sendgate.consents" "$GATE_LOG"
log "the gate on --feed kafka answers from the topic"

# The load driver's churn scenario against the same gate: checks while consent changes stream in;
# every change must be acknowledged and applied (the index version grows by at least as many).
BIN_LOAD="$REPO_ROOT/loadtests/SendGate.LoadDriver/bin/Release/net10.0/sendgate-load.dll"
before=$(gate_metric sendgate_index_version)
churn=$(dotnet "$BIN_LOAD" --scenario churn --churn-rate 500 --warmup 1 --duration 3 --concurrency 2 --max-errors 0 --quiet \
  --out "$(mktemp -d)" -X api.version.request=false -X broker.version.fallback=0.9.0.1)
grep -E "^Churn:|^\| [0-9]" <<<"$churn"
published=$(sed -n 's/^Churn: \([0-9,]*\) consent changes published.*/\1/p' <<<"$churn" | tr -d ,)
grep -q "acknowledged, 0 failed" <<<"$churn" || { log "churn: changes failed to publish"; exit 1; }
sleep 2
after=$(gate_metric sendgate_index_version)
applied=$((after - before))
[ "$published" -gt 0 ] && [ "$applied" -ge "$published" ] || { log "churn: $published changes published, index version grew by $applied"; exit 1; }
log "churn: $published changes published and applied while checking"
