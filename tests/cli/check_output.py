#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""End to end: `ghdk run` on the default case at reduced resolution, then the file is read back
through netCDF4 and checked against the output contract (shared/spec/output.md) and against the
physics of the case: in the local density approximation every cell is the thermal state
W = (theta^2 - (mu - V(x)))/T, so the fitted beta_i must be (-(mu - V)/T, 0, 1/T) to 1e-8
(the fit is exact for a GGE in its basis; 1e-8 bounds the Yang-Yang residual 1e-13 times the
conditioning of the fit), q_i must equal the quadrature of rho_p h_i to round-off, and total_q
the sum of q dx."""
import os
import subprocess
import sys
import tempfile

import netCDF4
import numpy as np

from checks import check, finish

ghdk, source = sys.argv[1], sys.argv[2]
deck = os.path.join(source, "cases", "lda_trap.lua")



with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, "lda.nc")
    run = subprocess.run([ghdk, "run", deck, "-o", out, "--quiet", "--set", "space.nx=9",
                          "--set", "grid.N=128"], capture_output=True, text=True)
    check("ghdk run exits 0 (%s)" % run.stderr.strip(), run.returncode == 0)
    d = netCDF4.Dataset(out)
    dims = {k: (len(v), v.isunlimited()) for k, v in d.dimensions.items()}
    check("dimensions %s" % dims, dims == {"time": (1, True), "species": (1, False),
                                          "x": (9, False), "theta": (128, False),
                                          "charge": (3, False)})
    want = {"time": ("time",), "x": ("x",), "theta": ("theta",), "theta_weight": ("theta",),
            "charge": ("charge",), "rho_p": ("time", "species", "x", "theta"),
            "n": ("time", "species", "x", "theta"), "v_eff": ("time", "species", "x", "theta"),
            "q": ("time", "species", "x", "charge"), "j": ("time", "species", "x", "charge"),
            "entropy_density": ("time", "species", "x"),
            "beta": ("time", "species", "x", "charge"),
            "total_q": ("time", "species", "charge"), "total_entropy": ("time",)}
    for name, dd in want.items():
        v = d.variables.get(name)
        check("variable %s%s with units and long_name" % (name, dd),
              v is not None and v.dimensions == dd and "units" in v.ncattrs()
              and "long_name" in v.ncattrs())
    for att in ("cradle_format", "cradle_version", "model", "collision", "case", "history",
                "grid.N", "state.T"):
        check("global attribute %s" % att, att in d.ncattrs())
    check("time scaling attribute", d["time"].scaling in ("t", "tbar"))
    check("grid.N override recorded", d.getncattr("grid.N") == 128)
    theta, w = d["theta"][:], d["theta_weight"][:]
    rho, q = d["rho_p"][0, 0], d["q"][0, 0]
    x = d["x"][:]
    dx = (x[1] - x[0]) * np.ones_like(x)
    qq = np.array([[np.sum(w * rho[i] * theta ** k) for k in range(3)] for i in range(len(x))])
    check("q_i = sum w rho_p theta^i (err %.1e)" % np.max(np.abs(q - qq)),
          np.allclose(q, qq, rtol=1e-13, atol=1e-15))
    tq = np.sum(q * dx[:, None], axis=0)
    check("total_q = sum q dx", np.allclose(d["total_q"][0, 0], tq, rtol=1e-13))
    # The deck's V(x) = omega^2 x^2 / 4 (omega = 1) at the cell centres, to round-off.
    pot = d.variables.get("potential")
    check("variable potential(x) = x^2/4", pot is not None and pot.dimensions == ("x",)
          and np.allclose(pot[:], x ** 2 / 4, rtol=1e-15, atol=0))
    T, mu = d.getncattr("state.T"), d.getncattr("state.mu")
    bw = np.stack([-(mu - x ** 2 / 4) / T, 0 * x, 1 / T + 0 * x], axis=1)
    err = np.max(np.abs(d["beta"][0, 0] - bw))
    check("fitted beta_i = LDA thermal values (err %.1e)" % err, err < 1e-8)
    n, rho_s = d["n"][0, 0], rho / d["n"][0, 0]
    check("0 < n < 1 (fermionic occupation)", np.all((n > 0) & (n < 1)))
    check("v_eff odd in theta", np.allclose(d["v_eff"][0, 0], -d["v_eff"][0, 0][:, ::-1],
                                            atol=1e-12))
finish()
