/* SPDX-License-Identifier: BSD-3-Clause */
/* Time evolution: kinds "homogeneous" (one cell, d rho_p/d tbar = I[rho_p]) and "ghd" (nx cells,
 * d_t rho_p + d_x(v_eff rho_p) + d_theta(a_eff rho_p) = lambda^2 I[rho_p]). Both are the same
 * finite-volume right-hand side (a single open cell has no net flux), integrated by CVODE: Adams
 * without collisions; BDF with a dense difference-quotient Jacobian for small systems, else
 * matrix-free GMRES preconditioned block by block with each cell's collision Jacobian. One record
 * per output instant, a progress line for long runs, and a run summary (final charges, drift of
 * the conserved totals, CVODE statistics) on stderr and as attributes. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include "ghdk/app.h"
#include "ghdk/fv.h"
#include "ghdk/kinetic.h"
#include "ghdk/status.h"
#include "solver_priv.h"

#include <cvode/cvode.h>
#include <gsl/gsl_linalg.h>
#include <math.h>
#include <nvector/nvector_serial.h>
#include <stdlib.h>
#include <string.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunlinsol/sunlinsol_spgmr.h>
#include <sunmatrix/sunmatrix_dense.h>
#include <sunnonlinsol/sunnonlinsol_fixedpoint.h>
#include <time.h>

/* Above this many unknowns "auto" picks GMRES: a dense Jacobian costs one rhs per unknown. */
enum { DENSE_MAX = 1024, GMRES_MAXL = 30 };

struct run {
  const struct ghdk_problem *p;
  struct ghdk_setup s;
  struct ghdk_coll *coll;
  struct ghdk_fv *fv;
  size_t cell, size;
  double *force;
  /* Block-Jacobi preconditioner: per cell the collision Jacobian J_i (by differences of the
   * kernel) and the LU of 1 - gamma lambda^2 J_i. */
  double *jac, *lu, *pwork;
  size_t *perm;
  int rhs_status; /* last fatal status of the rhs, reported after CVODE gives up */
};

static double wall_seconds(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* CVODE's right-hand side: 0 ok, > 0 recoverable (invalid state: CVODE retries with a smaller
 * step), < 0 fatal. */
static int cv_rhs(sunrealtype t, N_Vector y, N_Vector ydot, void *data)
{
  (void)t;
  struct run *r = data;
  const int rc = ghdk_fv_rhs(r->fv, N_VGetArrayPointer(y), N_VGetArrayPointer(ydot));
  if (rc == GHDK_OK)
    return 0;
  if (rc == GHDK_ERR_DOMAIN)
    return 1;
  r->rhs_status = rc;
  return -1;
}

/* Preconditioner set-up: J_i = dI/drho in each cell by forward differences of the kernel (only
 * when CVODE asks for a new Jacobian), then LU of 1 - gamma lambda^2 J_i. */
static int cv_psetup(sunrealtype t, N_Vector y, N_Vector fy, sunbooleantype jok,
                     sunbooleantype *jcur, sunrealtype gamma, void *data)
{
  (void)t;
  (void)fy;
  struct run *r = data;
  const size_t c = r->cell, nx = r->s.nx;
  const double *yy = N_VGetArrayPointer(y);
  double *f0 = r->pwork, *f1 = r->pwork + c, *yp = r->pwork + 2 * c;
  if (!jok) {
    for (size_t i = 0; i < nx; i++) {
      /* The kernel at the positive part of the state, as in ghdk_fv_rhs. */
      double *J = r->jac + i * c * c, ymax = 0.0;
      for (size_t j = 0; j < c; j++) {
        yp[j] = fmax(yy[i * c + j], 0.0);
        ymax = fmax(ymax, yp[j]);
      }
      if (r->coll->rhs(r->coll, yp, f0))
        return 1;
      for (size_t j = 0; j < c; j++) {
        /* Step sqrt(eps) relative to the entry, at least sqrt(eps) of the cell's largest. */
        const double y0 = yp[j], dh = 1.5e-8 * fmax(y0, 1e-3 * ymax) + 1e-300;
        yp[j] = y0 + dh;
        if (r->coll->rhs(r->coll, yp, f1))
          return 1;
        for (size_t k = 0; k < c; k++)
          J[k * c + j] = (f1[k] - f0[k]) / dh;
        yp[j] = y0;
      }
    }
    *jcur = SUNTRUE;
  } else {
    *jcur = SUNFALSE;
  }
  const double g = gamma * r->p->coll_strength;
  for (size_t i = 0; i < nx; i++) {
    double *L = r->lu + i * c * c;
    const double *J = r->jac + i * c * c;
    for (size_t k = 0; k < c * c; k++)
      L[k] = -g * J[k];
    for (size_t k = 0; k < c; k++)
      L[k * c + k] += 1.0;
    gsl_matrix_view m = gsl_matrix_view_array(L, c, c);
    gsl_permutation perm = {c, r->perm + i * c};
    int sign;
    if (gsl_linalg_LU_decomp(&m.matrix, &perm, &sign))
      return 1;
  }
  return 0;
}

