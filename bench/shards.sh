#!/usr/bin/env bash
# Brand-sharded serving on this machine: the same brand-placed topic served by 1, 2 and 3 shard processes.
# For each: every shard's resident memory once caught up, and the recipients/s h2load gets from all shards at
# once (pre-hashed Checks of 1,000 for a brand each shard serves, one h2load per shard, in parallel).
#
#   bench/shards.sh [--recipients N] [--duration S]      default: 1,000,000 recipients × 6 brands (~3.6 M tuples), 10 s
#
# The broker (eng/kafka.sh, default port), the gates and the load generators all share this machine's cores:
# the figures say what one machine's cores do, not what three machines would.
. "$(dirname "$0")/../eng/lib.sh"

recipients=1000000 duration=10
while [ $# -gt 0 ]; do
  case "$1" in
    --recipients) recipients=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) log "unknown argument $1 (--help)"; exit 2 ;;
  esac
done

apt_install nghttp2-client
key=$(development_key)
export Hashing__Key=$key
CLI="$REPO_ROOT/src/SendGate.Cli/bin/Release/net10.0/sendgate.dll"
LOAD="$REPO_ROOT/loadtests/SendGate.LoadDriver/bin/Release/net10.0/sendgate-load.dll"
work=$(mktemp -d /tmp/sendgate-shards-XXXX)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; bash "$ENG_DIR/kafka.sh" stop >/dev/null; rm -rf "$work"; }
trap cleanup EXIT

bash "$ENG_DIR/kafka.sh" start
topic=sendgate.shards.$$
bash "$ENG_DIR/kafka.sh" create-topic "$topic" 3 compact
bash "$ENG_DIR/kafka.sh" create-topic "$topic.closures" 1 compact # Placement=Brand: line closures on their own topic
dotnet "$CLI" generate --brands 6 --recipients "$recipients" --seed 7 --out "$work/consents.jsonl" --quiet
cat > "$work/publish.json" <<JSON
{ "Hashing": { "Key": "$key" }, "Feed": { "Kafka": { "Placement": "Brand", "Properties": { "api.version.request": "false", "broker.version.fallback": "0.9.0.1" } } } }
JSON
dotnet "$CLI" publish --from "$work/consents.jsonl" --topic "$topic" --config "$work/publish.json" --quiet
events=$(wc -l < "$work/consents.jsonl")

# Brands per partition (BrandPlacement over 3 partitions): 0 → 123457, 1 → 123459, 2 → 123462.
brand_of() { case $1 in 0) echo 123457 ;; 1) echo 123459 ;; 2) echo 123462 ;; esac; }

run() { # run "0,1,2" | "0,1 2" | "0 1 2": one shard process per word
  local layout=$1 index=0 started ready rss=() loads=() total=0
  pids=()
  for shard in $layout; do
    local grpc=$((50061 + index)) admin=$((9471 + index))
    local env=(DOTNET_ENVIRONMENT=Production "Urls=http://127.0.0.1:$grpc" "Admin__Url=http://127.0.0.1:$admin" "Feed__Kind=Kafka"
      "Feed__Kafka__BootstrapServers=127.0.0.1:9092" "Feed__Kafka__Topic=$topic" "Feed__Kafka__DeadLetterTopic=$topic.dlq" "Feed__Kafka__Placement=Brand"
      "Feed__Kafka__GroupId=shards-$$-$index" "Feed__Kafka__Properties__api.version.request=false" "Feed__Kafka__Properties__broker.version.fallback=0.9.0.1"
      "Index__Records=None" "Logging__LogLevel__Default=Warning")
    local p=0
    for partition in ${shard//,/ }; do env+=("Shard__Partitions__$p=$partition"); p=$((p + 1)); done
    (cd "$REPO_ROOT/src/SendGate.Server/bin/Release/net10.0" && exec env "${env[@]}" dotnet sendgate-server.dll) > "$work/gate-$index.log" 2>&1 &
    pids+=($!)
    index=$((index + 1))
  done
  started=$SECONDS
  for i in $(seq 0 $((index - 1))); do
    wait_for 600 "shard $i ready" curl -fsS "http://127.0.0.1:$((9471 + i))/readyz" -o /dev/null 2>/dev/null || { tail -20 "$work/gate-$i.log"; return 1; }
  done
  ready=$((SECONDS - started))
  for i in $(seq 0 $((index - 1))); do rss+=("$(awk '/VmRSS/ {print int($2/1024)}' "/proc/${pids[$i]}/status") MiB"); done
  # One h2load per shard, all at once, each for a brand its shard serves. A shard refusing the brand would answer
  # HTTP 200 with a grpc-status, which h2load counts as a success: the gate's own count of answered Checks says.
  local before=()
  for i in $(seq 0 $((index - 1))); do before+=("$(gate_metric sendgate_check_requests_total "http://127.0.0.1:$((9471 + i))")"); done
  i=0
  for shard in $layout; do
    local first=${shard%%,*}
    dotnet "$LOAD" frame --scenario pre-hashed --brand "$(brand_of "$first")" --hashing-key "$key" --out "$work/body-$i.bin" >/dev/null
    h2load -c 2 -m 8 -t 1 -D "$duration" --warm-up-time 3 -H 'content-type: application/grpc' -H 'te: trailers' \
      -d "$work/body-$i.bin" "http://127.0.0.1:$((50061 + i))/sendgate.v1.Gate/Check" > "$work/h2load-$i.out" 2>&1 &
    loads+=($!)
    i=$((i + 1))
  done
  wait "${loads[@]}"
  for i in $(seq 0 $((index - 1))); do
    local rps; rps=$(sed -n 's/^finished in .*, \([0-9.]*\) req\/s.*/\1/p' "$work/h2load-$i.out")
    grep -q " 0 failed, 0 errored" "$work/h2load-$i.out" || { log "h2load against shard $i saw failures"; cat "$work/h2load-$i.out" >&2; return 1; }
    local succeeded answered
    succeeded=$(sed -n 's/^requests: .* \([0-9]*\) succeeded.*/\1/p' "$work/h2load-$i.out")
    answered=$(( $(gate_metric sendgate_check_requests_total "http://127.0.0.1:$((9471 + i))") - before[i] ))
    [ "$answered" -ge "$succeeded" ] || { log "shard $i answered $answered Checks of h2load's $succeeded: the rest were refusals"; return 1; }
    total=$(python3 -c "print($total + $rps * 1000)")
  done
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait "${pids[@]}" 2>/dev/null || true
  printf '| %s | %d | %s s | %s | %s |\n' "$layout" "$index" "$ready" "${rss[*]}" "$(python3 -c "print(f'{$total:,.0f}')")"
}

echo "events published: $events (6 brands, $recipients recipients)"
echo "| partitions per shard process | processes | all caught up in | resident memory each | recipients/s, all shards (h2load, batch 1,000, pre-hashed) |"
echo "| --- | ---: | ---: | --- | ---: |"
run "0,1,2"
run "0,1 2"
run "0 1 2"
