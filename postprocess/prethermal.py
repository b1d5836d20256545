#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Figures of the phi^4 pre-thermalisation runs (SM Figs. 1-2 of Durnin, Bhaseen, Doyon,
PRL 127, 130601 (2021)) from the files written by bench/prethermal_curves.

usage: prethermal.py DIR

Reads DIR/prethermal_{vacuum,beta5}_golden_rule.nc, DIR/prethermal_beta5_printed.nc and
DIR/prethermal_spectral_{vacuum,beta5}.txt; writes DIR/prethermal_fig1.png (SM Fig. 1: the
changes of q0 and q2 after the quench from the vacuum, beta = 5 inset), DIR/prethermal_fig2.png
(SM Fig. 2: beta = 5 with the fitted envelope, and the envelope on log-log axes with the fit
windows), DIR/prethermal_spectral.png (the spectral densities at the thresholds that set the
envelope exponent) and DIR/prethermal_coeffs.png (golden-rule against printed coefficients),
and prints the fitted exponents with their fit windows.

The envelope of a run: where the output is dense (t <= 30, every 0.01) the local maxima of
|dq(t) - dq(inf)|, where it is sparse (windows of 64 points spanning pi at t = 30 10^(k/4)) the
largest value in each window. alpha is the least-squares slope of log(envelope) against log(t)
over a fit window. The first peak (t ~ 0.5) is the end of the initial rise and is left out.
"""
import os
import sys

# HDF5 keeps a running writer's file locked; opting out lets this read a run still in progress.
os.environ.setdefault("HDF5_USE_FILE_LOCKING", "FALSE")

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import netCDF4  # noqa: E402
import numpy as np  # noqa: E402

# Fit windows for alpha: the first few oscillations (what a linear plot like SM Fig. 2 shows),
# intermediate times, and the asymptotic regime.
WINDOWS = ((0.7, 3.0), (3.0, 30.0), (30.0, 3.0e5))


def load(path):
    """Times, the changes dq_i(t) = q_i(t) - q_i(0) by charge index, and the plateaus."""
    with netCDF4.Dataset(path) as ds:
        t = np.asarray(ds["time"][:])
        q = np.asarray(ds["q"][:, 0, 0, :])
        charges = [int(c) for c in ds["charge"][:]]
        plateau = {i: float(getattr(ds, f"plateau_dq_h{i}")) for i in charges}
    dq = {i: q[:, k] - q[0, k] for k, i in enumerate(charges)}
    return t, dq, plateau


def envelope(t, r):
    """Envelope points (t, |r|): local maxima where dense, window maxima where sparse."""
    a = np.abs(r)
    dense = np.flatnonzero(t <= 30.0)
    k = dense[1:-1]
    peaks = k[(a[k] >= a[k - 1]) & (a[k] > a[k + 1])]
    tw, env = list(t[peaks]), list(a[peaks])
    late = t > 30.0
    w = np.floor(np.log10(t[late] / 30.0) * 4 + 0.5).astype(int)
    for j in np.unique(w):
        sel = np.flatnonzero(late)[w == j]
        tw.append(t[sel][0])
        env.append(a[sel].max())
    return np.array(tw), np.array(env)


def fit(tw, env, lo, hi):
    """alpha and amplitude of env = A t^-alpha over lo <= t <= hi."""
    sel = (tw >= lo) & (tw <= hi)
    slope, icpt = np.polyfit(np.log(tw[sel]), np.log(env[sel]), 1)
    return -slope, np.exp(icpt), int(sel.sum())


def fig1(d, out):
    tv, dqv, _ = load(os.path.join(d, "prethermal_vacuum_golden_rule.nc"))
    tb, dqb, _ = load(os.path.join(d, "prethermal_beta5_golden_rule.nc"))
    fig, ax = plt.subplots(figsize=(7.5, 4.6), layout="constrained")
    sel = tv <= 20
    ax.plot(tv[sel], dqv[0][sel], label=r"$\Delta q_0$ (particle density)")
    ax.plot(tv[sel], dqv[2][sel], label=r"$\Delta q_2$ ($h_2 = \cosh\theta$)")
    ax.set_xlabel("time t (m = 1)")
    ax.set_ylabel(r"$(q_i(t) - q_i(0))/\lambda^2$")
    ax.set_title(r"$\lambda\phi^4/4!$ quench of the free boson from the vacuum (golden rule)")
    ax.legend(loc="center right")
    ins = ax.inset_axes([0.42, 0.12, 0.33, 0.38])
    sel = tb <= 20
    ins.plot(tb[sel], dqb[0][sel])
    ins.plot(tb[sel], dqb[2][sel])
    ins.set_title(r"thermal $\beta = 5$", fontsize=9)
    ins.tick_params(labelsize=7)
    ins.yaxis.get_offset_text().set_fontsize(7)
    fig.savefig(out, dpi=130)
    plt.close(fig)


def fig2(d, out):
    t, dq, pl = load(os.path.join(d, "prethermal_beta5_golden_rule.nc"))
    fig, (a, b) = plt.subplots(1, 2, figsize=(12.5, 4.8), layout="constrained")
    for i, col in ((0, "C0"), (2, "C1")):
        tw, env = envelope(t, dq[i] - pl[i])
        (a0, amp0, _), _, (a2, amp2, _) = [fit(tw, env, lo, hi) for lo, hi in WINDOWS]
        sel = t <= 20
        a.plot(t[sel], dq[i][sel] / pl[i], col, lw=1, label=rf"$\Delta q_{i} / \Delta q_{i}(\infty)$")
        tt = np.linspace(0.7, 20.0, 300)
        for sgn in (1, -1):
            a.plot(tt, 1 + sgn * amp2 * tt**-a2 / pl[i], col, ls="--", lw=0.8,
                   label=rf"$t^{{-{a2:.2f}}}$ (fit on [30, 3e5])" if sgn > 0 else None)
            a.plot(tt, 1 + sgn * amp0 * tt**-a0 / pl[i], col, ls=":", lw=0.8,
                   label=rf"$t^{{-{a0:.2f}}}$ (fit on [0.7, 3])" if sgn > 0 else None)
        b.loglog(tw, env / pl[i], col + ".", ms=3,
                 label=rf"$|\Delta q_{i} - \Delta q_{i}(\infty)|$, envelope")
        for lo, hi in WINDOWS:
            al, am, _ = fit(tw, env, lo, hi)
            tt = np.geomspace(lo, hi, 50)
            b.loglog(tt, am * tt**-al / pl[i], "k-", lw=0.7)
            b.annotate(rf"$\alpha_{i} = {al:.2f}$", (np.sqrt(lo * hi), am * np.sqrt(lo * hi)**-al / pl[i]),
                       xytext=(0, 14 if i == 0 else -18), textcoords="offset points", fontsize=8,
                       ha="center", color=col)
    a.set_ylim(0.4, 1.6)
    a.set_xlabel("time t (m = 1)")
    a.set_ylabel("change relative to the plateau")
    a.set_title(r"thermal $\beta = 5$, golden rule (SM Fig. 2)")
    a.legend(fontsize=7, loc="lower right", ncol=2)
    for lo, hi in WINDOWS:
        b.axvline(lo, color="gray", lw=0.5)
    b.set_xlabel("time t")
    b.set_ylabel("envelope / plateau")
    b.set_title(r"envelope, fits $A t^{-\alpha}$ on [0.7, 3], [3, 30], [30, 3e5]")
    b.legend(fontsize=8, loc="lower left")
    fig.savefig(out, dpi=130)
    plt.close(fig)


def fig_spectral(d, out):
    fig, (a, b) = plt.subplots(1, 2, figsize=(12, 4.4), layout="constrained")
    for name, col in (("vacuum", "C0"), ("beta5", "C1")):
        s = np.loadtxt(os.path.join(d, f"prethermal_spectral_{name}.txt"))
        e = s[:, 0]
        sel = (e > 4) & (e < 4.2)
        a.loglog(e[sel] - 4, s[sel, 3], col, label=f"{name}: 0<->4, $T_0(\\epsilon)$ above 4m")
        if name == "beta5":
            t2 = s[e == 2.0, 4][0]
            lo, hi = (e < 2) & (e > 1.8), (e > 2) & (e < 2.2)
            a.loglog(2 - e[lo], t2 - s[lo, 4], "C2", label=r"beta5: 1<->3, $T(2m) - T(\epsilon)$ below 2m")
            a.loglog(e[hi] - 2, np.abs(s[hi, 4] - t2), "C3", label=r"beta5: 1<->3, $|T(\epsilon) - T(2m)|$ above 2m")
        sel = e > 0.01
        order = np.argsort(e[sel])
        b.plot(e[sel][order], s[sel, 1][order], col, label=f"{name}: $T_0$, all classes")
        if name == "beta5":
            b.plot(e[sel][order], 30 * s[sel, 4][order], "C2", lw=0.8, label=r"beta5: 1<->3 class $\times 30$")
    x = np.geomspace(1e-7, 1e-1, 10)
    a.loglog(x, 2.4e-3 * np.sqrt(x), "k:", lw=0.8, label=r"$\propto |\epsilon - \epsilon_c|^{1/2}$")
    a.loglog(x, 2.0e-5 * x, "k--", lw=0.6, label=r"$\propto |\epsilon - \epsilon_c|$")
    a.set_xlabel(r"distance to the threshold $|\epsilon - \epsilon_c|$ (m = 1)")
    a.set_ylabel(r"spectral density ($\lambda = 1$)")
    a.set_title("square roots: at 4m above (0<->4), at 2m below only (1<->3 saddle)")
    a.legend(fontsize=7)
    b.set_xlabel(r"$\epsilon$ (m = 1)")
    b.set_title(r"$T_0(\epsilon)$; $q_0(t) - q_0(0) = \int T_0 (1 - \cos\epsilon t)/\epsilon^2 d\epsilon$")
    b.set_xlim(0, 40)
    b.legend(fontsize=8)
    fig.savefig(out, dpi=130)
    plt.close(fig)


def fig_coeffs(d, out):
    tg, dg, pg = load(os.path.join(d, "prethermal_beta5_golden_rule.nc"))
    tp, dp, pp = load(os.path.join(d, "prethermal_beta5_printed.nc"))
    fig, ax = plt.subplots(figsize=(7.5, 4.4), layout="constrained")
    sel = tg <= 20
    for i, col in ((0, "C0"), (2, "C1")):
        ax.plot(tg[sel], dg[i][sel] / pg[i], col, label=f"golden rule, dq{i} / plateau")
        ax.plot(tp[sel], dp[i][sel] / pp[i], col, ls="--", label=f"printed, dq{i} / plateau")
    ax.set_xlabel("time t")
    ax.set_title(r"$\beta = 5$: the two coefficient sets, each normalised to its plateau")
    ax.legend(fontsize=8)
    fig.savefig(out, dpi=130)
    plt.close(fig)
    return pg, pp


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[3], file=sys.stderr)
        return 2
    d = argv[1]
    fig1(d, os.path.join(d, "prethermal_fig1.png"))
    fig2(d, os.path.join(d, "prethermal_fig2.png"))
    fig_spectral(d, os.path.join(d, "prethermal_spectral.png"))
    pg, pp = fig_coeffs(d, os.path.join(d, "prethermal_coeffs.png"))
    for name in ("vacuum_golden_rule", "beta5_golden_rule", "beta5_printed"):
        t, dq, pl = load(os.path.join(d, f"prethermal_{name}.nc"))
        for i in (0, 2):
            tw, env = envelope(t, dq[i] - pl[i])
            txt = ", ".join(f"[{lo:g}, {hi:g}]: alpha = {al:.3f} ({n} points)"
                            for (lo, hi), (al, _, n) in zip(WINDOWS, (fit(tw, env, lo, hi) for lo, hi in WINDOWS)))
            print(f"{name} q{i}: plateau {pl[i]:.10e}; {txt}")
    for i in (0, 2, 4):
        print(f"plateau ratio golden/printed (beta = 5) q{i}: {pg[i] / pp[i]:.6f} (4.5 pi = {4.5 * np.pi:.6f})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
