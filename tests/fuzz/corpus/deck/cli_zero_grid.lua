-- SPDX-License-Identifier: BSD-3-Clause
-- Bad deck: a rapidity grid of zero nodes, out of the range 2 <= N <= 1048576.
return {
  model = { name = "lieb_liniger" },
  grid = { N = 0 },
  state = { type = "thermal", T = 1.0 },
}
