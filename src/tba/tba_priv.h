/* SPDX-License-Identifier: BSD-3-Clause */
/* Private: the TBA workspace and the statistics functions shared by the tba/ sources. */
#ifndef GHDK_TBA_PRIV_H
#define GHDK_TBA_PRIV_H

#include "ghdk/tba.h"

#include <fftw3.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_permutation.h>
#include <math.h>
#include <sundials/sundials_context.h>
#include <sundials/sundials_linearsolver.h>
#include <sundials/sundials_nvector.h>

/** Largest number of constraints of ghdk_tba_match. */
#define GHDK_TBA_MAX_CON 8
#define GHDK_TBA_NSCRATCH 11

struct ghdk_tba {
  const struct ghdk_model *model;
  const struct ghdk_grid *grid;
  size_t ns, n, size; /* species, nodes, ns * n */
  int use_fft;
  int any_pair;                                 /* some T_ab is not identically zero */
  int pair[GHDK_MAX_SPECIES][GHDK_MAX_SPECIES]; /* T_ab not identically zero */
  double tol;
  int quiet; /* failed iterative solves return their status without a message */
  enum ghdk_statistics stat[GHDK_MAX_SPECIES];
  double *p, *dp, *e, *de;     /* bare functions, stacked */
  double *h[GHDK_MAX_CHARGES]; /* charge eigenvalues h_i at the nodes, stacked */
  double *occ;                 /* occupation of the dressing operator */
  /* FFT path: linear convolution by zero padding to m = 2n, kernel spectra per pair. */
  size_t m, mc;
  double *pad;
  fftw_complex *spec; /* ns spectra of length mc */
  fftw_complex *acc;  /* one accumulated spectrum */
  fftw_complex *kfft[GHDK_MAX_SPECIES * GHDK_MAX_SPECIES];
  fftw_plan fwd, bwd;
  /* Dense path: kmat[a*ns+b] = T_ab(theta_k, theta_l) w_l, and the LU of (1 - T n). */
  double *kmat[GHDK_MAX_SPECIES * GHDK_MAX_SPECIES];
  gsl_matrix *lu;
  gsl_permutation *perm;
  /* Krylov solve of (1 - T n) x = b on the FFT path (SUNDIALS SPGMR, matrix-free). */
  SUNContext sunctx;
  N_Vector vx, vb;
  SUNLinearSolver gmres;
  /* Scratch vectors of length size, each with one owner so that calls can nest:
   * s[0..3] ghdk_tba_gge, s[4..5] ghdk_tba_veff and ghdk_tba_gge (rho_p), s[6]
   * ghdk_tba_occupation, s[7] the GMRES operator, s[8..10] ghdk_tba_match and
   * ghdk_tba_fit_betas. */
  double *s[GHDK_TBA_NSCRATCH];
  double *gdr[GHDK_TBA_MAX_CON];
  /* Least-squares workspace of ghdk_tba_fit_betas: n x GHDK_MAX_CHARGES. */
  double *lsq_a, *lsq_b, *lsq_r;
};

/** Report a failed iterative solve: a message unless the workspace is quiet (callers that retry
 * or treat the failure as a recoverable state error). Evaluates to the status. */
#define GHDK_SOLVE_FAIL(t, status, ...) ((t)->quiet ? (status) : GHDK_ERROR((status), __VA_ARGS__))

/** y = T x (convolution with quadrature weights, all species pairs). */
void ghdk_tba_apply_kernel(struct ghdk_tba *t, const double *x, double *y);

/* Statistics: occupation, free-energy function F, and their inverses, numerically stable. */
static inline double ghdk_stat_n(enum ghdk_statistics s, double eps)
{
  switch (s) {
  case GHDK_FERMION:
    return eps > 0 ? exp(-eps) / (1.0 + exp(-eps)) : 1.0 / (1.0 + exp(eps));
  case GHDK_BOSON:
    return 1.0 / expm1(eps);
  default:
    return exp(-eps);
  }
}
/** F(eps) with dF/deps = -n: ln(1 + e^-eps), -ln(1 - e^-eps), e^-eps. */
static inline double ghdk_stat_F(enum ghdk_statistics s, double eps)
{
  switch (s) {
  case GHDK_FERMION:
    return eps > 0 ? log1p(exp(-eps)) : -eps + log1p(exp(eps));
  case GHDK_BOSON:
    return -log(-expm1(-eps));
  default:
    return exp(-eps);
  }
}
/** eps from n (inverse of ghdk_stat_n). */
static inline double ghdk_stat_eps(enum ghdk_statistics s, double n)
{
  switch (s) {
  case GHDK_FERMION:
    return log1p(-n) - log(n);
  case GHDK_BOSON:
    return log1p(n) - log(n);
  default:
    return -log(n);
  }
}
/** F as a function of n: -ln(1 - n), ln(1 + n), n. */
static inline double ghdk_stat_F_of_n(enum ghdk_statistics s, double n)
{
  switch (s) {
  case GHDK_FERMION:
    return -log1p(-n);
  case GHDK_BOSON:
    return log1p(n);
  default:
    return n;
  }
}
/** Entropy per state: -n ln n - (1-n) ln(1-n), (1+n) ln(1+n) - n ln n, n - n ln n. */
static inline double ghdk_stat_entropy(enum ghdk_statistics s, double n)
{
  const double nlogn = n > 0 ? n * log(n) : 0.0;
  switch (s) {
  case GHDK_FERMION:
    return -nlogn - (n < 1 ? (1 - n) * log1p(-n) : 0.0);
  case GHDK_BOSON:
    return (1 + n) * log1p(n) - nlogn;
  default:
    return n - nlogn;
  }
}

#endif
