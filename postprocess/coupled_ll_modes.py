#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Local relaxation rates of the coupled_ll quench beyond what time stepping can resolve.

usage: coupled_ll_modes.py OUT.nc [TBAR ...]

At fixed R = rho_a + rho_b (conserved node by node) the discretised SM (13) is exactly linear in
u = rho_a/R - x: du_j/dtbar = sum_l w_l K(theta_j - theta_l) R_l (u_l - u_j), a generator that is
symmetric in the inner product sum_j w_j R_j u_j v_j. Diagonalising it gives u(tbar) in closed
form, so the H-function deficit D = sum c_k^2 e^{-2 lambda_k tbar}/(2 x (1 - x)) (to second order;
a sum of positive terms, free of cancellation) and delta q_4 of species a can be followed to
tbar where they are far below double precision relative to the charges. Prints the spectral
weight of the initial state by rate band, a check against the run's own records, and the local
rates -d ln|delta q_4|/dtbar, -d ln D/dtbar and their ratio at the requested tbar. Reads only the
first record (and, for the check, one later record) of a `ghdk run cases/coupled_ll.lua` file.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numpy as np  # noqa: E402
import quench  # noqa: E402


def phase_factor(x):
    """(phi/2)/sin(phi/2) at phi = 2 arctan(x): arctan(x) sqrt(1 + x^2)/x, 1 at x = 0."""
    xs = np.where(x == 0, 1.0, x)
    return np.where(x == 0, 1.0, np.arctan(xs) * np.sqrt(1 + xs * xs) / xs)


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    times = [float(s) for s in argv[2:]] or [0.3, 0.5, 1, 2, 3, 5]
    r = quench.load(argv[1])
    th, w = r["theta"], r["w"]
    ca, cb = r["c"]
    q = th[:, None] - th[None, :]
    with np.errstate(divide="ignore"):
        k = 4 * np.pi ** 2 / np.abs(q) * phase_factor(q / ca) ** 2 * phase_factor(q / cb) ** 2
    np.fill_diagonal(k, 0.0)  # the solver's rule: the integrand's jump at h = p, averaged
    rho_eq, x = quench.coupled_ll_equilibrium(r)
    big_r = rho_eq.sum(axis=0)
    m = w * big_r
    sq = np.sqrt(m)
    gen = sq[:, None] * k * sq[None, :] - np.diag(k @ m)
    lam, vec = np.linalg.eigh(-gen)
    # The zero mode (u = const) carries no weight: N_a is fixed. Dropping it keeps its
    # round-off coefficient from dominating at late times.
    lam, vec = lam[1:], vec[:, 1:]
    u0 = np.where(big_r > 0, (r["rho"][0, 0] - rho_eq[0]) / np.where(big_r > 0, big_r, 1), 0)
    c = vec.T @ (sq * u0)
    h4 = vec.T @ (sq * th ** 4)
    print(f"{argv[1]}: N = {len(th)}, window |theta| <= {th[-1] + (th[1] - th[0]) / 2:g}, "
          f"x = {x:.6f}; smallest nonzero rate {lam[0]:.4f} (the window edge: "
          "weight below round-off)")
    wt = c ** 2 / np.sum(c ** 2)
    edges = [0, 5, 10, 15, 20, 30, 50, np.inf]
    print("spectral weight of the initial deviation (sum w R u^2) by rate band:")
    for lo, hi in zip(edges[:-1], edges[1:]):
        sel = (lam >= lo) & (lam < hi)
        print(f"  [{lo:g}, {hi:g}): {sel.sum():4d} modes, weight {wt[sel].sum():.3e}")

    def dq4(s):
        return np.sum(c * h4 * np.exp(-lam * s))

    def d_lin(s):
        return np.sum(c * c * np.exp(-2 * lam * s)) / (2 * x * (1 - x))

    i = len(r["t"]) // 2
    d = quench.deviations(r)
    print(f"check at tbar = {r['t'][i]:.4g}: delta q_4 {dq4(r['t'][i]):.6e} (run "
          f"{d['dq'][d['labels'].index((0, 4))][i]:.6e}), D {d_lin(r['t'][i]):.6e} "
          f"(run {d['d_cl'][i]:.6e}, includes the cubic term)")
    print("   tbar   rate(dq4)   rate(D)   ratio")
    eps = 1e-4
    for s in times:
        rq = -(np.log(abs(dq4(s + eps))) - np.log(abs(dq4(s - eps)))) / (2 * eps)
        rd = -(np.log(d_lin(s + eps)) - np.log(d_lin(s - eps))) / (2 * eps)
        print(f"  {s:5g}  {rq:9.4f}  {rd:9.4f}  {rd / rq:6.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
