#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""One-figure summary of a ghdk output file (shared/spec/output.md).

usage: plot.py OUT.nc OUT.png

Time-dependent inhomogeneous runs (kind ghd: nx > 1, at least 3 records): (a) x-t maps of the
density q_0 per species, (b) the rapidity distribution integrated over x, int rho_p dx (the
time-of-flight momentum distribution of a trapped gas), at about six times per species (with
one species also the occupation n(theta) at the centre cell), (c) the change of the total
charges int q_i dx per species (with a trap also the total energy int (q_2 + V q_0) dx), (d) of
the entropy and, with several species, (e) the difference D of their local rapidity shapes,
versus time. Other files: for nx > 1,
(a) the first tracked charge density versus x per species and (b) n (rho_p if n was not written)
versus theta at a few cells from the centre towards the edge, at the last record; for nx == 1,
(a) n(theta) and (b) rho_p(theta) per species at the first and last record (postprocess/quench.py
draws the relaxation of a homogeneous quench in detail).
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
import numpy as np  # noqa: E402

UNITS = {"lieb_liniger": "ħ = 2m = 1", "free_boson": "ħ = c = m = 1"}


def cells_to_edge(nx):
    """Cell indices from the centre towards the last cell, at most 4, distinct."""
    c = nx // 2
    return sorted({c + round(f * (nx - 1 - c)) for f in (0.0, 0.4, 0.7, 0.95)})


def dots(npoints):
    """Show the nodes of coarse grids, where straight segments would hide them."""
    return "." if npoints <= 32 else None


def snapshot_records(nrec, count=6):
    """About `count` records equally spaced from the first to the last, distinct."""
    return sorted({round(k * (nrec - 1) / (count - 1)) for k in range(count)})


def species_names(ds, ns):
    """'species a' with the Lieb-Liniger coupling when the file has one per species."""
    names = []
    for a in range(ns):
        c = None
        for key in (f"model.c.{a + 1}", "model.c"):
            if key in ds.ncattrs():
                c = float(ds.getncattr(key))
                break
        tag = "c = ∞" if c is not None and not np.isfinite(c) else \
            f"c = {c:g}" if c is not None else ""
        names.append(f"species {a}" + (f" ({tag})" if tag else ""))
    return names


def theta_range(theta, profile):
    """Rapidity interval outside which `profile` (>= 0) carries less than 1e-4 of its weight:
    the tails of the window carry nothing worth the space."""
    mass = np.cumsum(profile)
    if mass[-1] <= 0:
        return theta[0], theta[-1]
    lo, hi = np.searchsorted(mass, [1e-4 * mass[-1], (1 - 1e-4) * mass[-1]])
    return theta[max(lo - 1, 0)], theta[min(hi + 1, len(theta) - 1)]


