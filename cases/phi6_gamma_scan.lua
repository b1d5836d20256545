-- SPDX-License-Identifier: BSD-3-Clause
-- SM Fig. 3 of Durnin, Bhaseen, Doyon, PRL 127, 130601 (2021): the relaxation rate gamma of the
-- phi^6 collision term (physics.md 4.1, 5) versus the temperature T of the final thermal state,
-- from the linearised operator (`ghdk rates`), no time stepping. One deck is one temperature; the
-- scan over T, windows and grids is
--   postprocess/phi6_gamma_scan.py build/ghdk OUTDIR
-- which runs this deck with --set state.T, state.mu, grid.L, grid.N and plots gamma(T).
-- The state is thermal with a small negative chemical potential mu = -0.02 T (phi^6 conserves no
-- particle number, so the reference is the mu = 0 thermal state with the same energy): the
-- deviation's overlaps pick the modes a particle-number excess relaxes through.
-- The window holds the thermal occupation down to eps = 1e-14 of its maximum,
-- cosh L = 1 + T ln(1/eps): wider windows carry more decades of rho_p than the finite-difference
-- linearisation resolves at low T (docs/theory.md, "Relaxation rates").
local T = 0.2
local eps = 1e-14
local function acosh(x) return math.log(x + math.sqrt(x * x - 1)) end
return {
  kind = "homogeneous",
  model = { name = "free_boson" },
  grid = { L = acosh(1 + T * math.log(1 / eps)), N = 48 },
  state = { type = "thermal", T = T, mu = -0.02 * T },
  collision = { kernel = "phi6", coefficients = "golden_rule" },
  time = { t_end = 1, n_out = 1 },
  output = { charges = { 0, 1, 2 } },
}
