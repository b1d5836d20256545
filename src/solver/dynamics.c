/* SPDX-License-Identifier: BSD-3-Clause */
/* Time evolution: kinds "homogeneous" (one cell, d rho_p/d tbar = I[rho_p]) and "ghd" (nx cells,
 * d_t rho_p + d_x(v_eff rho_p) + d_theta(a_eff rho_p) = lambda^2 I[rho_p]). Both are the same
 * finite-volume right-hand side (a single open cell has no net flux), integrated by CVODE: Adams
 * without collisions; BDF with a dense difference-quotient Jacobian for small systems, else
 * matrix-free GMRES preconditioned block by block with each cell's collision Jacobian. One record
 * per output instant, a progress line for long runs, and a run summary (final charges, drift of
 * the conserved totals, CVODE statistics) on stderr and as attributes. Checkpoints (checkpoint.c)
 * at every checkpoint.every-th record, on SIGINT/SIGTERM and on failure; CVODE cannot save its
 * history, so the integrator restarts (CVodeReInit) at every periodic checkpoint, in every run:
 * a run restarted from one then takes exactly the steps of the uninterrupted run. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include "checkpoint.h"
#include "ghdk/app.h"
#include "ghdk/fv.h"
#include "ghdk/kinetic.h"
#include "ghdk/par.h"
#include "ghdk/status.h"
#include "solver_priv.h"

#include <cvode/cvode.h>
#include <gsl/gsl_linalg.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunlinsol/sunlinsol_spgmr.h>
#include <sunmatrix/sunmatrix_dense.h>
#include <sunnonlinsol/sunnonlinsol_fixedpoint.h>
#include <time.h>

enum { GMRES_MAXL = 30 };

struct run {
  const struct ghdk_problem *p;
  struct ghdk_setup s;
  struct ghdk_par par; /* this rank's slab of cells and its threads */
  struct ghdk_coll *coll;
  struct ghdk_coll **kern; /* one kernel per thread (they keep scratch); kern[0] is coll */
  struct ghdk_fv *fv;
  size_t cell, size; /* unknowns of a cell, of the slab */
  double *force;
  /* Block-Jacobi preconditioner: per cell of the slab the collision Jacobian J_i (by differences
   * of the kernel) and the LU of 1 - gamma lambda^2 J_i; pwork: 3 cells per thread. */
  double *jac, *lu, *pwork;
  size_t *perm;
  int rhs_status;      /* last fatal status of the rhs, reported after CVODE gives up */
  double negative_tol; /* CVODE's absolute tolerance, for the rhs rebuilt at checkpoints */
  /* The last invalid state the rhs rejected, named when CVODE gives up: bad is BAD_NONE or what
   * was wrong with it at time bad_t: state entry bad_i (value bad_v) is negative or not finite
   * (BAD_RHO), its derivative is not finite (BAD_DOT), or the TBA or the kernel refused the
   * state, whose smallest entry is bad_i (BAD_REFUSED). Under MPI each rank keeps its own (bad_i
   * indexes the whole state), and rank 0 reports. */
  enum { BAD_NONE, BAD_RHO, BAD_DOT, BAD_REFUSED } bad;
  size_t bad_i;
  double bad_t, bad_v;
};

static double wall_seconds(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* CVODE's right-hand side: 0 ok, > 0 recoverable (invalid state: CVODE retries with a smaller
 * step), < 0 fatal. Every rank returns the same. */
static int cv_rhs(sunrealtype t, N_Vector y, N_Vector ydot, void *data)
{
  struct run *r = data;
  /* A signal stops the run here, not at the next output instant: that may be hours away, and a
   * batch system kills seconds after its SIGTERM. CVODE then returns its last accepted step,
   * which becomes the checkpoint. Agreed across ranks (mpirun delivers at different instants). */
  if (ghdk_par_max(&r->par, (double)ghdk_signal_caught()) > 0.0) {
    r->rhs_status = GHDK_ERR_INTERRUPTED;
    return -1;
  }
  const double *yy = N_VGetArrayPointer(y), *yd = N_VGetArrayPointer(ydot);
  const int rc = ghdk_fv_rhs(r->fv, yy, N_VGetArrayPointer(ydot));
  if (rc != GHDK_OK && rc != GHDK_ERR_DOMAIN) {
    r->rhs_status = rc;
    return -1;
  }
  /* An invalid state (negative densities beyond the integrator's accuracy, see ghdk_fv_rhs, or
   * a NaN) or a non-finite derivative: CVODE retries with a smaller step. The offending entry
   * (a NaN, else the most negative one) is kept for the message if it gives up. */
  size_t worst = r->size;
  int bad = BAD_NONE;
  if (rc == GHDK_ERR_DOMAIN) {
    /* The entry named: a NaN, else the smallest density (the most negative one; when the TBA
     * or the kernel refused the state, which do not say where, the likeliest place). */
    for (size_t i = 0; i < r->size && !(worst < r->size && isnan(yy[worst])); i++)
      worst = worst == r->size || isnan(yy[i]) || yy[i] < yy[worst] ? i : worst;
    /* On a rank whose own slab holds no negative value the state was refused elsewhere. */
    bad = ghdk_fv_state_invalid(r->fv) && !(yy[worst] >= 0.0) ? BAD_RHO : BAD_REFUSED;
  } else {
    for (size_t i = 0; i < r->size && !bad; i++)
      if (!isfinite(yd[i]))
        worst = i, bad = BAD_DOT;
    if (ghdk_par_agree(&r->par, bad ? GHDK_ERR_DOMAIN : GHDK_OK) == GHDK_OK)
      return 0;
  }
  if (bad != BAD_NONE && worst < r->size) {
    r->bad = bad;
    r->bad_i = r->par.i0 * r->cell + worst;
    r->bad_t = t;
    r->bad_v = bad == BAD_DOT ? yd[worst] : yy[worst];
  }
  return 1;
}

