-- SPDX-License-Identifier: BSD-3-Clause
-- Two Lieb-Liniger gases (c_a = 1, c_b = 5) coupled by lambda psi_a^dag psi_a psi_b^dag psi_b,
-- homogeneous quench: SM Fig. 4 of Durnin, Bhaseen, Doyon, PRL 127, 130601 (2021). Gas a starts
-- in the GGE beta_0 = beta_2 = beta_4 = beta_6 = beta_8 = 1/10, gas b in the thermal state
-- beta_0 = 1/10, beta_2 = 13/10 (charges theta^i), both full TBA states. The collision term
-- (SM (13), lowest order in density) exchanges momenta between the species and relaxes
-- rho_a to x (rho_a + rho_b), x = N_a/(N_a + N_b).
return {
  kind = "homogeneous",
  model = { name = "lieb_liniger", c = { 1.0, 5.0 } },
  grid = { L = 10.0, N = 256 },
  state = {
    { type = "gge", beta = { [0] = 0.1, [2] = 0.1, [4] = 0.1, [6] = 0.1, [8] = 0.1 } },
    { type = "gge", beta = { [0] = 0.1, [2] = 1.3 } },
  },
  collision = { kernel = "coupled_ll" },
  time = { t_end = 2.0, n_out = 100, spacing = "linear", rtol = 1e-9 },
  output = { charges = { 0, 1, 2, 4 } },
}
