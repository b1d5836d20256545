#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""phi6 bipartition (issue 4, cases/phi6_partition.lua): the free boson at T = 2 | 1 with the
paper's phi6 collisions, Euler-scaled, at a reduced grid (8 cells x 24 rapidities, to t = 5e6,
while the light cone |x| < t stays well inside x in [-2e7, 2e7]). The kernel conserves momentum
and energy in every cell and the fluxes telescope, so the totals change only through the open
ends, whose cells keep their initial thermal states (fixed points of the kernel):
- energy: the thermal states at rest carry no energy current, so E(t) = E(0); bound 1e-6
  relative (CVODE's rtol 1e-6 per step; measured 9e-8);
- momentum: the momentum current of a thermal state at rest is its pressure, so
  P(t) = (p_L - p_R) t with p_L - p_R the edge cells' j_1 at t = 0; bound 1e-3 relative: the
  scheme's numerical diffusion carries the front's tail into the edge cells (measured 1.7e-4 at
  8 cells x 24 rapidities, 2.4e-5 at 16 x 32); and p_L - p_R itself equals the exact pressure
  difference of the two thermal states, 1.1255070181 (the window [-5, 5] cuts e^-74 of it) to
  1e-6 (the midpoint quadrature of the edge cells' j_1, spectrally accurate: measured 7e-9 at
  24 nodes, 4e-12 at 32);
- the total entropy never decreases (collisions produce it, the open ends let the hot side's in).
BDF with GMRES, the kernel's default method (Adams was stiffness-limited, docs/validation.md)."""
import os
import subprocess
import sys
import tempfile

import netCDF4
import numpy as np

from checks import check, finish

ghdk, source = sys.argv[1], sys.argv[2]
deck = os.path.join(source, "cases", "phi6_partition.lua")


def pressure(T):
    """Thermal pressure of the free boson (m = 1): T int dtheta/(2 pi) cosh(theta) (-ln(1 - e^-E/T))."""
    th = np.linspace(-14.0, 14.0, 28001)
    f = np.cosh(th) * -np.log1p(-np.exp(-np.cosh(th) / T))
    return T * np.trapz(f, th) / (2 * np.pi)


with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, "p6.nc")
    run = subprocess.run([ghdk, "run", deck, "-o", out, "--quiet", "--threads", "1",
                          "--set", "space.nx=8", "--set", "grid.N=24", "--set", "time.t_end=5e6",
                          "--set", "time.n_out=5"], capture_output=True, text=True)
    check("ghdk run exits 0 (%s)" % run.stderr.strip(), run.returncode == 0)
    d = netCDF4.Dataset(out)
    t, tq, j = d["time"][:], d["total_q"][:, 0, :], d["j"][:]
    check("6 records to t = 5e6", len(t) == 6 and t[-1] == 5e6)
    dp = j[0, 0, 0, 1] - j[0, 0, -1, 1]
    exact = pressure(2.0) - pressure(1.0)
    check("edge currents: p_L - p_R = %.10f, exact %.10f" % (dp, exact),
          abs(dp / exact - 1) < 1e-6)
    e = np.abs(tq[1:, 2] / tq[0, 2] - 1)
    check("energy conserved: max |E(t)/E(0) - 1| = %.1e < 1e-6" % e.max(), e.max() < 1e-6)
    p = np.abs(tq[1:, 1] / (dp * t[1:]) - 1)
    check("momentum P(t) = (p_L - p_R) t: max relative error %.1e < 1e-3" % p.max(),
          p.max() < 1e-3)
    ds = np.diff(d["total_entropy"][:])
    check("total entropy never decreases (smallest step %.3e)" % ds.min(), ds.min() >= 0)
    d.close()
finish()
