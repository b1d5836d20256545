/* SPDX-License-Identifier: BSD-3-Clause */
/* GGE states from a source W: the Yang-Yang equation eps = W - T F(eps) (physics.md 3). */
#include "ghdk/status.h"
#include "tba_priv.h"

#include <string.h>

/* Residual G = eps - W + T F(eps) into g; returns max_k |G_k| / max(1, |W_k|, |eps_k|) (the
 * size of the terms that cancel, so the floor is round-off whatever the magnitudes), or INFINITY
 * if eps is outside the domain of the statistics (bosons need eps > 0). */
static double yy_residual(struct ghdk_tba *t, const double *w, const double *eps, double *g)
{
  double *f = t->s[3];
  for (size_t i = 0; i < t->size; i++) {
    const enum ghdk_statistics st = t->stat[i / t->n];
    if (st == GHDK_BOSON && !(eps[i] > 0.0))
      return INFINITY;
    f[i] = ghdk_stat_F(st, eps[i]);
  }
  ghdk_tba_apply_kernel(t, f, g);
  double r = 0.0;
  for (size_t i = 0; i < t->size; i++) {
    g[i] += eps[i] - w[i];
    const double ri = fabs(g[i]) / fmax(fmax(1.0, fabs(w[i])), fabs(eps[i]));
    r = ri > r || isnan(ri) ? ri : r;
  }
  return r;
}

static void occupations(const struct ghdk_tba *t, const double *eps, double *n)
{
  for (size_t i = 0; i < t->size; i++)
    n[i] = ghdk_stat_n(t->stat[i / t->n], eps[i]);
}

int ghdk_tba_gge(struct ghdk_tba *t, const double *w, double *eps, double *n, double *rho_p)
{
  /* Newton on G(eps) = 0: dG/deps = 1 - T n(eps) is the dressing operator, so each step is
   * one dressing solve; a backtracking line search on max|G| makes it robust far from the
   * solution (low temperature: eps spans hundreds). */
  const double tol = 1e-13;
  const int max_newton = 100;
  double *g = t->s[0], *e = t->s[1], *trial = t->s[2], *nn = n ? n : t->s[5];
  memcpy(e, w, t->size * sizeof *w);
  double r = yy_residual(t, w, e, g);
  if (!isfinite(r))
    return GHDK_SOLVE_FAIL(t, GHDK_ERR_DOMAIN,
                           "GGE source W must be finite (and > 0 for bosons) on "
                           "every rapidity node");
  int it = 0;
  for (; r > tol && it < max_newton; it++) {
    occupations(t, e, nn);
    GHDK_CHECK(ghdk_tba_set_occupation(t, nn));
    for (size_t i = 0; i < t->size; i++)
      g[i] = -g[i];
    double *delta = t->s[4];
    GHDK_CHECK(ghdk_tba_dress(t, g, delta));
    double lambda = 1.0, rtrial = INFINITY;
    for (int ls = 0; ls < 40; ls++, lambda *= 0.5) {
      for (size_t i = 0; i < t->size; i++)
        trial[i] = e[i] + lambda * delta[i];
      rtrial = yy_residual(t, w, trial, g);
      if (rtrial < r)
        break;
    }
    if (!(rtrial < r))
      break;
    memcpy(e, trial, t->size * sizeof *e);
    r = rtrial;
  }
  if (r > tol)
    return GHDK_SOLVE_FAIL(t, GHDK_ERR_NOCONV,
                           "Yang-Yang equation: residual %.3g after %d Newton steps (wanted %.0e)",
                           r, it, tol);
  occupations(t, e, nn);
  if (eps)
    memcpy(eps, e, t->size * sizeof *e);
  if (rho_p) {
    double *pdr = t->s[4];
    GHDK_CHECK(ghdk_tba_set_occupation(t, nn));
    GHDK_CHECK(ghdk_tba_dress(t, t->dp, pdr));
    for (size_t i = 0; i < t->size; i++)
      rho_p[i] = nn[i] * pdr[i] / (2.0 * GHDK_PI);
  }
  return GHDK_OK;
}

void ghdk_tba_thermal_source(const struct ghdk_tba *t, size_t a, double T, double mu, double nu,
                             double *w_a)
{
  for (size_t k = 0; k < t->n; k++) {
    const size_t i = a * t->n + k;
    w_a[k] = (t->e[i] - nu * t->p[i] - mu) / T;
  }
}

void ghdk_tba_gge_source(const struct ghdk_tba *t, size_t a, size_t nbeta, const double *beta,
                         double *w_a)
{
  for (size_t k = 0; k < t->n; k++) {
    double sum = 0.0;
    for (size_t c = 0; c < nbeta; c++)
      sum += beta[c] * t->h[c][a * t->n + k];
    w_a[k] = sum;
  }
}
