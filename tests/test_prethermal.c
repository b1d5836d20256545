/* SPDX-License-Identifier: BSD-3-Clause */
/* phi^4 pre-thermalisation (SM (10), src/prethermal/phi4.c): the vacuum quench against an
 * independent position-space evaluation, parity, convergence with the rapidity grid and window,
 * the long-time decay law, bad input. */
#include "cell.h"
#include "check.h"
#include "ghdk/prethermal.h"
#include "ghdk/status.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_sf_bessel.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* Numerics of the test objects: measured against the defaults (48, 32, 2^23) these leave
 * relative errors below 2e-9 in q0 and q2 (vacuum, t = 1 and 10), and they keep each build
 * well under a second in the sanitizer build. */
#define NQUAD 32
#define NCHEB 24
#define EPS_MAX 131072.0

static struct ghdk_phi4 *build(struct cell *c, const double *n0, size_t nq, const int *charges,
                               size_t nquad, size_t ncheb, double eps_max)
{
  struct ghdk_phi4 *p = NULL;
  if (ghdk_phi4_new(&(struct ghdk_phi4_inp){.model = c->m,
                                            .grid = c->g,
                                            .n0 = n0,
                                            .ncharge = nq,
                                            .charges = charges,
                                            .nquad = nquad,
                                            .ncheb = ncheb,
                                            .eps_max = eps_max},
                    &p))
    exit(1);
  return p;
}

/* Thermal (optionally boosted) occupation of the free boson at temperature 1/beta. */
static double *thermal(struct cell *c, double beta, double nu)
{
  double *w = malloc(c->g->n * sizeof *w), *n = malloc(c->g->n * sizeof *n);
  if (!w || !n)
    exit(1);
  ghdk_tba_thermal_source(c->t, 0, 1.0 / beta, 0.0, nu, w);
  if (ghdk_tba_gge(c->t, w, NULL, n, NULL))
    exit(1);
  free(w);
  return n;
}

/* ---- independent evaluation of the vacuum quench ------------------------------------------ */

/* From the vacuum only the 0<->4 term survives. With delta(P) = int dx/(2 pi) e^{i x P},
 * (1 - cos eps t)/eps^2 = int_0^t (t - s) cos(eps s) ds and (1 - cos eps t)/eps =
 * int_0^t sin(eps s) ds, each rapidity integral becomes the free two-point function
 * G(x, s) = int dtheta e^{i(x sinh + s cosh)} = 2 K0(sqrt(x^2 - s^2)) (spacelike),
 * i pi H0(sqrt(s^2 - x^2)) (timelike), m = 1, and the (x, s) integrals reduce to one dimension:
 *   dq0 = 4 c0 [pi^3 int_0^t dr r Re H0(r)^4 (t acosh(t/r) - sqrt(t^2 - r^2))
 *               + (16/pi) int_0^inf dk k K0(k)^4 (t asinh(t/k) - sqrt(t^2 + k^2) + k)],
 *   dq2 = c0 pi^3 int_0^t dr r acosh(t/r) Im H0(r)^4         (h2 = cosh: H = eps/m),
 * c0 the 0<->4 coefficient times the prefactor. Bessel functions instead of rapidities, no
 * spectral density, no oscillatory quadrature: independent of everything in phi4.c. */
struct bes {
  double t;
  int part; /* 0: Re H0^4 weight of dq0, 1: Im H0^4 weight of dq2, 2: K0^4 weight of dq0 */
};

static double bes_fn(double r, void *params)
{
  const struct bes *b = params;
  if (b->part == 2) {
    const double k = gsl_sf_bessel_K0(r);
    return r * k * k * k * k * (b->t * asinh(b->t / r) - hypot(b->t, r) + r);
  }
  const double j = gsl_sf_bessel_J0(r), y = gsl_sf_bessel_Y0(r);
  const double re4 = j * j * j * j - 6.0 * j * j * y * y + y * y * y * y;
  const double im4 = 4.0 * j * y * (j * j - y * y);
  const double ac = acosh(b->t / r);
  return b->part ? r * ac * im4 : r * re4 * (b->t * ac - sqrt((b->t - r) * (b->t + r)));
}

