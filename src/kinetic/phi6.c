/* SPDX-License-Identifier: BSD-3-Clause */
/* phi^6 collision kernel of the free massive boson (physics.md 4.1, SM (11)); the derivation, the
 * choices and their measurements are in docs/theory.md, "phi^6 collision kernel".
 *
 * d rho_p(theta)/d tbar = (2 pi 6!)^-1 (2^5 pi^2)^-2 sum_processes c_P int d^5theta
 * delta^2(K_out - K_in) [prod_out nbar prod_in n - prod_out n prod_in nbar], theta always outgoing,
 * deltas in physical units (p = m sinh, E = m cosh). With a reference source F = a + b cosh +
 * c sinh (n_F = 1/(e^F - 1)) every event is written as
 *   gain - loss = e^{a (|out| - |in|)} prod_out nu prod_in g - prod_out n prod_in nbar,
 *   nu = nbar e^-F, g = n e^F,
 * because sum_out F - sum_in F = a (|out| - |in|) exactly on the mass shell. On a boosted thermal
 * state with mu = 0 and F = W, nu = n and g = nbar point by point, so gain equals loss term by
 * term whatever the quadrature: these states are fixed points to round-off. F is the boosted
 * thermal state (with chemical potential) with the state's particle number, momentum and energy,
 * scaled down where tails are hotter than it (prepare).
 *
 * The incoming side is tabulated once per call on a (chi, Theta) lattice of the total two-momentum
 * K = M (cosh Theta, sinh Theta): T3 = int over three particles of prod g and of prod nbar
 * (M = 3 m cosh chi; Gauss-Chebyshev in the third particle's rapidity absorbs the
 * inverse-square-root threshold of the remaining pair), T4 likewise for four (M = 4 m cosh chi;
 * Gauss-Legendre in one particle times T3). Theta nodes are the grid nodes, so every kinematic
 * configuration depends on a lattice offset only and all stencils are computed in ghdk_phi6_new.
 * Occupations off the grid come from a linear interpolation of n made exact on n_F (point). The
 * window [a, b] truncates the one-particle space: no event has a rapidity outside it (n = nbar =
 * 0 there), which keeps the truncated dynamics conservative. */
#include "coll_priv.h"
#include "ghdk/status.h"
#include "phi6_priv.h"

#include <gsl/gsl_integration.h>
#include <gsl/gsl_linalg.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ORD: points of every Lagrange stencil (off-grid n, and each axis of the table look-ups), even;
 * HALF ghost nodes pad the n array and the tables on each side. CHI_REFINE: grid spacings
 * per chi row spacing. NGAUSS: Gauss-Legendre points per chi cell of the 2->4 product rule and per
 * panel (PANEL grid spacings wide) of the 4->2 partner integral.
 * docs/theory.md has the measurements behind these choices. */
enum {
  ORD = 8,
  HALF = ORD / 2,
  CHI_REFINE = 2,
  NGAUSS = 8,
  PANEL = 2,
  Q_DEFAULT = 16,
  NPROC = GHDK_PHI6_NPROC
};
/* W where n = 0 (it only enters the least-squares fit, with weight 0 there). */
static const double W_CAP = 745.0;
/* Exponents are clamped to [-EXP_MAX, EXP_MAX] (clamp_exp). */
static const double EXP_MAX = 700.0;
/* g = n e^F <= e^R_MAX (1 + n) at points off the grid (point): the incoming-particle tables
 * keep a bounded range where the state exceeds the reference (an isolated probe at a node where
 * n was 0, say); the reference is chosen so that this bound does not act on states (prepare). */
static const double R_MAX = 3.0;
static const double G_MAX = 20.085536923187668; /* e^R_MAX */
/* Smallest reference source F at a point (F > 0 at the nodes; a convex F can dip between them). */
static const double F_MIN = 1e-12;
/* Occupations below N_SIG max n do not constrain the reference source (prepare). */
static const double N_SIG = 1e-10;

/* A rapidity off the grid relative to a lattice node r: theta = theta_r + delta, x = delta / h;
 * the Lagrange stencil starts at node r + i0; ch, sh = cosh, sinh delta give F(theta). */
struct pt {
  double x, ch, sh;
  ptrdiff_t i0;
  double w[ORD];
};

/* A table look-up at (chi, Theta_r + dTheta): chi stencil from row ic (absolute), Theta stencil
 * from lattice node r + il; x = dTheta / h; zero: the point lies beyond the table (value 0). */
struct look {
  double x;
  ptrdiff_t ic, il;
  int zero;
  double wc[ORD], wl[ORD];
};

struct ev3 { /* one Chebyshev node of T3: the three in-particles */
  struct pt p[3];
  double wt;
};
struct ev4 { /* one Gauss node of T4: a particle and the T3 of the remaining three */
  struct pt p;
  struct look k;
  double wt;
};
struct ev24 { /* one T3 node in the 2->4 integral: the in-pair of k_theta + K3 */
  struct pt p[2];
  double wt;
};
struct ev42 { /* one Gauss node of the 4->2 integral: the out-partner and T4 of the pair */
  struct pt p;
  struct look k;
  double wt;
};

struct gnode {   /* a Gauss point in a chi cell of the 2->4 product rule */
  double ch, wt; /* cosh chi, Gauss weight times the measure 9 m^2 sinh chi cosh chi */
  ptrdiff_t i0;  /* first row of the stencil (negative: mirrored) */
  double w[ORD]; /* Lagrange weights of the rows */
};

struct phi6 {
  struct ghdk_coll base;
  const struct ghdk_model *model;
  const struct ghdk_grid *grid;
  double mass, h, hc, coef[NPROC]; /* hc: spacing of the chi rows */
  size_t n, q;                     /* grid nodes, nodes of the inner rules */
  size_t nc3, nc4, nl; /* chi rows of T3 and T4 (without ghosts), Theta columns (with ghosts) */
  double *rho_s, *ch, *sh;
  double *fch, *fsh; /* cosh, sinh at the padded nodes (F at the ghosts) */
  /* Weighted least squares of W on (1, cosh, sinh) by Householder QR (GSL's multifit SVD
   * allocates on every call): rows scaled by sqrt(weight). */
  gsl_matrix *fx;
  gsl_vector *fy, *fc, *ftau, *fres;
  struct ev3 *e3;   /* nc3 * q */
  struct ev4 *e4;   /* nc4 * q */
  struct look *e33; /* n (n + 1) / 2: out-triples (0, d1, d2), d1 <= d2 */
  struct ev24 *e24; /* nc3 * (2 n - 1): T3 row i, lattice offset d */
  struct ev42 *e42; /* ne42: the 4->2 partner's panels, both sides */
  size_t ne42;
  struct gnode *gn; /* ngn Gauss points of the chi cells of the 2->4 integral */
  size_t ngn;
  /* per call */
  double fa, fb, fcc;               /* F = fa + fb cosh + fcc sinh */
  int vacuum;                       /* rho_p = 0 at every node */
  double *nocc, *wn, *nu, *bf, *cf; /* n, W, nbar e^-F on the grid; F's coefficients per node */
  double *nq, *fq;                  /* padded: n and the reference n_F = 1/(e^F - 1) */
  unsigned char *k0;                /* per stencil start: offset of the largest n_F */
  double *t3, *t4, *x3, *om, *col;  /* col: filtered columns, then T4 row accumulators */
  double *gain, *loss;
};

