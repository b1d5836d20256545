/* SPDX-License-Identifier: BSD-3-Clause */
/* Relaxation rates without time stepping (ghdk_rates_new, ghdk print_rates): the relaxation
 * kernel's spectrum is known exactly (0 on the invariants, -1/tau elsewhere), coupled_ll's is
 * gapless with N_theta + 1 zero modes, a linear test kernel with a known non-normal spectrum
 * exercises the nonsymmetric path, and C is checked against finite differences of the GGE. */
#include "cell.h"
#include "check.h"
#include "ghdk/app.h"
#include "ghdk/deck.h"
#include "ghdk/kinetic.h"
#include "ghdk/status.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SZ 512

static double rho[SZ], w[SZ], tmp[SZ];

/* Largest |rate tau - 1| over the non-zero modes. */
static double rate_spread(const struct ghdk_rates *r, double tau)
{
  double e = 0.0;
  for (size_t k = 0; k < r->nmode; k++)
    if (!r->mode[k].zero)
      e = fmax(e, fabs(r->mode[k].rate * tau - 1.0));
  return e;
}

static size_t count_zero(const struct ghdk_rates *r, int parity)
{
  size_t z = 0;
  for (size_t k = 0; k < r->nmode; k++)
    z += r->mode[k].zero && r->mode[k].parity == parity;
  return z;
}

/* The relaxation kernel, I = -(rho - rho_th)/tau: L = -(1 - P)/tau with P the projection on the
 * thermal manifold, so every non-zero eigenvalue is exactly -1/tau and the zero modes are the
 * invariants. Tolerance of the rates 1e-7: the finite-difference error of L (steps 1e-4 and
 * 2e-4 of equal metric size) was measured at 1e-9 (LL, solver noise of the inverse problem) and
 * 1e-11 (free boson); 1e-7 leaves two decades and still fails a relative step (measured 4e-5). */
