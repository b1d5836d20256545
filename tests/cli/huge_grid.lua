-- SPDX-License-Identifier: BSD-3-Clause
-- Every size within its key's range, but the state would be 10^12 values (8 TB per field):
-- refused before anything is allocated.
return {
  kind = "ghd",
  model = { name = "lieb_liniger" },
  grid = { N = 1048576 },
  space = { nx = 1000000 },
  state = { T = 1 },
}