/* Index of the out-triple (0, d1, d2), 0 <= d1 <= d2 < n, rows d1 of n - d1 entries. */
static inline size_t tri(size_t n, size_t d1, size_t d2)
{
  return d1 * n - (d1 * (d1 + 1)) / 2 + d2;
}

/* Lagrange weights at t in [0, 1) for the nodes -HALF+1 .. HALF. */
static void lagrange(double t, double *w)
{
  for (int s = 0; s < ORD; s++) {
    double v = 1.0;
    for (int r = 0; r < ORD; r++)
      if (r != s)
        v *= (t - (r - HALF + 1)) / (double)(s - r);
    w[s] = v;
  }
}

static void make_pt(double delta, double h, struct pt *p)
{
  p->x = delta / h;
  const double f = floor(p->x);
  p->i0 = (ptrdiff_t)f - HALF + 1;
  lagrange(p->x - f, p->w);
  p->ch = cosh(delta);
  p->sh = sinh(delta);
}

/* Look-up at chi (rows spaced hc from chi = 0, nc of them) and Theta offset dtheta. */
static void make_look(double chi, double hc, double dtheta, double h, size_t nc, struct look *k)
{
  const double xc = chi / hc, fc = floor(xc);
  k->ic = (ptrdiff_t)fc - HALF + 1;
  lagrange(xc - fc, k->wc);
  k->zero = k->ic + ORD > (ptrdiff_t)nc;
  k->x = dtheta / h;
  const double fl = floor(k->x);
  k->il = (ptrdiff_t)fl - HALF + 1;
  lagrange(k->x - fl, k->wl);
}

/* x / sinh x, 1 at 0. */
static double xsinh(double x)
{
  return fabs(x) < 1e-8 ? 1.0 : x / sinh(x);
}

/* chi of an invariant mass M = k m cosh chi, from mm = M - k m >= 0 (accurate at threshold). */
static double chi_of(double mm, double km)
{
  return 2.0 * asinh(sqrt(fmax(mm, 0.0) / (2.0 * km)));
}

/* e^x, capped at e^EXP_MAX and set to 0 below e^-EXP_MAX: no overflow, and no subnormals
 * (which cost a hundred cycles per operation). */
static inline double clamp_exp(double x)
{
  return x < -EXP_MAX ? 0.0 : exp(fmin(x, EXP_MAX));
}

/* Offset of (chi row i >= -HALF, Theta column l >= -HALF) in the interleaved (g, nbar) tables,
 * row-major with nl columns. */
static inline size_t cell(size_t nl, ptrdiff_t i, ptrdiff_t l)
{
  return 2 * ((size_t)(i + HALF) * nl + (size_t)(l + HALF));
}

/* The chi stencil of look-up k applied to the columns x0 .. x1-1 of the interleaved tables t:
 * col[2 x] + {0, 1} (the Theta stencil is applied by the caller: translation invariance makes
 * it the same for every reference node). */
static void chi_filter(const struct phi6 *s, const double *t, const struct look *k, ptrdiff_t x0,
                       ptrdiff_t x1, double *col)
{
  const double *r0 = t + cell(s->nl, k->ic, x0);
  for (ptrdiff_t x = 0; x < 2 * (x1 - x0); x++) {
    double v = 0.0;
    for (int a = 0; a < ORD; a++)
      v += k->wc[a] * r0[(size_t)a * 2 * s->nl + (size_t)x];
    col[x] = v;
  }
}

/* Theta stencil of k on filtered columns col (starting at column x0) at reference node r. The
 * tables are positive; interpolation may undershoot where they fall by orders of magnitude per
 * cell (far tails): clamped at 0, so that gains stay >= 0 where rho_p = 0. */
static inline void theta_filter(const struct look *k, const double *col, ptrdiff_t x0, ptrdiff_t r,
                                double *v0, double *v1)
{
  const double *c = col + 2 * (r + k->il - x0);
  double s0 = 0.0, s1 = 0.0;
  for (int b = 0; b < ORD; b++) {
    s0 += k->wl[b] * c[2 * b];
    s1 += k->wl[b] * c[2 * b + 1];
  }
  *v0 = fmax(s0, 0.0);
  *v1 = fmax(s1, 0.0);
}

/* Reference nodes r in [0, n) whose look-up point r + k->x lies in the window: [*lo, *hi). */
static void look_range(const struct phi6 *s, const struct look *k, ptrdiff_t *lo, ptrdiff_t *hi)
{
  *lo = (ptrdiff_t)fmax(0.0, ceil(-0.5 - k->x));
  *hi = (ptrdiff_t)fmin((double)s->n, floor((double)s->n - 0.5 - k->x) + 1.0);
  if (k->zero || *hi < *lo)
    *hi = *lo;
}

/* The occupation at point p relative to grid node r: *n = n(theta), *g = n e^F (capped at
 * e^R_MAX (1 + n)) and *nu = (1 + n) e^-F; 0 if outside the window. n is the Lagrange
 * interpolant of the nodal n plus a correction on the stencil node k0 with the largest reference
 * occupation n_F = 1/(e^F - 1), sized so that n_F itself is reproduced exactly:
 *   n = sum_k L_k n_k + c n_k0,   c = (n_F(theta) - sum_k L_k n_F,k) / n_F,k0.
 * Exact on the reference (a boosted thermal state gives n = n_F(theta), hence g = 1 + n and nu = n
 * to round-off: gain and loss cancel event by event) and linear in the nodal n with bounded
 * weights: a change of n at one node, however small n is there, moves n at the point by at most
 * a few times as much. (Interpolating W = ln(1 + 1/n) instead, also exact on the reference, moves
 * it by L_k n(theta)/n_k: astronomically much where the state falls by orders of magnitude within
 * a stencil, which wrecked the Jacobians a stiff integrator needs.) */
