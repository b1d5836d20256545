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
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* What one thread needs for a cell: its own TBA workspace and kernel (both keep scratch), one
 * cell's buffers, and its share of the diagnostics. */
struct fv_thread {
  struct ghdk_tba *tba;
  struct ghdk_coll *coll;   /* borrowed */
  double *nbuf, *rsbuf;     /* occupation and state density of one cell */
  double *onedr, *coll_out; /* 1^dr and the collision term of one cell */
  double *coll_in;          /* one cell's positive part of rho_p, the kernel's input */
  double max_n;
  size_t bad; /* first cell whose local work failed (SIZE_MAX: none), and its status */
  int bad_rc;
};

struct ghdk_fv {
  struct ghdk_fv_inp inp;
  struct ghdk_par par;      /* the slab this object owns: cells par.i0 .. par.i0 + par.nloc - 1 */
  size_t ns, n, cell, size; /* size: unknowns of the slab */
  double dx, h;
  int force_needs_dressing; /* a_eff = F 1^dr/(p')^dr differs from F/p' */
  int nth;
  struct fv_thread *th;
  /* rho_p and v_eff of the slab with GHDK_PAR_GHOSTS ghost cells on each side, [cell][species]
   * [theta]: the x fluxes read only these. */
  double *ye, *ve;
  double *a;         /* a_eff of every cell of the slab */
  double *halo;      /* ghost exchange: send left, send right, receive left, receive right */
  double *one;       /* the function 1, stacked */
  double *pdr, *edr; /* (p')^dr, (E')^dr of every cell: warm starts of the next call */
  double *dp, *de;   /* bare p', E' of one cell: the first guess */
  double max_n;
  int invalid; /* the last rhs refused y itself (a NaN, or its negative part), not a kernel */
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

int ghdk_fv_state_invalid(const struct ghdk_fv *fv)
{
  return fv->invalid;
}

void ghdk_fv_free(struct ghdk_fv *fv)
{
  if (!fv)
    return;
  for (int t = 0; fv->th && t < fv->nth; t++) {
    struct fv_thread *th = &fv->th[t];
    ghdk_tba_free(th->tba);
    free(th->nbuf), free(th->rsbuf), free(th->onedr), free(th->coll_out), free(th->coll_in);
  }
  free(fv->th);
  free(fv->ye), free(fv->ve), free(fv->a), free(fv->halo), free(fv->one);
  free(fv->pdr), free(fv->edr), free(fv->dp), free(fv->de);
  free(fv);
}

/* Index of slab cell i (-GHDK_PAR_GHOSTS .. nloc + GHDK_PAR_GHOSTS - 1) in ye and ve. */
static size_t ext(const struct ghdk_fv *fv, ptrdiff_t i)
{
  return (size_t)(i + GHDK_PAR_GHOSTS) * fv->cell;
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
  fv->par = inp->par ? *inp->par
                     : (struct ghdk_par){.size = 1, .nx = inp->nx, .nloc = inp->nx, .threads = 1};
  fv->ns = inp->model->nspecies;
  fv->n = g->n;
  fv->cell = fv->ns * fv->n;
  fv->size = fv->par.nloc * fv->cell;
  fv->dx = (inp->x_max - inp->x_min) / (double)inp->nx;
  fv->h = g->h;
  fv->nth = fv->par.threads > 0 ? fv->par.threads : 1;
  const size_t cell = fv->cell, next = (fv->par.nloc + 2 * GHDK_PAR_GHOSTS) * cell;
  int rc = (fv->th = calloc((size_t)fv->nth, sizeof *fv->th)) ? GHDK_OK : GHDK_ERR_NOMEM;
  /* FFTW plans are made here, one thread at a time (planning is not thread-safe). */
  for (int t = 0; !rc && t < fv->nth; t++) {
    struct fv_thread *th = &fv->th[t];
    th->coll = inp->coll ? inp->coll[t] : NULL;
    rc = ghdk_tba_new(
        &(struct ghdk_tba_inp){
            .model = inp->model, .grid = g, .method = inp->dressing, .tol = inp->dress_tol},
        &th->tba);
    double **bufs[] = {&th->nbuf, &th->rsbuf, &th->onedr, &th->coll_out, &th->coll_in};
    for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++)
      if (!(*bufs[i] = malloc(cell * sizeof(double))) && !rc)
        rc = GHDK_ERR_NOMEM;
  }
  fv->ye = malloc(next * sizeof(double));
  fv->ve = malloc(next * sizeof(double));
  fv->a = malloc(fv->size * sizeof(double));
  fv->halo = malloc(4 * 2 * GHDK_PAR_GHOSTS * cell * sizeof(double));
  fv->pdr = malloc(fv->size * sizeof(double));
  fv->edr = malloc(fv->size * sizeof(double));
  double **bufs[] = {&fv->one, &fv->dp, &fv->de};
  for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++)
    *bufs[i] = malloc(cell * sizeof(double));
  if (!rc && (!fv->ye || !fv->ve || !fv->a || !fv->halo || !fv->one || !fv->pdr || !fv->edr ||
              !fv->dp || !fv->de))
    rc = GHDK_ERR_NOMEM;
  if (rc) {
    ghdk_fv_free(fv);
    return rc == GHDK_ERR_NOMEM
               ? GHDK_ERROR(rc, "finite-volume buffers of %zu unknowns, %d threads", inp->nx * cell,
                            fv->nth)
               : rc;
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
  for (size_t i = 0; i < fv->par.nloc; i++) {
    memcpy(fv->pdr + i * cell, fv->dp, cell * sizeof(double));
    memcpy(fv->edr + i * cell, fv->de, cell * sizeof(double));
  }
  *out = fv;
  return GHDK_OK;
}

