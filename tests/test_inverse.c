/* SPDX-License-Identifier: BSD-3-Clause */
/* Inverse problems: beta_i recovered from a GGE built from known beta_i, and the GGE (thermal
 * state) with prescribed conserved densities. */
#include "cell.h"
#include "check.h"
#include "ghdk/grid.h"
#include "ghdk/model.h"
#include "ghdk/status.h"
#include "ghdk/tba.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define SZ 2048

static double w[SZ], nocc[SZ], rp[SZ], rs[SZ];

/* Build the GGE of beta[a][i] on every species, fit beta on the charges 0..nq-1, compare. The
 * fit is exact for a GGE in the span of the basis: the error is the Yang-Yang residual (1e-13)
 * amplified by the conditioning of the column-scaled least squares (< 1e4): 1e-8 is the bound
 * asked for, relative to the largest |beta|. */
static void fit_roundtrip(const char *label, struct cell *c, size_t nq,
                          const double beta[][GHDK_MAX_CHARGES])
{
  const size_t ns = c->m->nspecies, n = c->g->n;
  int charges[GHDK_MAX_CHARGES];
  for (size_t i = 0; i < nq; i++)
    charges[i] = (int)i;
  for (size_t a = 0; a < ns; a++)
    ghdk_tba_gge_source(c->t, a, nq, beta[a], w + a * n);
  CHECK("GGE solves", ghdk_tba_gge(c->t, w, NULL, nocc, rp) == GHDK_OK);
  ghdk_tba_rho_s(c->t, rp, rs);
  double fit[GHDK_MAX_SPECIES * GHDK_MAX_CHARGES], rms[GHDK_MAX_SPECIES];
  CHECK("fit runs", ghdk_tba_fit_betas(c->t, nocc, rs, nq, charges, fit, rms) == GHDK_OK);
  for (size_t a = 0; a < ns; a++) {
    double scale = 0.0;
    for (size_t i = 0; i < nq; i++)
      scale = fmax(scale, fabs(beta[a][i]));
    for (size_t i = 0; i < nq; i++) {
      char what[96];
      snprintf(what, sizeof what, "%s: species %zu beta_%zu", label, a, i);
      CHECK_CLOSE(what, fit[a * nq + i], beta[a][i], 0, 1e-8 * scale);
    }
  }
}

/* Prescribed densities: take the charges of a reference state, solve from a distant guess and
 * check the charges are reproduced to 1e-10 relative (the solver stops at 1e-12 of
 * sum |rho_p h|) and, where the reference is itself in the family, the betas. edge NULL: the
 * thermal state of the whole line; else the maximum-entropy state on the window. */
static void match(const char *label, struct cell *c, size_t ncon, const struct ghdk_constraint *con,
                  const double *guess, const double *want_beta, double *edge)
{
  const size_t size = ghdk_tba_size(c->t);
  double q[8], beta[8];
  for (size_t k = 0; k < ncon; k++) {
    q[k] = 0;
    for (size_t i = 0; i < size; i++)
      if (!con[k].species_mask || (con[k].species_mask >> (i / c->g->n)) & 1u) {
        const double hv = c->m->charge(c->m, i / c->g->n, con[k].charge, c->g->theta[i % c->g->n]);
        q[k] += c->g->w[i % c->g->n] * rp[i] * hv;
      }
    beta[k] = guess[k];
  }
  double rp2[SZ];
  CHECK("inverse problem converges",
        ghdk_tba_match(c->t, ncon, con, q, beta, NULL, rp2, edge) == GHDK_OK);
  for (size_t k = 0; k < ncon; k++) {
    double got = 0;
    for (size_t i = 0; i < size; i++)
      if (!con[k].species_mask || (con[k].species_mask >> (i / c->g->n)) & 1u)
        got += c->g->w[i % c->g->n] * rp2[i] *
               c->m->charge(c->m, i / c->g->n, con[k].charge, c->g->theta[i % c->g->n]);
    char what[96];
    snprintf(what, sizeof what, "%s: constraint %zu (charge %d)", label, k, con[k].charge);
    CHECK_CLOSE(what, got, q[k], 1e-10, 1e-14);
    if (want_beta) {
      snprintf(what, sizeof what, "%s: beta of constraint %zu", label, k);
      CHECK_CLOSE(what, beta[k], want_beta[k], 1e-8, 1e-10);
    }
  }
}