static void relaxation(const char *label, struct ghdk_model_inp mi, double L, size_t n,
                       int conserve_number, const double *gge, size_t ngge, size_t ninv,
                       size_t zero_even, size_t zero_odd)
{
  struct cell c = cell_new(mi, L, n);
  const double tau = 0.7;
  struct ghdk_coll *k;
  if (ghdk_coll_new(&(struct ghdk_coll_inp){.name = "relaxation",
                                            .model = c.m,
                                            .grid = c.g,
                                            .tau = tau,
                                            .conserve_number = conserve_number},
                    &k))
    exit(1);
  ghdk_tba_gge_source(c.t, 0, ngge, gge, w);
  ghdk_tba_gge(c.t, w, NULL, NULL, rho);
  const int charges[5] = {0, 1, 2, 3, 4};
  struct ghdk_rates *r;
  char what[160];
  snprintf(what, sizeof what, "%s: ghdk_rates_new", label);
  CHECK(what, ghdk_rates_new(&(struct ghdk_rates_inp){.coll = k,
                                                      .tba = c.t,
                                                      .rho0 = rho,
                                                      .check_step = 1,
                                                      .ncharge = 5,
                                                      .charges = charges},
                             &r) == GHDK_OK);
  printf("     fd error %.2e, asymmetry %.2e (%s metric), parity defect %.2e\n", r->fd_error,
         r->asymmetry, r->metric, r->parity_defect);
  snprintf(what, sizeof what, "%s: finite-difference error < 1e-8", label);
  CHECK(what, r->fd_error < 1e-8);
  snprintf(what, sizeof what, "%s: symmetric in the entropy metric, parity split", label);
  CHECK(what, r->symmetric && !strcmp(r->metric, "entropy") && r->parity_split);
  snprintf(what, sizeof what, "%s: zero modes = %zu invariants (%zu even, %zu odd)", label, ninv,
           zero_even, zero_odd);
  CHECK(what, r->nzero == ninv && r->ninv == ninv && count_zero(r, 1) == zero_even &&
                  count_zero(r, -1) == zero_odd);
  snprintf(what, sizeof what, "%s: every non-zero rate = 1/tau", label);
  CHECK_CLOSE(what, rate_spread(r, tau), 0, 0, 1e-7);
  /* delta rho has the reference's invariants: orthogonal in the metric to the zero modes (the
   * tangents of the thermal manifold), to the inverse problem's 1e-12, squared. */
  snprintf(what, sizeof what, "%s: zero-mode weight of delta rho / total", label);
  CHECK_CLOSE(what, r->weight_zero / r->weight_total, 0, 0, 1e-16);
  /* Gamma = B C^-1: a projection times 1/tau (docs/theory.md): zero on the invariants among the
   * charges, 1/tau on the rest, to the accuracy of L. */
  size_t gz = 0;
  double ge = 0.0;
  for (size_t i = 0; i < 5; i++) {
    if (fabs(r->gamma_re[i]) < 1e-9)
      gz++;
    else
      ge = fmax(ge, fabs(r->gamma_re[i] * tau - 1.0));
    ge = fmax(ge, fabs(r->gamma_im[i]) * tau);
  }
  snprintf(what, sizeof what, "%s: Gamma has %zu zero eigenvalues (conserved charges)", label,
           ninv);
  CHECK(what, gz == ninv);
  snprintf(what, sizeof what, "%s: other eigenvalues of Gamma = 1/tau", label);
  CHECK_CLOSE(what, ge, 0, 0, 1e-7);
  /* Rows of B for conserved charges vanish: I conserves them to round-off. */
  double bmax = 0.0, bcons = 0.0;
  for (size_t i = 0; i < 25; i++)
    bmax = fmax(bmax, fabs(r->B[i]));
  for (size_t q = 0; q < k->ninv; q++)
    for (size_t j = 0; j < 5; j++)
      bcons = fmax(bcons, fabs(r->B[k->inv[q].charge * 5 + j]));
  snprintf(what, sizeof what, "%s: B rows of conserved charges / max|B|", label);
  CHECK_CLOSE(what, bcons / bmax, 0, 0, 1e-12);
  /* C_ij = d<q_i>/d beta_j by central differences of the GGE around the reference, with the
   * reference's beta on the invariants: step 1e-5 gives truncation ~1e-10 and Yang-Yang noise
   * 1e-13/1e-5 = 1e-8; tolerance 1e-6 of max|C|. */
  double beta[GHDK_COLL_MAX_INV], cmax = 0.0, cerr = 0.0;
  if (ghdk_coll_equilibrium(k, c.t, rho, tmp, beta))
    exit(1);
  const double eps = 1e-5;
  for (size_t j = 0; j < 5; j++) {
    double qp[5], qm[5];
    for (int s = -1; s <= 1; s += 2) {
      for (size_t l = 0; l < n; l++) {
        double v = s * eps * c.m->charge(c.m, 0, charges[j], c.g->theta[l]);
        for (size_t q = 0; q < k->ninv; q++)
          v += beta[q] * c.m->charge(c.m, 0, k->inv[q].charge, c.g->theta[l]);
        w[l] = v;
      }
      if (ghdk_tba_gge(c.t, w, NULL, NULL, tmp))
        exit(1);
      ghdk_tba_charges(c.t, tmp, NULL, 5, charges, s > 0 ? qp : qm, NULL);
    }
    for (size_t i = 0; i < 5; i++) {
      cmax = fmax(cmax, fabs(r->C[i * 5 + j]));
      cerr = fmax(cerr, fabs(r->C[i * 5 + j] - (qp[i] - qm[i]) / (2 * eps)));
    }
  }
  snprintf(what, sizeof what, "%s: C = d<q>/d beta (finite differences of the GGE)", label);
  CHECK_CLOSE(what, cerr / cmax, 0, 0, 1e-6);
  ghdk_rates_free(r);

  /* A boosted state (beta_1 != 0) breaks theta -> -theta: no parity split, rates unchanged. */
  double boosted[GHDK_MAX_CHARGES] = {0};
  memcpy(boosted, gge, ngge * sizeof *gge);
  boosted[1] = 0.2;
  ghdk_tba_gge_source(c.t, 0, ngge > 2 ? ngge : 2, boosted, w);
  ghdk_tba_gge(c.t, w, NULL, NULL, rho);
  snprintf(what, sizeof what, "%s boosted: ghdk_rates_new", label);
  CHECK(what, ghdk_rates_new(
                  &(struct ghdk_rates_inp){.coll = k, .tba = c.t, .rho0 = rho, .check_step = 1},
                  &r) == GHDK_OK);
  snprintf(what, sizeof what, "%s boosted: no parity split (defect %.1e)", label, r->parity_defect);
  CHECK(what, !r->parity_split);
  snprintf(what, sizeof what, "%s boosted: every non-zero rate = 1/tau", label);
  CHECK_CLOSE(what, rate_spread(r, tau), 0, 0, 1e-7);
  ghdk_rates_free(r);
  ghdk_coll_free(k);
  cell_free(&c);
}