/* Ghost cell dst of the slab from its own cell src: a copy, or the wall's mirror image (rapidity
 * -theta_k, node n-1-k, and the velocity's sign flipped). */
static void ghost_from(struct ghdk_fv *fv, ptrdiff_t dst, ptrdiff_t src, int mirror)
{
  double *yd = fv->ye + ext(fv, dst), *vd = fv->ve + ext(fv, dst);
  const double *ys = fv->ye + ext(fv, src), *vs = fv->ve + ext(fv, src);
  for (size_t a = 0; a < fv->ns; a++)
    for (size_t k = 0; k < fv->n; k++) {
      const size_t d = a * fv->n + k, s = a * fv->n + (mirror ? fv->n - 1 - k : k);
      yd[d] = ys[s];
      vd[d] = mirror ? -vs[s] : vs[s];
    }
}

/* The ghost cells of the slab: from the neighbour ranks across inner faces, else by the boundary
 * condition from the slab's own cells (periodic on one rank: the other end; open: the edge
 * cell, zero gradient; wall: the mirror image of the cells inside). */
static int fill_ghosts(struct ghdk_fv *fv)
{
  const size_t G = GHDK_PAR_GHOSTS, cell = fv->cell, len = 2 * G * cell;
  const ptrdiff_t nloc = (ptrdiff_t)fv->par.nloc;
  const int remote_l = fv->par.size > 1 && fv->par.left >= 0;
  const int remote_r = fv->par.size > 1 && fv->par.right >= 0;
  if (fv->par.size > 1) {
    double *sl = fv->halo, *sr = sl + len, *rl = sr + len, *rr = rl + len;
    /* Each message: G cells of rho_p, then their G cells of v_eff. */
    memcpy(sl, fv->ye + ext(fv, 0), G * cell * sizeof *sl);
    memcpy(sl + G * cell, fv->ve + ext(fv, 0), G * cell * sizeof *sl);
    memcpy(sr, fv->ye + ext(fv, nloc - (ptrdiff_t)G), G * cell * sizeof *sr);
    memcpy(sr + G * cell, fv->ve + ext(fv, nloc - (ptrdiff_t)G), G * cell * sizeof *sr);
    GHDK_CHECK(ghdk_par_exchange(&fv->par, sl, sr, rl, rr, len));
    if (remote_l) {
      memcpy(fv->ye + ext(fv, -(ptrdiff_t)G), rl, G * cell * sizeof *rl);
      memcpy(fv->ve + ext(fv, -(ptrdiff_t)G), rl + G * cell, G * cell * sizeof *rl);
    }
    if (remote_r) {
      memcpy(fv->ye + ext(fv, nloc), rr, G * cell * sizeof *rr);
      memcpy(fv->ve + ext(fv, nloc), rr + G * cell, G * cell * sizeof *rr);
    }
  }
  for (ptrdiff_t g = 1; g <= (ptrdiff_t)G; g++) {
    /* Ghost -g on the left, nloc - 1 + g on the right. A wall mirrors cell g - 1 (clamped to
     * the slab: a single cell between two walls is its own mirror). */
    const ptrdiff_t wl = g - 1 < nloc ? g - 1 : nloc - 1, wr = nloc - g >= 0 ? nloc - g : 0;
    switch (fv->inp.bc) {
    case GHDK_BC_PERIODIC:
      if (!remote_l)
        ghost_from(fv, -g, ((-g) % nloc + nloc) % nloc, 0);
      if (!remote_r)
        ghost_from(fv, nloc - 1 + g, (nloc - 1 + g) % nloc, 0);
      break;
    case GHDK_BC_OPEN:
      if (!remote_l)
        ghost_from(fv, -g, 0, 0);
      if (!remote_r)
        ghost_from(fv, nloc - 1 + g, nloc - 1, 0);
      break;
    case GHDK_BC_WALL:
      if (!remote_l)
        ghost_from(fv, -g, wl, 1);
      if (!remote_r)
        ghost_from(fv, nloc - 1 + g, wr, 1);
      break;
    }
  }
  return GHDK_OK;
}

