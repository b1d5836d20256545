#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""End to end: `ghdk run` on the phi^4 vacuum quench (kind prethermal) at reduced quadrature,
read back with netCDF4: the contract's time series, q(0) = 0 from the vacuum, the parity-odd
charge h_1 stays zero (to 1e-12 of q_2: the integrand is odd under theta -> -theta and the
quadrature symmetric), q_0 and q_2 grow and end near their plateau attributes (within 20 % at
t = 60: the envelope decays like a power of t), and an unsupported charge is bad input (exit 2,
no file)."""
import os
import subprocess
import sys
import tempfile

import netCDF4
import numpy as np

from checks import check, finish

ghdk, source = sys.argv[1], sys.argv[2]
deck = os.path.join(source, "cases", "prethermal_vacuum.lua")



with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, "pv.nc")
    run = subprocess.run([ghdk, "run", deck, "-o", out, "--quiet", "--set", "time.n_out=20",
                          "--set", "prethermal.nquad=24", "--set", "prethermal.ncheb=16"],
                         capture_output=True, text=True)
    check("ghdk run exits 0 (%s)" % run.stderr.strip(), run.returncode == 0)
    d = netCDF4.Dataset(out)
    q = d["q"][:, 0, 0, :]
    check("21 records, time scaling t", q.shape[0] == 21 and d["time"].scaling == "t")
    check("vacuum: q(0) = 0", np.all(q[0] == 0))
    check("h_1 stays zero (max |q_1| / max q_2 = %.1e)" % (np.max(np.abs(q[:, 1])) / np.max(q[:, 2])),
          np.max(np.abs(q[:, 1])) <= 1e-12 * np.max(q[:, 2]))
    for c, i in ((0, 0), (2, 2)):
        plateau = d.getncattr("prethermal_plateau_dq%d" % i)
        check("q_%d(60) = %.4e within 20 %% of the plateau %.4e" % (i, q[-1, c], plateau),
              q[-1, c] > 0 and abs(q[-1, c] / plateau - 1) < 0.2)
    bad = os.path.join(tmp, "bad.nc")
    run = subprocess.run([ghdk, "run", deck, "-o", bad, "--set", "output.charges.3=6"],
                         capture_output=True, text=True)
    check("charge h_6 is bad input: exit 2, no file", run.returncode == 2 and not os.path.exists(bad))
finish()
