-- SPDX-License-Identifier: BSD-3-Clause
-- Lieb-Liniger gas (c = 1, hbar = 2m = 1) at temperature T = 1 in the harmonic trap
-- V(x) = (omega^2/4) x^2, omega = 1, in the local density approximation mu(x) = mu0 - V(x):
-- the initial state of the quantum Newton's cradle (Kinoshita, Wenger, Weiss, Nature 440, 900
-- (2006); GHD of the set-up: Caux, Doyon, Dubail, Konik, Yoshimura, SciPost Phys. 6, 070
-- (2019)). Writes rho_p(x, theta), n, v_eff, the charges, the entropy and fitted beta_i.
local omega = 1.0
return {
  kind = "state",
  model = { name = "lieb_liniger", c = 1.0 },
  grid = { rule = "uniform", L = 9.0, N = 256 },
  space = { nx = 120, x_min = -6.0, x_max = 6.0 },
  potential = function(x) return omega^2 / 4 * x^2 end,
  state = { type = "thermal", T = 1.0, mu = 2.0 },
  output = { charges = { 0, 1, 2 }, fit_betas = true },
}