static int cv_psolve(sunrealtype t, N_Vector y, N_Vector fy, N_Vector rv, N_Vector zv,
                     sunrealtype gamma, sunrealtype delta, int lr, void *data)
{
  (void)t, (void)y, (void)fy, (void)gamma, (void)delta, (void)lr;
  struct run *r = data;
  const size_t c = r->cell;
  const double *rr = N_VGetArrayPointer(rv);
  double *z = N_VGetArrayPointer(zv);
  memcpy(z, rr, r->size * sizeof *z);
  for (size_t i = 0; i < r->s.nx; i++) {
    gsl_matrix_view m = gsl_matrix_view_array(r->lu + i * c * c, c, c);
    gsl_permutation perm = {c, r->perm + i * c};
    gsl_vector_view zz = gsl_vector_view_array(z + i * c, c);
    if (gsl_linalg_LU_svx(&m.matrix, &perm, &zz.vector))
      return 1;
  }
  return 0;
}

/* The conserved totals of a run: the collision invariants, or without collisions each species'
 * particle number and the total momentum and energy; integrated over x. */
static size_t conserved(const struct run *r, struct ghdk_constraint *con)
{
  if (r->coll) {
    memcpy(con, r->coll->inv, r->coll->ninv * sizeof *con);
    return r->coll->ninv;
  }
  size_t k = 0;
  for (size_t a = 0; a < r->s.ns; a++)
    con[k++] = (struct ghdk_constraint){0, 1u << a};
  con[k++] = (struct ghdk_constraint){1, 0};
  con[k++] = (struct ghdk_constraint){2, 0};
  return k;
}

static void totals(const struct run *r, const double *y, size_t ncon,
                   const struct ghdk_constraint *con, double *tot, double *scale)
{
  const struct ghdk_model *m = r->s.model;
  const struct ghdk_grid *g = r->s.grid;
  const double dx = (r->p->x_max - r->p->x_min) / (double)r->s.nx;
  for (size_t c = 0; c < ncon; c++) {
    double t = 0.0, sc = 0.0;
    for (size_t a = 0; a < r->s.ns; a++) {
      if (con[c].species_mask && !((con[c].species_mask >> a) & 1u))
        continue;
      for (size_t i = 0; i < r->s.nx; i++)
        for (size_t k = 0; k < g->n; k++) {
          const double v = dx * g->w[k] * y[i * r->cell + a * g->n + k] *
                           m->charge(m, a, con[c].charge, g->theta[k]);
          t += v;
          sc += fabs(v);
        }
    }
    tot[c] = t;
    scale[c] = sc;
  }
}

static void run_free(struct run *r)
{
  ghdk_fv_free(r->fv);
  ghdk_coll_free(r->coll);
  free(r->force), free(r->jac), free(r->lu), free(r->pwork), free(r->perm);
  ghdk_setup_free(&r->s);
}

