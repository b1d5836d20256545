/* SPDX-License-Identifier: BSD-3-Clause */
/* Pre-thermalisation of the free boson after a quench to H0 + (lambda/4!) int :phi^4: (SM (10),
 * physics.md 6; derivation and conventions in docs/theory.md, "phi^4 pre-thermalisation").
 *
 * Integrating SM (10) in t gives q_i(t) - q_i(0) = int d eps T_i(eps) (1 - cos eps t)/eps^2 with
 * the spectral density T_i(eps) = sum over classes c of coef_c S_c,i(eps),
 *
 *   S_c,i(eps) = int d^4 theta delta(kappa_c) delta(eps - eps_c) H_c,i (gain_c - loss_c),
 *
 * one class per pair of mirror-image terms of SM (10): 0<->4 (signs ++++), 1<->3 (+++-) and
 * 2<->2 (++--); kappa_c, eps_c, H_c are the signed sums of p, E and h_i, gain_c the product of
 * nbar over + and n over - legs, loss_c the reverse. Both delta functions are eliminated
 * analytically, leaving at each eps a two-dimensional integral whose integrable threshold
 * singularities are removed by the choice of variables, so a Gauss-Legendre product rule
 * converges spectrally:
 *  - 0<->4 and 1<->3: particle 4 (rapidity theta4, the outer variable) and the triple (1,2,3) of
 *    invariant mass M_T; inside the triple the pair (1,2) of mass 2m cosh(alpha) recoils against
 *    particle 3, alpha = alpha_max sin(phi) (phi the inner variable) absorbs the 1/k threshold
 *    of the two-body momentum k, and theta4 runs between the points where M_T = 3m.
 *  - 2<->2: the pair (3,4) at centre Theta and half-difference alpha' (outer variables), the pair
 *    (1,2) fixed by the deltas; sinh(alpha') = a sinh(w) absorbs the near-threshold peak of the
 *    (1,2) Jacobian when eps -> 0.
 * T_i is then interpolated by Chebyshev series on eps panels whose variables make it smooth:
 * log eps near 0, sqrt(2m - eps) below the 1<->3 saddle at 2m (T = A + sqrt(2m - eps) B), eps on
 * [2m, 4m], sqrt(eps - 4m) above the 0<->4 threshold (T = sqrt(eps - 4m) C there) and log eps up
 * to eps_max. The time integrals over each panel are GSL QAWO (cosine or sine weight) on the
 * interpolant, or plain QAG while the panel holds few oscillations. */
#include "ghdk/prethermal.h"
#include "ghdk/status.h"

#include <gsl/gsl_chebyshev.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_interp.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { CLASS04, CLASS13, CLASS22, NCLASS };

/* Lower end of the eps integrals, in units of m. Only the 2<->2 and 1<->3 classes reach below
 * 2m, where T/eps^2 = -a ln(eps) + b (2<->2); the dropped piece of the plateau, EPS_LO (G + a),
 * is ~1e-15 of it, and the 1/t drift that the log makes is resolved up to t ~ 1/EPS_LO. */
#define EPS_LO 1e-9
/* W = ln(1 + 1/n) where n underflows: n(theta) ~ e^-700 there, i.e. zero in every product. */
#define W_CAP 700.0
/* Panels holding fewer radians of oscillation than this use QAG, more use QAWO: below it QAG
 * converges in a few bisections and avoids cancelling the plateau against the cosine part. */
#define FEW_RADIANS 20.0
#define QLIMIT 1000
#define QAWO_LEVELS 30

enum map { MAP_LOG, MAP_SQRT_LO, MAP_SQRT_HI, MAP_LIN };

/* One eps panel [e0, e1] with its variable v and the Chebyshev series (in v) of T_i and of the
 * bound |T|_i (series 2 nq), plus the panel's plateau integral of T_i/eps^2. */
struct panel {
  double e0, e1, v0, v1;
  enum map map;
  gsl_cheb_series **cs;
  double *plateau;
};

struct ghdk_phi4 {
  const struct ghdk_model *model;
  double m, lwin, tol;
  double coef[NCLASS]; /* coefficient x printed prefactor x lambda^2 */
  size_t nq;
  int *charges;
  /* occupation: cubic spline of W = ln(1 + 1/n) on the grid's nodes */
  int vacuum;
  size_t nn;
  double *th, *w;
  gsl_interp *interp;
  gsl_interp_accel *acc;
  /* Gauss-Legendre rule on [-1, 1] for the spectral integrals */
  size_t nquad;
  double *gx, *gw;
  /* spectral tables */
  size_t ncheb, npanel;
  struct panel *pan;
  double *scale_q, *scale_r; /* integral |T|/eps^2 and |T|/eps per charge: tolerance scales */
  double *tail;              /* integral T/eps^2 beyond the last panel, per charge */
  /* work */
  double *sum, *sabs, *tvec;
  double *cache_v, *cache_t; /* nodes and vectors of the panel being built */
  size_t ncache;
  gsl_integration_workspace *ws;
  gsl_integration_qawo_table *qt;
};

/* ---- occupation ---------------------------------------------------------------------------- */

