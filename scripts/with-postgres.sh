#!/usr/bin/env bash
# Runs a command with SANGAM_TEST_DATABASE_URL set. When the caller already set it (an existing server),
# that server is used; otherwise a throwaway cluster is started for the command and removed after it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ -n "${SANGAM_TEST_DATABASE_URL:-}" ]; then exec "$@"; fi
dir=$(mktemp -d /tmp/sangam-pg.XXXXXX)
trap '"$here/pg-cluster.sh" stop "$dir"' EXIT
SANGAM_TEST_DATABASE_URL=$("$here/pg-cluster.sh" start "$dir")
export SANGAM_TEST_DATABASE_URL
"$@"
