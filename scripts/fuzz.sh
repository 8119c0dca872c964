#!/usr/bin/env bash
# Fuzzes every parser of outside input with libFuzzer (clang from Debian); `make fuzz`, and CI.
#   scripts/fuzz.sh                 each harness for SANGAM_FUZZ_SECONDS (default 60), two at a time
#   SANGAM_FUZZ_SECONDS=600 scripts/fuzz.sh json_body     one harness, longer
# First every harness replays its committed corpus and regressions (core/fuzz/corpus/<name>,
# core/fuzz/regressions/<name>: inputs that once crashed), then fuzzes. New corpus entries go to a
# scratch directory so a run leaves the tree clean; a crash leaves its input in build-fuzz/crashes/
# and fails the run — add it to core/fuzz/regressions/<name>/ with the fix.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${SANGAM_FUZZ_SECONDS:-60}
all=(json_body phone config_file bridge_frame ws_message http_request)
names=("$@")
[ ${#names[@]} -eq 0 ] && names=("${all[@]}")

CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSANGAM_FUZZ=ON >/dev/null
ninja -C build-fuzz -j "$(nproc)" $(printf 'fuzz_%s ' "${names[@]}")

scratch=$(mktemp -d /tmp/sangam-fuzz.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
mkdir -p build-fuzz/crashes
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

run_one() {
  local name=$1 bin=build-fuzz/fuzz_$1 seeds=core/fuzz/corpus/$1 regs=core/fuzz/regressions/$1
  mkdir -p "$scratch/$name"
  local replay=()
  for d in "$seeds" "$regs"; do [ -d "$d" ] && replay+=("$d"/*); done
  if [ ${#replay[@]} -gt 0 ]; then
    "$bin" -runs=0 "${replay[@]}" >"$scratch/$name.replay.log" 2>&1 ||
      { echo "fuzz: $name: a committed input fails"; tail -40 "$scratch/$name.replay.log"; return 1; }
  fi
  local dirs=("$scratch/$name")
  [ -d "$seeds" ] && dirs+=("$seeds")
  if ! "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
      -artifact_prefix="build-fuzz/crashes/$name-" -print_final_stats=1 "${dirs[@]}" >"$scratch/$name.log" 2>&1; then
    echo "fuzz: $name: CRASH (input in build-fuzz/crashes/)"
    grep -E "ERROR|SUMMARY|Test unit written" "$scratch/$name.log" | head -20
    tail -60 "$scratch/$name.log"
    return 1
  fi
  local runs cov
  runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$scratch/$name.log" | grep -oE '[0-9]+$' || echo '?')
  cov=$(grep -oE 'cov: [0-9]+' "$scratch/$name.log" | tail -1 | grep -oE '[0-9]+' || echo '?')
  echo "fuzz: $name: ${secs} s, ${runs} inputs, coverage ${cov} edges, no crash"
}
export -f run_one
export scratch secs
printf '%s\n' "${names[@]}" | xargs -P "$(nproc)" -I{} bash -c 'run_one {}'