static void occupation(const struct ghdk_phi4 *p, double th, double *n, double *nb)
{
  if (p->vacuum || !(th >= p->th[0] && th <= p->th[p->nn - 1])) {
    *n = 0.0;
    *nb = 1.0;
    return;
  }
  /* A valid bosonic state has W > 0. A smooth W never strays far from its nodes, but a spline
   * through a jump (n set to zero on part of the window) can overshoot below zero: keep W above
   * half the smaller neighbouring node, which a smooth W never reaches. */
  const size_t k = gsl_interp_accel_find(p->acc, p->th, p->nn, th);
  const double wmin = 0.5 * fmin(p->w[k], p->w[k + 1 < p->nn ? k + 1 : k]);
  *n = 1.0 / expm1(fmax(gsl_interp_eval(p->interp, p->th, p->w, th, p->acc), wmin));
  *nb = 1.0 + *n;
}

/* ---- the spectral integrals ---------------------------------------------------------------- */

/* One quadrature point: rapidities th[4], signs sg[4] (+1 created, -1 annihilated), weight wgt. */
static void add_point(struct ghdk_phi4 *p, double wgt, const double th[4], const int sg[4])
{
  double gain = 1.0, loss = 1.0;
  for (int k = 0; k < 4; k++) {
    double n, nb;
    occupation(p, th[k], &n, &nb);
    gain *= sg[k] > 0 ? nb : n;
    loss *= sg[k] > 0 ? n : nb;
  }
  if (gain == 0.0 && loss == 0.0)
    return;
  for (size_t c = 0; c < p->nq; c++) {
    double h = 0.0, habs = 0.0;
    for (int k = 0; k < 4; k++) {
      const double hk = p->model->charge(p->model, 0, p->charges[c], th[k]);
      h += sg[k] * hk;
      habs += fabs(hk);
    }
    p->sum[c] += wgt * (gain - loss) * h;
    p->sabs[c] += wgt * (gain + loss) * habs;
  }
}

/* sinh(x)/x */
static double shc(double x)
{
  return x == 0.0 ? 1.0 : sinh(x) / x;
}

/* Splits between the parametrisations of a heavy triple and of a hard particle 4, in units of m:
 * below them the phase space has no second scale and one variable covers it. */
#define TRIPLE_SPLIT 8.0
#define OUTER_SPLIT 12.0

/* The triple (1,2,3), all created, of invariant mass M_T (passed as M_T^2 - 9 m^2 >= 0, which the
 * callers compute without cancellation) and momentum pt, with particle 4 at th4 of sign s4 and
 * outer weight w4. Inside the triple the pair (1,2) of mass M12 = 2m cosh(alpha) and particle 3
 * recoil with CM momentum k = m sinh(th3); delta(P) delta(E) over (theta1, theta2, theta3) leaves
 *   int dalpha sum_{+-k} 2/(k M_T) = sum_{+-k} sum_{+-alpha} int dth3 2/(M12 sqrt(M12^2 - 4m^2)).
 * A light triple: alpha = alpha_max sin(phi) turns alpha_max cos(phi)/sqrt(M_T - M12 - m) into
 * 1/sqrt(m shc shc), free of the k -> 0 singularity and finite at threshold (alpha_max = 0). A
 * heavy triple has two scales, M_T and m: the pair mass runs over [2m, M_T/2] uniformly in alpha
 * (hard particle 3) and particle 3 over k in [0, k(M_T/2)] uniformly in its rapidity th3 (the
 * pair heavy), so soft particles stay resolved and neither piece has a singular end. */
static void triple(struct ghdk_phi4 *p, double mt2m9, double pt, double th4, int s4, double w4)
{
  const double m = p->m, pi2 = 0.5 * GHDK_PI;
  const double mt = sqrt(9.0 * m * m + mt2m9);
  const double tht = asinh(pt / mt);
  const int sg[4] = {1, 1, 1, s4};
  if (mt <= TRIPLE_SPLIT * m) {
    const double amax = asinh(sqrt(mt2m9 / (mt + 3.0 * m) * (mt + m)) / (2.0 * m));
    for (size_t j = 0; j < p->nquad; j++) {
      const double phi = pi2 * p->gx[j], s = sin(phi), c = cos(phi);
      const double dp = 0.5 * amax * (1.0 + fabs(s));
      const double dm = 0.5 * amax * c * c / (1.0 + fabs(s)); /* amax (1 - |s|)/2 */
      const double al = amax * s, m12 = 2.0 * m * cosh(al);
      const double rest = (mt + m12 + m) * (mt - m12 + m) * (mt + m12 - m);
      const double k = sqrt(4.0 * m * sinh(dp) * sinh(dm) * rest) / (2.0 * mt);
      const double wgt = w4 * pi2 * p->gw[j] * 4.0 / sqrt(m * shc(dp) * shc(dm) * rest);
      for (int sig = -1; sig <= 1; sig += 2) {
        const double th12 = tht - sig * asinh(k / m12);
        const double th[4] = {th12 + al, th12 - al, tht + sig * asinh(k / m), th4};
        add_point(p, wgt, th, sg);
      }
    }
    return;
  }
  const double mc = 0.5 * mt, ac = acosh(mc / (2.0 * m));
  const double t3c = acosh((mt * mt + m * m - mc * mc) / (2.0 * mt * m));
  for (size_t j = 0; j < p->nquad; j++) {
    /* pair mass M12 in [2m, M_T/2], both orderings of (1,2) */
    const double al = ac * p->gx[j], m12 = 2.0 * m * cosh(al);
    const double k =
        sqrt((mt - m12 - m) * (mt + m12 + m) * (mt - m12 + m) * (mt + m12 - m)) / (2.0 * mt);
    const double wa = w4 * ac * p->gw[j] * 2.0 / (k * mt);
    /* particle 3 at CM rapidity th3 in [0, t3c]; (1,2) and (2,1) give the same point of a class
     * symmetric in 1 <-> 2 (both created), hence the factor 2 */
    const double x = 0.5 * t3c * (1.0 + p->gx[j]), e3 = m * cosh(x), k3 = m * sinh(x);
    const double m12b = sqrt(mt * mt - 2.0 * mt * e3 + m * m), alb = acosh(m12b / (2.0 * m));
    const double wb =
        w4 * 0.5 * t3c * p->gw[j] * 2.0 * 2.0 / (m12b * sqrt((m12b - 2.0 * m) * (m12b + 2.0 * m)));
    for (int sig = -1; sig <= 1; sig += 2) {
      const double th12 = tht - sig * asinh(k / m12);
      const double tha[4] = {th12 + al, th12 - al, tht + sig * asinh(k / m), th4};
      add_point(p, wa, tha, sg);
      const double th12b = tht - sig * asinh(k3 / m12b);
      const double thb[4] = {th12b + alb, th12b - alb, tht + sig * x, th4};
      add_point(p, wb, thb, sg);
    }
  }
}

