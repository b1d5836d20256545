#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Parallel runs equal the serial run. Usage: check_parallel.py GHDK SOURCE threads|mpi [MPIRUN]

threads: `--threads 2` against `--threads 1`. Each cell's work depends only on that cell (its own
warm starts) and the fluxes are summed in the same order whatever thread computes them, so the
fields must agree bit for bit; the tolerance 1e-12 (relative to the field's largest value) only
leaves room for a compiler that contracts differently inside a parallel region.

mpi: `mpirun -np 2` against one rank of the same binary. Per-cell work and fluxes are again the
same arithmetic, but CVODE's norms and GMRES's dot products are sums over the ranks in another
order: round-off (1e-16) in the step-size and Krylov decisions, damped by the error control and
nowhere near the run's rtol. 1e-10 relative bounds that with a margin of 400 over the largest
difference seen (2.4e-13, with periodic checkpoints), and is still 10^4 below rtol, so a wrong
ghost cell (an O(rtol) or O(1) error) fails it.

Cases at reduced resolution: cases/partition.lua (open and periodic boundaries, no collisions:
Adams) and cases/newton_cradle.lua (walls, a potential, coupled_ll collisions: BDF with GMRES and
the block preconditioner, forced so that one and two ranks run the same solver), also with
periodic checkpoints (the state gathered to rank 0, CVODE and the per-thread kernels rebuilt).
In mpi mode also a failing run on 2 ranks (all stop, checkpoint written) and its restart."""
import os
import subprocess
import sys
import tempfile

import netCDF4
import numpy as np

from checks import check, finish

ghdk, source, mode = sys.argv[1], sys.argv[2], sys.argv[3]
mpirun = sys.argv[4] if len(sys.argv) > 4 else "mpirun"
tol = 1e-12 if mode == "threads" else 1e-10
cases = {
    "partition": ["grid.N=32", "space.nx=16", "time.t_end=0.5", "time.n_out=2"],
    "newton_cradle": ["grid.N=24", "space.nx=12", "time.t_end=0.5", "time.n_out=2",
                      "time.linear_solver=gmres"],
    # Periodic boundaries: the end slabs exchange ghosts with each other.
    "partition+periodic": ["grid.N=32", "space.nx=16", "time.t_end=0.5", "time.n_out=2",
                           "space.boundary=periodic"],
    # Periodic checkpoints: the state gathered for the file, the kernels rebuilt per thread.
    "newton_cradle+checkpoints": ["grid.N=24", "space.nx=12", "time.t_end=0.5", "time.n_out=4",
                                  "time.linear_solver=gmres", "checkpoint.every=2"],
}
env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
           OMP_NUM_THREADS="1")


def run(cmd, out):
    r = subprocess.run(cmd + ["-o", out, "--quiet"], capture_output=True, text=True, env=env)
    check("%s exits 0 %s" % (" ".join(os.path.basename(c) for c in cmd[:4]), r.stderr.strip()[-300:]),
          r.returncode == 0)
    return r.returncode == 0


with tempfile.TemporaryDirectory() as tmp:
    for name, sets in cases.items():
        deck = os.path.join(source, "cases", name.split("+")[0] + ".lua")
        base = [ghdk, "run", deck]
        for s in sets:
            base += ["--set", s]
        if mode == "threads":
            one, two = base + ["--threads", "1"], base + ["--threads", "2"]
        else:
            one = base + ["--threads", "1"]
            two = [mpirun, "-np", "2", "--oversubscribe"] + one
        a, b = os.path.join(tmp, name + "-1.nc"), os.path.join(tmp, name + "-2.nc")
        if not (run(one, a) and run(two, b)):
            continue
        da, db = netCDF4.Dataset(a), netCDF4.Dataset(b)
        check("%s: same records (%d, %d)" % (name, len(da["time"]), len(db["time"])),
              len(da["time"]) == len(db["time"]))
        for var in ("rho_p", "n", "v_eff", "q", "j", "entropy_density"):
            if var not in da.variables:
                continue
            x, y = np.asarray(da[var][:]), np.asarray(db[var][:])
            err = float(np.max(np.abs(x - y)) / np.max(np.abs(x)))
            check("%s %s: max |1 - 2| / max |1| = %.2e <= %.0e" % (name, var, err, tol),
                  x.shape == y.shape and err <= tol)
        da.close(), db.close()
    if mode == "mpi":
        # CVODE giving up on 2 ranks (time.max_steps): every rank stops together (none left
        # waiting in a collective: the timeout), rank 0 writes the whole state's checkpoint, and
        # a restart on 2 ranks completes the run with every record.
        out, ckpt = os.path.join(tmp, "fail.nc"), os.path.join(tmp, "fail.ckpt")
        cmd = [mpirun, "-np", "2", "--oversubscribe", ghdk, "run",
               os.path.join(source, "cases", "partition.lua"), "--threads", "1", "-o", out,
               "--quiet"]
        for s in cases["partition"][:3] + ["time.n_out=4"]:
            cmd += ["--set", s]
        for extra, want, what in ((["--set", "time.max_steps=5"], 1, "CVODE gives up"),
                                  (["--restart", ckpt], 0, "restart")):
            try:
                r = subprocess.run(cmd + extra, capture_output=True, text=True, env=env,
                                   timeout=300)
                code, err = r.returncode, r.stderr.strip()[-300:]
            except subprocess.TimeoutExpired:
                code, err = None, "timed out (a rank waiting in a collective?)"
            check("2 ranks, %s: exit %s (want %d) %s" % (what, code, want, err), code == want)
        check("2 ranks: the checkpoint exists", os.path.exists(ckpt))
        if os.path.exists(out):
            with netCDF4.Dataset(out) as d:
                check("2 ranks, after the restart: %d records (want 5)" % len(d["time"]),
                      len(d["time"]) == 5)
finish()
