/* SPDX-License-Identifier: BSD-3-Clause */
/* Relaxation rates without time stepping (physics.md 5): the collision operator linearised around
 * the kernel's fixed point, L = dI/d rho_p, by finite differences of the kernel's rhs; its
 * spectrum in an entropy metric, by parity sector; the overlap of every mode with the initial
 * deviation; and, around a GGE, the static covariance C, the Boltzmann matrix B and
 * Gamma = B C^-1 on a set of charges. Kernel-agnostic: only rhs, equilibrium and the invariants
 * are used. Not a hot path: dense matrices of (ns n)^2, allocated here and freed here. */
#include "ghdk/kinetic.h"
#include "ghdk/status.h"

#include <float.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_complex_math.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_linalg.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Default step (see linearise): the truncation error goes as step^2, rounding as eps/step, and
 * kernels that solve an inverse problem (relaxation: charges to 1e-12) add their solver noise /
 * step. Measured on the relaxation kernel (LL and free boson, N = 96): the error of the rates is
 * smallest, 3e-9 and 2e-11, for steps 1e-3 to 1e-4, and grows like 1/step below. */
#define RATES_STEP 1e-4
/* An operator is treated as symmetric in a metric, and as commuting with theta -> -theta, when
 * the defect is below this many times the finite-difference error (and 1e-10): both defects are
 * then within the accuracy of L itself. */
#define RATES_DEFECT_FD 100.0
#define RATES_DEFECT_MIN 1e-10
/* Zero modes: |lambda| <= max(ZERO_MIN, ZERO_FD * finite-difference error) * max |lambda|. */
#define RATES_ZERO_MIN 1e-9
#define RATES_ZERO_FD 100.0
/* Cap of the zero-mode threshold: a kernel whose finite differences are rough at nearly empty
 * nodes (phi6: fd_error ~1e-2) would otherwise call 0.9 max|lambda| "zero" and hide its physical
 * modes (phi6's relaxation mode sits at 0.1 max|lambda|); its true zero modes stay below 1e-9. */
#define RATES_ZERO_MAX 1e-3

static double fro(const gsl_matrix *a)
{
  double s = 0.0;
  for (size_t i = 0; i < a->size1; i++)
    for (size_t j = 0; j < a->size2; j++)
      s += gsl_matrix_get(a, i, j) * gsl_matrix_get(a, i, j);
  return sqrt(s);
}

/* |S - S^T|_F. */
static double fro_antisym(const gsl_matrix *a)
{
  double s = 0.0;
  for (size_t i = 0; i < a->size1; i++)
    for (size_t j = 0; j < a->size2; j++) {
      const double d = gsl_matrix_get(a, i, j) - gsl_matrix_get(a, j, i);
      s += d * d;
    }
  return sqrt(s);
}

/* L (column j = dI/d rho_j) by second-order differences. Metric steps h_j = step
 * sqrt(rho_j rho_max): the perturbation has the same size step sqrt(w rho_max) in the entropy
 * metric for every node, so the error of every column of S = U L U^-1 is alike; a relative step
 * would give tail nodes perturbations far below the resolution of kernels that solve an inverse
 * problem (relaxation: charges to 1e-12), whose noise / h_j then dominates S. But where
 * h_j >> rho_j a kernel that is nonlinear in the occupations (phi6: products of up to six n
 * interpolated from the same nodes, bounds on n e^F) is probed far outside its linear regime,
 * which at low temperature swamps rates of 1e-3 max|lambda| and less: relative steps
 * h_j = step rho_j stay linear everywhere (ghdk_rates_step). Central differences where
 * h_j <= rho_j / 2; one-sided (-3 I(rho) + 4 I(rho + h) - I(rho + 2h)) / 2h where the state is
 * too small to step down and stay positive. Each column is divided by the step actually taken
 * (difference of the perturbed values) to remove the rounding of rho_j + h_j. i0 = I(rho). */
static int linearise(struct ghdk_coll *c, const struct ghdk_grid *g, const double *rho,
                     const double *i0, double step, int relative, gsl_matrix *L, double *x,
                     double *ip, double *im)
{
  const size_t m = L->size1;
  double rmax = 0.0;
  for (size_t i = 0; i < m; i++)
    rmax = fmax(rmax, rho[i]);
  memcpy(x, rho, m * sizeof *x);
  for (size_t j = 0; j < m; j++) {
    const double h = relative ? step * rho[j] : step * sqrt(rho[j] * rmax);
    const int central = h <= 0.5 * rho[j];
    const double x1 = rho[j] + h, x2 = central ? rho[j] - h : rho[j] + 2.0 * h;
    x[j] = x1;
    int rc = c->rhs(c, x, ip);
    x[j] = x2;
    if (!rc)
      rc = c->rhs(c, x, im);
    x[j] = rho[j];
    if (rc)
      return GHDK_ERROR(rc,
                        "rates: the %s kernel rejected the reference state perturbed by %g at "
                        "species %zu, theta = %g",
                        c->name, h, j / c->n + 1, g->theta[j % c->n]);
    for (size_t i = 0; i < m; i++)
      gsl_matrix_set(L, i, j,
                     central ? (ip[i] - im[i]) / (x1 - x2)
                             : (4.0 * ip[i] - im[i] - 3.0 * i0[i]) / (x2 - rho[j]));
  }
  return GHDK_OK;
}

/* Metric factor U with S = U L U^-1: the quadratic form |U d rho|^2 approximates minus the second
 * variation of an entropy, so that an operator with that H-theorem is symmetric.
 * ENTROPY: the model's Yang-Yang entropy (its statistics, with dressing); its second variation
 * is sum_k w_k (d rho_p - n d rho_s)^2 / (rho_p f) with d rho_s = T_w d rho_p, i.e.
 * U = diag(sqrt(w / (rho_p f))) (1 - n T_w), diagonal for free models.
 * CLASSICAL: the Boltzmann entropy -int rho ln rho, U = diag(sqrt(w / rho_p)), the H-function of
 * kernels taken to lowest order in density (coupled_ll). */
