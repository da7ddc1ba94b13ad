#!/usr/bin/env bash
# The README's "Running with Kafka" walkthrough, end to end, as CI runs it: start the broker,
# create the topics, publish the sample with the CLI, start the gate on --feed kafka, check three
# numbers whose answers the sample fixes, stop everything. Uses the built Release binaries.
. "$(dirname "$0")/lib.sh"
export Hashing__Key=djZKLbuekFGzgNLUgHFeKQ==   # the development key (published, sample data only)
BIN_CLI="$REPO_ROOT/src/SendGate.Cli/bin/Release/net10.0/sendgate.dll"
BIN_GATE="$REPO_ROOT/src/SendGate.Server/bin/Release/net10.0/sendgate-server.dll"
GATE_LOG=$(mktemp)
gate_pid=

cleanup() {
  [ -n "$gate_pid" ] && kill "$gate_pid" 2>/dev/null && wait "$gate_pid" 2>/dev/null
  bash "$ENG_DIR/kafka.sh" stop
}
trap cleanup EXIT

bash "$ENG_DIR/kafka.sh" start
bash "$ENG_DIR/kafka.sh" create-topic sendgate.consents 3 compact
bash "$ENG_DIR/kafka.sh" create-topic sendgate.consents.dlq 1 delete
dotnet "$BIN_CLI" publish --from "$REPO_ROOT/src/SendGate.Server/sample/consents.sample.jsonl" --quiet \
  -X api.version.request=false -X broker.version.fallback=0.9.0.1

(cd "$REPO_ROOT/src/SendGate.Server" && exec dotnet "$BIN_GATE" --environment Development --feed kafka) > "$GATE_LOG" 2>&1 &
gate_pid=$!
deadline=$((SECONDS + 60))
until curl -fsS http://127.0.0.1:9464/readyz >/dev/null 2>&1; do
  if [ $SECONDS -ge $deadline ] || ! kill -0 "$gate_pid" 2>/dev/null; then cat "$GATE_LOG" >&2; log "the gate did not become ready"; exit 1; fi
  sleep 0.5
done

answers=$(dotnet "$BIN_CLI" check --brand 123457 --channel MESAJ 05321234567 05321234568 05329999999)
echo "$answers"
grep -q "05321234567 *ALLOWED_CONSENT" <<<"$answers" && grep -q "05321234568 *DENIED_REFUSED" <<<"$answers" \
  && grep -q "05329999999 *DENIED_NO_CONSENT" <<<"$answers" || { log "unexpected answers"; exit 1; }
grep -q "Caught up with sendgate.consents" "$GATE_LOG"
log "the gate on --feed kafka answers from the topic"
