#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Strong scaling of `ghdk run`: 1 -> 2 OpenMP threads and 1 -> 2 MPI ranks, on a
# collision-dominated case (the phi6 bipartition) and an advection-dominated one (the Newton
# cradle), at reduced grids for a fixed short time; then the cost of output records (gather to
# rank 0 and write) on two ranks. Prints the time loop's wall time (the file's wall_seconds
# attribute) and the right-hand sides, best of REPEAT runs: other jobs share the machine.
# usage: bench/scaling.sh GHDK_BINARY_BUILT_WITH_MPI [REPEAT]
set -euo pipefail
ghdk=${1:?usage: bench/scaling.sh GHDK_BINARY [REPEAT]}
repeat=${2:-3}
src=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_NUM_THREADS=1
# The machine is shared: idle threads and ranks must sleep, not spin, or they take the core
# the working one needs (libgomp's default spinning cost 9x the run time here under load 6).
export OMP_WAIT_POLICY=passive
mpirun=(mpirun -np 2 --oversubscribe --mca mpi_yield_when_idle 1)
py=/usr/bin/python3

phi6=(run "$src/cases/phi6_partition.lua" --set grid.N=32 --set space.nx=16
      --set time.t_end=1e5 --set time.n_out=1)
cradle=(run "$src/cases/newton_cradle.lua" --set grid.N=48 --set space.nx=48
        --set time.t_end=1.0 --set time.n_out=1 --set time.linear_solver=gmres)

# best LABEL LAUNCHER... -- ARGS...: best wall_seconds of $repeat runs and the rhs count.
best() {
  local label=$1 && shift
  local launch=() && while [ "$1" != "--" ]; do launch+=("$1") && shift; done && shift
  local b="" rhs=""
  for _ in $(seq "$repeat"); do
    "${launch[@]}" "$ghdk" "$@" -o "$tmp/o.nc" --quiet
    read -r w rhs < <($py -c "import netCDF4; d = netCDF4.Dataset('$tmp/o.nc'); \
print(d.wall_seconds, int(d.cvode_rhs_evals))")
    b=$($py -c "print(min(float('$w'), float('${b:-inf}')))")
  done
  printf "%-34s %9.3f s %6d rhs %9.2f ms/rhs\n" "$label" "$b" "$rhs" \
    "$($py -c "print(1e3 * $b / $rhs)")"
}

for c in phi6 cradle; do
  declare -n args=$c
  best "$c 1 rank 1 thread" -- "${args[@]}" --threads 1
  best "$c 1 rank 2 threads" -- "${args[@]}" --threads 2
  best "$c 2 ranks 1 thread" "${mpirun[@]}" -- "${args[@]}" --threads 1
done

# Output: the same cradle run with 2 and with 101 records on 2 ranks (CVODE steps past output
# times and interpolates, so the steps are the same): the difference is 99 records' cost.
best "cradle 2 ranks, 2 records" "${mpirun[@]}" -- "${cradle[@]}" --threads 1
best "cradle 2 ranks, 101 records" "${mpirun[@]}" -- "${cradle[@]}" --threads 1 \
  --set time.n_out=100
