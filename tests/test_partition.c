/* SPDX-License-Identifier: BSD-3-Clause */
/* Bipartition protocol without collisions (cases/partition.lua: Lieb-Liniger c = 1, T = 2 | 1,
 * mu = 1, t = 1, open boundaries) against the exact self-similar solution
 * n(xi, theta) = n_L Theta(v_eff - xi) + n_R Theta(xi - v_eff), xi = x/t, evaluated with 2048
 * rapidity nodes (a continuum reference: on a coarse rapidity grid the exact profile is a
 * staircase with one step per node), against runs refined in x and theta together. */
#include "check.h"
#include "ghdk/grid.h"
#include "ghdk/model.h"
#include "ghdk/status.h"
#include "ghdk/tba.h"
#include "runner.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NREF 2048

/* Density profile of the run at its last record. */
static int run(const char *deck, size_t nx, size_t nth, const char *out, double *q0)
{
  char a[64], b[64];
  snprintf(a, sizeof a, "space.nx=%zu", nx);
  snprintf(b, sizeof b, "grid.N=%zu", nth);
  const char *set[] = {
      a, b, "time.n_out=1", "time.rtol=1e-6", "grid.tol=1e-12", "fv.limiter=vanleer"};
  if (run_deck(deck, 6, set, out))
    return 1;
  /* q(time, species, x, charge): record 1, species 0, every x, charge 0 (h_0). */
  const size_t start[4] = {1, 0, 0, 0}, count[4] = {1, 1, nx, 1};
  const int rc = read_var(out, "q", start, count, q0);
  unlink(out);
  return rc;
}

int main(void)
{
  char deck[1024];
  case_path("partition.lua", deck, sizeof deck);
  /* The exact solution on the runs' rapidity window [-9, 9] with NREF nodes. */
  struct ghdk_model *m;
  struct ghdk_grid *g;
  struct ghdk_tba *t;
  ghdk_model_new(&(struct ghdk_model_inp){.name = "lieb_liniger", .c = {1.0}}, &m);
  ghdk_grid_new(&(struct ghdk_grid_inp){.a = -9, .b = 9, .n = NREF}, &g);
  ghdk_tba_new(&(struct ghdk_tba_inp){.model = m, .grid = g}, &t);
  static double wl[NREF], wr[NREF], nl[NREF], nr[NREF], nn[NREF], pdr[NREF];
  ghdk_tba_thermal_source(t, 0, 2.0, 1.0, 0.0, wl);
  ghdk_tba_thermal_source(t, 0, 1.0, 1.0, 0.0, wr);
  ghdk_tba_gge(t, wl, NULL, nl, NULL);
  ghdk_tba_gge(t, wr, NULL, nr, NULL);
  const size_t nxs[3] = {40, 80, 160}, nths[3] = {32, 64, 128};
  double err[3];
  for (int r = 0; r < 3; r++) {
    const size_t nx = nxs[r];
    double *q = malloc(nx * sizeof *q);
    char out[64];
    snprintf(out, sizeof out, "/tmp/ghdk_test_partition_%d.nc", (int)getpid());
    CHECK("partition run", run(deck, nx, nths[r], out, q) == 0);
    const double dx = 20.0 / (double)nx;
    double e = 0.0;
    for (size_t i = 0; i < nx; i++) {
      const double xi = -10 + ((double)i + 0.5) * dx; /* t = 1 */
      if (ghdk_tba_partition(t, nl, nr, xi, nn, NULL) || ghdk_tba_veff(t, nn, NULL, pdr))
        exit(1);
      double qe = 0.0;
      for (size_t k = 0; k < NREF; k++)
        qe += g->w[k] * nn[k] * pdr[k] / (2 * GHDK_PI);
      e += fabs(q[i] - qe) * dx;
    }
    err[r] = e;
    printf("     nx = %3zu, N_theta = %3zu: L1 error of the density at t = 1: %.4e\n", nx, nths[r],
           e);
    free(q);
  }
  const double p1 = log2(err[0] / err[1]), p2 = log2(err[1] / err[2]);
  printf("     measured orders: %.3f, %.3f\n", p1, p2);
  /* Refining x and theta together (van Leer limiter), the error converges at the measured orders
   * 1.3 and 1.5 (docs/validation.md): the profile is continuous with kinks, each rapidity's
   * contact is smeared by the limiter's diffusion and the theta staircase shrinks with the node
   * spacing. Order > 1.2 on both refinements and the error at the finest level (4.5e-3
   * measured; the density ~0.72 over the length 20 integrates to 14) below 6e-3 make a
   * regression visible. */
  CHECK("L1 error decreases at order > 1.2 (40 -> 80)", p1 > 1.2);
  CHECK("L1 error decreases at order > 1.2 (80 -> 160)", p2 > 1.2);
  CHECK_CLOSE("L1 error at nx = 160, N_theta = 128", err[2], 0, 0, 6e-3);
  ghdk_tba_free(t);
  ghdk_grid_free(g);
  ghdk_model_free(m);
  return ghdk_test_failures();
}
