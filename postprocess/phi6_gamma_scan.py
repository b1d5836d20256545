#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""SM Fig. 3: the phi^6 relaxation rate gamma versus the temperature T of the final state, from
the linearised collision operator (`ghdk rates` on cases/phi6_gamma_scan.lua), no time stepping.

usage: phi6_gamma_scan.py GHDK OUTDIR [--coefficients golden_rule|printed] [--temps T,T,...]
                          [--no-checks]

For every T the deck is run with state.T = T, state.mu = -0.02 T, the window cosh L = 1 +
T ln(1/eps) (the thermal occupation down to eps of its maximum, eps = 1e-14) and the spacing
h(T) = min(0.11 sqrt(T/0.2), 0.13) (points per thermal width fixed at low T, where n ~
exp(-theta^2/2T); fixed spacing where the occupation's scale in theta is 1). At a subset of T
(--checks, default on) the window (eps = 1e-10, 1e-12) and the spacing (x 1.5, x 2/3) are
varied at the other fixed.

gamma is the slowest even mode carrying more than 1e-3 of the deviation's non-zero weight
(`ghdk rates`: "slowest mode with weight > 1e-3"): the rate at which the state's particle-number
excess relaxes. Also recorded: its overlap weight, the slowest bulk mode (edge fraction < 0.1) and
the Boltzmann-matrix rate on the charges (h_0, h_1, h_2) (the non-zero eigenvalue of
Gamma = B C^-1, a variational upper bound of the number mode's rate), T of the reference state
(1/beta on cosh theta; mu = -0.02 T moves it by O(1e-3)), the finite-difference accuracy.

Writes OUTDIR/phi6_gamma_scan_<coefficients>.csv and .png (ln gamma versus 1/T with the Arrhenius
fit, and log gamma versus log T), and prints the fits: the activation energy E from ln gamma =
c - E/T on the lowest temperatures, and with a power-law prefactor, ln gamma = c + p ln T - E/T,
whose p is the prefactor's pull on the two-parameter E; the local activation
-d ln gamma / d(1/T) between neighbouring temperatures; and the local exponent
alpha = -d ln gamma / d ln T at high temperature.
"""
import argparse
import csv
import math
import os
import re
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DECK = os.path.join(HERE, "..", "cases", "phi6_gamma_scan.lua")
EPS = 1e-14
TEMPS = [0.08, 0.1, 0.12, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.7, 1.0, 1.5, 2.0, 3.0, 5.0, 7.0,
         10.0, 15.0, 20.0]
CHECK_TEMPS = [0.1, 0.2, 0.5, 2.0, 10.0]
NUM = r"([-+]?(?:[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?|nan|inf))"


def grid(T, eps=EPS, hscale=1.0):
    """Half-width L and node count N of the window for temperature T."""
    L = math.acosh(1.0 + T * math.log(1.0 / eps))
    h = hscale * min(0.11 * math.sqrt(T / 0.2), 0.13)
    return L, max(16, int(math.ceil(2.0 * L / h)))


def parse(text):
    """The numbers of one `ghdk rates` report this scan uses."""
    def grab(pattern, conv=float):
        m = re.search(pattern, text)
        return conv(m.group(1)) if m else float("nan")

    r = {
        "T_ref": 1.0 / grab(r"beta = " + NUM + r" on cosh\(1 theta\)"),
        "step": "relative" if "rho_j (relative" in text else "metric",
        "fd_error": grab(r"step x2 changes S by " + NUM),
        "asymmetry": grab(r"\|S - S\^T\| / \|S\| = " + NUM),
        "gamma": grab(r"slowest mode with weight > 1e-3 of the non-zero total: rate " + NUM),
        "gamma_edge": grab(r"slowest mode with weight > 1e-3 .*edge fraction " + NUM),
        "bulk": grab(r"slowest bulk mode \(edge fraction < 0.1\): rate " + NUM),
        "bulk_weight": grab(r"slowest bulk mode .*weight " + NUM + r"\)"),
        "mean": grab(r"overlap-weighted mean rate: " + NUM),
        "q01": grab(r"of the weight lies: " + NUM),
        "q10": grab(r"of the weight lies: [^,]*, " + NUM),
        "q50": grab(r"of the weight lies: [^,]*, [^,]*, " + NUM),
        "smallest": grab(r"\n  [0-9.]+ +[0-9]+ +[0-9]+ +" + NUM),
        "smallest_even": grab(r"\n  even  " + NUM),
    }
    # Weight of the gamma mode: the even list gives "rate [edge, weight]" per mode.
    m = re.search(r"\n  even  (.*)\n", text)
    r["gamma_weight"] = float("nan")
    if m:
        for rate, _edge, w in re.findall(NUM + r"(?:[-+][0-9.e+-]+i)? \[" + NUM + ", " + NUM +
                                         r"\]", m.group(1)):  # complex pairs print a+bi
            if float(rate) == r["gamma"]:
                r["gamma_weight"] = float(w)
    m = re.search(r"eigenvalues of Gamma \(rates of the charges, 1/tbar\):(.*)\n", text)
    # Real parts (a complex pair prints as a+bi).
    r["boltzmann"] = (max(float(re.match(r"[-+]?[0-9.]+(?:e[-+]?[0-9]+)?", v).group(0))
                          for v in m.group(1).split()) if m else float("nan"))
    return r


def run(ghdk, T, coefficients, eps=EPS, hscale=1.0):
    L, N = grid(T, eps, hscale)
    cmd = [ghdk, "rates", DECK, "--set", "state.T=%.17g" % T, "--set", "state.mu=%.17g" % (-0.02 * T),
           "--set", "grid.L=%.17g" % L, "--set", "grid.N=%d" % N,
           "--set", "collision.coefficients=" + coefficients]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError("%s\n%s" % (" ".join(cmd), p.stderr))
    r = parse(p.stdout)
    r.update(T=T, eps=eps, hscale=hscale, L=L, N=N)
    return r


def arrhenius(rows, tmax):
    """Fits on T <= tmax: (E, c) of ln g = c - E/T, and (E, p, c) of ln g = c + p ln T - E/T."""
    T = np.array([r["T_ref"] for r in rows if r["T"] <= tmax])
    g = np.array([r["gamma"] for r in rows if r["T"] <= tmax])
    b = 1.0 / T
    e1 = -np.polyfit(b, np.log(g), 1)[0]
    A = np.vstack([np.ones_like(b), np.log(T), -b]).T
    c, p, e2 = np.linalg.lstsq(A, np.log(g), rcond=None)[0]
    return e1, e2, p


def local_slopes(rows, x, key="gamma"):
    """(T_mid, -d ln rows[key] / d x) between neighbouring temperatures."""
    out = []
    for a, b in zip(rows[:-1], rows[1:]):
        with np.errstate(invalid="ignore", divide="ignore"):
            out.append((0.5 * (a["T"] + b["T"]),
                        -(np.log(b[key]) - np.log(a[key])) / (x(b) - x(a))))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ghdk")
    ap.add_argument("outdir")
    ap.add_argument("--coefficients", default="golden_rule")
    ap.add_argument("--temps", default=None)
    ap.add_argument("--no-checks", action="store_true")
    a = ap.parse_args()
    temps = [float(t) for t in a.temps.split(",")] if a.temps else TEMPS
    os.makedirs(a.outdir, exist_ok=True)
    rows, checks = [], []
    for T in temps:
        r = run(a.ghdk, T, a.coefficients)
        rows.append(r)
        print("T = %-6g T_ref = %.6g L = %.4g N = %d gamma = %.6e (weight %.3f, edge %.2f) "
              "bulk %.6e smallest %.6e quantiles 1/10/50%% %.4e %.4e %.4e mean %.4e "
              "Gamma(h0,h1,h2) %.6e [%s steps, fd %.1e, asym %.1e]"
              % (T, r["T_ref"], r["L"], r["N"], r["gamma"], r["gamma_weight"], r["gamma_edge"],
                 r["bulk"], r["smallest"], r["q01"], r["q10"], r["q50"], r["mean"],
                 r["boltzmann"], r["step"], r["fd_error"], r["asymmetry"]), flush=True)
        if not a.no_checks and T in CHECK_TEMPS:
            for eps, hs in ((1e-10, 1.0), (1e-12, 1.0), (EPS, 1.5), (EPS, 2.0 / 3.0)):
                try:
                    v = run(a.ghdk, T, a.coefficients, eps, hs)
                except RuntimeError as e:
                    print("   eps %g h x %.3g: failed (%s)" % (eps, hs, str(e).splitlines()[-1]))
                    continue
                checks.append(v)
                print("   eps %g h x %.3g: L = %.4g N = %d gamma = %.6e (rel. %+.1e) weight %.3f "
                      "bulk %.6e quantiles %.4e %.4e %.4e mean %.4e smallest %.4e"
                      % (eps, hs, v["L"], v["N"], v["gamma"], v["gamma"] / r["gamma"] - 1,
                         v["gamma_weight"], v["bulk"], v["q01"], v["q10"], v["q50"], v["mean"],
                         v["smallest"]), flush=True)
    name = os.path.join(a.outdir, "phi6_gamma_scan_" + a.coefficients)
    keys = ["T", "T_ref", "eps", "hscale", "L", "N", "gamma", "gamma_weight", "gamma_edge", "bulk",
            "bulk_weight", "smallest", "smallest_even", "q01", "q10", "q50", "mean", "boltzmann",
            "step", "fd_error", "asymmetry"]
    with open(name + ".csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=keys, extrasaction="ignore")
        w.writeheader()
        for r in rows + checks:
            w.writerow(r)
    low = [r for r in rows if r["T"] <= 0.2]
    if len(low) >= 3:
        e1, e2, p = arrhenius(rows, 0.2)
        print("Arrhenius fit on T <= 0.2: E = %.4f (ln g = c - E/T); with a prefactor T^p: "
              "E = %.4f, p = %.3f" % (e1, e2, p))
    for t, e in local_slopes(rows, lambda r: 1.0 / r["T_ref"]):
        if t <= 1.0:
            print("local activation -dln g/d(1/T) at T ~ %.3g: %.4f" % (t, e))
    keys = ("gamma", "bulk", "q50", "mean", "boltzmann")
    slopes = {k: local_slopes(rows, lambda r: math.log(r["T_ref"]), k) for k in keys}
    print("local exponents -dln(rate)/dln T of: " + ", ".join(keys))
    for i, (t, _) in enumerate(slopes["gamma"]):
        if t >= 0.5:
            print("  T ~ %-6.3g %s" % (t, " ".join("%8.4f" % slopes[k][i][1] for k in keys)))

    fig, ax = plt.subplots(1, 2, figsize=(11, 4.2))
    Tr = np.array([r["T_ref"] for r in rows])
    g = np.array([r["gamma"] for r in rows])
    gb = np.array([r["boltzmann"] for r in rows])
    m = Tr <= 1.0
    ax[0].semilogy(1 / Tr[m], g[m], "o-", label="gamma (slowest weighted mode)")
    ax[0].semilogy(1 / Tr[m], gb[m], "s:", ms=4, label="Gamma = B C^-1 on (h0, h1, h2)")
    if len(low) >= 3:
        bb = np.linspace(1 / 0.2, max(1 / Tr), 10)
        T0 = np.array([r["T_ref"] for r in low])
        c0 = np.polyfit(1 / T0, np.log([r["gamma"] for r in low]), 1)
        ax[0].semilogy(bb, np.exp(np.polyval(c0, bb)), "k--",
                       label="fit T <= 0.2: E = %.3f" % e1)
    for v in checks:
        if v["T"] <= 1.0:
            ax[0].semilogy(1 / v["T_ref"], v["gamma"], "x", color="C3")
    ax[0].set_xlabel("1/T (m = 1)")
    ax[0].set_ylabel("gamma (1/tbar)")
    ax[0].set_title("low T: Arrhenius (%s)" % a.coefficients)
    ax[0].legend(fontsize=8)
    m = Tr >= 0.5
    ax[1].loglog(Tr[m], g[m], "o-", label="gamma (slowest weighted mode)")
    for k, st, lab in (("bulk", "v--", "slowest bulk mode"),
                       ("q50", "^-.", "median of the weighted spectrum"),
                       ("mean", "d-", "weighted mean rate")):
        ax[1].loglog(Tr[m], np.array([r[k] for r in rows])[m], st, ms=4, label=lab)
    ax[1].loglog(Tr[m], gb[m], "s:", ms=4, label="Gamma on (h0, h1, h2)")
    for v in checks:
        if v["T"] >= 0.5:
            ax[1].loglog(v["T_ref"], v["gamma"], "x", color="C3")
    ax[1].set_xlabel("T")
    ax[1].set_ylabel("gamma (1/tbar)")
    ax[1].set_title("high T (x: other windows and spacings)")
    ax[1].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(name + ".png", dpi=120)
    print("wrote %s.csv and %s.png" % (name, name))


if __name__ == "__main__":
    sys.exit(main())