/* Upwind MUSCL flux through the face between slab cells i and i+1 (x direction). */
static double xflux(const struct ghdk_fv *fv, ptrdiff_t i, size_t a, size_t k)
{
  double r[4], v[4];
  for (int j = 0; j < 4; j++) {
    const size_t idx = ext(fv, i - 1 + j) + a * fv->n + k;
    r[j] = fv->ye[idx];
    v[j] = fv->ve[idx];
  }
  const double vf = 0.5 * (v[1] + v[2]);
  const enum ghdk_limiter lim = fv->inp.limiter;
  if (vf >= 0)
    return vf * (r[1] + 0.5 * limited(lim, r[1] - r[0], r[2] - r[1]));
  return vf * (r[2] - 0.5 * limited(lim, r[2] - r[1], r[3] - r[2]));
}

/* Per-cell TBA of slab cell i on thread workspace t: occupation, v_eff into ve, a_eff into a;
 * the collision term into ydot_i. Depends on nothing but the cell (its own warm starts), so the
 * result is the same whichever thread or rank computes it. */
static int cell_local(struct ghdk_fv *fv, struct fv_thread *t, size_t i, const double *yi,
                      double *ydot_i)
{
  const size_t cell = fv->cell;
  double *v = fv->ve + ext(fv, (ptrdiff_t)i), *acc = fv->a + i * cell;
  if (ghdk_tba_occupation(t->tba, yi, t->nbuf, t->rsbuf) != GHDK_OK)
    return GHDK_ERR_DOMAIN;
  for (size_t j = 0; j < cell; j++)
    t->max_n = fmax(t->max_n, fv->inp.model->statistics(fv->inp.model, j / fv->n) == GHDK_FERMION
                                  ? t->nbuf[j]
                                  : 0.0);
  /* The previous call's dressed p' and E' of this cell start the dressing solves; after a
   * failure (a rejected trial state) they restart from the bare functions. */
  double *pdr = fv->pdr + i * cell, *edr = fv->edr + i * cell;
  if (ghdk_tba_veff_warm(t->tba, t->nbuf, v, pdr, edr) != GHDK_OK) {
    memcpy(pdr, fv->dp, cell * sizeof *pdr);
    memcpy(edr, fv->de, cell * sizeof *edr);
    GHDK_CHECK(ghdk_tba_veff_warm(t->tba, t->nbuf, v, pdr, edr));
  }
  if (fv->inp.force) {
    const double f = fv->inp.force[fv->par.i0 + i];
    if (fv->force_needs_dressing) {
      GHDK_CHECK(ghdk_tba_dress(t->tba, fv->one, t->onedr));
      for (size_t j = 0; j < cell; j++)
        acc[j] = f * t->onedr[j] / pdr[j];
    } else {
      for (size_t j = 0; j < cell; j++)
        acc[j] = f;
    }
  }
  memset(ydot_i, 0, cell * sizeof *ydot_i);
  if (t->coll) {
    for (size_t j = 0; j < cell; j++)
      t->coll_in[j] = fmax(yi[j], 0.0);
    const int rc = t->coll->rhs(t->coll, t->coll_in, t->coll_out);
    if (rc)
      return rc;
    for (size_t j = 0; j < cell; j++)
      ydot_i[j] = fv->inp.strength * t->coll_out[j];
  }
  return GHDK_OK;
}

