/* SPDX-License-Identifier: BSD-3-Clause */
/* Time of one evaluation of the phi6 collision kernel (ghdk_coll rhs: tables, the three processes
 * and the conservative correction) versus the number of rapidity nodes on [-L, L], for the
 * paper's GGE (beta2 = beta6 = 0.5, beta4 = 0.1: the quench's initial state) and a thermal state
 * (T = 1), with the set-up time and the memory of the kernel's tables. Prints a table; `make
 * bench`. Optional arguments: L (default 4.5) and the largest N (default 192). */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include "ghdk/grid.h"
#include "ghdk/kinetic.h"
#include "ghdk/model.h"
#include "kinetic/coll_priv.h"
#include "kinetic/phi6_priv.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double clock_s(clockid_t id)
{
  struct timespec ts;
  clock_gettime(id, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Seconds per rhs call (wall and CPU), repeated until 0.3 s of CPU time (at least twice). */
static void time_rhs(struct ghdk_coll *c, const double *rho, double *drho, double *wall,
                     double *cpu)
{
  int reps = 0;
  const double w0 = clock_s(CLOCK_MONOTONIC), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
  double el;
  do {
    if (c->rhs(c, rho, drho))
      exit(1);
    reps++;
  } while ((el = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0) < 0.3 || reps < 2);
  *cpu = el / reps;
  *wall = (clock_s(CLOCK_MONOTONIC) - w0) / reps;
}

int main(int argc, char **argv)
{
  const double L = argc > 1 ? atof(argv[1]) : 4.5;
  const size_t nmax = argc > 2 ? (size_t)atol(argv[2]) : 192;
  struct ghdk_model *m;
  if (ghdk_model_new(&(struct ghdk_model_inp){.name = "free_boson"}, &m))
    return 1;
  printf("# one phi6 rhs evaluation (golden_rule, quad_order default), window [-%g, %g]\n", L, L);
  printf("# %5s %10s %10s %12s %12s %12s %12s\n", "N", "setup_s", "MiB", "gge_cpu_s", "gge_wall_s",
         "th_cpu_s", "cpu/N^3");
  for (size_t n = 32; n <= nmax; n = n < 64 ? n + 16 : n + 32) {
    struct ghdk_grid *g;
    if (ghdk_grid_new(&(struct ghdk_grid_inp){.a = -L, .b = L, .n = n}, &g))
      return 1;
    const double t0 = clock_s(CLOCK_MONOTONIC);
    struct ghdk_coll *c;
    if (ghdk_phi6_new(&(struct ghdk_coll_inp){.name = "phi6", .model = m, .grid = g}, &c))
      return 1;
    const double setup = clock_s(CLOCK_MONOTONIC) - t0;
    double *rho = malloc(2 * n * sizeof *rho), *drho = malloc(n * sizeof *drho);
    for (size_t j = 0; j < n; j++) {
      const double t = g->theta[j], rs = cosh(t) / (2.0 * 3.14159265358979323846);
      rho[j] = rs / expm1(0.5 * cosh(t) + 0.1 * cosh(2 * t) + 0.5 * cosh(3 * t));
      rho[n + j] = rs / expm1(cosh(t));
    }
    double gw, gc, tw, tc;
    time_rhs(c, rho, drho, &gw, &gc);
    time_rhs(c, rho + n, drho, &tw, &tc);
    printf("  %5zu %10.3e %10.2f %12.3e %12.3e %12.3e %12.3e\n", n, setup,
           (double)ghdk_phi6_bytes(c) / 1048576.0, gc, gw, tc, gc / pow((double)n, 3));
    fflush(stdout);
    free(rho), free(drho);
    ghdk_coll_free(c);
    ghdk_grid_free(g);
  }
  ghdk_model_free(m);
  return 0;
}
