/* SPDX-License-Identifier: BSD-3-Clause */
/* Collision kernels coupled_ll and relaxation, one evaluation at a time: fixed points,
 * conservation, entropy production, bad set-ups. (phi6 has its own test; whole runs are checked
 * in tests/cli/check_quench.py.) */
#include "cell.h"
#include "check.h"
#include "ghdk/kinetic.h"
#include "ghdk/status.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define SZ 1024

static double rho[SZ], drho[SZ], w[SZ], nocc[SZ], tmp[SZ], rs[SZ];

static double max_abs(const double *x, size_t n)
{
  double m = 0.0;
  for (size_t i = 0; i < n; i++)
    m = fmax(m, fabs(x[i]));
  return m;
}

/* Charge i of species set mask, and its scale sum |w rho h|. */
static double charge(const struct cell *c, const double *r, int i, unsigned mask, double *scale)
{
  double q = 0.0, sc = 0.0;
  for (size_t a = 0; a < c->m->nspecies; a++)
    if (!mask || (mask >> a) & 1u)
      for (size_t j = 0; j < c->g->n; j++) {
        const double v = c->g->w[j] * r[a * c->g->n + j] * c->m->charge(c->m, a, i, c->g->theta[j]);
        q += v;
        sc += fabs(v);
      }
  if (scale)
    *scale = sc;
  return q;
}

/* Total Yang-Yang entropy of a state. */
static double entropy(struct cell *c, const double *r)
{
  double s[GHDK_MAX_SPECIES], tot = 0.0;
  if (ghdk_tba_occupation(c->t, r, nocc, rs))
    exit(1);
  ghdk_tba_entropy(c->t, rs, nocc, s);
  for (size_t a = 0; a < c->m->nspecies; a++)
    tot += s[a];
  return tot;
}

static void coupled_ll(void)
{
  struct cell c = cell_new(
      (struct ghdk_model_inp){.name = "lieb_liniger", .nspecies = 2, .c = {1.0, 5.0}}, 10, 256);
  const size_t n = c.g->n;
  struct ghdk_coll *k;
  CHECK("coupled_ll builds",
        ghdk_coll_new(&(struct ghdk_coll_inp){.name = "coupled_ll", .model = c.m, .grid = c.g},
                      &k) == GHDK_OK);
  /* The SM Fig. 4 initial state. */
  const double ba[5] = {0.1, 0, 0.1, 0, 0.1}, bb[3] = {0.1, 0, 1.3};
  ghdk_tba_gge_source(c.t, 0, 5, ba, w);
  ghdk_tba_gge_source(c.t, 1, 3, bb, w + n);
  ghdk_tba_gge(c.t, w, NULL, NULL, rho);
  CHECK("rhs runs", k->rhs(k, rho, drho) == GHDK_OK);
  /* Exact conservation: N_a, N_b by the antisymmetry of the double sum (round-off of sums of
   * ~N^2 terms of size max|drho|: 1e-13 relative), rho_a + rho_b node by node (exactly). */
  double sc, worst = 0.0;
  for (int a = 0; a < 2; a++)
    worst = fmax(worst, fabs(charge(&c, drho, 0, 1u << a, NULL)));
  charge(&c, rho, 0, 0, &sc);
  CHECK_CLOSE("coupled_ll: dN_a, dN_b / (N max rate)", worst / (sc * max_abs(drho, 2 * n)), 0, 0,
              1e-13);
  double pointwise = 0.0;
  for (size_t j = 0; j < n; j++)
    pointwise = fmax(pointwise, fabs(drho[j] + drho[n + j]));
  CHECK_CLOSE("coupled_ll: d(rho_a + rho_b) pointwise", pointwise, 0, 0, 0);
  /* The H-function of this lowest-order-in-density kernel is the classical entropy
   * -sum_a int rho_a ln rho_a: its production is a sum of (x - y) ln(x/y) >= 0 terms. */
  double h = 0.0;
  for (size_t i = 0; i < 2 * n; i++)
    if (rho[i] > 0)
      h -= c.g->w[i % n] * log(rho[i]) * drho[i];
  CHECK("coupled_ll: classical entropy production > 0", h > 0);
  printf("     classical entropy production %.6e\n", h);
  /* Fixed points: rho_a = x R for any R. */
  const double x = 0.37;
  for (size_t j = 0; j < n; j++) {
    const double R = rho[j] + rho[n + j];
    tmp[j] = x * R;
    tmp[n + j] = (1 - x) * R;
  }
  k->rhs(k, tmp, drho);
  const double scale = max_abs(drho, 2 * n);
  k->rhs(k, rho, drho);
  const double typical = max_abs(drho, 2 * n);
  k->rhs(k, tmp, drho);
  CHECK_CLOSE("coupled_ll: rho_a = x R is a fixed point (|I| / typical |I|)", scale / typical, 0, 0,
              1e-14);
  /* A negative density is a recoverable error. */
  tmp[3] = -1e-3;
  CHECK("coupled_ll: negative density -> GHDK_ERR_DOMAIN", k->rhs(k, tmp, drho) == GHDK_ERR_DOMAIN);
  ghdk_coll_free(k);
  cell_free(&c);
  struct cell one = cell_new((struct ghdk_model_inp){.name = "lieb_liniger", .c = {1.0}}, 10, 64);
  CHECK("coupled_ll on one species -> GHDK_ERR_INPUT",
        ghdk_coll_new(&(struct ghdk_coll_inp){.name = "coupled_ll", .model = one.m, .grid = one.g},
                      &k) == GHDK_ERR_INPUT);
  cell_free(&one);
}

