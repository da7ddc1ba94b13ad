#!/usr/bin/env bash
# The README's "From İYS" walkthrough, end to end, as CI runs it: a broker, the İYS simulator seeded with the
# sample (its times moved into PULL's window), `sendgate iys sync --once` into the consent topic, a gate on
# --feed kafka, three numbers whose answers the sample fixes. Uses the built Release binaries.
. "$(dirname "$0")/lib.sh"
Hashing__Key=$(development_key); export Hashing__Key
BIN_CLI="$REPO_ROOT/src/SendGate.Cli/bin/Release/net10.0/sendgate.dll"
BIN_IYS="$REPO_ROOT/tests/SendGate.IysSimulator/bin/Release/net10.0/iys-simulator.dll"
GATE_LOG=$(mktemp)
IYS_LOG=$(mktemp)
export Iys__BaseUrl=http://127.0.0.1:8480/ Iys__Username=sendgate Iys__Password=sendgate-password \
  Iys__IysCode=123456 Iys__Brands__0=123457 Iys__CursorPath="$(mktemp -d)"
IYS_PID=

cleanup() {
  stop_gate
  [ -n "$IYS_PID" ] && kill "$IYS_PID" 2>/dev/null || true
  bash "$ENG_DIR/kafka.sh" stop
}
trap cleanup EXIT

bash "$ENG_DIR/kafka.sh" start
bash "$ENG_DIR/kafka.sh" create-topic sendgate.consents 3 compact
bash "$ENG_DIR/kafka.sh" create-topic sendgate.consents.dlq 1 delete
dotnet "$BIN_IYS" --urls http://127.0.0.1:8480 --seed "$REPO_ROOT/src/SendGate.Server/sample/consents.sample.jsonl" --seed-age 02:00:00 > "$IYS_LOG" 2>&1 &
IYS_PID=$!
wait_for 30 "the İYS simulator" port_open 8480 || { cat "$IYS_LOG" >&2; exit 1; }

summary=$(dotnet "$BIN_CLI" iys sync --once -X api.version.request=false -X broker.version.fallback=0.9.0.1 2>/dev/null)
echo "$summary"
grep -Eq "^123457 +HS .* caught up$" <<<"$summary" && grep -Eq "^123457 +IYS .* caught up$" <<<"$summary" \
  || { log "the sync did not catch up"; exit 1; }

start_gate "$GATE_LOG" --feed kafka
answers=$(dotnet "$BIN_CLI" check --brand 123457 --channel MESAJ 05321234567 05321234568 05329999999)
echo "$answers"
grep -q "05321234567 *ALLOWED_CONSENT" <<<"$answers" && grep -q "05321234568 *DENIED_REFUSED" <<<"$answers" \
  && grep -q "05329999999 *DENIED_NO_CONSENT" <<<"$answers" || { log "unexpected answers"; exit 1; }
log "İYS → sendgate iys sync → Kafka → gate: the gate answers from what İYS holds"
