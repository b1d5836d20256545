/* SPDX-License-Identifier: BSD-3-Clause */
#include "ghdk/grid.h"

#include "ghdk/status.h"

#include <gsl/gsl_integration.h>
#include <math.h>
#include <stdlib.h>

const char *ghdk_quad_rule_name(enum ghdk_quad_rule rule)
{
  return rule == GHDK_QUAD_GAUSS_LEGENDRE ? "gauss_legendre" : "uniform";
}

int ghdk_grid_new(const struct ghdk_grid_inp *inp, struct ghdk_grid **out)
{
  *out = NULL;
  if (!(inp->a < inp->b) || !isfinite(inp->a) || !isfinite(inp->b))
    return GHDK_ERROR(GHDK_ERR_DOMAIN, "rapidity window [%g, %g] must have a < b, finite", inp->a,
                      inp->b);
  if (inp->n < 2)
    return GHDK_ERROR(GHDK_ERR_DOMAIN, "rapidity grid needs at least 2 nodes (got %zu)", inp->n);
  struct ghdk_grid *g = calloc(1, sizeof *g);
  if (!g)
    return GHDK_ERROR(GHDK_ERR_NOMEM, "grid");
  g->rule = inp->rule;
  g->n = inp->n;
  g->a = inp->a;
  g->b = inp->b;
  g->theta = malloc(inp->n * sizeof(double));
  g->w = malloc(inp->n * sizeof(double));
  if (!g->theta || !g->w) {
    ghdk_grid_free(g);
    return GHDK_ERROR(GHDK_ERR_NOMEM, "grid of %zu nodes", inp->n);
  }
  if (inp->rule == GHDK_QUAD_UNIFORM) {
    g->h = (inp->b - inp->a) / (double)inp->n;
    for (size_t k = 0; k < inp->n; k++) {
      g->theta[k] = inp->a + ((double)k + 0.5) * g->h;
      g->w[k] = g->h;
    }
  } else {
    gsl_integration_glfixed_table *t = gsl_integration_glfixed_table_alloc(inp->n);
    if (!t) {
      ghdk_grid_free(g);
      return GHDK_ERROR(GHDK_ERR_LIB, "GSL Gauss-Legendre table of %zu nodes", inp->n);
    }
    for (size_t k = 0; k < inp->n; k++)
      gsl_integration_glfixed_point(inp->a, inp->b, k, &g->theta[k], &g->w[k], t);
    gsl_integration_glfixed_table_free(t);
    /* GSL returns the nodes in an order of its own: sort them ascending (insertion sort). */
    for (size_t k = 1; k < inp->n; k++) {
      double th = g->theta[k], wk = g->w[k];
      size_t j = k;
      for (; j > 0 && g->theta[j - 1] > th; j--) {
        g->theta[j] = g->theta[j - 1];
        g->w[j] = g->w[j - 1];
      }
      g->theta[j] = th;
      g->w[j] = wk;
    }
  }
  *out = g;
  return GHDK_OK;
}

void ghdk_grid_free(struct ghdk_grid *g)
{
  if (!g)
    return;
  free(g->theta);
  free(g->w);
  free(g);
}
