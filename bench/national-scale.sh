#!/usr/bin/env bash
# National scale on one machine: ~10^8 tuples (20 brands × 10^7 recipients, with churn and
# 500,000 line closures) from the İYS file with durable state, in one run:
#   first     an empty --data directory: the whole file applied (index, closures, FASTER), then
#             SIGTERM (a final checkpoint with its index snapshot)
#   restart   the same directory, twice: FASTER recovery, the hot index loaded from the snapshot
#   rebuild   the same, with the snapshots moved aside: the index rebuilt from the FASTER log
#             (what every restart cost before snapshots were wired), then the snapshots put back
# Each is timed from process start to "SendGate is ready"; RSS at ready and disk use are printed.
# Needs ~30 GB for the file and ~15 GB for the state. Usage: bench/national-scale.sh
#   env: FILE (/tmp/consents-1e8.jsonl), DATA (/tmp/sendgate-1e8-data), DOTNET_GCgen0size (0x4000000)
. "$(dirname "$0")/../eng/lib.sh"
cd "$REPO_ROOT"
file=${FILE:-/tmp/consents-1e8.jsonl}
data=${DATA:-/tmp/sendgate-1e8-data}
export DOTNET_ENVIRONMENT=Development DOTNET_GCgen0size=${DOTNET_GCgen0size:-0x4000000}
for project in src/SendGate.Server src/SendGate.Cli; do dotnet build "$project" -c Release -v q -nologo >/dev/null; done
[[ -f $file ]] || dotnet src/SendGate.Cli/bin/Release/net10.0/sendgate.dll generate --brands 20 --recipients 10000000 --seed 7 --closures 500000 --out "$file" --quiet

run() { # run LABEL: the gate timed to ready, then stopped with SIGTERM
  timed_gate "$REPO_ROOT" --consents "$file" --data "$data" --Index:ExpectedTuples 110000000
  printf '%-8s ready in %6.1f s   RSS %5s MiB   log %s\n' "$1" "$TIMED_READY_SECONDS" "$TIMED_RSS_MIB" "$TIMED_LOG"
  grep -E "Caught up|loaded from snapshot|not used|Recovered checkpoint" "$TIMED_LOG" | sed 's/^.*\] /           /' | cut -c1-260
}

rm -rf "$data"
run first
echo "disk: $(du -sh "$data" | cut -f1) (log $(du -sh "$data/log" | cut -f1), checkpoints $(du -sh "$data/checkpoints" | cut -f1), snapshots $(du -sh "$data/snapshots" | cut -f1))"
run restart
run restart
mv "$data/snapshots" "$data/snapshots.aside"
run rebuild
rm -rf "$data/snapshots" && mv "$data/snapshots.aside" "$data/snapshots"