static inline int point(const struct phi6 *s, const struct pt *p, ptrdiff_t r, double *n, double *g,
                        double *nu)
{
  const double x = (double)r + p->x;
  if (x < -0.5 || x > (double)s->n - 0.5)
    return 0;
  const ptrdiff_t st = r + p->i0 + HALF;
  const double *nq = s->nq + st, *fq = s->fq + st;
  double v = 0.0, vf = 0.0;
  for (int k = 0; k < ORD; k++) {
    v += p->w[k] * nq[k];
    vf += p->w[k] * fq[k];
  }
  const double F = fmin(fmax(s->fa + s->bf[r] * p->ch + s->cf[r] * p->sh, F_MIN), EXP_MAX);
  /* One exponential: n_F = 1/(e^F - 1) loses digits to the subtraction only for F < 0.5. */
  const double eF = exp(F), nf = F < 0.5 ? 1.0 / expm1(F) : 1.0 / (eF - 1.0);
  if (vf > 0.0 && vf > 0.1 * nf)
    v *= nf / vf;
  else if (fq[s->k0[st]] > 0.0) /* steep tail: the interpolant of n_F fails; correct on k0 */
    v += (nf - vf) / fq[s->k0[st]] * nq[s->k0[st]];
  v = fmax(v, 0.0);
  *n = v;
  *g = fmin(v * eF, G_MAX * (1.0 + v));
  *nu = (1.0 + v) / eF;
  return 1;
}

/* ---- per call ---------------------------------------------------------------------------- */

/* The dual Phi(x) = sum_j u_j [-ln(1 - e^-F_j) + n_j F_j] of the moment matching below, F =
 * x0 + x1 cosh + x2 sinh, u = w rho_s; its gradient (moments of n - n_F) and Hessian (the
 * covariance C = sum u n_F (1 + n_F) h h^T) if grad is not NULL. +inf where some F_j <= 0. */
static double dual(const struct phi6 *s, const double *x, double *grad, double *hess)
{
  double phi = 0.0;
  if (grad)
    memset(grad, 0, 3 * sizeof *grad), memset(hess, 0, 9 * sizeof *hess);
  for (size_t j = 0; j < s->n; j++) {
    const double F = x[0] + x[1] * s->ch[j] + x[2] * s->sh[j];
    if (!(F > 0.0))
      return INFINITY;
    const double u = s->grid->w[j] * s->rho_s[j];
    phi += u * (-log(-expm1(-F)) + s->nocc[j] * F);
    if (grad) {
      const double nf = 1.0 / expm1(F), h[3] = {1.0, s->ch[j], s->sh[j]};
      for (int k = 0; k < 3; k++) {
        grad[k] += u * (s->nocc[j] - nf) * h[k];
        for (int l = 0; l < 3; l++)
          hess[3 * k + l] += u * nf * (1.0 + nf) * h[k] * h[l];
      }
    }
  }
  return phi;
}

/* The reference source F: the boosted thermal state with chemical potential that has the
 * state's particle number, momentum and energy (the moments of n against w rho_s {1, cosh,
 * sinh}). It is a smooth function of those integrals, so tails where n is tiny or 0 do not move
 * it. Newton on the convex dual with backtracking, from the least-squares fit of W when that is
 * positive at every node (on a thermal state the fit is exact and Newton moves it by round-off
 * only), else from F = cosh. Where no such state exists in the window (n condensing) the last
 * iterate serves: any F in the span gives the same I, F only sets the tables' range. */
static void reference(struct phi6 *s)
{
  double x[3] = {s->fa, s->fb, s->fcc}, g[3], H[9], d[3];
  double phi = dual(s, x, g, H);
  if (!isfinite(phi)) {
    x[0] = 0.0, x[1] = 1.0, x[2] = 0.0;
    phi = dual(s, x, g, H);
  }
  for (int it = 0; it < 100; it++) {
    gsl_matrix_view hm = gsl_matrix_view_array(H, 3, 3);
    gsl_vector_view gv = gsl_vector_view_array(g, 3), dv = gsl_vector_view_array(d, 3);
    if (gsl_linalg_cholesky_decomp1(&hm.matrix) ||
        gsl_linalg_cholesky_solve(&hm.matrix, &gv.vector, &dv.vector))
      break;
    /* d = C^-1 (moments of n - n_F) is the Newton step; -grad Phi = -(that moments). */
    const double slope = -(g[0] * d[0] + g[1] * d[1] + g[2] * d[2]);
    double t = 1.0, xt[3], pt = INFINITY;
    for (; t > 1e-12; t *= 0.5) {
      for (int k = 0; k < 3; k++)
        xt[k] = x[k] - t * d[k];
      pt = dual(s, xt, NULL, NULL);
      if (pt <= phi + 1e-4 * t * slope)
        break;
    }
    if (!(pt <= phi + 1e-4 * t * slope))
      break;
    double step = 0.0, size = 1.0;
    for (int k = 0; k < 3; k++)
      step = fmax(step, fabs(xt[k] - x[k])), size = fmax(size, fabs(xt[k]));
    memcpy(x, xt, sizeof x);
    phi = dual(s, x, g, H);
    if (step <= 1e-15 * size)
      break;
  }
  s->fa = x[0], s->fb = x[1], s->fcc = x[2];
}

