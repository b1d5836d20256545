-- SPDX-License-Identifier: BSD-3-Clause
-- Bad deck: a negative temperature, out of the range T > 0.
return {
  model = { name = "lieb_liniger" },
  grid = { N = 64 },
  state = { type = "thermal", T = -1.0 },
}
