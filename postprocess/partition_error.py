#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""L1 error of a bipartition run (cases/partition.lua) against the exact self-similar solution.

usage: partition_error.py RUN.nc [NREF]

The exact solution of the partitioning protocol without collisions (Castro-Alvaredo, Doyon,
Yoshimura, PRX 6, 041065 (2016); Bertini et al., PRL 117, 207201 (2016); physics.md 7) is
n(xi, theta) = n_L(theta) where v_eff(xi, theta) > xi and n_R(theta) elsewhere, xi = x/t, with
v_eff the effective velocity of that same state (a fixed point, found by iteration). Computed
here independently of the C code (numpy, dense dressing) for the Lieb-Liniger gas with the deck's
c, temperatures and mu read from the run's attributes, on NREF uniform rapidity nodes of the
run's window (default 2048, as tests/test_partition.c: a continuum reference), and compared with
the run's density q_0 at its last record at the cell centres: sum_i |q_run - q_exact| dx.
"""
import os
import sys

os.environ.setdefault("HDF5_USE_FILE_LOCKING", "FALSE")

import netCDF4  # noqa: E402
import numpy as np  # noqa: E402


class LiebLiniger:
    """Uniform midpoint grid on [-L, L], kernel T(q) = c/(pi (c^2 + q^2)) (physics.md 2.1, 3)."""

    def __init__(self, c, L, n):
        h = 2 * L / n
        self.theta = -L + (np.arange(n) + 0.5) * h
        self.w = h
        q = self.theta[:, None] - self.theta[None, :]
        self.tw = c / (np.pi * (c * c + q * q)) * h  # T(theta_k - theta_l) w_l

    def thermal(self, T, mu):
        """Yang-Yang occupation of W = (theta^2 - mu)/T: eps = W - T * ln(1 + e^-eps), by
        iteration (a contraction for Lieb-Liniger) to round-off."""
        w = (self.theta ** 2 - mu) / T
        eps = w.copy()
        for _ in range(2000):
            new = w - self.tw @ np.logaddexp(0.0, -eps)
            if np.max(np.abs(new - eps)) < 1e-15 * np.max(np.abs(eps)):
                break
            eps = new
        return 1.0 / (1.0 + np.exp(new))

    def dress(self, n):
        """(p')^dr and (E')^dr of occupation n: solve (1 - T n) h^dr = h for h = 1, 2 theta."""
        a = np.eye(len(n)) - self.tw * n[None, :]
        return np.linalg.solve(a, np.stack([np.ones_like(n), 2 * self.theta], axis=1)).T

    def partition_density(self, n_l, n_r, xi):
        """Density q_0 = int rho_p of the self-similar solution at ray xi."""
        v = 2 * self.theta  # bare velocity: the first guess
        n = None
        for _ in range(100):
            new = np.where(v > xi, n_l, n_r)
            if n is not None and np.array_equal(new, n):
                break
            n = new
            pdr, edr = self.dress(n)
            v = edr / pdr
        return self.w * np.sum(n * pdr) / (2 * np.pi)


def main(argv):
    if len(argv) not in (2, 3):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    nref = int(argv[2]) if len(argv) == 3 else 2048
    with netCDF4.Dataset(argv[1]) as ds:
        attr = {k: ds.getncattr(k) for k in ds.ncattrs()}
        x, t = ds["x"][:].data, float(ds["time"][-1])
        charges = list(ds["charge"][:])
        q = ds["q"][-1, 0, :, charges.index(0)].data
        n_theta = len(ds.dimensions["theta"])
    # The deck's locals (T_left, T_right, mu) are not attributes: read them from its text.
    env = {}
    for line in attr["case"].splitlines():
        if line.startswith("local T_left"):
            names, values = line[len("local "):].split("=")
            env = dict(zip((s.strip() for s in names.split(",")),
                           (float(s) for s in values.split(","))))
    if not env:
        raise ValueError(f"{argv[1]}: no 'local T_left, T_right, mu = ...' line in its deck")
    ll = LiebLiniger(float(attr["model.c"]), float(attr["grid.L"]), nref)
    n_l, n_r = ll.thermal(env["T_left"], env["mu"]), ll.thermal(env["T_right"], env["mu"])
    dx = (float(attr["space.x_max"]) - float(attr["space.x_min"])) / len(x)
    exact = np.array([ll.partition_density(n_l, n_r, xi) for xi in x / t])
    err = np.sum(np.abs(q - exact)) * dx
    print(f"nx = {len(x)}, N_theta = {n_theta}, t = {t:g}: L1 error of the density "
          f"{err:.4e} (reference: {nref} nodes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
