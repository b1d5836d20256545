-- SPDX-License-Identifier: BSD-3-Clause
-- The phi^6 quench of Durnin, Bhaseen, Doyon, PRL 127, 130601 (2021), Figs. 1-2: the free boson
-- (m = 1) prepared in the GGE beta_2 = beta_6 = 0.5, beta_4 = 0.1 (charges cosh(k theta)),
-- evolved in tbar = lambda^2 t under the phi^6 collision term (SM (11); physics.md 4.1). n(theta)
-- relaxes to the thermal state with the same energy (2<->4 processes do not conserve particle
-- number); the late-time approach is exponential, entropy at twice the charge rate (Fig. 2).
-- Output instants are geometric in tbar; `ghdk rates` on this deck gives the gap directly.
-- BDF with GMRES rather than the dense direct solve: the same rates and cost, and momentum and
-- energy conserved to round-off (1e-15); the dense solve lost up to 3.5e-8 of them in the
-- initial transient, while the collisions fill the GGE's empty tails (docs/validation.md).
return {
  kind = "homogeneous",
  model = { name = "free_boson" },
  grid = { L = 5.0, N = 64 },
  state = { type = "gge", beta = { [2] = 0.5, [4] = 0.1, [6] = 0.5 } },
  collision = { kernel = "phi6", coefficients = "golden_rule" },
  time = { t_end = 4e8, n_out = 80, spacing = "log", t_first = 1e4, rtol = 1e-8,
           linear_solver = "gmres" },
  output = { charges = { 0, 1, 2, 3, 4, 5, 6 }, fit_betas = true },
}
