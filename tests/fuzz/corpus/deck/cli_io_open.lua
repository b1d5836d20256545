-- SPDX-License-Identifier: BSD-3-Clause
-- Bad deck: decks are sandboxed, so io.open does not exist; the deck must fail on line 4
-- without opening the file.
local f = io.open("/etc/hostname")
return {
  model = { name = "lieb_liniger" },
  state = { type = "thermal", T = 1.0 },
}
