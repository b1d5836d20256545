/* SPDX-License-Identifier: BSD-3-Clause */
/* Relaxation-time approximation (physics.md 4.3; Lopez-Piqueres, Ware, Gopalakrishnan, Vasseur,
 * PRB 2021): I = -(rho_p - rho_p^th[rho_p]) / tau, with rho_p^th the boosted thermal TBA state with
 * the same momentum, energy and (optionally) particle number of each species as the cell, on the
 * rapidity window (below). It comes from the inverse problem (ghdk_tba_match, to 1e-12),
 * warm-started from the previous call's solution; the conservative correction removes the
 * remaining mismatch. Any model. */
#include "coll_priv.h"
#include "ghdk/status.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Largest occupation below which a cell counts as empty (no relaxation): the tails of a trapped
 * cloud, where rho_p is the scheme's numerical diffusion and round-off and the inverse problem
 * is ill-conditioned (charges of 1e-21 .. 1e-42 in the Kohn deck, docs/validation.md). At 1e-8
 * the Bragg-split cradle's outermost occupied cells (max n ~ 1e-8) were still relaxed; 1e-6
 * leaves them alone, and they hold a negligible share of the particles. */
#define GHDK_RELAX_DILUTE 1e-6

struct relaxation {
  struct ghdk_coll base;
  const struct ghdk_model *m;
  const struct ghdk_grid *g;
  struct ghdk_tba *tba;
  double tau;
  double beta[GHDK_COLL_MAX_INV]; /* last solution: the next call's initial guess */
  int have_beta;
  double *work, *rho_th; /* work: n and rho_s of the state */
};

static int relax_rhs(struct ghdk_coll *c, const double *rho_p, double *drho)
{
  struct relaxation *s = container_of(c, struct relaxation, base);
  const size_t size = c->ns * c->n;
  if (!ghdk_coll_valid(rho_p, size))
    return GHDK_ERR_DOMAIN;
  if (ghdk_tba_occupation(s->tba, rho_p, s->work, s->work + size) != GHDK_OK)
    return GHDK_ERR_DOMAIN;
  double nmax = 0.0;
  for (size_t i = 0; i < size; i++) {
    if (s->m->statistics(s->m, i / c->n) == GHDK_FERMION && !(s->work[i] < 1.0))
      return GHDK_ERR_DOMAIN;
    nmax = fmax(nmax, s->work[i]);
  }
  /* A nearly empty cell (the tails of a trapped cloud) has no well-defined thermal target: its
   * inverse problem is dominated by round-off and by numerical diffusion at the window edges.
   * The closure is switched off there; such cells hold a negligible fraction of the particles. */
  if (nmax < GHDK_RELAX_DILUTE) {
    memset(drho, 0, size * sizeof *drho);
    return GHDK_OK;
  }
  /* The target is the maximum-entropy state on the rapidity window with the cell's invariants:
   * it exists for every state on the window, and it is the fixed point of any conservative
   * entropy-increasing collision process on the discretised problem. Where the thermal state of
   * the whole line does not fit in the window (hot cells where Bragg-split clouds overlap, dilute
   * cells at a cloud's edge) the window truncates it: counted, and reported by the run. A failed
   * inverse problem means a trial state CVODE should not have tried: recoverable. */
  double edge = 0.0;
  if (ghdk_coll_thermal_equilibrium(c, s->tba, rho_p, s->rho_th, s->beta, &s->have_beta, s->work,
                                    &edge) != GHDK_OK)
    return GHDK_ERR_DOMAIN;
  double mass = 0.0;
  for (size_t i = 0; i < size; i++)
    mass += s->g->w[i % c->n] * rho_p[i];
  c->window.targets++;
  c->window.mass += mass;
  if (edge > GHDK_TBA_EDGE_OCCUPATION) {
    c->window.truncated++;
    c->window.mass_truncated += mass;
    c->window.max_edge = fmax(c->window.max_edge, edge);
  }
  for (size_t i = 0; i < size; i++)
    drho[i] = -(rho_p[i] - s->rho_th[i]) / s->tau;
  /* work still holds the occupation of rho_p. */
  return ghdk_coll_project(c, s->m, s->g, rho_p, s->work, drho);
}

static void relax_free(struct ghdk_coll *c)
{
  struct relaxation *s = container_of(c, struct relaxation, base);
  ghdk_tba_free(s->tba);
  free(s->work);
  free(s->rho_th);
  free(s);
}

int ghdk_relaxation_new(const struct ghdk_coll_inp *inp, struct ghdk_coll **out)
{
  const struct ghdk_model *m = inp->model;
  if (!(inp->tau > 0.0))
    return GHDK_ERROR(GHDK_ERR_INPUT, "relaxation: tau must be > 0, got %g", inp->tau);
  const size_t ns = m->nspecies;
  if (ns + 2 > GHDK_COLL_MAX_INV)
    return GHDK_ERROR(GHDK_ERR_INPUT, "relaxation: at most %d species", GHDK_COLL_MAX_INV - 2);
  struct relaxation *s = calloc(1, sizeof *s);
  if (!s)
    return GHDK_ERROR(GHDK_ERR_NOMEM, "relaxation kernel");
  const size_t size = ns * inp->grid->n;
  s->work = malloc(2 * size * sizeof(double));
  s->rho_th = malloc(size * sizeof(double));
  int rc = (s->work && s->rho_th) ? GHDK_OK : GHDK_ERR_NOMEM;
  if (!rc)
    rc = ghdk_tba_new(
        &(struct ghdk_tba_inp){
            .model = m, .grid = inp->grid, .method = inp->dressing, .tol = inp->dress_tol},
        &s->tba);
  if (!rc)
    ghdk_tba_set_quiet(s->tba, 1);
  if (rc) {
    relax_free(&s->base);
    return rc == GHDK_ERR_NOMEM ? GHDK_ERROR(rc, "relaxation workspace") : rc;
  }
  s->m = m;
  s->g = inp->grid;
  s->tau = inp->tau;
  s->base = (struct ghdk_coll){
      .name = "relaxation", .ns = ns, .n = inp->grid->n, .rhs = relax_rhs, .free = relax_free};
  if (inp->conserve_number)
    for (size_t a = 0; a < ns; a++)
      s->base.inv[s->base.ninv++] = (struct ghdk_constraint){0, 1u << a};
  s->base.inv[s->base.ninv++] = (struct ghdk_constraint){1, 0};
  s->base.inv[s->base.ninv++] = (struct ghdk_constraint){2, 0};
  *out = &s->base;
  return GHDK_OK;
}
