/* SPDX-License-Identifier: BSD-3-Clause */
/* The collision-kernel registry and the conservative correction onto the collision invariants. */
#include "coll_priv.h"
#include "ghdk/kinetic.h"
#include "ghdk/status.h"

#include <gsl/gsl_linalg.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int covers(const struct ghdk_constraint *k, size_t a)
{
  return k->species_mask == 0 || (k->species_mask >> a) & 1u;
}

static const struct {
  const char *name;
  int (*create)(const struct ghdk_coll_inp *, struct ghdk_coll **);
} registry[] = {
    {"phi6", ghdk_phi6_new},
    {"coupled_ll", ghdk_coupled_ll_new},
    {"relaxation", ghdk_relaxation_new},
};

static const char *const names[] = {"phi6", "coupled_ll", "relaxation", NULL};

const char *const *ghdk_coll_names(void)
{
  return names;
}

int ghdk_coll_new(const struct ghdk_coll_inp *inp, struct ghdk_coll **out)
{
  *out = NULL;
  for (size_t i = 0; i < sizeof registry / sizeof registry[0]; i++)
    if (inp->name && strcmp(inp->name, registry[i].name) == 0)
      return registry[i].create(inp, out);
  return GHDK_ERROR(GHDK_ERR_INPUT,
                    "unknown collision kernel '%s' (known: phi6, coupled_ll, relaxation)",
                    inp->name ? inp->name : "");
}

void ghdk_coll_free(struct ghdk_coll *c)
{
  if (c)
    c->free(c);
}

/* Initial guess of the inverse problem from the state's own effective temperatures: fit W on
 * the invariants' charges per species; a species-specific invariant takes that species' value,
 * a shared one the mean over species. n and rho_s: occupation and state density of the state. */
static int guess_from_fit(const struct ghdk_coll *c, struct ghdk_tba *tba, const double *n,
                          const double *rho_s, double *beta)
{
  int charges[GHDK_COLL_MAX_INV];
  size_t nq = 0;
  for (size_t k = 0; k < c->ninv; k++) {
    size_t j = 0;
    while (j < nq && charges[j] != c->inv[k].charge)
      j++;
    if (j == nq)
      charges[nq++] = c->inv[k].charge;
  }
  double fit[GHDK_MAX_SPECIES * GHDK_COLL_MAX_INV];
  GHDK_CHECK(ghdk_tba_fit_betas(tba, n, rho_s, nq, charges, fit, NULL));
  for (size_t k = 0; k < c->ninv; k++) {
    size_t j = 0;
    while (charges[j] != c->inv[k].charge)
      j++;
    double sum = 0.0, cnt = 0.0;
    for (size_t a = 0; a < c->ns; a++)
      if (covers(&c->inv[k], a)) {
        sum += fit[a * nq + j];
        cnt += 1.0;
      }
    beta[k] = sum / cnt;
  }
  return GHDK_OK;
}

int ghdk_coll_thermal_equilibrium(const struct ghdk_coll *c, struct ghdk_tba *tba,
                                  const double *rho_p, double *rho_eq, double *beta,
                                  int *have_guess, const double *occ, double *edge)
{
  const size_t size = c->ns * c->n;
  const double *n = occ, *rho_s = occ + size;
  double q[GHDK_COLL_MAX_INV], b[GHDK_COLL_MAX_INV];
  ghdk_coll_invariants(c, tba, rho_p, q, NULL);
  if (!*have_guess)
    GHDK_CHECK(guess_from_fit(c, tba, n, rho_s, beta));
  memcpy(b, beta, c->ninv * sizeof *b);
  int rc = ghdk_tba_match(tba, c->ninv, c->inv, q, b, NULL, rho_eq, edge);
  if (rc != GHDK_OK && *have_guess) {
    /* The previous solution may be far from this state (a rejected trial step): start over. */
    GHDK_CHECK(guess_from_fit(c, tba, n, rho_s, beta));
    memcpy(b, beta, c->ninv * sizeof *b);
    rc = ghdk_tba_match(tba, c->ninv, c->inv, q, b, NULL, rho_eq, edge);
  }
  GHDK_CHECK(rc);
  memcpy(beta, b, c->ninv * sizeof *b);
  *have_guess = 1;
  return GHDK_OK;
}

