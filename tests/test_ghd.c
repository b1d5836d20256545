/* SPDX-License-Identifier: BSD-3-Clause */
/* The finite-volume solver on exact results: the Tonks-Girardeau trap is periodic, the Kohn mode
 * oscillates at omega, the local-density thermal state is stationary, periodic boundaries
 * conserve N, P and E, and a single cell reproduces the homogeneous run exactly. Reduced
 * resolutions (label slow); the full ones are in cases/ and docs/validation.md. */
#include "check.h"
#include "runner.h"

#include <gsl/gsl_multifit.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char out[64];

/* L1 distance between the first and last record of rho_p, relative to the first. */
static double period_error(size_t nx, size_t nth)
{
  const size_t sz = nx * nth;
  double *r0 = malloc(sz * sizeof *r0), *r1 = malloc(sz * sizeof *r1);
  const size_t s0[4] = {0, 0, 0, 0}, s1[4] = {1, 0, 0, 0}, cnt[4] = {1, 1, nx, nth};
  double e = NAN;
  if (!read_var(out, "rho_p", s0, cnt, r0) && !read_var(out, "rho_p", s1, cnt, r1)) {
    double num = 0, den = 0;
    for (size_t i = 0; i < sz; i++) {
      num += fabs(r1[i] - r0[i]);
      den += fabs(r0[i]);
    }
    e = num / den;
  }
  free(r0), free(r1);
  return e;
}

static void tonks(void)
{
  char deck[1024];
  case_path("tonks_trap.lua", deck, sizeof deck);
  const size_t ns[2] = {24, 48};
  double err[2];
  for (int r = 0; r < 2; r++) {
    char a[32], b[32];
    snprintf(a, sizeof a, "space.nx=%zu", ns[r]);
    snprintf(b, sizeof b, "grid.N=%zu", ns[r]);
    const char *set[] = {a, b, "time.n_out=1"};
    CHECK("tonks_trap run", run_deck(deck, 3, set, out) == 0);
    err[r] = period_error(ns[r], ns[r]);
    printf("     Tonks-Girardeau trap, %zu x %zu: L1 distance after one period %.4e\n", ns[r],
           ns[r], err[r]);
  }
  const double order = log2(err[0] / err[1]);
  printf("     measured order %.3f\n", order);
  /* A rigid phase-space rotation: the state returns to itself up to the scheme's error, which
   * must shrink at order > 1 (second-order MUSCL, limited at extrema); at 48 x 48 it is ~15 %. */
  CHECK("period error converges at order > 1", order > 1.0);
  CHECK_CLOSE("period error at 48 x 48", err[1], 0, 0, 0.25);
}

/* Centre-of-mass frequency from the q_0 profiles: least squares of X(t) on
 * {cos w t, sin w t, 1}, minimised over w by golden section. */
static double kohn_frequency(size_t nx, size_t nrec, int two_species)
{
  double *q = malloc(nx * sizeof *q), *x = malloc(nx * sizeof *x), *t = malloc(nrec * sizeof *t),
         *X = malloc(nrec * sizeof *X);
  const size_t sx[1] = {0}, cx[1] = {nx}, st[1] = {0}, ct[1] = {nrec};
  read_var(out, "x", sx, cx, x);
  read_var(out, "time", st, ct, t);
  for (size_t k = 0; k < nrec; k++) {
    double m0 = 0, m1 = 0;
    for (size_t a = 0; a <= (size_t)two_species; a++) {
      const size_t s[4] = {k, a, 0, 0}, c[4] = {1, 1, nx, 1};
      read_var(out, "q", s, c, q);
      for (size_t i = 0; i < nx; i++) {
        m0 += q[i];
        m1 += q[i] * x[i];
      }
    }
    X[k] = m1 / m0;
  }
  gsl_multifit_linear_workspace *ws = gsl_multifit_linear_alloc(nrec, 3);
  gsl_matrix *A = gsl_matrix_alloc(nrec, 3), *cov = gsl_matrix_alloc(3, 3);
  gsl_vector *c = gsl_vector_alloc(3);
  gsl_vector_view y = gsl_vector_view_array(X, nrec);
  double lo = 1.9, hi = 2.1;
  const double g = (sqrt(5.0) - 1) / 2;
  for (int it = 0; it < 80; it++) {
    double w[2] = {hi - g * (hi - lo), lo + g * (hi - lo)}, chi[2];
    for (int j = 0; j < 2; j++) {
      for (size_t k = 0; k < nrec; k++) {
        gsl_matrix_set(A, k, 0, cos(w[j] * t[k]));
        gsl_matrix_set(A, k, 1, sin(w[j] * t[k]));
        gsl_matrix_set(A, k, 2, 1.0);
      }
      gsl_multifit_linear(A, &y.vector, c, cov, &chi[j], ws);
    }
    if (chi[0] < chi[1])
      hi = w[1];
    else
      lo = w[0];
  }
  gsl_multifit_linear_free(ws);
  gsl_matrix_free(A), gsl_matrix_free(cov), gsl_vector_free(c);
  free(q), free(x), free(t), free(X);
  return 0.5 * (lo + hi);
}