enum metric { METRIC_ENTROPY, METRIC_CLASSICAL, NMETRIC };
static const char *const metric_names[NMETRIC] = {"entropy", "classical"};

static int build_metric(enum metric which, struct ghdk_tba *tba, const double *rho,
                        const double *nocc, gsl_matrix *U, gsl_matrix *Ui)
{
  const struct ghdk_model *mo = ghdk_tba_model(tba);
  const struct ghdk_grid *g = ghdk_tba_grid(tba);
  const size_t n = g->n, m = U->size1;
  gsl_matrix_set_identity(U);
  if (which == METRIC_ENTROPY)
    for (size_t a = 0; a < mo->nspecies; a++)
      for (size_t b = 0; b < mo->nspecies; b++)
        if (mo->interacting(mo, a, b))
          for (size_t k = 0; k < n; k++)
            for (size_t l = 0; l < n; l++)
              gsl_matrix_set(U, a * n + k, b * n + l,
                             (a == b && k == l ? 1.0 : 0.0) -
                                 nocc[a * n + k] * g->w[l] *
                                     mo->kernel(mo, a, b, g->theta[k], g->theta[l]));
  gsl_permutation *perm = gsl_permutation_alloc(m);
  gsl_matrix *lu = gsl_matrix_alloc(m, m);
  int sgn, rc = (perm && lu) ? GHDK_OK : GHDK_ERR_NOMEM;
  if (!rc) {
    gsl_matrix_memcpy(lu, U);
    if (gsl_linalg_LU_decomp(lu, perm, &sgn) || gsl_linalg_LU_invert(lu, perm, Ui))
      rc = GHDK_ERR_DOMAIN;
  }
  gsl_matrix_free(lu);
  gsl_permutation_free(perm);
  if (rc)
    return rc == GHDK_ERR_NOMEM ? GHDK_ERROR(rc, "rates: metric") : rc;
  for (size_t i = 0; i < m; i++) {
    const double sigma = which == METRIC_ENTROPY ? ghdk_stat_sigma(mo->statistics(mo, i / n)) : 0.0;
    const double d = sqrt(g->w[i % n] / (rho[i] * (1.0 - sigma * nocc[i])));
    gsl_vector_view row = gsl_matrix_row(U, i), col = gsl_matrix_column(Ui, i);
    gsl_vector_scale(&row.vector, d);
    gsl_vector_scale(&col.vector, 1.0 / d);
  }
  return GHDK_OK;
}

/* S = U L U^-1 (tmp: scratch of the same size). */
static void similarity(const gsl_matrix *U, const gsl_matrix *L, const gsl_matrix *Ui,
                       gsl_matrix *S, gsl_matrix *tmp)
{
  gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, L, Ui, 0.0, tmp);
  gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, U, tmp, 0.0, S);
}

/* Orthonormal basis of the even (parity +1) or odd (-1) functions of theta, species by species,
 * on a grid symmetric about its centre: (e_k +- e_{n-1-k})/sqrt 2, and e_mid (even) for odd n. */
static gsl_matrix *sector_basis(size_t ns, size_t n, int parity)
{
  const size_t half = n / 2, per = parity > 0 ? n - half : half;
  gsl_matrix *P = gsl_matrix_calloc(ns * n, ns * per);
  if (!P)
    return NULL;
  for (size_t a = 0; a < ns; a++) {
    for (size_t k = 0; k < half; k++) {
      gsl_matrix_set(P, a * n + k, a * per + k, sqrt(0.5));
      gsl_matrix_set(P, a * n + n - 1 - k, a * per + k, parity * sqrt(0.5));
    }
    if (parity > 0 && n % 2)
      gsl_matrix_set(P, a * n + half, a * per + half, 1.0);
  }
  return P;
}

/* Per-mode diagnostics of an eigenvector y (real part yr, imaginary yi, may be NULL) in the
 * metric space: fraction of its weight on the outer 10% of the window, and <y|R|y>/<y|y> with R
 * the reflection theta -> -theta. */
static void mode_shape(const struct ghdk_grid *g, size_t ns, const double *yr, const double *yi,
                       double *edge, double *refl)
{
  const size_t n = g->n;
  const double mid = 0.5 * (g->a + g->b), half = 0.5 * (g->b - g->a);
  double e = 0.0, tot = 0.0, r = 0.0;
  for (size_t a = 0; a < ns; a++)
    for (size_t k = 0; k < n; k++) {
      const size_t i = a * n + k, j = a * n + n - 1 - k;
      const double v2 = yr[i] * yr[i] + (yi ? yi[i] * yi[i] : 0.0);
      tot += v2;
      if (fabs(g->theta[k] - mid) > 0.9 * half)
        e += v2;
      r += yr[i] * yr[j] + (yi ? yi[i] * yi[j] : 0.0);
    }
  *edge = tot > 0 ? e / tot : 0.0;
  *refl = tot > 0 ? r / tot : 0.0;
}

/* Parity label of a mode: its sector's, or from <y|R|y> when within 1e-6 of +-1, else 0. */
static int parity_label(int sector, double refl)
{
  if (sector)
    return sector;
  return fabs(refl - 1.0) < 1e-6 ? 1 : (fabs(refl + 1.0) < 1e-6 ? -1 : 0);
}

