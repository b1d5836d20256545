/* SPDX-License-Identifier: BSD-3-Clause */
/* Throughput of the finite-volume right-hand side ghdk_fv_rhs (cell-rapidity points per second)
 * versus the number of cells nx and of rapidity nodes N, for collisionless Lieb-Liniger, and its
 * cost split: per-cell TBA (the ghdk_tba_occupation and ghdk_tba_veff_warm calls the rhs makes),
 * fluxes (the rest), and collisions (the rhs with a kernel minus the rhs without). Prints tables;
 * `make bench`.
 *
 * State: c = 1, window [-9, 9] (uniform rule, FFT dressing), x in [-10, 10] with open
 * boundaries, each cell thermal at mu = 1 and T(x) = 1.5 - 0.5 tanh(x) (the partition set-up,
 * smoothed). A CVODE run calls the rhs on states that differ a little from call to call, which
 * is what the warm-started dressing exploits; the timed loop alternates between the state and a
 * copy perturbed by 1e-6 relative, so each call starts from the previous call's solution of a
 * nearby state, as in a run (the same state twice would make every GMRES solve converge at once).
 * Times are process CPU time (other jobs share the machine's two cores: wall clock would count
 * their time slices); each figure is the fastest of five repetitions of at least 0.2 s each. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime, CLOCK_PROCESS_CPUTIME_ID */
#include "ghdk/fv.h"
#include "ghdk/grid.h"
#include "ghdk/kinetic.h"
#include "ghdk/model.h"
#include "ghdk/status.h"
#include "ghdk/tba.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* One problem: model, grid, state (two nearby copies), finite volumes with or without a kernel,
 * and the TBA workspace and warm-start buffers of the TBA-only loop. */
struct bench {
  size_t nx, n, ns, cell;
  struct ghdk_model *m;
  struct ghdk_grid *g;
  struct ghdk_tba *tba;
  struct ghdk_coll *coll;
  struct ghdk_fv *fv;
  double *y[2], *ydot;
  double *occ, *rs, *v, *pdr, *edr, *dp0, *de0;
};

static void die(const char *what)
{
  fprintf(stderr, "bench_fv: %s failed\n", what);
  exit(1);
}

static void bench_free(struct bench *b)
{
  ghdk_fv_free(b->fv);
  ghdk_coll_free(b->coll);
  ghdk_tba_free(b->tba);
  ghdk_grid_free(b->g);
  ghdk_model_free(b->m);
  free(b->y[0]), free(b->y[1]), free(b->ydot), free(b->occ), free(b->rs), free(b->v);
  free(b->pdr), free(b->edr), free(b->dp0), free(b->de0);
}

/* ns species with couplings c[a]; kernel NULL (none), "relaxation" or "coupled_ll". */
static void bench_new(struct bench *b, size_t nx, size_t n, size_t ns, const double *c,
                      const char *kernel)
{
  memset(b, 0, sizeof *b);
  b->nx = nx, b->n = n, b->ns = ns, b->cell = ns * n;
  struct ghdk_model_inp mi = {.name = "lieb_liniger", .nspecies = ns};
  memcpy(mi.c, c, ns * sizeof *c);
  if (ghdk_model_new(&mi, &b->m) ||
      ghdk_grid_new(&(struct ghdk_grid_inp){.a = -9, .b = 9, .n = n}, &b->g) ||
      ghdk_tba_new(&(struct ghdk_tba_inp){.model = b->m, .grid = b->g}, &b->tba))
    die("set-up");
  if (kernel &&
      ghdk_coll_new(
          &(struct ghdk_coll_inp){
              .name = kernel, .model = b->m, .grid = b->g, .tau = 1.0, .conserve_number = 1},
          &b->coll))
    die("kernel");
  if (ghdk_fv_new(&(struct ghdk_fv_inp){.model = b->m,
                                        .grid = b->g,
                                        .nx = nx,
                                        .x_min = -10,
                                        .x_max = 10,
                                        .bc = GHDK_BC_OPEN,
                                        .limiter = GHDK_LIM_VANLEER,
                                        .coll = b->coll ? &b->coll : NULL,
                                        .strength = 1.0,
                                        .negative_tol = 1e-10},
                  &b->fv))
    die("ghdk_fv_new");
  const size_t size = nx * b->cell, cell = b->cell;
  double **bufs[] = {&b->y[0], &b->y[1], &b->ydot};
  for (size_t i = 0; i < 3; i++)
    if (!(*bufs[i] = malloc(size * sizeof(double))))
      die("malloc");
  double **cbufs[] = {&b->occ, &b->rs, &b->v, &b->dp0, &b->de0};
  for (size_t i = 0; i < 5; i++)
    if (!(*cbufs[i] = malloc(cell * sizeof(double))))
      die("malloc");
  if (!(b->pdr = malloc(size * sizeof(double))) || !(b->edr = malloc(size * sizeof(double))))
    die("malloc");
  double *w = malloc(cell * sizeof *w);
  for (size_t i = 0; i < nx; i++) {
    const double x = -10 + 20 * ((double)i + 0.5) / (double)nx;
    for (size_t a = 0; a < ns; a++)
      ghdk_tba_thermal_source(b->tba, a, 1.5 - 0.5 * tanh(x), 1.0, 0.0, w + a * n);
    if (ghdk_tba_gge(b->tba, w, NULL, NULL, b->y[0] + i * cell))
      die("ghdk_tba_gge");
  }
  free(w);
  for (size_t j = 0; j < size; j++)
    b->y[1][j] = b->y[0][j] * (1 + 1e-6 * sin(0.37 * (double)j));
  /* Bare p' = 1, E' = 2 theta: the rhs's first guesses of the dressing. */
  for (size_t a = 0; a < ns; a++)
    for (size_t k = 0; k < n; k++) {
      b->dp0[a * n + k] = 1.0;
      b->de0[a * n + k] = 2 * b->g->theta[k];
    }
  for (size_t i = 0; i < nx; i++) {
    memcpy(b->pdr + i * cell, b->dp0, cell * sizeof(double));
    memcpy(b->edr + i * cell, b->de0, cell * sizeof(double));
  }
}

