-- SPDX-License-Identifier: BSD-3-Clause
-- Pre-thermalisation after the quench of the free massive boson (m = 1) from the vacuum to
-- H0 + (lambda/4!) int phi^4, at order lambda^2 (SM Eq. (10) and SM Fig. 1 of Durnin, Bhaseen,
-- Doyon, PRL 127, 130601 (2021); physics.md 6): q0 (particle density) and q2 (energy density
-- charge cosh theta) rise, then oscillate inside a decaying envelope toward a plateau.
return {
  kind = "prethermal",
  model = { name = "free_boson" },
  grid = { L = 8.0, N = 256 },
  state = { type = "vacuum" },
  prethermal = { coefficients = "golden_rule", lambda = 1.0 },
  time = { t_end = 60.0, n_out = 600 },
  output = { charges = { 0, 1, 2 } },
}
