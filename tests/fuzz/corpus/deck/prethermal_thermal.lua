-- SPDX-License-Identifier: BSD-3-Clause
-- Pre-thermalisation of the free boson (m = 1) after a phi^4 quench from the thermal state at
-- beta = 5 (SM Figs. 1 (inset) and 2 of Durnin, Bhaseen, Doyon, PRL 127, 130601 (2021);
-- physics.md 6): q0(t) and q2(t) at order lambda^2, oscillating inside an envelope that decays
-- as a power of t.
return {
  kind = "prethermal",
  model = { name = "free_boson" },
  grid = { L = 8.0, N = 256 },
  state = { type = "thermal", T = 0.2 },
  prethermal = { coefficients = "golden_rule", lambda = 1.0 },
  time = { t_end = 60.0, n_out = 600 },
  output = { charges = { 0, 1, 2 } },
}