int ghdk_coll_equilibrium(struct ghdk_coll *c, struct ghdk_tba *tba, const double *rho_p,
                          double *rho_eq, double *beta)
{
  if (c->equilibrium)
    return c->equilibrium(c, rho_p, rho_eq, beta);
  const size_t size = c->ns * c->n;
  double b[GHDK_COLL_MAX_INV];
  int have = 0;
  double *work = malloc(2 * size * sizeof *work);
  if (!work)
    return GHDK_ERROR(GHDK_ERR_NOMEM, "equilibrium workspace");
  int rc = ghdk_tba_occupation(tba, rho_p, work, work + size);
  if (!rc)
    rc = ghdk_coll_thermal_equilibrium(c, tba, rho_p, rho_eq, b, &have, work, NULL);
  free(work);
  if (!rc && beta)
    memcpy(beta, b, c->ninv * sizeof *b);
  return rc;
}

void ghdk_coll_invariants(const struct ghdk_coll *c, const struct ghdk_tba *tba,
                          const double *rho_p, double *q, double *scale)
{
  const struct ghdk_model *m = ghdk_tba_model(tba);
  const struct ghdk_grid *g = ghdk_tba_grid(tba);
  for (size_t k = 0; k < c->ninv; k++) {
    double v = 0.0, sc = 0.0;
    for (size_t a = 0; a < c->ns; a++)
      if (covers(&c->inv[k], a))
        for (size_t j = 0; j < c->n; j++) {
          const double x =
              g->w[j] * rho_p[a * c->n + j] * m->charge(m, a, c->inv[k].charge, g->theta[j]);
          v += x;
          sc += fabs(x);
        }
    q[k] = v;
    if (scale)
      scale[k] = sc;
  }
}

int ghdk_coll_valid(const double *rho_p, size_t size)
{
  double m = 0.0;
  for (size_t i = 0; i < size; i++)
    m = fmax(m, fabs(rho_p[i]));
  for (size_t i = 0; i < size; i++)
    if (!(rho_p[i] >= -GHDK_COLL_NEGATIVE_TOL * m))
      return 0;
  return 1;
}

int ghdk_coll_project(const struct ghdk_coll *c, const struct ghdk_model *m,
                      const struct ghdk_grid *g, const double *rho_p, const double *n, double *drho)
{
  const size_t ni = c->ninv, nn = c->n;
  if (ni == 0)
    return GHDK_OK;
  double gram[GHDK_COLL_MAX_INV * GHDK_COLL_MAX_INV] = {0}, r[GHDK_COLL_MAX_INV] = {0},
                                  lam[GHDK_COLL_MAX_INV];
  /* Gram matrix of the invariants in the metric w rho_p f, and the violations r_k. */
  for (size_t a = 0; a < c->ns; a++) {
    const double sigma = ghdk_stat_sigma(m->statistics(m, a));
    for (size_t j = 0; j < nn; j++) {
      const size_t i = a * nn + j;
      const double wt = g->w[j] * rho_p[i] * (1.0 - sigma * n[i]);
      double gv[GHDK_COLL_MAX_INV];
      for (size_t k = 0; k < ni; k++)
        gv[k] = covers(&c->inv[k], a) ? m->charge(m, a, c->inv[k].charge, g->theta[j]) : 0.0;
      for (size_t k = 0; k < ni; k++) {
        r[k] += g->w[j] * gv[k] * drho[i];
        for (size_t l = 0; l <= k; l++)
          gram[k * ni + l] += wt * gv[k] * gv[l];
      }
    }
  }
  for (size_t k = 0; k < ni; k++)
    for (size_t l = 0; l < k; l++)
      gram[l * ni + k] = gram[k * ni + l];
  gsl_matrix_view gm = gsl_matrix_view_array(gram, ni, ni);
  gsl_vector_view rv = gsl_vector_view_array(r, ni), lv = gsl_vector_view_array(lam, ni);
  if (gsl_linalg_cholesky_decomp1(&gm.matrix) ||
      gsl_linalg_cholesky_solve(&gm.matrix, &rv.vector, &lv.vector))
    return GHDK_ERROR(GHDK_ERR_DOMAIN, "conservative correction: the state has no weight on "
                                       "some collision invariant");
  for (size_t a = 0; a < c->ns; a++) {
    const double sigma = ghdk_stat_sigma(m->statistics(m, a));
    for (size_t j = 0; j < nn; j++) {
      const size_t i = a * nn + j;
      double corr = 0.0;
      for (size_t k = 0; k < ni; k++)
        if (covers(&c->inv[k], a))
          corr += lam[k] * m->charge(m, a, c->inv[k].charge, g->theta[j]);
      drho[i] -= corr * rho_p[i] * (1.0 - sigma * n[i]);
    }
  }
  return GHDK_OK;
}
