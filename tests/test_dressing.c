/* SPDX-License-Identifier: BSD-3-Clause */
/* Dressing: the FFT convolution + GMRES path equals the dense LU path; v_eff in the
 * Tonks-Girardeau limit. */
#include "check.h"
#include "ghdk/grid.h"
#include "ghdk/model.h"
#include "ghdk/status.h"
#include "ghdk/tba.h"

#include <math.h>
#include <stdlib.h>

static double max_rel_diff(const double *x, const double *y, size_t n)
{
  double d = 0.0, s = 0.0;
  for (size_t i = 0; i < n; i++) {
    d = fmax(d, fabs(x[i] - y[i]));
    s = fmax(s, fabs(y[i]));
  }
  return d / s;
}

/* FFT vs dense on one model: a thermal state per species, then rho_s, the dressing of three
 * functions and v_eff. The dense LU solve is exact to round-off times the condition number of
 * (1 - T n) (< 10 here); GMRES stops at relative residual 1e-14: so 1e-12 is the bound. */
static void fft_vs_dense(const char *label, size_t ns, const double *c, const double *T,
                         const double *mu, size_t n, double L)
{
  struct ghdk_model_inp mi = {.name = "lieb_liniger", .nspecies = ns};
  for (size_t a = 0; a < ns; a++)
    mi.c[a] = c[a];
  struct ghdk_model *m;
  struct ghdk_grid *g;
  struct ghdk_tba *tf, *td;
  if (ghdk_model_new(&mi, &m) ||
      ghdk_grid_new(&(struct ghdk_grid_inp){.a = -L, .b = L, .n = n}, &g))
    exit(1);
  if (ghdk_tba_new(&(struct ghdk_tba_inp){.model = m, .grid = g, .method = GHDK_DRESS_FFT}, &tf) ||
      ghdk_tba_new(&(struct ghdk_tba_inp){.model = m, .grid = g, .method = GHDK_DRESS_DENSE}, &td))
    exit(1);
  CHECK("FFT path selected", ghdk_tba_uses_fft(tf) && !ghdk_tba_uses_fft(td));
  const size_t sz = ghdk_tba_size(tf);
  double *w = malloc(sz * sizeof *w), *nocc = malloc(sz * sizeof *w), *rp = malloc(sz * sizeof *w);
  double *r1 = malloc(sz * sizeof *w), *r2 = malloc(sz * sizeof *w), *h = malloc(sz * sizeof *w);
  for (size_t a = 0; a < ns; a++)
    ghdk_tba_thermal_source(tf, a, T[a], mu[a], 0.0, w + a * n);
  CHECK("Yang-Yang converges (FFT)", ghdk_tba_gge(tf, w, NULL, nocc, rp) == GHDK_OK);
  char what[128];
  ghdk_tba_rho_s(tf, rp, r1);
  ghdk_tba_rho_s(td, rp, r2);
  snprintf(what, sizeof what, "%s rho_s FFT vs dense", label);
  CHECK_CLOSE(what, max_rel_diff(r1, r2, sz), 0.0, 0.0, 1e-13);
  ghdk_tba_set_occupation(tf, nocc);
  ghdk_tba_set_occupation(td, nocc);
  for (int f = 0; f < 3; f++) {
    for (size_t i = 0; i < sz; i++) {
      const double th = g->theta[i % n];
      h[i] = f == 0 ? 1.0 : (f == 1 ? th : cos(2.385 * th) * exp(-0.1 * th * th));
    }
    CHECK("FFT dressing solves", ghdk_tba_dress(tf, h, r1) == GHDK_OK);
    CHECK("dense dressing solves", ghdk_tba_dress(td, h, r2) == GHDK_OK);
    snprintf(what, sizeof what, "%s dressing of h%d FFT vs dense", label, f);
    CHECK_CLOSE(what, max_rel_diff(r1, r2, sz), 0.0, 0.0, 1e-12);
  }
  ghdk_tba_veff(tf, nocc, r1, NULL);
  ghdk_tba_veff(td, nocc, r2, NULL);
  snprintf(what, sizeof what, "%s v_eff FFT vs dense", label);
  CHECK_CLOSE(what, max_rel_diff(r1, r2, sz), 0.0, 0.0, 1e-12);
  free(w), free(nocc), free(rp), free(r1), free(r2), free(h);
  ghdk_tba_free(tf);
  ghdk_tba_free(td);
  ghdk_grid_free(g);
  ghdk_model_free(m);
}

/* Tonks-Girardeau: c = infinity gives v_eff = 2 theta exactly; at large finite c the first-order
 * correction is v_eff = 2 theta / (1 + integral n / (pi c)) (T -> 1/(pi c), odd E' integrates
 * to zero), with a remainder O((n/c)^2) ~ 1e-12 at c = 1e6. */
static void tonks(void)
{
  const size_t n = 512;
  const double L = 12;
  struct ghdk_grid *g;
  ghdk_grid_new(&(struct ghdk_grid_inp){.a = -L, .b = L, .n = n}, &g);
  const double cs[2] = {INFINITY, 1e6};
  for (int ic = 0; ic < 2; ic++) {
    struct ghdk_model *m;
    struct ghdk_tba *t;
    ghdk_model_new(&(struct ghdk_model_inp){.name = "lieb_liniger", .c = {cs[ic]}}, &m);
    ghdk_tba_new(&(struct ghdk_tba_inp){.model = m, .grid = g}, &t);
    double w[512], nocc[512], v[512];
    ghdk_tba_thermal_source(t, 0, 2.0, 1.0, 0.0, w);
    ghdk_tba_gge(t, w, NULL, nocc, NULL);
    ghdk_tba_veff(t, nocc, v, NULL);
    double intn = 0.0, err = 0.0;
    for (size_t k = 0; k < n; k++)
      intn += g->w[k] * nocc[k];
    for (size_t k = 0; k < n; k++) {
      const double want =
          2.0 * g->theta[k] / (1.0 + (isinf(cs[ic]) ? 0.0 : intn / (GHDK_PI * cs[ic])));
      err = fmax(err, fabs(v[k] - want) / (2.0 * L));
    }
    CHECK_CLOSE(isinf(cs[ic]) ? "Tonks-Girardeau v_eff = 2 theta (c = inf)"
                              : "v_eff = 2 theta/(1 + int n/(pi c)), c = 1e6",
                err, 0.0, 0.0, isinf(cs[ic]) ? 1e-15 : 1e-11);
    ghdk_tba_free(t);
    ghdk_model_free(m);
  }
  ghdk_grid_free(g);
}

int main(void)
{
  const double c1[1] = {1.0}, T1[1] = {2.0}, mu1[1] = {1.0};
  fft_vs_dense("LL c=1 T=2 mu=1", 1, c1, T1, mu1, 256, 12.0);
  const double c2[1] = {0.3}, T2[1] = {0.5}, mu2[1] = {2.0};
  fft_vs_dense("LL c=0.3 T=0.5 mu=2 (strong dressing)", 1, c2, T2, mu2, 512, 8.0);
  const double c3[2] = {1.0, 5.0}, T3[2] = {1.0, 0.7}, mu3[2] = {0.5, 1.5};
  fft_vs_dense("two species c=1,5", 2, c3, T3, mu3, 256, 10.0);
  tonks();
  return ghdk_test_failures();
}
