#!/usr/bin/env bash
# The BenchmarkDotNet suite with its peers: starts Redis and Garnet on 127.0.0.1 (eng/peers.sh),
# runs the suite with any arguments given, stops them again.
#
#   bench/benchmarks.sh --filter '*'                       everything (10^8 needs ~20 GB and an hour)
#   bench/benchmarks.sh --filter '*Lookup*'                the index against FASTER, Redis, Garnet
#   SENDGATE_BENCH_TUPLES=1e7 bench/benchmarks.sh --filter '*Lookup*'     one size
#   bench/benchmarks.sh --quick --filter '*'               CI: every benchmark once, small sizes (< 2 min)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
"$ROOT/eng/peers.sh" start
trap '"$ROOT/eng/peers.sh" stop' EXIT
set -a; eval "$("$ROOT/eng/peers.sh" env)"; set +a
BUILD=(); [ -n "${SENDGATE_BENCH_NO_BUILD:-}" ] && BUILD=(--no-build)
dotnet run -c Release --project "$ROOT/bench/SendGate.Benchmarks" "${BUILD[@]}" -- "$@"