/* Jacobian of cell i's collision term by forward differences of kernel k (work: 3 cells), at
 * the positive part of the state, as in ghdk_fv_rhs. */
static int cell_jacobian(const struct run *r, struct ghdk_coll *k, size_t i, const double *yy,
                         double *work)
{
  const size_t c = r->cell;
  double *J = r->jac + i * c * c, *f0 = work, *f1 = work + c, *yp = work + 2 * c, ymax = 0.0;
  for (size_t j = 0; j < c; j++) {
    yp[j] = fmax(yy[i * c + j], 0.0);
    ymax = fmax(ymax, yp[j]);
  }
  GHDK_CHECK(k->rhs(k, yp, f0));
  for (size_t j = 0; j < c; j++) {
    /* Step sqrt(eps) relative to the entry, at least sqrt(eps) of the cell's largest. */
    const double y0 = yp[j], dh = 1.5e-8 * fmax(y0, 1e-3 * ymax) + 1e-300;
    yp[j] = y0 + dh;
    GHDK_CHECK(k->rhs(k, yp, f1));
    for (size_t l = 0; l < c; l++)
      J[l * c + j] = (f1[l] - f0[l]) / dh;
    yp[j] = y0;
  }
  return GHDK_OK;
}

/* LU of 1 - g J_i into r->lu (GHDK_ERR_DOMAIN if it fails). */
static int cell_factor(const struct run *r, size_t i, double g)
{
  const size_t c = r->cell;
  double *L = r->lu + i * c * c;
  const double *J = r->jac + i * c * c;
  for (size_t k = 0; k < c * c; k++)
    L[k] = -g * J[k];
  for (size_t k = 0; k < c; k++)
    L[k * c + k] += 1.0;
  gsl_matrix_view m = gsl_matrix_view_array(L, c, c);
  gsl_permutation perm = {c, r->perm + i * c};
  int sign;
  return gsl_linalg_LU_decomp(&m.matrix, &perm, &sign) ? GHDK_ERR_DOMAIN : GHDK_OK;
}

/* CVODE's messages in its default format, from rank 0 only (the other ranks' CVODE reaches the
 * same verdicts), and none for the failure a signal provokes in cv_rhs: ghdk says what happened. */
static void cv_err(int code, const char *module, const char *function, char *msg, void *data)
{
  const struct run *r = data;
  if (r->par.rank == 0 && r->rhs_status != GHDK_ERR_INTERRUPTED)
    fprintf(stderr, "\n[%s %s]  %s\n  %s\n\n", module, code < 0 ? "ERROR" : "WARNING", function,
            msg);
}

/* Preconditioner set-up: J_i = dI/drho in each cell by forward differences of the kernel (only
 * when CVODE asks for a new Jacobian), then LU of 1 - gamma lambda^2 J_i. Cells are independent:
 * threads take blocks of them, each with its own kernel; every rank answers the same. */
