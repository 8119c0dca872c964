#!/usr/bin/env bash
# Runs every test; called by `make test` (and `make test-asan` with --asan-only).
#   1. C++ unit + store tests (GoogleTest/CTest), each store test on SQLite and on PostgreSQL
#   2. the HTTP API suite against a running sangam, on both backends
#   3. the browser test (playwright-core on Debian's Chromium)
#   and first the connector's own tests (node:test)
# One throwaway PostgreSQL cluster serves them all unless SANGAM_TEST_DATABASE_URL is set.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)

if [ "${1:-}" = "--asan-only" ]; then
  cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSANGAM_SANITIZE=ON -DSANGAM_BENCH=OFF >/dev/null
  ninja -C build-asan -j "$jobs" sangam_tests
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  exec scripts/with-postgres.sh ctest --test-dir build-asan --output-on-failure -j "$jobs"
fi

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C build -j "$jobs" sangam sangam_tests
(cd web && npm run --silent build)
(cd connector && npm run --silent build)

# Every stage runs even when an earlier one failed (one run shows all failures), and the exit status
# is non-zero if any failed: a bash function without `set -e` returns only its last command's status.
run_all() {
  local failed=()
  echo "== Connector tests (whatsapp-web.js event mapping, simulator, real Chromium without network)"
  (cd connector && node --test --test-concurrency=1 dist/test/*.test.js) || failed+=(connector)
  echo "== C++ tests (SQLite + PostgreSQL)"
  ctest --test-dir build --output-on-failure -j "$jobs" || failed+=(c++)
  echo "== HTTP API tests (SQLite + PostgreSQL)"
  node --test --test-concurrency=2 tests/api/ || failed+=(api)
  echo "== Browser test (Chromium)"
  node --test web/e2e/ || failed+=(browser)
  if [ "${#failed[@]}" -gt 0 ]; then
    echo "== FAILED: ${failed[*]}" >&2
    return 1
  fi
  echo "== All test stages passed"
}
export -f run_all
export jobs
scripts/with-postgres.sh bash -c run_all
