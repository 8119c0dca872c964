#!/usr/bin/env bash
# `make bench`: HTTP throughput of GET /api/v1/projects with token auth (wrk, keep-alive, 64
# connections), idle RSS of `sangam serve`, the core micro-benchmarks (Google Benchmark), and the
# WhatsApp accounts figures of issue 3: `sangam serve` RSS with 100 linked sim accounts through the
# account pool, and sangam_bridge_bench (bridge round trip, core/connector RSS; real connector); and the
# dashboard's first load (issue 11: first-page JS, time to interactive with the demo; BENCH_ONLY=web alone).
# Loopback only; every loop is bounded in time. Results go to stdout; docs/performance.md records them.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${BENCH_DURATION:-15}
CONNS=${BENCH_CONNECTIONS:-64}
THREADS=${BENCH_WRK_THREADS:-2}
# BENCH_ONLY=http: the HTTP table alone. SANGAM_BIN: another binary (e.g. a copy of the previous
# build, for a before/after in one run). Both are for comparisons; `make bench` runs everything.
ONLY=${BENCH_ONLY:-}
SANGAM_BIN=${SANGAM_BIN:-build/sangam}

# BENCH_ONLY=web: the dashboard's first load alone (JS per first page, time to interactive with the demo).
if [ "$ONLY" = web ]; then
  if [ "$SANGAM_BIN" = build/sangam ]; then
    cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    ninja -C build sangam >/dev/null
  fi
  [ -f connector/dist/main.js ] || (cd connector && npm run --silent build)
  (cd web && npm run --silent build >/dev/null)
  BENCH_WEB_CONTACTS=${BENCH_WEB_CONTACTS:-1000000} SANGAM_BIN=$SANGAM_BIN node web/bench/first-load.mjs
  exit 0
fi

# BENCH_ONLY=links: the short link /r/{code} over HTTP (issue 9: >= 20,000 req/s on SQLite) beside
# GET /healthz in the same run (the limit: the same server answering its cheapest request). Each
# request to /r/ has a phone browser's user agent, so every one is a click: a row lookup, a 302 and an
# event queued for the batched writer. wrk -t2 -c64, SQLite.
bench_links() {
  local dir port pid cj token api hdr project code hz
  dir=$(mktemp -d /tmp/sangam-bench.XXXXXX)
  port=$((20000 + RANDOM % 20000))
  SANGAM_DATA_DIR=$dir SANGAM_LISTEN=127.0.0.1:$port SANGAM_ADMIN_EMAIL=bench@example.com SANGAM_CONNECTOR=off \
    SANGAM_ADMIN_PASSWORD=bench-password SANGAM_LOG_LEVEL=warn "$SANGAM_BIN" serve >"$dir/server.log" 2>&1 &
  pid=$!
  trap "kill $pid 2>/dev/null; rm -rf $dir" EXIT
  api="http://127.0.0.1:$port/api/v1"
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  cj=$dir/cookies
  curl -sf -c "$cj" -H "Origin: http://127.0.0.1:$port" -X POST "$api/auth/login" \
    -d '{"email":"bench@example.com","password":"bench-password"}' >/dev/null
  token=$(curl -sf -b "$cj" -H "Origin: http://127.0.0.1:$port" -X POST "$api/tokens" -d '{"name":"bench"}' | jq -r .token)
  hdr="Authorization: Bearer $token"
  project=$(curl -sf -H "$hdr" -X POST "$api/projects" -d '{"name":"Links bench","slug":"links-bench"}' | jq .id)
  code=$(curl -sf -H "$hdr" -X POST "$api/projects/$project/links" -d '{"url":"https://example.com/offer?x=1","campaign_id":1}' | jq -r .code)
  local ua="User-Agent: Mozilla/5.0 (Linux; Android 14; SM-A145F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36"
  local what url out rps p99 c0 c1 n cw warm total=0 stored prev c2
  hz=$(getconf CLK_TCK)
  for what in healthz "r/$code"; do
    url="http://127.0.0.1:$port/$what"
    cw=$(proc_ticks $pid)
    warm=$(wrk -t"$THREADS" -c"$CONNS" -d3s -H "$ua" "$url" | awk '/requests in/ {print $1}')
    c0=$(proc_ticks $pid)
    out=$(wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --latency -H "$ua" "$url")
    c1=$(proc_ticks $pid)
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out"); p99=$(awk '$1=="99%" {print $2}' <<<"$out")
    n=$(awk '/requests in/ {print $1}' <<<"$out")
    local label='/r/{code}'
    [ "$what" != healthz ] || label=/healthz
    printf '| GET %s | %s | %s | %s |\n' "$label" "$rps" "$p99" \
      "$(awk -v a="$c0" -v b="$c1" -v n="$n" -v hz="$hz" 'BEGIN{printf "%.0f µs", (b-a)*1e6/hz/n}')"
    grep -E 'Non-2xx|Socket errors' <<<"$out" | sed 's/^/  wrk reported: /' || true
    total=$((warm + n))
  done
  # The clicks are stored by the batched writer after their 302 went out: wait until every one is in
  # the log (or nothing more arrives), so the CPU below includes storing them, not only answering.
  prev=-1
  for _ in $(seq 60); do
    stored=$(sqlite3 "$dir/sangam.db" "SELECT COUNT(*) FROM analytics_events WHERE kind = 'click'" 2>/dev/null || echo 0)
    [ "$stored" -lt "$total" ] || break
    [ "$stored" != "$prev" ] || break  # nothing more came in a second (the writer waits 200 ms at most)
    prev=$stored; sleep 1
  done
  c2=$(proc_ticks $pid)
  echo "clicks recorded: $stored of $total requests to /r/ (warm-up included)"
  awk -v a="$cw" -v b="$c2" -v n="$total" -v hz="$hz" \
    'BEGIN{printf "sangam CPU per click from the warm-up until every click was stored: %.0f µs\n", (b-a)*1e6/hz/n}'
  kill "$pid"; wait "$pid" 2>/dev/null || true
  rm -rf "$dir"
  trap - EXIT
}
if [ "$ONLY" = links ]; then
  if [ "$SANGAM_BIN" = build/sangam ]; then
    cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    ninja -C build sangam >/dev/null
  fi
  proc_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
  echo "Short link over HTTP, SQLite, wrk -t$THREADS -c$CONNS -d${DURATION}s, $(nproc) cores (load average before: $(cut -d' ' -f1-3 /proc/loadavg))"
  echo "| request | requests/s | p99 latency | sangam CPU per request |"
  echo "|---|---|---|---|"
  bench_links
  exit 0
