/* SPDX-License-Identifier: BSD-3-Clause */
/* The TBA workspace: bare functions on the grid, the kernel operator T (FFT or dense) and the
 * dressing solve (1 - T n) h^dr = h (physics.md 3). */
#include "ghdk/status.h"
#include "tba_priv.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <nvector/nvector_serial.h>
#include <stdlib.h>
#include <string.h>
#include <sunlinsol/sunlinsol_spgmr.h>

/* Krylov subspace size and restarts of the dressing GMRES: (1 - T n) is identity minus a compact
 * operator, so GMRES converges superlinearly; 40 vectors reach 1e-14 in a few cycles even when
 * the spectral radius of T n is close to 1 (low temperature, small c). */
enum { GMRES_MAXL = 40, GMRES_RESTARTS = 20 };

const struct ghdk_model *ghdk_tba_model(const struct ghdk_tba *t)
{
  return t->model;
}

const struct ghdk_grid *ghdk_tba_grid(const struct ghdk_tba *t)
{
  return t->grid;
}

void ghdk_tba_set_quiet(struct ghdk_tba *t, int quiet)
{
  t->quiet = quiet;
}

size_t ghdk_tba_size(const struct ghdk_tba *t)
{
  return t->size;
}

int ghdk_tba_uses_fft(const struct ghdk_tba *t)
{
  return t->use_fft;
}

void ghdk_tba_apply_kernel(struct ghdk_tba *t, const double *x, double *y)
{
  const size_t n = t->n, ns = t->ns;
  memset(y, 0, t->size * sizeof *y);
  if (!t->any_pair)
    return;
  if (!t->use_fft) {
    for (size_t a = 0; a < ns; a++)
      for (size_t b = 0; b < ns; b++) {
        if (!t->pair[a][b])
          continue;
        const double *k = t->kmat[a * ns + b];
        for (size_t i = 0; i < n; i++) {
          double sum = 0.0;
          for (size_t l = 0; l < n; l++)
            sum += k[i * n + l] * x[b * n + l];
          y[a * n + i] += sum;
        }
      }
    return;
  }
  /* Forward transforms of every source species, then one inverse transform per target. */
  for (size_t b = 0; b < ns; b++) {
    memcpy(t->pad, x + b * n, n * sizeof(double));
    memset(t->pad + n, 0, (t->m - n) * sizeof(double));
    fftw_execute_dft_r2c(t->fwd, t->pad, t->spec + b * t->mc);
  }
  const double scale = 1.0 / (double)t->m;
  for (size_t a = 0; a < ns; a++) {
    int any = 0;
    memset(t->acc, 0, t->mc * sizeof(fftw_complex));
    for (size_t b = 0; b < ns; b++) {
      if (!t->pair[a][b])
        continue;
      any = 1;
      const fftw_complex *k = t->kfft[a * ns + b], *g = t->spec + b * t->mc;
      for (size_t j = 0; j < t->mc; j++) {
        t->acc[j][0] += k[j][0] * g[j][0] - k[j][1] * g[j][1];
        t->acc[j][1] += k[j][0] * g[j][1] + k[j][1] * g[j][0];
      }
    }
    if (!any)
      continue;
    fftw_execute_dft_c2r(t->bwd, t->acc, t->pad);
    for (size_t i = 0; i < n; i++)
      y[a * n + i] = t->pad[i] * scale;
  }
}

/* z = (1 - T n) v, the GMRES operator. */
static int dress_atimes(void *data, N_Vector v, N_Vector z)
{
  struct ghdk_tba *t = data;
  const double *vv = N_VGetArrayPointer(v);
  double *zz = N_VGetArrayPointer(z);
  double *nv = t->s[7];
  for (size_t i = 0; i < t->size; i++)
    nv[i] = t->occ[i] * vv[i];
  ghdk_tba_apply_kernel(t, nv, zz);
  for (size_t i = 0; i < t->size; i++)
    zz[i] = vv[i] - zz[i];
  return 0;
}

