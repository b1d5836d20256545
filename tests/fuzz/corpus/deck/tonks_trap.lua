-- SPDX-License-Identifier: BSD-3-Clause
-- Tonks-Girardeau gas (c = infinity) in the harmonic trap V(x) = x^2 (omega = 2 in
-- hbar = 2m = 1, period pi), started from the thermal state of the trap displaced by x0 = 1:
-- free fermions rotate rigidly in phase space (x' = 2 theta, theta' = -2 x), so the state
-- returns to itself after every period (physics.md 7). The rapidity window and the box are the
-- same square [-6, 6] so that the rotation stays inside both.
local x0, T, mu = 1.0, 0.5, 1.0
return {
  kind = "ghd",
  model = { name = "lieb_liniger", c = math.huge },
  grid = { L = 6.0, N = 96 },
  space = { nx = 96, x_min = -6.0, x_max = 6.0, boundary = "open" },
  potential = function(x) return x^2 end,
  state = {
    type = "source",
    W = function(x, theta) return (theta^2 + (x - x0)^2 - mu) / T end,
  },
  time = { t_end = math.pi, n_out = 20, rtol = 1e-7 },
  output = { charges = { 0, 1, 2 } },
}
