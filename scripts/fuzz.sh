#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Fuzz the deck loader and the checkpoint decoder with libFuzzer (clang, ASan + UBSan) for a
# bounded time each. New inputs go to BUILD/fuzz/TARGET (the committed corpus tests/fuzz/corpus,
# and cases/ for decks, are only read); a crash is saved as BUILD/fuzz/TARGET-crash-* and ends
# the run with status 1.
# usage: scripts/fuzz.sh [SECONDS_PER_TARGET (60)] [BUILD_DIR (build-fuzz)]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
build=${2:-build-fuzz}
cc=${CC:-clang-14}
command -v "$cc" >/dev/null || {
  echo "fuzz.sh: needs $cc with libFuzzer (Debian 12: apt-get install clang-14)" >&2
  exit 2
}
cmake -S . -B "$build" -DCMAKE_C_COMPILER="$cc" -DCMAKE_BUILD_TYPE=Debug -DGHDK_FUZZ=ON \
      -DGHDK_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" -j2 --target fuzz_deck fuzz_checkpoint
for t in deck checkpoint; do
  mkdir -p "$build/fuzz/$t"
  seeds=("tests/fuzz/corpus/$t")
  [ "$t" = deck ] && seeds+=(cases)
  echo "fuzz.sh: fuzz_$t for $secs s"
  # -close_fd_mask=2: the targets' messages (one per refused input) are not shown; libFuzzer's
  # own reports are. -timeout: an input taking 10 s is a hang (the sandbox bounds every deck).
  "$build/tests/fuzz_$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
      -close_fd_mask=2 -print_final_stats=1 -artifact_prefix="$build/fuzz/$t-" \
      "$build/fuzz/$t" "${seeds[@]}"
done