static int setup_fft(struct ghdk_tba *t)
{
  const size_t n = t->n, ns = t->ns;
  t->m = 2 * n;
  t->mc = t->m / 2 + 1;
  t->pad = fftw_alloc_real(t->m);
  t->spec = fftw_alloc_complex(ns * t->mc);
  t->acc = fftw_alloc_complex(t->mc);
  if (!t->pad || !t->spec || !t->acc)
    return GHDK_ERROR(GHDK_ERR_NOMEM, "FFT buffers for %zu nodes", n);
  t->fwd = fftw_plan_dft_r2c_1d((int)t->m, t->pad, t->spec, FFTW_ESTIMATE);
  t->bwd = fftw_plan_dft_c2r_1d((int)t->m, t->acc, t->pad, FFTW_ESTIMATE);
  if (!t->fwd || !t->bwd)
    return GHDK_ERROR(GHDK_ERR_LIB, "FFTW plans of length %zu", t->m);
  /* Kernel samples h T(j h) at offsets j = -(n-1) .. n-1, wrapped circularly: with the data
   * zero-padded to 2n the circular convolution equals the linear (Toeplitz) one. */
  const double h = t->grid->h, th0 = t->grid->theta[0];
  for (size_t a = 0; a < ns; a++)
    for (size_t b = 0; b < ns; b++) {
      if (!t->pair[a][b])
        continue;
      for (size_t j = 0; j < t->m; j++) {
        const double off = j < n ? (double)j : (j > n ? (double)j - (double)t->m : 0.0);
        t->pad[j] = j == n ? 0.0 : h * t->model->kernel(t->model, a, b, th0 + off * h, th0);
      }
      fftw_complex *k = fftw_alloc_complex(t->mc);
      if (!k)
        return GHDK_ERROR(GHDK_ERR_NOMEM, "kernel spectrum");
      fftw_execute_dft_r2c(t->fwd, t->pad, k);
      t->kfft[a * ns + b] = k;
    }
  if (SUNContext_Create(NULL, &t->sunctx))
    return GHDK_ERROR(GHDK_ERR_LIB, "SUNContext_Create");
  t->vx = N_VNew_Serial((sunindextype)t->size, t->sunctx);
  t->vb = N_VNew_Serial((sunindextype)t->size, t->sunctx);
  if (!t->vx || !t->vb)
    return GHDK_ERROR(GHDK_ERR_NOMEM, "SUNDIALS vectors");
  const int maxl = (int)(t->size < GMRES_MAXL ? t->size : GMRES_MAXL);
  t->gmres = SUNLinSol_SPGMR(t->vx, SUN_PREC_NONE, maxl, t->sunctx);
  if (!t->gmres || SUNLinSol_SPGMRSetMaxRestarts(t->gmres, GMRES_RESTARTS) ||
      SUNLinSolSetATimes(t->gmres, t, dress_atimes) || SUNLinSolInitialize(t->gmres))
    return GHDK_ERROR(GHDK_ERR_LIB, "SUNDIALS SPGMR set-up");
  return GHDK_OK;
}

static int setup_dense(struct ghdk_tba *t)
{
  const size_t n = t->n, ns = t->ns;
  for (size_t a = 0; a < ns; a++)
    for (size_t b = 0; b < ns; b++) {
      if (!t->pair[a][b])
        continue;
      double *k = malloc(n * n * sizeof *k);
      if (!k)
        return GHDK_ERROR(GHDK_ERR_NOMEM, "dense kernel of %zu x %zu", n, n);
      for (size_t i = 0; i < n; i++)
        for (size_t l = 0; l < n; l++)
          k[i * n + l] = t->model->kernel(t->model, a, b, t->grid->theta[i], t->grid->theta[l]) *
                         t->grid->w[l];
      t->kmat[a * ns + b] = k;
    }
  t->lu = gsl_matrix_alloc(t->size, t->size);
  t->perm = gsl_permutation_alloc(t->size);
  if (!t->lu || !t->perm)
    return GHDK_ERROR(GHDK_ERR_NOMEM, "dense dressing matrix of size %zu", t->size);
  return GHDK_OK;
}