static void call_rhs(struct bench *b, size_t call)
{
  if (ghdk_fv_rhs(b->fv, b->y[call & 1], b->ydot))
    die("ghdk_fv_rhs");
}

/* The TBA work of one rhs: per cell the occupation and the warm-started v_eff. */
static void call_tba(struct bench *b, size_t call)
{
  const double *y = b->y[call & 1];
  for (size_t i = 0; i < b->nx; i++) {
    const size_t off = i * b->cell;
    if (ghdk_tba_occupation(b->tba, y + off, b->occ, b->rs) ||
        ghdk_tba_veff_warm(b->tba, b->occ, b->v, b->pdr + off, b->edr + off))
      die("TBA loop");
  }
}

/* Seconds per call: the fastest of five timed loops of >= 0.2 s, after two warm-up calls. */
static double seconds_per(struct bench *b, void (*f)(struct bench *, size_t))
{
  size_t call = 0;
  f(b, call++);
  f(b, call++);
  double best = INFINITY;
  for (int rep = 0; rep < 5; rep++) {
    size_t k = 0;
    const double t0 = now();
    double el;
    do {
      f(b, call++);
      k++;
    } while ((el = now() - t0) < 0.2);
    best = fmin(best, el / (double)k);
  }
  return best;
}

int main(void)
{
  const double c1[1] = {1.0}, c2[2] = {1.0, 5.0};
  const size_t nxs[3] = {32, 128, 512}, ns_[3] = {64, 128, 256};
  printf("# ghdk_fv_rhs, collisionless Lieb-Liniger c = 1, window [-9, 9], open boundaries\n");
  printf("# %5s %5s %12s %14s %10s %10s %10s\n", "nx", "N", "rhs_s", "points_per_s", "tba_frac",
         "flux_frac", "tba_s/pt");
  for (size_t i = 0; i < 3; i++)
    for (size_t j = 0; j < 3; j++) {
      struct bench b;
      bench_new(&b, nxs[i], ns_[j], 1, c1, NULL);
      const double trhs = seconds_per(&b, call_rhs), ttba = seconds_per(&b, call_tba);
      const double pts = (double)(nxs[i] * ns_[j]);
      printf("  %5zu %5zu %12.4e %14.4e %10.3f %10.3f %10.3e\n", nxs[i], ns_[j], trhs, pts / trhs,
             ttba / trhs, 1 - ttba / trhs, ttba / pts);
      fflush(stdout);
      bench_free(&b);
    }
  /* Collisions: the per-cell kernel cost does not depend on nx; 32 cells. relaxation (one
   * species, a thermal inverse problem per cell and call) and coupled_ll (two species, c = 1
   * and 5, an O(N^2) integral per cell and call). */
  printf("# collision share: rhs with kernel vs without, nx = 32\n");
  printf("# %12s %5s %12s %12s %12s %14s\n", "kernel", "N", "rhs_s", "rhs_nocoll_s", "coll_frac",
         "coll_s/pt");
  const struct {
    const char *name;
    size_t ns;
    const double *c;
  } kernels[2] = {{"relaxation", 1, c1}, {"coupled_ll", 2, c2}};
  for (size_t k = 0; k < 2; k++)
    for (size_t j = 0; j < 3; j++) {
      struct bench with, without;
      bench_new(&with, 32, ns_[j], kernels[k].ns, kernels[k].c, kernels[k].name);
      bench_new(&without, 32, ns_[j], kernels[k].ns, kernels[k].c, NULL);
      const double tw = seconds_per(&with, call_rhs), t0 = seconds_per(&without, call_rhs);
      const double pts = (double)(32 * kernels[k].ns * ns_[j]);
      printf("  %12s %5zu %12.4e %12.4e %12.3f %14.4e\n", kernels[k].name, ns_[j], tw, t0,
             (tw - t0) / tw, (tw - t0) / pts);
      fflush(stdout);
      bench_free(&with);
      bench_free(&without);
    }
  return 0;
}
