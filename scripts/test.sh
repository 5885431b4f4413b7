#!/usr/bin/env bash
# Sets up and passes the tests: installs what is missing, builds (RelWithDebInfo in build/),
# runs every test, then does the same in an AddressSanitizer + UBSan build (build-asan/).
# A failing test run does not stop the other build's run; the exit status is non-zero if
# anything failed, and the last line says what. BERTH_JOBS sets the parallelism (default 2).
set -euo pipefail
cd "$(dirname "$0")/.."

jobs=${BERTH_JOBS:-2}
start=$(date +%s)
step="start"
failed=()

elapsed() { echo "$(($(date +%s) - start)) s"; }
begin() { step="$*"; echo; echo "== $step ($(elapsed))"; }
summary() {
  local status=$?
  echo
  if ((status != 0)) && ((${#failed[@]} == 0)); then failed+=("$step"); fi
  if ((${#failed[@]} == 0)); then
    echo "test.sh: PASSED: all tests in build/ and build-asan/ ($(elapsed))"
  else
    echo "test.sh: FAILED: $(IFS=';'; echo "${failed[*]}") ($(elapsed))"
    ((status != 0)) || status=1
  fi
  exit "$status"
}
trap summary EXIT

begin "dependencies"
scripts/deps.sh

begin "build/ (RelWithDebInfo)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j"$jobs"

begin "tests in build/"
ctest --test-dir build --output-on-failure -j"$jobs" || failed+=("tests in build/")

begin "build-asan/ (Debug, AddressSanitizer + UBSan)"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DBERTH_SANITIZE=ON
cmake --build build-asan -j"$jobs"

begin "tests in build-asan/"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j"$jobs" || failed+=("tests in build-asan/")

((${#failed[@]} == 0))