/* Occupations, the reference source F, the padded residual R and W, the on-grid factors. */
static int prepare(struct phi6 *s, const double *rho_p)
{
  const size_t n = s->n;
  /* Round-off negatives (ghdk_coll_valid: down to 1e-10 max|rho_p|, up to 1.5e-12 seen in the
   * GGE quench at nodes where rho_p had underflowed to 0) count as empty nodes. */
  if (!ghdk_coll_valid(rho_p, n))
    return GHDK_ERR_DOMAIN;
  double wsum = 0.0;
  for (size_t j = 0; j < n; j++) {
    if (!isfinite(rho_p[j]))
      return GHDK_ERR_DOMAIN;
    const double nj = fmax(rho_p[j], 0.0) / s->rho_s[j];
    s->nocc[j] = nj;
    s->wn[j] = nj > 0.0 ? log1p(1.0 / nj) : W_CAP;
    /* Weights w n (1 + n): the covariance metric, nothing where n underflows. */
    const double sw = sqrt(s->grid->w[j] * nj * (1.0 + nj));
    gsl_matrix_set(s->fx, j, 0, sw);
    gsl_matrix_set(s->fx, j, 1, sw * s->ch[j]);
    gsl_matrix_set(s->fx, j, 2, sw * s->sh[j]);
    gsl_vector_set(s->fy, j, sw * s->wn[j]);
    wsum += sw;
  }
  s->vacuum = !(wsum > 0.0); /* no particles, no collisions: I = 0 */
  if (s->vacuum)
    return GHDK_OK;
  if (gsl_linalg_QR_decomp(s->fx, s->ftau) ||
      gsl_linalg_QR_lssolve(s->fx, s->ftau, s->fy, s->fc, s->fres))
    return GHDK_ERROR(GHDK_ERR_DOMAIN, "phi6: least-squares fit of W failed");
  s->fa = gsl_vector_get(s->fc, 0);
  s->fb = gsl_vector_get(s->fc, 1);
  s->fcc = gsl_vector_get(s->fc, 2);
  reference(s);
  /* Tails hotter than the matched state (a bulk narrowed or a tail filled ahead of it) have
   * n e^F >> 1, where the bound g <= e^R_MAX (1 + n) of point() would cut real particles: scale
   * F by lambda <= 1 until W - F >= -R_MAX at every node with a significant occupation. The
   * threshold enters through n - n_sig, so that the scaling switches on continuously, and
   * occupations below n_sig (finite-difference probes of empty nodes, round-off) never move it.
   * lambda = 1 on a thermal state and on the paper's GGE (whose tails are colder than any thermal
   * state). */
  double nmax = 0.0, lam = 1.0;
  for (size_t j = 0; j < n; j++)
    nmax = fmax(nmax, s->nocc[j]);
  for (size_t j = 0; j < n; j++) {
    const double ns = s->nocc[j] - N_SIG * nmax;
    const double F = s->fa + s->fb * s->ch[j] + s->fcc * s->sh[j];
    if (ns > 0.0 && F > log1p(1.0 / ns) + R_MAX)
      lam = fmin(lam, (log1p(1.0 / ns) + R_MAX) / F);
  }
  s->fa *= lam, s->fb *= lam, s->fcc *= lam;
  for (size_t j = 0; j < n; j++) {
    s->nu[j] = (1.0 + s->nocc[j]) * clamp_exp(-(s->fa + s->fb * s->ch[j] + s->fcc * s->sh[j]));
    s->bf[j] = s->fb * s->ch[j] + s->fcc * s->sh[j];
    s->cf[j] = s->fb * s->sh[j] + s->fcc * s->ch[j];
  }
  /* Padded n and n_F (the ghosts' n below). */
  const size_t np = n + 2 * HALF;
  for (size_t k = 0; k < np; k++) {
    const double F = fmax(s->fa + s->fb * s->fch[k] + s->fcc * s->fsh[k], F_MIN);
    s->fq[k] = 1.0 / expm1(fmin(F, EXP_MAX));
    s->nq[k] = k < HALF || k >= n + HALF ? 0.0 : s->nocc[k - HALF];
  }
  /* Ghosts: the edge node's ratio n / n_F continued (linear in n, exact on the reference). */
  for (size_t g = 0; g < HALF; g++) {
    const size_t lo = HALF - 1 - g, hi = n + HALF + g;
    if (s->fq[HALF] > 0.0)
      s->nq[lo] = s->fq[lo] * s->nq[HALF] / s->fq[HALF];
    if (s->fq[n + HALF - 1] > 0.0)
      s->nq[hi] = s->fq[hi] * s->nq[n + HALF - 1] / s->fq[n + HALF - 1];
  }
  for (size_t k = 0; k + ORD <= np; k++) {
    unsigned char best = 0;
    for (unsigned char i = 1; i < ORD; i++)
      if (s->fq[k + i] > s->fq[k + best])
        best = i;
    s->k0[k] = best;
  }
  return GHDK_OK;
}

/* T3: for each row i and grid column l, sum over the Chebyshev nodes of prod g and prod nbar. */
static void build_t3(struct phi6 *s)
{
  const size_t n = s->n, q = s->q;
  for (size_t i = 0; i < s->nc3; i++)
    for (size_t l = 0; l < n; l++) {
      double sg = 0.0, sn = 0.0;
      for (size_t k = 0; k < q; k++) {
        const struct ev3 *e = s->e3 + i * q + k;
        double nn[3], g[3], nu;
        if (!point(s, &e->p[0], (ptrdiff_t)l, &nn[0], &g[0], &nu) ||
            !point(s, &e->p[1], (ptrdiff_t)l, &nn[1], &g[1], &nu) ||
            !point(s, &e->p[2], (ptrdiff_t)l, &nn[2], &g[2], &nu))
          continue;
        sn += e->wt * (1.0 + nn[0]) * (1.0 + nn[1]) * (1.0 + nn[2]);
        sg += e->wt * g[0] * g[1] * g[2];
      }
      double *c = s->t3 + cell(s->nl, (ptrdiff_t)i, (ptrdiff_t)l);
      c[0] = sg;
      c[1] = sn;
    }
  /* T3 is even in chi (analytic in M^2 - 9 m^2 at threshold): mirror rows. */
  for (ptrdiff_t i = 1; i <= HALF; i++)
    memcpy(s->t3 + cell(s->nl, -i, -HALF), s->t3 + cell(s->nl, i, -HALF),
           2 * s->nl * sizeof(double));
}

static void build_t4(struct phi6 *s)
{
  const size_t n = s->n, q = s->q;
  double *acc = s->col + 2 * s->nl; /* (g, nbar) per column */
  for (size_t i = 0; i < s->nc4; i++) {
    memset(acc, 0, 2 * n * sizeof *acc);
    for (size_t k = 0; k < q; k++) {
      const struct ev4 *e = s->e4 + i * q + k;
      ptrdiff_t lo, hi;
      look_range(s, &e->k, &lo, &hi);
      if (lo == hi)
        continue;
      const ptrdiff_t x0 = lo + e->k.il;
      chi_filter(s, s->t3, &e->k, x0, hi + e->k.il + ORD - 1, s->col);
      for (ptrdiff_t l = lo; l < hi; l++) {
        double nn, g, nu, tg, tn;
        if (!point(s, &e->p, l, &nn, &g, &nu))
          continue;
        theta_filter(&e->k, s->col, x0, l, &tg, &tn);
        acc[2 * l] += e->wt * g * tg;
        acc[2 * l + 1] += e->wt * (1.0 + nn) * tn;
      }
    }
    memcpy(s->t4 + cell(s->nl, (ptrdiff_t)i, 0), acc, 2 * n * sizeof *acc);
  }
  /* T4 is odd in chi (sqrt(M - 4m) times a series in M - 4m at threshold). */
  for (ptrdiff_t i = 1; i <= HALF; i++) {
    double *dst = s->t4 + cell(s->nl, -i, -HALF);
    const double *src = s->t4 + cell(s->nl, i, -HALF);
    for (size_t k = 0; k < 2 * s->nl; k++)
      dst[k] = -src[k];
  }
}

