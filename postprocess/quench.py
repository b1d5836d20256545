#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Figures of a homogeneous quench (`kind = "homogeneous"`, shared/spec/output.md).

usage: quench.py OUT.nc PREFIX

Writes PREFIX_dist.png (n(theta), or rho_p, per species at several tbar), PREFIX_charges.png
(|q_i(tbar) - q_i(final)| on a log scale with fitted exponential rates), PREFIX_entropy.png
(entropy and entropy deficit with fitted rates: Yang-Yang, and for coupled_ll also the classical
H-function -sum_a int rho_a ln rho_a) and, if the run fitted them, PREFIX_beta.png. For a phi6
run also the paper's figures: PREFIX_fig1.png (n(theta) at several tbar; beta_2, beta_4, beta_6
versus tbar) and PREFIX_fig2.png (delta s and delta q_4 on a log scale with fitted 1/gamma, next
to the paper's 3.58e7 and 1.71e7).

Rates are least-squares slopes of log|deviation| on one late window for every quantity, chosen
from the charge deviations (see late_window): the entropy-to-charge rate ratio compares like
with like. The functions here are also used by tests/cli/check_quench.py.
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


def load(path):
    """The fields of a single-cell run as plain arrays (x dimension dropped)."""
    with netCDF4.Dataset(path) as ds:
        if len(ds.dimensions["x"]) != 1:
            raise ValueError(f"{path}: not a homogeneous (single-cell) run")
        r = {"t": ds["time"][:].data, "theta": ds["theta"][:].data,
             "w": ds["theta_weight"][:].data, "rho": ds["rho_p"][:, :, 0, :].data,
             "q": ds["q"][:, :, 0, :].data, "charges": ds["charge"][:].data,
             "total_q": ds["total_q"][:].data, "s_yy": ds["entropy_density"][:, :, 0].data,
             "collision": ds.collision, "model": ds.model,
             "rtol": float(ds.getncattr("time.rtol")), "attrs": {k: ds.getncattr(k)
                                                                 for k in ds.ncattrs()}}
        r["n"] = ds["n"][:, :, 0, :].data if "n" in ds.variables else None
        r["beta"] = ds["beta"][:, :, 0, :].data if "beta" in ds.variables else None
    r["ns"] = r["rho"].shape[1]
    # Lieb-Liniger couplings, one per species (model.c for one gas, model.c.1, ... for several).
    a = r["attrs"]
    r["c"] = [float(a["model.c"])] if "model.c" in a else [
        float(a[f"model.c.{k + 1}"]) for k in range(r["ns"])] if "model.c.1" in a else None
    return r


def charge_scale(r):
    """sum_a int w rho_p |h_i| at t = 0 per charge: the size against which round-off and the
    integrator's error in q_i are measured (q_1 itself can vanish by symmetry)."""
    h = np.abs(r["theta"][None, :] ** r["charges"][:, None])
    return np.einsum("j,aj,ij->i", r["w"], r["rho"][0], h)


def xlogx_rel(p, e):
    """p ln(p/e) - p + e >= 0 for p >= 0, e > 0, accurate where p ~ e: with d = (p - e)/e it is
    e g(d), g(d) = (1 + d) ln(1 + d) - d, summed as its series d^2/2 - d^3/6 + d^4/12 - d^5/20
    for |d| < 1e-3 (truncation 1e-18 relative; the direct form loses everything to cancellation
    once d ~ 1e-8). Logs are taken separately so that tails near underflow cannot overflow p/e."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        pos = (p > 0) & (e > 0)
        lp, le = np.log(np.where(pos, p, 1.0)), np.log(np.where(e > 0, e, 1.0))
        direct = np.where(pos, p * (lp - le) - p + e, np.where(e > 0, e, p))
        d = np.where(e > 0, (p - e) / np.where(e > 0, e, 1.0), np.inf)
        small = np.abs(d) < 1e-3
        ds = np.where(small, d, 0.0)
        series = e * ds * ds * (0.5 - ds * (1 / 6 - ds * (1 / 12 - ds / 20)))
    return np.where(small, series, direct)


def classical_entropy(r):
    """-sum_a int rho_a ln rho_a per record: the H-function of the lowest-order-in-density
    coupled_ll kernel (its production is a sum of (x - y) ln(x/y) >= 0 terms)."""
    rho = r["rho"]
    with np.errstate(divide="ignore", invalid="ignore"):
        f = np.where(rho > 0, rho * np.log(np.where(rho > 0, rho, 1.0)), 0.0)
    return -np.einsum("j,taj->t", r["w"], f)


def coupled_ll_equilibrium(r):
    """The coupled_ll fixed point with the invariants of the initial state: rho_a = x R,
    rho_b = (1 - x) R, R = rho_a + rho_b node by node, x = N_a/(N_a + N_b) (physics.md 4.2)."""
    rho0 = r["rho"][0]
    big_r = rho0.sum(axis=0)
    x = np.dot(r["w"], rho0[0]) / np.dot(r["w"], big_r)
    return np.stack([x * big_r, (1 - x) * big_r]), x


def relative_entropy(r, rho_eq):
    """sum_a int [rho_a ln(rho_a/rho_eq) - rho_a + rho_eq] per record: equals the classical
    entropy deficit S_cl(eq) - S_cl(t) when the species numbers agree (coupled_ll conserves
    them) but is computed without the cancellation between two O(1) entropies."""
    return np.einsum("j,taj->t", r["w"], xlogx_rel(r["rho"], rho_eq[None]))


def yang_yang_entropy(r, rho):
    """Yang-Yang entropy density per species of the Lieb-Liniger state rho (ns, Ntheta), with the
    solver's Nystrom rule: 2 pi rho_s = 1 + 2 pi sum_l w_l T(theta - theta_l) rho_l,
    T = c/(pi (c^2 + q^2)) (physics.md 2.1, 3). Used for states the run did not write (the
    coupled_ll fixed point)."""
    th, w = r["theta"], r["w"]
    q = th[:, None] - th[None, :]
    out = []
    for a in range(rho.shape[0]):
        c = r["c"][a]
        tk = c / (np.pi * (c * c + q * q)) if np.isfinite(c) else 0 * q
        rho_s = 1 / (2 * np.pi) + tk @ (w * rho[a])
        n = rho[a] / rho_s
        with np.errstate(divide="ignore", invalid="ignore"):
            h = -np.where(n > 0, n * np.log(n), 0) - np.where(n < 1, (1 - n) * np.log1p(-n), 0)
        out.append(np.dot(w, rho_s * h))
    return np.array(out)


def late_window(t, devs, floors, start=1e-2):
    """Indices [i0, i1) of the late window: from the first record where every deviation has
    fallen below `start` times its largest value (the linear regime: nonlinear transients gone)
    to the last record where some deviation is still above 1e3 floors (the integrator's global
    error was measured at about 7 rtol times the charge scale, so the window ends where that
    error is below 1 % of the signal)."""
    devs, floors = np.abs(np.atleast_2d(devs)), np.atleast_1d(floors)
    keep = [k for k in range(len(devs)) if devs[k, 0] > 1e3 * floors[k]]
    if not keep:
        return 0, 0
    devs, floors = devs[keep], floors[keep]
    lin = np.all(devs <= start * devs.max(axis=1)[:, None], axis=0)
    above = np.any(devs > 1e3 * floors[:, None], axis=0)
    i0 = int(np.argmax(lin)) if lin.any() else len(t)
    i1 = int(np.nonzero(above)[0].max()) + 1 if above.any() else 0
    return i0, i1


def fit_rate(t, y, i0, i1):
    """Rate gamma and amplitude A of |y| ~ A exp(-gamma t) on records [i0, i1), least squares in
    log|y|. NaN if the window holds fewer than three records."""
    if i1 - i0 < 3:
        return np.nan, np.nan
    slope, icpt = np.polyfit(t[i0:i1], np.log(np.abs(y[i0:i1])), 1)
    return -slope, np.exp(icpt)


def deviations(r):
    """Charge deviations from the final state, their floors, the entropy deficits, and the
    common late window (a dict). For coupled_ll the final state is the exact fixed point xR, not
    the last record; otherwise the last record, which the late window then stays clear of."""
    t, nc = r["t"], len(r["charges"])
    floor_q = r["rtol"] * charge_scale(r)
    d = {"labels": [], "dq": [], "floor": []}
    if r["collision"] == "coupled_ll":
        rho_eq, x = coupled_ll_equilibrium(r)
        h = r["theta"][None, :] ** r["charges"][:, None]
        q_eq = np.einsum("j,aj,ij->ai", r["w"], rho_eq, h)
        d["x"], d["rho_eq"] = x, rho_eq
        d["d_cl"] = relative_entropy(r, rho_eq)
        d["s_cl"] = classical_entropy(r)
        d["s_yy_eq"] = yang_yang_entropy(r, rho_eq)
    else:
        q_eq = r["q"][-1]
        d["s_yy_eq"] = r["s_yy"][-1]
    for a in range(r["ns"]):
        for i in range(nc):
            d["labels"].append((a, int(r["charges"][i])))
            d["dq"].append(r["q"][:, a, i] - q_eq[a, i])
            d["floor"].append(floor_q[i])
    d["dq"], d["floor"] = np.array(d["dq"]), np.array(d["floor"])
    d["d_yy"] = d["s_yy_eq"].sum() - r["s_yy"].sum(axis=1)
    d["i0"], d["i1"] = late_window(t, d["dq"], d["floor"])
    if r["collision"] != "coupled_ll":
        # The last record is the reference: keep the window off the records near it.
        d["i1"] = min(d["i1"], len(t) - 2)
    return d


def relaxing(d):
    """Which charge series relax at all (the others are conserved: their deviation is noise)."""
    return np.abs(d["dq"][:, 0]) > 1e3 * d["floor"]


def pick_records(r, d):
    """About six records spread over the relaxation: the first, those where the L1 distance of
    rho_p to the final state has fallen to 50 %, 20 %, 5 %, 1 % of its initial value, the last."""
    final = d["rho_eq"] if "rho_eq" in d else r["rho"][-1]
    l1 = np.einsum("j,taj->t", r["w"], np.abs(r["rho"] - final[None]))
    idx = [0] + [int(np.argmax(l1 <= f * l1[0])) for f in (0.5, 0.2, 0.05, 1e-2)
                 if (l1 <= f * l1[0]).any()]
    return sorted(set(idx + [len(r["t"]) - 1]))


def window_text(t, d):
    return f"fit on {t[d['i0']]:.3g} ≤ t̄ ≤ {t[d['i1'] - 1]:.3g}"


def plot_dist(r, d, path):
    # coupled_ll: rho_p, as SM Fig. 4, with the fixed point x R it relaxes to.
    var = "n" if r["n"] is not None and r["collision"] != "coupled_ll" else "rho"
    name = "n(θ)" if var == "n" else "ρ_p(θ)"
    recs = pick_records(r, d)
    fig, axes = plt.subplots(1, r["ns"], figsize=(5.5 * r["ns"], 4.4), layout="constrained",
                             squeeze=False)
    cmap = plt.get_cmap("viridis")
    for a, ax in enumerate(axes[0]):
        for k, i in enumerate(recs):
            ax.plot(r["theta"], r[var][i, a], color=cmap(k / max(1, len(recs) - 1)),
                    label=f"t̄ = {r['t'][i]:.3g}")
        if "rho_eq" in d and var == "rho":
            ax.plot(r["theta"], d["rho_eq"][a], "k--", lw=1, label="fixed point")
        ax.set(xlabel="rapidity θ", ylabel=name, title=f"species {a}: {name}")
        ax.grid(alpha=0.3)
        ax.legend(fontsize="small")
        # The tails carry no weight; show where the state lives.
        mass = np.cumsum(r["w"] * r["rho"][0].sum(axis=0))
        lo, hi = np.searchsorted(mass, [1e-4 * mass[-1], (1 - 1e-4) * mass[-1]])
        ax.set_xlim(r["theta"][max(lo - 1, 0)], r["theta"][min(hi + 1, len(r["theta"]) - 1)])
    fig.suptitle(f"{r['collision']} quench: {name} at several t̄ = λ²t", fontsize="medium")
    fig.savefig(path, dpi=110)
    plt.close(fig)


def local_rate(t, y):
    """-d ln|y|/dt by centred differences (one-sided at the ends); y = 0 (the reference record
    itself) gives inf, which the caller masks."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return -np.gradient(np.log(np.abs(y)), t)


def plot_charges(r, d, path):
    t, i0, i1 = r["t"], d["i0"], d["i1"]
    fig, (ax_a, ax_b) = plt.subplots(1, 2, figsize=(13, 4.8), layout="constrained")
    shown, k, g_max = [], 0, 0.0
    for (a, i), y, fl, rel in zip(d["labels"], d["dq"], d["floor"], relaxing(d)):
        if not rel:
            continue
        # Mirror images (coupled_ll: delta q_i of b = -delta q_i of a, node by node) are named,
        # not drawn twice.
        twin = [lab for lab, z in shown if np.allclose(np.abs(z), np.abs(y), rtol=1e-6,
                                                       atol=1e3 * fl)]
        if twin:
            ax_a.plot([], [], " ", label=f"species {a}, |δq_{i}|: same as species "
                                        f"{twin[0][0]}, |δq_{twin[0][1]}|")
            continue
        shown.append(((a, i), y))
        g, amp = fit_rate(t, y, i0, i1)
        col = f"C{k}"
        ax_a.semilogy(t, np.abs(y), ".", ms=3, color=col)
        ax_a.semilogy(t[i0:i1], amp * np.exp(-g * t[i0:i1]), "-", color=col, lw=1.2,
                      label=f"species {a}, |δq_{i}|: fitted γ = {g:.4g}")
        # Local rate only where the deviation is above the integrator's floor.
        ok = np.abs(y) > 1e3 * fl
        ax_b.plot(t[ok], local_rate(t, y)[ok], ".-", ms=3, lw=0.8, color=col,
                  label=f"species {a}, δq_{i}")
        ax_b.hlines(g, t[i0], t[i1 - 1], color=col, lw=2, alpha=0.6)
        g_max = max(g_max, g)
        k += 1
    ref = "fixed point xR" if r["collision"] == "coupled_ll" else "last record"
    ax_a.set(xlabel="t̄ = λ²t", ylabel=f"|q_i(t̄) − q_i(final)|  (final: {ref})",
             title=f"(a) charge deviations; {window_text(t, d)} (shaded)")
    ax_a.set_ylim(bottom=max(ax_a.get_ylim()[0], 1e-3 * d["floor"].min()))
    ax_a.legend(fontsize="small")
    ax_b.set(xlabel="t̄ = λ²t", ylabel="local rate −d ln|δq_i|/dt̄",
             title="(b) local rates (bars: fitted γ on the window)",
             ylim=(0, 1.6 * g_max))  # early transients (a deviation crossing zero) off scale
    ax_b.legend(fontsize="small")
    for ax in (ax_a, ax_b):
        ax.axvspan(t[i0], t[i1 - 1], color="0.9", zorder=0)
        ax.grid(alpha=0.3, which="both")
    fig.suptitle(f"{r['collision']} quench: charge relaxation (points beyond 10³ rtol of the "
                 "charge scale omitted in (b): integrator error)", fontsize="medium")
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_decay(ax, t, y, i0, i1, col, lab, fit_label):
    """y on a log scale (points; negative values as crosses of |y|) with its exponential fit on
    records [i0, i1), labelled fit_label(gamma)."""
    g, amp = fit_rate(t, y, i0, i1)
    neg = y < 0
    ax.semilogy(t[~neg], y[~neg], ".", ms=3, color=col, label=f"{lab} > 0")
    if neg.any():
        ax.semilogy(t[neg], -y[neg], "x", ms=3, color=col, label=f"{lab} < 0: |·|")
    ax.semilogy(t[i0:i1], amp * np.exp(-g * t[i0:i1]), "-", color=col, lw=1.2, label=fit_label(g))


def plot_entropy(r, d, path):
    t, i0, i1 = r["t"], d["i0"], d["i1"]
    fig, (ax_a, ax_b) = plt.subplots(1, 2, figsize=(12, 4.6), layout="constrained")
    s_yy = r["s_yy"].sum(axis=1)
    ax_a.plot(t, s_yy - s_yy[0], label="Yang-Yang S(t̄) − S(0)")
    if "s_cl" in d:
        ax_a.plot(t, d["s_cl"] - d["s_cl"][0], label="classical −Σ∫ρ ln ρ, minus its t̄ = 0 value")
    ax_a.set(xlabel="t̄ = λ²t", ylabel="entropy density change",
             title="(a) entropy (sum over species)")
    ax_a.grid(alpha=0.3)
    ax_a.legend(fontsize="small", loc="lower right")
    # Charge rate for the comparison: the slowest fitted charge rate on the same window.
    rates = [(fit_rate(t, y, i0, i1)[0], lab)
             for y, lab, rel in zip(d["dq"], d["labels"], relaxing(d)) if rel]
    g_q, (a_q, i_q) = min(rates) if rates else (np.nan, (0, 0))
    imax = int(np.argmax(s_yy))
    if imax < len(t) - 1 and s_yy[imax] - s_yy[-1] > 1e3 * np.finfo(float).eps * s_yy[imax]:
        # Not monotone: zoom on the fall after the maximum, invisible on the full scale.
        ins = ax_a.inset_axes([0.35, 0.3, 0.6, 0.4])
        ins.plot(t[imax // 2:], s_yy[imax // 2:] - s_yy[-1], color="C0")
        ins.set_title(f"Yang-Yang S − S(t̄ = {t[-1]:.3g}): max at t̄ = {t[imax]:.3g}",
                      fontsize="small")
        ins.tick_params(labelsize="x-small")
        ins.grid(alpha=0.3)
    series = [("Yang-Yang: S_eq − S(t̄)", d["d_yy"], "C0")]
    if "d_cl" in d:
        series.append(("classical: D = Σ∫ρ ln(ρ/ρ_eq)", d["d_cl"], "C1"))
    for lab, y, col in series:
        plot_decay(ax_b, t, y, i0, i1, col, lab,
                   lambda g: f"fit γ_S = {g:.4g} = {g / g_q:.3f} γ_q")
    ax_b.axvspan(t[i0], t[i1 - 1], color="0.9", zorder=0)
    ax_b.set(xlabel="t̄ = λ²t", ylabel="entropy deficit",
             title=f"(b) deficit; {window_text(t, d)};\nγ_q = γ(δq_{i_q}, species {a_q}) "
                   f"= {g_q:.4g}")
    lo = max(ax_b.get_ylim()[0], 1e-18)
    ax_b.set_ylim(bottom=lo)
    ax_b.grid(alpha=0.3, which="both")
    ax_b.legend(fontsize="small")
    fig.suptitle(f"{r['collision']} quench: entropy", fontsize="medium")
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_beta(r, path):
    t = r["t"]
    fig, (ax_a, ax_b) = plt.subplots(1, 2, figsize=(13, 4.6), layout="constrained")
    for a in range(r["ns"]):
        for k, i in enumerate(r["charges"]):
            b = r["beta"][:, a, k]
            lab = f"β_{i}" + (f", species {a}" if r["ns"] > 1 else "")
            style = ("-", "--", ":")[a % 3]
            ax_a.plot(t, b, style, color=f"C{k}", label=f"{lab} → {b[-1]:.4g}")
            dev = np.abs(b[:-1] - b[-1])
            if dev.max() > 0:
                ax_b.semilogy(t[:-1], dev, style, color=f"C{k}", label=lab)
    ax_a.set(xlabel="t̄ = λ²t", ylabel="β_i (fitted on the tracked charges)",
             title="(a) effective inverse temperatures")
    ax_b.set(xlabel="t̄ = λ²t", ylabel="|β_i(t̄) − β_i(last record)|",
             title="(b) approach to the final values")
    ax_a.legend(fontsize="small", ncol=2, loc="center right")
    ax_b.legend(fontsize="small", ncol=2)
    for ax in (ax_a, ax_b):
        ax.grid(alpha=0.3, which="both")
    fig.suptitle(f"{r['collision']} quench: fitted β_i(t̄)", fontsize="medium")
    fig.savefig(path, dpi=110)
    plt.close(fig)


# The paper's Fig. 2 time scales (Durnin, Bhaseen, Doyon 2021): 1/gamma of delta q_4 and delta s.
PAPER_INV_GAMMA = {4: 3.58e7, "s": 1.71e7}


def plot_phi6_paper(r, d, prefix):
    """phi6 runs: the paper's Fig. 1 (n(theta) at several tbar; beta_2, beta_4, beta_6 versus
    tbar) and Fig. 2 (delta s and delta q_4 on a log scale with fitted rates) as PREFIX_fig1.png
    and PREFIX_fig2.png. The betas are the run's fitted ones (output.fit_betas on charges
    including 2, 4, 6: cosh theta, cosh 2 theta, cosh 3 theta)."""
    t = r["t"]
    fig, (ax_a, ax_b) = plt.subplots(1, 2, figsize=(12, 4.6), layout="constrained")
    cmap = plt.get_cmap("viridis")
    recs = pick_records(r, d)
    for k, i in enumerate(recs):
        ax_a.plot(r["theta"], r["n"][i, 0], color=cmap(k / max(1, len(recs) - 1)),
                  label=f"t̄ = {t[i]:.3g}")
    ax_a.set(xlabel="rapidity θ", ylabel="n(θ)", title="(a) occupation at several t̄ = λ²t")
    ax_a.set_xlim(-3.5, 3.5)
    ax_a.grid(alpha=0.3)
    ax_a.legend(fontsize="small")
    charges = list(r["charges"])
    if r["beta"] is not None:
        tb = t if t[0] > 0 else t[1:]
        off = len(t) - len(tb)
        for i in (2, 4, 6):
            if i in charges:
                b = r["beta"][off:, 0, charges.index(i)]
                ax_b.semilogx(tb, b, label=f"β_{i} (cosh {i // 2}θ) → {b[-1]:.4g}")
        ax_b.legend(fontsize="small")
    ax_b.set(xlabel="t̄ = λ²t", ylabel="fitted β_i", title="(b) GGE coefficients")
    ax_b.grid(alpha=0.3, which="both")
    fig.suptitle("phi6 quench (paper's Fig. 1)", fontsize="medium")
    fig.savefig(prefix + "_fig1.png", dpi=110)
    plt.close(fig)

    # Each deviation fitted where it has fallen to 1e-2 .. 1e-5 (delta s, second order in the
    # deviation: 1e-2 .. 1e-8) of its initial value: past the transient, above the last record's
    # own error (docs/validation.md; tests/cli/check_phi6_rate.py uses the same windows).
    fig, ax = plt.subplots(figsize=(7.5, 4.8), layout="constrained")
    series = [("δs = s(final) − s(t̄)", d["d_yy"], "C0", "s", 1e-8)]
    if 4 in charges:
        k = d["labels"].index((0, 4))
        series.append(("δq_4 = q_4(t̄) − q_4(final)", d["dq"][k], "C1", 4, 1e-5))
    for lab, y, col, key, lo in series:
        a = np.abs(y)
        inside = np.nonzero((a < 1e-2 * a[0]) & (a > lo * a[0]))[0]
        i0, i1 = (inside[0], inside[-1] + 1) if len(inside) else (0, 0)
        plot_decay(ax, t, y, i0, i1, col, lab,
                   lambda g, key=key, i0=i0, i1=i1: f"fit on {t[i0]:.3g} .. {t[i1 - 1]:.3g}: "
                   f"1/γ = {1 / g:.4g} (paper {PAPER_INV_GAMMA[key]:.3g})")
    ax.set(xlabel="t̄ = λ²t", ylabel="deviation from the final state",
           title=f"phi6 quench (paper's Fig. 2), coefficients "
                 f"{r['attrs'].get('collision.coefficients', '?')}")
    ax.set_ylim(bottom=max(ax.get_ylim()[0], 1e-16))
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize="small")
    fig.savefig(prefix + "_fig2.png", dpi=110)
    plt.close(fig)


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    r = load(argv[1])
    if len(r["t"]) < 5:
        print(f"quench.py: {argv[1]} holds {len(r['t'])} records; need at least 5",
              file=sys.stderr)
        return 1
    d = deviations(r)
    prefix = argv[2]
    plot_dist(r, d, prefix + "_dist.png")
    plot_charges(r, d, prefix + "_charges.png")
    plot_entropy(r, d, prefix + "_entropy.png")
    if r["beta"] is not None:
        plot_beta(r, prefix + "_beta.png")
    if r["collision"] == "phi6" and r["n"] is not None:
        plot_phi6_paper(r, d, prefix)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