int ghdk_tba_new(const struct ghdk_tba_inp *inp, struct ghdk_tba **out)
{
  *out = NULL;
  const struct ghdk_model *m = inp->model;
  const struct ghdk_grid *g = inp->grid;
  const int fft_ok = m->difference_kernel && g->rule == GHDK_QUAD_UNIFORM;
  if (inp->method == GHDK_DRESS_FFT && !fft_ok)
    return GHDK_ERROR(GHDK_ERR_INPUT,
                      "FFT dressing needs a uniform grid and a difference kernel (use 'dense')");
  /* GSL's default handler aborts the process; ghdk checks every GSL status itself. */
  gsl_set_error_handler_off();
  struct ghdk_tba *t = calloc(1, sizeof *t);
  if (!t)
    return GHDK_ERROR(GHDK_ERR_NOMEM, "tba");
  t->model = m;
  t->grid = g;
  t->ns = m->nspecies;
  t->n = g->n;
  t->size = t->ns * t->n;
  t->tol = inp->tol > 0 ? inp->tol : 1e-14;
  for (size_t a = 0; a < t->ns; a++) {
    t->stat[a] = m->statistics(m, a);
    for (size_t b = 0; b < t->ns; b++) {
      t->pair[a][b] = m->interacting(m, a, b);
      t->any_pair |= t->pair[a][b];
    }
  }
  t->use_fft = t->any_pair && fft_ok && inp->method != GHDK_DRESS_DENSE;
  int rc = GHDK_OK;
  double **vecs[] = {&t->p, &t->dp, &t->e, &t->de, &t->occ, &t->lsq_b, &t->lsq_r};
  for (size_t i = 0; i < sizeof vecs / sizeof vecs[0]; i++)
    if (!(*vecs[i] = malloc(t->size * sizeof(double))))
      rc = GHDK_ERR_NOMEM;
  for (size_t i = 0; i < GHDK_TBA_NSCRATCH; i++)
    if (!(t->s[i] = malloc(t->size * sizeof(double))))
      rc = GHDK_ERR_NOMEM;
  for (size_t i = 0; i < GHDK_TBA_MAX_CON; i++)
    if (!(t->gdr[i] = malloc(t->size * sizeof(double))))
      rc = GHDK_ERR_NOMEM;
  for (size_t i = 0; i < GHDK_MAX_CHARGES; i++)
    if (!(t->h[i] = malloc(t->size * sizeof(double))))
      rc = GHDK_ERR_NOMEM;
  if (!(t->lsq_a = malloc(t->n * GHDK_MAX_CHARGES * sizeof(double))))
    rc = GHDK_ERR_NOMEM;
  if (rc) {
    ghdk_tba_free(t);
    return GHDK_ERROR(rc, "TBA workspace for %zu species x %zu nodes", t->ns, t->n);
  }
  for (size_t a = 0; a < t->ns; a++)
    for (size_t k = 0; k < t->n; k++) {
      struct ghdk_bare b;
      const size_t i = a * t->n + k;
      m->bare(m, a, g->theta[k], &b);
      t->p[i] = b.p;
      t->dp[i] = b.dp;
      t->e[i] = b.e;
      t->de[i] = b.de;
      for (int c = 0; c < GHDK_MAX_CHARGES; c++)
        t->h[c][i] = m->charge(m, a, c, g->theta[k]);
    }
  if (t->any_pair)
    rc = t->use_fft ? setup_fft(t) : setup_dense(t);
  if (rc) {
    ghdk_tba_free(t);
    return rc;
  }
  *out = t;
  return GHDK_OK;
}

void ghdk_tba_free(struct ghdk_tba *t)
{
  if (!t)
    return;
  free(t->p);
  free(t->dp);
  free(t->e);
  free(t->de);
  free(t->occ);
  free(t->lsq_a);
  free(t->lsq_b);
  free(t->lsq_r);
  for (size_t i = 0; i < GHDK_TBA_NSCRATCH; i++)
    free(t->s[i]);
  for (size_t i = 0; i < GHDK_TBA_MAX_CON; i++)
    free(t->gdr[i]);
  for (size_t i = 0; i < GHDK_MAX_CHARGES; i++)
    free(t->h[i]);
  for (size_t i = 0; i < GHDK_MAX_SPECIES * GHDK_MAX_SPECIES; i++) {
    free(t->kmat[i]);
    if (t->kfft[i])
      fftw_free(t->kfft[i]);
  }
  if (t->fwd)
    fftw_destroy_plan(t->fwd);
  if (t->bwd)
    fftw_destroy_plan(t->bwd);
  if (t->pad)
    fftw_free(t->pad);
  if (t->spec)
    fftw_free(t->spec);
  if (t->acc)
    fftw_free(t->acc);
  if (t->lu)
    gsl_matrix_free(t->lu);
  if (t->perm)
    gsl_permutation_free(t->perm);
  if (t->gmres)
    SUNLinSolFree(t->gmres);
  if (t->vx)
    N_VDestroy(t->vx);
  if (t->vb)
    N_VDestroy(t->vb);
  if (t->sunctx)
    SUNContext_Free(&t->sunctx);
  free(t);
}

int ghdk_tba_rho_s(struct ghdk_tba *t, const double *rho_p, double *rho_s)
{
  ghdk_tba_apply_kernel(t, rho_p, rho_s);
  for (size_t i = 0; i < t->size; i++)
    rho_s[i] += t->dp[i] / (2.0 * GHDK_PI);
  return GHDK_OK;
}

int ghdk_tba_occupation(struct ghdk_tba *t, const double *rho_p, double *n, double *rho_s)
{
  double *rs = rho_s ? rho_s : t->s[6];
  ghdk_tba_rho_s(t, rho_p, rs);
  for (size_t i = 0; i < t->size; i++) {
    if (!(rs[i] > 0.0))
      return GHDK_ERROR(GHDK_ERR_DOMAIN, "state density rho_s = %g <= 0 at species %zu, node %zu",
                        rs[i], i / t->n, i % t->n);
    n[i] = rho_p[i] / rs[i];
  }
  return GHDK_OK;
}

