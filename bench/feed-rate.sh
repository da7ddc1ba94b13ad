#!/usr/bin/env bash
# The consent data path's rates, this build against a baseline build, in one run on the same data
# and the same broker:
#   publish   sendgate publish of the İYS JSON Lines file to a fresh topic (parse, validate, hash, produce, acks=all)
#   file      the gate loading the same file to SERVING (--consents FILE)
#   kafka     the gate catching up from the pre-filled topic to SERVING (--feed kafka)
# Rates are the tools' own figures (events applied or delivered / seconds); each gate run is also
# timed from process start to ready. Needs a broker (eng/kafka.sh start).
# Usage: bench/feed-rate.sh [RECIPIENTS]   env: BASELINE (another checkout, e.g. a git worktree of an
#        older commit, built here too; omitted: this build only), RECORDS (the Index:Records modes
#        to run the gate in, default "Memory None"), DATA (--data DIR for the gate runs: the durable
#        store applied too), PARTITIONS (3), DOTNET_GCgen0size (default 0x4000000 as deploy/ sets
#        it; empty: the runtime's own budget), CLOSURE_TOPIC=1 (each Kafka catch-up also run reading
#        an empty line-closure topic beside the same consent topic: what reading two topics costs),
#        RUNS (1; more: every gate run repeated, the builds' order alternating from one round to the
#        next, and a summary of each configuration's median — the lower middle one of an even count —
#        and range: this machine's speed moves by 10–20% between consecutive runs, so one run says little)
. "$(dirname "$0")/../eng/lib.sh"
cd "$REPO_ROOT"
recipients=${1:-1400000}
partitions=${PARTITIONS:-3}
file=/tmp/sendgate-feed-rate-$recipients.jsonl
export DOTNET_ENVIRONMENT=Development
export Hashing__Key=$(sed -n 's/.*"Key": *"\([^"]*\)".*/\1/p' src/SendGate.Server/appsettings.Development.json | head -1)
kafka=(-X api.version.request=false -X broker.version.fallback=0.9.0.1)
export DOTNET_GCgen0size=${DOTNET_GCgen0size-0x4000000}
[[ -z $DOTNET_GCgen0size ]] && unset DOTNET_GCgen0size
records=${RECORDS:-Memory None}

# Both checkouts built here: a baseline without its own Release CLI could not publish its topic.
for root in "$PWD" ${BASELINE:+"$BASELINE"}; do
  for project in src/SendGate.Server src/SendGate.Cli; do dotnet build "$root/$project" -c Release -v q -nologo >/dev/null; done
done
[[ -f $file ]] || dotnet src/SendGate.Cli/bin/Release/net10.0/sendgate.dll generate --brands 3 --recipients "$recipients" --seed 7 --closures $((recipients / 100)) --out "$file" --quiet
echo "data: $file, $(wc -l < "$file") lines, $(du -m "$file" | cut -f1) MB"

declare -A rates=()
labels=()
# gate ROOT LABEL ARGS...: ROOT's gate timed to ready; prints its caught-up line and RSS, and keeps its rate.
gate() {
  local root=$1 label=$2; shift 2
  [[ -n ${DATA:-} ]] && rm -rf "$DATA" && set -- "$@" --data "$DATA"
  timed_gate "$root" --Index:ExpectedTuples $((recipients * 3)) "$@"
  local line; line=$(grep -oE "(Caught up|Loaded) .*" "$TIMED_LOG" | head -1 | sed 's/ (\x1b.*//')
  printf '%-30s ready in %6.1f s  RSS %5s MiB  %s\n' "$label" "$TIMED_READY_SECONDS" "$TIMED_RSS_MIB" "$line"
  [[ -v "rates[$label]" ]] || labels+=("$label")
  rates[$label]+="$(sed -n 's/.*(\([0-9]*\) events\/s).*/\1/p' <<< "$line") "
}

# publish ROOT LABEL TOPIC
publish() {
  local root=$1 label=$2 topic=$3
  eng/kafka.sh create-topic "$topic" "$partitions" compact >/dev/null
  printf '%-30s %s\n' "$label" "$(dotnet "$root/src/SendGate.Cli/bin/Release/net10.0/sendgate.dll" publish --from "$file" --topic "$topic" "${kafka[@]}" --quiet)"
}

run_id=$(date +%s)
roots=("$PWD:this build")
[[ -n ${BASELINE:-} ]] && roots+=("$BASELINE:baseline")
for entry in "${roots[@]}"; do
  root=${entry%%:*} label=${entry#*:}
  publish "$root" "publish ($label)" "rate.$run_id.${label// /-}"
done
echo "gen0 budget: ${DOTNET_GCgen0size:-runtime default}"
for ((round = 1; round <= ${RUNS:-1}; round++)); do
  order=("${roots[@]}")
  (( round % 2 == 0 && ${#roots[@]} == 2 )) && order=("${roots[1]}" "${roots[0]}") # alternate who goes first
  for mode in $records; do
    for entry in "${order[@]}"; do
      root=${entry%%:*} label="${entry#*:}, $mode"
      gate "$root" "file ($label)" --consents "$file" --Index:Records "$mode"
      gate "$root" "kafka ($label)" --feed kafka --topic "rate.$run_id.this-build" --Feed:Kafka:DeadLetterTopic "rate.$run_id.dlq" --Index:Records "$mode"
      if [[ -n ${CLOSURE_TOPIC:-} ]]; then
        eng/kafka.sh create-topic "rate.$run_id.closures" 1 compact >/dev/null
        gate "$root" "kafka + closure topic ($label)" --feed kafka --topic "rate.$run_id.this-build" --Feed:Kafka:DeadLetterTopic "rate.$run_id.dlq" \
          --Feed:Kafka:ClosureTopic "rate.$run_id.closures" --Index:Records "$mode"
      fi
    done
  done
done
if (( ${RUNS:-1} > 1 )); then
  echo "| configuration | events/s, median | range | runs |"
  echo "| --- | ---: | --- | ---: |"
  for label in "${labels[@]}"; do
    read -r -a values <<< "${rates[$label]}"
    sorted=$(printf '%s\n' "${values[@]}" | sort -n)
    median=$(sed -n "$(( (${#values[@]} + 1) / 2 ))p" <<< "$sorted")
    printf '| %s | %s | %s–%s | %d |\n' "$label" "$median" "$(head -1 <<< "$sorted")" "$(tail -1 <<< "$sorted")" "${#values[@]}"
  done
fi
