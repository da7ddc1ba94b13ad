#!/usr/bin/env bash
# CI's quick pass over the load tooling, so it never rots: the embedded gate (sample data), a
# few seconds of each non-Kafka scenario through the load driver (open and closed model, zero
# errors required), then h2load. The churn scenario runs in eng/kafka-smoke.sh, next to a broker.
# Uses the built Release binaries. Reports land in artifacts/load-smoke/.
. "$(dirname "$0")/../eng/lib.sh"
export Hashing__Key=${Hashing__Key:-$(development_key)}
LOAD_DLL="$REPO_ROOT/loadtests/SendGate.LoadDriver/bin/Release/net10.0/sendgate-load.dll"
OUT="$REPO_ROOT/artifacts/load-smoke"
gate_log=$(mktemp)
trap 'stop_gate; rm -f "$gate_log"' EXIT
start_gate "$gate_log"

run() { # run NAME ARGS...: a short measured run; fails on any error
  local name=$1; shift
  dotnet "$LOAD_DLL" --warmup 1 --duration 3 --admin http://127.0.0.1:9464 --max-errors 0 --quiet --out "$OUT/$name" "$@" \
    | grep -E "^# Load run|^\| [0-9]|FAIL" || { log "$name failed"; return 1; }
}
run sms-gateway --scenario sms-gateway --model closed --concurrency 8
run mta-list --scenario mta-list --model closed --concurrency 2
run pre-hashed --scenario pre-hashed --model open --rate 1000 --ramp 1
bash "$REPO_ROOT/loadtests/h2load.sh" --quick 2>&1 | grep -E "^h2load:|^requests:"
log "load tooling: driver and h2load ran clean (reports in $OUT)"
