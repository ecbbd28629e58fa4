#!/usr/bin/env bash
# A short fuzzing run: builds the libFuzzer harnesses with clang-14 (ASan + UBSan) in
# build-fuzz/ and runs each for SECONDS (default 60) on a working copy of its seed corpus.
#   tests/fuzz/run.sh [SECONDS] [HARNESS...]      e.g. tests/fuzz/run.sh 180 csv pdf_import
# A crash leaves its input in build-fuzz/findings/<harness>/ and makes the script exit 1:
# copy it into tests/fuzz/corpus/<harness>/regression-<what>, fix the bug, and add a test.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-60}
shift || true
harnesses=("$@")
if [ ${#harnesses[@]} -eq 0 ]; then
  harnesses=()
  for f in tests/fuzz/*_fuzz.cpp; do
    n=$(basename "$f" _fuzz.cpp)
    harnesses+=("$n")
  done
fi

cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++-14 -DCURCRUNCH_FUZZ=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
targets=()
for h in "${harnesses[@]}"; do targets+=("fuzz_$h"); done
cmake --build build-fuzz -j2 --target "${targets[@]}" >/dev/null

status=0
for h in "${harnesses[@]}"; do
  work=build-fuzz/corpus/$h findings=build-fuzz/findings/$h
  mkdir -p "$work" "$findings"
  cp -n tests/fuzz/corpus/"$h"/* "$work"/ 2>/dev/null || true
  echo "== $h: ${seconds}s" >&2
  # The corpus copy grows with what the run finds; the committed seeds stay small.
  if ! ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
      build-fuzz/tests/fuzz/fuzz_"$h" -max_total_time="$seconds" -timeout=10 \
      -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
      -artifact_prefix="$findings"/ "$work" 2>build-fuzz/"$h".log; then
    echo "!! $h: finding, see build-fuzz/$h.log and $findings/" >&2
    status=1
  fi
  grep -E "^stat::(number_of_executed_units|peak_rss_mb)|^#.*DONE" build-fuzz/"$h".log >&2 || true
done
exit $status