/* acosh(1 + d) for d >= 0, accurate for small d */
static double acosh1p(double d)
{
  return log1p(d + sqrt(d * (2.0 + d)));
}

/* 0<->4: p1 + p2 + p3 + p4 = 0, eps = E1 + E2 + E3 + E4 >= 4m, M_T^2 = eps^2 - 2 eps E4 + m^2.
 * Near threshold theta4 runs over all of |theta4| <= t4m (where M_T = 3m). At large eps a light
 * triple (M_T < eps/2) is parametrised by y = acosh((M_T - m)/(2m)), uniform in log M_T, and a
 * heavy one by theta4, |theta4| <= t4c: uniform in theta4 alone, the triple mass would crowd
 * into a log-singular layer at the end point. */
static void class04(struct ghdk_phi4 *p, double eps)
{
  const double m = p->m;
  if (!(eps > 4.0 * m))
    return;
  if (eps <= OUTER_SPLIT * m) {
    const double t4m = acosh1p((eps - 4.0 * m) * (eps + 2.0 * m) / (2.0 * eps * m));
    for (size_t i = 0; i < p->nquad; i++) {
      const double x = p->gx[i], th4 = t4m * x;
      const double mt2m9 =
          4.0 * eps * m * sinh(0.5 * t4m * (1.0 + x)) * sinh(0.5 * t4m * (1.0 - x));
      triple(p, mt2m9, -m * sinh(th4), th4, 1, t4m * p->gw[i]);
    }
    return;
  }
  const double mc = 0.5 * eps, yc = acosh((mc - m) / (2.0 * m));
  const double t4c = acosh((eps * eps + m * m - mc * mc) / (2.0 * eps * m));
  for (size_t i = 0; i < p->nquad; i++) {
    const double th4 = t4c * p->gx[i];
    triple(p, eps * eps - 2.0 * eps * m * cosh(th4) - 8.0 * m * m, -m * sinh(th4), th4, 1,
           t4c * p->gw[i]);
    /* light triple: dtheta4 = 2m sinh(y) M_T dy/(eps |p4|), both signs of theta4 */
    const double y = 0.5 * yc * (1.0 + p->gx[i]), sh = sinh(0.5 * y);
    const double mt = m + 2.0 * m * cosh(y), e4 = (eps * eps + m * m - mt * mt) / (2.0 * eps);
    const double p4 = sqrt((e4 - m) * (e4 + m)), t4 = asinh(p4 / m);
    const double w = 0.5 * yc * p->gw[i] * 2.0 * m * sinh(y) * mt / (eps * p4);
    for (int s = -1; s <= 1; s += 2)
      triple(p, 4.0 * m * sh * sh * (mt + 3.0 * m), -s * p4, s * t4, 1, w);
  }
}

/* 1<->3: p1 + p2 + p3 = p4, eps = E1 + E2 + E3 - E4 > 0. M_T^2 = eps^2 + 2 eps E4 + m^2 >= 9 m^2
 * holds everywhere for eps >= 2m and for |theta4| >= ts below. Either n4 or n1 n2 n3 appears, so
 * |p4| <= 3 m sinh(window): theta4 within +-lam. */
static void class13(struct ghdk_phi4 *p, double eps)
{
  const double m = p->m, lam = asinh(3.0 * sinh(p->lwin));
  if (eps >= 2.0 * m) {
    const double c0 = (eps - 2.0 * m) * (eps + 4.0 * m);
    for (size_t i = 0; i < p->nquad; i++) {
      const double th4 = lam * p->gx[i], sh = sinh(0.5 * th4);
      triple(p, 4.0 * eps * m * sh * sh + c0, m * sinh(th4), th4, -1, lam * p->gw[i]);
    }
    return;
  }
  const double ts = acosh1p((2.0 * m - eps) * (4.0 * m + eps) / (2.0 * eps * m));
  if (ts >= lam)
    return;
  const double half = 0.5 * (lam - ts);
  for (int side = -1; side <= 1; side += 2)
    for (size_t i = 0; i < p->nquad; i++) {
      const double u = half * (1.0 + p->gx[i]), th4 = side * (ts + u); /* u = |theta4| - ts */
      const double mt2m9 = 4.0 * eps * m * sinh(ts + 0.5 * u) * sinh(0.5 * u);
      triple(p, mt2m9, m * sinh(th4), th4, -1, half * p->gw[i]);
    }
}

