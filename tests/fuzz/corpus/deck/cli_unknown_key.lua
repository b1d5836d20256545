-- SPDX-License-Identifier: BSD-3-Clause
-- Bad deck: a typo in a key name (grid.NN for grid.N) must be reported, not ignored.
return {
  model = { name = "lieb_liniger" },
  grid = { NN = 64 },
  state = { type = "thermal", T = 1.0 },
}