/* A sector eigenvector yb lifted to the full metric space: y = P yb (P NULL: y = yb). */
static void lift(const gsl_matrix *P, const gsl_vector *yb, double *y)
{
  gsl_vector_view yv = gsl_vector_view_array(y, P ? P->size1 : yb->size);
  if (P)
    gsl_blas_dgemv(CblasNoTrans, 1.0, P, yb, 0.0, &yv.vector);
  else
    gsl_vector_memcpy(&yv.vector, yb);
}

/* Fraction of y = yr + i yi (may be NULL) in the span of the orthonormal columns of V (NULL:
 * NaN). */
static double tangent_fraction(const gsl_matrix *V, const double *yr, const double *yi)
{
  if (!V)
    return NAN;
  double in = 0.0, tot = 0.0;
  for (size_t i = 0; i < V->size1; i++)
    tot += yr[i] * yr[i] + (yi ? yi[i] * yi[i] : 0.0);
  for (size_t k = 0; k < V->size2; k++) {
    double a = 0.0, b = 0.0;
    for (size_t i = 0; i < V->size1; i++) {
      a += gsl_matrix_get(V, i, k) * yr[i];
      b += yi ? gsl_matrix_get(V, i, k) * yi[i] : 0.0;
    }
    in += a * a + b * b;
  }
  return tot > 0 ? in / tot : 0.0;
}

/* Spectrum of one sector block Sb = P^T S P (P NULL: the whole S), symmetric or not; appends
 * its modes to r->mode with the overlaps of d (delta rho in metric space) and their fraction in
 * the span of V (NULL: none). */
static int solve_sector(struct ghdk_rates *r, const struct ghdk_grid *g, size_t ns,
                        const gsl_matrix *S, const gsl_matrix *P, int sector, int symmetric,
                        const double *d, const gsl_matrix *V)
{
  const size_t m = S->size1, ms = P ? P->size2 : m;
  gsl_matrix *Sb = gsl_matrix_alloc(ms, ms), *tmp = P ? gsl_matrix_alloc(m, ms) : NULL;
  double *yr = malloc(m * sizeof *yr), *yi = malloc(m * sizeof *yi), *ds = malloc(ms * sizeof *ds);
  int rc = (Sb && (tmp || !P) && yr && yi && ds) ? GHDK_OK : GHDK_ERR_NOMEM;
  if (!rc) {
    if (P) {
      gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, S, P, 0.0, tmp);
      gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, P, tmp, 0.0, Sb);
      gsl_vector_const_view dv = gsl_vector_const_view_array(d, m);
      gsl_vector_view dsv = gsl_vector_view_array(ds, ms);
      gsl_blas_dgemv(CblasTrans, 1.0, P, &dv.vector, 0.0, &dsv.vector);
    } else {
      gsl_matrix_memcpy(Sb, S);
      memcpy(ds, d, m * sizeof *ds);
    }
  }
  if (!rc && symmetric) {
    /* Symmetric in the metric: orthonormal eigenvectors, overlap c_k = y_k . d, and the weights
     * sum to |d|^2. The block is symmetrised to remove the finite-difference defect. */
    for (size_t i = 0; i < ms; i++)
      for (size_t j = 0; j < i; j++) {
        const double v = 0.5 * (gsl_matrix_get(Sb, i, j) + gsl_matrix_get(Sb, j, i));
        gsl_matrix_set(Sb, i, j, v);
        gsl_matrix_set(Sb, j, i, v);
      }
    gsl_vector *ev = gsl_vector_alloc(ms);
    gsl_matrix *vec = gsl_matrix_alloc(ms, ms);
    gsl_eigen_symmv_workspace *ws = gsl_eigen_symmv_alloc(ms);
    if (!ev || !vec || !ws)
      rc = GHDK_ERR_NOMEM;
    else if (gsl_eigen_symmv(Sb, ev, vec, ws))
      rc = GHDK_ERROR(GHDK_ERR_LIB, "rates: gsl_eigen_symmv failed");
    for (size_t k = 0; k < ms && !rc; k++) {
      gsl_vector_const_view yb = gsl_matrix_const_column(vec, k);
      lift(P, &yb.vector, yr);
      double c = 0.0;
      for (size_t l = 0; l < ms; l++)
        c += gsl_matrix_get(vec, l, k) * ds[l];
      struct ghdk_rate_mode *mo = &r->mode[r->nmode++];
      double refl;
      mode_shape(g, ns, yr, NULL, &mo->edge, &refl);
      mo->rate = -gsl_vector_get(ev, k);
      mo->imag = 0.0;
      mo->tangent = tangent_fraction(V, yr, NULL);
      mo->weight = c * c;
      mo->parity = parity_label(sector, refl);
    }
    gsl_eigen_symmv_free(ws);
    gsl_matrix_free(vec);
    gsl_vector_free(ev);
  } else if (!rc) {
    /* General case: complex eigenpairs (unit norm), d expanded by solving V c = d. */
    gsl_vector_complex *ev = gsl_vector_complex_alloc(ms), *dc = gsl_vector_complex_alloc(ms),
                       *cc = gsl_vector_complex_alloc(ms);
    gsl_matrix_complex *vec = gsl_matrix_complex_alloc(ms, ms),
                       *lu = gsl_matrix_complex_alloc(ms, ms);
    gsl_permutation *perm = gsl_permutation_alloc(ms);
    gsl_eigen_nonsymmv_workspace *ws = gsl_eigen_nonsymmv_alloc(ms);
    int sgn;
    if (!ev || !dc || !cc || !vec || !lu || !perm || !ws)
      rc = GHDK_ERR_NOMEM;
    else if (gsl_eigen_nonsymmv(Sb, ev, vec, ws))
      rc = GHDK_ERROR(GHDK_ERR_LIB, "rates: gsl_eigen_nonsymmv failed");
    if (!rc) {
      for (size_t l = 0; l < ms; l++)
        gsl_vector_complex_set(dc, l, gsl_complex_rect(ds[l], 0.0));
      gsl_matrix_complex_memcpy(lu, vec);
      if (gsl_linalg_complex_LU_decomp(lu, perm, &sgn) ||
          gsl_linalg_complex_LU_solve(lu, perm, dc, cc))
        rc = GHDK_ERROR(GHDK_ERR_LIB, "rates: the eigenvectors do not span the space "
                                      "(defective operator?)");
    }
    for (size_t k = 0; k < ms && !rc; k++) {
      gsl_vector_complex_const_view yb = gsl_matrix_complex_const_column(vec, k);
      gsl_vector_const_view ybr = gsl_vector_complex_const_real(&yb.vector),
                            ybi = gsl_vector_complex_const_imag(&yb.vector);
      lift(P, &ybr.vector, yr);
      lift(P, &ybi.vector, yi);
      struct ghdk_rate_mode *mo = &r->mode[r->nmode++];
      const gsl_complex lam = gsl_vector_complex_get(ev, k);
      double refl;
      mode_shape(g, ns, yr, yi, &mo->edge, &refl);
      mo->rate = -GSL_REAL(lam);
      mo->imag = GSL_IMAG(lam);
      mo->tangent = tangent_fraction(V, yr, yi);
      mo->weight = gsl_complex_abs2(gsl_vector_complex_get(cc, k));
      mo->parity = parity_label(sector, refl);
    }
    gsl_eigen_nonsymmv_free(ws);
    gsl_permutation_free(perm);
    gsl_matrix_complex_free(lu);
    gsl_matrix_complex_free(vec);
    gsl_vector_complex_free(cc);
    gsl_vector_complex_free(dc);
    gsl_vector_complex_free(ev);
  }
  free(yr), free(yi), free(ds);
  gsl_matrix_free(tmp);
  gsl_matrix_free(Sb);
  return rc == GHDK_ERR_NOMEM ? GHDK_ERROR(rc, "rates: eigenproblem of size %zu", ms) : rc;
}

