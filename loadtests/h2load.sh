#!/usr/bin/env bash
# h2load (nghttp2) against the gate: a load generator nobody here wrote, posting one pre-framed
# CheckRequest over and over. Frames the request with the load driver, starts the embedded gate
# if nothing answers at the address, runs h2load, and reports recipients/s from its requests/s.
#
#   loadtests/h2load.sh [--scenario pre-hashed|sms-gateway|mta-list] [--batch N] [--address URL]
#                       [--duration S | -n REQUESTS] [--warmup S] [-c CLIENTS] [-m STREAMS] [-t THREADS]
#                       [--admin URL] [--quick]
#
# h2load checks the HTTP status only, and gRPC refusals are HTTP 200 with a grpc-status: so the
# gate's own count of answered Checks (/metrics at --admin) must grow by at least h2load's
# successes, or the run fails. The gate's hashing key: Hashing__Key, else the development key
# (what the embedded gate uses). A gate with access control: SENDGATE_API_KEY.
. "$(dirname "$0")/../eng/lib.sh"

scenario=pre-hashed batch= address=http://127.0.0.1:50051 admin=http://127.0.0.1:9464 duration=20 warmup=5 requests= clients=4 streams=8 threads=1
while [ $# -gt 0 ]; do
  case "$1" in
    --scenario) scenario=$2; shift 2 ;;
    --batch) batch=$2; shift 2 ;;
    --address) address=$2; shift 2 ;;
    --admin) admin=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    -n) requests=$2; shift 2 ;;
    -c) clients=$2; shift 2 ;;
    -m) streams=$2; shift 2 ;;
    -t) threads=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --quick) duration=3 warmup=2; shift ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) log "unknown argument $1 (--help)"; exit 2 ;;
  esac
done

apt_install nghttp2-client
export Hashing__Key=${Hashing__Key:-$(development_key)}
LOAD_DLL="$REPO_ROOT/loadtests/SendGate.LoadDriver/bin/Release/net10.0/sendgate-load.dll"
[ -f "$LOAD_DLL" ] && [ -f "$GATE_DLL" ] || dotnet build "$REPO_ROOT/SendGate.sln" -c Release -v quiet >/dev/null
body=$(mktemp --suffix=.bin)
gate_log=$(mktemp)
trap 'stop_gate; rm -f "$body" "$gate_log"' EXIT

hostport=${address#*://}
if ! port_open "${hostport##*:}"; then
  log "nothing answers at $address: starting the embedded gate"
  start_gate "$gate_log"
fi

frame_args=(frame --scenario "$scenario" --out "$body")
[ -n "$batch" ] && frame_args+=(--batch "$batch")
per_request=$(dotnet "$LOAD_DLL" "${frame_args[@]}" | tee /dev/stderr | sed -n 's/^[0-9,]* bytes: \([0-9,]*\) recipients.*/\1/p' | tr -d ,)

# A warm-up the measurement does not see: a freshly started gate runs its first seconds on
# unoptimized code while the JIT tiers up (h2load measured 5.5 M recipients/s cold, 17 M warm).
run=(-c "$clients" -m "$streams" -t "$threads" -H 'content-type: application/grpc' -H 'te: trailers')
[ -n "${SENDGATE_API_KEY:-}" ] && run+=(-H "authorization: Bearer $SENDGATE_API_KEY")
if [ -n "$requests" ]; then
  h2load -D "$warmup" "${run[@]}" -d "$body" "$address/sendgate.v1.Gate/Check" >/dev/null
  run+=(-n "$requests")
else
  run+=(-D "$duration" --warm-up-time "$warmup")
fi
before=$(gate_metric sendgate_check_requests_total "$admin")
out=$(h2load "${run[@]}" -d "$body" "$address/sendgate.v1.Gate/Check")
echo "$out"
grep -q "succeeded, 0 failed, 0 errored" <<<"$out" || grep -Eq "status codes: [0-9]+ 2xx, 0 3xx, 0 4xx, 0 5xx" <<<"$out" || { log "h2load saw failures"; exit 1; }
succeeded=$(sed -n 's/^requests: .* \([0-9]*\) succeeded.*/\1/p' <<<"$out")
gate_answered=$(( $(gate_metric sendgate_check_requests_total "$admin") - before ))
if [ "$gate_answered" -lt "$succeeded" ]; then
  log "h2load counted $succeeded successes but the gate answered only $gate_answered Checks: the rest were gRPC refusals (HTTP 200 with a grpc-status). Access control? Set SENDGATE_API_KEY."
  exit 1
fi
rps=$(sed -n 's/^finished in .*, \([0-9.]*\) req\/s.*/\1/p' <<<"$out")
python3 -c "print(f'h2load: {float(\"$rps\"):,.0f} requests/s x $per_request recipients = {float(\"$rps\") * $per_request:,.0f} recipients/s ($scenario, -c $clients -m $streams -t $threads)')"
