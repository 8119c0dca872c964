#!/usr/bin/env bash
# `make bench`: HTTP throughput of GET /api/v1/projects with token auth (wrk, keep-alive, 64
# connections), idle RSS of `sangam serve`, and the core micro-benchmarks (Google Benchmark).
# Loopback only; every loop is bounded in time. Results go to stdout; docs/performance.md records them.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${BENCH_DURATION:-15}
CONNS=${BENCH_CONNECTIONS:-64}
THREADS=${BENCH_WRK_THREADS:-2}

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C build sangam sangam_bench >/dev/null

bench_backend() {
  local label=$1 db_url=${2:-}
  local dir port pid token
  dir=$(mktemp -d /tmp/sangam-bench.XXXXXX)
  port=$((20000 + RANDOM % 20000))
  SANGAM_DATA_DIR=$dir SANGAM_LISTEN=127.0.0.1:$port SANGAM_ADMIN_EMAIL=bench@example.com \
    SANGAM_ADMIN_PASSWORD=bench-password SANGAM_DATABASE_URL=$db_url \
    build/sangam serve >"$dir/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  sleep 1
  local idle_kb
  idle_kb=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
  local cj=$dir/cookies origin="Origin: http://127.0.0.1:$port"
  curl -sf -c "$cj" -H "$origin" -X POST "http://127.0.0.1:$port/api/v1/auth/login" \
    -d '{"email":"bench@example.com","password":"bench-password"}' >/dev/null
  token=$(curl -sf -b "$cj" -H "$origin" -X POST "http://127.0.0.1:$port/api/v1/tokens" -d '{"name":"bench"}' |
    sed -E 's/.*"token":"([^"]+)".*/\1/')
  for p in poultrycare restopi textopi; do
    curl -sf -H "Authorization: Bearer $token" -X POST "http://127.0.0.1:$port/api/v1/projects" \
      -d "{\"name\":\"$p\",\"slug\":\"$p\"}" >/dev/null
  done
  # warm-up, then the measured run
  wrk -t"$THREADS" -c"$CONNS" -d3s -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/projects" >/dev/null
  local out
  out=$(wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --latency -H "Authorization: Bearer $token" \
    "http://127.0.0.1:$port/api/v1/projects")
  local busy_kb
  busy_kb=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  local rps p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  errors=$(grep -E 'Non-2xx|Socket errors' <<<"$out" || true)
  printf '| %s | %s | %s | %s | %s MB | %s MB |\n' "$label" "$CONNS" "$rps" "$p99" \
    "$(awk -v k="$idle_kb" 'BEGIN{printf "%.1f", k/1024}')" "$(awk -v k="$busy_kb" 'BEGIN{printf "%.1f", k/1024}')"
  [ -z "$errors" ] || echo "  wrk reported: $errors"
  rm -rf "$dir"
}

echo "GET /api/v1/projects, bearer token, keep-alive, wrk -t$THREADS -c$CONNS -d${DURATION}s, $(nproc) cores"
echo "| backend | connections | requests/s | p99 latency | idle RSS | RSS after load |"
echo "|---|---|---|---|---|---|"
bench_backend sqlite
scripts/with-postgres.sh bash -c "$(declare -f bench_backend); THREADS=$THREADS CONNS=$CONNS DURATION=$DURATION bench_backend postgresql \"\$SANGAM_TEST_DATABASE_URL\""

echo
echo "Core micro-benchmarks (Google Benchmark):"
build/core/bench/sangam_bench --benchmark_min_time=0.5 2>/dev/null