/* 2<->2: p1 + p2 = p3 + p4, eps = E1 + E2 - E3 - E4 > 0. Pair (3,4) at Theta +- alpha' (measure
 * 2 dTheta dalpha', alpha' >= 0 and both orderings), pair (1,2) fixed by the deltas with
 * Jacobian 2/(M_A sqrt(M_A^2 - 4m^2)) per ordering, M_A^2 - 4m^2 = 4m^2 sinh^2 alpha' +
 * eps (eps + 2 E34): factor 2 x 2 x 2 x 2 = 16.
 * Both the gain (theta3, theta4 in the window) and the loss (theta1, theta2 in the window) vanish
 * unless |Theta|, alpha' <= the window's half-width. */
static void class22(struct ghdk_phi4 *p, double eps)
{
  const double m = p->m, L = p->lwin;
  const int sg[4] = {1, 1, -1, -1};
  for (size_t i = 0; i < p->nquad; i++) {
    const double th = L * p->gx[i], ch = cosh(th), sh = sinh(th);
    const double a = sqrt(eps * (eps + 4.0 * m * ch)) / (2.0 * m);
    const double wmax = asinh(sinh(L) / a);
    for (size_t j = 0; j < p->nquad; j++) {
      const double w = 0.5 * wmax * (1.0 + p->gx[j]);
      const double sa = a * sinh(w), ca = sqrt(1.0 + sa * sa), al = asinh(sa);
      const double e34 = 2.0 * m * ca * ch, p34 = 2.0 * m * ca * sh;
      const double ma2m4 = 4.0 * m * m * sa * sa + eps * (eps + 2.0 * e34);
      const double ma = sqrt(4.0 * m * m + ma2m4);
      const double r = (eps + 4.0 * m * ca * ch) / (eps + 4.0 * m * ch);
      const double sw = sinh(w);
      const double jac = cosh(w) / (2.0 * m * ca * sqrt(sw * sw + r)); /* dalpha'/sqrt(..) */
      const double wgt = 16.0 * L * p->gw[i] * 0.5 * wmax * p->gw[j] * jac / ma;
      const double tha = asinh(p34 / ma), aa = asinh(sqrt(ma2m4) / (2.0 * m));
      const double thv[4] = {tha + aa, tha - aa, th + al, th - al};
      add_point(p, wgt, thv, sg);
    }
  }
}

/* T_i(eps) and the bound |T|_i of the classes in mask into t[0..nq) and tabs[0..nq). */
static void spectral(struct ghdk_phi4 *p, double eps, unsigned mask, double *t, double *tabs)
{
  static void (*const run[NCLASS])(struct ghdk_phi4 *, double) = {class04, class13, class22};
  memset(t, 0, p->nq * sizeof *t);
  memset(tabs, 0, p->nq * sizeof *tabs);
  for (int c = 0; c < NCLASS; c++) {
    /* From the vacuum only 0<->4 creation survives: every other term carries an n. */
    if (!(mask & (1u << c)) || (p->vacuum && c != CLASS04))
      continue;
    memset(p->sum, 0, p->nq * sizeof *p->sum);
    memset(p->sabs, 0, p->nq * sizeof *p->sabs);
    run[c](p, eps);
    for (size_t i = 0; i < p->nq; i++) {
      t[i] += p->coef[c] * p->sum[i];
      tabs[i] += p->coef[c] * p->sabs[i];
    }
  }
}

/* ---- eps panels ---------------------------------------------------------------------------- */

static double eps_of_v(const struct panel *pn, double v)
{
  switch (pn->map) {
  case MAP_LOG:
    return exp(v);
  case MAP_SQRT_LO:
    return pn->e0 + v * v;
  case MAP_SQRT_HI:
    return pn->e1 - v * v;
  case MAP_LIN:
    break;
  }
  return v;
}

static double v_of_eps(const struct panel *pn, double e)
{
  switch (pn->map) {
  case MAP_LOG:
    return log(e);
  case MAP_SQRT_LO:
    return sqrt(fmax(e - pn->e0, 0.0));
  case MAP_SQRT_HI:
    return sqrt(fmax(pn->e1 - e, 0.0));
  case MAP_LIN:
    break;
  }
  return e;
}

/* |d eps/d v| */
static double jac_of_v(const struct panel *pn, double v)
{
  return pn->map == MAP_LOG ? exp(v) : (pn->map == MAP_LIN ? 1.0 : 2.0 * v);
}

static double cheb(const struct panel *pn, size_t series, double e)
{
  const double v = fmin(fmax(v_of_eps(pn, e), pn->v0), pn->v1);
  return gsl_cheb_eval(pn->cs[series], v);
}

/* gsl_cheb_init evaluates its function at the Chebyshev nodes of the panel; the first series
 * (T_0) computes the whole vector (T, |T|) at each node and caches it, the others replay the cache
 * (looked up by node, recomputed if GSL ever asks for a node it did not ask for before). */
struct build {
  struct ghdk_phi4 *p;
  const struct panel *pn;
  size_t series;
};

static double build_fn(double v, void *params)
{
  struct build *b = params;
  struct ghdk_phi4 *p = b->p;
  const size_t nv = 2 * p->nq;
  for (size_t k = 0; k < p->ncache; k++)
    if (p->cache_v[k] == v)
      return p->cache_t[k * nv + b->series];
  double *t = p->tvec;
  spectral(p, eps_of_v(b->pn, v), GHDK_PHI4_ALL, t, t + p->nq);
  if (p->ncache < p->ncheb + 1) {
    p->cache_v[p->ncache] = v;
    memcpy(p->cache_t + p->ncache * nv, t, nv * sizeof *t);
    p->ncache++;
  }
  return t[b->series];
}

