-- SPDX-License-Identifier: BSD-3-Clause
-- Partitioning protocol of the free massive boson (m = 1) with the paper's own integrability
-- breaking: the phi^6 perturbation V = (lambda/6!) int phi^6 of Durnin, Bhaseen, Doyon, PRL 127,
-- 130601 (2021), collision term SM (11) (physics.md 4.1), in an inhomogeneous set-up. Two thermal
-- halves (mu = 0: W = cosh(theta)/T, T = 2 for x < 0, T = 1 for x > 0) are joined at x = 0.
-- Without collisions each rapidity streams at v = tanh(theta) and the state is the self-similar
-- two-temperature profile of free particles (physics.md 7); phi^6 conserves only momentum and
-- energy (2 <-> 4 processes change the particle number), so where it has had time to act the
-- gas follows Euler hydrodynamics of two fields, P and E.
-- Euler scaling (physics.md 1): with collision.strength = 1, x and t are xbar = lambda^2 x and
-- tbar = lambda^2 t, the units of the kernel's rates. The phi^6 relaxation times are long (about
-- 5e6 in tbar for the paper's GGE, docs/validation.md), so the box and the run are measured in
-- units of X = 1e7: the collisions act on the same scale as the transport (v <= 1).
-- Integrated by BDF + GMRES with the cells' collision Jacobians as preconditioner (the kernel's
-- default): the hot tails' loss rates make it stiff on the transport's step, and since a94888e
-- (negative tails judged in CVODE's own norm, kernels fed the positive part) BDF completes: 16
-- cells x 32 rapidities in 67 s on 2 threads, this deck's 64 x 48 in 23 min (E conserved to
-- 5e-13, dP/dt = p_L - p_R to 2e-6). Checks (tests/cli/check_phi6_partition.py): E
-- conserved, P grows at the pressure difference of the two ends, entropy never decreases.
local X = 1e7
local T_left, T_right = 2.0, 1.0
return {
  kind = "ghd",
  model = { name = "free_boson", mass = 1.0 },
  grid = { L = 5.0, N = 48 },
  space = { nx = 64, x_min = -2 * X, x_max = 2 * X, boundary = "open" },
  state = {
    type = "source",
    W = function(x, theta)
      local T = x < 0 and T_left or T_right
      return math.cosh(theta) / T
    end,
  },
  collision = { kernel = "phi6", coefficients = "golden_rule", strength = 1.0 },
  time = { t_end = 1.5 * X, n_out = 15, rtol = 1e-6 },
  output = { charges = { 0, 1, 2 } },
}