/* Every cell of the slab, the threads taking contiguous blocks. Every cell is computed even
 * after a failure, so that the warm starts, hence the next call, do not depend on the thread
 * count; the status is that of the first failing cell, as in a serial sweep. */
static int cells(struct ghdk_fv *fv, const double *y, double *ydot)
{
  const size_t nloc = fv->par.nloc, cell = fv->cell;
  GHDK_OMP(parallel num_threads(fv->nth))
  {
    struct fv_thread *t = &fv->th[ghdk_thread_num()];
    t->max_n = 0.0;
    t->bad = SIZE_MAX;
    t->bad_rc = GHDK_OK;
    GHDK_OMP(for schedule(static))
    for (size_t i = 0; i < nloc; i++) {
      const int rc = cell_local(fv, t, i, y + i * cell, ydot + i * cell);
      if (rc && i < t->bad)
        t->bad = i, t->bad_rc = rc;
    }
  }
  size_t bad = SIZE_MAX;
  int rc = GHDK_OK;
  fv->max_n = 0.0;
  for (int t = 0; t < fv->nth; t++) {
    fv->max_n = fmax(fv->max_n, fv->th[t].max_n);
    if (fv->th[t].bad < bad)
      bad = fv->th[t].bad, rc = fv->th[t].bad_rc;
  }
  return rc;
}

void ghdk_fv_set_negative_tol(struct ghdk_fv *fv, double tol)
{
  fv->inp.negative_tol = tol;
}

int ghdk_fv_rhs(struct ghdk_fv *fv, const double *y, double *ydot)
{
  const size_t nloc = fv->par.nloc, ns = fv->ns, n = fv->n, cell = fv->cell;
  /* Every rank takes part in each collective below whatever its own cells did, and all return
   * the same status (CVODE's steps must agree across ranks). CVODE accepts a step when the
   * weighted RMS of its error estimate is below 1, weights 1/(rtol |y| + atol): judged in the
   * same norm, the negative part is round-off when its RMS is below atol (a pointwise test
   * rejected tail values CVODE had itself accepted). */
  double neg2 = 0.0;
  int rc = GHDK_OK;
  for (size_t j = 0; j < fv->size; j++) {
    if (!(y[j] == y[j]))
      rc = GHDK_ERR_DOMAIN;
    if (y[j] < 0.0)
      neg2 += y[j] * y[j];
  }
  neg2 = ghdk_par_sum(&fv->par, neg2);
  if (sqrt(neg2 / (double)(fv->inp.nx * cell)) > fv->inp.negative_tol)
    rc = GHDK_ERR_DOMAIN;
  fv->invalid = rc != GHDK_OK;
  if (!rc)
    rc = cells(fv, y, ydot);
  GHDK_CHECK(ghdk_par_agree(&fv->par, rc));
  /* Transport in x: one flux per face, differenced into both neighbours (exact telescoping). A
   * single open cell has equal ghosts on both sides: the fluxes cancel exactly. */
  if (fv->inp.nx > 1 || fv->inp.bc == GHDK_BC_WALL) {
    memcpy(fv->ye + ext(fv, 0), y, fv->size * sizeof *y);
    GHDK_CHECK(fill_ghosts(fv));
    GHDK_OMP(parallel for num_threads(fv->nth) schedule(static))
    for (size_t ak = 0; ak < ns * n; ak++) {
      const size_t a = ak / n, k = ak % n;
      double left = xflux(fv, -1, a, k);
      for (size_t i = 0; i < nloc; i++) {
        const double right = xflux(fv, (ptrdiff_t)i, a, k);
        ydot[i * cell + a * n + k] -= (right - left) / fv->dx;
        left = right;
      }
    }
  }
  /* Transport in theta (force): zero flux through the window edges. */
  if (fv->inp.force) {
    const enum ghdk_limiter lim = fv->inp.limiter;
    GHDK_OMP(parallel for num_threads(fv->nth) schedule(static))
    for (size_t i = 0; i < nloc; i++)
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
