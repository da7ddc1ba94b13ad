#!/usr/bin/env bash
# How fast a citizen's refusal pushed by İYS reaches the gates: İYS's POST to the receiver of `sendgate iys sync`
# (https, basic authentication, one item per request) → Kafka (acks=all) → a gate on --feed kafka answering
# DENIED_REFUSED for that recipient. bench/SendGate.FeedLatency --via receiver stands in for İYS on an open schedule
# (consents first, untimed; then each RET timed from its scheduled POST to the first Check that shows it).
# Everything runs on this machine: the broker, the simulated İYS (the worker's PULL needs one), the worker, the gate
# and the driver.
# Usage: bench/iys-push-freshness.sh [RATES (default "100 1000")] [SECONDS (30)]   env: RUNS (1)
. "$(dirname "$0")/../eng/lib.sh"
cd "$REPO_ROOT"
rates=${1:-100 1000}
seconds=${2:-30}
runs=${RUNS:-1}
for project in src/SendGate.Server src/SendGate.Cli tests/SendGate.IysSimulator bench/SendGate.FeedLatency; do
  dotnet build "$project" -c Release -v q -nologo >/dev/null
done
CLI=src/SendGate.Cli/bin/Release/net10.0/sendgate.dll
IYS=tests/SendGate.IysSimulator/bin/Release/net10.0/iys-simulator.dll
LATENCY=bench/SendGate.FeedLatency/bin/Release/net10.0/sendgate-feed-latency.dll
work=$(mktemp -d)
Hashing__Key=$(development_key); export Hashing__Key
WORKER_PID= IYS_PID=
cleanup() {
  stop_gate
  for pid in $WORKER_PID $IYS_PID; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  bash eng/kafka.sh stop
  rm -rf "$work"
}
trap cleanup EXIT

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 -keyout "$work/receiver.key" -out "$work/receiver.crt" 2>/dev/null
bash eng/kafka.sh start
topic=push-freshness
bash eng/kafka.sh create-topic $topic 3 compact >/dev/null
bash eng/kafka.sh create-topic $topic.dlq 1 delete >/dev/null
dotnet "$IYS" --urls http://127.0.0.1:8481 --brand 900001 > "$work/iys.log" 2>&1 &
IYS_PID=$!
wait_for 30 "the İYS simulator" port_open 8481

export Iys__BaseUrl=http://127.0.0.1:8481/ Iys__Username=sendgate Iys__Password=sendgate-password Iys__IysCode=123456 \
  Iys__Brands__0=900001 Iys__CursorPath="$work/cursors" Iys__AdminUrl=http://127.0.0.1:9475 \
  Iys__Receive__Listen=https://127.0.0.1:8443 Iys__Receive__Username=iys Iys__Receive__Password=bench-secret \
  Kestrel__Certificates__Default__Path="$work/receiver.crt" Kestrel__Certificates__Default__KeyPath="$work/receiver.key" \
  Feed__Kafka__Topic=$topic Feed__Kafka__DeadLetterTopic=$topic.dlq
dotnet "$CLI" iys sync -X api.version.request=false -X broker.version.fallback=0.9.0.1 > "$work/worker.log" 2>&1 &
WORKER_PID=$!
wait_for 60 "the İYS worker" port_open 8443 || { cat "$work/worker.log" >&2; exit 1; }
start_gate "$work/gate.log" --feed kafka --topic $topic

echo "İYS push → gate, on $(nproc) cores: broker, simulated İYS, worker, gate and driver on this machine"
for ((run = 1; run <= runs; run++)); do
  for rate in $rates; do
    dotnet "$LATENCY" --via receiver --receiver https://127.0.0.1:8443/iys/changes --user iys --password bench-secret \
      --rate "$rate" --seconds "$seconds" --warmup 5 --topic $topic
  done
done
echo "receiver: $(curl -fsS http://127.0.0.1:9475/metrics | grep -E '^sendgate_iys_receive_(items|requests)_total' | tr '\n' ' ')"
