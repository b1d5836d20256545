-- SPDX-License-Identifier: BSD-3-Clause
-- A thermal gas for x < 0 against an almost empty right half (n = e^-700), with an absolute
-- tolerance so small (1e-30 of the largest rho_p) that any negative density the BDF predictor
-- or its Newton iterates put in the vacuum tail is an invalid state: CVODE retries with smaller
-- steps and gives up near t = 1e-5 (with the dense Jacobian; GMRES gets through). The reproducer
-- of tests/cli/check_failure.py.
return {
  kind = "ghd",
  model = { name = "lieb_liniger", c = 1.0 },
  grid = { L = 6.0, N = 12 },
  space = { nx = 12, x_min = -5.0, x_max = 5.0, boundary = "open" },
  state = {
    type = "source",
    W = function(x, theta) return x < 0 and (theta^2 - 1) / 2 or 700 end,
  },
  time = { t_end = 1.0, n_out = 10, rtol = 1e-4, atol = 1e-30, method = "bdf",
           linear_solver = "dense" },
}
