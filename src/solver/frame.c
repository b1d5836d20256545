/* SPDX-License-Identifier: BSD-3-Clause */
/* Output frames: per-cell TBA diagnostics of a field, gathered into the output contract's layout
 * ([species][x][...]) and written as one record. Shared by every run kind. */
#include "ghdk/status.h"
#include "solver_priv.h"

#include <stdlib.h>
#include <string.h>

/* Copy one cell's per-species block (stacked [species][len]) into a contract-layout field
 * [species][x][len]. */
static void scatter(const double *cell, size_t ns, size_t nx, size_t i, size_t len, double *field)
{
  for (size_t a = 0; a < ns; a++)
    memcpy(field + (a * nx + i) * len, cell + a * len, len * sizeof *cell);
}

void ghdk_frame_free(struct ghdk_frame *f)
{
  free(f->rho_p), free(f->occ), free(f->v_eff), free(f->q), free(f->j), free(f->beta);
  free(f->ent), free(f->x), free(f->dx), free(f->work);
  memset(f, 0, sizeof *f);
}

int ghdk_frame_new(const struct ghdk_problem *p, const struct ghdk_setup *s, struct ghdk_frame *f)
{
  memset(f, 0, sizeof *f);
  f->ns = s->ns;
  f->nt = s->n;
  f->nx = s->nx;
  f->nq = p->ncharge;
  const size_t field = f->nx * f->ns * f->nt, qs = f->nx * f->ns * f->nq;
  f->rho_p = malloc(field * sizeof(double));
  f->occ = malloc(field * sizeof(double));
  f->v_eff = malloc(field * sizeof(double));
  f->q = malloc(qs * sizeof(double));
  f->j = malloc(qs * sizeof(double));
  f->beta = calloc(qs, sizeof(double)); /* gathered whole even when nothing fits it */
  f->ent = malloc(f->nx * f->ns * sizeof(double));
  f->x = malloc(f->nx * sizeof(double));
  f->dx = malloc(f->nx * sizeof(double));
  f->work = malloc(3 * f->ns * f->nt * sizeof(double));
  if (!f->rho_p || !f->occ || !f->v_eff || !f->q || !f->j || !f->beta || !f->ent || !f->x ||
      !f->dx || !f->work) {
    ghdk_frame_free(f);
    return GHDK_ERROR(GHDK_ERR_NOMEM, "output frame of %zu cells x %zu species x %zu nodes", s->nx,
                      s->ns, s->n);
  }
  for (size_t i = 0; i < f->nx; i++) {
    f->x[i] = ghdk_cell_centre(p, i);
    f->dx[i] = (p->x_max - p->x_min) / (double)f->nx;
  }
  return GHDK_OK;
}

int ghdk_frame_fill(struct ghdk_frame *f, const struct ghdk_problem *p, struct ghdk_setup *s,
                    const double *y)
{
  return ghdk_frame_fill_cells(f, p, s, y, 0, f->nx);
}

int ghdk_frame_fill_cells(struct ghdk_frame *f, const struct ghdk_problem *p, struct ghdk_setup *s,
                          const double *y, size_t i0, size_t ncell)
{
  const size_t cell = f->ns * f->nt, nq = f->nq;
  double *nc = f->work, *vc = f->work + cell, *rs = f->work + 2 * cell;
  for (size_t i = i0; i < i0 + ncell; i++) {
    const double *rp = y + (i - i0) * cell;
    GHDK_CHECK(ghdk_tba_occupation(s->tba, rp, nc, rs));
    GHDK_CHECK(ghdk_tba_veff(s->tba, nc, vc, NULL));
    double qi[GHDK_MAX_SPECIES * GHDK_MAX_CHARGES], ji[GHDK_MAX_SPECIES * GHDK_MAX_CHARGES];
    double bi[GHDK_MAX_SPECIES * GHDK_MAX_CHARGES], si[GHDK_MAX_SPECIES];
    ghdk_tba_charges(s->tba, rp, vc, nq, p->charges, qi, ji);
    ghdk_tba_entropy(s->tba, rs, nc, si);
    if (p->fit_betas)
      GHDK_CHECK(ghdk_tba_fit_betas(s->tba, nc, rs, nq, p->charges, bi, NULL));
    scatter(rp, f->ns, f->nx, i, f->nt, f->rho_p);
    scatter(nc, f->ns, f->nx, i, f->nt, f->occ);
    scatter(vc, f->ns, f->nx, i, f->nt, f->v_eff);
    scatter(qi, f->ns, f->nx, i, nq, f->q);
    scatter(ji, f->ns, f->nx, i, nq, f->j);
    scatter(si, f->ns, f->nx, i, 1, f->ent);
    if (p->fit_betas)
      scatter(bi, f->ns, f->nx, i, nq, f->beta);
  }
  return GHDK_OK;
}

int ghdk_frame_gather(struct ghdk_frame *f, const struct ghdk_par *par)
{
  struct {
    double *v;
    size_t len;
  } fields[] = {{f->rho_p, f->nt}, {f->occ, f->nt},  {f->v_eff, f->nt}, {f->q, f->nq},
                {f->j, f->nq},     {f->beta, f->nq}, {f->ent, 1}};
  /* [species][x][len]: each species' slab of a field is one contiguous block. */
  for (size_t k = 0; k < sizeof fields / sizeof fields[0]; k++)
    for (size_t a = 0; a < f->ns && fields[k].len; a++) {
      double *sp = fields[k].v + a * f->nx * fields[k].len;
      GHDK_CHECK(ghdk_par_gather(par, sp + par->i0 * fields[k].len, sp, fields[k].len));
    }
  return GHDK_OK;
}

int ghdk_frame_output(const struct ghdk_frame *f, const struct ghdk_problem *p,
                      const struct ghdk_setup *s, const char *path, const char *history,
                      const char *time_scaling, const char *collision, size_t nrec, double t_last,
                      struct ghdk_output **out)
{
  char names[GHDK_MAX_CHARGES][32];
  const char *cn[GHDK_MAX_CHARGES];
  for (size_t c = 0; c < f->nq; c++)
    cn[c] = s->model->charge_name(s->model, p->charges[c], names[c], sizeof names[c]);
  const struct ghdk_output_inp inp = {.path = path,
                                      .nspecies = f->ns,
                                      .nx = f->nx,
                                      .ntheta = f->nt,
                                      .ncharge = f->nq,
                                      .x = f->x,
                                      .dx = f->dx,
                                      .potential = p->potential,
                                      .theta = s->grid->theta,
                                      .theta_weight = s->grid->w,
                                      .charges = p->charges,
                                      .charge_names = cn,
                                      .time_scaling = time_scaling,
                                      .model = p->model_name,
                                      .collision = collision,
                                      .deck_text = p->deck_text,
                                      .history = history ? history : "",
                                      .nparam = p->nparam,
                                      .param = p->param,
                                      .write_n = p->write_n,
                                      .write_veff = p->write_veff,
                                      .write_j = 1,
                                      .write_beta = p->fit_betas};
  return nrec ? ghdk_output_reopen(&inp, nrec, t_last, out) : ghdk_output_new(&inp, out);
}

int ghdk_frame_write(const struct ghdk_frame *f, const struct ghdk_problem *p,
                     struct ghdk_output *out, double t)
{
  return ghdk_output_write(out, &(struct ghdk_record){.time = t,
                                                      .rho_p = f->rho_p,
                                                      .n = f->occ,
                                                      .v_eff = f->v_eff,
                                                      .q = f->q,
                                                      .j = f->j,
                                                      .beta = p->fit_betas ? f->beta : NULL,
                                                      .entropy = f->ent});
}