fi

if [ "$SANGAM_BIN" = build/sangam ]; then  # a binary given by path is measured as it is
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  ninja -C build sangam sangam_bench sangam_bridge_bench sangam_planner_bench sangam_analytics_bench >/dev/null
fi
[ -f connector/dist/main.js ] || (cd connector && npm run --silent build)

# CPU time (user + system, clock ticks) of a process, and of the PostgreSQL server that with-postgres.sh
# started (its postmaster and backends; empty for a server of your own). Divided by the requests served,
# it is the cost per request, which other load on the machine disturbs far less than requests/s.
proc_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
pg_ticks() {
  local host pm t=0 c
  host=$(sed -nE 's/.*[?&]host=([^&]*).*/\1/p' <<<"$1")
  [ -n "$host" ] && [ -f "$host/data/postmaster.pid" ] || return 0
  pm=$(head -1 "$host/data/postmaster.pid")
  for c in $pm $(pgrep -P "$pm"); do t=$((t + $(proc_ticks "$c"))); done
  echo $t
}

bench_backend() {
  local label=$1 db_url=${2:-}
  local dir port pid token
  dir=$(mktemp -d /tmp/sangam-bench.XXXXXX)
  port=$((20000 + RANDOM % 20000))
  SANGAM_DATA_DIR=$dir SANGAM_LISTEN=127.0.0.1:$port SANGAM_ADMIN_EMAIL=bench@example.com \
    SANGAM_ADMIN_PASSWORD=bench-password SANGAM_DATABASE_URL=$db_url \
    "$SANGAM_BIN" serve >"$dir/server.log" 2>&1 &
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
  local out c0 c1 pg0 pg1
  c0=$(proc_ticks $pid); pg0=$(pg_ticks "$db_url")
  out=$(wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --latency -H "Authorization: Bearer $token" \
    "http://127.0.0.1:$port/api/v1/projects")
  c1=$(proc_ticks $pid); pg1=$(pg_ticks "$db_url")
  local busy_kb
  busy_kb=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  local rps p99 errors n hz per_req pg_per_req=–
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  n=$(awk '/requests in/ {print $1}' <<<"$out"); hz=$(getconf CLK_TCK)
  per_req=$(awk -v a="$c0" -v b="$c1" -v n="$n" -v hz="$hz" 'BEGIN{printf "%.0f µs", (b-a)*1e6/hz/n}')
  [ -z "$pg0" ] || pg_per_req=$(awk -v a="$pg0" -v b="$pg1" -v n="$n" -v hz="$hz" 'BEGIN{printf "%.0f µs", (b-a)*1e6/hz/n}')
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  errors=$(grep -E 'Non-2xx|Socket errors' <<<"$out" || true)
  printf '| %s | %s | %s | %s | %s | %s | %s MB | %s MB |\n' "$label" "$CONNS" "$rps" "$p99" "$per_req" "$pg_per_req" \
    "$(awk -v k="$idle_kb" 'BEGIN{printf "%.1f", k/1024}')" "$(awk -v k="$busy_kb" 'BEGIN{printf "%.1f", k/1024}')"
  [ -z "$errors" ] || echo "  wrk reported: $errors"
  rm -rf "$dir"
}

