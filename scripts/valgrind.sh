#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Run ghdk under valgrind memcheck on small cases of every command and run kind, including a
# checkpoint, a restart, a failing integration, a bad deck and a corrupt checkpoint. A case fails
# when memcheck reports an error (invalid access, uninitialised value, leak definitely,
# indirectly or possibly lost) or ghdk's exit status is not the expected one. The runs take the
# default thread count (threaded on a multi-core machine); scripts/valgrind.supp holds the one
# suppression, libgomp's never-joined worker threads.
# usage: scripts/valgrind.sh GHDK [SOURCE_DIR]   (GHDK built without sanitizers)
set -uo pipefail
ghdk=$1
src=${2:-$(cd "$(dirname "$0")/.." && pwd)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
vg() { # NAME EXPECTED_STATUS ARGS...
  local name=$1 want=$2
  shift 2
  valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite,indirect,possible \
           --suppressions="$src/scripts/valgrind.supp" --error-exitcode=99 --log-file="$tmp/$name.vg" "$ghdk" "$@" >/dev/null 2>"$tmp/$name.err"
  local got=$?
  if [ "$got" -eq "$want" ] && [ ! -s "$tmp/$name.vg" ]; then
    echo "ok   $name (exit $got, memcheck clean)"
  else
    echo "FAIL $name (exit $got, expected $want)"
    cat "$tmp/$name.vg" "$tmp/$name.err"
    fails=$((fails + 1))
  fi
}
c=$src/cases
vg state 0 run "$c/lda_trap.lua" -o "$tmp/state.nc" --set grid.N=16 --set space.nx=4
vg tba 0 tba "$c/lda_trap.lua" --set grid.N=16 --set space.nx=2
vg rates 0 rates "$c/relaxation_quench.lua" --set grid.N=16
vg prethermal 0 run "$c/prethermal_thermal.lua" -o "$tmp/pre.nc" --set grid.N=16 \
   --set time.n_out=3 --set prethermal.nquad=8 --set prethermal.ncheb=8
vg relaxation 0 run "$c/relaxation_quench.lua" -o "$tmp/relax.nc" --set grid.N=16 \
   --set time.n_out=4 --set checkpoint.every=2
vg coupled_ll 0 run "$c/coupled_ll.lua" -o "$tmp/cll.nc" --set grid.N=12 --set time.n_out=2
vg partition 0 run "$c/partition.lua" -o "$tmp/part.nc" --set space.nx=8 --set grid.N=8 \
   --set time.n_out=4 --set checkpoint.every=2
vg restart 0 run "$c/partition.lua" -o "$tmp/part.nc" --set space.nx=8 --set grid.N=8 \
   --set time.n_out=4 --set checkpoint.every=2 --restart "$tmp/part.ckpt"
vg cradle_gmres 0 run "$c/newton_cradle.lua" -o "$tmp/cradle.nc" --set space.nx=8 \
   --set grid.N=8 --set time.n_out=2 --set time.t_end=0.05
vg cvode_failure 1 run "$src/tests/cli/vacuum_front.lua" -o "$tmp/front.nc"
vg bad_deck 2 run "$src/tests/cli/unknown_key.lua" -o "$tmp/bad.nc"
head -c 100 "$tmp/part.ckpt" >"$tmp/cut.ckpt"
vg corrupt_checkpoint 2 run "$c/partition.lua" -o "$tmp/part.nc" --set space.nx=8 \
   --set grid.N=8 --set time.n_out=4 --restart "$tmp/cut.ckpt"
echo "$fails case(s) failed"
[ "$fails" -eq 0 ]