/* Integrand of the panel integrals, in v: T_c(eps) |eps'| g(eps) with g chosen by kind. */
enum kind { K_PLATEAU, K_SCALE_Q, K_SCALE_R, K_DQ, K_RATE };
struct vint {
  const struct panel *pn;
  size_t series;
  enum kind kind;
  double x; /* t for K_DQ and K_RATE, the floor m of eps for the scales */
};

static double vint_fn(double v, void *params)
{
  const struct vint *a = params;
  const double e = eps_of_v(a->pn, v), f = gsl_cheb_eval(a->pn->cs[a->series], v);
  const double jf = jac_of_v(a->pn, v) * f;
  switch (a->kind) {
  case K_PLATEAU:
    return jf / (e * e);
  case K_SCALE_Q:
    return jf / (fmax(e, a->x) * fmax(e, a->x));
  case K_SCALE_R:
    return jf / fmax(e, a->x);
  case K_DQ: {
    const double s = sin(0.5 * e * a->x);
    return jf * 2.0 * s * s / (e * e);
  }
  case K_RATE:
    break;
  }
  return jf * sin(e * a->x) / e;
}

/* T_c(eps)/eps^power on the panel, in eps, for QAWO. */
struct eint {
  const struct panel *pn;
  size_t series;
  int power;
};

static double eint_fn(double e, void *params)
{
  const struct eint *a = params;
  const double f = cheb(a->pn, a->series, e);
  return a->power == 2 ? f / (e * e) : f / e;
}

/* GSL's adaptive routines stop with a status when roundoff prevents the requested tolerance; the
 * result is still good when its error estimate is within a few times what was asked. */
static int accept(int status, double abserr, double epsabs, double epsrel, double res,
                  const char *what)
{
  if (status && abserr > 100.0 * fmax(epsabs, epsrel * fabs(res)))
    return GHDK_ERROR(GHDK_ERR_NOCONV, "phi4: %s: %s (error estimate %.3g)", what,
                      gsl_strerror(status), abserr);
  return GHDK_OK;
}

/* integral of the vint integrand over v in [va, vb] */
static int qag_v(struct ghdk_phi4 *p, struct vint *a, double va, double vb, double epsabs,
                 double *res)
{
  gsl_function f = {vint_fn, a};
  double err;
  const int st =
      gsl_integration_qag(&f, va, vb, epsabs, p->tol, QLIMIT, GSL_INTEG_GAUSS21, p->ws, res, &err);
  return accept(st, err, epsabs, p->tol, *res, "panel integral");
}

static void panels_free(struct ghdk_phi4 *p)
{
  for (size_t k = 0; k < p->npanel; k++) {
    if (p->pan[k].cs)
      for (size_t s = 0; s < 2 * p->nq; s++)
        gsl_cheb_free(p->pan[k].cs[s]);
    free(p->pan[k].cs);
    free(p->pan[k].plateau);
  }
  free(p->pan);
  p->pan = NULL;
  p->npanel = 0;
}

/* The panel layout (units of m): log eps on [1e-9, 1e-6], [1e-6, 1e-3], [1e-3, 0.1], [0.1, 1];
 * sqrt(2 - eps)
 * on [1, 2]; eps on [2, 4]; sqrt(eps - 4) on [4, 8]; log eps on [8 4^k, 8 4^(k+1)] up to eps_max.
 * Each panel's variable keeps T analytic in a Bernstein ellipse of parameter >= 2 around it. */
static int panels_layout(struct ghdk_phi4 *p, double eps_max)
{
  struct {
    double e0, e1;
    enum map map;
  } fixed[] = {{EPS_LO, 1e-6, MAP_LOG}, {1e-6, 1e-3, MAP_LOG},   {1e-3, 0.1, MAP_LOG},
               {0.1, 1.0, MAP_LOG},     {1.0, 2.0, MAP_SQRT_HI}, {2.0, 4.0, MAP_LIN},
               {4.0, 8.0, MAP_SQRT_LO}};
  const size_t nfixed = sizeof fixed / sizeof fixed[0];
  size_t nlog = 0;
  while (8.0 * pow(4.0, (double)nlog) < eps_max / p->m)
    nlog++;
  p->npanel = nfixed + nlog;
  p->pan = calloc(p->npanel, sizeof *p->pan);
  if (!p->pan)
    return GHDK_ERROR(GHDK_ERR_NOMEM, "phi4 panels");
  for (size_t k = 0; k < p->npanel; k++) {
    struct panel *pn = &p->pan[k];
    if (k < nfixed) {
      pn->e0 = fixed[k].e0 * p->m;
      pn->e1 = fixed[k].e1 * p->m;
      pn->map = fixed[k].map;
    } else {
      pn->e0 = 8.0 * pow(4.0, (double)(k - nfixed)) * p->m;
      pn->e1 = 4.0 * pn->e0;
      pn->map = MAP_LOG;
    }
    pn->v0 = pn->map == MAP_LOG ? log(pn->e0) : (pn->map == MAP_LIN ? pn->e0 : 0.0);
    pn->v1 =
        pn->map == MAP_LOG ? log(pn->e1) : (pn->map == MAP_LIN ? pn->e1 : sqrt(pn->e1 - pn->e0));
    pn->cs = calloc(2 * p->nq, sizeof *pn->cs);
    pn->plateau = calloc(p->nq, sizeof *pn->plateau);
    if (!pn->cs || !pn->plateau)
      return GHDK_ERROR(GHDK_ERR_NOMEM, "phi4 panels");
    for (size_t s = 0; s < 2 * p->nq; s++)
      if (!(pn->cs[s] = gsl_cheb_alloc(p->ncheb)))
        return GHDK_ERROR(GHDK_ERR_NOMEM, "phi4 Chebyshev series");
  }
  return GHDK_OK;
}