static int run_new(const struct ghdk_problem *p, struct run *r)
{
  memset(r, 0, sizeof *r);
  r->p = p;
  GHDK_CHECK(ghdk_setup_new(p, &r->s));
  r->cell = r->s.ns * r->s.n;
  r->size = r->s.nx * r->cell;
  int rc = GHDK_OK;
  if (strcmp(p->coll_name, "none") != 0)
    rc = ghdk_coll_new(&(struct ghdk_coll_inp){.name = p->coll_name,
                                               .model = r->s.model,
                                               .grid = r->s.grid,
                                               .dressing = p->dressing,
                                               .dress_tol = p->dress_tol,
                                               .coefficients = p->coll_coefficients,
                                               .quad_order = p->coll_quad_order,
                                               .tau = p->coll_tau,
                                               .conserve_number = p->coll_conserve_number},
                       &r->coll);
  if (!rc && p->potential_face) {
    const double dx = (p->x_max - p->x_min) / (double)p->nx;
    if (!(r->force = malloc(p->nx * sizeof(double))))
      rc = GHDK_ERROR(GHDK_ERR_NOMEM, "force");
    for (size_t i = 0; !rc && i < p->nx; i++)
      r->force[i] = -(p->potential_face[i + 1] - p->potential_face[i]) / dx;
  }
  /* A homogeneous run is the single open cell of the same scheme, with lambda^2 = 1 (tbar). */
  const int homogeneous = strcmp(p->kind, "homogeneous") == 0;
  if (!rc)
    rc = ghdk_fv_new(
        &(struct ghdk_fv_inp){.model = r->s.model,
                              .grid = r->s.grid,
                              .nx = p->nx,
                              .x_min = p->x_min,
                              .x_max = p->x_max,
                              .bc = homogeneous ? GHDK_BC_OPEN : (enum ghdk_bc)p->boundary,
                              .limiter = (enum ghdk_limiter)p->limiter,
                              .force = homogeneous ? NULL : r->force,
                              .dressing = p->dressing,
                              .dress_tol = p->dress_tol,
                              .coll = r->coll,
                              .strength = homogeneous ? 1.0 : p->coll_strength},
        &r->fv);
  if (rc)
    run_free(r);
  return rc;
}

