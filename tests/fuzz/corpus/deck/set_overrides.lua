--set grid.N=16
--set space.nx=4
--set state.2.T=0.5
--set time.t_end=0.1
return {
  kind = "ghd",
  model = { name = "lieb_liniger", c = { 1.0, 2.0 } },
  grid = { L = 6.0 },
  space = { x_min = -1, x_max = 1, boundary = "periodic" },
  state = { { type = "thermal", T = 1, mu = 0.5 }, { type = "thermal", T = 2 } },
  checkpoint = { every = 2, file = "x.ckpt" },
}