static void vacuum_bessel(double t, double *dq0, double *dq2)
{
  gsl_integration_workspace *ws = gsl_integration_workspace_alloc(1000);
  double r[3], err;
  for (int part = 0; part < 3; part++) {
    struct bes b = {t, part};
    gsl_function f = {bes_fn, &b};
    /* QAGS: the log^4 singularities at r -> 0 are what its extrapolation is for. */
    const int st = part == 2
                       ? gsl_integration_qagiu(&f, 0.0, 0.0, 1e-12, 1000, ws, &r[part], &err)
                       : gsl_integration_qags(&f, 0.0, t, 0.0, 1e-12, 1000, ws, &r[part], &err);
    if (st)
      exit(1);
  }
  gsl_integration_workspace_free(ws);
  const double pi3 = GHDK_PI * GHDK_PI * GHDK_PI;
  const double c0 = 2.0 / 24.0 / pow(24.0 * GHDK_PI * GHDK_PI, 2) * 4.5 * GHDK_PI; /* golden */
  *dq0 = 4.0 * c0 * (pi3 * r[0] + 16.0 / GHDK_PI * r[2]);
  *dq2 = c0 * pi3 * r[1];
}

/* Largest |d_t q_0| over [t, t + pi] (two periods of the 4m oscillation, 96 samples). */
static double rate_envelope(struct ghdk_phi4 *p, double t)
{
  double env = 0.0, r[2];
  for (int k = 0; k < 96; k++) {
    if (ghdk_phi4_rate(p, t + k * GHDK_PI / 96.0, r))
      exit(1);
    env = fmax(env, fabs(r[0]));
  }
  return env;
}