static int panels_build(struct ghdk_phi4 *p)
{
  for (size_t k = 0; k < p->npanel; k++) {
    struct panel *pn = &p->pan[k];
    p->ncache = 0;
    for (size_t s = 0; s < 2 * p->nq; s++) {
      struct build b = {p, pn, s};
      gsl_function f = {build_fn, &b};
      if (gsl_cheb_init(pn->cs[s], &f, pn->v0, pn->v1))
        return GHDK_ERROR(GHDK_ERR_LIB, "phi4: gsl_cheb_init failed");
    }
  }
  /* The bounds first: they set the absolute tolerances of everything else. Below eps = m the
   * bound |T| lacks the on-shell cancellation that makes T = O(eps^2) in the 2<->2 class, so it
   * is weighted there as at eps = m. */
  for (size_t i = 0; i < p->nq; i++) {
    p->scale_q[i] = p->scale_r[i] = 0.0;
    for (size_t k = 0; k < p->npanel; k++) {
      double r;
      const struct panel *pn = &p->pan[k];
      struct vint a = {pn, p->nq + i, K_SCALE_Q, p->m};
      GHDK_CHECK(qag_v(p, &a, pn->v0, pn->v1, 0.0, &r));
      p->scale_q[i] += fabs(r);
      a.kind = K_SCALE_R;
      GHDK_CHECK(qag_v(p, &a, pn->v0, pn->v1, 0.0, &r));
      p->scale_r[i] += fabs(r);
    }
    for (size_t k = 0; k < p->npanel; k++) {
      struct panel *pn = &p->pan[k];
      struct vint a = {pn, i, K_PLATEAU, 0.0};
      GHDK_CHECK(qag_v(p, &a, pn->v0, pn->v1, p->tol * p->scale_q[i], &pn->plateau[i]));
    }
    /* Beyond eps_max T ~ eps^g log^j(eps) (g = k - 2 for cosh(k theta)): the power fitted over
     * the last panel (a factor 4 in eps) continues it, integral T/eps^2 = T(E)/(E (1 - g)). Only
     * the plateau needs it: the oscillating remainder is T(E)/(E^2 t). */
    const struct panel *last = &p->pan[p->npanel - 1];
    const double t1 = cheb(last, i, last->e1), t0 = cheb(last, i, last->e0);
    const double g = log(t1 / t0) / log(last->e1 / last->e0);
    p->tail[i] = t1 * t0 > 0.0 && g < 1.0 ? t1 / (last->e1 * (1.0 - g)) : 0.0;
  }
  return GHDK_OK;
}

/* ---- construction -------------------------------------------------------------------------- */

int ghdk_phi4_coeffs_parse(const char *name, enum ghdk_phi4_coeffs *c)
{
  if (name && !strcmp(name, "golden_rule"))
    *c = GHDK_PHI4_GOLDEN_RULE;
  else if (name && !strcmp(name, "printed"))
    *c = GHDK_PHI4_PRINTED;
  else
    return GHDK_ERROR(GHDK_ERR_INPUT,
                      "unknown phi^4 coefficient set \"%s\" (known: golden_rule, printed)",
                      name ? name : "(null)");
  return GHDK_OK;
}

const char *ghdk_phi4_coeffs_name(enum ghdk_phi4_coeffs c)
{
  return c == GHDK_PHI4_PRINTED ? "printed" : "golden_rule";
}

static int occupation_init(struct ghdk_phi4 *p, const struct ghdk_grid *g, const double *n0)
{
  p->vacuum = 1;
  for (size_t k = 0; n0 && k < g->n; k++) {
    if (!(n0[k] >= 0.0) || !isfinite(n0[k]))
      return GHDK_ERROR(GHDK_ERR_INPUT, "phi4: occupation n0[%zu] = %g is not finite and >= 0", k,
                        n0[k]);
    if (n0[k] > 0.0)
      p->vacuum = 0;
  }
  if (p->vacuum)
    return GHDK_OK;
  p->nn = g->n;
  p->th = malloc(g->n * sizeof *p->th);
  p->w = malloc(g->n * sizeof *p->w);
  p->interp = gsl_interp_alloc(gsl_interp_cspline, g->n);
  p->acc = gsl_interp_accel_alloc();
  if (!p->th || !p->w || !p->interp || !p->acc)
    return GHDK_ERROR(GHDK_ERR_NOMEM, "phi4 occupation spline");
  for (size_t k = 0; k < g->n; k++) {
    p->th[k] = g->theta[k];
    /* W rather than n: for a GGE W is a sum of cosh/sinh, smooth on the grid's scale, while n
     * varies exponentially; and positive n is guaranteed. */
    p->w[k] = n0[k] > 0.0 ? fmin(log1p(1.0 / n0[k]), W_CAP) : W_CAP;
  }
  if (gsl_interp_init(p->interp, p->th, p->w, g->n))
    return GHDK_ERROR(GHDK_ERR_LIB, "phi4: gsl_interp_init failed");
  return GHDK_OK;
}

