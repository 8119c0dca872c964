#!/usr/bin/env bash
# Runs the HTTP API tests against build/sangam (or $SANGAM_BIN) on both storage backends:
# SQLite, and PostgreSQL through a throwaway cluster started by scripts/with-postgres.sh.
# Extra arguments go to `node --test`, e.g.  bash tests/api/run.sh --test-name-pattern=sqlite
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
if [ ! -d tests/api/node_modules/ws ]; then
  (cd tests/api && npm ci --no-audit --no-fund)
fi
exec scripts/with-postgres.sh node --test "$@" tests/api/