/* The spectrum of S (metric space) by parity sector when the grid and S are symmetric under
 * theta -> -theta (within the finite-difference error), else as one block with the parity of
 * each mode measured. */
static int spectrum(struct ghdk_rates *r, const struct ghdk_grid *g, size_t ns, const gsl_matrix *S,
                    const double *d, const gsl_matrix *V)
{
  const size_t n = g->n, m = S->size1;
  const double mid = 0.5 * (g->a + g->b);
  int grid_symmetric = 1;
  for (size_t k = 0; k < n; k++)
    grid_symmetric &= fabs(g->theta[k] + g->theta[n - 1 - k] - 2 * mid) <= 1e-12 * (g->b - g->a) &&
                      fabs(g->w[k] - g->w[n - 1 - k]) <= 1e-12 * g->w[k];
  r->parity_defect = NAN;
  if (grid_symmetric) {
    double s = 0.0;
    for (size_t i = 0; i < m; i++)
      for (size_t j = 0; j < m; j++) {
        const size_t ri = i - i % n + n - 1 - i % n, rj = j - j % n + n - 1 - j % n;
        const double dd = gsl_matrix_get(S, ri, rj) - gsl_matrix_get(S, i, j);
        s += dd * dd;
      }
    r->parity_defect = sqrt(s) / fro(S);
  }
  const double tol = fmax(RATES_DEFECT_MIN, RATES_DEFECT_FD * r->fd_error);
  r->parity_split = grid_symmetric && r->parity_defect <= tol;
  if (!r->parity_split)
    return solve_sector(r, g, ns, S, NULL, 0, r->symmetric, d, V);
  for (int parity = 1; parity >= -1; parity -= 2) {
    gsl_matrix *P = sector_basis(ns, n, parity);
    if (!P)
      return GHDK_ERROR(GHDK_ERR_NOMEM, "rates: parity basis");
    const int rc = solve_sector(r, g, ns, S, P, parity, r->symmetric, d, V);
    gsl_matrix_free(P);
    GHDK_CHECK(rc);
  }
  return GHDK_OK;
}

/* Zero modes first, then by rate. */
static int mode_order(const void *pa, const void *pb)
{
  const struct ghdk_rate_mode *a = pa, *b = pb;
  if (a->zero != b->zero)
    return b->zero - a->zero;
  return (a->rate > b->rate) - (a->rate < b->rate);
}

/* Overlap summaries over the non-zero modes (sorted by rate): total weight, weighted mean rate,
 * slowest mode carrying more than 1e-3 of the weight, slowest mode in the bulk of the window
 * (the candidate for a physical gap when the window adds edge modes, physics.md 4.1), quantiles
 * of the weighted spectral measure, smallest rate per parity sector. */
