/* SPDX-License-Identifier: BSD-3-Clause */
/* Set-up shared by the run kinds: model, grid, TBA workspace, and each cell's initial state
 * (thermal with local-density chemical potential, GGE, or a source W from the deck). */
#include "ghdk/status.h"
#include "solver_priv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void ghdk_setup_free(struct ghdk_setup *s)
{
  ghdk_tba_free(s->tba);
  ghdk_grid_free(s->grid);
  ghdk_model_free(s->model);
}

int ghdk_setup_new(const struct ghdk_problem *p, struct ghdk_setup *s)
{
  memset(s, 0, sizeof *s);
  int rc = ghdk_model_new(&p->model, &s->model);
  if (!rc)
    rc = ghdk_grid_new(&p->grid, &s->grid);
  if (!rc)
    rc = ghdk_tba_new(
        &(struct ghdk_tba_inp){
            .model = s->model, .grid = s->grid, .method = p->dressing, .tol = p->dress_tol},
        &s->tba);
  if (rc) {
    ghdk_setup_free(s);
    return rc;
  }
  s->ns = s->model->nspecies;
  s->n = s->grid->n;
  s->nx = p->nx;
  return GHDK_OK;
}

double ghdk_cell_centre(const struct ghdk_problem *p, size_t i)
{
  return p->x_min + ((double)i + 0.5) * (p->x_max - p->x_min) / (double)p->nx;
}

/* Source W of cell i (all species) into w; the trap enters thermal states as mu -> mu - V(x). */
static int cell_source(const struct ghdk_problem *p, const struct ghdk_setup *s, size_t i,
                       double *w)
{
  const double v = p->potential ? p->potential[i] : 0.0;
  for (size_t a = 0; a < s->ns; a++) {
    const struct ghdk_state_spec *st = &p->state[a];
    double *wa = w + a * s->n;
    switch (st->kind) {
    case GHDK_STATE_THERMAL:
      ghdk_tba_thermal_source(s->tba, a, st->T, st->mu - v, st->nu, wa);
      break;
    case GHDK_STATE_GGE:
      ghdk_tba_gge_source(s->tba, a, st->nbeta, st->beta, wa);
      break;
    case GHDK_STATE_SOURCE:
      memcpy(wa, p->source_w + (a * s->nx + i) * s->n, s->n * sizeof *wa);
      break;
    case GHDK_STATE_VACUUM:
      /* n = e^-W underflows to exactly 0 (and F(W) with it) for any statistics. */
      for (size_t k = 0; k < s->n; k++)
        wa[k] = 1e300;
      break;
    }
  }
  return GHDK_OK;
}

/* The state of cell i: n and rho_p. A source outside the domain of the statistics is the
 * deck's fault: report it as bad input naming the cell. */
int ghdk_cell_state(const struct ghdk_problem *p, struct ghdk_setup *s, size_t i, double *w,
                    double *n, double *rho_p)
{
  cell_source(p, s, i, w);
  const int rc = ghdk_tba_gge(s->tba, w, NULL, n, rho_p);
  if (rc == GHDK_ERR_DOMAIN)
    return GHDK_ERROR(GHDK_ERR_INPUT,
                      "%s: the state of cell %zu (x = %g) is not valid for the model (for bosons W "
                      "must be > 0 at every rapidity: check state.mu, state.beta or state.W)",
                      p->deck_path, i, ghdk_cell_centre(p, i));
  return rc;
}

int ghdk_initial_state(const struct ghdk_problem *p, struct ghdk_setup *s, double *y)
{
  const size_t cell = s->ns * s->n;
  double *w = malloc(2 * cell * sizeof *w);
  if (!w)
    return GHDK_ERROR(GHDK_ERR_NOMEM, "initial state");
  int rc = GHDK_OK;
  for (size_t i = 0; i < s->nx && !rc; i++)
    rc = ghdk_cell_state(p, s, i, w, w + cell, y + i * cell);
  /* Bragg pulse: rho_p(theta) -> [rho_p(theta - q) + rho_p(theta + q)]/2, by linear interpolation
   * on the uniform grid (exact when q is a multiple of the spacing), zero outside the window. */
  if (!rc && p->bragg_q > 0) {
    const struct ghdk_grid *g = s->grid;
    for (size_t i = 0; i < s->nx; i++)
      for (size_t a = 0; a < s->ns; a++) {
        double *r = y + i * cell + a * s->n;
        memcpy(w, r, s->n * sizeof *w);
        for (size_t k = 0; k < s->n; k++) {
          double sum = 0.0;
          for (int sg = -1; sg <= 1; sg += 2) {
            const double u = (g->theta[k] + sg * p->bragg_q - g->theta[0]) / g->h;
            const double fl = floor(u);
            const ptrdiff_t j = (ptrdiff_t)fl;
            const double f = u - fl;
            if (j >= 0 && j < (ptrdiff_t)s->n)
              sum += (1 - f) * w[j];
            if (j + 1 >= 0 && j + 1 < (ptrdiff_t)s->n)
              sum += f * w[j + 1];
          }
          r[k] = 0.5 * sum;
        }
      }
  }
  free(w);
  return rc;
}

double ghdk_output_time(const struct ghdk_problem *p, size_t k)
{
  if (!p->log_spacing)
    return p->t_end * (double)k / (double)p->n_out;
  if (p->n_out == 1)
    return p->t_end;
  return p->t_first * pow(p->t_end / p->t_first, (double)(k - 1) / (double)(p->n_out - 1));
}