static int cv_psetup(sunrealtype t, N_Vector y, N_Vector fy, sunbooleantype jok,
                     sunbooleantype *jcur, sunrealtype gamma, void *data)
{
  (void)t;
  (void)fy;
  struct run *r = data;
  const double *yy = N_VGetArrayPointer(y);
  const double g = gamma * r->p->coll_strength;
  int bad = 0;
  GHDK_OMP(parallel num_threads(r->par.threads) reduction(| : bad))
  {
    const int th = ghdk_thread_num();
    GHDK_OMP(for schedule(static))
    for (size_t i = 0; i < r->par.nloc; i++) {
      if (!jok)
        bad |= cell_jacobian(r, r->kern[th], i, yy, r->pwork + 3 * (size_t)th * r->cell) != 0;
      bad |= cell_factor(r, i, g) != 0;
    }
  }
  *jcur = jok ? SUNFALSE : SUNTRUE;
  return ghdk_par_agree(&r->par, bad ? GHDK_ERR_DOMAIN : GHDK_OK) ? 1 : 0;
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
  int bad = 0;
  GHDK_OMP(parallel for num_threads(r->par.threads) schedule(static) reduction(| : bad))
  for (size_t i = 0; i < r->par.nloc; i++) {
    gsl_matrix_view m = gsl_matrix_view_array(r->lu + i * c * c, c, c);
    gsl_permutation perm = {c, r->perm + i * c};
    gsl_vector_view zz = gsl_vector_view_array(z + i * c, c);
    bad |= gsl_linalg_LU_svx(&m.matrix, &perm, &zz.vector) != 0;
  }
  return ghdk_par_agree(&r->par, bad ? GHDK_ERR_DOMAIN : GHDK_OK) ? 1 : 0;
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

/* The right-hand side: collision kernel and finite volumes. Both keep warm starts of their
 * iterative solves from call to call, so they are rebuilt wherever the integrator restarts: a
 * restarted run then evaluates exactly what the uninterrupted one does. */
static void rhs_free(struct run *r)
{
  ghdk_fv_free(r->fv);
  for (int t = 0; r->kern && t < r->par.threads; t++)
    ghdk_coll_free(r->kern[t]);
  free(r->kern);
  r->fv = NULL;
  r->kern = NULL;
  r->coll = NULL;
}

static int rhs_new(struct run *r)
{
  const struct ghdk_problem *p = r->p;
  const int threads = r->par.threads;
  if (strcmp(p->coll_name, "none") != 0 && !(r->kern = calloc((size_t)threads, sizeof *r->kern)))
    return GHDK_ERROR(GHDK_ERR_NOMEM, "collision kernels");
  for (int t = 0; r->kern && t < threads; t++)
    GHDK_CHECK(ghdk_coll_new(&(struct ghdk_coll_inp){.name = p->coll_name,
                                                     .model = r->s.model,
                                                     .grid = r->s.grid,
                                                     .dressing = p->dressing,
                                                     .dress_tol = p->dress_tol,
                                                     .coefficients = p->coll_coefficients,
                                                     .quad_order = p->coll_quad_order,
                                                     .tau = p->coll_tau,
                                                     .conserve_number = p->coll_conserve_number},
                             &r->kern[t]));
  r->coll = r->kern ? r->kern[0] : NULL;
  /* A homogeneous run is the single open cell of the same scheme, with lambda^2 = 1 (tbar). */
  const int homogeneous = strcmp(p->kind, "homogeneous") == 0;
  return ghdk_fv_new(
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
                            .coll = r->kern,
                            .par = &r->par,
                            .strength = homogeneous ? 1.0 : p->coll_strength,
                            .negative_tol = r->negative_tol},
      &r->fv);
}

static void run_free(struct run *r)
{
  rhs_free(r);
  free(r->force), free(r->jac), free(r->lu), free(r->pwork), free(r->perm);
  ghdk_setup_free(&r->s);
}

static int run_new(const struct ghdk_problem *p, int threads, struct run *r)
{
  memset(r, 0, sizeof *r);
  r->p = p;
  const int homogeneous = strcmp(p->kind, "homogeneous") == 0;
  GHDK_CHECK(
      ghdk_par_layout(p->nx, !homogeneous && p->boundary == GHDK_BC_PERIODIC, threads, &r->par));
  GHDK_CHECK(ghdk_setup_new(p, &r->s));
  r->cell = r->s.ns * r->s.n;
  r->size = r->par.nloc * r->cell;
  int rc = GHDK_OK;
  if (p->potential_face) {
    const double dx = (p->x_max - p->x_min) / (double)p->nx;
    if (!(r->force = malloc(p->nx * sizeof(double))))
      rc = GHDK_ERROR(GHDK_ERR_NOMEM, "force");
    for (size_t i = 0; !rc && i < p->nx; i++)
      r->force[i] = -(p->potential_face[i + 1] - p->potential_face[i]) / dx;
  }
  if (!rc)
    rc = rhs_new(r);
  if (rc)
    run_free(r);
  return rc;
}

/* Integrator counters, summed over the CVODE (re)initialisations of a run, and the collision
 * kernels' closure targets and those the rapidity window truncated (struct ghdk_coll_window). */
enum {
  C_STEPS,
  C_RHS,
  C_SETUPS,
  C_ETF,
  C_NNI,
  C_NCFN,
  C_JAC,
  C_PREC,
  C_LIN,
  C_TARGETS,
  C_TRUNC,
  NCOUNT
};
_Static_assert(NCOUNT == GHDK_CKPT_NSTAT, "a checkpoint carries every counter");

/* Add CVODE's counters since its last (re)initialisation, and the kernels' since they were
 * made (at the same instants, rhs_new), to sum; window[0..2] accumulates the closure targets'
 * particle numbers, those of the truncated ones, and the largest edge occupation (struct
 * ghdk_coll_window). Collective under MPI. */