int ghdk_phi4_new(const struct ghdk_phi4_inp *inp, struct ghdk_phi4 **out)
{
  *out = NULL;
  if (!inp->model || strcmp(inp->model->name, "free_boson"))
    return GHDK_ERROR(GHDK_ERR_INPUT, "phi4 pre-thermalisation needs the free_boson model, got %s",
                      inp->model ? inp->model->name : "none");
  if (!inp->grid || inp->grid->n < 3)
    return GHDK_ERROR(GHDK_ERR_INPUT, "phi4: a rapidity grid of at least 3 nodes is needed");
  if (inp->ncharge == 0 || !inp->charges)
    return GHDK_ERROR(GHDK_ERR_INPUT, "phi4: no charges to track");
  for (size_t i = 0; i < inp->ncharge; i++)
    if (inp->charges[i] < 0 || inp->charges[i] > GHDK_PHI4_MAX_CHARGE)
      return GHDK_ERROR(GHDK_ERR_INPUT,
                        "phi4: charge h_%d: only h_0 .. h_%d have a finite change at order "
                        "lambda^2 (higher ones are UV divergent: the 0<->4 spectral density grows "
                        "like eps^(k-2) for cosh(k theta))",
                        inp->charges[i], GHDK_PHI4_MAX_CHARGE);
  if (inp->coeffs != GHDK_PHI4_GOLDEN_RULE && inp->coeffs != GHDK_PHI4_PRINTED)
    return GHDK_ERROR(GHDK_ERR_INPUT, "phi4: unknown coefficient set %d", (int)inp->coeffs);
  const double lambda = inp->lambda == 0.0 ? 1.0 : inp->lambda;
  const double eps_max = inp->eps_max == 0.0 ? 8388608.0 : inp->eps_max;
  const double tol = inp->tol == 0.0 ? 1e-10 : inp->tol;
  if (!isfinite(lambda) || !(eps_max > 8.0) || !isfinite(eps_max) || !(tol > 0.0 && tol < 1.0))
    return GHDK_ERROR(
        GHDK_ERR_INPUT,
        "phi4: need finite lambda, 8 < eps_max < inf and 0 < tol < 1 (got %g, %g, %g)", lambda,
        eps_max, tol);

  struct ghdk_phi4 *p = calloc(1, sizeof *p);
  if (!p)
    return GHDK_ERROR(GHDK_ERR_NOMEM, "phi4");
  struct ghdk_bare b;
  inp->model->bare(inp->model, 0, 0.0, &b);
  p->model = inp->model;
  p->m = b.e;
  p->tol = tol;
  p->nq = inp->ncharge;
  p->nquad = inp->nquad ? inp->nquad : 48;
  p->ncheb = inp->ncheb ? inp->ncheb : 32;
  /* The window, not the outermost nodes: the integration domains then stay put when only the
   * number of nodes changes. */
  p->lwin = fmax(fabs(inp->grid->a), fabs(inp->grid->b));
  /* SM (10)'s prefactor (2/4!)(lambda/(24 pi^2))^2 times the coefficient of each mirror pair. */
  const double pref = 2.0 / 24.0 * pow(lambda / (24.0 * GHDK_PI * GHDK_PI), 2);
  const double printed[NCLASS] = {1.0, 16.0, 36.0};
  const double golden[NCLASS] = {4.5 * GHDK_PI, 18.0 * GHDK_PI, 27.0 * GHDK_PI};
  for (int c = 0; c < NCLASS; c++)
    p->coef[c] = pref * (inp->coeffs == GHDK_PHI4_PRINTED ? printed[c] : golden[c]);

  const size_t nv = 2 * p->nq;
  p->charges = malloc(p->nq * sizeof *p->charges);
  p->gx = malloc(p->nquad * sizeof *p->gx);
  p->gw = malloc(p->nquad * sizeof *p->gw);
  p->sum = malloc(p->nq * sizeof *p->sum);
  p->sabs = malloc(p->nq * sizeof *p->sabs);
  p->tvec = malloc(nv * sizeof *p->tvec);
  p->scale_q = malloc(p->nq * sizeof *p->scale_q);
  p->scale_r = malloc(p->nq * sizeof *p->scale_r);
  p->tail = malloc(p->nq * sizeof *p->tail);
  p->cache_v = malloc((p->ncheb + 1) * sizeof *p->cache_v);
  p->cache_t = malloc((p->ncheb + 1) * nv * sizeof *p->cache_t);
  p->ws = gsl_integration_workspace_alloc(QLIMIT);
  p->qt = gsl_integration_qawo_table_alloc(1.0, 1.0, GSL_INTEG_COSINE, QAWO_LEVELS);
  int rc = (p->charges && p->gx && p->gw && p->sum && p->sabs && p->tvec && p->scale_q &&
            p->scale_r && p->tail && p->cache_v && p->cache_t && p->ws && p->qt)
               ? GHDK_OK
               : GHDK_ERROR(GHDK_ERR_NOMEM, "phi4");
  if (!rc) {
    memcpy(p->charges, inp->charges, p->nq * sizeof *p->charges);
    struct ghdk_grid *gl = NULL;
    rc = ghdk_grid_new(
        &(struct ghdk_grid_inp){.rule = GHDK_QUAD_GAUSS_LEGENDRE, .a = -1, .b = 1, .n = p->nquad},
        &gl);
    if (!rc) {
      memcpy(p->gx, gl->theta, p->nquad * sizeof *p->gx);
      memcpy(p->gw, gl->w, p->nquad * sizeof *p->gw);
    }
    ghdk_grid_free(gl);
  }
  if (!rc)
    rc = occupation_init(p, inp->grid, inp->n0);
  if (!rc) {
    gsl_set_error_handler_off();
    rc = panels_layout(p, eps_max * p->m);
  }
  if (!rc)
    rc = panels_build(p);
  if (rc) {
    ghdk_phi4_free(p);
    return rc;
  }
  *out = p;
  return GHDK_OK;
}

