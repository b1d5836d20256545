/* SPDX-License-Identifier: BSD-3-Clause */
/* The homogeneous quench: one cell, d rho_p / d tbar = I[rho_p], integrated by CVODE (BDF with a
 * dense difference-quotient Jacobian or matrix-free GMRES). This is the single-cell, no-flux
 * case of the inhomogeneous right-hand side: the same kernel object is called. Output: one record
 * per output instant (rho_p, n, charges, entropy, fitted beta_i), then a run summary (final
 * charges, drift of the collision invariants, CVODE statistics) on stderr and as attributes. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include "ghdk/app.h"
#include "ghdk/kinetic.h"
#include "ghdk/output.h"
#include "ghdk/status.h"
#include "solver_priv.h"

#include <cvode/cvode.h>
#include <math.h>
#include <nvector/nvector_serial.h>
#include <stdlib.h>
#include <string.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunlinsol/sunlinsol_spgmr.h>
#include <sunmatrix/sunmatrix_dense.h>
#include <time.h>

static double wall_seconds(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Above this many unknowns "auto" picks GMRES: a dense Jacobian costs one rhs per unknown. */
enum { DENSE_MAX = 1024 };

struct quench {
  const struct ghdk_problem *p;
  struct ghdk_setup s;
  struct ghdk_coll *coll;
  size_t size, nq;
  double *n, *rho_s, *veff, *q, *beta, *ent;
};

/* CVODE's right-hand side: 0 ok, > 0 recoverable (invalid state: CVODE retries with a smaller
 * step), < 0 fatal. */
static int cv_rhs(sunrealtype t, N_Vector y, N_Vector ydot, void *data)
{
  (void)t;
  struct ghdk_coll *coll = data;
  const int rc = coll->rhs(coll, N_VGetArrayPointer(y), N_VGetArrayPointer(ydot));
  return rc == GHDK_OK ? 0 : (rc == GHDK_ERR_DOMAIN ? 1 : -1);
}

/* Diagnostics of rho_p into the quench's buffers and one output record. */
static int record(struct quench *qu, struct ghdk_output *out, double t, const double *rho_p)
{
  const struct ghdk_problem *p = qu->p;
  struct ghdk_tba *tba = qu->s.tba;
  GHDK_CHECK(ghdk_tba_occupation(tba, rho_p, qu->n, qu->rho_s));
  if (p->write_veff)
    GHDK_CHECK(ghdk_tba_veff(tba, qu->n, qu->veff, NULL));
  ghdk_tba_charges(tba, rho_p, NULL, qu->nq, p->charges, qu->q, NULL);
  ghdk_tba_entropy(tba, qu->rho_s, qu->n, qu->ent);
  if (p->fit_betas)
    GHDK_CHECK(ghdk_tba_fit_betas(tba, qu->n, qu->rho_s, qu->nq, p->charges, qu->beta, NULL));
  return ghdk_output_write(out, &(struct ghdk_record){.time = t,
                                                      .rho_p = rho_p,
                                                      .n = qu->n,
                                                      .v_eff = qu->veff,
                                                      .q = qu->q,
                                                      .beta = p->fit_betas ? qu->beta : NULL,
                                                      .entropy = qu->ent});
}

static double output_time(const struct ghdk_problem *p, size_t k)
{
  if (!p->log_spacing)
    return p->t_end * (double)k / (double)p->n_out;
  if (p->n_out == 1)
    return p->t_end;
  return p->t_first * pow(p->t_end / p->t_first, (double)(k - 1) / (double)(p->n_out - 1));
}

static void quench_free(struct quench *qu)
{
  ghdk_coll_free(qu->coll);
  free(qu->n), free(qu->rho_s), free(qu->veff), free(qu->q), free(qu->beta), free(qu->ent);
  ghdk_setup_free(&qu->s);
}

