#!/usr/bin/env bash
# Relay + parser benchmarks: bash scripts/bench.sh [--runtime deno|bun|node|all] [--quick] [more options]
# Options are those of scripts/bench/run.ts (see its header), e.g. --readers 1,10,50 --transports udp.
# A full run over the three runtimes takes about 10 minutes on 2 cores; --quick is a smoke run (< 60 s).
# Results: printed, and written to tmp/bench/bench-<date>.{md,json}.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
export NO_COLOR=1
ulimit -n 65536 2>/dev/null || true
exec node --import tsx scripts/bench/run.ts "$@"