enum { W_MASS, W_MASS_TRUNC, W_MAX_EDGE, NWINDOW };
_Static_assert(NWINDOW == GHDK_CKPT_NWINDOW, "a checkpoint carries every closure statistic");
static void add_counters(const struct run *r, void *cv, int bdf, int64_t *sum, double *window)
{
  long v[NCOUNT] = {0}, lin_rhs = 0;
  CVodeGetNumSteps(cv, &v[C_STEPS]);
  CVodeGetNumRhsEvals(cv, &v[C_RHS]);
  CVodeGetNumLinSolvSetups(cv, &v[C_SETUPS]);
  CVodeGetNumErrTestFails(cv, &v[C_ETF]);
  CVodeGetNumNonlinSolvIters(cv, &v[C_NNI]);
  CVodeGetNumNonlinSolvConvFails(cv, &v[C_NCFN]);
  if (bdf) {
    CVodeGetNumJacEvals(cv, &v[C_JAC]);
    CVodeGetNumLinRhsEvals(cv, &lin_rhs);
    CVodeGetNumPrecEvals(cv, &v[C_PREC]);
    CVodeGetNumLinIters(cv, &v[C_LIN]);
  }
  v[C_RHS] += lin_rhs;
  double targets = 0.0, trunc = 0.0, mass = 0.0, mass_trunc = 0.0, edge = 0.0;
  for (int t = 0; r->kern && t < r->par.threads; t++) {
    const struct ghdk_coll_window *w = &r->kern[t]->window;
    targets += (double)w->targets;
    trunc += (double)w->truncated;
    mass += w->mass;
    mass_trunc += w->mass_truncated;
    edge = fmax(edge, w->max_edge);
  }
  v[C_TARGETS] = (long)ghdk_par_sum(&r->par, targets);
  v[C_TRUNC] = (long)ghdk_par_sum(&r->par, trunc);
  window[W_MASS] += ghdk_par_sum(&r->par, mass);
  window[W_MASS_TRUNC] += ghdk_par_sum(&r->par, mass_trunc);
  window[W_MAX_EDGE] = fmax(window[W_MAX_EDGE], ghdk_par_max(&r->par, edge));
  for (int i = 0; i < NCOUNT; i++)
    sum[i] += v[i];
}

/* The checkpoint of the gathered state yg at time t, after output records 0 .. records-1, with
 * the counters and closure statistics so far. */
static struct ghdk_ckpt checkpoint_of(const struct run *r, uint64_t id, size_t records, double t,
                                      double max_n, const int64_t *count, const double *window,
                                      double *yg)
{
  struct ghdk_ckpt c = {.identity = id,
                        .ns = r->s.ns,
                        .nx = r->s.nx,
                        .n = r->s.n,
                        .records = records,
                        .t = t,
                        .max_n = max_n,
                        .y = yg};
  memcpy(c.stat, count, sizeof c.stat);
  memcpy(c.window, window, sizeof c.window);
  return c;
}

/* What a checkpoint must match: every effective deck parameter but those a restart may change
 * (paths, the checkpoint cadence, the integrator's settings, e.g. a tighter rtol after a
 * failure), the initial state (it carries the deck's functions W and the Bragg pulse) and the
 * potential. */
static uint64_t identity(const struct ghdk_problem *p, const double *y0, size_t size)
{
  static const char *const free_keys[] = {
      "output.file", "checkpoint.every", "checkpoint.file",    "time.rtol",
      "time.atol",   "time.method",      "time.linear_solver", "time.max_steps"};
  uint64_t h = GHDK_CKPT_HASH_INIT;
  for (size_t i = 0; i < p->nparam; i++) {
    const struct ghdk_param *q = &p->param[i];
    size_t f = 0;
    while (f < sizeof free_keys / sizeof free_keys[0] && strcmp(q->key, free_keys[f]) != 0)
      f++;
    if (f < sizeof free_keys / sizeof free_keys[0])
      continue;
    h = ghdk_ckpt_hash(h, q->key, strlen(q->key) + 1);
    h = q->numeric ? ghdk_ckpt_hash(h, &q->num, sizeof q->num)
                   : ghdk_ckpt_hash(h, q->str, strlen(q->str) + 1);
  }
  h = ghdk_ckpt_hash(h, y0, size * sizeof *y0);
  if (p->potential_face)
    h = ghdk_ckpt_hash(h, p->potential_face, (p->nx + 1) * sizeof *p->potential_face);
  return h;
}

/* Output instant k = 0 .. n_out. */
static double instant(const struct ghdk_problem *p, size_t k)
{
  return k ? ghdk_output_time(p, k) : 0.0;
}

/* Read the checkpoint at path into ck and check that it continues this problem: same identity
 * and sizes, a time between its last record's instant and the next. */
static int restart_from(const struct ghdk_problem *p, const struct run *r, const char *path,
                        uint64_t id, struct ghdk_ckpt *ck)
{
  GHDK_CHECK(ghdk_ckpt_read(path, ck));
  const size_t k = (size_t)ck->records - 1;
  if (ck->identity != id || ck->ns != r->s.ns || ck->nx != r->s.nx || ck->n != r->s.n)
    return GHDK_ERROR(GHDK_ERR_INPUT,
                      "checkpoint '%s' is of another problem (%llu species x %llu cells x %llu "
                      "nodes, identity %016llx; %s: %zu x %zu x %zu, %016llx): a restart needs the "
                      "same deck, --set values and build",
                      path, (unsigned long long)ck->ns, (unsigned long long)ck->nx,
                      (unsigned long long)ck->n, (unsigned long long)ck->identity, p->deck_path,
                      r->s.ns, r->s.nx, r->s.n, (unsigned long long)id);
  if (k >= p->n_out)
    return GHDK_ERROR(GHDK_ERR_INPUT, "checkpoint '%s' is at the end of the run: nothing to do",
                      path);
  if (!(ck->t >= instant(p, k) && ck->t < instant(p, k + 1)))
    return GHDK_ERROR(GHDK_ERR_INPUT,
                      "checkpoint '%s' is inconsistent: t = %.17g is not between output instants "
                      "%zu and %zu",
                      path, ck->t, k, k + 1);
  return GHDK_OK;
}