/* coupled_ll on [-L, L] at spacing 20/64 with the SM Fig. 4 state. */
static struct ghdk_rates *coupled_ll_at(double L, size_t n)
{
  struct cell c = cell_new(
      (struct ghdk_model_inp){.name = "lieb_liniger", .nspecies = 2, .c = {1.0, 5.0}}, L, n);
  struct ghdk_coll *k;
  if (ghdk_coll_new(&(struct ghdk_coll_inp){.name = "coupled_ll", .model = c.m, .grid = c.g}, &k))
    exit(1);
  const double ba[9] = {0.1, 0, 0.1, 0, 0.1, 0, 0.1, 0, 0.1}, bb[3] = {0.1, 0, 1.3};
  ghdk_tba_gge_source(c.t, 0, 9, ba, w);
  ghdk_tba_gge_source(c.t, 1, 3, bb, w + n);
  ghdk_tba_gge(c.t, w, NULL, NULL, rho);
  const int charges[2] = {0, 2};
  struct ghdk_rates *r = NULL;
  if (ghdk_rates_new(&(struct ghdk_rates_inp){.coll = k,
                                              .tba = c.t,
                                              .rho0 = rho,
                                              .check_step = 1,
                                              .ncharge = 2,
                                              .charges = charges},
                     &r))
    exit(1);
  ghdk_coll_free(k);
  cell_free(&c);
  return r;
}

static void coupled_ll(void)
{
  /* Windows 0.8, 1 and 1.25 times L = 10 at the same spacing: N = 64 x 0.8 rounded to 51 and the
   * window fitted to it, as ghdk rates does. */
  const double h = 20.0 / 64;
  struct ghdk_rates *r[3] = {coupled_ll_at(0.5 * h * 51, 51), coupled_ll_at(10.0, 64),
                             coupled_ll_at(0.5 * h * 80, 80)};
  const size_t n[3] = {51, 64, 80};
  char what[160];
  for (int i = 0; i < 3; i++) {
    snprintf(what, sizeof what,
             "coupled_ll N = %zu: N + 1 zero modes (rho_a + rho_b per node, N_a)", n[i]);
    CHECK(what, r[i]->nzero == n[i] + 1);
  }
  /* Detailed balance in the classical metric: symmetric to the (exact, bilinear kernel)
   * finite-difference accuracy, so real eigenvalues; no growing mode. */
  printf("     fd error %.2e, asymmetry %.2e (%s metric)\n", r[1]->fd_error, r[1]->asymmetry,
         r[1]->metric);
  CHECK("coupled_ll: symmetric in the classical metric: real spectrum",
        r[1]->symmetric && !strcmp(r[1]->metric, "classical") && r[1]->max_imag == 0.0);
  CHECK("coupled_ll: every non-zero eigenvalue negative",
        r[1]->nunstable == 0 && r[1]->gap_all > 0);
  CHECK_CLOSE("coupled_ll: zero-mode weight of delta rho / total",
              r[1]->weight_zero / r[1]->weight_total, 0, 0, 1e-16);
  /* Gapless: the smallest rate falls as the window widens and its mode sits at the edge. */
  printf("     smallest rate %.6g, %.6g, %.6g; edge fraction %.3f\n", r[0]->gap_all, r[1]->gap_all,
         r[2]->gap_all, r[1]->gap_edge);
  CHECK("coupled_ll: smallest rate falls with the window (gapless)",
        r[0]->gap_all > r[1]->gap_all && r[1]->gap_all > r[2]->gap_all &&
            r[0]->gap_all - r[2]->gap_all > 0.1 * r[1]->gap_all);
  CHECK("coupled_ll: slowest mode at the window edge (fraction > 0.9)", r[1]->gap_edge > 0.9);
  /* The overlap-weighted rates do not move once the window holds the state (L = 10 -> 12.5: the
   * state's tails at 10 are e^-130 of its peak); bound 1e-6. */
  CHECK_CLOSE("coupled_ll: weighted mean rate, L = 12.5 vs 10", r[2]->mean_rate, r[1]->mean_rate,
              1e-6, 0);
  CHECK_CLOSE("coupled_ll: slowest weighted rate, L = 12.5 vs 10", r[2]->slowest_weighted,
              r[1]->slowest_weighted, 1e-6, 0);
  CHECK_CLOSE("coupled_ll: 1% quantile of the weighted spectrum, L = 12.5 vs 10",
              r[2]->rate_quantile[0], r[1]->rate_quantile[0], 1e-6, 0);
  CHECK("coupled_ll: slowest weighted mode in the bulk (edge fraction < 1e-3)",
        r[1]->slowest_weighted_edge < 1e-3);
  CHECK("coupled_ll: reference not a GGE: no B, C, Gamma", !r[1]->gge && !r[1]->C && !r[1]->B);
  for (int i = 0; i < 3; i++)
    ghdk_rates_free(r[i]);
}