int ghdk_tba_set_occupation(struct ghdk_tba *t, const double *n)
{
  memcpy(t->occ, n, t->size * sizeof *n);
  if (!t->any_pair || t->use_fft)
    return GHDK_OK;
  /* Dense path: assemble 1 - K diag(n) and factorise once for all following dressings. */
  const size_t nn = t->n, ns = t->ns;
  gsl_matrix_set_identity(t->lu);
  for (size_t a = 0; a < ns; a++)
    for (size_t b = 0; b < ns; b++) {
      if (!t->pair[a][b])
        continue;
      const double *k = t->kmat[a * ns + b];
      for (size_t i = 0; i < nn; i++) {
        double *row = gsl_matrix_ptr(t->lu, a * nn + i, b * nn);
        for (size_t l = 0; l < nn; l++)
          row[l] -= k[i * nn + l] * n[b * nn + l];
      }
    }
  int signum;
  if (gsl_linalg_LU_decomp(t->lu, t->perm, &signum))
    return GHDK_ERROR(GHDK_ERR_LIB, "LU factorisation of the dressing operator");
  return GHDK_OK;
}

/* The dressing solve; warm: hdr holds an initial guess (GMRES starts from its residual). */
static int dress(struct ghdk_tba *t, const double *h, double *hdr, int warm)
{
  if (!t->any_pair) {
    if (hdr != h)
      memcpy(hdr, h, t->size * sizeof *h);
    return GHDK_OK;
  }
  if (!t->use_fft) {
    gsl_vector_view x = gsl_vector_view_array(hdr, t->size);
    if (hdr != h)
      memcpy(hdr, h, t->size * sizeof *h);
    if (gsl_linalg_LU_svx(t->lu, t->perm, &x.vector))
      return GHDK_ERROR(GHDK_ERR_LIB, "LU solve of the dressing");
    return GHDK_OK;
  }
  double *x = N_VGetArrayPointer(t->vx), *b = N_VGetArrayPointer(t->vb);
  double bnorm = 0.0;
  for (size_t i = 0; i < t->size; i++) {
    b[i] = h[i];
    x[i] = warm ? hdr[i] : 0.0;
    bnorm += h[i] * h[i];
  }
  if (bnorm == 0.0) {
    memset(hdr, 0, t->size * sizeof *hdr);
    return GHDK_OK;
  }
  SUNLinSolSetZeroGuess(t->gmres, warm ? SUNFALSE : SUNTRUE);
  const int rc = SUNLinSolSolve(t->gmres, NULL, t->vx, t->vb, t->tol * sqrt(bnorm));
  if (rc != SUNLS_SUCCESS)
    return GHDK_ERROR(GHDK_ERR_NOCONV,
                      "dressing GMRES did not reach relative residual %g (status %d, "
                      "residual %g)",
                      t->tol, rc, SUNLinSolResNorm(t->gmres) / sqrt(bnorm));
  memcpy(hdr, x, t->size * sizeof *hdr);
  return GHDK_OK;
}

int ghdk_tba_dress(struct ghdk_tba *t, const double *h, double *hdr)
{
  return dress(t, h, hdr, 0);
}

int ghdk_tba_dress_warm(struct ghdk_tba *t, const double *h, double *hdr)
{
  return dress(t, h, hdr, 1);
}

int ghdk_tba_veff_warm(struct ghdk_tba *t, const double *n, double *v_eff, double *dp_dr,
                       double *de_dr)
{
  GHDK_CHECK(ghdk_tba_set_occupation(t, n));
  GHDK_CHECK(dress(t, t->dp, dp_dr, 1));
  GHDK_CHECK(dress(t, t->de, de_dr, 1));
  for (size_t i = 0; i < t->size; i++)
    v_eff[i] = de_dr[i] / dp_dr[i];
  return GHDK_OK;
}

int ghdk_tba_veff(struct ghdk_tba *t, const double *n, double *v_eff, double *dp_dr)
{
  double *pdr = dp_dr ? dp_dr : t->s[4], *edr = t->s[5];
  GHDK_CHECK(ghdk_tba_set_occupation(t, n));
  GHDK_CHECK(ghdk_tba_dress(t, t->dp, pdr));
  if (v_eff) {
    GHDK_CHECK(ghdk_tba_dress(t, t->de, edr));
    for (size_t i = 0; i < t->size; i++)
      v_eff[i] = edr[i] / pdr[i];
  }
  return GHDK_OK;
}
