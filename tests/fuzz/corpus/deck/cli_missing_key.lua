-- SPDX-License-Identifier: BSD-3-Clause
-- Bad deck: the required key model.name is missing.
return {
  model = { c = 1.0 },
  grid = { N = 64 },
  state = { type = "thermal", T = 1.0 },
}
