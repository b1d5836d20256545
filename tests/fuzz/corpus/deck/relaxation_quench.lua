-- SPDX-License-Identifier: BSD-3-Clause
-- Relaxation-time closure (physics.md 4.3; Lopez-Piqueres, Ware, Gopalakrishnan, Vasseur, PRB
-- 103, L060302 (2021)): a Lieb-Liniger gas (c = 1) prepared in a GGE with a theta^4 term relaxes
-- toward the thermal state with the same particle, momentum and energy densities at rate 1/tau.
return {
  kind = "homogeneous",
  model = { name = "lieb_liniger", c = 1.0 },
  grid = { L = 8.0, N = 256 },
  state = { type = "gge", beta = { [0] = -0.5, [1] = 0.2, [2] = 0.3, [4] = 0.05 } },
  collision = { kernel = "relaxation", tau = 1.0 },
  time = { t_end = 20.0, n_out = 40 },
  output = { charges = { 0, 1, 2, 3, 4 }, fit_betas = true },
}
