-- SPDX-License-Identifier: BSD-3-Clause
-- Kohn mode: a Lieb-Liniger gas (c = 1) at temperature T = 0.5 in the harmonic trap
-- V(x) = x^2 (omega = 2 in hbar = 2m = 1), started as the thermal LDA state of the same trap
-- displaced by x0 = 1. For any c and T, with or without a collision term conserving N, P and E,
-- the centre of mass oscillates at exactly omega (physics.md 7). `--set collision.kernel=relaxation`
-- --set collision.tau=0.5 adds relaxation-time collisions.
local x0, T, mu = 1.0, 0.5, 1.0
return {
  kind = "ghd",
  model = { name = "lieb_liniger", c = 1.0 },
  grid = { L = 6.0, N = 96, tol = 1e-11 },
  space = { nx = 96, x_min = -6.0, x_max = 6.0, boundary = "open" },
  potential = function(x) return x^2 end,
  state = { type = "source", W = function(x, theta) return (theta^2 + (x - x0)^2 - mu) / T end },
  collision = { kernel = "none" },
  time = { t_end = 2 * math.pi, n_out = 64, rtol = 1e-7 },
  output = { charges = { 0, 1, 2 }, n = false, v_eff = false },
}
