#!/usr/bin/env bash
# curcrunch set-up: installs the Debian packages it needs, builds, and runs something.
#   ./setup.sh demo    build, ingest the bundled samples/, print summaries, write a PDF report,
#                      bill the example customers (samples/billing.json), and print how to
#                      start the dashboard
#   ./setup.sh test    build, run every test, then the ASan+UBSan build of the tests (all but
#                      the few data-heavy ones listed in tests/sanitizer_nightly.txt)
#   ./setup.sh nightly the test command with every test in the ASan+UBSan build too
#   ./setup.sh bench   build and run the benchmark (bench/run.sh; needs ~15 GB free disk)
set -euo pipefail
cd "$(dirname "$0")"

RUNTIME_DEPS=(cmake make g++ pkg-config libtbb-dev libsimdjson-dev libarchive-dev
  libcurl4-openssl-dev libsqlite3-dev libssl-dev zlib1g-dev libhpdf-dev libisal-dev libpugixml-dev
  libqpdf-dev fonts-dejavu-core libcpp-httplib-dev libcli11-dev libsnappy-dev libzstd-dev liblz4-dev
  libbrotli-dev)
# clang-14 and its runtimes (libFuzzer, sanitizers) build the fuzz harnesses: tests/fuzz/run.sh.
# slurm*, munge: the scale-out test starts a private single-host Slurm cluster (tests/slurm/).
TEST_DEPS=(ccache libgtest-dev googletest sqlite3 gzip zip openssl qpdf poppler-utils libnss3-tools
  chromium clang-14 libclang-rt-14-dev lld slurmctld slurmd slurm-client munge strace)
BENCH_DEPS=(sqlite3 time wrk curl openssl poppler-utils)

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

install_deps() {
  local missing=()
  for p in "$@"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}" >&2
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

# node and npm: Debian's packages unless a node with its own npm (e.g. NodeSource's, which
# conflicts with Debian's npm package) is already installed.
install_node() {
  command -v node >/dev/null || install_deps nodejs
  command -v npm >/dev/null || install_deps npm
}

build() {  # build DIR [cmake options...]
  local dir=$1; shift
  cmake -S . -B "$dir" "$@" >/dev/null
  cmake --build "$dir" -j"$(nproc)" >/dev/null
}

case "${1:-}" in
  demo)
    install_deps "${RUNTIME_DEPS[@]}"
    build build -DCMAKE_BUILD_TYPE=Release -DCURCRUNCH_TESTS=OFF -DCURCRUNCH_SANITIZE=OFF
    rm -f build/demo.db build/demo.db-wal build/demo.db-shm
    build/curcrunch ingest --db build/demo.db samples/
    echo
    build/curcrunch summary --db build/demo.db --granularity month --by none
    echo
    build/curcrunch summary --db build/demo.db --granularity total --by service --limit 12
    echo
    build/curcrunch report --db build/demo.db --from 2025-11-01 --to 2026-10-31 \
      --out build/demo-report.pdf
    echo
    # Rebilling: usage measurements, then three customers billed for the last three months.
    build/curcrunch meters ingest --db build/demo.db --config samples/billing.json \
      samples/meters/usage-2026-10.jsonl
    for month in 2026-08 2026-09 2026-10; do
      build/curcrunch billing run --db build/demo.db --config samples/billing.json \
        --period "$month" --out build/demo-invoices
    done
    build/curcrunch billing invoices --db build/demo.db
    echo
    echo "dashboard: build/curcrunch serve --db build/demo.db   (then open http://127.0.0.1:8080/)"
    ;;
  test|nightly)
    install_deps "${RUNTIME_DEPS[@]}" "${TEST_DEPS[@]}"
    install_node
    # Options are always given explicitly: a build dir configured by `demo` caches TESTS=OFF.
    # s3rver, the third-party S3 the interop test talks to (pinned by its package-lock.json).
    (cd tests/s3rver && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    # playwright-core drives Debian's chromium in the dashboard's browser test (no browser download).
    (cd tests/browser && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    # The third-party Parquet writers the Parquet tests' fixtures come from (DuckDB, parquet-wasm).
    (cd tests/parquet && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    build build -DCMAKE_BUILD_TYPE=Release -DCURCRUNCH_TESTS=ON -DCURCRUNCH_SANITIZE=OFF
    # The sanitizer build uses clang: it compiles the unoptimised, instrumented code in less than
    # half of GCC's time (the larger part of this command's wall time is compiling), and a
    # second compiler's warnings are errors too. GCC's build above covers GCC. Line tables are
    # all a sanitizer report needs from debug information, at a tenth less compile time. LLVM's
    # linker links its eleven large executables (the tests, the binary, the fuzz harnesses'
    # replays): the instrumented tests took 5.4 s to link with GNU ld and 1.2 s with lld.
    # It compiles at the lowest priority while the Release suite runs: that suite mostly waits
    # on loopback servers and child processes, so the compiler takes the idle cores and the
    # tests, which keep their priority, see no more load than their own.
    setsid -w nice -n 19 bash -c "set -euo pipefail; $(declare -f build); build build-sanitize -DCMAKE_BUILD_TYPE=Debug \
      -DCURCRUNCH_TESTS=ON -DCURCRUNCH_SANITIZE=ON -DCMAKE_CXX_COMPILER=clang++-14 \
      -DCMAKE_CXX_FLAGS_DEBUG=-gline-tables-only -DCMAKE_EXE_LINKER_FLAGS=-fuse-ld=lld" &
    sanitize_build=$!
    # Most tests wait on loopback servers, child processes and retry back-offs rather than
    # compute (a Release run uses about 0.9 of one core at -j6), so three tests per core halve
    # the wall time; the suite passes at this load, which is also a test of its timing margins.
    jobs=$(( $(nproc) * 3 ))
    if ! (cd build && ctest --output-on-failure --no-tests=error -j"$jobs"); then
      kill -- "-$sanitize_build" 2>/dev/null || true  # setsid: its own process group
      wait "$sanitize_build" 2>/dev/null || true
      exit 1
    fi
    if ! wait "$sanitize_build"; then
      echo "setup: the sanitizer build (build-sanitize/) failed; its errors are above" >&2
      exit 1
    fi
    # The test command leaves the tests of tests/sanitizer_nightly.txt to the Release build
    # (they ran there above); the nightly command runs them here too.
    skip=()
    if [ "$1" = test ]; then
      skip=(-E "^($(grep -v '^#' tests/sanitizer_nightly.txt | paste -sd'|'))\$")
    fi
    (cd build-sanitize && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
      ctest --output-on-failure --no-tests=error -j"$jobs" "${skip[@]}")
    ;;
  bench)
    install_deps "${RUNTIME_DEPS[@]}" "${BENCH_DEPS[@]}"
    install_node
    build build -DCMAKE_BUILD_TYPE=Release -DCURCRUNCH_TESTS=OFF -DCURCRUNCH_SANITIZE=OFF
    bench/run.sh "${@:2}"
    ;;
  *)
    echo "usage: $0 demo|test|nightly|bench" >&2
    exit 2
    ;;
esac
