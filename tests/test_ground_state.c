/* SPDX-License-Identifier: BSD-3-Clause */
/* Lieb-Liniger ground state e(gamma) = E/(N n^2) from the Lieb equation: the zero-temperature
 * state n = 1 on [-q, q] on a Gauss-Legendre grid (Nystrom, dense dressing), rho = (p')^dr/(2 pi),
 * with q found by Brent's method so that c/n = gamma (c = 1). */
#include "check.h"
#include "ghdk/grid.h"
#include "ghdk/model.h"
#include "ghdk/status.h"
#include "ghdk/tba.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>
#include <math.h>
#include <stdlib.h>

struct sea {
  double c;
  size_t n;
  double density, energy; /* of the last evaluation */
};

/* Density and energy density of the Fermi sea [-q, q]. */
static int fermi_sea(struct sea *s, double q)
{
  struct ghdk_model *m;
  struct ghdk_grid *g;
  struct ghdk_tba *t;
  if (ghdk_model_new(&(struct ghdk_model_inp){.name = "lieb_liniger", .c = {s->c}}, &m) ||
      ghdk_grid_new(
          &(struct ghdk_grid_inp){.rule = GHDK_QUAD_GAUSS_LEGENDRE, .a = -q, .b = q, .n = s->n},
          &g) ||
      ghdk_tba_new(&(struct ghdk_tba_inp){.model = m, .grid = g}, &t))
    exit(1);
  double *one = malloc(s->n * sizeof *one), *dp = malloc(s->n * sizeof *dp),
         *rho = malloc(s->n * sizeof *rho);
  for (size_t k = 0; k < s->n; k++)
    one[k] = dp[k] = 1.0;
  int rc = ghdk_tba_set_occupation(t, one);
  rc = rc ? rc : ghdk_tba_dress(t, dp, rho);
  s->density = s->energy = 0.0;
  for (size_t k = 0; k < s->n; k++) {
    s->density += g->w[k] * rho[k] / (2 * GHDK_PI);
    s->energy += g->w[k] * rho[k] / (2 * GHDK_PI) * g->theta[k] * g->theta[k];
  }
  free(one), free(dp), free(rho);
  ghdk_tba_free(t);
  ghdk_grid_free(g);
  ghdk_model_free(m);
  return rc;
}

static double gamma_mismatch(double q, void *p)
{
  struct sea *s = p;
  if (fermi_sea(s, q))
    exit(1);
  return s->c / s->density - *(double *)((char *)p + sizeof(struct sea));
}

/* e(gamma) at c = 1 with n Gauss-Legendre nodes. */
static double e_of_gamma(double gamma, size_t n)
{
  struct {
    struct sea s;
    double gamma;
  } p = {{.c = 1.0, .n = n}, gamma};
  /* Bracket: the density grows monotonically with q; q in [1e-3, 1e3] covers gamma in
   * [1e-3, 1e3] at c = 1. */
  gsl_function f = {gamma_mismatch, &p};
  gsl_root_fsolver *rs = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
  gsl_root_fsolver_set(rs, &f, 1e-3, 1e3);
  double q = 0;
  for (int it = 0; it < 200; it++) {
    gsl_root_fsolver_iterate(rs);
    q = gsl_root_fsolver_root(rs);
    if (gsl_root_test_interval(gsl_root_fsolver_x_lower(rs), gsl_root_fsolver_x_upper(rs), 0,
                               1e-15) == GSL_SUCCESS)
      break;
  }
  gsl_root_fsolver_free(rs);
  fermi_sea(&p.s, q);
  return p.s.energy / pow(p.s.density, 3);
}

int main(void)
{
  /* Tonks-Girardeau: rho = 1/(2 pi) on [-q, q], e = pi^2/3 exactly (Gauss-Legendre integrates
   * theta^2 exactly). */
  {
    struct sea s = {.c = INFINITY, .n = 16};
    fermi_sea(&s, 1.7);
    CHECK_CLOSE("Tonks-Girardeau e = pi^2/3", s.energy / pow(s.density, 3), GHDK_PI * GHDK_PI / 3,
                1e-14, 0);
  }
  /* Convergence in the number of nodes: the Nystrom error decays exponentially (the Lorentzian
   * kernel is analytic in a strip of half-width c); 1e-12 between N and 2N shows the printed
   * values are converged to well below the 1e-6 the comparisons need. */
  const double gammas[] = {1.0, 10.0};
  for (int i = 0; i < 2; i++) {
    const double e1 = e_of_gamma(gammas[i], 40), e2 = e_of_gamma(gammas[i], 80);
    char what[96];
    snprintf(what, sizeof what, "e(gamma=%g): N=40 vs N=80", gammas[i]);
    CHECK_CLOSE(what, e1, e2, 1e-12, 0);
    printf("     e(%g) = %.15f\n", gammas[i], e2);
  }
  /* Weak coupling: e = g - 4 g^(3/2)/(3 pi) + (1/6 - 1/pi^2) g^2 + a5 g^(5/2) + O(g^3), with
   * a5 = (3 zeta(3)/8 - 1/2)/pi^3 = -0.00158769986550594 (Prolhac, J. Phys. A 50, 144001 (2017)).
   * At g = 0.02 the omitted O(g^3) term is ~1e-9 absolute (coefficient ~1e-4), 1e-7 relative. */
  {
    const double g = 0.02, a5 = -0.00158769986550594498929;
    const double series = g - 4 * pow(g, 1.5) / (3 * GHDK_PI) +
                          (1.0 / 6 - 1 / (GHDK_PI * GHDK_PI)) * g * g + a5 * pow(g, 2.5);
    CHECK_CLOSE("e(0.02) vs weak-coupling series to g^(5/2)", e_of_gamma(g, 600), series, 1e-6, 0);
  }
  /* Strong coupling: e = (pi^2/3)(1 - 4/g + 12/g^2 + (32 pi^2/15 - 32)/g^3 + O(g^-4)); at
   * g = 1000 the omitted term is ~1e-10 relative. */
  {
    const double g = 1000.0;
    const double series =
        GHDK_PI * GHDK_PI / 3 *
        (1 - 4 / g + 12 / (g * g) + (32 * GHDK_PI * GHDK_PI / 15 - 32) / (g * g * g));
    CHECK_CLOSE("e(1000) vs strong-coupling series to 1/g^3", e_of_gamma(g, 64), series, 1e-9, 0);
  }
  return ghdk_test_failures();
}
