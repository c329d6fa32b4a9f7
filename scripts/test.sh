#!/usr/bin/env bash
# Runs the test suite on one runtime or on all three: scripts/test.sh [deno|bun|node|all] [files...]
# Prints a final "N passed, N failed" line per runtime (and the sum with `all`).
set -uo pipefail
cd "$(dirname "$0")/.."
export NO_COLOR=1
export PATH="$PWD/node_modules/.bin:$PATH"
which_runtime="${1:-all}"; shift || true
# Folders are expanded here: `node --test` (Node 20) runs only the files it is named directly.
test_files() { find "$@" -name '*_test.ts' -not -path '*/testdata/*' | sort; }
mapfile -t files < <(if [ $# -eq 0 ]; then test_files tests; else
  for arg in "$@"; do if [ -d "$arg" ]; then test_files "$arg"; else printf '%s\n' "$arg"; fi; done; fi)
total_pass=0; total_fail=0; status=0

count() { # $1 runtime $2 log: sets pass/fail from the runner's summary
  case "$1" in
    deno) # deno counts describe blocks as tests and it() as steps: count the steps where there are any
      local line; line=$(grep -E '^(ok|FAILED) \| ' "$2" | tail -1)
      pass=$(echo "$line" | grep -Eo '[0-9]+ passed( \([0-9]+ steps?\))?' | grep -Eo '[0-9]+' | tail -1)
      fail=$(echo "$line" | grep -Eo '[0-9]+ failed( \([0-9]+ steps?\))?' | grep -Eo '[0-9]+' | tail -1);;
    bun) pass=$(grep -Eo '^ *[0-9]+ pass' "$2" | tail -1 | grep -Eo '[0-9]+'); fail=$(grep -Eo '^ *[0-9]+ fail' "$2" | tail -1 | grep -Eo '[0-9]+');;
    node) pass=$(grep -Eo '^# pass [0-9]+' "$2" | tail -1 | grep -Eo '[0-9]+'); fail=$(grep -Eo '^# fail [0-9]+' "$2" | tail -1 | grep -Eo '[0-9]+');;
  esac
  pass=${pass:-0}; fail=${fail:-0}
}

run() { # $1 runtime
  local log; log=$(mktemp)
  echo "=== tests on $1 ==="
  case "$1" in
    deno) deno test -A --unstable-net "${files[@]}" 2>&1 | tee "$log"; rc=${PIPESTATUS[0]};;
    bun) bun test --timeout 60000 "${files[@]/#/./}" 2>&1 | tee "$log"; rc=${PIPESTATUS[0]};;
    # No --test-force-exit: with it, Node drops the verdicts of a file's last tests from the report
    # and still exits 0 (nodejs/node#64833), so failures there would go unseen. A test that leaks a
    # handle hangs instead, and the timeout turns that into a loud failure.
    node) timeout --kill-after=10 "${NODE_TEST_TIMEOUT_S:-1800}" \
        node --import tsx --test --test-concurrency=1 "${files[@]}" 2>&1 | tee "$log"; rc=${PIPESTATUS[0]}
      [ "$rc" -ne 124 ] || echo "node --test still running after ${NODE_TEST_TIMEOUT_S:-1800} s: a test leaks a handle";;
  esac
  count "$1" "$log"; rm -f "$log"
  if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then fail=1; fi
  echo "$1: $pass passed, $fail failed"
  total_pass=$((total_pass + pass)); total_fail=$((total_fail + fail))
  [ "$rc" -eq 0 ] || status=1
}

if [ "$which_runtime" = all ]; then for r in deno bun node; do run "$r"; done; else run "$which_runtime"; fi
echo "$total_pass passed, $total_fail failed"
exit $status