/* 3<->3: out-triples (j, j + d1, j + d2) on the grid, in-triple from T3. */
static void proc33(struct phi6 *s, double *gain, double *loss)
{
  const size_t n = s->n;
  const double *nu = s->nu, *no = s->nocc, h2 = s->h * s->h;
  for (size_t d1 = 0; d1 < n; d1++)
    for (size_t d2 = d1; d2 < n; d2++) {
      /* Each node x of the triple gets the number of ordered (theta1, theta2) with
       * {x, theta1, theta2} = the triple: 2 if the other two differ, else 1. */
      const double mj = d2 == 0 ? 1.0 : (d1 == d2 ? 1.0 : 2.0);
      const double mk = d1 == 0 ? 0.0 : 2.0; /* k = j is counted in mj */
      const double ml = d2 == d1 ? 0.0 : (d1 == 0 ? 1.0 : 2.0);
      const struct look *lk = &s->e33[tri(n, d1, d2)];
      if (lk->zero)
        continue;
      const ptrdiff_t jmax = (ptrdiff_t)(n - d2), x0 = lk->il;
      chi_filter(s, s->t3, lk, x0, jmax + lk->il + ORD - 1, s->col);
      for (ptrdiff_t jj = 0; jj < jmax; jj++) {
        const size_t j = (size_t)jj, k = j + d1, l = j + d2;
        double tg, tn;
        theta_filter(lk, s->col, x0, jj, &tg, &tn);
        const double vg = h2 * nu[j] * nu[k] * nu[l] * tg, vl = h2 * no[j] * no[k] * no[l] * tn;
        gain[j] += mj * vg, loss[j] += mj * vl;
        gain[k] += mk * vg, loss[k] += mk * vl;
        gain[l] += ml * vg, loss[l] += ml * vl;
      }
    }
}

/* Product-integration weights om[l nc3 + i] of the chi rows for the 2->4 integral at column l:
 * int dchi 9 m^2 sinh chi cosh chi e^{-F3(K3)} phi(chi) = sum_i om_i phi(chi_i) for phi smooth
 * and even in chi (interpolated over the rows), with the companions' fitted Boltzmann factor
 * e^{-F3} = e^{-3a} e^{-c_l cosh chi}, c_l = 3 (b cosh Theta_l + c sinh Theta_l), integrated
 * exactly per chi cell by Gauss-Legendre: it is far narrower in chi (width ~ (3 beta m)^-1/2)
 * than the rows resolve at low temperature. Cells where the factor has fallen below 2^-54 (e^-37.5)
 * of its value at threshold are dropped (same for gain and loss, so fixed points stay exact). */
static void product_weights(struct phi6 *s)
{
  const size_t n = s->n, nc = s->nc3, ncell = s->ngn / NGAUSS;
  const double cut = 37.5;
  memset(s->om, 0, n * nc * sizeof *s->om);
  for (size_t l = 0; l < n; l++) {
    const double c = 3.0 * s->bf[l];
    double *om = s->om + l * nc;
    for (size_t k = 0; k < ncell; k++) {
      if (c > 0.0 && c * (cosh((double)k * s->hc) - 1.0) > cut)
        break;
      for (size_t r = 0; r < NGAUSS; r++) {
        const struct gnode *g = s->gn + k * NGAUSS + r;
        const double f = g->wt * clamp_exp(-3.0 * s->fa - c * g->ch);
        for (ptrdiff_t a = 0; a < ORD; a++) {
          const ptrdiff_t row = g->i0 + a; /* rows below 0 mirror: phi is even in chi */
          om[row < 0 ? -row : row] += f * g->w[a];
        }
      }
    }
  }
}

/* 2->4 with theta among the four: int d^2K3 T3(K3) S2(k_theta + K3) over the T3 nodes. */
static void proc24(struct phi6 *s, double *gain, double *loss)
{
  const size_t n = s->n, nc = s->nc3;
  product_weights(s);
  /* x3 = h om (T3[nbar], T3[g]): the out-companion tables T3[nu], T3[n] integrated over chi. */
  for (size_t i = 0; i < nc; i++)
    for (size_t l = 0; l < n; l++) {
      const double *c = s->t3 + cell(s->nl, (ptrdiff_t)i, (ptrdiff_t)l);
      const double w = s->h * s->om[l * nc + i];
      s->x3[2 * (i * n + l)] = w * c[1];
      s->x3[2 * (i * n + l) + 1] = w * c[0];
    }
  for (size_t j = 0; j < n; j++) {
    double sg = 0.0, sl = 0.0;
    for (size_t i = 0; i < nc; i++) {
      const struct ev24 *row = s->e24 + i * (2 * n - 1) + (n - 1 - j);
      const double *x = s->x3 + 2 * i * n;
      for (size_t l = 0; l < n; l++) {
        if (x[2 * l] == 0.0 && x[2 * l + 1] == 0.0)
          continue;
        const struct ev24 *e = row + l;
        double na, nb, ga, gb, nu;
        if (!point(s, &e->p[0], (ptrdiff_t)j, &na, &ga, &nu) ||
            !point(s, &e->p[1], (ptrdiff_t)j, &nb, &gb, &nu))
          continue;
        sg += e->wt * ga * gb * x[2 * l];
        sl += e->wt * (1.0 + na) * (1.0 + nb) * x[2 * l + 1];
      }
    }
    /* Negative product-rule weights can make a sum of tiny terms negative; clamp gain and loss
     * alike (on a fixed point they are the same sum). */
    gain[j] += clamp_exp(2.0 * s->fa) * s->nu[j] * fmax(sg, 0.0);
    loss[j] += s->nocc[j] * fmax(sl, 0.0);
  }
}

/* 4->2 with theta among the two: int dtheta1 T4(k_theta + k_1) beyond the pair threshold. */
static void proc42(struct phi6 *s, double *gain, double *loss)
{
  const size_t n = s->n;
  double *acc = s->col + 2 * s->nl; /* (gain, loss) sums per node */
  memset(acc, 0, 2 * n * sizeof *acc);
  for (size_t k = 0; k < s->ne42; k++) {
    const struct ev42 *e = s->e42 + k;
    ptrdiff_t lo, hi;
    look_range(s, &e->k, &lo, &hi);
    if (lo == hi)
      continue;
    const ptrdiff_t x0 = lo + e->k.il;
    chi_filter(s, s->t4, &e->k, x0, hi + e->k.il + ORD - 1, s->col);
    for (ptrdiff_t j = lo; j < hi; j++) {
      double nn, g, nu, tg, tn;
      if (!point(s, &e->p, j, &nn, &g, &nu))
        continue;
      theta_filter(&e->k, s->col, x0, j, &tg, &tn);
      acc[2 * j] += e->wt * nu * tg;
      acc[2 * j + 1] += e->wt * nn * tn;
    }
  }
  for (size_t j = 0; j < n; j++) {
    gain[j] += clamp_exp(-2.0 * s->fa) * s->nu[j] * acc[2 * j];
    loss[j] += s->nocc[j] * acc[2 * j + 1];
  }
}

