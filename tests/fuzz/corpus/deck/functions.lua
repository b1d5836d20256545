-- Deck code the sandbox allows: loops, closures, pcall, string and table functions.
local t = {}
for i = 1, 10 do t[#t + 1] = string.format("%d", i * i) end
local ok = pcall(function() error("caught") end)
local s = table.concat(t, ","):upper():rep(2)
return {
  kind = "ghd",
  model = { name = "lieb_liniger", c = math.huge },
  grid = { rule = "gauss_legendre", L = 4, N = #s % 7 + 8 },
  space = { nx = 3, boundary = "wall" },
  potential = function(x) return ok and 0.5 * x * x or x end,
  state = { type = "source", W = function(x, theta) return theta * theta - 1 + x end },
  bragg_q = 0.5,
  time = { t_end = 0.5, n_out = 2 },
  output = { charges = { 0, 2, 4 }, fit_betas = true, n = false },
}