/* relaxation on Lieb-Liniger (conserving N, P, E) and on the free boson (P, E only). */
static void relaxation(const char *label, struct ghdk_model_inp mi, double L, int conserve_number,
                       const double *gge, size_t ngge)
{
  struct cell c = cell_new(mi, L, 256);
  const size_t n = c.g->n;
  const double tau = 0.7;
  struct ghdk_coll *k;
  CHECK("relaxation builds",
        ghdk_coll_new(&(struct ghdk_coll_inp){.name = "relaxation",
                                              .model = c.m,
                                              .grid = c.g,
                                              .tau = tau,
                                              .conserve_number = conserve_number},
                      &k) == GHDK_OK);
  char what[128];
  /* Thermal and boosted thermal states are fixed points: the inverse problem returns the state
   * itself to 1e-12 of its charges, so |I| tau / max rho_p ~ 1e-12; bound 1e-10. For the free
   * boson without number conservation only mu = 0 states are equilibria. */
  const double nus[2] = {0.0, 0.3};
  for (int b = 0; b < 2; b++) {
    ghdk_tba_thermal_source(c.t, 0, 1.3, conserve_number ? 0.4 : 0.0, nus[b], w);
    ghdk_tba_gge(c.t, w, NULL, NULL, rho);
    CHECK("rhs runs", k->rhs(k, rho, drho) == GHDK_OK);
    snprintf(what, sizeof what, "%s: thermal nu=%g fixed point (tau |I| / max rho)", label, nus[b]);
    CHECK_CLOSE(what, tau * max_abs(drho, n) / max_abs(rho, n), 0, 0, 1e-10);
  }
  /* A GGE: the target rho + tau I has the state's conserved densities (1e-10), the projected I
   * conserves them to round-off, and the Yang-Yang entropy grows (finite difference along I). */
  ghdk_tba_gge_source(c.t, 0, ngge, gge, w);
  ghdk_tba_gge(c.t, w, NULL, NULL, rho);
  CHECK("rhs runs", k->rhs(k, rho, drho) == GHDK_OK);
  for (size_t j = 0; j < n; j++)
    tmp[j] = rho[j] + tau * drho[j];
  for (size_t i = 0; i < k->ninv; i++) {
    double sc;
    const double q0 = charge(&c, rho, k->inv[i].charge, k->inv[i].species_mask, &sc);
    const double qt = charge(&c, tmp, k->inv[i].charge, k->inv[i].species_mask, NULL);
    const double dq = charge(&c, drho, k->inv[i].charge, k->inv[i].species_mask, NULL);
    snprintf(what, sizeof what, "%s: target reproduces charge %d", label, k->inv[i].charge);
    CHECK_CLOSE(what, qt, q0, 1e-10, 1e-10 * sc);
    snprintf(what, sizeof what, "%s: I conserves charge %d (/ scale)", label, k->inv[i].charge);
    CHECK_CLOSE(what, tau * dq / sc, 0, 0, 1e-14);
  }
  const double eps = 1e-6, s0 = entropy(&c, rho);
  for (size_t j = 0; j < n; j++)
    tmp[j] = rho[j] + eps * drho[j];
  const double ds = (entropy(&c, tmp) - s0) / eps;
  snprintf(what, sizeof what, "%s: entropy production > 0 (%.4e)", label, ds);
  CHECK(what, ds > 0);
  ghdk_coll_free(k);
  cell_free(&c);
}

/* Targets the rapidity window truncates (the Bragg-split trap's hot dilute cells): the target is
 * the maximum-entropy state on the window. A hot thermal state (T = 17 on |theta| < 5.5, edge
 * occupation 0.18 of the peak) and an edge-heavy GGE (W = 2 - 0.05 theta^2, no thermal state of
 * the line) are fixed points (inverse problem to 1e-12: bound 1e-10, as above) and counted as
 * truncated; a Bragg-split state relaxes conserving N, P, E with positive entropy production, the
 * H-theorem that a truncated thermal state of the line would not guarantee. */