static int terms(struct phi6 *s, const double *rho_p)
{
  GHDK_CHECK(prepare(s, rho_p));
  const size_t n = s->n;
  memset(s->gain, 0, NPROC * n * sizeof *s->gain);
  memset(s->loss, 0, NPROC * n * sizeof *s->loss);
  if (s->vacuum)
    return GHDK_OK;
  build_t3(s);
  build_t4(s);
  proc33(s, s->gain, s->loss);
  proc24(s, s->gain + n, s->loss + n);
  proc42(s, s->gain + 2 * n, s->loss + 2 * n);
  /* d rho_p/d tbar = (m cosh theta / 2 pi) d n/d tbar: the 1/(m cosh theta) of SM (11) cancels. */
  const double pref = 1.0 / (2.0 * GHDK_PI * 720.0 * pow(32.0 * GHDK_PI * GHDK_PI, 2));
  for (size_t p = 0; p < NPROC; p++)
    for (size_t j = 0; j < n; j++) {
      s->gain[p * n + j] *= pref * s->coef[p];
      s->loss[p * n + j] *= pref * s->coef[p];
    }
  return GHDK_OK;
}

int ghdk_phi6_terms(struct ghdk_coll *c, const double *rho_p, double *gain, double *loss)
{
  struct phi6 *s = container_of(c, struct phi6, base);
  GHDK_CHECK(terms(s, rho_p));
  memcpy(gain, s->gain, NPROC * s->n * sizeof *gain);
  memcpy(loss, s->loss, NPROC * s->n * sizeof *loss);
  return GHDK_OK;
}

static int phi6_rhs(struct ghdk_coll *c, const double *rho_p, double *drho)
{
  struct phi6 *s = container_of(c, struct phi6, base);
  GHDK_CHECK(terms(s, rho_p));
  const size_t n = s->n;
  for (size_t j = 0; j < n; j++) {
    double v = 0.0;
    for (size_t p = 0; p < NPROC; p++)
      v += s->gain[p * n + j] - s->loss[p * n + j];
    drho[j] = v;
  }
  return s->vacuum ? GHDK_OK : ghdk_coll_project(c, s->model, s->grid, rho_p, s->nocc, drho);
}

/* ---- set-up ------------------------------------------------------------------------------ */

static void setup_events(struct phi6 *s, const double *xq_cheb, const double *wq_cheb,
                         const double *xq_leg, const double *wq_leg, const double *xg,
                         const double *wg)
{
  const size_t n = s->n, q = s->q;
  const double m = s->mass, h = s->h, hc = s->hc;
  /* T3 rows: M = 3 m cosh chi; third particle at Theta + u, |u| <= u0; the pair K - k3 has
   * M'^2 - 4 m^2 = 2 M m (cosh u0 - cosh u). */
  for (size_t i = 0; i < s->nc3; i++) {
    const double chi = (double)i * hc, M = 3.0 * m * cosh(chi);
    const double mm = 6.0 * m * pow(sinh(0.5 * chi), 2);
    const double u0 = 2.0 * asinh(sqrt(mm * (M + m) / (4.0 * M * m)));
    for (size_t k = 0; k < q; k++) {
      struct ev3 *e = s->e3 + i * q + k;
      const double u = u0 * xq_cheb[k], yp = 0.5 * (u0 + u), ym = 0.5 * (u0 - u);
      const double sp = sinh(yp) * sinh(ym);
      const double Mp = sqrt(4.0 * m * m + 4.0 * M * m * sp);
      const double alpha = asinh(sqrt(M * sp / m));
      const double th = atanh(-m * sinh(u) / (M - m * cosh(u)));
      make_pt(u, h, &e->p[0]);
      make_pt(th + alpha, h, &e->p[1]);
      make_pt(th - alpha, h, &e->p[2]);
      /* S2 = 4 f4 f5 / (M' sqrt(M'^2 - 4m^2)); 1/sqrt(u0^2 - u^2) is the Chebyshev weight. */
      e->wt = wq_cheb[k] * 4.0 / (Mp * sqrt(2.0 * M * m)) * sqrt(2.0 * xsinh(yp) * xsinh(ym));
    }
  }
  /* T4 rows: M = 4 m cosh chi; one particle at Theta + u, |u| <= u1, the rest from T3. */
  for (size_t i = 0; i < s->nc4; i++) {
    const double chi = (double)i * hc, M = 4.0 * m * cosh(chi);
    const double mm = 8.0 * m * pow(sinh(0.5 * chi), 2);
    const double u1 = 2.0 * asinh(sqrt(mm * (M + 2.0 * m) / (4.0 * M * m)));
    for (size_t k = 0; k < q; k++) {
      struct ev4 *e = s->e4 + i * q + k;
      const double u = u1 * xq_leg[k];
      const double d2 = 4.0 * M * m * sinh(0.5 * (u1 + u)) * sinh(0.5 * (u1 - u));
      const double M3 = sqrt(9.0 * m * m + d2);
      make_pt(u, h, &e->p);
      make_look(chi_of(d2 / (M3 + 3.0 * m), 3.0 * m), hc, atanh(-m * sinh(u) / (M - m * cosh(u))),
                h, s->nc3, &e->k);
      e->wt = u1 * wq_leg[k];
    }
  }
  /* Out-triples (0, d1 h, d2 h). */
  for (size_t d1 = 0; d1 < n; d1++)
    for (size_t d2 = d1; d2 < n; d2++) {
      const double x1 = (double)d1 * h, x2 = (double)d2 * h;
      const double d =
          4.0 * m * m *
          (pow(sinh(0.5 * x1), 2) + pow(sinh(0.5 * x2), 2) + pow(sinh(0.5 * (x2 - x1)), 2));
      const double M = sqrt(9.0 * m * m + d);
      const double E = 1.0 + cosh(x1) + cosh(x2), P = sinh(x1) + sinh(x2);
      make_look(chi_of(d / (M + 3.0 * m), 3.0 * m), hc, atanh(P / E), h, s->nc3,
                &s->e33[tri(n, d1, d2)]);
    }
  /* 2->4: K3 at T3 node (chi_i, theta_j + d h); in-pair at k_theta + K3 (mass >= 4m), S2
   * Jacobian 2 / (m^2 sinh 2 alpha). The chi rule is product_weights'. */
  for (size_t i = 0; i < s->nc3; i++) {
    const double M3 = 3.0 * m * cosh((double)i * hc);
    for (size_t dd = 0; dd < 2 * n - 1; dd++) {
      struct ev24 *e = s->e24 + i * (2 * n - 1) + dd;
      const double x = ((double)dd - (double)(n - 1)) * h;
      const double E = m + M3 * cosh(x), P = M3 * sinh(x);
      const double Mp = sqrt(m * m + M3 * M3 + 2.0 * m * M3 * cosh(x));
      const double alpha = acosh(0.5 * Mp / m), th = atanh(P / E);
      make_pt(th + alpha, h, &e->p[0]);
      make_pt(th - alpha, h, &e->p[1]);
      e->wt = 2.0 / (m * m * sinh(2.0 * alpha));
    }
  }
  /* Gauss points of the chi cells [k hc, (k + 1) hc], k < nc3 - HALF (full stencils). */
  for (size_t k = 0; k + HALF < s->nc3; k++)
    for (size_t r = 0; r < NGAUSS; r++) {
      struct gnode *gp = s->gn + k * NGAUSS + r;
      const double t = 0.5 * (xg[r] + 1.0), chi = ((double)k + t) * hc;
      gp->ch = cosh(chi);
      gp->wt = 0.5 * hc * wg[r] * 9.0 * m * m * sinh(chi) * gp->ch;
      gp->i0 = (ptrdiff_t)k - HALF + 1;
      lagrange(t, gp->w);
    }
  /* 4->2: partner at theta_j +- (delta0 + s), delta0 = 2 acosh 2 (pair mass 4m), s >= 0 in
   * panels of width PANEL h with NGAUSS Gauss points, the same for every theta_j (points
   * outside the window drop out); on the first panel s = t^2 removes the sqrt(M - 4m) threshold
   * of T4. */
  const double delta0 = 2.0 * acosh(2.0), pw = PANEL * h;
  const size_t npanel = s->ne42 / (2 * NGAUSS);
  for (int sg = 0; sg < 2; sg++)
    for (size_t k = 0; k < npanel; k++)
      for (size_t r = 0; r < NGAUSS; r++) {
        struct ev42 *e = s->e42 + ((size_t)sg * npanel + k) * NGAUSS + r;
        const double x = 0.5 * (xg[r] + 1.0);
        double sv, wt;
        if (k == 0) {
          const double t = sqrt(pw) * x;
          sv = t * t;
          wt = 2.0 * t * 0.5 * sqrt(pw) * wg[r];
        } else {
          sv = ((double)k + x) * pw;
          wt = 0.5 * pw * wg[r];
        }
        const double ad = delta0 + sv, delta = sg ? -ad : ad;
        const double mm = 4.0 * m * sinh(0.25 * (ad + delta0)) * sinh(0.25 * sv);
        make_pt(delta, h, &e->p);
        make_look(chi_of(mm, 4.0 * m), hc, 0.5 * delta, h, s->nc4, &e->k);
        e->wt = wt;
      }
}