static void summarise(struct ghdk_rates *r)
{
  double wz = 0.0, wn = 0.0, wr = 0.0;
  r->gap[0] = r->gap[1] = r->gap[2] = r->gap_all = NAN;
  for (size_t k = 0; k < r->nmode; k++) {
    const struct ghdk_rate_mode *mo = &r->mode[k];
    if (mo->zero) {
      wz += mo->weight;
      continue;
    }
    wn += mo->weight;
    wr += mo->weight * mo->rate;
    r->nunstable += mo->rate < 0;
    const int s = mo->parity > 0 ? 0 : (mo->parity < 0 ? 1 : 2);
    if (isnan(r->gap[s]))
      r->gap[s] = mo->rate;
    if (isnan(r->gap_all)) {
      r->gap_all = mo->rate;
      r->gap_edge = mo->edge;
    }
  }
  r->weight_zero = wz;
  r->weight_total = wz + wn;
  r->mean_rate = wn > 0 ? wr / wn : NAN;
  static const double quantile[3] = {0.01, 0.1, 0.5};
  r->slowest_weighted = r->slowest_bulk = NAN;
  r->rate_quantile[0] = r->rate_quantile[1] = r->rate_quantile[2] = NAN;
  double cum = 0.0;
  for (size_t k = 0; k < r->nmode; k++) {
    const struct ghdk_rate_mode *mo = &r->mode[k];
    if (mo->zero)
      continue;
    cum += mo->weight;
    for (int q = 0; q < 3; q++)
      if (isnan(r->rate_quantile[q]) && wn > 0 && cum >= quantile[q] * wn)
        r->rate_quantile[q] = mo->rate;
    if (isnan(r->slowest_weighted) && mo->weight > 1e-3 * wn) {
      r->slowest_weighted = mo->rate;
      r->slowest_weighted_edge = mo->edge;
      r->slowest_weighted_parity = mo->parity;
    }
    if (isnan(r->slowest_bulk) && mo->edge < 0.1) {
      r->slowest_bulk = mo->rate;
      r->slowest_bulk_weight = wn > 0 ? mo->weight / wn : 0.0;
      r->slowest_bulk_parity = mo->parity;
    }
  }
}

/* The metric in which L is most nearly symmetric: r->metric, r->asymmetry, *which, and U, Ui
 * built for it. S and tmp are scratch. */
static int choose_metric(struct ghdk_rates *r, struct ghdk_tba *tba, const double *nocc,
                         const gsl_matrix *L, gsl_matrix *U, gsl_matrix *Ui, gsl_matrix *S,
                         gsl_matrix *tmp, enum metric *which)
{
  double best = INFINITY;
  r->metric = NULL;
  for (int k = 0; k < NMETRIC; k++) {
    const int rc = build_metric((enum metric)k, tba, r->rho_ref, nocc, U, Ui);
    if (rc == GHDK_ERR_DOMAIN) /* 1 - n T singular: no such metric here */
      continue;
    GHDK_CHECK(rc);
    similarity(U, L, Ui, S, tmp);
    const double a = fro_antisym(S) / fro(S);
    if (a < best) {
      best = a;
      *which = (enum metric)k;
      r->metric = metric_names[k];
    }
  }
  if (!r->metric)
    return GHDK_ERROR(GHDK_ERR_DOMAIN, "rates: no entropy metric at the reference state");
  r->asymmetry = best;
  return build_metric(*which, tba, r->rho_ref, nocc, U, Ui);
}

/* |U (L2 - L) U^-1|_F / |U L U^-1|_F (L2 is overwritten). */
static double step_error(const gsl_matrix *U, const gsl_matrix *Ui, const gsl_matrix *L,
                         gsl_matrix *L2, gsl_matrix *S, gsl_matrix *tmp)
{
  gsl_matrix_sub(L2, L);
  similarity(U, L2, Ui, S, tmp);
  const double e = fro(S);
  similarity(U, L, Ui, S, tmp);
  return e / fro(S);
}

/* d rho_p/d beta of a source term with dressed charge hdr, around the occupation set in tba:
 * n (1 - T n)^-1 (-rho_s f hdr) (from d eps/d beta = hdr, dn = -n f d eps, rho_p = n rho_s). */
static int tangent(struct ghdk_tba *tba, size_t m, const double *hdr, const double *rho_s,
                   const double *f, const double *nocc, double *dr)
{
  for (size_t k = 0; k < m; k++)
    dr[k] = -rho_s[k] * f[k] * hdr[k];
  GHDK_CHECK(ghdk_tba_dress(tba, dr, dr));
  for (size_t k = 0; k < m; k++)
    dr[k] *= nocc[k];
  return GHDK_OK;
}

/* Columns of V: orthonormal basis (metric space) of the tangents U d rho_p/d beta_k of the
 * kernel's invariants at the reference GGE (occupation nocc, state density rho_s). */
static int invariant_tangents(const struct ghdk_coll *c, struct ghdk_tba *tba, const double *nocc,
                              const double *rho_s, const gsl_matrix *U, gsl_matrix *V)
{
  const struct ghdk_model *mo = ghdk_tba_model(tba);
  const struct ghdk_grid *g = ghdk_tba_grid(tba);
  const size_t n = g->n, m = V->size1;
  double *h = malloc(m * sizeof *h), *f = malloc(m * sizeof *f), *dr = malloc(m * sizeof *dr);
  int rc = h && f && dr ? GHDK_OK : GHDK_ERROR(GHDK_ERR_NOMEM, "rates: tangents");
  for (size_t k = 0; k < m && !rc; k++)
    f[k] = 1.0 - ghdk_stat_sigma(mo->statistics(mo, k / n)) * nocc[k];
  if (!rc)
    rc = ghdk_tba_set_occupation(tba, nocc);
  for (size_t q = 0; q < c->ninv && !rc; q++) {
    const struct ghdk_constraint *k = &c->inv[q];
    for (size_t i = 0; i < m; i++)
      h[i] = k->species_mask == 0 || (k->species_mask >> (i / n)) & 1u
                 ? mo->charge(mo, i / n, k->charge, g->theta[i % n])
                 : 0.0;
    rc = ghdk_tba_dress(tba, h, h);
    if (!rc)
      rc = tangent(tba, m, h, rho_s, f, nocc, dr);
    if (rc)
      break;
    gsl_vector_const_view dv = gsl_vector_const_view_array(dr, m);
    gsl_vector_view col = gsl_matrix_column(V, q);
    gsl_blas_dgemv(CblasNoTrans, 1.0, U, &dv.vector, 0.0, &col.vector);
    /* Modified Gram-Schmidt, twice (the tangents of E and N are nearly parallel at low T). */
    const double n0 = gsl_blas_dnrm2(&col.vector);
    for (int pass = 0; pass < 2; pass++)
      for (size_t p = 0; p < q; p++) {
        gsl_vector_const_view vp = gsl_matrix_const_column(V, p);
        double a;
        gsl_blas_ddot(&vp.vector, &col.vector, &a);
        gsl_blas_daxpy(-a, &vp.vector, &col.vector);
      }
    const double n1 = gsl_blas_dnrm2(&col.vector);
    if (!(n1 > 1e-8 * n0))
      rc = GHDK_ERROR(GHDK_ERR_DOMAIN, "rates: the tangents of the invariants are dependent");
    else
      gsl_vector_scale(&col.vector, 1.0 / n1);
  }
  free(h), free(f), free(dr);
  return rc;
}