static void vacuum(void)
{
  struct cell c = cell_new((struct ghdk_model_inp){.name = "free_boson"}, 4.0, 16);
  const int ch[2] = {0, 2};
  struct ghdk_phi4 *p = build(&c, NULL, 2, ch, NQUAD, NCHEB, EPS_MAX);

  /* Only 0<->4 survives: the other classes vanish identically (every term carries an n). */
  double s[2];
  ghdk_phi4_spectral(p, 5.0, GHDK_PHI4_13 | GHDK_PHI4_22, s);
  CHECK("vacuum: 1<->3 and 2<->2 spectral densities are exactly zero", s[0] == 0.0 && s[1] == 0.0);
  /* The vacuum term exactly: H = 4 for h0 and eps/m for h2, so T2 = (eps/4) T0 (both sums are
   * formed separately from the four rapidities: round-off only). */
  double s0[2];
  ghdk_phi4_spectral(p, 37.3, GHDK_PHI4_ALL, s0);
  CHECK_CLOSE("vacuum: T2(eps) = (eps/4) T0(eps) at eps = 37.3", s0[1], 37.3 / 4.0 * s0[0], 1e-12,
              0);

  /* Against the position-space evaluation: the remaining difference is the spectral
   * quadrature at NQUAD (measured 1.7e-9 relative), the eps range and the tail. */
  const double ts[4] = {0.3, 1.0, 3.7, 12.5};
  for (int k = 0; k < 4; k++) {
    double dq[2], b0, b2;
    char what[96];
    if (ghdk_phi4_delta_q(p, ts[k], dq))
      exit(1);
    vacuum_bessel(ts[k], &b0, &b2);
    snprintf(what, sizeof what, "vacuum dq0(t = %g) vs Bessel", ts[k]);
    CHECK_CLOSE(what, dq[0], b0, 1e-8, 0);
    snprintf(what, sizeof what, "vacuum dq2(t = %g) vs Bessel", ts[k]);
    CHECK_CLOSE(what, dq[1], b2, 1e-8, 0);
  }

  /* Threshold: T ~ (eps - 4m)^(1/2) (a 3D quadratic minimum of the 4-particle energy at total
   * momentum 0); the slope over two decades is 1/2 up to the O(eps - 4m) correction. */
  double a[2], b[2];
  ghdk_phi4_spectral(p, 4.0 + 1e-6, GHDK_PHI4_ALL, a);
  ghdk_phi4_spectral(p, 4.0 + 1e-4, GHDK_PHI4_ALL, b);
  const double slope = log(b[0] / a[0]) / log(100.0);
  printf("     threshold exponent of T0 at 4m: %.6f\n", slope);
  CHECK_CLOSE("vacuum: threshold exponent of T0 at eps = 4m", slope, 0.5, 0, 1e-4);

  /* Long times: the rate decays as t^-(1 + 1/2) = t^-1.5 (the Fourier transform of the
   * sqrt threshold); local exponents from envelopes a decade apart carry O(1/t) corrections
   * (measured 1.503 at t = 100, 1.5000 at 1e4). */
  const double e1 = rate_envelope(p, 100.0), e2 = rate_envelope(p, 1000.0);
  const double e3 = rate_envelope(p, 10000.0);
  printf("     rate envelope: %.4e (t=100) %.4e (t=1e3) %.4e (t=1e4)\n", e1, e2, e3);
  printf("     local decay exponents: %.4f (100-1e3), %.4f (1e3-1e4)\n", log10(e1 / e2),
         log10(e2 / e3));
  CHECK_CLOSE("vacuum: decay exponent of d_t q0, t in [100, 1e3]", log10(e1 / e2), 1.5, 0, 0.01);
  CHECK_CLOSE("vacuum: decay exponent of d_t q0, t in [1e3, 1e4]", log10(e2 / e3), 1.5, 0, 0.003);
  /* The rate and the change are separate integrals: d_t of the change, by a centred difference
   * (step 1e-3: truncation (4m)^3 h^2/6 |dq - plateau| ~ 1e-5 of the rate), is the rate. */
  double qp[2], qm[2], r[2];
  if (ghdk_phi4_delta_q(p, 30.001, qp) || ghdk_phi4_delta_q(p, 29.999, qm) ||
      ghdk_phi4_rate(p, 30.0, r))
    exit(1);
  CHECK_CLOSE("vacuum: d_t dq0 (centred difference) = rate at t = 30", (qp[0] - qm[0]) / 2e-3, r[0],
              0, 1e-5 * rate_envelope(p, 30.0));
  double pl[2];
  ghdk_phi4_plateau(p, pl);
  printf("     plateau: dq0 %.12e dq2 %.12e\n", pl[0], pl[1]);

  ghdk_phi4_free(p);
  cell_free(&c);
}

/* ---- parity ------------------------------------------------------------------------------- */