static void relaxation_window(void)
{
  struct cell c = cell_new((struct ghdk_model_inp){.name = "lieb_liniger", .c = {1.0}}, 5.5, 64);
  const size_t n = c.g->n;
  const double tau = 0.7;
  struct ghdk_coll *k;
  CHECK("relaxation builds",
        ghdk_coll_new(
            &(struct ghdk_coll_inp){
                .name = "relaxation", .model = c.m, .grid = c.g, .tau = tau, .conserve_number = 1},
            &k) == GHDK_OK);
  ghdk_tba_thermal_source(c.t, 0, 17.0, -30.0, 0.0, w);
  ghdk_tba_gge(c.t, w, NULL, NULL, rho);
  CHECK("hot thermal state: rhs runs", k->rhs(k, rho, drho) == GHDK_OK);
  CHECK_CLOSE("hot thermal state on the window: fixed point (tau |I| / max rho)",
              tau * max_abs(drho, n) / max_abs(rho, n), 0, 0, 1e-10);
  CHECK("hot thermal state: counted as truncated",
        k->window.targets == 1 && k->window.truncated == 1);
  CHECK("hot thermal state: edge occupation reported",
        k->window.max_edge > 0.1 && k->window.max_edge < 0.2);
  const double bneg[3] = {2.0, 0.0, -0.05};
  ghdk_tba_gge_source(c.t, 0, 3, bneg, w);
  ghdk_tba_gge(c.t, w, NULL, NULL, rho);
  CHECK("edge-heavy GGE: rhs runs", k->rhs(k, rho, drho) == GHDK_OK);
  CHECK_CLOSE("edge-heavy GGE: fixed point (tau |I| / max rho)",
              tau * max_abs(drho, n) / max_abs(rho, n), 0, 0, 1e-10);
  /* Two cold clouds at theta = +-4 (T = 0.3, dilute): E/N = 16, a thermal state of the line at
   * T ~ 32, which no window of 5.5 holds. */
  double r1[SZ];
  ghdk_tba_thermal_source(c.t, 0, 0.3, -3.0, 4.0, w);
  ghdk_tba_gge(c.t, w, NULL, NULL, r1);
  ghdk_tba_thermal_source(c.t, 0, 0.3, -3.0, -4.0, w);
  ghdk_tba_gge(c.t, w, NULL, NULL, rho);
  for (size_t j = 0; j < n; j++)
    rho[j] = 0.5 * (rho[j] + r1[j]);
  CHECK("Bragg-split state: rhs runs", k->rhs(k, rho, drho) == GHDK_OK);
  CHECK("Bragg-split state: counted as truncated",
        k->window.targets == 3 && k->window.truncated == 3);
  char what[128];
  for (size_t i = 0; i < k->ninv; i++) {
    double sc;
    charge(&c, rho, k->inv[i].charge, k->inv[i].species_mask, &sc);
    const double dq = charge(&c, drho, k->inv[i].charge, k->inv[i].species_mask, NULL);
    snprintf(what, sizeof what, "Bragg-split state: I conserves charge %d (/ scale)",
             k->inv[i].charge);
    CHECK_CLOSE(what, tau * dq / sc, 0, 0, 1e-14);
  }
  const double eps = 1e-6, s0 = entropy(&c, rho);
  for (size_t j = 0; j < n; j++)
    tmp[j] = rho[j] + eps * drho[j];
  const double ds = (entropy(&c, tmp) - s0) / eps;
  snprintf(what, sizeof what, "Bragg-split state: entropy production > 0 (%.4e)", ds);
  CHECK(what, ds > 0);
  ghdk_coll_free(k);
  cell_free(&c);
}

int main(void)
{
  coupled_ll();
  relaxation_window();
  const double ll_gge[5] = {-0.5, 0.2, 0.3, 0, 0.05};
  relaxation("relaxation LL", (struct ghdk_model_inp){.name = "lieb_liniger", .c = {1.0}}, 8, 1,
             ll_gge, 5);
  const double fb_gge[7] = {0, 0, 0.5, 0, 0.1, 0, 0.5};
  relaxation("relaxation free boson", (struct ghdk_model_inp){.name = "free_boson"}, 6, 0, fb_gge,
             7);
  struct cell c = cell_new((struct ghdk_model_inp){.name = "free_boson"}, 6, 32);
  struct ghdk_coll *k;
  CHECK("unknown kernel -> GHDK_ERR_INPUT",
        ghdk_coll_new(&(struct ghdk_coll_inp){.name = "phi8", .model = c.m, .grid = c.g}, &k) ==
            GHDK_ERR_INPUT);
  CHECK("relaxation with tau = 0 -> GHDK_ERR_INPUT",
        ghdk_coll_new(&(struct ghdk_coll_inp){.name = "relaxation", .model = c.m, .grid = c.g},
                      &k) == GHDK_ERR_INPUT);
  cell_free(&c);
  return ghdk_test_failures();
}
