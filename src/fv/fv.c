/* SPDX-License-Identifier: BSD-3-Clause */
/* Finite volumes in (x, theta) for GHD with collisions. Each rapidity node is the centre of a
 * rapidity cell of width h (the uniform grid's spacing); each space cell has width dx. Face
 * fluxes are upwinded by the sign of the face velocity (the average of the two cells' v_eff,
 * or a_eff in theta) with MUSCL-reconstructed densities; a limited slope keeps the scheme
 * positivity-preserving for the semi-discrete system (an empty cell has no outflow). The x-flux
 * form conserves sum_i rho_p(x_i, theta_k) for every theta_k separately (periodic or closed
 * boundaries, no force), hence every charge; with a wall the ghost cells mirror
 * theta -> -theta, so the particle flux through the wall cancels between theta and -theta. */
#include "ghdk/fv.h"
#include "ghdk/status.h"
#include "ghdk/tba.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct ghdk_fv {
  struct ghdk_fv_inp inp;
  size_t ns, n, cell, size;
  double dx, h;
  int force_needs_dressing; /* a_eff = F 1^dr/(p')^dr differs from F/p' */
  struct ghdk_tba *tba;
  double *v, *a;        /* v_eff and a_eff of every cell, [cell][species][theta] */
  double *nbuf, *rsbuf; /* occupation and state density of one cell */
  double *one, *onedr;
  double *pdr, *edr; /* (p')^dr, (E')^dr of every cell: warm starts of the next call */
  double *dp, *de;   /* bare p', E' of one cell: the first guess */
  double *coll_out;  /* one cell's collision term */
  double *coll_in;   /* one cell's positive part of rho_p, the kernel's input */
  double max_n;
};

static double limited(enum ghdk_limiter lim, double dl, double dr)
{
  switch (lim) {
  case GHDK_LIM_UPWIND:
    return 0.0;
  case GHDK_LIM_MINMOD:
    if (dl * dr <= 0)
      return 0.0;
    return fabs(dl) < fabs(dr) ? dl : dr;
  case GHDK_LIM_MC: {
    if (dl * dr <= 0)
      return 0.0;
    const double m = fmin(fmin(2 * fabs(dl), 2 * fabs(dr)), 0.5 * fabs(dl + dr));
    return dl > 0 ? m : -m;
  }
  case GHDK_LIM_VANLEER:
    return dl * dr <= 0 ? 0.0 : 2 * dl * dr / (dl + dr);
  }
  return 0.0;
}

size_t ghdk_fv_size(const struct ghdk_fv *fv)
{
  return fv->size;
}

double ghdk_fv_max_occupation(const struct ghdk_fv *fv)
{
  return fv->max_n;
}

void ghdk_fv_free(struct ghdk_fv *fv)
{
  if (!fv)
    return;
  ghdk_tba_free(fv->tba);
  free(fv->v), free(fv->a), free(fv->nbuf), free(fv->rsbuf), free(fv->one), free(fv->onedr);
  free(fv->pdr), free(fv->edr), free(fv->coll_out), free(fv->coll_in), free(fv->dp), free(fv->de);
  free(fv);
}