/* Kohn mode with collisions: two species (c = 1, 5) displaced together, coupled by the
 * coupled_ll kernel (conserves N_a, N_b, P, E: the centre of mass still moves at omega), against
 * the same run without collisions, at 48 x 48. */
static double kohn_two_species(const char *kernel)
{
  char deck[80];
  snprintf(deck, sizeof deck, "%s.lua", out);
  FILE *f = fopen(deck, "w");
  if (!f)
    return NAN;
  fprintf(f,
          "return {\n"
          "  kind = 'ghd', model = { name = 'lieb_liniger', c = { 1.0, 5.0 } },\n"
          "  grid = { L = 6.0, N = 48, tol = 1e-11 },\n"
          "  space = { nx = 48, x_min = -6.0, x_max = 6.0 },\n"
          "  potential = function(x) return x^2 end,\n"
          "  state = { type = 'source', W = function(x, th) return (th^2 + (x - 1)^2 - 1) / 0.5 "
          "end },\n"
          "  collision = { kernel = '%s'%s },\n"
          "  time = { t_end = 2 * math.pi, n_out = 64, rtol = 1e-7 },\n"
          "  output = { n = false, v_eff = false },\n"
          "}\n",
          kernel, strcmp(kernel, "none") ? ", strength = 0.05" : "");
  fclose(f);
  const int rc = run_deck(deck, 0, NULL, out);
  unlink(deck);
  return rc ? NAN : kohn_frequency(48, 65, 1);
}

static void kohn(void)
{
  char deck[1024];
  case_path("kohn.lua", deck, sizeof deck);
  const char *set[] = {"time.n_out=64"};
  CHECK("kohn run", run_deck(deck, 1, set, out) == 0);
  const double w = kohn_frequency(96, 65, 0);
  /* physics.md 7: exactly omega = 2 for any c, T. The scheme's centre-of-mass equation closes
   * only up to O(dx^2) face-reconstruction terms: measured 6.8e-4 at 48^2 and 2.6e-5 at the
   * case's 96^2 (docs/validation.md); the bound asked for is 1e-4. */
  CHECK_CLOSE("Kohn mode frequency, c = 1, T = 0.5, 96 x 96", w, 2.0, 1e-4, 0);
  /* With collisions: the discretisation error of the frequency (7e-4 at 48 x 48) is that of the
   * transport; collisions conserving N, P and E must not move it: 1e-4 between the two. */
  const double w0 = kohn_two_species("none"), w1 = kohn_two_species("coupled_ll");
  CHECK_CLOSE("Kohn frequency, two species 48 x 48, without collisions", w0, 2.0, 2e-3, 0);
  CHECK_CLOSE("Kohn frequency with coupled_ll collisions = without", w1, w0, 1e-4, 0);
  /* c = 1 with the relaxation closure (tau = 0.5 at strength 1): the exact solution, a thermal
   * state rotating rigidly in phase space, is locally thermal, so the closure acts only on the
   * scheme's deviation from it, and it changes the frequency error: 5.7e-3 and 2.4e-3 at 32^2
   * and 48^2 (collisionless 4.4e-3, 1.4e-3), converging at order 2.2, then 2.5-2.8 up to 128^2,
   * where it is 1.7e-4 (docs/validation.md: below the 1e-4 at 192^2, too slow here).
   * Checked at the reduced grids: order > 1.8 and the error at 48^2 below 3e-3; a frequency
   * that does not converge to omega (a closure violating N or P) fails both. */
  double err[2];
  const size_t nk[2] = {32, 48};
  for (int i = 0; i < 2; i++) {
    char nx[32], nth[32];
    snprintf(nx, sizeof nx, "space.nx=%zu", nk[i]);
    snprintf(nth, sizeof nth, "grid.N=%zu", nk[i]);
    const char *rset[] = {"time.n_out=64",
                          "collision.kernel=relaxation",
                          "collision.tau=0.5",
                          "time.method=adams",
                          nx,
                          nth};
    const int ok = run_deck(deck, 6, rset, out) == 0;
    CHECK("kohn run with relaxation", ok);
    err[i] = ok ? fabs(kohn_frequency(nk[i], 65, 0) - 2.0) : NAN;
  }
  const double order = log(err[0] / err[1]) / log(1.5);
  printf("     Kohn frequency with relaxation: error %.3e (32^2), %.3e (48^2), order %.2f\n",
         err[0], err[1], order);
  CHECK("Kohn frequency with relaxation converges at order > 1.8", order > 1.8);
  CHECK_CLOSE("Kohn frequency with relaxation, 48 x 48", err[1], 0, 0, 3e-3);
}

