/* SPDX-License-Identifier: BSD-3-Clause */
/* The "state" run: every cell's initial state (thermal with local-density chemical potential,
 * GGE, or a source W from the deck), its TBA diagnostics, one netCDF record. */
#include "ghdk/app.h"
#include "ghdk/output.h"
#include "ghdk/status.h"
#include "ghdk/tba.h"
#include "solver_priv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Copy one cell's per-species block (stacked [species][len]) into a contract-layout field
 * [species][x][len]. */
static void scatter(const double *cell, size_t ns, size_t nx, size_t i, size_t len, double *field)
{
  for (size_t a = 0; a < ns; a++)
    memcpy(field + (a * nx + i) * len, cell + a * len, len * sizeof *cell);
}

int ghdk_run_state(const struct ghdk_problem *p, const struct ghdk_run_opts *o)
{
  struct ghdk_setup s;
  GHDK_CHECK(ghdk_setup_new(p, &s));
  const size_t ns = s.ns, n = s.n, nx = s.nx, nq = p->ncharge, cell = ns * n;
  const size_t field = nx * cell, qsize = nx * ns * nq;
  double *rho_p = malloc(field * sizeof(double)), *nocc = malloc(field * sizeof(double));
  double *veff = malloc(field * sizeof(double)), *q = malloc(qsize * sizeof(double));
  double *j = malloc(qsize * sizeof(double)), *beta = malloc(qsize * sizeof(double));
  double *ent = malloc(nx * ns * sizeof(double)), *x = malloc(nx * sizeof(double));
  double *dx = malloc(nx * sizeof(double)), *cw = malloc(5 * cell * sizeof(double));
  struct ghdk_output *out = NULL;
  int rc = GHDK_OK;
  if (!rho_p || !nocc || !veff || !q || !j || !beta || !ent || !x || !dx || !cw) {
    rc = GHDK_ERROR(GHDK_ERR_NOMEM, "fields of %zu cells x %zu species x %zu nodes", nx, ns, n);
    goto done;
  }
  /* One cell at a time in cell-local buffers, scattered into the output layout. */
  double *w = cw, *nc = cw + cell, *rpc = cw + 2 * cell, *vc = cw + 3 * cell, *rs = cw + 4 * cell;
  for (size_t i = 0; i < nx; i++) {
    x[i] = ghdk_cell_centre(p, i);
    dx[i] = (p->x_max - p->x_min) / (double)nx;
    rc = ghdk_cell_state(p, &s, i, w, nc, rpc);
    if (!rc)
      rc = ghdk_tba_veff(s.tba, nc, vc, rs);
    if (rc)
      goto done;
    for (size_t k = 0; k < cell; k++)
      rs[k] /= 2.0 * GHDK_PI; /* (p')^dr = 2 pi rho_s */
    double qi[GHDK_MAX_SPECIES * GHDK_MAX_CHARGES], ji[GHDK_MAX_SPECIES * GHDK_MAX_CHARGES];
    double bi[GHDK_MAX_SPECIES * GHDK_MAX_CHARGES], si[GHDK_MAX_SPECIES];
    ghdk_tba_charges(s.tba, rpc, vc, nq, p->charges, qi, ji);
    ghdk_tba_entropy(s.tba, rs, nc, si);
    if (p->fit_betas && (rc = ghdk_tba_fit_betas(s.tba, nc, rs, nq, p->charges, bi, NULL)))
      goto done;
    scatter(rpc, ns, nx, i, n, rho_p);
    scatter(nc, ns, nx, i, n, nocc);
    scatter(vc, ns, nx, i, n, veff);
    scatter(qi, ns, nx, i, nq, q);
    scatter(ji, ns, nx, i, nq, j);
    scatter(si, ns, nx, i, 1, ent);
    if (p->fit_betas)
      scatter(bi, ns, nx, i, nq, beta);
  }
  char names[GHDK_MAX_CHARGES][32];
  const char *cn[GHDK_MAX_CHARGES];
  for (size_t c = 0; c < nq; c++)
    cn[c] = s.model->charge_name(s.model, p->charges[c], names[c], sizeof names[c]);
  const struct ghdk_output_inp oi = {
      .path = o->output ? o->output : p->output,
      .nspecies = ns,
      .nx = nx,
      .ntheta = n,
      .ncharge = nq,
      .x = x,
      .dx = dx,
      .theta = s.grid->theta,
      .theta_weight = s.grid->w,
      .charges = p->charges,
      .charge_names = cn,
      .time_scaling = "t",
      .model = p->model_name,
      .collision = "none",
      .deck_text = p->deck_text,
      .history = o->history ? o->history : "",
      .nparam = p->nparam,
      .param = p->param,
      .write_n = p->write_n,
      .write_veff = p->write_veff,
      .write_j = 1,
      .write_beta = p->fit_betas,
  };
  rc = ghdk_output_new(&oi, &out);
  if (!rc)
    rc = ghdk_output_write(out, &(struct ghdk_record){.time = 0.0,
                                                      .rho_p = rho_p,
                                                      .n = nocc,
                                                      .v_eff = veff,
                                                      .q = q,
                                                      .j = j,
                                                      .beta = p->fit_betas ? beta : NULL,
                                                      .entropy = ent});
  if (!rc && !o->quiet)
    fprintf(stderr, "ghdk: wrote the state of %zu cell(s) x %zu species x %zu rapidities to %s\n",
            nx, ns, n, oi.path);
done:
  if (out) {
    const int rc2 = ghdk_output_close(out);
    rc = rc ? rc : rc2;
  }
  free(rho_p), free(nocc), free(veff), free(q), free(j), free(beta), free(ent), free(x);
  free(dx), free(cw);
  ghdk_setup_free(&s);
  return rc;
}