echo "GET /api/v1/projects, bearer token, keep-alive, wrk -t$THREADS -c$CONNS -d${DURATION}s, $(nproc) cores"
echo "(load average before: $(cut -d' ' -f1-3 /proc/loadavg))"
echo "| backend | connections | requests/s | p99 latency | sangam CPU per request | PostgreSQL CPU per request | idle RSS | RSS after load |"
echo "|---|---|---|---|---|---|---|---|"
bench_backend sqlite
scripts/with-postgres.sh bash -c "$(declare -f proc_ticks pg_ticks bench_backend); THREADS=$THREADS CONNS=$CONNS DURATION=$DURATION SANGAM_BIN=$SANGAM_BIN bench_backend postgresql \"\$SANGAM_TEST_DATABASE_URL\""
[ "$ONLY" != http ] || exit 0

echo
echo "Core micro-benchmarks (Google Benchmark):"
build/core/bench/sangam_bench --benchmark_min_time=0.5 2>/dev/null

# `sangam serve` (spawned connector, sim at speed 1000) before and after linking 100 sim accounts through
# the API, so the core figure includes the account pool: rows, encrypted sessions, health, timers.
bench_accounts() {
  local n=100 dir port pid token cj api hdr project conn_pid
  dir=$(mktemp -d /tmp/sangam-bench.XXXXXX)
  port=$((20000 + RANDOM % 20000))
  SANGAM_DATA_DIR=$dir SANGAM_LISTEN=127.0.0.1:$port SANGAM_ADMIN_EMAIL=bench@example.com \
    SANGAM_ADMIN_PASSWORD=bench-password SANGAM_SIM_SPEED=1000 SANGAM_LOG_LEVEL=warn \
    build/sangam serve >"$dir/server.log" 2>&1 &
  pid=$!
  trap "kill $pid 2>/dev/null; rm -rf $dir" EXIT  # a failed step (set -e) leaves no server behind
  api="http://127.0.0.1:$port/api/v1"
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  cj=$dir/cookies
  curl -sf -c "$cj" -H "Origin: http://127.0.0.1:$port" -X POST "$api/auth/login" \
    -d '{"email":"bench@example.com","password":"bench-password"}' >/dev/null
  token=$(curl -sf -b "$cj" -H "Origin: http://127.0.0.1:$port" -X POST "$api/tokens" -d '{"name":"bench"}' | jq -r .token)
  hdr="Authorization: Bearer $token"
  # every wait below is bounded: 100 × 0.1 s for the connector, 600 × 0.1 s for QR codes and links
  for _ in $(seq 100); do [ "$(curl -sf -H "$hdr" "$api/connectors" | jq '.items | length')" -ge 1 ] && break; sleep 0.1; done
  sleep 1
  conn_pid=$(pgrep -P "$pid" -f connector/dist/main.js | head -1 || true)
  local core_idle conn_idle core_n conn_n link_s t0 ids=() id
  rss() { awk '/VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
  core_idle=$(rss "$pid"); conn_idle=$(rss "$conn_pid")
  project=$(curl -sf -H "$hdr" -X POST "$api/projects" -d '{"name":"Accounts bench","slug":"accounts-bench"}' | jq .id)
  t0=$(date +%s.%N)
  for i in $(seq 0 $((n - 1))); do
    id=$(curl -sf -H "$hdr" -X POST "$api/projects/$project/accounts" \
      -d "$(printf '{"phone":"+9198000002%02d","engine":"sim"}' "$i")" | jq .id)
    ids+=("$id")
    curl -sf -H "$hdr" -X POST "$api/projects/$project/accounts/$id/link" -d '{}' >/dev/null
  done
  for id in "${ids[@]}"; do  # sim.scan needs the QR on screen
    for _ in $(seq 600); do
      [ "$(curl -sf -H "$hdr" "$api/projects/$project/accounts/$id/qr" | jq '.items | length')" -ge 1 ] && break; sleep 0.1
    done
    curl -sf -H "$hdr" -X POST "$api/projects/$project/accounts/$id/sim/scan" -d '{}' >/dev/null
  done
  local active=0
  for _ in $(seq 600); do
    active=$(curl -sf -H "$hdr" "$api/projects/$project/accounts" | jq '[.items[] | select(.status == "active")] | length')
    [ "$active" -ge "$n" ] && break; sleep 0.1
  done
  link_s=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')
  sleep 1
  core_n=$(rss "$pid"); conn_n=$(rss "$conn_pid")
  kill "$pid"; wait "$pid" 2>/dev/null || true  # SIGTERM: sangam stops its connector too
  mb() { awk -v k="$1" 'BEGIN{printf "%.1f MB", k/1024}'; }
  echo "| sangam serve (SQLite, account pool) | $(mb "$core_idle") | $(mb "$core_n") | $(awk -v a="$core_idle" -v b="$core_n" -v n="$n" 'BEGIN{printf "%.0f KB", (b-a)/n}') |"
  echo "| its connector (sim) | $(mb "$conn_idle") | $(mb "$conn_n") | $(awk -v a="$conn_idle" -v b="$conn_n" -v n="$n" 'BEGIN{printf "%.0f KB", (b-a)/n}') |"
  echo "$active of $n accounts active, created + linked + scanned over the API in $link_s s"
  rm -rf "$dir"
  trap - EXIT
}

echo
echo "WhatsApp accounts (issue 3): RSS idle (connector connected) and with 100 linked sim accounts"
echo "| process | idle | 100 linked sim accounts | per account |"
echo "|---|---|---|---|"
bench_accounts
echo
# in-process core + real connector: bridge round trip; bounded (60 s per wait, 300 s overall)
timeout 300 build/core/bench/sangam_bridge_bench
echo
# the campaign planner (issue 8): 1M direct recipients, planned rows/s beside a raw bulk insert, both backends
scripts/with-postgres.sh build/core/bench/sangam_planner_bench
echo
# issue 8: the dispatcher's decision per message (policy + claim) beside a bare 1-row UPDATE
ninja -C build sangam_dispatch_bench >/dev/null && build/core/bench/sangam_dispatch_bench
echo
# the dashboard's first load (web/bench/first-load.mjs): JS of the first page, time to interactive
[ -f web/dist/index.html ] || (cd web && npm run --silent build >/dev/null)
BENCH_WEB_CONTACTS=${BENCH_WEB_CONTACTS:-1000000} SANGAM_BIN=$SANGAM_BIN node web/bench/first-load.mjs
echo
# analytics (issue 9): ingest vs the raw bulk path, dashboard queries, short links; SQLite, and
# PostgreSQL when SANGAM_TEST_DATABASE_URL is set (run make bench under scripts/with-postgres.sh)
timeout 1800 build/core/bench/sangam_analytics_bench --events "${BENCH_ANALYTICS_EVENTS:-1000000}"
echo
# the dashboard's queries at the issue's scale (issue 9): 1M contacts, 1M/3M/10M events, p50/p95 per view
ninja -C build sangam_dashboard_bench >/dev/null
timeout 3600 build/core/bench/sangam_dashboard_bench --events "${BENCH_DASHBOARD_EVENTS:-10000000}"
echo
# the team inbox (issue 10): 10,000 conversations, a 1,000-message thread, incoming → WebSocket (SQLite)
(cd tests/api && { [ -d node_modules ] || npm ci --silent; }) && SANGAM_BIN=$(realpath "$SANGAM_BIN") timeout 900 node tests/api/bench-inbox.mjs