/* CVODE gave up at t: name the last invalid value the rhs saw (time, cell, species, rapidity). */
static int failure(const struct run *r, double t, int cvrc, const char *ckpt)
{
  char what[512] = "";
  if (r->bad != BAD_NONE && !r->rhs_status) {
    const size_t cell = r->bad_i / r->cell, a = r->bad_i % r->cell / r->s.n;
    char where[160];
    snprintf(where, sizeof where, "cell %zu (x = %g), species %zu, rapidity theta = %g", cell,
             ghdk_cell_centre(r->p, cell), a + 1, r->s.grid->theta[r->bad_i % r->s.n]);
    if (r->bad == BAD_REFUSED)
      snprintf(what, sizeof what,
               "; the last state it tried (t = %.10g) was refused by the TBA or the collision "
               "kernel (its smallest rho_p: %g in %s)",
               r->bad_t, r->bad_v, where);
    else
      snprintf(what, sizeof what, "; the last invalid value it tried: %s = %g at t = %.10g in %s",
               r->bad == BAD_DOT ? "d rho_p/dt" : "rho_p", r->bad_v, r->bad_t, where);
  }
  char *flag = CVodeGetReturnFlagName(cvrc); /* allocated by CVODE */
  const int status = GHDK_ERROR(r->rhs_status ? r->rhs_status : GHDK_ERR_NOCONV,
                                "CVODE failed at t = %.10g (%s)%s; the state at t = %.10g is in "
                                "the checkpoint '%s', the output holds every record before it",
                                t, flag ? flag : "?", what, t, ckpt);
  free(flag);
  return status;
}

/* Default checkpoint path: the output's with .nc replaced by (or else followed by) .ckpt. */
static void checkpoint_path(const struct ghdk_problem *p, const char *output, char *buf, size_t len)
{
  size_t n = strlen(output);
  if (n >= 3 && strcmp(output + n - 3, ".nc") == 0)
    n -= 3;
  if (p->ckpt_file[0])
    snprintf(buf, len, "%s", p->ckpt_file);
  else
    snprintf(buf, len, "%.*s.ckpt", (int)n, output);
}

