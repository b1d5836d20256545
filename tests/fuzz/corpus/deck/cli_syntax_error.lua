-- SPDX-License-Identifier: BSD-3-Clause
-- Bad deck: a Lua syntax error (doubled comma on line 5); the message must give deck and line.
return {
  model = { name = "lieb_liniger" },
  grid = { L = 8.0,, N = 64 },
  state = { type = "thermal", T = 1.0 },
}
