#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Crossover of the bipartition from GHD to Euler hydrodynamics (cases/partition_crossover.lua).

usage: crossover.py OUT.png RUN.nc [RUN.nc ...]

Overlays, at the last record of each run (a `ghd` run of the partition set-up, with the
relaxation kernel at some tau or without collisions, e.g. cases/partition.lua), versus the ray
xi = x/t: (a) the density q_0, (b) the fluid velocity j_0/q_0, (c) a temperature-like profile,
the variance of the rapidity distribution in the fluid frame, q_2/q_0 - (q_1/q_0)^2 (for a
thermal state it grows with T; it needs no thermal fit, so it is defined for the non-thermal GHD
states too), and (d) the occupation n(theta) at the cell nearest x = 0. Without collisions the
profiles are the self-similar GHD solution, with one contact per rapidity (smooth profiles,
kinked n); for t >> tau every cell is thermal and the profiles approach those of Euler
hydrodynamics of N, P, E (rarefaction, contact, shock).
"""
import os
import sys

os.environ.setdefault("HDF5_USE_FILE_LOCKING", "FALSE")

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import netCDF4  # noqa: E402
import numpy as np  # noqa: E402


def load(path):
    """Final-record profiles of one run, and its label (collision kernel and tau)."""
    with netCDF4.Dataset(path) as ds:
        charges = list(ds["charge"][:])
        if not all(i in charges for i in (0, 1, 2)):
            raise ValueError(f"{path}: needs the charges 0, 1, 2 (output.charges)")
        k0, k1, k2 = (charges.index(i) for i in (0, 1, 2))
        t = float(ds["time"][-1])
        q = ds["q"][-1, 0].data  # (x, charge)
        j = ds["j"][-1, 0].data
        x = ds["x"][:].data
        c = int(np.argmin(np.abs(x)))
        occ = "n" if "n" in ds.variables else "rho_p"
        r = {"xi": x / t, "t": t, "q0": q[:, k0], "u": j[:, k0] / q[:, k0],
             "var": q[:, k2] / q[:, k0] - (q[:, k1] / q[:, k0]) ** 2,
             "theta": ds["theta"][:].data, "occ": ds[occ][-1, 0, c].data, "occ_name": occ,
             "x_c": x[c]}
        kernel = ds.getncattr("collision.kernel")
        if kernel == "relaxation":
            tau = float(ds.getncattr("collision.tau"))
            lam2 = float(ds.getncattr("collision.strength"))
            r["label"] = f"relaxation, τ = {tau:g}" + (f", λ² = {lam2:g}" if lam2 != 1 else "")
            r["order"] = tau / lam2
        else:
            r["label"] = "no collisions (GHD)" if kernel == "none" else kernel
            r["order"] = np.inf
        grid = f"{len(x)} × {len(r['theta'])}"
        r["label"] += f" ({grid})"
    return r


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    runs = sorted((load(p) for p in argv[2:]), key=lambda r: -r["order"])
    fig, axes = plt.subplots(2, 2, figsize=(12, 9), layout="constrained")
    (ax_a, ax_b), (ax_c, ax_d) = axes
    cmap = plt.get_cmap("plasma")
    for k, r in enumerate(runs):
        col = "k" if np.isinf(r["order"]) else cmap(0.15 + 0.7 * k / max(1, len(runs) - 1))
        lw = 2.2 if np.isinf(r["order"]) else 1.5
        for ax, key in ((ax_a, "q0"), (ax_b, "u"), (ax_c, "var")):
            ax.plot(r["xi"], r[key], color=col, lw=lw, label=r["label"])
        ax_d.plot(r["theta"], r["occ"], color=col, lw=lw, label=r["label"])
    t = runs[0]["t"]
    ax_a.set(ylabel="density q_0", title=f"(a) density at t = {t:g}")
    ax_b.set(ylabel="fluid velocity j_0/q_0", title="(b) velocity")
    ax_c.set(ylabel="q_2/q_0 − (q_1/q_0)²",
             title="(c) temperature-like: rapidity variance in the fluid frame")
    for ax in (ax_a, ax_b, ax_c):
        ax.set_xlabel("ray ξ = x/t (ħ = 2m = 1)")
        ax.set_xlim(-6, 6)
    name = runs[0]["occ_name"]
    ax_d.set(xlabel="rapidity θ (ħ = 2m = 1)", ylabel=name,
             title=f"(d) {name}(θ) at the centre cell x = {runs[0]['x_c']:.3g}")
    ax_d.set_xlim(-4, 5)
    for ax in axes.flat:
        ax.grid(alpha=0.3)
    ax_a.legend(fontsize="small")
    fig.suptitle("Lieb-Liniger bipartition (c = 1, T = 2 | 1, μ = 1): from the self-similar GHD "
                 "profile (no collisions) toward Euler hydrodynamics of N, P, E (small τ)",
                 fontsize="medium")
    fig.savefig(argv[1], dpi=110)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
