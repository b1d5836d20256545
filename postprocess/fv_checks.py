#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Checks of finite-volume runs against exact results (docs/validation.md, issue 4).

usage: fv_checks.py period RUN.nc     L1 distance between the first and the last record of rho_p,
                                      relative to the first (cases/tonks_trap.lua: t_end is one
                                      period of the Tonks-Girardeau gas, which returns to itself)
       fv_checks.py kohn RUN.nc       centre-of-mass frequency of species 0 (cases/kohn.lua: the
                                      Kohn mode oscillates at exactly omega = 2)
       fv_checks.py drift RUN.nc      largest drift of the conserved totals over the run,
                                      relative to their scales (periodic runs without a force)

The same measures as tests/test_ghd.c, at the resolution of the run, for any record count.
kohn fits X(t) = sum_i x_i q_0(x_i) / sum_i q_0(x_i) by least squares on {cos wt, sin wt, 1} and
minimises the residual over w in [1.9, 2.1] by golden section (80 steps: w to 1e-16).
"""
import os
import sys

os.environ.setdefault("HDF5_USE_FILE_LOCKING", "FALSE")

import netCDF4  # noqa: E402
import numpy as np  # noqa: E402


def period(ds):
    r0, r1 = ds["rho_p"][0].data, ds["rho_p"][-1].data
    e = np.sum(np.abs(r1 - r0)) / np.sum(np.abs(r0))
    return f"L1 distance after t = {float(ds['time'][-1]):.6g}: {e:.4e}"


def kohn(ds):
    t, x = ds["time"][:].data, ds["x"][:].data
    k0 = list(ds["charge"][:]).index(0)
    q = ds["q"][:, 0, :, k0].data
    X = (q @ x) / q.sum(axis=1)

    def residual(w):
        a = np.stack([np.cos(w * t), np.sin(w * t), np.ones_like(t)], axis=1)
        _, res, _, _ = np.linalg.lstsq(a, X, rcond=None)
        return res[0] if len(res) else 0.0

    lo, hi, g = 1.9, 2.1, (np.sqrt(5) - 1) / 2
    for _ in range(80):
        w0, w1 = hi - g * (hi - lo), lo + g * (hi - lo)
        if residual(w0) < residual(w1):
            hi = w1
        else:
            lo = w0
    w = 0.5 * (lo + hi)
    amp = np.ptp(X) / 2
    return (f"centre-of-mass frequency {w:.8f} (omega = 2: error {abs(w - 2):.2e}), amplitude "
            f"{amp:.4f}, {len(t)} records to t = {t[-1]:.6g}")


def drift(ds):
    d = float(ds.getncattr("conservation_drift"))
    return f"conservation_drift {d:.3e} (NaN: not a closed system)"


def main(argv):
    checks = {"period": period, "kohn": kohn, "drift": drift}
    if len(argv) != 3 or argv[1] not in checks:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    with netCDF4.Dataset(argv[2]) as ds:
        print(f"{argv[2]}: {checks[argv[1]](ds)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
