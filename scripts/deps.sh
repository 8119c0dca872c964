#!/usr/bin/env bash
# Installs what Sangam needs to build, run and test, from Debian 12 packages and the npm registry only.
# Missing Debian packages are installed with apt-get (as root, or through sudo); npm packages with
# `npm ci` from the committed lock files. Safe to run again: it only installs what is missing.
#   scripts/deps.sh            build + run (core and dashboard)
#   scripts/deps.sh --test     also the test and benchmark tools (PostgreSQL server, Chromium, wrk)
set -euo pipefail
cd "$(dirname "$0")/.."

build_pkgs=(build-essential cmake ninja-build pkg-config git ca-certificates tzdata
  libboost-dev libpq-dev libsqlite3-dev nlohmann-json3-dev libspdlog-dev libfmt-dev libsodium-dev
  libphonenumber-dev libicu-dev libhowardhinnant-date-dev libcli11-dev
  libcurl4-openssl-dev  # outgoing webhooks (ops/webhooks.cpp)
  chromium)  # the connector drives it for real WhatsApp numbers
test_pkgs=(libgtest-dev libgmock-dev libbenchmark-dev postgresql postgresql-client wrk sqlite3 procps
  clang libclang-rt-14-dev)  # libFuzzer (make fuzz)

want=("${build_pkgs[@]}")
[ "${1:-}" = "--test" ] && want+=("${test_pkgs[@]}")

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing Debian packages: ${missing[*]}"
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v node >/dev/null || [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
  echo "deps: Node.js 20 or newer is required (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi

# npm ci only when the lock file changed since the last install (saves ~20 s per make run).
npm_install() {
  local dir=$1
  [ -f "$dir/package-lock.json" ] || return 0
  local stamp="$dir/node_modules/.sangam-lock-hash"
  local want_hash
  want_hash=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want_hash" ]; then
    echo "deps: npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$want_hash" > "$stamp"
  fi
}
npm_install web
npm_install connector
[ "${1:-}" = "--test" ] && npm_install tests/api
exit 0