static void parity(void)
{
  struct cell c = cell_new((struct ghdk_model_inp){.name = "free_boson"}, 4.0, 81);
  const int ch[4] = {1, 2, 3, 4};
  const double ts[3] = {0.7, 5.0, 40.0};
  for (int boost = 0; boost < 2; boost++) {
    double *n0 = thermal(&c, 5.0, boost ? 0.4 : 0.0);
    struct ghdk_phi4 *p = build(&c, n0, 4, ch, 24, 16, 2048.0);
    for (int k = 0; k < 3; k++) {
      double dq[4], r[4];
      char what[128];
      if (ghdk_phi4_delta_q(p, ts[k], dq) || ghdk_phi4_rate(p, ts[k], r))
        exit(1);
      /* Momentum (h1 = sinh) vanishes point by point by delta(kappa): only the rounding of
       * sum +- sinh(theta_k) remains, ~1e-16 of the energy's (h2) integrand; observed ~1e-19 of
       * dq2 after cancellation. 1e-13 leaves a wide margin for other platforms. */
      snprintf(what, sizeof what, "%s: |dq(sinh)| / |dq(cosh)| at t = %g",
               boost ? "boosted beta = 5" : "beta = 5", ts[k]);
      CHECK_CLOSE(what, fabs(dq[0]) / fabs(dq[1]), 0, 0, 1e-13);
      snprintf(what, sizeof what, "%s: |rate(sinh)| / |rate(cosh)| at t = %g",
               boost ? "boosted beta = 5" : "beta = 5", ts[k]);
      CHECK_CLOSE(what, fabs(r[0]) / fabs(r[1]), 0, 0, 1e-13);
      /* sinh(2 theta) is no conservation law: from a parity-even state it vanishes by the
       * symmetry of the (symmetric) quadratures and spline alone, to round-off (observed
       * ~1e-17 of the matching even charge cosh(2 theta)); a boosted state moves it. */
      snprintf(what, sizeof what, "%s: |dq(sinh 2theta)| / |dq(cosh 2theta)| at t = %g",
               boost ? "boosted beta = 5" : "beta = 5", ts[k]);
      if (boost) { /* the n-dependent part is O(e^-beta) of the total; observed 1e-4 */
        printf("     boosted: dq(sinh 2theta)/dq(cosh 2theta) = %.3e at t = %g\n", dq[2] / dq[3],
               ts[k]);
        CHECK(what, fabs(dq[2]) > 1e-5 * fabs(dq[3]));
      } else
        CHECK_CLOSE(what, fabs(dq[2]) / fabs(dq[3]), 0, 0, 1e-13);
    }
    ghdk_phi4_free(p);
    free(n0);
  }
  cell_free(&c);
}

/* ---- convergence with the rapidity grid and window ------------------------------------------ */

/* dq0, dq2 at t = 2 of the beta = 5 quench on a uniform grid [-L, L] of n nodes. */
static void thermal_dq(double L, size_t n, size_t nquad, double *dq)
{
  struct cell c = cell_new((struct ghdk_model_inp){.name = "free_boson"}, L, n);
  double *n0 = thermal(&c, 5.0, 0.0);
  const int ch[2] = {0, 2};
  struct ghdk_phi4 *p = build(&c, n0, 2, ch, nquad, 16, 2048.0);
  if (ghdk_phi4_delta_q(p, 2.0, dq))
    exit(1);
  ghdk_phi4_free(p);
  free(n0);
  cell_free(&c);
}

static void convergence(void)
{
  /* Grid: the occupation enters as a cubic spline of W = beta cosh(theta) through the nodes,
   * O(h^4); the quadrature domains depend on the window only, so they are the same at the three
   * resolutions and cancel from the differences. */
  double q[3][2];
  const size_t ns[3] = {20, 40, 80};
  for (int k = 0; k < 3; k++)
    thermal_dq(3.0, ns[k], 24, q[k]);
  for (int i = 0; i < 2; i++) {
    const double d1 = fabs(q[0][i] - q[1][i]), d2 = fabs(q[1][i] - q[2][i]);
    const double order = log2(d1 / d2);
    printf("     grid h = 0.3, 0.15, 0.075: dq%d = %.15e %.15e %.15e, differences %.3e %.3e, "
           "order %.3f\n",
           2 * i, q[0][i], q[1][i], q[2][i], d1, d2, order);
    char what[64];
    snprintf(what, sizeof what, "grid convergence order of dq%d (cubic spline: 4)", 2 * i);
    /* 4 up to the pre-asymptotic O(h^6) term of the spline error: +-0.5 */
    CHECK_CLOSE(what, order, 4.0, 0, 0.5);
  }
  /* Window: n(L) = e^{-5 cosh L} is 7e-9, 4e-14, 2e-22 of n(0) at L = 2, 2.5, 3 (h = 0.05), and
   * the spline's natural end conditions perturb W near the window edge, damped by a factor ~0.27
   * per node inwards. The quadrature domains scale with L, so the spectral quadrature must be
   * converged below what the window changes: 40 nodes leave 4e-11 relative (measured; 24 nodes
   * leave 1e-7). */
  double w[3][2];
  const double Ls[3] = {2.0, 2.5, 3.0};
  for (int k = 0; k < 3; k++)
    thermal_dq(Ls[k], (size_t)(2.0 * Ls[k] / 0.05 + 0.5), 40, w[k]);
  for (int i = 0; i < 2; i++) {
    const double d1 = fabs(w[0][i] - w[2][i]), d2 = fabs(w[1][i] - w[2][i]);
    printf("     window L = 2, 2.5, 3: dq%d = %.15e %.15e %.15e, |L - 3| differences %.3e %.3e\n",
           2 * i, w[0][i], w[1][i], w[2][i], d1, d2);
    char what[64];
    snprintf(what, sizeof what, "window L = 2.5 vs 3: dq%d", 2 * i);
    CHECK_CLOSE(what, w[1][i], w[2][i], 1e-10, 0);
    snprintf(what, sizeof what, "window: L = 2 further from L = 3 than L = 2.5 (dq%d)", 2 * i);
    CHECK(what, d1 > 10.0 * d2);
  }
}

