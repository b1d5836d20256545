#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Homogeneous quenches through the real binary (`ghdk run`, kind = "homogeneous") at reduced
resolution, read back with netCDF4 and checked against the physics of the kernel.

usage: check_quench.py GHDK SOURCE_DIR coupled_ll|relaxation

coupled_ll (cases/coupled_ll.lua, physics.md 4.2): N_a, N_b, total P and E constant; rho_a + rho_b
constant node by node; rho_a -> x (rho_a + rho_b); the classical H-function never decreases;
late-time rates of the charge deviation and of the H-function deficit. relaxation
(cases/relaxation_quench.lua, physics.md 4.3): N, P, E constant; Yang-Yang entropy never
decreases; charges relax at 1/tau and the entropy deficit at 2/tau; beta_3, beta_4 -> 0.
The analysis functions (entropies, fixed point, rate fits) are postprocess/quench.py's.
"""
import os
import subprocess
import sys
import tempfile

import numpy as np

from checks import check, finish

ghdk, source, case = sys.argv[1], sys.argv[2], sys.argv[3]
sys.path.insert(0, os.path.join(source, "postprocess"))
import quench  # noqa: E402




# Reduced resolution, tightened tolerances (the rates need deviations resolved down to 1e-9 of
# the charges). coupled_ll: window L = 8 instead of 10 (the state's tails beyond |theta| = 8 are
# below e^-80 of the peak; the fitted rates agree with L = 10 and 14 to 1e-3, docs/validation.md);
# output every 0.01 in tbar so the fits have many points. relaxation: tau = 0.7 instead of 1,
# so that a kernel ignoring tau would fail; 20 tau.
RUNS = {
    "coupled_ll": ("coupled_ll.lua", ["grid.N=96", "grid.L=8", "time.rtol=1e-11",
                                      "time.atol=1e-14", "time.t_end=1.1", "time.n_out=110"]),
    "relaxation": ("relaxation_quench.lua", ["grid.N=64", "collision.tau=0.7", "time.t_end=14",
                                             "time.n_out=56", "time.rtol=1e-10",
                                             "time.atol=1e-13"]),
}
TAU = 0.7

# Conservation: BDF preserves linear invariants of a right-hand side that conserves them exactly,
# up to round-off in each step and the part of each Newton correction that the difference-
# quotient Jacobian (whose columns conserve only to about sqrt(eps)) leaves unconverged.
# Measured: 1e-15..2e-12 over a few hundred steps at rtol 1e-9..1e-12; bound 1e-10, relative
# to sum_a int |rho_p h| at t = 0, as the issue asks, with two orders of margin.
DRIFT_TOL = 1e-10
# Entropies are sums of N_theta terms of size up to sum |rho ln rho|: round-off about
# N_theta eps of that, bounded by 1e-13 relative (the allowance).
ENTROPY_TOL = 1e-13


def run(deck, sets, out):
    cmd = [ghdk, "run", os.path.join(source, "cases", deck), "-o", out, "--quiet"]
    for s in sets:
        cmd += ["--set", s]
    res = subprocess.run(cmd, capture_output=True, text=True)
    check("ghdk run %s exits 0 %s" % (" ".join(sets), res.stderr.strip()), res.returncode == 0)
    return res.returncode == 0


def check_conservation(r, invariants):
    """invariants: (label, species list, charge index); total_q summed over those species."""
    k = list(r["charges"])
    worst = 0.0
    for label, species, i in invariants:
        tq = r["total_q"][:, species, k.index(i)].sum(axis=1)
        h = np.abs(r["theta"] ** i)
        scale = sum(np.dot(r["w"], r["rho"][0, a] * h) for a in species) * r["dx"]
        drift = np.max(np.abs(tq - tq[0])) / scale
        worst = max(worst, drift)
        check("%s constant over the run: drift %.1e of sum |rho_p h| (bound %.0e)"
              % (label, drift, DRIFT_TOL), drift < DRIFT_TOL)
    cd = r["attrs"]["conservation_drift"]
    check("conservation_drift attribute %.1e < %.0e (largest measured here %.1e)"
          % (cd, DRIFT_TOL, worst), cd < DRIFT_TOL)


def window(t, a, b):
    return int(np.searchsorted(t, a - 1e-9)), int(np.searchsorted(t, b + 1e-9))


def coupled_ll(r):
    t, w = r["t"], r["w"]
    check_conservation(r, [("N_a", [0], 0), ("N_b", [1], 0), ("P (q_1 summed over species)",
                                                               [0, 1], 1),
                           ("E (q_2 summed over species)", [0, 1], 2)])
    # The kernel moves momentum between species at equal rapidity only, and its discretisation
    # writes d rho_b = -d rho_a node by node: R changes by round-off only (measured 1e-15).
    big_r = r["rho"].sum(axis=1)
    dr = np.max(np.abs(big_r - big_r[0])) / big_r[0].max()
    check("rho_a + rho_b constant node by node: %.1e of max R (bound 1e-12)" % dr, dr < 1e-12)

    d = quench.deviations(r)
    rho_eq, x = d["rho_eq"], d["x"]
    l1 = np.einsum("j,tj->t", w, np.abs(r["rho"][:, 0] - rho_eq[0]))
    # The approach is exponential-like at rate ~15 (docs/validation.md): by tbar = 1.1 the
    # deviation has fallen by about e^-17; 1e-6 leaves room for the integrator's floor.
    fall = l1[-1] / l1[0]
    check("rho_a -> x (rho_a + rho_b), x = N_a/(N_a + N_b) = %.6f: L1 deviation %.2e -> %.2e "
          "(falls by %.1e < 1e-6)" % (x, l1[0], l1[-1], fall), fall < 1e-6)

    s_cl = quench.classical_entropy(r)
    ds = np.diff(s_cl)
    scale = np.einsum("j,aj->", w, np.abs(r["rho"][0] * np.log(np.where(r["rho"][0] > 0,
                                                                          r["rho"][0], 1.0))))
    check("classical entropy -sum int rho ln rho never decreases: min step %.1e, bound -%.0e "
          "of sum |rho ln rho|" % (ds.min(), ENTROPY_TOL), ds.min() >= -ENTROPY_TOL * scale)

    # Yang-Yang entropy: not an H-function of this kernel (the states are not dilute), so it is
    # measured, not asserted monotone. The tool's own Yang-Yang evaluation must reproduce the
    # solver's (it supplies S_YY of the fixed point xR, which the run never writes).
    s_yy = r["s_yy"].sum(axis=1)
    err = np.max(np.abs(quench.yang_yang_entropy(r, r["rho"][0]) - r["s_yy"][0]))
    check("quench.py's Yang-Yang entropy of the t = 0 state equals the solver's (%.1e < 1e-12)"
          % err, err < 1e-12)
    imax = int(np.argmax(s_yy))
    print("info Yang-Yang entropy: S(0) = %.10f, largest %.10f at tbar = %.3g, then falls by "
          "%.2e to %.10f; S_YY(xR) = %.10f; smallest step %.2e"
          % (s_yy[0], s_yy[imax], t[imax], s_yy[imax] - s_yy[-1], s_yy[-1],
             d["s_yy_eq"].sum(), np.diff(s_yy).min()))

    # Late-time rates on two fixed windows (docs/validation.md: converged values from N = 1024,
    # L = 10, rtol 1e-12; N = 64..1024 and L = 8..14 agree to 3e-3 in every ratio).
    lab = d["labels"]
    dq4 = d["dq"][lab.index((0, 4))]
    g = {}
    for name, (a, b) in (("early", (0.2, 0.5)), ("late", (0.8, 1.1))):
        i0, i1 = window(t, a, b)
        g[name] = [quench.fit_rate(t, y, i0, i1)[0] for y in (dq4, l1, d["d_cl"], d["d_yy"])]
        gq, gl, gd, gy = g[name]
        print("info window %.1f <= tbar <= %.1f: gamma(delta q_4 of a) = %.4f, gamma(L1) = %.4f, "
              "gamma(H deficit) = %.4f, gamma(|S_YY - S_YY(xR)|) = %.4f; H/q_4 = %.4f, "
              "H/L1 = %.4f" % (a, b, gq, gl, gd, gy, gd / gq, gd / gl))
    ratio_e, ratio_l = g["early"][2] / g["early"][0], g["late"][2] / g["late"][0]
    # The paper's factor two holds at the onset of the linear regime (converged 1.977) ...
    check("entropy/charge rate ratio on 0.2..0.5 = %.4f in [1.90, 2.05] (converged 1.977)"
          % ratio_e, 1.90 <= ratio_e <= 2.05)
    # ... but the spectrum is gapless (physics.md 4.2): the local rates drift down and the ratio
    # with them, by far more than the resolution error.
    check("entropy/charge rate ratio on 0.8..1.1 = %.4f in [1.80, 1.92] (converged 1.862), "
          "below 2" % ratio_l, 1.80 <= ratio_l <= 1.92)
    drift = g["late"][0] / g["early"][0]
    check("not one exponential: gamma(delta q_4) late/early = %.4f < 0.92 (converged 0.880)"
          % drift, drift < 0.92)
    # S_YY - S_YY(xR) is first order in rho - xR (xR does not maximise S_YY under this kernel's
    # invariants), so it relaxes at the charge rate, not at twice it.
    ry = g["late"][3] / g["late"][0]
    check("Yang-Yang entropy relaxes at the charge rate (first order): ratio %.3f in "
          "[0.8, 1.25]" % ry, 0.8 <= ry <= 1.25)


def relaxation(r):
    t = r["t"]
    check_conservation(r, [("N", [0], 0), ("P", [0], 1), ("E", [0], 2)])
    s_yy = r["s_yy"].sum(axis=1)
    ds = np.diff(s_yy)
    check("Yang-Yang entropy never decreases: min step %.1e, bound -%.0e of S"
          % (ds.min(), ENTROPY_TOL), ds.min() >= -ENTROPY_TOL * abs(s_yy).max())

    # The kernel is linear about a fixed target (the invariants do not move), so every charge
    # deviation is exactly A exp(-t/tau); the entropy deficit is quadratic in it up to
    # O(deviation^3). Fit on the late window picked by quench.deviations (linear regime, above
    # the integrator's floor, clear of the last record that serves as the reference).
    d = quench.deviations(r)
    i0, i1 = d["i0"], d["i1"]
    lab = d["labels"]
    for i in (3, 4):
        g = quench.fit_rate(t, d["dq"][lab.index((0, i))], i0, i1)[0]
        err = abs(g * TAU - 1)
        check("delta q_%d decays at %.6f on %.3g <= tbar <= %.3g: 1/tau = %.6f, error %.1e "
              "(1 %%)" % (i, g, t[i0], t[i1 - 1], 1 / TAU, err), err < 0.01)
    g = quench.fit_rate(t, d["d_yy"], i0, i1)[0]
    err = abs(g * TAU / 2 - 1)
    # A few per cent: the cubic correction is e^-t/tau relative, 1 % at the window start.
    check("entropy deficit decays at %.6f: 2/tau = %.6f, error %.1e (3 %%)"
          % (g, 2 / TAU, err), err < 0.03)

    b = r["beta"][:, 0]
    k = list(r["charges"])
    b2 = b[-1, k.index(2)]
    hi = max(abs(b[-1, k.index(3)]), abs(b[-1, k.index(4)])) / b2
    # The target is a boosted thermal state (beta_0, beta_1, beta_2 only) and the fit is exact
    # for a GGE in its basis; after 20 tau the deviation is e^-20 ~ 2e-9 of the initial beta_4.
    check("beta_i -> thermal: |beta_3|, |beta_4| at the end %.1e of beta_2 = %.4f (< 1e-6)"
          % (hi, b2), hi < 1e-6 and b2 > 0)
    print("info fitted beta at tbar = 0: %s; at the end: %s"
          % (np.array2string(b[0], precision=5), np.array2string(b[-1], precision=5)))


deck, sets = RUNS[case]
with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, case + ".nc")
    if run(deck, sets, out):
        r = quench.load(out)
        r["dx"] = float(r["attrs"]["space.x_max"] - r["attrs"]["space.x_min"])
        (coupled_ll if case == "coupled_ll" else relaxation)(r)
finish()