/* A linear test kernel I = A (rho - rho_ref) with A upper triangular in the nodes, so its
 * eigenvalues are its diagonal, plus one 2 x 2 rotation block (eigenvalues -1 +- 2i): not
 * symmetric in any metric, so the nonsymmetric path runs; central differences are exact to
 * round-off for a linear kernel. */
struct linear_kernel {
  struct ghdk_coll base;
  const double *ref;
};

static double lin_a(size_t i, size_t j)
{
  if (i == 0 && j == 0)
    return -1.0;
  if (i == 0 && j == 1)
    return 2.0;
  if (i == 1 && j == 0)
    return -2.0;
  if (i == 1 && j == 1)
    return -1.0;
  if (i == j)
    return -(1.0 + 0.25 * (double)i);
  return j > i && i > 1 ? 0.3 : 0.0;
}

static int lin_rhs(struct ghdk_coll *c, const double *r, double *dr)
{
  const struct linear_kernel *s = (const struct linear_kernel *)c;
  for (size_t i = 0; i < c->n; i++) {
    dr[i] = 0.0;
    for (size_t j = 0; j < c->n; j++)
      dr[i] += lin_a(i, j) * (r[j] - s->ref[j]);
  }
  return GHDK_OK;
}

static int lin_eq(struct ghdk_coll *c, const double *r, double *eq, double *beta)
{
  (void)r, (void)beta;
  const struct linear_kernel *s = (const struct linear_kernel *)c;
  memcpy(eq, s->ref, c->n * sizeof *eq);
  return GHDK_OK;
}

static void linear(void)
{
  const size_t n = 12;
  struct cell c = cell_new((struct ghdk_model_inp){.name = "free_boson"}, 4, n);
  ghdk_tba_thermal_source(c.t, 0, 1.0, 0.0, 0.0, w);
  ghdk_tba_gge(c.t, w, NULL, NULL, tmp);
  struct linear_kernel k = {
      .base = {.name = "linear", .ns = 1, .n = n, .rhs = lin_rhs, .equilibrium = lin_eq},
      .ref = tmp};
  for (size_t i = 0; i < n; i++)
    rho[i] = tmp[i] * (1.0 + 0.1 * sin(2.385 * (double)i));
  struct ghdk_rates *r;
  CHECK("linear kernel: ghdk_rates_new",
        ghdk_rates_new(
            &(struct ghdk_rates_inp){.coll = &k.base, .tba = c.t, .rho0 = rho, .check_step = 1},
            &r) == GHDK_OK);
  CHECK("linear kernel: nonsymmetric path, no parity split, no zero mode",
        !r->symmetric && !r->parity_split && r->nzero == 0);
  CHECK_CLOSE("linear kernel: largest |Im lambda| = 2", r->max_imag, 2.0, 1e-10, 0);
  /* The rates are -diag(A) (and 1 twice for the rotation block), sorted: 1, 1, 1.5, 1.75, ... */
  double err = 0.0;
  for (size_t k2 = 0; k2 < n; k2++) {
    const double want = k2 < 2 ? 1.0 : 1.0 + 0.25 * (double)k2;
    err = fmax(err, fabs(r->mode[k2].rate - want));
  }
  CHECK_CLOSE("linear kernel: rates = -diag(A) (max error)", err, 0, 0, 1e-9);
  /* Weights from V c = d: they reconstruct |d|^2 only for orthogonal modes; here check that
   * they are finite and that the mean rate lies between the extreme rates. */
  CHECK("linear kernel: weighted mean rate within the spectrum",
        r->mean_rate >= 1.0 && r->mean_rate <= 1.0 + 0.25 * (double)(n - 1));
  ghdk_rates_free(r);
  /* A reference state with an empty node has no entropy metric there: GHDK_ERR_DOMAIN. */
  tmp[3] = 0.0;
  CHECK("reference vanishing at a node -> GHDK_ERR_DOMAIN",
        ghdk_rates_new(&(struct ghdk_rates_inp){.coll = &k.base, .tba = c.t, .rho0 = rho}, &r) ==
            GHDK_ERR_DOMAIN);
  cell_free(&c);
}