int ghdk_run_dynamics(const struct ghdk_problem *p, const struct ghdk_run_opts *o)
{
  const int homogeneous = strcmp(p->kind, "homogeneous") == 0;
  if (homogeneous && p->nx != 1)
    return GHDK_ERROR(GHDK_ERR_INPUT,
                      "%s: kind 'homogeneous' is one cell: space.nx must be 1 (got %zu)",
                      p->deck_path, p->nx);
  int threads;
  GHDK_CHECK(ghdk_par_threads(o->threads, &threads));
  struct run r;
  GHDK_CHECK(run_new(p, threads, &r));
  /* Every rank builds the initial state of all cells (yg: once, cheap) and keeps its slab; with
   * one rank yg is the CVODE vector itself. At each output instant every rank computes the
   * diagnostics of its own cells and rank 0 gathers them and writes; checkpoints gather the
   * state to rank 0. The statuses of rank 0's steps are agreed so that all ranks stop together. */
  const int root = r.par.rank == 0, parallel = r.par.size > 1;
  struct ghdk_frame f;
  int rc = ghdk_frame_new(p, &r.s, &f);
  double *yg = NULL;
  if (!rc && parallel && !(yg = malloc(p->nx * r.cell * sizeof *yg)))
    rc = GHDK_ERROR(GHDK_ERR_NOMEM, "state of %zu unknowns", p->nx * r.cell);
  if (rc) {
    free(yg);
    ghdk_frame_free(&f);
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
  if (!rc && !(y = ghdk_par_nvector(&r.par, r.cell, ctx)))
    rc = GHDK_ERROR(GHDK_ERR_NOMEM, "CVODE state vector of %zu", r.size);
  /* The initial state is built (and checked) before the output file exists. */
  double *yy = rc ? NULL : N_VGetArrayPointer(y);
  if (!parallel)
    yg = yy;
  if (!rc)
    rc = ghdk_initial_state(p, &r.s, yg);
  if (!rc && parallel)
    memcpy(yy, yg + r.par.i0 * r.cell, r.size * sizeof *yy);
  /* Conservation holds for a closed system: one cell, or periodic cells, without a force. */
  struct ghdk_constraint con[GHDK_MAX_SPECIES + 2];
  const size_t ncon = conserved(&r, con);
  const int closed = !r.force && (homogeneous || p->boundary == GHDK_BC_PERIODIC);
  double tot0[GHDK_MAX_SPECIES + 2], sc0[GHDK_MAX_SPECIES + 2], scale = 0.0;
  if (!rc) {
    totals(&r, yg, ncon, con, tot0, sc0);
    for (size_t i = 0; i < p->nx * r.cell; i++)
      scale = fmax(scale, yg[i]);
    r.negative_tol = p->atol * scale;
    ghdk_fv_set_negative_tol(r.fv, r.negative_tol);
  }
  /* A restart takes the state, time and statistics from the checkpoint; the initial state still
   * sets the tolerance scale and the conserved totals, as in the uninterrupted run. */
  const uint64_t id = rc ? 0 : identity(p, yg, p->nx * r.cell);
  struct ghdk_ckpt ck = {0};
  int64_t count[NCOUNT] = {0};
  size_t k0 = 0;
  double t0 = 0.0, max_n = 0.0, window[NWINDOW] = {0};
  if (!rc && o->restart) {
    rc = restart_from(p, &r, o->restart, id, &ck);
    if (!rc) {
      memcpy(yy, ck.y + r.par.i0 * r.cell, r.size * sizeof *yy);
      memcpy(count, ck.stat, sizeof count);
      k0 = (size_t)ck.records - 1;
      t0 = ck.t;
      max_n = ck.max_n;
      memcpy(window, ck.window, sizeof window);
    }
    ghdk_ckpt_free(&ck);
  }
  const int bdf = p->time_method == 2 || (p->time_method == 0 && r.coll);
  /* "auto" is GMRES: its matrix-free products J v = [f(y + s v) - f(y)]/s keep the kernel's
   * invariants exactly (c.f = 0 at every argument), where the columns of a difference-quotient
   * dense Jacobian carry c.J ~ eps/s ~ 1e-8 and the Newton corrections drift: 3.5e-8 in a phi6
   * quench (N = 48), against 1.3e-15 with GMRES at 1.3x the CPU time; for coupled_ll and
   * relaxation (N = 128) GMRES was also 2.3-2.6x faster. Dense: on request, on one rank. */
  const int dense = bdf && p->linear_solver == 1;
  if (!rc && dense && parallel)
    rc = GHDK_ERROR(GHDK_ERR_INPUT,
                    "%s: time.linear_solver = 'dense' runs on one MPI rank (got %d ranks): use "
                    "'gmres' or 'auto'",
                    p->deck_path, r.par.size);
  if (!rc) {
    cv = CVodeCreate(bdf ? CV_BDF : CV_ADAMS, ctx);
    if (!cv || CVodeInit(cv, cv_rhs, t0, y) || CVodeSetUserData(cv, &r) ||
        CVodeSetErrHandlerFn(cv, cv_err, &r) || CVodeSStolerances(cv, p->rtol, p->atol * scale) ||
        CVodeSetMaxNumSteps(cv, (long)p->max_steps))
      rc = GHDK_ERROR(GHDK_ERR_LIB, "CVODE set-up");
  }
  /* Adams (non-stiff) takes functional iteration: no Jacobian, no linear solver. */
  if (!rc && !bdf &&
      (!(NLS = SUNNonlinSol_FixedPoint(y, 0, ctx)) || CVodeSetNonlinearSolver(cv, NLS)))
    rc = GHDK_ERROR(GHDK_ERR_LIB, "CVODE fixed-point iteration");
  if (!rc && bdf) {
    /* The block preconditioner pays one kernel call per unknown of a cell at every set-up: for
     * many small cells that is cheap, for one large cell (a homogeneous run, N = 1024) it
     * cost 40x the unpreconditioned solve (N = 1024, coupled_ll), so a single cell goes without. */
    const int precondition = !dense && r.coll && p->nx > 1;
    if (dense) {
      A = SUNDenseMatrix((sunindextype)r.size, (sunindextype)r.size, ctx);
      LS = A ? SUNLinSol_Dense(y, A, ctx) : NULL;
    } else {
      LS = SUNLinSol_SPGMR(y, precondition ? SUN_PREC_LEFT : SUN_PREC_NONE, GMRES_MAXL, ctx);
    }
    if (precondition) {
      const size_t c = r.cell, nx = r.par.nloc;
      r.jac = malloc(nx * c * c * sizeof(double));
      r.lu = malloc(nx * c * c * sizeof(double));
      r.perm = malloc(nx * c * sizeof(size_t));
      r.pwork = malloc(3 * c * (size_t)r.par.threads * sizeof(double));
      if (!r.jac || !r.lu || !r.perm || !r.pwork)
        rc = GHDK_ERROR(GHDK_ERR_NOMEM, "block preconditioner: %zu blocks of %zu x %zu", nx, c, c);
    }
    if (!rc && (!LS || CVodeSetLinearSolver(cv, LS, A) ||
                (precondition && CVodeSetPreconditioner(cv, cv_psetup, cv_psolve))))
      rc = GHDK_ERROR(GHDK_ERR_LIB, "CVODE linear solver");
  }
  const char *path = o->output ? o->output : p->output;
  char ckpt[sizeof p->ckpt_file + 8];
  checkpoint_path(p, path, ckpt, sizeof ckpt);
  static const char *const stat_names[] = {"cvode_steps",
                                           "cvode_rhs_evals",
                                           "cvode_lin_setups",
                                           "cvode_err_test_fails",
                                           "cvode_nonlin_iters",
                                           "cvode_nonlin_conv_fails",
                                           "cvode_jac_evals",
                                           "cvode_prec_evals",
                                           "cvode_lin_iters",
                                           "closure_targets",
                                           "closure_targets_truncated",
                                           "conservation_drift",
                                           "max_fermion_occupation",
                                           "closure_truncated_share",
                                           "closure_max_edge_occupation",
                                           "wall_seconds"};
  enum { NSTATS = sizeof stat_names / sizeof stat_names[0] };
  /* A first checkpoint at t = 0, before the output: an unwritable checkpoint path fails before
   * anything else is written, and a run killed before its first periodic checkpoint can restart
   * from the beginning. It goes again if the output cannot be made. */
  int first_ckpt = 0;
  rc = ghdk_par_agree(&r.par, rc);
  if (!rc && !o->restart && root) {
    rc = ghdk_ckpt_write(
        ckpt, &(struct ghdk_ckpt){
                  .identity = id, .ns = r.s.ns, .nx = r.s.nx, .n = r.s.n, .records = 1, .y = yg});
    first_ckpt = !rc;
  }
  rc = ghdk_par_agree(&r.par, rc);
  if (!rc)
    rc = ghdk_par_agree(&r.par, ghdk_frame_fill_cells(&f, p, &r.s, yy, r.par.i0, r.par.nloc));
  if (!rc)
    rc = ghdk_par_agree(&r.par, ghdk_frame_gather(&f, &r.par));
  if (!rc && root)
    rc = ghdk_frame_output(&f, p, &r.s, path, o->history, homogeneous ? "tbar" : "t", p->coll_name,
                           o->restart ? k0 + 1 : 0, instant(p, k0), &out);
  /* The statistics are defined now, while the file has no records: at the end they are
   * rewritten in place, which cannot move (and so lose) records. */
  for (size_t i = 0; i < NSTATS && !rc && !o->restart && root; i++)
    rc = ghdk_output_set_stat(out, stat_names[i], NAN);
  if (!rc && !o->restart && root)
    rc = ghdk_frame_write(&f, p, out, 0.0);
  if (rc && first_ckpt && !out)
    remove(ckpt);
  rc = ghdk_par_agree(&r.par, rc);
  const double t_start = wall_seconds();
  double t_shown = t_start;
  int progress = 0;
  ghdk_signals_catch();
  for (size_t k = k0 + 1; k <= p->n_out && !rc; k++) {
    sunrealtype t = 0.0;
    const int cvrc = CVode(cv, ghdk_output_time(p, k), y, &t, CV_NORMAL);
    if (cvrc < 0) {
      add_counters(&r, cv, bdf, count, window);
      /* CVODE leaves y at the last step it took, t: kept for a restart (e.g. tighter tolerances,
       * or after a signal). */
      const struct ghdk_ckpt c = checkpoint_of(&r, id, k, t, max_n, count, window, yg);
      int rc2 = ghdk_par_gather(&r.par, yy, yg, r.cell);
      if (!rc2 && root)
        rc2 = ghdk_ckpt_write(ckpt, &c);
      if (r.rhs_status == GHDK_ERR_INTERRUPTED)
        rc = GHDK_ERROR(GHDK_ERR_INTERRUPTED,
                        "%s: stopped at t = %.10g, between records %zu and %zu of %zu; "
                        "checkpoint '%s' %s; continue with the same command and --restart %s",
                        ghdk_signal_caught() == SIGINT ? "SIGINT" : "SIGTERM", t, k - 1, k,
                        p->n_out, ckpt, rc2 ? "NOT written" : "written", ckpt);
      else
        rc = failure(&r, t, cvrc, rc2 ? "(not written)" : ckpt);
      break;
    }
    max_n = fmax(max_n, ghdk_par_max(&r.par, ghdk_fv_max_occupation(r.fv)));
    rc = ghdk_par_agree(&r.par, ghdk_frame_fill_cells(&f, p, &r.s, yy, r.par.i0, r.par.nloc));
    if (!rc)
      rc = ghdk_par_agree(&r.par, ghdk_frame_gather(&f, &r.par));
    if (!rc && root && (rc = ghdk_frame_write(&f, p, out, t)) != GHDK_OK)
      GHDK_ERROR(rc, "record %zu (t = %.10g) was not written; '%s' holds the %zu records before it",
                 k, t, path, k);
    rc = ghdk_par_agree(&r.par, rc);
    /* mpirun forwards a signal to every rank, not at the same instant: the largest one counts. */
    const int sig = (int)ghdk_par_max(&r.par, (double)ghdk_signal_caught());
    const int periodic = p->ckpt_every && k % p->ckpt_every == 0;
    if (!rc && k < p->n_out && (periodic || sig)) {
      int64_t sum[NCOUNT];
      memcpy(sum, count, sizeof sum);
      double sum_window[NWINDOW];
      memcpy(sum_window, window, sizeof window);
      add_counters(&r, cv, bdf, sum, sum_window);
      const struct ghdk_ckpt c = checkpoint_of(&r, id, k + 1, t, max_n, sum, sum_window, yg);
      rc = ghdk_par_gather(&r.par, yy, yg, r.cell);
      if (!rc && root)
        rc = ghdk_ckpt_write(ckpt, &c);
      rc = ghdk_par_agree(&r.par, rc);
      /* Only periodic checkpoints restart the integrator: a run interrupted by a signal stops. */
      if (!rc && periodic && !sig) {
        memcpy(count, sum, sizeof sum);
        memcpy(window, sum_window, sizeof window);
        rhs_free(&r);
        rc = ghdk_par_agree(&r.par, rhs_new(&r));
        if (!rc && CVodeReInit(cv, t, y))
          rc = GHDK_ERROR(GHDK_ERR_LIB, "CVodeReInit at t = %g", t);
      }
      if (!rc && sig)
        rc =
            GHDK_ERROR(GHDK_ERR_INTERRUPTED,
                       "%s: stopped at t = %.10g after record %zu of %zu, checkpoint '%s' written; "
                       "continue with the same command and --restart %s",
                       sig == SIGINT ? "SIGINT" : "SIGTERM", t, k, p->n_out, ckpt, ckpt);
    }
    /* A progress line once the run has taken a few seconds, refreshed twice a second. */
    const double now = wall_seconds();
    if (!rc && !o->quiet && root && now - t_start > 3.0 && now - t_shown > 0.5) {
      const double left = (now - t_start) / (double)(k - k0) * (double)(p->n_out - k);
      fprintf(stderr, "\rghdk: t = %-10.4g output %zu/%zu, wall %.0f s, about %.0f s left   ", t, k,
              p->n_out, now - t_start, left);
      t_shown = now;
      progress = 1;
    }
  }
  ghdk_signals_restore();
  /* The final state on rank 0 for the conserved totals. */
  if (!rc)
    rc = ghdk_par_agree(&r.par, ghdk_par_gather(&r.par, yy, yg, r.cell));
  if (!rc)
    add_counters(&r, cv, bdf, count, window);
  if (out && !rc) {
    double tot1[GHDK_MAX_SPECIES + 2], sc1[GHDK_MAX_SPECIES + 2];
    totals(&r, yg, ncon, con, tot1, sc1);
    double drift = 0.0;
    for (size_t k = 0; k < ncon; k++)
      drift = fmax(drift, fabs(tot1[k] - tot0[k]) / sc0[k]);
    double stats[NSTATS];
    for (int i = 0; i < NCOUNT; i++)
      stats[i] = (double)count[i];
    stats[NCOUNT] = closed ? drift : NAN;
    stats[NCOUNT + 1] = max_n;
    /* The share of the relaxing particles whose target the window truncated: each target
     * weighted by its cell's particle number, summed over the right-hand sides. */
    const double share = window[W_MASS] > 0.0 ? window[W_MASS_TRUNC] / window[W_MASS] : 0.0;
    stats[NCOUNT + 2] = share;
    stats[NCOUNT + 3] = window[W_MAX_EDGE];
    stats[NCOUNT + 4] = wall_seconds() - t_start;
    for (size_t i = 0; i < NSTATS && !rc; i++)
      rc = ghdk_output_set_stat(out, stat_names[i], stats[i]);
    if (!o->quiet && !rc) {
      if (progress)
        fputc('\n', stderr);
      fprintf(stderr,
              "ghdk: %s run (%s, %s) to t = %g: %lld steps, %lld rhs evaluations, %lld Jacobian/"
              "preconditioner set-ups, %lld linear iterations, %lld error-test and %lld "
              "convergence failures, %.1f s\n",
              p->kind, r.coll ? p->coll_name : "no collisions",
              bdf ? (dense ? "BDF, dense" : "BDF, GMRES") : "Adams", p->t_end,
              (long long)count[C_STEPS], (long long)count[C_RHS],
              (long long)(count[C_JAC] + count[C_PREC]), (long long)count[C_LIN],
              (long long)count[C_ETF], (long long)count[C_NCFN], wall_seconds() - t_start);
      fprintf(stderr, "ghdk: conserved totals (charge index : species mask, 0 = all) at the end:");
      for (size_t k = 0; k < ncon; k++)
        fprintf(stderr, " h_%d:%u = %.10g", con[k].charge, con[k].species_mask, tot1[k]);
      if (closed)
        fprintf(stderr, "\nghdk: their largest drift, relative to sum |rho_p h|: %.2e", drift);
      else
        fprintf(stderr, "\nghdk: (open boundaries, a wall or a force: these totals may change)");
      fprintf(stderr, "\nghdk: largest fermionic occupation %.6f\n", max_n);
      if (count[C_TRUNC])
        fprintf(stderr,
                "ghdk: the rapidity window truncated %lld of %lld closure targets, in cells "
                "holding %.3g %% of the relaxing particles (largest occupation at a window edge "
                "%.3g of the target's maximum): there the target is the maximum-entropy state on "
                "the window, not the thermal state of the whole line; widen grid.L if it "
                "matters\n",
                (long long)count[C_TRUNC], (long long)count[C_TARGETS], 100.0 * share,
                window[W_MAX_EDGE]);
      fprintf(stderr, "ghdk: wrote %zu records to %s\n", p->n_out + 1 - (o->restart ? k0 + 1 : 0),
              path);
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
  if (parallel)
    free(yg);
  ghdk_frame_free(&f);
  run_free(&r);
  return rc;
}