int ghdk_run_homogeneous(const struct ghdk_problem *p, const struct ghdk_run_opts *o)
{
  if (p->nx != 1)
    return GHDK_ERROR(GHDK_ERR_INPUT,
                      "%s: kind 'homogeneous' is one cell: space.nx must be 1 "
                      "(got %zu)",
                      p->deck_path, p->nx);
  struct quench qu = {.p = p, .nq = p->ncharge};
  GHDK_CHECK(ghdk_setup_new(p, &qu.s));
  const size_t ns = qu.s.ns, n = qu.s.n;
  qu.size = ns * n;
  int rc = ghdk_coll_new(&(struct ghdk_coll_inp){.name = p->coll_name,
                                                 .model = qu.s.model,
                                                 .grid = qu.s.grid,
                                                 .dressing = p->dressing,
                                                 .dress_tol = p->dress_tol,
                                                 .coefficients = p->coll_coefficients,
                                                 .quad_order = p->coll_quad_order,
                                                 .tau = p->coll_tau,
                                                 .conserve_number = p->coll_conserve_number},
                         &qu.coll);
  qu.n = malloc(qu.size * sizeof(double));
  qu.rho_s = malloc(qu.size * sizeof(double));
  qu.veff = malloc(qu.size * sizeof(double));
  qu.q = malloc(ns * qu.nq * sizeof(double));
  qu.beta = malloc(ns * qu.nq * sizeof(double));
  qu.ent = malloc(ns * sizeof(double));
  if (!rc && !(qu.n && qu.rho_s && qu.veff && qu.q && qu.beta && qu.ent))
    rc = GHDK_ERROR(GHDK_ERR_NOMEM, "quench buffers");
  SUNContext ctx = NULL;
  N_Vector y = NULL;
  SUNMatrix A = NULL;
  SUNLinearSolver LS = NULL;
  void *cv = NULL;
  struct ghdk_output *out = NULL;
  double *w = malloc(qu.size * sizeof(double));
  if (!rc && !w)
    rc = GHDK_ERROR(GHDK_ERR_NOMEM, "quench buffers");
  if (!rc && SUNContext_Create(NULL, &ctx))
    rc = GHDK_ERROR(GHDK_ERR_LIB, "SUNContext_Create");
  if (!rc && !(y = N_VNew_Serial((sunindextype)qu.size, ctx)))
    rc = GHDK_ERROR(GHDK_ERR_NOMEM, "CVODE state vector");
  /* The initial state is built (and checked) before the output file exists. */
  if (!rc)
    rc = ghdk_cell_state(p, &qu.s, 0, w, qu.n, N_VGetArrayPointer(y));
  double *rho = rc ? NULL : N_VGetArrayPointer(y);
  double inv0[GHDK_COLL_MAX_INV], inv1[GHDK_COLL_MAX_INV], isc[GHDK_COLL_MAX_INV], scale = 0.0;
  if (!rc) {
    ghdk_coll_invariants(qu.coll, qu.s.tba, rho, inv0, isc);
    for (size_t i = 0; i < qu.size; i++)
      scale = fmax(scale, rho[i]);
  }
  const int dense = p->linear_solver == 1 || (p->linear_solver == 0 && qu.size <= DENSE_MAX);
  if (!rc) {
    cv = CVodeCreate(CV_BDF, ctx);
    if (!cv || CVodeInit(cv, cv_rhs, 0.0, y) || CVodeSetUserData(cv, qu.coll) ||
        CVodeSStolerances(cv, p->rtol, p->atol * scale) ||
        CVodeSetMaxNumSteps(cv, (long)p->max_steps))
      rc = GHDK_ERROR(GHDK_ERR_LIB, "CVODE set-up");
  }
  if (!rc) {
    if (dense) {
      A = SUNDenseMatrix((sunindextype)qu.size, (sunindextype)qu.size, ctx);
      LS = A ? SUNLinSol_Dense(y, A, ctx) : NULL;
    } else {
      LS = SUNLinSol_SPGMR(y, SUN_PREC_NONE, 30, ctx);
    }
    if (!LS || CVodeSetLinearSolver(cv, LS, A))
      rc = GHDK_ERROR(GHDK_ERR_LIB, "CVODE linear solver");
  }
  char names[GHDK_MAX_CHARGES][32];
  const char *cn[GHDK_MAX_CHARGES];
  for (size_t c = 0; c < qu.nq; c++)
    cn[c] = qu.s.model->charge_name(qu.s.model, p->charges[c], names[c], sizeof names[c]);
  const double x0 = ghdk_cell_centre(p, 0), dx = p->x_max - p->x_min;
  if (!rc)
    rc = ghdk_output_new(&(struct ghdk_output_inp){.path = o->output ? o->output : p->output,
                                                   .nspecies = ns,
                                                   .nx = 1,
                                                   .ntheta = n,
                                                   .ncharge = qu.nq,
                                                   .x = &x0,
                                                   .dx = &dx,
                                                   .theta = qu.s.grid->theta,
                                                   .theta_weight = qu.s.grid->w,
                                                   .charges = p->charges,
                                                   .charge_names = cn,
                                                   .time_scaling = "tbar",
                                                   .model = p->model_name,
                                                   .collision = p->coll_name,
                                                   .deck_text = p->deck_text,
                                                   .history = o->history ? o->history : "",
                                                   .nparam = p->nparam,
                                                   .param = p->param,
                                                   .write_n = p->write_n,
                                                   .write_veff = p->write_veff,
                                                   .write_beta = p->fit_betas},
                         &out);
  if (!rc)
    rc = record(&qu, out, 0.0, rho);
  const double t_start = wall_seconds();
  double t_shown = t_start;
  int progress = 0;
  for (size_t k = 1; k <= p->n_out && !rc; k++) {
    sunrealtype t;
    const int cvrc = CVode(cv, output_time(p, k), y, &t, CV_NORMAL);
    if (cvrc < 0) {
      rc = GHDK_ERROR(GHDK_ERR_NOCONV,
                      "CVODE failed at tbar = %g (%s); output holds every "
                      "record before it",
                      t, CVodeGetReturnFlagName(cvrc));
      break;
    }
    rc = record(&qu, out, t, rho);
    /* A progress line once the run has taken a few seconds, refreshed twice a second. */
    const double now = wall_seconds();
    if (!o->quiet && now - t_start > 3.0 && now - t_shown > 0.5) {
      const double left = (now - t_start) / (double)k * (double)(p->n_out - k);
      fprintf(stderr, "\rghdk: tbar = %-12.6g output %zu/%zu, wall %.0f s, about %.0f s left   ", t,
              k, p->n_out, now - t_start, left);
      t_shown = now;
      progress = 1;
    }
  }
  if (out && !rc) {
    long nst = 0, nfe = 0, nsetups = 0, netf = 0, nni = 0, ncfn = 0, nje = 0, nfeLS = 0;
    CVodeGetNumSteps(cv, &nst);
    CVodeGetNumRhsEvals(cv, &nfe);
    CVodeGetNumLinSolvSetups(cv, &nsetups);
    CVodeGetNumErrTestFails(cv, &netf);
    CVodeGetNumNonlinSolvIters(cv, &nni);
    CVodeGetNumNonlinSolvConvFails(cv, &ncfn);
    CVodeGetNumJacEvals(cv, &nje);
    CVodeGetNumLinRhsEvals(cv, &nfeLS);
    const struct {
      const char *name;
      long v;
    } stats[] = {{"cvode_steps", nst},          {"cvode_rhs_evals", nfe + nfeLS},
                 {"cvode_lin_setups", nsetups}, {"cvode_err_test_fails", netf},
                 {"cvode_nonlin_iters", nni},   {"cvode_nonlin_conv_fails", ncfn},
                 {"cvode_jac_evals", nje}};
    for (size_t i = 0; i < sizeof stats / sizeof stats[0] && !rc; i++)
      rc = ghdk_output_set_stat(out, stats[i].name, (double)stats[i].v);
    double isc1[GHDK_COLL_MAX_INV], drift = 0.0;
    ghdk_coll_invariants(qu.coll, qu.s.tba, rho, inv1, isc1);
    for (size_t k = 0; k < qu.coll->ninv; k++)
      drift = fmax(drift, fabs(inv1[k] - inv0[k]) / isc[k]);
    if (!rc)
      rc = ghdk_output_set_stat(out, "conservation_drift", drift);
    if (!o->quiet && !rc) {
      if (progress)
        fputc('\n', stderr);
      fprintf(stderr,
              "ghdk: %s quench to tbar = %g: %ld steps, %ld rhs evaluations (%ld for "
              "Jacobians), %ld Jacobians, %ld error-test and %ld convergence failures "
              "(%s linear solver)\n",
              p->coll_name, p->t_end, nst, nfe + nfeLS, nfeLS, nje, netf, ncfn,
              dense ? "dense" : "GMRES");
      fprintf(stderr,
              "ghdk: largest drift of the %zu collision invariants, relative to sum |rho_p h|: "
              "%.2e\n",
              qu.coll->ninv, drift);
      for (size_t a = 0; a < ns; a++) {
        fprintf(stderr, "ghdk: final species %zu:", a + 1);
        for (size_t c = 0; c < qu.nq; c++)
          fprintf(stderr, " q_%d = %.10g", p->charges[c], qu.q[a * qu.nq + c]);
        fprintf(stderr, " s = %.10g\n", qu.ent[a]);
      }
      fprintf(stderr, "ghdk: wrote %zu records to %s\n", p->n_out + 1,
              o->output ? o->output : p->output);
    }
  }
  if (out) {
    const int rc2 = ghdk_output_close(out);
    rc = rc ? rc : rc2;
  }
  if (cv)
    CVodeFree(&cv);
  SUNLinSolFree(LS);
  SUNMatDestroy(A);
  N_VDestroy(y);
  if (ctx)
    SUNContext_Free(&ctx);
  free(w);
  quench_free(&qu);
  return rc;
}