int ghdk_fv_new(const struct ghdk_fv_inp *inp, struct ghdk_fv **out)
{
  *out = NULL;
  const struct ghdk_grid *g = inp->grid;
  if (inp->force && g->rule != GHDK_QUAD_UNIFORM)
    return GHDK_ERROR(GHDK_ERR_INPUT, "a force (potential) needs the uniform rapidity grid: the "
                                      "theta fluxes use equal rapidity cells");
  if (inp->bc == GHDK_BC_WALL && g->rule == GHDK_QUAD_GAUSS_LEGENDRE && fabs(g->a + g->b) > 0)
    return GHDK_ERROR(GHDK_ERR_INPUT, "a reflecting wall needs a rapidity window symmetric "
                                      "about 0");
  struct ghdk_fv *fv = calloc(1, sizeof *fv);
  if (!fv)
    return GHDK_ERROR(GHDK_ERR_NOMEM, "finite volumes");
  fv->inp = *inp;
  fv->ns = inp->model->nspecies;
  fv->n = g->n;
  fv->cell = fv->ns * fv->n;
  fv->size = inp->nx * fv->cell;
  fv->dx = (inp->x_max - inp->x_min) / (double)inp->nx;
  fv->h = g->h;
  int rc = ghdk_tba_new(
      &(struct ghdk_tba_inp){
          .model = inp->model, .grid = g, .method = inp->dressing, .tol = inp->dress_tol},
      &fv->tba);
  fv->v = malloc(fv->size * sizeof(double));
  fv->a = malloc(fv->size * sizeof(double));
  fv->pdr = malloc(fv->size * sizeof(double));
  fv->edr = malloc(fv->size * sizeof(double));
  double **bufs[] = {&fv->nbuf,     &fv->rsbuf,   &fv->one, &fv->onedr,
                     &fv->coll_out, &fv->coll_in, &fv->dp,  &fv->de};
  for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++)
    *bufs[i] = malloc(fv->cell * sizeof(double));
  if (!rc && (!fv->v || !fv->a || !fv->nbuf || !fv->rsbuf || !fv->one || !fv->onedr || !fv->pdr ||
              !fv->edr || !fv->dp || !fv->de || !fv->coll_out || !fv->coll_in))
    rc = GHDK_ERROR(GHDK_ERR_NOMEM, "finite-volume buffers of %zu unknowns", fv->size);
  if (rc) {
    ghdk_fv_free(fv);
    return rc;
  }
  /* a_eff = F (1)^dr/(p')^dr: equal to F/p' without dressing, and to F when p' = 1 (Lieb-Liniger:
   * then no third dressing is needed). */
  for (size_t a = 0; a < fv->ns; a++)
    for (size_t k = 0; k < fv->n; k++) {
      struct ghdk_bare b;
      inp->model->bare(inp->model, a, g->theta[k], &b);
      fv->one[a * fv->n + k] = 1.0;
      fv->dp[a * fv->n + k] = b.dp;
      fv->de[a * fv->n + k] = b.de;
      if (b.dp != 1.0)
        fv->force_needs_dressing = 1;
    }
  for (size_t i = 0; i < inp->nx; i++) {
    memcpy(fv->pdr + i * fv->cell, fv->dp, fv->cell * sizeof(double));
    memcpy(fv->edr + i * fv->cell, fv->de, fv->cell * sizeof(double));
  }
  *out = fv;
  return GHDK_OK;
}

/* Index of cell i (may be a ghost: -2 .. nx+1) for rapidity k; *mirror set for wall ghosts,
 * whose rapidity is -theta_k (node n-1-k) and whose velocity flips sign. Returns the physical
 * cell, or SIZE_MAX for an open-boundary ghost (zero gradient: the edge cell). */
static size_t ghost(const struct ghdk_fv *fv, ptrdiff_t i, int *mirror)
{
  const ptrdiff_t nx = (ptrdiff_t)fv->inp.nx;
  *mirror = 0;
  if (i >= 0 && i < nx)
    return (size_t)i;
  switch (fv->inp.bc) {
  case GHDK_BC_PERIODIC:
    return (size_t)((i % nx + nx) % nx);
  case GHDK_BC_OPEN:
    return i < 0 ? 0 : (size_t)(nx - 1);
  case GHDK_BC_WALL:
    *mirror = 1;
    return i < 0 ? (size_t)(-i - 1) : (size_t)(2 * nx - 1 - i);
  }
  return 0;
}

/* rho_p and v_eff at (cell i, species a, rapidity k), through the boundary conditions. */
static void value(const struct ghdk_fv *fv, const double *y, ptrdiff_t i, size_t a, size_t k,
                  double *rho, double *vel)
{
  int mirror;
  const size_t c = ghost(fv, i, &mirror);
  const size_t kk = mirror ? fv->n - 1 - k : k;
  const size_t idx = c * fv->cell + a * fv->n + kk;
  *rho = y[idx];
  *vel = mirror ? -fv->v[idx] : fv->v[idx];
}

/* Upwind MUSCL flux through the face between cells i and i+1 (x direction). */
static double xflux(const struct ghdk_fv *fv, const double *y, ptrdiff_t i, size_t a, size_t k)
{
  double r[4], v[4];
  for (int j = 0; j < 4; j++)
    value(fv, y, i - 1 + j, a, k, &r[j], &v[j]);
  const double vf = 0.5 * (v[1] + v[2]);
  const enum ghdk_limiter lim = fv->inp.limiter;
  if (vf >= 0)
    return vf * (r[1] + 0.5 * limited(lim, r[1] - r[0], r[2] - r[1]));
  return vf * (r[2] - 0.5 * limited(lim, r[2] - r[1], r[3] - r[2]));
}