/* ---- bad input ------------------------------------------------------------------------------ */

static void errors(void)
{
  struct cell ll = cell_new((struct ghdk_model_inp){.name = "lieb_liniger", .c = {1.0}}, 3.0, 16);
  struct cell fb = cell_new((struct ghdk_model_inp){.name = "free_boson"}, 3.0, 16);
  struct ghdk_phi4 *p = NULL;
  const int ch0 = 0, ch5 = 5;
  CHECK("lieb_liniger is refused",
        ghdk_phi4_new(
            &(struct ghdk_phi4_inp){.model = ll.m, .grid = ll.g, .ncharge = 1, .charges = &ch0},
            &p) == GHDK_ERR_INPUT &&
            !p);
  CHECK("h_5 (UV divergent) is refused",
        ghdk_phi4_new(
            &(struct ghdk_phi4_inp){.model = fb.m, .grid = fb.g, .ncharge = 1, .charges = &ch5},
            &p) == GHDK_ERR_INPUT);
  double n0[16] = {0};
  n0[3] = -1e-3;
  CHECK("negative occupation is refused",
        ghdk_phi4_new(
            &(struct ghdk_phi4_inp){
                .model = fb.m, .grid = fb.g, .n0 = n0, .ncharge = 1, .charges = &ch0},
            &p) == GHDK_ERR_INPUT);
  enum ghdk_phi4_coeffs cs;
  CHECK("coefficient sets parse",
        ghdk_phi4_coeffs_parse("printed", &cs) == GHDK_OK && cs == GHDK_PHI4_PRINTED &&
            ghdk_phi4_coeffs_parse("golden_rule", &cs) == GHDK_OK && cs == GHDK_PHI4_GOLDEN_RULE);
  CHECK("unknown coefficient set is refused",
        ghdk_phi4_coeffs_parse("squared", &cs) == GHDK_ERR_INPUT);
  p = build(&fb, NULL, 1, &ch0, 8, 4, 64.0);
  double dq;
  CHECK("negative time is refused", ghdk_phi4_delta_q(p, -1.0, &dq) == GHDK_ERR_DOMAIN);
  CHECK("t = 0 gives no change", ghdk_phi4_delta_q(p, 0.0, &dq) == GHDK_OK && dq == 0.0);
  ghdk_phi4_free(p);
  ghdk_phi4_free(NULL);
  cell_free(&ll);
  cell_free(&fb);
}

int main(void)
{
  gsl_set_error_handler_off();
  vacuum();
  parity();
  convergence();
  errors();
  return ghdk_test_failures();
}