/* S -> Q S Q, Q = 1 - V V^T: with S V = 0 (V right null vectors), S in the basis (V, W) is block
 * triangular, and W^T S W, the block Q S Q acts on, holds every other eigenvalue unchanged. */
static int deflate(gsl_matrix *S, const gsl_matrix *V)
{
  const size_t m = S->size1, k = V->size2;
  gsl_matrix *A = gsl_matrix_alloc(k, m), *B = gsl_matrix_alloc(m, k);
  if (!A || !B) {
    gsl_matrix_free(A);
    gsl_matrix_free(B);
    return GHDK_ERROR(GHDK_ERR_NOMEM, "rates: deflation");
  }
  gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, V, S, 0.0, A);    /* V^T S */
  gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, -1.0, V, A, 1.0, S); /* (1 - V V^T) S */
  gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, S, V, 0.0, B);  /* S V */
  gsl_blas_dgemm(CblasNoTrans, CblasTrans, -1.0, B, V, 1.0, S);   /* ... (1 - V V^T) */
  gsl_matrix_free(A);
  gsl_matrix_free(B);
  return GHDK_OK;
}

/* C, B and Gamma = B C^-1 on the charges of r, around the GGE rho (occupation nocc, state
 * density rho_s): C_ij = d<q_i>/d beta_j = -sum w rho_p f h_i^dr h_j^dr (dressing
 * (1 - T n) h^dr = h), d rho_p/d beta_j = n (1 - T n)^-1 (-rho_s f h_j^dr) (from d eps/d beta_j =
 * h_j^dr, dn = -n f d eps and rho_p = n rho_s), B_ij = -sum w h_i (L d rho_p/d beta_j). Charges
 * act on every species (q_i summed over species). */
static int boltzmann(struct ghdk_rates *r, struct ghdk_tba *tba, const gsl_matrix *L,
                     const double *rho, const double *nocc, const double *rho_s)
{
  const struct ghdk_model *mo = ghdk_tba_model(tba);
  const struct ghdk_grid *g = ghdk_tba_grid(tba);
  const size_t nq = r->ncharge, n = g->n, m = L->size1;
  double *h = malloc(nq * m * sizeof *h), *hdr = malloc(nq * m * sizeof *hdr);
  double *f = malloc(m * sizeof *f), *dr = malloc(m * sizeof *dr), *ldr = malloc(m * sizeof *ldr);
  r->C = malloc(nq * nq * sizeof *r->C);
  r->B = malloc(nq * nq * sizeof *r->B);
  r->Gamma = malloc(nq * nq * sizeof *r->Gamma);
  r->gamma_re = malloc(nq * sizeof *r->gamma_re);
  r->gamma_im = malloc(nq * sizeof *r->gamma_im);
  gsl_matrix *lu = gsl_matrix_alloc(nq, nq), *gm = gsl_matrix_alloc(nq, nq);
  gsl_permutation *perm = gsl_permutation_alloc(nq);
  gsl_vector_complex *ev = gsl_vector_complex_alloc(nq);
  gsl_eigen_nonsymm_workspace *ws = gsl_eigen_nonsymm_alloc(nq);
  int rc = (h && hdr && f && dr && ldr && r->C && r->B && r->Gamma && r->gamma_re && r->gamma_im &&
            lu && gm && perm && ev && ws)
               ? GHDK_OK
               : GHDK_ERROR(GHDK_ERR_NOMEM, "rates: Boltzmann matrices");
  for (size_t k = 0; k < m && !rc; k++)
    f[k] = 1.0 - ghdk_stat_sigma(mo->statistics(mo, k / n)) * nocc[k];
  if (!rc)
    rc = ghdk_tba_set_occupation(tba, nocc);
  for (size_t i = 0; i < nq && !rc; i++) {
    for (size_t k = 0; k < m; k++)
      h[i * m + k] = mo->charge(mo, k / n, r->charges[i], g->theta[k % n]);
    rc = ghdk_tba_dress(tba, h + i * m, hdr + i * m);
  }
  for (size_t i = 0; i < nq && !rc; i++)
    for (size_t j = 0; j < nq; j++) {
      double s = 0.0;
      for (size_t k = 0; k < m; k++)
        s += g->w[k % n] * rho[k] * f[k] * hdr[i * m + k] * hdr[j * m + k];
      r->C[i * nq + j] = -s;
    }
  for (size_t j = 0; j < nq && !rc; j++) {
    rc = tangent(tba, m, hdr + j * m, rho_s, f, nocc, dr);
    gsl_vector_const_view dv = gsl_vector_const_view_array(dr, m);
    gsl_vector_view lv = gsl_vector_view_array(ldr, m);
    gsl_blas_dgemv(CblasNoTrans, 1.0, L, &dv.vector, 0.0, &lv.vector);
    for (size_t i = 0; i < nq && !rc; i++) {
      double s = 0.0;
      for (size_t k = 0; k < m; k++)
        s += g->w[k % n] * h[i * m + k] * ldr[k];
      r->B[i * nq + j] = -s;
    }
  }
  /* Gamma C = B with C symmetric: each row of Gamma solves C x = (row of B). */
  int sgn;
  if (!rc) {
    for (size_t i = 0; i < nq; i++)
      for (size_t j = 0; j < nq; j++)
        gsl_matrix_set(lu, i, j, r->C[i * nq + j]);
    if (gsl_linalg_LU_decomp(lu, perm, &sgn) || gsl_linalg_LU_det(lu, sgn) == 0.0)
      rc = GHDK_ERROR(GHDK_ERR_DOMAIN, "rates: singular covariance C (repeated charges?)");
  }
  for (size_t i = 0; i < nq && !rc; i++) {
    gsl_vector_const_view b = gsl_vector_const_view_array(r->B + i * nq, nq);
    gsl_vector_view x = gsl_vector_view_array(r->Gamma + i * nq, nq);
    if (gsl_linalg_LU_solve(lu, perm, &b.vector, &x.vector))
      rc = GHDK_ERROR(GHDK_ERR_DOMAIN, "rates: singular covariance C");
  }
  if (!rc) {
    for (size_t i = 0; i < nq; i++)
      for (size_t j = 0; j < nq; j++)
        gsl_matrix_set(gm, i, j, r->Gamma[i * nq + j]);
    if (gsl_eigen_nonsymm(gm, ev, ws))
      rc = GHDK_ERROR(GHDK_ERR_LIB, "rates: eigenvalues of Gamma");
  }
  /* Ascending real part (insertion sort: nq <= GHDK_MAX_CHARGES). */
  for (size_t k = 0; k < nq && !rc; k++) {
    const gsl_complex z = gsl_vector_complex_get(ev, k);
    size_t i = k;
    for (; i > 0 && r->gamma_re[i - 1] > GSL_REAL(z); i--) {
      r->gamma_re[i] = r->gamma_re[i - 1];
      r->gamma_im[i] = r->gamma_im[i - 1];
    }
    r->gamma_re[i] = GSL_REAL(z);
    r->gamma_im[i] = GSL_IMAG(z);
  }
  gsl_eigen_nonsymm_free(ws);
  gsl_vector_complex_free(ev);
  gsl_permutation_free(perm);
  gsl_matrix_free(gm);
  gsl_matrix_free(lu);
  free(h), free(hdr), free(f), free(dr), free(ldr);
  return rc;
}

