/* SPDX-License-Identifier: BSD-3-Clause */
/* Time of one evaluation of the coupled_ll and relaxation collision kernels (ghdk_coll rhs,
 * conservative correction included) versus the number of rapidity nodes; the phi6 kernel has its
 * own bench (bench_phi6: it needs the table memory too). States as in the cases: coupled_ll on
 * the SM Fig. 4 GGEs (c_a = 1, c_b = 5, window [-10, 10]), relaxation on Lieb-Liniger c = 1 with
 * the GGE beta = (-0.5, 0, 0.3, 0, 0.05) (window [-8, 8], tau = 1, N, P, E conserved; its rhs
 * solves the thermal inverse problem, warm-started from the previous call as in a run). CPU
 * time per call, repeated for at least 0.3 s. Prints a table; `make bench`. Optional argument:
 * the largest N (default 1024). */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include "ghdk/grid.h"
#include "ghdk/kinetic.h"
#include "ghdk/model.h"
#include "ghdk/tba.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double cpu_s(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* CPU seconds per rhs call, repeated until 0.3 s (at least twice), after one warm-up call. */
static double time_rhs(struct ghdk_coll *c, const double *rho, double *drho)
{
  if (c->rhs(c, rho, drho))
    exit(1);
  int reps = 0;
  const double c0 = cpu_s();
  double el;
  do {
    if (c->rhs(c, rho, drho))
      exit(1);
    reps++;
  } while ((el = cpu_s() - c0) < 0.3 || reps < 2);
  return el / reps;
}

/* One kernel on a model and window, its state from GGE sources beta[a] (nbeta each), N nodes. */
static double one(const char *kernel, const struct ghdk_model_inp *mi, double L, size_t n,
                  size_t nbeta, const double *beta)
{
  struct ghdk_model *m;
  struct ghdk_grid *g;
  struct ghdk_tba *t;
  struct ghdk_coll *c;
  if (ghdk_model_new(mi, &m) ||
      ghdk_grid_new(&(struct ghdk_grid_inp){.a = -L, .b = L, .n = n}, &g) ||
      ghdk_tba_new(&(struct ghdk_tba_inp){.model = m, .grid = g}, &t) ||
      ghdk_coll_new(&(struct ghdk_coll_inp){.name = kernel, .model = m, .grid = g, .tau = 1.0}, &c))
    exit(1);
  const size_t ns = m->nspecies;
  double *w = malloc(ns * n * sizeof *w), *rho = malloc(ns * n * sizeof *rho),
         *drho = malloc(ns * n * sizeof *drho);
  for (size_t a = 0; a < ns; a++)
    ghdk_tba_gge_source(t, a, nbeta, beta + a * nbeta, w + a * n);
  if (ghdk_tba_gge(t, w, NULL, NULL, rho))
    exit(1);
  const double s = time_rhs(c, rho, drho);
  free(w), free(rho), free(drho);
  ghdk_coll_free(c);
  ghdk_tba_free(t);
  ghdk_grid_free(g);
  ghdk_model_free(m);
  return s;
}

int main(int argc, char **argv)
{
  const size_t nmax = argc > 1 ? (size_t)atol(argv[1]) : 1024;
  /* SM Fig. 4: gas a beta_0 = beta_2 = beta_4 = beta_6 = beta_8 = 1/10 (charges theta^i), gas b
   * beta_0 = 1/10, beta_2 = 13/10. */
  const double cll[18] = {0.1, 0, 0.1, 0, 0.1, 0, 0.1, 0, 0.1, 0.1, 0, 1.3, 0, 0, 0, 0, 0, 0};
  const double rel[5] = {-0.5, 0, 0.3, 0, 0.05};
  const struct ghdk_model_inp two = {.name = "lieb_liniger", .nspecies = 2, .c = {1.0, 5.0}},
                              ll = {.name = "lieb_liniger", .c = {1.0}};
  printf("# one rhs evaluation, CPU seconds per call\n");
  printf("# %5s %14s %14s %14s %14s\n", "N", "coupled_ll_s", "cll_s/N^2", "relaxation_s",
         "relax_s/N");
  for (size_t n = 64; n <= nmax; n *= 2) {
    const double a = one("coupled_ll", &two, 10.0, n, 9, cll);
    const double b = one("relaxation", &ll, 8.0, n, 5, rel);
    printf("  %5zu %14.3e %14.3e %14.3e %14.3e\n", n, a, a / ((double)n * (double)n), b,
           b / (double)n);
    fflush(stdout);
  }
  return 0;
}
