/* SPDX-License-Identifier: BSD-3-Clause */
/* Time of one dressing (set the occupation, then solve (1 - T n) h^dr = h once) versus the
 * number of rapidity nodes, FFT + GMRES path against the dense LU path, for a Lieb-Liniger
 * thermal state (c = 1, T = 1, mu = 1, window [-10, 10]). Prints a table; `make bench`. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include "ghdk/grid.h"
#include "ghdk/model.h"
#include "ghdk/status.h"
#include "ghdk/tba.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Seconds per dressing, repeated until 0.3 s have passed (at least once). */
static double time_dressing(struct ghdk_tba *t, const double *n, const double *h, double *out)
{
  int reps = 0;
  const double t0 = now();
  double el;
  do {
    if (ghdk_tba_set_occupation(t, n) || ghdk_tba_dress(t, h, out))
      exit(1);
    reps++;
  } while ((el = now() - t0) < 0.3);
  return el / reps;
}

int main(int argc, char **argv)
{
  /* Dense LU costs N^3: above this size it takes minutes and N^2 memory; pass a larger bound
   * as the first argument to measure it anyway. */
  const size_t dense_max = argc > 1 ? (size_t)atol(argv[1]) : 4096;
  struct ghdk_model *m;
  ghdk_model_new(&(struct ghdk_model_inp){.name = "lieb_liniger", .c = {1.0}}, &m);
  printf("# one dressing, Lieb-Liniger c=1 thermal T=1 mu=1, window [-10, 10]\n");
  printf("# %6s %14s %14s %10s %14s\n", "N", "fft_s", "dense_s", "dense/fft", "fft_s/(NlogN)");
  for (size_t n = 64; n <= 4096; n *= 2) {
    struct ghdk_grid *g;
    struct ghdk_tba *tf, *td = NULL;
    ghdk_grid_new(&(struct ghdk_grid_inp){.a = -10, .b = 10, .n = n}, &g);
    if (ghdk_tba_new(&(struct ghdk_tba_inp){.model = m, .grid = g, .method = GHDK_DRESS_FFT}, &tf))
      return 1;
    double *w = malloc(n * sizeof *w), *nocc = malloc(n * sizeof *w), *h = malloc(n * sizeof *w),
           *out = malloc(n * sizeof *w);
    ghdk_tba_thermal_source(tf, 0, 1.0, 1.0, 0.0, w);
    if (ghdk_tba_gge(tf, w, NULL, nocc, NULL))
      return 1;
    for (size_t k = 0; k < n; k++)
      h[k] = 1.0;
    const double tfft = time_dressing(tf, nocc, h, out);
    double tdense = NAN;
    if (n <= dense_max &&
        !ghdk_tba_new(&(struct ghdk_tba_inp){.model = m, .grid = g, .method = GHDK_DRESS_DENSE},
                      &td))
      tdense = time_dressing(td, nocc, h, out);
    printf("  %6zu %14.4e %14.4e %10.2f %14.4e\n", n, tfft, tdense, tdense / tfft,
           tfft / ((double)n * log2((double)n)));
    fflush(stdout);
    free(w), free(nocc), free(h), free(out);
    ghdk_tba_free(tf);
    ghdk_tba_free(td);
    ghdk_grid_free(g);
  }
  ghdk_model_free(m);
  return 0;
}
