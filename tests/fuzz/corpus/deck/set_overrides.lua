--set grid.N=16
--set space.nx=4
--set state.T=0.5
-- SPDX-License-Identifier: BSD-3-Clause
-- Partitioning protocol (Castro-Alvaredo, Doyon, Yoshimura, PRX 6, 041065 (2016); Bertini,
-- Collura, De Nardis, Fagotti, PRL 117, 207201 (2016)): a Lieb-Liniger gas (c = 1) thermal at
-- T = 2, mu = 1 for x < 0 and at T = 1, mu = 1 for x > 0, joined at t = 0, evolved without
-- collisions to t = 1 with open boundaries. The exact solution is self-similar in x/t.
local T_left, T_right, mu = 2.0, 1.0, 1.0
return {
  kind = "ghd",
  model = { name = "lieb_liniger", c = 1.0 },
  grid = { L = 9.0, N = 128 },
  space = { nx = 200, x_min = -10.0, x_max = 10.0, boundary = "open" },
  state = {
    type = "source",
    W = function(x, theta)
      local T = x < 0 and T_left or T_right
      return (theta^2 - mu) / T
    end,
  },
  time = { t_end = 1.0, n_out = 10, rtol = 1e-6 },
  output = { charges = { 0, 1, 2 } },
}
