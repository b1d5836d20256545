-- SPDX-License-Identifier: BSD-3-Clause
-- Two Lieb-Liniger gases (c_a = 1, c_b = 5) as in the SM Fig. 4 of Durnin, Bhaseen, Doyon,
-- PRL 127, 130601 (2021): gas a a GGE with beta_0 = beta_2 = beta_4 = beta_6 = beta_8 = 1/10
-- (charges theta^i), gas b thermal with beta_0 = 1/10, beta_2 = 13/10, both full TBA states.
return {
  model = { name = "lieb_liniger", c = { 1.0, 5.0 } },
  grid = { L = 10.0, N = 512 },
  state = {
    { type = "gge", beta = { [0] = 0.1, [2] = 0.1, [4] = 0.1, [6] = 0.1, [8] = 0.1 } },
    { type = "gge", beta = { [0] = 0.1, [2] = 1.3 } },
  },
  output = { charges = { 0, 1, 2, 4 } },
}
