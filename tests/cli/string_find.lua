-- SPDX-License-Identifier: BSD-3-Clause
-- Bad deck: a backtracking pattern that ran for minutes inside one C call, where the instruction
-- budget cannot stop it; the sandbox has no pattern matchers.
local s = string.rep("a", 3000)
local found = s:find(string.rep("a-", 12) .. "b")
return { model = { name = "lieb_liniger" }, state = { T = 1 } }