/* The thermal LDA state of the trap is a stationary solution: after t = 0.5 its profile has
 * moved by the scheme's error only. */
static double lda_drift(size_t nx, size_t nth)
{
  char deck[1024];
  case_path("lda_trap.lua", deck, sizeof deck);
  char a[32], b[32];
  snprintf(a, sizeof a, "space.nx=%zu", nx);
  snprintf(b, sizeof b, "grid.N=%zu", nth);
  const char *set[] = {
      "kind=ghd", a, b, "time.t_end=0.5", "time.n_out=1", "output.fit_betas=false"};
  if (run_deck(deck, 6, set, out))
    return NAN;
  return period_error(nx, nth);
}

static void lda(void)
{
  const double e1 = lda_drift(30, 64), e2 = lda_drift(60, 128);
  printf("     LDA thermal state after t = 0.5: L1 change %.3e (30 x 64), %.3e (60 x 128), order "
         "%.2f\n",
         e1, e2, log2(e1 / e2));
  /* Stationary in the continuum; the discrete flux balance between d_x(v rho) and the force
   * term holds to second order: the change must shrink at order > 1.5 and stay below 1e-2. */
  CHECK("LDA drift converges at order > 1.5", log2(e1 / e2) > 1.5);
  CHECK_CLOSE("LDA drift at 60 x 128", e2, 0, 0, 1e-2);
}

/* Periodic boundaries without force conserve every charge node by node in rapidity; the run's
 * own drift report (relative to sum |rho_p h|) must be round-off. */
static void periodic(void)
{
  char deck[1024];
  case_path("partition.lua", deck, sizeof deck);
  const char *set[] = {"space.boundary=periodic", "space.nx=40", "grid.N=32", "time.n_out=1",
                       "time.t_end=0.5"};
  CHECK("periodic partition run", run_deck(deck, 5, set, out) == 0);
  /* The flux form telescopes exactly; round-off of ~1e3 steps of sums of 1e3 terms: 1e-12. */
  CHECK_CLOSE("periodic: drift of N, P, E", read_att(out, "conservation_drift"), 0, 0, 1e-12);
}

/* One cell of kind ghd (open, BDF, strength 1) is the homogeneous quench bit for bit. */
static void single_cell(void)
{
  char deck[1024], out2[80];
  case_path("coupled_ll.lua", deck, sizeof deck);
  snprintf(out2, sizeof out2, "%s.ghd", out);
  const char *seth[] = {"grid.N=64", "time.n_out=4", "time.t_end=0.5"};
  const char *setg[] = {"grid.N=64", "time.n_out=4", "time.t_end=0.5", "kind=ghd",
                        "time.method=bdf"};
  CHECK("homogeneous run", run_deck(deck, 3, seth, out) == 0);
  CHECK("single-cell ghd run", run_deck(deck, 5, setg, out2) == 0);
  const size_t n = 5 * 2 * 64;
  double *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
  const size_t s[4] = {0, 0, 0, 0}, c[4] = {5, 2, 1, 64};
  read_var(out, "rho_p", s, c, a);
  read_var(out2, "rho_p", s, c, b);
  double d = 0;
  for (size_t i = 0; i < n; i++)
    d = fmax(d, fabs(a[i] - b[i]));
  CHECK_CLOSE("single cell vs homogeneous: max |rho_p difference| (exact)", d, 0, 0, 0);
  unlink(out2);
  free(a), free(b);
}

int main(void)
{
  snprintf(out, sizeof out, "/tmp/ghdk_test_ghd_%d.nc", (int)getpid());
  tonks();
  kohn();
  lda();
  periodic();
  single_cell();
  unlink(out);
  return ghdk_test_failures();
}