static void phi6_free(struct ghdk_coll *c)
{
  struct phi6 *s = container_of(c, struct phi6, base);
  free(s->rho_s), free(s->ch), free(s->sh), free(s->fch), free(s->fsh);
  gsl_matrix_free(s->fx);
  gsl_vector_free(s->fy), gsl_vector_free(s->fc), gsl_vector_free(s->ftau),
      gsl_vector_free(s->fres);
  free(s->e3), free(s->e4), free(s->e33), free(s->e24), free(s->e42), free(s->gn);
  free(s->nocc), free(s->wn), free(s->nu), free(s->nq), free(s->fq), free(s->k0), free(s->bf),
      free(s->cf);
  free(s->t3), free(s->t4), free(s->x3), free(s->om), free(s->col), free(s->gain), free(s->loss);
  free(s);
}

size_t ghdk_phi6_bytes(const struct ghdk_coll *c)
{
  const struct phi6 *s = container_of(c, const struct phi6, base);
  const size_t n = s->n, q = s->q, np = n + 2 * HALF;
  const size_t events = s->nc3 * q * sizeof(struct ev3) + s->nc4 * q * sizeof(struct ev4) +
                        n * (n + 1) / 2 * sizeof(struct look) +
                        s->nc3 * (2 * n - 1) * sizeof(struct ev24) +
                        2 * n * q * sizeof(struct ev42) + s->ngn * sizeof(struct gnode);
  /* Per-node arrays, padded arrays, the tables, x3 and om, col, and the fit (X, y, residual). */
  const size_t doubles = (11 + 2 * NPROC + 5) * n + 5 * np +
                         2 * s->nl * (s->nc3 + s->nc4 + 2 * HALF) + 3 * s->nc3 * n + 4 * s->nl + 6;
  return sizeof *s + events + doubles * sizeof(double);
}

