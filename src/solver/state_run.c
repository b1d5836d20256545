/* SPDX-License-Identifier: BSD-3-Clause */
/* The "state" run: every cell's initial state (thermal with local-density chemical potential,
 * GGE, or a source W from the deck), its TBA diagnostics, one netCDF record. */
#include "ghdk/app.h"
#include "ghdk/output.h"
#include "ghdk/status.h"
#include "ghdk/tba.h"
#include "solver_priv.h"

#include <stdlib.h>
#include <string.h>

int ghdk_run_state(const struct ghdk_problem *p, const struct ghdk_run_opts *o)
{
  struct ghdk_setup s;
  GHDK_CHECK(ghdk_setup_new(p, &s));
  struct ghdk_frame f;
  struct ghdk_output *out = NULL;
  double *y = malloc(s.nx * s.ns * s.n * sizeof(double));
  int rc = y ? ghdk_frame_new(p, &s, &f) : GHDK_ERROR(GHDK_ERR_NOMEM, "state of %zu cells", s.nx);
  if (rc) {
    free(y);
    ghdk_setup_free(&s);
    return rc;
  }
  /* Every state and its diagnostics before the file exists: bad input leaves no file. */
  rc = ghdk_initial_state(p, &s, y);
  if (!rc)
    rc = ghdk_frame_fill(&f, p, &s, y);
  const char *path = o->output ? o->output : p->output;
  if (!rc)
    rc = ghdk_frame_output(&f, p, &s, path, o->history, "t", "none", 0, 0.0, &out);
  if (!rc)
    rc = ghdk_frame_write(&f, p, out, 0.0);
  if (!rc && !o->quiet)
    fprintf(stderr, "ghdk: wrote the state of %zu cell(s) x %zu species x %zu rapidities to %s\n",
            s.nx, s.ns, s.n, path);
  if (out) {
    const int rc2 = ghdk_output_close(out);
    rc = rc ? rc : rc2;
  }
  free(y);
  ghdk_frame_free(&f);
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
