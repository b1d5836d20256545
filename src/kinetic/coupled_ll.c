/* SPDX-License-Identifier: BSD-3-Clause */
/* Two Lieb-Liniger gases with the density-density coupling lambda psi_a^dag psi_a psi_b^dag psi_b,
 * to lowest order in density (SM (12)-(13), physics.md 4.2): only exchange processes
 * (a at h, b at p) -> (a at p, b at h),
 *   d rho_a(p)/d tbar = int dh K(p - h) (rho_a(h) rho_b(p) - rho_a(p) rho_b(h)) = -d rho_b(p)/d
 * tbar, K(q) = ((2 pi)^2/|q|) prod_{i=a,b} [(phi_i(q)/2) / sin(phi_i(q)/2)]^2, phi_i = 2
 * arctan(q/c_i). Discretised on the rapidity grid with the kernel matrix w_l K(theta_j - theta_l)
 * precomputed; the diagonal term is zero (the bracket vanishes at h = p, where K ~ 1/|q| and the
 * integrand has a finite jump). The scheme conserves exactly, by construction: the double sum for
 * N_a is antisymmetric under p <-> h, and rho_a + rho_b is unchanged node by node (so momentum and
 * energy are too). */
#include "coll_priv.h"
#include "ghdk/status.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct coupled_ll {
  struct ghdk_coll base;
  double *k;       /* n x n: w_l K(theta_j - theta_l), zero diagonal */
  const double *w; /* quadrature weights (the grid's) */
};

/* (phi/2)/sin(phi/2) with phi = 2 arctan(x): arctan(x) sqrt(1 + x^2)/x, -> 1 at x = 0. */
static double phase_factor(double x)
{
  if (fabs(x) < 1e-8)
    return 1.0 + x * x / 6.0;
  return atan(x) * sqrt(1.0 + x * x) / x;
}

static int cll_rhs(struct ghdk_coll *c, const double *rho_p, double *drho)
{
  const struct coupled_ll *s = container_of(c, struct coupled_ll, base);
  const size_t n = c->n;
  const double *ra = rho_p, *rb = rho_p + n;
  if (!ghdk_coll_valid(rho_p, 2 * n))
    return GHDK_ERR_DOMAIN;
  for (size_t j = 0; j < n; j++) {
    const double *kr = s->k + j * n;
    double sa = 0.0, sb = 0.0;
    for (size_t l = 0; l < n; l++) {
      sa += kr[l] * ra[l];
      sb += kr[l] * rb[l];
    }
    drho[j] = rb[j] * sa - ra[j] * sb;
    drho[n + j] = -drho[j];
  }
  return GHDK_OK;
}

/* The fixed point with the same invariants: rho_a = x R, rho_b = (1 - x) R, R = rho_a + rho_b
 * node by node, x = N_a / (N_a + N_b). Not a GGE: beta is not defined (set to NaN). */
static int cll_equilibrium(struct ghdk_coll *c, const double *rho_p, double *rho_eq, double *beta)
{
  const size_t n = c->n;
  const struct coupled_ll *s = container_of(c, struct coupled_ll, base);
  double na = 0.0, nb = 0.0;
  for (size_t j = 0; j < n; j++) {
    na += s->w[j] * rho_p[j];
    nb += s->w[j] * rho_p[n + j];
  }
  const double x = na / (na + nb);
  for (size_t j = 0; j < n; j++) {
    const double r = rho_p[j] + rho_p[n + j];
    rho_eq[j] = x * r;
    rho_eq[n + j] = (1.0 - x) * r;
  }
  for (size_t k = 0; beta && k < c->ninv; k++)
    beta[k] = NAN;
  return GHDK_OK;
}

static void cll_free(struct ghdk_coll *c)
{
  struct coupled_ll *s = container_of(c, struct coupled_ll, base);
  free(s->k);
  free(s);
}

int ghdk_coupled_ll_new(const struct ghdk_coll_inp *inp, struct ghdk_coll **out)
{
  const struct ghdk_model *m = inp->model;
  const struct ghdk_grid *g = inp->grid;
  if (strcmp(m->name, "lieb_liniger") != 0 || m->nspecies != 2)
    return GHDK_ERROR(GHDK_ERR_INPUT,
                      "collision kernel coupled_ll needs two lieb_liniger species "
                      "(model.c = {c_a, c_b}); got %s with %zu species",
                      m->name, m->nspecies);
  /* c_i from the model's kernel: T_ii(0) = 1/(pi c_i); c = inf (Tonks-Girardeau) has T = 0. */
  double c[2];
  for (size_t a = 0; a < 2; a++) {
    const double t0 = m->kernel(m, a, a, 0.0, 0.0);
    c[a] = t0 > 0 ? 1.0 / (GHDK_PI * t0) : INFINITY;
  }
  struct coupled_ll *s = calloc(1, sizeof *s);
  const size_t n = g->n;
  if (s)
    s->k = malloc(n * n * sizeof *s->k);
  if (!s || !s->k) {
    free(s);
    return GHDK_ERROR(GHDK_ERR_NOMEM, "coupled_ll kernel matrix %zu x %zu", n, n);
  }
  for (size_t j = 0; j < n; j++)
    for (size_t l = 0; l < n; l++) {
      const double q = g->theta[j] - g->theta[l];
      double kv = 0.0;
      if (j != l) {
        const double fa = phase_factor(q / c[0]), fb = phase_factor(q / c[1]);
        kv = 4.0 * GHDK_PI * GHDK_PI / fabs(q) * fa * fa * fb * fb;
      }
      s->k[j * n + l] = g->w[l] * kv;
    }
  s->w = g->w;
  s->base = (struct ghdk_coll){
      .name = "coupled_ll",
      .ns = 2,
      .n = n,
      .ninv = 4,
      .inv = {{0, 1u}, {0, 2u}, {1, 0}, {2, 0}},
      .rhs = cll_rhs,
      .equilibrium = cll_equilibrium,
      .free = cll_free,
  };
  *out = &s->base;
  return GHDK_OK;
}