int main(void)
{
  /* Lieb-Liniger, c = 1, a GGE with a theta^4 term. */
  struct cell ll = cell_new((struct ghdk_model_inp){.name = "lieb_liniger", .c = {1.0}}, 8, 512);
  const double bll[1][GHDK_MAX_CHARGES] = {{-0.7, 0.2, 0.8, 0.0, 0.05}};
  fit_roundtrip("LL c=1", &ll, 5, bll);
  /* Thermal state with given (q0, q1, q2): reference boosted thermal T = 1.5, mu = 0.3,
   * nu = 0.4, i.e. W = (theta^2 - 0.4 theta - 0.3)/1.5. */
  ghdk_tba_thermal_source(ll.t, 0, 1.5, 0.3, 0.4, w);
  ghdk_tba_gge(ll.t, w, NULL, nocc, rp);
  const struct ghdk_constraint c3[3] = {{0, 0}, {1, 0}, {2, 0}};
  const double want3[3] = {-0.3 / 1.5, -0.4 / 1.5, 1 / 1.5};
  match("LL boosted thermal", &ll, 3, c3, (double[]){0.0, 0.0, 1.0}, want3, NULL);
  /* The thermal state with the densities of a non-thermal GGE (the collision closures' case). */
  ghdk_tba_gge_source(ll.t, 0, 5, bll[0], w);
  ghdk_tba_gge(ll.t, w, NULL, nocc, rp);
  match("LL thermal with the GGE's densities", &ll, 3, c3, (double[]){0.0, 0.0, 1.0}, NULL, NULL);
  cell_free(&ll);

  /* Two Lieb-Liniger species (c = 1, 5), different GGEs; then the joint thermal state with
   * N_a, N_b and the total momentum and energy (shared beta_1, beta_2). */
  struct cell l2 = cell_new(
      (struct ghdk_model_inp){.name = "lieb_liniger", .nspecies = 2, .c = {1.0, 5.0}}, 8, 512);
  const double b2[2][GHDK_MAX_CHARGES] = {{0.1, 0.0, 0.1, 0.0, 0.1}, {0.1, -0.3, 1.3, 0, 0}};
  fit_roundtrip("LL two species", &l2, 5, b2);
  const struct ghdk_constraint c4[4] = {{0, 1u}, {0, 2u}, {1, 0}, {2, 0}};
  match("LL two species N_a, N_b, P, E", &l2, 4, c4, (double[]){0.0, 0.0, 0.0, 1.0}, NULL, NULL);
  cell_free(&l2);

  /* The Bragg-split cradle's dilute edge cell (cases/newton_cradle_relaxation.lua): a boosted hot
   * target, N ~ 2e-9 per species, and the initial guess fitted to the double-peaked state, T = 40,
   * whose occupation at the window edge is 1e-2 of its peak. Newton from that guess stalled
   * (every step left the valid set or failed Armijo by 30 orders of magnitude); the cooled and
   * density-shifted start converges. Then a guess 1e20 too dilute, and one too dense. */
  struct cell lw = cell_new(
      (struct ghdk_model_inp){.name = "lieb_liniger", .nspecies = 2, .c = {1.0, 5.0}}, 16, 160);
  const double bd[2][GHDK_MAX_CHARGES] = {{20.4941, 0.925851, 0.203529},
                                          {20.4913, 0.925851, 0.203529}};
  for (size_t a = 0; a < 2; a++)
    ghdk_tba_gge_source(lw.t, a, 3, bd[a], w + a * 160);
  CHECK("dilute boosted GGE solves", ghdk_tba_gge(lw.t, w, NULL, nocc, rp) == GHDK_OK);
  const double want_d[4] = {20.4941, 20.4913, 0.925851, 0.203529};
  match("dilute boosted target, hot fitted guess", &lw, 4, c4,
        (double[]){18.3427, 18.3185, -0.115251, 0.0249377}, want_d, NULL);
  match("dilute boosted target, guess 1e20 too dilute", &lw, 4, c4,
        (double[]){66.5, 66.5, 0.9, 0.2}, want_d, NULL);
  match("dilute boosted target, dense guess", &lw, 4, c4, (double[]){-1.0, -1.0, 0.0, 0.2}, want_d,
        NULL);
  cell_free(&lw);

  /* A target that does not fit in the window is an error, not a truncated answer: the thermal
   * state T = 17 on |theta| < 5.5 has occupation e^-1.8 of its peak at the edges. */
  struct cell ln = cell_new((struct ghdk_model_inp){.name = "lieb_liniger", .c = {1.0}}, 5.5, 64);
  ghdk_tba_thermal_source(ln.t, 0, 17.0, -300.0, 0.0, w);
  ghdk_tba_gge(ln.t, w, NULL, nocc, rp);
  {
    double q[3] = {0}, beta[3] = {18.0, 0.0, 1.0 / 17.0};
    for (size_t k = 0; k < 64; k++)
      for (int i = 0; i < 3; i++)
        q[i] += ln.g->w[k] * rp[k] * pow(ln.g->theta[k], i);
    ghdk_tba_set_quiet(ln.t, 1);
    CHECK("hot target outside the window: GHDK_ERR_DOMAIN",
          ghdk_tba_match(ln.t, 3, c3, q, beta, NULL, NULL, NULL) == GHDK_ERR_DOMAIN);
  }
  /* On the window (the relaxation closure's target) the same charges give back the truncated
   * GGE they came from, beta = (mu, nu, 1)/T with mu = -300: it is the maximum-entropy state on
   * the window with these charges, from a cold guess and from a hot one; the reported edge
   * occupation is that of the reference, n(theta_edge)/n(theta_mid) = e^-(theta_edge^2 -
   * theta_mid^2)/17 with the outermost and innermost nodes (Boltzmann: the gas is dilute, up to
   * the fermionic factor 1 - n ~ 1 - 1e-8). */
  const double want_t[3] = {300.0 / 17.0, 0.0, 1.0 / 17.0};
  const double th_e = ln.g->theta[0], th_m = ln.g->theta[31];
  double edge = 0.0;
  match("hot target on the window, cold guess", &ln, 3, c3, (double[]){1.0, 0.0, 1.0}, want_t,
        &edge);
  CHECK_CLOSE("hot target on the window: edge occupation", edge,
              exp(-(th_e * th_e - th_m * th_m) / 17.0), 1e-6, 0);
  match("hot target on the window, hot guess", &ln, 3, c3, (double[]){10.0, 0.0, -0.01}, want_t,
        &edge);
  /* beta_2 < 0: a state piling up at the edges, W = 2 - 0.05 theta^2, no thermal state of the
   * line; on the window it is the answer, recovered exactly. */
  const double bneg[3] = {2.0, 0.0, -0.05};
  ghdk_tba_gge_source(ln.t, 0, 3, bneg, w);
  CHECK("edge-heavy GGE solves", ghdk_tba_gge(ln.t, w, NULL, nocc, rp) == GHDK_OK);
  match("edge-heavy state on the window", &ln, 3, c3, (double[]){1.0, 0.0, 1.0}, bneg, &edge);
  CHECK("edge-heavy state: edge occupation above the peak's 1e-8", edge > 0.99);
  /* A target that fits: both modes agree and the edge occupation is below 1e-8. */
  ghdk_tba_thermal_source(ln.t, 0, 1.0, 0.5, 0.3, w);
  ghdk_tba_gge(ln.t, w, NULL, nocc, rp);
  const double want_c[3] = {-0.5, -0.3, 1.0};
  match("cold target on the window", &ln, 3, c3, (double[]){0.0, 0.0, 0.2}, want_c, &edge);
  CHECK("cold target: fits in the window", edge < GHDK_TBA_EDGE_OCCUPATION);
  cell_free(&ln);

  /* Free boson, the paper's GGE beta_2 = beta_6 = 0.5, beta_4 = 0.1 (SM Fig. 1). */
  struct cell fb = cell_new((struct ghdk_model_inp){.name = "free_boson"}, 6, 512);
  const double bfb[1][GHDK_MAX_CHARGES] = {{0, 0, 0.5, 0, 0.1, 0, 0.5}};
  fit_roundtrip("free boson paper GGE", &fb, 7, bfb);
  /* phi^6 does not conserve particle number: the final state has the GGE's momentum and
   * energy only, W = beta_1 sinh + beta_2 cosh. */
  const struct ghdk_constraint c2[2] = {{1, 0}, {2, 0}};
  match("free boson thermal with the GGE's P, E", &fb, 2, c2, (double[]){0.0, 1.0}, NULL, NULL);
  ghdk_tba_thermal_source(fb.t, 0, 0.8, -0.2, 0.3, w);
  ghdk_tba_gge(fb.t, w, NULL, nocc, rp);
  match("free boson boosted thermal (q0, q1, q2)", &fb, 3, c3, (double[]){1.0, 0.0, 1.0},
        (double[]){0.2 / 0.8, -0.3 / 0.8, 1 / 0.8}, NULL);
  cell_free(&fb);
  return ghdk_test_failures();
}