void ghdk_phi4_free(struct ghdk_phi4 *p)
{
  if (!p)
    return;
  panels_free(p);
  gsl_interp_free(p->interp);
  gsl_interp_accel_free(p->acc);
  gsl_integration_workspace_free(p->ws);
  gsl_integration_qawo_table_free(p->qt);
  free(p->th), free(p->w), free(p->charges), free(p->gx), free(p->gw), free(p->sum);
  free(p->sabs), free(p->tvec), free(p->scale_q), free(p->scale_r), free(p->tail);
  free(p->cache_v);
  free(p->cache_t);
  free(p);
}

/* ---- time integrals ------------------------------------------------------------------------ */

/* integral over one panel of T_i (1 - cos eps t)/eps^2 (rate = 0) or T_i sin(eps t)/eps.
 * With few oscillations on the panel: QAG in the panel variable, where the integrand is smooth.
 * Otherwise QAWO in eps, except within FEW_RADIANS/t of a sqrt end (eps = 4m above, 2m below),
 * which stays with QAG in v: QAWO's extrapolation underestimates its error at a sqrt end point
 * by a factor ~100 once t ~ 1e5 (measured), while on the rest the interpolant is analytic. */
static int panel_time(struct ghdk_phi4 *p, const struct panel *pn, size_t i, double t, int rate,
                      double *res)
{
  const double epsabs = p->tol * (rate ? p->scale_r[i] : p->scale_q[i]);
  struct vint a = {pn, i, rate ? K_RATE : K_DQ, t};
  if (t * (pn->e1 - pn->e0) <= FEW_RADIANS)
    return qag_v(p, &a, pn->v0, pn->v1, epsabs, res);
  double e0 = pn->e0, e1 = pn->e1, near = 0.0, near_plateau = 0.0;
  if (pn->map == MAP_SQRT_LO || pn->map == MAP_SQRT_HI) {
    const double vs = sqrt(FEW_RADIANS / t); /* v of the split: eps = end -+ vs^2 */
    GHDK_CHECK(qag_v(p, &a, 0.0, vs, epsabs, &near));
    if (!rate) {
      struct vint b = {pn, i, K_PLATEAU, 0.0};
      GHDK_CHECK(qag_v(p, &b, 0.0, vs, epsabs, &near_plateau));
    }
    if (pn->map == MAP_SQRT_LO)
      e0 += vs * vs;
    else
      e1 -= vs * vs;
  }
  struct eint c = {pn, i, rate ? 1 : 2};
  gsl_function f = {eint_fn, &c};
  if (gsl_integration_qawo_table_set(p->qt, t, e1 - e0, rate ? GSL_INTEG_SINE : GSL_INTEG_COSINE))
    return GHDK_ERROR(GHDK_ERR_LIB, "phi4: gsl_integration_qawo_table_set failed");
  double r, err;
  const int st = gsl_integration_qawo(&f, e0, epsabs, p->tol, QLIMIT, p->ws, p->qt, &r, &err);
  GHDK_CHECK(accept(st, err, epsabs, p->tol, r, "QAWO"));
  *res = near + (rate ? r : pn->plateau[i] - near_plateau - r);
  return GHDK_OK;
}

static int time_integral(struct ghdk_phi4 *p, double t, int rate, double *out)
{
  if (!(t >= 0.0) || !isfinite(t))
    return GHDK_ERROR(GHDK_ERR_DOMAIN, "phi4: time must be finite and >= 0, got %g", t);
  for (size_t i = 0; i < p->nq; i++) {
    out[i] = 0.0;
    if (t == 0.0)
      continue;
    for (size_t k = 0; k < p->npanel; k++) {
      double r;
      GHDK_CHECK(panel_time(p, &p->pan[k], i, t, rate, &r));
      out[i] += r;
    }
    if (!rate && t * p->pan[p->npanel - 1].e1 > FEW_RADIANS)
      out[i] += p->tail[i];
  }
  return GHDK_OK;
}

int ghdk_phi4_delta_q(struct ghdk_phi4 *p, double t, double *dq)
{
  return time_integral(p, t, 0, dq);
}

int ghdk_phi4_rate(struct ghdk_phi4 *p, double t, double *dqdt)
{
  return time_integral(p, t, 1, dqdt);
}

void ghdk_phi4_plateau(const struct ghdk_phi4 *p, double *dq_inf)
{
  for (size_t i = 0; i < p->nq; i++) {
    dq_inf[i] = p->tail[i];
    for (size_t k = 0; k < p->npanel; k++)
      dq_inf[i] += p->pan[k].plateau[i];
  }
}

int ghdk_phi4_spectral(struct ghdk_phi4 *p, double eps, unsigned classes, double *t)
{
  if (!(eps > 0.0) || !isfinite(eps))
    return GHDK_ERROR(GHDK_ERR_DOMAIN, "phi4: spectral density needs eps > 0, got %g", eps);
  spectral(p, eps, classes, t, p->tvec + p->nq);
  return GHDK_OK;
}

void ghdk_phi4_spectral_interp(const struct ghdk_phi4 *p, double eps, double *t)
{
  for (size_t i = 0; i < p->nq; i++)
    t[i] = 0.0;
  for (size_t k = 0; k < p->npanel; k++) {
    const struct panel *pn = &p->pan[k];
    if (eps >= pn->e0 && eps <= pn->e1) {
      for (size_t i = 0; i < p->nq; i++)
        t[i] = cheb(pn, i, eps);
      return;
    }
  }
}