void ghdk_rates_free(struct ghdk_rates *r)
{
  if (!r)
    return;
  free(r->rho_ref), free(r->mode), free(r->C), free(r->B), free(r->Gamma);
  free(r->gamma_re), free(r->gamma_im);
  free(r);
}

int ghdk_rates_new(const struct ghdk_rates_inp *inp, struct ghdk_rates **out)
{
  *out = NULL;
  struct ghdk_coll *c = inp->coll;
  struct ghdk_tba *tba = inp->tba;
  const struct ghdk_grid *g = ghdk_tba_grid(tba);
  const size_t m = c->ns * c->n;
  if (inp->ncharge > GHDK_MAX_CHARGES)
    return GHDK_ERROR(GHDK_ERR_INPUT, "rates: at most %d charges", GHDK_MAX_CHARGES);
  struct ghdk_rates *r = calloc(1, sizeof *r);
  if (!r)
    return GHDK_ERROR(GHDK_ERR_NOMEM, "rates");
  r->size = m;
  r->ninv = c->ninv;
  memcpy(r->inv, c->inv, sizeof r->inv);
  r->fd_step = inp->step > 0 ? inp->step : RATES_STEP;
  r->ncharge = inp->ncharge;
  if (inp->ncharge)
    memcpy(r->charges, inp->charges, inp->ncharge * sizeof *inp->charges);
  r->rho_ref = malloc(m * sizeof *r->rho_ref);
  r->mode = calloc(m, sizeof *r->mode);
  double *nocc = malloc(m * sizeof *nocc), *rho_s = malloc(m * sizeof *rho_s);
  double *x = malloc(m * sizeof *x), *ip = malloc(m * sizeof *ip), *im = malloc(m * sizeof *im);
  double *i0 = malloc(m * sizeof *i0), *d = malloc(m * sizeof *d);
  gsl_matrix *L = gsl_matrix_alloc(m, m), *L2 = inp->check_step ? gsl_matrix_alloc(m, m) : NULL;
  gsl_matrix *U = gsl_matrix_alloc(m, m), *Ui = gsl_matrix_alloc(m, m);
  gsl_matrix *S = gsl_matrix_alloc(m, m), *tmp = gsl_matrix_alloc(m, m);
  int rc = (r->rho_ref && r->mode && nocc && rho_s && x && ip && im && i0 && d && L &&
            (L2 || !inp->check_step) && U && Ui && S && tmp)
               ? GHDK_OK
               : GHDK_ERROR(GHDK_ERR_NOMEM, "rates: matrices of size %zu", m);
  double beta[GHDK_COLL_MAX_INV];
  if (!rc)
    rc = ghdk_coll_equilibrium(c, tba, inp->rho0, r->rho_ref, beta);
  if (!rc) {
    r->gge = 1;
    for (size_t k = 0; k < c->ninv; k++) {
      r->gge &= isfinite(beta[k]) != 0;
      r->beta_ref[k] = beta[k];
    }
    for (size_t i = 0; i < m && !rc; i++)
      if (!(r->rho_ref[i] >= DBL_MIN))
        rc = GHDK_ERROR(GHDK_ERR_DOMAIN,
                        "rates: the reference state vanishes (rho_p = %g) at species %zu, "
                        "theta = %g: no entropy metric there; narrow the rapidity window",
                        r->rho_ref[i], i / c->n + 1, g->theta[i % c->n]);
  }
  if (!rc)
    rc = ghdk_tba_occupation(tba, r->rho_ref, nocc, rho_s);
  /* How far the reference is from a fixed point, relative to |I| of the initial state. */
  if (!rc)
    rc = c->rhs(c, inp->rho0, ip);
  if (!rc)
    rc = c->rhs(c, r->rho_ref, i0);
  if (!rc) {
    double a0 = 0.0, a1 = 0.0;
    for (size_t i = 0; i < m; i++)
      a0 = fmax(a0, fabs(ip[i])), a1 = fmax(a1, fabs(i0[i]));
    r->fixed_point_residual = a0 > 0 ? a1 / a0 : a1;
  }
  /* Candidate step rules: AUTO tries both and keeps the one whose doubled step moves S less. */
  const int automatic = inp->step_mode == GHDK_RATES_STEP_AUTO && inp->check_step;
  r->step_mode = inp->step_mode == GHDK_RATES_STEP_RELATIVE ? GHDK_RATES_STEP_RELATIVE
                                                            : GHDK_RATES_STEP_METRIC;
  r->fd_error_other = NAN;
  enum metric which = METRIC_ENTROPY;
  if (!rc)
    rc = linearise(c, g, r->rho_ref, i0, r->fd_step, r->step_mode == GHDK_RATES_STEP_RELATIVE, L, x,
                   ip, im);
  if (!rc && inp->check_step)
    rc = linearise(c, g, r->rho_ref, i0, 2.0 * r->fd_step, r->step_mode == GHDK_RATES_STEP_RELATIVE,
                   L2, x, ip, im);
  if (!rc)
    rc = choose_metric(r, tba, nocc, L, U, Ui, S, tmp, &which);
  if (!rc)
    r->fd_error = inp->check_step ? step_error(U, Ui, L, L2, S, tmp) : inp->fd_error;
  if (!rc && automatic) {
    gsl_matrix *La = gsl_matrix_alloc(m, m), *L2a = gsl_matrix_alloc(m, m);
    rc = La && L2a ? GHDK_OK : GHDK_ERROR(GHDK_ERR_NOMEM, "rates: matrices of size %zu", m);
    if (!rc)
      rc = linearise(c, g, r->rho_ref, i0, r->fd_step, 1, La, x, ip, im);
    if (!rc)
      rc = linearise(c, g, r->rho_ref, i0, 2.0 * r->fd_step, 1, L2a, x, ip, im);
    if (!rc) {
      const double e = step_error(U, Ui, La, L2a, S, tmp);
      if (e < r->fd_error) {
        gsl_matrix_memcpy(L, La);
        gsl_matrix_add(L2a, La); /* step_error left L2a - La */
        r->fd_error_other = r->fd_error;
        r->step_mode = GHDK_RATES_STEP_RELATIVE;
        rc = choose_metric(r, tba, nocc, L, U, Ui, S, tmp, &which);
        if (!rc)
          r->fd_error = step_error(U, Ui, L, L2a, S, tmp);
      } else
        r->fd_error_other = e;
    }
    gsl_matrix_free(La);
    gsl_matrix_free(L2a);
  }
  gsl_matrix *V = NULL;
  if (!rc) {
    similarity(U, L, Ui, S, tmp);
    r->symmetric = r->asymmetry <= fmax(RATES_DEFECT_MIN, RATES_DEFECT_FD * r->fd_error);
    r->zero_tol = inp->zero_tol > 0
                      ? inp->zero_tol
                      : fmin(RATES_ZERO_MAX, fmax(RATES_ZERO_MIN, RATES_ZERO_FD * r->fd_error));
    if (r->gge && c->ninv) {
      V = gsl_matrix_alloc(m, c->ninv);
      rc = V ? invariant_tangents(c, tba, nocc, rho_s, U, V)
             : GHDK_ERROR(GHDK_ERR_NOMEM, "rates: tangents");
      if (!rc)
        rc = deflate(S, V);
      r->deflated = !rc;
    }
  }
  if (!rc) {
    /* delta rho in metric space: d = U (rho_0 - rho_ref). */
    for (size_t i = 0; i < m; i++)
      x[i] = inp->rho0[i] - r->rho_ref[i];
    gsl_vector_view xv = gsl_vector_view_array(x, m), dv = gsl_vector_view_array(d, m);
    gsl_blas_dgemv(CblasNoTrans, 1.0, U, &xv.vector, 0.0, &dv.vector);
    rc = spectrum(r, g, c->ns, S, d, V);
  }
  gsl_matrix_free(V);
  if (!rc) {
    for (size_t k = 0; k < r->nmode; k++) {
      r->lambda_max = fmax(r->lambda_max, hypot(r->mode[k].rate, r->mode[k].imag));
      r->max_imag = fmax(r->max_imag, fabs(r->mode[k].imag));
    }
    for (size_t k = 0; k < r->nmode; k++) {
      struct ghdk_rate_mode *mo = &r->mode[k];
      mo->zero = r->deflated ? mo->tangent > 0.5
                             : hypot(mo->rate, mo->imag) <= r->zero_tol * r->lambda_max;
      r->nzero += (size_t)mo->zero;
    }
    qsort(r->mode, r->nmode, sizeof *r->mode, mode_order);
    summarise(r);
  }
  if (!rc && r->gge && r->ncharge > 0)
    rc = boltzmann(r, tba, L, r->rho_ref, nocc, rho_s);
  gsl_matrix_free(L), gsl_matrix_free(L2), gsl_matrix_free(U), gsl_matrix_free(Ui);
  gsl_matrix_free(S), gsl_matrix_free(tmp);
  free(nocc), free(rho_s), free(x), free(ip), free(im), free(i0), free(d);
  if (rc) {
    ghdk_rates_free(r);
    return rc;
  }
  *out = r;
  return GHDK_OK;
}
