-- SPDX-License-Identifier: BSD-3-Clause
-- Free massive boson (m = 1) in the GGE beta_2 = beta_6 = 0.5, beta_4 = 0.1 (charges
-- h_2k = cosh(k theta)): the initial state of the phi^6 quench of Durnin, Bhaseen, Doyon,
-- PRL 127, 130601 (2021), Fig. 1. One homogeneous cell.
return {
  model = { name = "free_boson", mass = 1.0 },
  grid = { L = 6.0, N = 512 },
  state = { type = "gge", beta = { [2] = 0.5, [4] = 0.1, [6] = 0.5 } },
  output = { charges = { 0, 1, 2, 3, 4, 5, 6 }, fit_betas = true },
}
