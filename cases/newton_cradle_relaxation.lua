-- SPDX-License-Identifier: BSD-3-Clause
-- Quantum Newton's cradle with the relaxation-time closure: the set-up of cases/newton_cradle.lua
-- (Kinoshita, Wenger, Weiss, Nature 440, 900 (2006); GHD of the cradle: Caux, Doyon, Dubail,
-- Konik, Yoshimura, SciPost Phys. 6, 070 (2019); physics.md 7): two Lieb-Liniger gases
-- (c_a = 1, c_b = 5) in the trap V(x) = x^2 (omega = 2, period pi), thermal LDA states at
-- T = 0.5, mu = 1.5, split by the Bragg pulse q = 2, with the coupled_ll kernel replaced by
-- I = -(rho_p - rho_p^th)/tau (physics.md 4.3; Lopez-Piqueres, Ware, Gopalakrishnan, Vasseur,
-- PRB 103, L060302 (2021)): every cell relaxes toward the boosted thermal state with its own
-- N_a, N_b, P and E, so the two counter-propagating clouds of each species merge into one
-- thermal cloud, where coupled_ll only exchanges momenta between the species. Same lambda^2 as
-- the coupled_ll deck; tau = 0.2 (in tbar) is a relaxation time tau/lambda^2 = 10 in t, about
-- three trap periods. Other rates: --set collision.tau=...
-- Most closure targets here are hotter than the rapidity window holds (the Bragg energy turns
-- into heat where the two clouds overlap): the closure then relaxes toward the maximum-entropy
-- state on the window, and the run reports how many targets that was (summary line, attributes
-- closure_*: 74 % of the relaxing particles at this grid). Against L = 8 the observables change
-- by < 1 % at t = 3 pi, two orders below the transport's discretisation error at this grid
-- (docs/validation.md, "The relaxation kernel in inhomogeneous runs"). Adams: the relaxation
-- (rate 0.1 in t) is not stiff on the transport's step; 253 s on 2 threads against 758 s with
-- BDF + GMRES, the same q_0 to 6e-7.
local tau = 0.2
return {
  kind = "ghd",
  model = { name = "lieb_liniger", c = { 1.0, 5.0 } },
  grid = { L = 5.5, N = 64, tol = 1e-10 },
  space = { nx = 64, x_min = -5.0, x_max = 5.0, boundary = "wall" },
  potential = function(x) return x^2 end,
  state = { type = "thermal", T = 0.5, mu = 1.5 },
  bragg_q = 2.0,
  collision = { kernel = "relaxation", tau = tau, strength = 0.02 },
  time = { t_end = 3 * math.pi, n_out = 60, rtol = 1e-5, method = "adams" },
  output = { charges = { 0, 1, 2 }, v_eff = false },
}
