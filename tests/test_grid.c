/* SPDX-License-Identifier: BSD-3-Clause */
/* Rapidity grids: exactness and convergence of both rules, argument checks. */
#include "check.h"
#include "ghdk/grid.h"
#include "ghdk/status.h"

#include <math.h>

static double integrate(const struct ghdk_grid *g, double (*f)(double))
{
  double s = 0.0;
  for (size_t k = 0; k < g->n; k++)
    s += g->w[k] * f(g->theta[k]);
  return s;
}

static double gauss(double x)
{
  return exp(-0.7 * x * x);
}

static double poly(double x)
{
  return 2.385 * pow(x, 8) - x * x + 0.5;
}

int main(void)
{
  struct ghdk_grid *g;
  /* Midpoint rule on a smooth integrand negligible at the window edges: exponential
   * convergence, round-off at N = 64 on [-10, 10]. */
  ghdk_grid_new(&(struct ghdk_grid_inp){.a = -10, .b = 10, .n = 64}, &g);
  CHECK_CLOSE("uniform: integral exp(-0.7 x^2)", integrate(g, gauss), sqrt(GHDK_PI / 0.7), 1e-14,
              0);
  CHECK_CLOSE("uniform: spacing", g->h, 20.0 / 64, 1e-15, 0);
  CHECK_CLOSE("uniform: first node is a midpoint", g->theta[0], -10 + 10.0 / 64, 1e-15, 0);
  ghdk_grid_free(g);
  /* Gauss-Legendre with N nodes is exact for degree 2N - 1. N = 37 and 160 are sizes that GSL's
   * glfixed tables do not hold (its fallback errs by 1e-10): the Golub-Welsch rule must not. */
  const size_t ns[] = {5, 37, 160};
  for (int i = 0; i < 3; i++) {
    ghdk_grid_new(
        &(struct ghdk_grid_inp){.rule = GHDK_QUAD_GAUSS_LEGENDRE, .a = -1.3, .b = 2.1, .n = ns[i]},
        &g);
    const double a = -1.3, b = 2.1;
    const double want =
        2.385 * (pow(b, 9) - pow(a, 9)) / 9 - (b * b * b - a * a * a) / 3 + 0.5 * (b - a);
    char what[64];
    snprintf(what, sizeof what, "Gauss-Legendre N=%zu: degree-8 polynomial", ns[i]);
    CHECK_CLOSE(what, integrate(g, poly), want, 1e-14, 0);
    int ascending = 1;
    for (size_t k = 1; k < g->n; k++)
      ascending &= g->theta[k] > g->theta[k - 1];
    CHECK("Gauss-Legendre nodes ascending inside the window",
          ascending && g->theta[0] > a && g->theta[g->n - 1] < b);
    ghdk_grid_free(g);
  }
  CHECK("a >= b is rejected",
        ghdk_grid_new(&(struct ghdk_grid_inp){.a = 1, .b = 1, .n = 8}, &g) == GHDK_ERR_DOMAIN &&
            !g);
  CHECK("N < 2 is rejected",
        ghdk_grid_new(&(struct ghdk_grid_inp){.a = -1, .b = 1, .n = 1}, &g) == GHDK_ERR_DOMAIN);
  return ghdk_test_failures();
}