def plot_evolution(ds, fig_path):
    """The figure of a time-dependent inhomogeneous run (see the module docstring)."""
    model = getattr(ds, "model", "unknown model")
    units = UNITS.get(model, "natural units")
    ns, nx = len(ds.dimensions["species"]), len(ds.dimensions["x"])
    theta, x = ds["theta"][:].data, ds["x"][:].data
    time, scaling = ds["time"][:].data, getattr(ds["time"], "scaling", "t")
    dx = (x[-1] - x[0]) / (nx - 1)
    charges = ds["charge"][:].data
    cnames = getattr(ds["charge"], "charge_names", "").split(", ")
    q = ds["q"][:].data  # (time, species, x, charge)
    rho = ds["rho_p"][:].data  # (time, species, x, theta)
    sp = species_names(ds, ns)
    recs = snapshot_records(len(time))
    cmap = plt.get_cmap("viridis")
    tlab = f"time {scaling} ({units})"

    ncol = max(2, ns) + (ns > 1)
    fig, axes = plt.subplots(3, ncol, figsize=(5.6 * ncol, 12.5), layout="constrained")
    i0 = list(charges).index(0) if 0 in charges else 0
    dens = f"q_{charges[i0]}"
    dens_def = f"{dens} = ∫ρ_p dθ" if charges[i0] == 0 else dens

    # (a) density maps (each species on its own colour scale); with one species the second
    # panel shows profiles at the snapshot times.
    for a in range(ns):
        ax = axes[0, a]
        im = ax.pcolormesh(x, time, q[:, a, :, i0], shading="nearest", cmap="magma",
                           rasterized=True)
        ax.set(xlabel=f"position x ({units})", ylabel=tlab,
               title=f"(a{a + 1}) {dens}(x, {scaling}), {sp[a]}")
        fig.colorbar(im, ax=ax, label=dens_def, shrink=0.9)
    if ns == 1:
        ax = axes[0, 1]
        for k, r in enumerate(recs):
            ax.plot(x, q[r, 0, :, i0], color=cmap(k / max(1, len(recs) - 1)),
                    marker=dots(nx), label=f"{scaling} = {time[r]:.3g}")
        ax.set(xlabel=f"position x ({units})", ylabel=dens_def,
               title=f"(a2) {dens}(x) at {len(recs)} times")
        ax.legend(fontsize="small")
        ax.grid(alpha=0.3)

    # (b) x-integrated rapidity distribution per species at the snapshot times.
    integ = rho.sum(axis=2) * dx  # (time, species, theta)
    for a in range(ns):
        ax = axes[1, a]
        for k, r in enumerate(recs):
            ax.plot(theta, integ[r, a], color=cmap(k / max(1, len(recs) - 1)),
                    marker=dots(len(theta)), label=f"{scaling} = {time[r]:.3g}")
        ax.set_xlim(*theta_range(theta, integ[:, a].max(axis=0)))
        ax.set(xlabel=f"rapidity θ ({units})", ylabel="∫ ρ_p dx",
               title=f"(b{a + 1}) rapidity distribution integrated over x, {sp[a]}")
        ax.legend(fontsize="small")
        ax.grid(alpha=0.3)
    if ns == 1:
        ax = axes[1, 1]
        occ = "n" if "n" in ds.variables else "rho_p"
        c = nx // 2
        f = ds[occ][:, 0, c, :].data
        for k, r in enumerate(recs):
            ax.plot(theta, f[r], color=cmap(k / max(1, len(recs) - 1)), marker=dots(len(theta)),
                    label=f"{scaling} = {time[r]:.3g}")
        ax.set_xlim(*theta_range(theta, rho[:, 0, c].max(axis=0)))
        ax.set(xlabel=f"rapidity θ ({units})", ylabel=occ,
               title=f"(b2) {occ}(θ) at the centre cell x = {x[c]:.3g}")
        ax.legend(fontsize="small")
        ax.grid(alpha=0.3)

    # (c) totals: change relative to the largest sum_x |q_i| dx, the scale of the charge's flow
    # (the total momentum of a symmetric state is 0, so its own size is no scale); on a log
    # scale, so that round-off (conserved) and O(1) changes show on one axis.
    ax = axes[2, 0]
    total = ds["total_q"][:].data  # (time, species, charge)
    tiny = np.finfo(float).tiny
    for a in range(ns):
        for k, i in enumerate(charges):
            scale = (np.abs(q[:, :, :, k]).sum(axis=(1, 2)) * dx).max()
            d = np.abs(total[1:, a, k] - total[0, a, k]) / (scale if scale > 0 else 1.0)
            name = f"h_{i}" + (f" = {cnames[k]}" if cnames[k] else "")
            ax.semilogy(time[1:], np.maximum(d, tiny), ("-", "--", ":", "-.")[a % 4],
                        color=f"C{k}", label=f"{name}, {sp[a]}: max {d.max():.1e}")
    bc = getattr(ds, "space.boundary", "")
    force = getattr(ds, "potential", "none") != "none"
    note = "periodic, no force: N, P, E conserved" if bc == "periodic" and not force else \
        "a potential: the kinetic energy alone is not conserved" if force else \
        f"{bc} boundaries: totals change by the boundary fluxes"
    # With a trap the conserved energy is sum_a int (q_2 + V q_0) dx (h_2 the energy, h_0 the
    # particle number); its change relative to sum_a int (|q_2| + |V q_0|) dx.
    if "potential" in ds.variables and 0 in charges and 2 in charges:
        k0, k2 = list(charges).index(0), list(charges).index(2)
        pot = ds["potential"][:].data
        e = ((q[:, :, :, k2] + pot * q[:, :, :, k0]).sum(axis=(1, 2))) * dx
        esc = ((np.abs(q[:, :, :, k2]) + np.abs(pot * q[:, :, :, k0])).sum(axis=(1, 2)) * dx).max()
        de = np.abs(e[1:] - e[0]) / esc
        ax.semilogy(time[1:], np.maximum(de, tiny), "k-", lw=2,
                    label=f"total energy ∫(q_2 + V q_0) dx: max {de.max():.1e}")
    ax.set_ylim(bottom=max(ax.get_ylim()[0], 1e-17))
    ax.set(xlabel=tlab, ylabel="|Q_i(t) − Q_i(0)| / max_t Σ_a ∫|q_i| dx",
           title=f"(c) change of the totals Q_i = ∫ q_i dx\n({note})")
    ax.legend(fontsize="small")
    ax.grid(alpha=0.3, which="both")

    # (d) entropy per species and in total, relative to its initial value.
    ax = axes[2, 1]
    s_x = ds["entropy_density"][:].data.sum(axis=2) * dx  # (time, species)
    s_tot = ds["total_entropy"][:].data
    for a in range(ns):
        ax.plot(time, s_x[:, a] / s_x[0, a] - 1, "--", color=f"C{a}",
                label=f"{sp[a]}: S(0) = {s_x[0, a]:.4g}")
    ax.plot(time, s_tot / s_tot[0] - 1, "k-", lw=2, label=f"total: S(0) = {s_tot[0]:.4g}")
    coll = getattr(ds, "collision", "none")
    ax.set(xlabel=tlab, ylabel="S(t)/S(0) − 1",
           title=f"(d) entropy S = ∫ s dx (collisions: {coll})\n"
                 "(growth without collisions: numerical diffusion)")
    ax.legend(fontsize="small")
    ax.grid(alpha=0.3)
    # (e) with several species: how far their local rapidity shapes differ, the quantity
    # inter-species collisions (coupled_ll) relax while the species' different couplings make
    # them dephase. D = sum_x w(x) int |rho_a/N_a(x) - rho_0/N_0(x)| dtheta / sum_x w(x), with
    # w(x) the local density of the pair: the tails' empty cells do not count.
    if ns > 1:
        ax = axes[2, 2]
        wt = ds["theta_weight"][:].data
        nloc = np.maximum((rho * wt).sum(axis=3), tiny)  # (time, species, x)
        shape = rho / nloc[..., None]
        for a in range(1, ns):
            pair = nloc[:, 0] + nloc[:, a]
            dist = (np.abs(shape[:, a] - shape[:, 0]) * wt).sum(axis=2)
            dd = (dist * pair).sum(axis=1) / pair.sum(axis=1)
            ax.plot(time, dd, color=f"C{a}", label=f"{sp[a]} vs {sp[0]}: {dd[0]:.3g} → {dd[-1]:.3g}")
        ax.set(xlabel=tlab, ylabel="D(t)",
               title=f"(e) species' local rapidity shapes differ by D\n"
                     f"(collisions: {coll}; without, the species dephase)")
        ax.set_ylim(bottom=0)
        ax.legend(fontsize="small")
        ax.grid(alpha=0.3)
    used = (max(2, ns), max(2, ns), 3 if ns > 1 else 2)  # panels per row
    for row in range(3):
        for ax in axes[row, used[row]:]:
            ax.set_axis_off()

    history = getattr(ds, "history", "")
    title = f"{model}, {coll}, {nx} cells × {len(theta)} rapidities: {history}"
    fig.suptitle(textwrap.fill(title, 130), fontsize="medium")
    fig.savefig(fig_path, dpi=100)
    plt.close(fig)


def plot_snapshot(ds, fig_path):
    """The figure of a single-record file, or of a homogeneous (single-cell) run."""
    model = getattr(ds, "model", "unknown model")
    units = UNITS.get(model, "natural units")
    nrec, ns, nx = (len(ds.dimensions[d]) for d in ("time", "species", "x"))
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
    fig.savefig(fig_path, dpi=120)
    plt.close(fig)


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    with netCDF4.Dataset(argv[1]) as ds:
        nrec, nx = len(ds.dimensions["time"]), len(ds.dimensions["x"])
        if nrec == 0:
            print(f"plot.py: {argv[1]} holds no record yet", file=sys.stderr)
            return 1
        if nx > 1 and nrec >= 3:
            plot_evolution(ds, argv[2])
        else:
            plot_snapshot(ds, argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
