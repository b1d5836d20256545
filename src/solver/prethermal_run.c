/* SPDX-License-Identifier: BSD-3-Clause */
/* The pre-thermal phi^4 quench (kind "prethermal", physics.md 6): the free boson in the deck's
 * initial state (vacuum, thermal or GGE; one cell), the charges q_i(t) = q_i(0) + dq_i(t) of
 * SM (10) at the output instants. At order lambda^2 the state itself does not change, so rho_p
 * and n are the initial ones in every record; q carries the evolution. */
#include "ghdk/app.h"
#include "ghdk/prethermal.h"
#include "ghdk/status.h"
#include "solver_priv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int ghdk_run_prethermal(const struct ghdk_problem *p, const struct ghdk_run_opts *o)
{
  if (strcmp(p->model_name, "free_boson") != 0 || p->nx != 1)
    return GHDK_ERROR(GHDK_ERR_INPUT,
                      "%s: kind 'prethermal' is the phi^4 quench of one homogeneous free_boson "
                      "cell (model.name = free_boson, space.nx = 1)",
                      p->deck_path);
  enum ghdk_phi4_coeffs coeffs;
  GHDK_CHECK(ghdk_phi4_coeffs_parse(p->pre_coefficients, &coeffs));
  struct ghdk_setup s;
  GHDK_CHECK(ghdk_setup_new(p, &s));
  struct ghdk_frame f;
  int rc = ghdk_frame_new(p, &s, &f);
  if (rc) {
    ghdk_setup_free(&s);
    return rc;
  }
  double *y = malloc(s.n * sizeof *y);
  struct ghdk_phi4 *phi4 = NULL;
  struct ghdk_output *out = NULL;
  if (!y)
    rc = GHDK_ERROR(GHDK_ERR_NOMEM, "prethermal state");
  if (!rc)
    rc = ghdk_initial_state(p, &s, y);
  if (!rc)
    rc = ghdk_frame_fill(&f, p, &s, y);
  /* The spectral densities are tabulated once (the expensive step) before the file exists. */
  if (!rc) {
    rc = ghdk_phi4_new(&(struct ghdk_phi4_inp){.model = s.model,
                                               .grid = s.grid,
                                               .n0 = f.occ,
                                               .ncharge = p->ncharge,
                                               .charges = p->charges,
                                               .coeffs = coeffs,
                                               .lambda = p->pre_lambda,
                                               .nquad = p->pre_nquad,
                                               .ncheb = p->pre_ncheb,
                                               .tol = p->pre_tol},
                       &phi4);
  }
  const char *path = o->output ? o->output : p->output;
  if (!rc)
    rc = ghdk_frame_output(&f, p, &s, path, o->history, "t", "phi4_prethermal", 0, 0.0, &out);
  double q0[GHDK_MAX_CHARGES], dq[GHDK_MAX_CHARGES];
  memcpy(q0, f.q, p->ncharge * sizeof *q0);
  for (size_t k = 0; k <= p->n_out && !rc; k++) {
    const double t = k ? ghdk_output_time(p, k) : 0.0;
    rc = ghdk_phi4_delta_q(phi4, t, dq);
    for (size_t c = 0; c < p->ncharge && !rc; c++)
      f.q[c] = q0[c] + dq[c];
    if (!rc)
      rc = ghdk_frame_write(&f, p, out, t);
  }
  if (!rc) {
    ghdk_phi4_plateau(phi4, dq);
    for (size_t c = 0; c < p->ncharge && !rc; c++) {
      char name[48];
      snprintf(name, sizeof name, "prethermal_plateau_dq%d", p->charges[c]);
      rc = ghdk_output_set_stat(out, name, dq[c]);
    }
    if (!rc && !o->quiet) {
      fprintf(stderr, "ghdk: phi^4 pre-thermal quench (%s coefficients, lambda = %g) to t = %g:",
              ghdk_phi4_coeffs_name(coeffs), p->pre_lambda, p->t_end);
      for (size_t c = 0; c < p->ncharge; c++)
        fprintf(stderr, " q_%d: %.6g -> %.6g (plateau %+.6g)", p->charges[c], q0[c], f.q[c], dq[c]);
      fprintf(stderr, "\nghdk: wrote %zu records to %s\n", p->n_out + 1, path);
    }
  }
  if (out) {
    const int rc2 = ghdk_output_close(out);
    rc = rc ? rc : rc2;
  }
  ghdk_phi4_free(phi4);
  free(y);
  ghdk_frame_free(&f);
  ghdk_setup_free(&s);
  return rc;
}