int ghdk_phi6_new(const struct ghdk_coll_inp *inp, struct ghdk_coll **out)
{
  const struct ghdk_model *model = inp->model;
  const struct ghdk_grid *g = inp->grid;
  *out = NULL;
  if (strcmp(model->name, "free_boson") != 0)
    return GHDK_ERROR(GHDK_ERR_INPUT, "collision kernel phi6 needs the free_boson model, got %s",
                      model->name);
  if (g->rule != GHDK_QUAD_UNIFORM)
    return GHDK_ERROR(GHDK_ERR_INPUT,
                      "collision kernel phi6 needs a uniform rapidity grid (its tables are "
                      "translation invariant on the node lattice), got %s",
                      ghdk_quad_rule_name(g->rule));
  if (g->n < ORD)
    return GHDK_ERROR(GHDK_ERR_INPUT, "collision kernel phi6 needs at least %d nodes, got %zu", ORD,
                      g->n);
  double coef[NPROC];
  const char *cs = inp->coefficients ? inp->coefficients : "golden_rule";
  if (strcmp(cs, "golden_rule") == 0) {
    coef[0] = 120.0 * GHDK_PI, coef[1] = 120.0 * GHDK_PI, coef[2] = 60.0 * GHDK_PI;
  } else if (strcmp(cs, "printed") == 0) {
    coef[0] = 1200.0, coef[1] = 900.0, coef[2] = 450.0;
  } else
    return GHDK_ERROR(GHDK_ERR_INPUT,
                      "phi6: unknown coefficient set '%s' (known: golden_rule, printed)", cs);
  const size_t q = inp->quad_order ? inp->quad_order : Q_DEFAULT;
  if (q < 2)
    return GHDK_ERROR(GHDK_ERR_INPUT, "phi6: quad_order must be >= 2, got %zu", q);

  struct phi6 *s = calloc(1, sizeof *s);
  if (!s)
    return GHDK_ERROR(GHDK_ERR_NOMEM, "phi6 kernel");
  struct ghdk_bare bare;
  model->bare(model, 0, 0.0, &bare);
  const size_t n = g->n, np = n + 2 * HALF;
  s->model = model;
  s->grid = g;
  s->mass = bare.e;
  s->h = g->h;
  s->hc = g->h / CHI_REFINE;
  s->n = n;
  s->q = q;
  memcpy(s->coef, coef, sizeof coef);
  /* T3 must cover every three-particle total inside the window, M <= m sqrt(5 + 4 cosh(b - a))
   * (two particles at one edge, one at the other); T4 every pair total of the 4->2 integral,
   * M <= 2 m cosh((b - a)/2). Rows beyond, up to a full stencil, hold zeros or small values. */
  const double L = g->b - g->a;
  s->nc3 = (size_t)(acosh(sqrt(5.0 + 4.0 * cosh(L)) / 3.0) / s->hc) + HALF + 2;
  s->nc4 = (size_t)(acosh(fmax(0.5 * cosh(0.5 * L), 1.0)) / s->hc) + HALF + 2;
  s->nl = n + 2 * HALF;
  s->base = (struct ghdk_coll){.name = "phi6",
                               .ns = 1,
                               .n = n,
                               .ninv = 2,
                               .inv = {{1, 0}, {2, 0}},
                               .rhs = phi6_rhs,
                               .free = phi6_free};

  s->rho_s = malloc(n * sizeof(double));
  s->ch = malloc(n * sizeof(double));
  s->sh = malloc(n * sizeof(double));
  s->fch = malloc(np * sizeof(double));
  s->fsh = malloc(np * sizeof(double));
  s->fx = gsl_matrix_alloc(n, 3);
  s->fy = gsl_vector_alloc(n);
  s->fc = gsl_vector_alloc(3);
  s->ftau = gsl_vector_alloc(3);
  s->fres = gsl_vector_alloc(n);
  s->e3 = malloc(s->nc3 * q * sizeof *s->e3);
  s->e4 = malloc(s->nc4 * q * sizeof *s->e4);
  s->e33 = malloc(n * (n + 1) / 2 * sizeof *s->e33);
  s->e24 = malloc(s->nc3 * (2 * n - 1) * sizeof *s->e24);
  /* Partner panels up to the widest separation in the window, b - a - delta0 (one panel, all
   * outside, in a window narrower than delta0: no 4->2 pair fits; nor does M = 4m in T4). */
  s->ne42 = 2 * NGAUSS * ((size_t)(fmax(L - 2.0 * acosh(2.0), 0.0) / (PANEL * s->h)) + 1);
  s->e42 = malloc(s->ne42 * sizeof *s->e42);
  s->ngn = (s->nc3 - HALF) * NGAUSS;
  s->gn = malloc(s->ngn * sizeof *s->gn);
  s->om = malloc(s->nc3 * n * sizeof(double));
  s->col = malloc(4 * s->nl * sizeof(double));
  s->nocc = malloc(n * sizeof(double));
  s->wn = malloc(n * sizeof(double));
  s->nu = malloc(n * sizeof(double));
  s->nq = malloc(np * sizeof(double));
  s->fq = malloc(np * sizeof(double));
  s->k0 = malloc(np);
  s->bf = malloc(n * sizeof(double));
  s->cf = malloc(n * sizeof(double));
  s->t3 = calloc(2 * s->nl * (s->nc3 + HALF), sizeof(double));
  s->t4 = calloc(2 * s->nl * (s->nc4 + HALF), sizeof(double));
  s->x3 = malloc(2 * s->nc3 * n * sizeof(double));
  s->gain = malloc(NPROC * n * sizeof(double));
  s->loss = malloc(NPROC * n * sizeof(double));
  gsl_integration_fixed_workspace *cheb =
      gsl_integration_fixed_alloc(gsl_integration_fixed_chebyshev, q, -1.0, 1.0, 0.0, 0.0);
  gsl_integration_fixed_workspace *leg =
      gsl_integration_fixed_alloc(gsl_integration_fixed_legendre, q, -1.0, 1.0, 0.0, 0.0);
  gsl_integration_fixed_workspace *cellq =
      gsl_integration_fixed_alloc(gsl_integration_fixed_legendre, NGAUSS, -1.0, 1.0, 0.0, 0.0);
  if (!s->rho_s || !s->ch || !s->sh || !s->fch || !s->fsh || !s->fx || !s->fy || !s->fc ||
      !s->ftau || !s->fres || !s->e3 || !s->e4 || !s->e33 || !s->e24 || !s->e42 || !s->gn ||
      !s->om || !s->col || !s->nocc || !s->wn || !s->nu || !s->nq || !s->fq || !s->k0 || !s->bf ||
      !s->cf || !s->t3 || !s->t4 || !s->x3 || !s->gain || !s->loss || !cheb || !leg || !cellq) {
    gsl_integration_fixed_free(cheb);
    gsl_integration_fixed_free(leg);
    gsl_integration_fixed_free(cellq);
    phi6_free(&s->base);
    return GHDK_ERROR(GHDK_ERR_NOMEM, "phi6 tables (N = %zu, quad_order = %zu)", n, q);
  }
  for (size_t j = 0; j < n; j++) {
    model->bare(model, 0, g->theta[j], &bare);
    s->rho_s[j] = bare.dp / (2.0 * GHDK_PI);
    s->ch[j] = cosh(g->theta[j]);
    s->sh[j] = sinh(g->theta[j]);
  }
  for (size_t k = 0; k < np; k++) {
    const double th = g->theta[0] + ((double)k - HALF) * s->h;
    s->fch[k] = cosh(th);
    s->fsh[k] = sinh(th);
  }
  setup_events(s, gsl_integration_fixed_nodes(cheb), gsl_integration_fixed_weights(cheb),
               gsl_integration_fixed_nodes(leg), gsl_integration_fixed_weights(leg),
               gsl_integration_fixed_nodes(cellq), gsl_integration_fixed_weights(cellq));
  gsl_integration_fixed_free(cheb);
  gsl_integration_fixed_free(leg);
  gsl_integration_fixed_free(cellq);
  *out = &s->base;
  return GHDK_OK;
}