/* The command: verdicts on the two cases at reduced resolution, and the wrong deck kind. The
 * deck must load (ctest sets GHDK_SOURCE_DIR), so that a failure is ghdk_print_rates' own. */
static int print_rates(const char *deck, size_t nset, const char *const *set, char *buf, size_t len)
{
  char path[2048];
  const char *src = getenv("GHDK_SOURCE_DIR");
  snprintf(path, sizeof path, "%s/cases/%s", src ? src : "(GHDK_SOURCE_DIR unset)", deck);
  struct ghdk_problem *p;
  if (!CHECK("deck loads", ghdk_deck_load(path, nset, set, &p) == GHDK_OK))
    return -1;
  FILE *f = tmpfile();
  if (!f)
    exit(1);
  const int rc = ghdk_print_rates(p, f);
  rewind(f);
  const size_t got = fread(buf, 1, len - 1, f);
  buf[got] = '\0';
  fclose(f);
  ghdk_problem_free(p);
  return rc;
}

static void command(void)
{
  static char out[1 << 16];
  const char *cll[] = {"grid.N=64"};
  CHECK("ghdk rates coupled_ll.lua runs",
        print_rates("coupled_ll.lua", 1, cll, out, sizeof out) == GHDK_OK);
  CHECK("ghdk rates coupled_ll.lua: verdict GAPLESS", strstr(out, "verdict: GAPLESS") != NULL);
  CHECK("ghdk rates coupled_ll.lua: B, C, Gamma not defined",
        strstr(out, "B, C and Gamma: not defined") != NULL);
  const char *rq[] = {"grid.N=64", "state.beta.1=0"};
  CHECK("ghdk rates relaxation_quench.lua runs",
        print_rates("relaxation_quench.lua", 2, rq, out, sizeof out) == GHDK_OK);
  CHECK("ghdk rates relaxation_quench.lua: verdict GAPPED, both parity sectors",
        strstr(out, "verdict: GAPPED") != NULL && strstr(out, "(odd)") != NULL);
  CHECK("ghdk rates relaxation_quench.lua: eigenvalues of Gamma printed",
        strstr(out, "eigenvalues of Gamma") != NULL);
  CHECK("ghdk rates on a deck of kind 'state' -> GHDK_ERR_INPUT",
        print_rates("lda_trap.lua", 0, NULL, out, sizeof out) == GHDK_ERR_INPUT);
}

int main(void)
{
  const double ll_gge[5] = {-0.5, 0, 0.3, 0, 0.05};
  relaxation("relaxation LL", (struct ghdk_model_inp){.name = "lieb_liniger", .c = {1.0}}, 8, 96, 1,
             ll_gge, 5, 3, 2, 1);
  const double fb_gge[7] = {0, 0, 0.5, 0, 0.1, 0, 0.5};
  relaxation("relaxation free boson", (struct ghdk_model_inp){.name = "free_boson"}, 6, 96, 0,
             fb_gge, 7, 2, 1, 1);
  coupled_ll();
  linear();
  command();
  return ghdk_test_failures();
}
