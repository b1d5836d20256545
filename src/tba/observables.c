/* SPDX-License-Identifier: BSD-3-Clause */
/* Charge, current, entropy and free-energy densities of a cell (physics.md 3). */
#include "ghdk/status.h"
#include "tba_priv.h"

void ghdk_tba_charges(const struct ghdk_tba *t, const double *rho_p, const double *v_eff, size_t nq,
                      const int *charges, double *q, double *j)
{
  const double *w = t->grid->w;
  for (size_t a = 0; a < t->ns; a++)
    for (size_t c = 0; c < nq; c++) {
      const double *h = t->h[charges[c]] + a * t->n;
      const double *rp = rho_p + a * t->n;
      double sq = 0.0, sj = 0.0;
      for (size_t k = 0; k < t->n; k++) {
        sq += w[k] * rp[k] * h[k];
        if (v_eff && j)
          sj += w[k] * rp[k] * v_eff[a * t->n + k] * h[k];
      }
      q[a * nq + c] = sq;
      if (v_eff && j)
        j[a * nq + c] = sj;
    }
}

void ghdk_tba_entropy(const struct ghdk_tba *t, const double *rho_s, const double *n, double *s)
{
  for (size_t a = 0; a < t->ns; a++) {
    double sum = 0.0;
    for (size_t k = 0; k < t->n; k++) {
      const size_t i = a * t->n + k;
      sum += t->grid->w[k] * rho_s[i] * ghdk_stat_entropy(t->stat[a], n[i]);
    }
    s[a] = sum;
  }
}

void ghdk_tba_free_energy(const struct ghdk_tba *t, const double *n, double *phi)
{
  for (size_t a = 0; a < t->ns; a++) {
    double sum = 0.0;
    for (size_t k = 0; k < t->n; k++) {
      const size_t i = a * t->n + k;
      sum += t->grid->w[k] * t->dp[i] * ghdk_stat_F_of_n(t->stat[a], n[i]);
    }
    phi[a] = sum / (2.0 * GHDK_PI);
  }
}

void ghdk_tba_momentum_energy(const struct ghdk_tba *t, const double *rho_p, double *p, double *e)
{
  for (size_t a = 0; a < t->ns; a++) {
    double sp = 0.0, se = 0.0;
    for (size_t k = 0; k < t->n; k++) {
      const size_t i = a * t->n + k;
      sp += t->grid->w[k] * rho_p[i] * t->p[i];
      se += t->grid->w[k] * rho_p[i] * t->e[i];
    }
    p[a] = sp;
    e[a] = se;
  }
}

int ghdk_tba_partition(struct ghdk_tba *t, const double *n_left, const double *n_right, double xi,
                       double *n, double *v_eff)
{
  double *v = v_eff ? v_eff : t->s[8];
  /* Start from the bare velocities' pattern, then re-dress until the pattern is stationary. */
  for (size_t i = 0; i < t->size; i++)
    n[i] = t->de[i] / t->dp[i] > xi ? n_left[i] : n_right[i];
  for (int it = 0; it < 100; it++) {
    GHDK_CHECK(ghdk_tba_veff(t, n, v, NULL));
    int changed = 0;
    for (size_t i = 0; i < t->size; i++) {
      const double ni = v[i] > xi ? n_left[i] : n_right[i];
      changed |= ni != n[i];
      n[i] = ni;
    }
    if (!changed)
      return GHDK_OK;
  }
  return GHDK_ERROR(GHDK_ERR_NOCONV,
                    "partition solution at xi = %g: the occupation pattern did "
                    "not settle in 100 sweeps",
                    xi);
}
