return {
  kind = "homogeneous",
  model = { name = "free_boson", mass = 1 },
  grid = { L = 5, N = 10 },
  state = { type = "gge", beta = { [0] = -0.5, [2] = 1.0 } },
  collision = { kernel = "phi6", coefficients = "printed", quad_order = 4 },
  time = { t_end = 1, n_out = 3, spacing = "log", method = "bdf", linear_solver = "dense" },
}