/* Per-cell TBA: occupation, v_eff, a_eff into fv->v, fv->a; collision term added to ydot. */
static int cell_local(struct ghdk_fv *fv, size_t i, const double *yi, double *ydot_i)
{
  const size_t cell = fv->cell;
  double *v = fv->v + i * cell, *acc = fv->a + i * cell;
  if (ghdk_tba_occupation(fv->tba, yi, fv->nbuf, fv->rsbuf) != GHDK_OK)
    return GHDK_ERR_DOMAIN;
  for (size_t j = 0; j < cell; j++)
    fv->max_n = fmax(fv->max_n, fv->inp.model->statistics(fv->inp.model, j / fv->n) == GHDK_FERMION
                                    ? fv->nbuf[j]
                                    : 0.0);
  /* The previous call's dressed p' and E' of this cell start the dressing solves; after a
   * failure (a rejected trial state) they restart from the bare functions. */
  double *pdr = fv->pdr + i * cell, *edr = fv->edr + i * cell;
  if (ghdk_tba_veff_warm(fv->tba, fv->nbuf, v, pdr, edr) != GHDK_OK) {
    memcpy(pdr, fv->dp, cell * sizeof *pdr);
    memcpy(edr, fv->de, cell * sizeof *edr);
    GHDK_CHECK(ghdk_tba_veff_warm(fv->tba, fv->nbuf, v, pdr, edr));
  }
  if (fv->inp.force) {
    const double f = fv->inp.force[i];
    if (fv->force_needs_dressing) {
      GHDK_CHECK(ghdk_tba_dress(fv->tba, fv->one, fv->onedr));
      for (size_t j = 0; j < cell; j++)
        acc[j] = f * fv->onedr[j] / pdr[j];
    } else {
      for (size_t j = 0; j < cell; j++)
        acc[j] = f;
    }
  }
  memset(ydot_i, 0, cell * sizeof *ydot_i);
  if (fv->inp.coll) {
    for (size_t j = 0; j < cell; j++)
      fv->coll_in[j] = fmax(yi[j], 0.0);
    const int rc = fv->inp.coll->rhs(fv->inp.coll, fv->coll_in, fv->coll_out);
    if (rc)
      return rc;
    for (size_t j = 0; j < cell; j++)
      ydot_i[j] = fv->inp.strength * fv->coll_out[j];
  }
  return GHDK_OK;
}

void ghdk_fv_set_negative_tol(struct ghdk_fv *fv, double tol)
{
  fv->inp.negative_tol = tol;
}

int ghdk_fv_rhs(struct ghdk_fv *fv, const double *y, double *ydot)
{
  const size_t nx = fv->inp.nx, ns = fv->ns, n = fv->n, cell = fv->cell;
  /* CVODE accepts a step when the weighted RMS of its error estimate is below 1, weights
   * 1/(rtol |y| + atol): judged in the same norm, the negative part is round-off when its RMS
   * is below atol (a pointwise test rejected tail values CVODE had itself accepted). */
  double neg2 = 0.0;
  for (size_t j = 0; j < fv->size; j++) {
    if (!(y[j] == y[j]))
      return GHDK_ERR_DOMAIN;
    if (y[j] < 0.0)
      neg2 += y[j] * y[j];
  }
  if (sqrt(neg2 / (double)fv->size) > fv->inp.negative_tol)
    return GHDK_ERR_DOMAIN;
  fv->max_n = 0.0;
  for (size_t i = 0; i < nx; i++)
    GHDK_CHECK(cell_local(fv, i, y + i * cell, ydot + i * cell));
  /* Transport in x: one flux per face, differenced into both neighbours (exact telescoping). A
   * single open cell has equal ghosts on both sides: the fluxes cancel exactly. */
  if (nx > 1 || fv->inp.bc == GHDK_BC_WALL)
    for (size_t a = 0; a < ns; a++)
      for (size_t k = 0; k < n; k++) {
        double left = xflux(fv, y, -1, a, k);
        for (size_t i = 0; i < nx; i++) {
          const double right = xflux(fv, y, (ptrdiff_t)i, a, k);
          ydot[i * cell + a * n + k] -= (right - left) / fv->dx;
          left = right;
        }
      }
  /* Transport in theta (force): zero flux through the window edges. */
  if (fv->inp.force) {
    const enum ghdk_limiter lim = fv->inp.limiter;
    for (size_t i = 0; i < nx; i++)
      for (size_t a = 0; a < ns; a++) {
        const double *r = y + i * cell + a * n, *acc = fv->a + i * cell + a * n;
        double *out = ydot + i * cell + a * n;
        double left = 0.0;
        for (size_t k = 0; k + 1 < n; k++) {
          const double af = 0.5 * (acc[k] + acc[k + 1]);
          const double rm = k > 0 ? r[k - 1] : 0.0, rp = k + 2 < n ? r[k + 2] : 0.0;
          const double right =
              af >= 0 ? af * (r[k] + 0.5 * limited(lim, r[k] - rm, r[k + 1] - r[k]))
                      : af * (r[k + 1] - 0.5 * limited(lim, r[k + 1] - r[k], rp - r[k + 1]));
          out[k] -= (right - left) / fv->h;
          left = right;
        }
        out[n - 1] -= (0.0 - left) / fv->h;
      }
  }
  return GHDK_OK;
}
