-- SPDX-License-Identifier: BSD-3-Clause
-- Quantum Newton's cradle (Kinoshita, Wenger, Weiss, Nature 440, 900 (2006); GHD: Caux, Doyon,
-- Dubail, Konik, Yoshimura, SciPost Phys. 6, 070 (2019); physics.md 7) with weak integrability
-- breaking: two Lieb-Liniger gases (c_a = 1, c_b = 5) in the trap V(x) = x^2 (omega = 2,
-- period pi), each in its thermal LDA state (T = 0.5, mu = 1.5), split by a Bragg pulse
-- rho_p(theta) -> [rho_p(theta - q) + rho_p(theta + q)]/2, q = 2, then evolved with the
-- density-density coupling of SM (12)-(13) (collision kernel coupled_ll, strength lambda^2).
-- Without collisions the two clouds oscillate and dephase; the collisions exchange momenta
-- between the species. `--set collision.kernel=relaxation --set collision.tau=2` gives the
-- relaxation-time variant (cases/newton_cradle_relaxation.lua).
return {
  kind = "ghd",
  model = { name = "lieb_liniger", c = { 1.0, 5.0 } },
  grid = { L = 5.5, N = 64, tol = 1e-10 },
  space = { nx = 64, x_min = -5.0, x_max = 5.0, boundary = "wall" },
  potential = function(x) return x^2 end,
  state = { type = "thermal", T = 0.5, mu = 1.5 },
  bragg_q = 2.0,
  collision = { kernel = "coupled_ll", strength = 0.02 },
  time = { t_end = 3 * math.pi, n_out = 60, rtol = 1e-5 },
  output = { charges = { 0, 1, 2 }, v_eff = false },
}
