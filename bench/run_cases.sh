#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Wall and CPU time of whole runs at their default grids: the Newton's cradle (the default case
# of `make run`) and the bipartition. Each run is repeated REPEAT times (default 1; the fastest
# is the figure to quote when other jobs share the machine) and its CVODE summary line printed.
# usage: bench/run_cases.sh [GHDK_BINARY] (from the repository root; REPEAT=3 for three runs)
set -euo pipefail
bin=${1:-build/ghdk}
repeat=${REPEAT:-1}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for deck in cases/newton_cradle.lua cases/partition.lua; do
  for ((r = 1; r <= repeat; r++)); do
    /usr/bin/time -f "%e %U %M" -o "$out/time" "$bin" run "$deck" -o "$out/run.nc" --quiet \
      2>"$out/log" || { cat "$out/log" >&2; exit 1; }
    read -r wall user rss <"$out/time"
    printf '%-26s run %d: wall %7.1f s, user %7.1f s, peak RSS %6.0f MB\n' "$deck" "$r" \
      "$wall" "$user" "$((rss / 1024))"
  done
  # The summary of the last run (--quiet suppresses it): CVODE statistics from the file.
  /usr/bin/python3 - "$out/run.nc" <<'EOF'
import sys
import netCDF4
with netCDF4.Dataset(sys.argv[1]) as ds:
    keys = ("cvode_steps", "cvode_rhs_evals", "cvode_prec_evals", "cvode_lin_iters",
            "cvode_err_test_fails", "cvode_nonlin_conv_fails", "wall_seconds")
    print("  " + ", ".join(f"{k} = {float(ds.getncattr(k)):g}" for k in keys))
EOF
done