int ghdk_run_dynamics(const struct ghdk_problem *p, const struct ghdk_run_opts *o)
{
  const int homogeneous = strcmp(p->kind, "homogeneous") == 0;
  if (homogeneous && p->nx != 1)
    return GHDK_ERROR(GHDK_ERR_INPUT,
                      "%s: kind 'homogeneous' is one cell: space.nx must be 1 (got %zu)",
                      p->deck_path, p->nx);
  struct run r;
  GHDK_CHECK(run_new(p, &r));
  struct ghdk_frame f;
  int rc = ghdk_frame_new(p, &r.s, &f);
  if (rc) {
    run_free(&r);
    return rc;
  }
  SUNContext ctx = NULL;
  N_Vector y = NULL;
  SUNMatrix A = NULL;
  SUNLinearSolver LS = NULL;
  SUNNonlinearSolver NLS = NULL;
  void *cv = NULL;
  struct ghdk_output *out = NULL;
  if (SUNContext_Create(NULL, &ctx))
    rc = GHDK_ERROR(GHDK_ERR_LIB, "SUNContext_Create");
  if (!rc && !(y = N_VNew_Serial((sunindextype)r.size, ctx)))
    rc = GHDK_ERROR(GHDK_ERR_NOMEM, "CVODE state vector of %zu", r.size);
  /* The initial state is built (and checked) before the output file exists. */
  double *yy = rc ? NULL : N_VGetArrayPointer(y);
  if (!rc)
    rc = ghdk_initial_state(p, &r.s, yy);
  /* Conservation holds for a closed system: one cell, or periodic cells, without a force. */
  struct ghdk_constraint con[GHDK_MAX_SPECIES + 2];
  const size_t ncon = conserved(&r, con);
  const int closed = !r.force && (homogeneous || p->boundary == GHDK_BC_PERIODIC);
  double tot0[GHDK_MAX_SPECIES + 2], sc0[GHDK_MAX_SPECIES + 2], scale = 0.0;
  if (!rc) {
    totals(&r, yy, ncon, con, tot0, sc0);
    for (size_t i = 0; i < r.size; i++)
      scale = fmax(scale, yy[i]);
    ghdk_fv_set_negative_tol(r.fv, p->atol * scale);
  }
  const int bdf = p->time_method == 2 || (p->time_method == 0 && r.coll);
  const int dense =
      bdf && (p->linear_solver == 1 || (p->linear_solver == 0 && r.size <= DENSE_MAX));
  if (!rc) {
    cv = CVodeCreate(bdf ? CV_BDF : CV_ADAMS, ctx);
    if (!cv || CVodeInit(cv, cv_rhs, 0.0, y) || CVodeSetUserData(cv, &r) ||
        CVodeSStolerances(cv, p->rtol, p->atol * scale) ||
        CVodeSetMaxNumSteps(cv, (long)p->max_steps))
      rc = GHDK_ERROR(GHDK_ERR_LIB, "CVODE set-up");
  }
  /* Adams (non-stiff) takes functional iteration: no Jacobian, no linear solver. */
  if (!rc && !bdf &&
      (!(NLS = SUNNonlinSol_FixedPoint(y, 0, ctx)) || CVodeSetNonlinearSolver(cv, NLS)))
    rc = GHDK_ERROR(GHDK_ERR_LIB, "CVODE fixed-point iteration");
  if (!rc && bdf) {
    /* The block preconditioner pays one kernel call per unknown of a cell at every set-up: for
     * many small cells that is cheap, for one large cell (a homogeneous run above DENSE_MAX) it
     * cost 40x the unpreconditioned solve (N = 1024, coupled_ll), so a single cell goes without. */
    const int precondition = !dense && r.coll && r.s.nx > 1;
    if (dense) {
      A = SUNDenseMatrix((sunindextype)r.size, (sunindextype)r.size, ctx);
      LS = A ? SUNLinSol_Dense(y, A, ctx) : NULL;
    } else {
      LS = SUNLinSol_SPGMR(y, precondition ? SUN_PREC_LEFT : SUN_PREC_NONE, GMRES_MAXL, ctx);
    }
    if (precondition) {
      const size_t c = r.cell, nx = r.s.nx;
      r.jac = malloc(nx * c * c * sizeof(double));
      r.lu = malloc(nx * c * c * sizeof(double));
      r.perm = malloc(nx * c * sizeof(size_t));
      r.pwork = malloc(3 * c * sizeof(double));
      if (!r.jac || !r.lu || !r.perm || !r.pwork)
        rc = GHDK_ERROR(GHDK_ERR_NOMEM, "block preconditioner: %zu blocks of %zu x %zu", nx, c, c);
    }
    if (!rc && (!LS || CVodeSetLinearSolver(cv, LS, A) ||
                (precondition && CVodeSetPreconditioner(cv, cv_psetup, cv_psolve))))
      rc = GHDK_ERROR(GHDK_ERR_LIB, "CVODE linear solver");
  }
  const char *path = o->output ? o->output : p->output;
  if (!rc)
    rc = ghdk_frame_fill(&f, p, &r.s, yy);
  if (!rc)
    rc = ghdk_frame_output(&f, p, &r.s, path, o->history, homogeneous ? "tbar" : "t", p->coll_name,
                           &out);
  if (!rc)
    rc = ghdk_frame_write(&f, p, out, 0.0);
  const double t_start = wall_seconds();
  double t_shown = t_start, max_n = 0.0;
  int progress = 0;
  for (size_t k = 1; k <= p->n_out && !rc; k++) {
    sunrealtype t = 0.0;
    const int cvrc = CVode(cv, ghdk_output_time(p, k), y, &t, CV_NORMAL);
    if (cvrc < 0) {
      rc = GHDK_ERROR(r.rhs_status ? r.rhs_status : GHDK_ERR_NOCONV,
                      "CVODE failed at t = %g (%s); the output holds every record before it", t,
                      CVodeGetReturnFlagName(cvrc));
      break;
    }
    max_n = fmax(max_n, ghdk_fv_max_occupation(r.fv));
    rc = ghdk_frame_fill(&f, p, &r.s, yy);
    if (!rc)
      rc = ghdk_frame_write(&f, p, out, t);
    /* A progress line once the run has taken a few seconds, refreshed twice a second. */
    const double now = wall_seconds();
    if (!o->quiet && now - t_start > 3.0 && now - t_shown > 0.5) {
      const double left = (now - t_start) / (double)k * (double)(p->n_out - k);
      fprintf(stderr, "\rghdk: t = %-10.4g output %zu/%zu, wall %.0f s, about %.0f s left   ", t, k,
              p->n_out, now - t_start, left);
      t_shown = now;
      progress = 1;
    }
  }
  if (out && !rc) {
    long nst = 0, nfe = 0, nsetups = 0, netf = 0, nni = 0, ncfn = 0, nje = 0, nfeLS = 0, npe = 0,
         nli = 0;
    CVodeGetNumSteps(cv, &nst);
    CVodeGetNumRhsEvals(cv, &nfe);
    CVodeGetNumLinSolvSetups(cv, &nsetups);
    CVodeGetNumErrTestFails(cv, &netf);
    CVodeGetNumNonlinSolvIters(cv, &nni);
    CVodeGetNumNonlinSolvConvFails(cv, &ncfn);
    if (bdf) {
      CVodeGetNumJacEvals(cv, &nje);
      CVodeGetNumLinRhsEvals(cv, &nfeLS);
      CVodeGetNumPrecEvals(cv, &npe);
      CVodeGetNumLinIters(cv, &nli);
    }
    double tot1[GHDK_MAX_SPECIES + 2], sc1[GHDK_MAX_SPECIES + 2];
    totals(&r, yy, ncon, con, tot1, sc1);
    double drift = 0.0;
    for (size_t k = 0; k < ncon; k++)
      drift = fmax(drift, fabs(tot1[k] - tot0[k]) / sc0[k]);
    const struct {
      const char *name;
      double v;
    } stats[] = {
        {"cvode_steps", (double)nst},          {"cvode_rhs_evals", (double)(nfe + nfeLS)},
        {"cvode_lin_setups", (double)nsetups}, {"cvode_err_test_fails", (double)netf},
        {"cvode_nonlin_iters", (double)nni},   {"cvode_nonlin_conv_fails", (double)ncfn},
        {"cvode_jac_evals", (double)nje},      {"cvode_prec_evals", (double)npe},
        {"cvode_lin_iters", (double)nli},      {"conservation_drift", closed ? drift : NAN},
        {"max_fermion_occupation", max_n},     {"wall_seconds", wall_seconds() - t_start}};
    for (size_t i = 0; i < sizeof stats / sizeof stats[0] && !rc; i++)
      rc = ghdk_output_set_stat(out, stats[i].name, stats[i].v);
    if (!o->quiet && !rc) {
      if (progress)
        fputc('\n', stderr);
      fprintf(stderr,
              "ghdk: %s run (%s, %s) to t = %g: %ld steps, %ld rhs evaluations, %ld Jacobian/"
              "preconditioner set-ups, %ld linear iterations, %ld error-test and %ld "
              "convergence failures, %.1f s\n",
              p->kind, r.coll ? p->coll_name : "no collisions",
              bdf ? (dense ? "BDF, dense" : "BDF, GMRES") : "Adams", p->t_end, nst, nfe + nfeLS,
              nje + npe, nli, netf, ncfn, wall_seconds() - t_start);
      fprintf(stderr, "ghdk: conserved totals (charge index : species mask, 0 = all) at the end:");
      for (size_t k = 0; k < ncon; k++)
        fprintf(stderr, " h_%d:%u = %.10g", con[k].charge, con[k].species_mask, tot1[k]);
      if (closed)
        fprintf(stderr, "\nghdk: their largest drift, relative to sum |rho_p h|: %.2e", drift);
      else
        fprintf(stderr, "\nghdk: (open boundaries, a wall or a force: these totals may change)");
      fprintf(stderr, "\nghdk: largest fermionic occupation %.6f\n", max_n);
      fprintf(stderr, "ghdk: wrote %zu records to %s\n", p->n_out + 1, path);
    }
  }
  if (out) {
    const int rc2 = ghdk_output_close(out);
    rc = rc ? rc : rc2;
  }
  if (cv)
    CVodeFree(&cv);
  SUNLinSolFree(LS);
  SUNNonlinSolFree(NLS);
  SUNMatDestroy(A);
  N_VDestroy(y);
  if (ctx)
    SUNContext_Free(&ctx);
  ghdk_frame_free(&f);
  run_free(&r);
  return rc;
}
