-- SPDX-License-Identifier: BSD-3-Clause
-- Bad deck: decks are sandboxed, so os.execute does not exist; the deck must fail on line 4
-- without running the command.
os.execute("touch ghdk_sandbox_escaped")
return {
  model = { name = "lieb_liniger" },
  state = { type = "thermal", T = 1.0 },
}
