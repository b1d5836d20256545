#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""One-figure summary of a ghdk output file (shared/spec/output.md).

usage: plot.py OUT.nc OUT.png

nx > 1: (a) density q of the first tracked charge versus x per species, (b) the occupation n
(rho_p if n was not written) versus theta at a few cells from the centre towards the edge, both
at the last record. nx == 1: (a) n(theta) and (b) rho_p(theta) per species, at the first and
last record.
"""
import os
import sys
import textwrap

# HDF5 keeps a running writer's file locked; opting out lets this read a run still in progress
# (the writer syncs after every record). Must be set before the HDF5 library loads.
os.environ.setdefault("HDF5_USE_FILE_LOCKING", "FALSE")

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import netCDF4  # noqa: E402

UNITS = {"lieb_liniger": "ħ = 2m = 1", "free_boson": "ħ = c = m = 1"}


def cells_to_edge(nx):
    """Cell indices from the centre towards the last cell, at most 4, distinct."""
    c = nx // 2
    return sorted({c + round(f * (nx - 1 - c)) for f in (0.0, 0.4, 0.7, 0.95)})


def dots(npoints):
    """Show the nodes of coarse grids, where straight segments would hide them."""
    return "." if npoints <= 32 else None


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    with netCDF4.Dataset(argv[1]) as ds:
        model = getattr(ds, "model", "unknown model")
        units = UNITS.get(model, "natural units")
        nrec, ns, nx = (len(ds.dimensions[d]) for d in ("time", "species", "x"))
        if nrec == 0:
            print(f"plot.py: {argv[1]} holds no record yet", file=sys.stderr)
            return 1
        theta, x = ds["theta"][:], ds["x"][:]
        time, scaling = ds["time"][:], getattr(ds["time"], "scaling", "t")
        occ = "n" if "n" in ds.variables else "rho_p"
        fig, (ax_a, ax_b) = plt.subplots(1, 2, figsize=(11, 4.4), layout="constrained")
        theta_label = f"rapidity θ ({units})"

        if nx > 1:
            names = getattr(ds["charge"], "charge_names", "").split(", ")
            i0 = int(ds["charge"][0])
            what = f"h_{i0} = {names[0]}" if names[0] else f"h_{i0}"
            q = ds["q"][nrec - 1, :, :, 0]
            for a in range(ns):
                ax_a.plot(x, q[a], marker=dots(nx), label=f"species {a}")
            ax_a.set(xlabel=f"position x ({units})", ylabel=f"q_{i0}  ({what})",
                     title=f"(a) charge density, {scaling} = {time[-1]:.4g}")
            f = ds[occ][nrec - 1]
            for color, i in zip(("C0", "C1", "C2", "C3"), cells_to_edge(nx)):
                for a, style in zip(range(ns), ("-", "--", ":", "-.")):
                    lab = f"x = {x[i]:.3g}" + (f", species {a}" if ns > 1 else "")
                    ax_b.plot(theta, f[a, i], style, color=color, marker=dots(len(theta)),
                              label=lab)
            ax_b.set(xlabel=theta_label, ylabel=occ,
                     title=f"(b) {occ}(θ) from the centre to the edge")
        else:
            recs = [0, nrec - 1] if nrec > 1 else [0]
            for ax, var, tag in ((ax_a, occ, "(a)"), (ax_b, "rho_p", "(b)")):
                for r, style in zip(recs, (":", "-")):
                    for a in range(ns):
                        ax.plot(theta, ds[var][r, a, 0], style, color=f"C{a}",
                                marker=dots(len(theta)),
                                label=f"species {a}, {scaling} = {time[r]:.4g}")
                ax.set(xlabel=theta_label, ylabel=var, title=f"{tag} {var}(θ)")
        for ax in (ax_a, ax_b):
            ax.grid(alpha=0.3)
            ax.legend(fontsize="small")
        history = getattr(ds, "history", "")
        title = f"{model}: {history}" if history else model
        fig.suptitle(textwrap.fill(title, 110), fontsize="medium")
    fig.savefig(argv[2], dpi=120)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