int ghdk_print_tba(const struct ghdk_problem *p, FILE *f)
{
  struct ghdk_setup s;
  GHDK_CHECK(ghdk_setup_new(p, &s));
  const size_t cell = s.ns * s.n;
  double *w = malloc(cell * sizeof(double)), *nocc = malloc(cell * sizeof(double));
  double *rp = malloc(cell * sizeof(double)), *rs = malloc(cell * sizeof(double));
  int rc = (w && nocc && rp && rs) ? GHDK_OK : GHDK_ERROR(GHDK_ERR_NOMEM, "tba state");
  fprintf(f, "# %s: model %s, %zu species, grid %s [%g, %g] N = %zu, dressing %s\n", p->deck_path,
          p->model_name, s.ns, ghdk_quad_rule_name(s.grid->rule), s.grid->a, s.grid->b, s.n,
          ghdk_tba_uses_fft(s.tba) ? "fft" : "dense/none");
  fprintf(f, "# %-12s %-7s %-22s %-22s %-22s %-22s %-22s %s\n", "x", "species", "density",
          "momentum", "energy", "entropy", "phi = int p' F/(2pi)", "pressure");
  for (size_t i = 0; i < s.nx && !rc; i++) {
    rc = ghdk_cell_state(p, &s, i, w, nocc, rp);
    if (!rc)
      rc = ghdk_tba_rho_s(s.tba, rp, rs);
    if (rc)
      break;
    const int c0 = 0;
    double d[GHDK_MAX_SPECIES], mom[GHDK_MAX_SPECIES], en[GHDK_MAX_SPECIES], ent[GHDK_MAX_SPECIES],
        phi[GHDK_MAX_SPECIES];
    ghdk_tba_charges(s.tba, rp, NULL, 1, &c0, d, NULL);
    ghdk_tba_momentum_energy(s.tba, rp, mom, en);
    ghdk_tba_entropy(s.tba, rs, nocc, ent);
    ghdk_tba_free_energy(s.tba, nocc, phi);
    for (size_t a = 0; a < s.ns; a++) {
      fprintf(f, "  %-12.6g %-7zu %-22.15e %-22.15e %-22.15e %-22.15e %-22.15e ",
              ghdk_cell_centre(p, i), a + 1, d[a], mom[a], en[a], ent[a], phi[a]);
      if (p->state[a].kind == GHDK_STATE_THERMAL)
        fprintf(f, "%.15e\n", p->state[a].T * phi[a]);
      else
        fprintf(f, "-\n");
    }
  }
  free(w), free(nocc), free(rp), free(rs);
  ghdk_setup_free(&s);
  return rc;
}
