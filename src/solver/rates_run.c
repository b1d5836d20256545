/* SPDX-License-Identifier: BSD-3-Clause */
/* ghdk rates: the relaxation spectrum of a homogeneous deck (ghdk_rates_new) printed with its
 * zero modes, gaps by parity sector, overlap-weighted rates, the dependence on the rapidity
 * window (the deck's window and 0.8, 1.25 times it at the same spacing, to tell a gap from a
 * continuum reaching zero) and, around a GGE, the Boltzmann matrices B, C and Gamma. */
#include "ghdk/app.h"
#include "ghdk/kinetic.h"
#include "ghdk/status.h"
#include "solver_priv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Window scales of the cutoff scan, and the relative fall of the smallest rate over the scan
 * above which it is taken to move with the cutoff (a converged gap moves by round-off; the
 * coupled_ll continuum edge by ~40% over this scan, as 1/L). */
static const double scan_scale[2] = {0.8, 1.25};
#define RATES_MOVES 0.01
/* A mode is at the window edge when most of its weight is on the outer 10% of the window. */
#define RATES_EDGE 0.5
/* Rates printed per sector. */
#define RATES_SHOW 6

struct window {
  double half, h; /* half-width of the window and node spacing */
  size_t n;
  struct ghdk_rates *r;
};

/* The rates of problem p on its window scaled by `scale` at the same spacing (N scaled and
 * rounded, the window then fitted to N nodes). ref NULL: the full analysis (step check, B, C,
 * Gamma); else a scan window that takes ref's error estimate and zero-mode threshold. */
static int rates_window(const struct ghdk_problem *p, double scale, const struct ghdk_rates *ref,
                        struct window *w)
{
  struct ghdk_problem q = *p;
  const double mid = 0.5 * (p->grid.a + p->grid.b), half = 0.5 * (p->grid.b - p->grid.a);
  q.grid.n = (size_t)lround((double)p->grid.n * scale);
  q.grid.a = mid - half * (double)q.grid.n / (double)p->grid.n;
  q.grid.b = mid + half * (double)q.grid.n / (double)p->grid.n;
  w->half = 0.5 * (q.grid.b - q.grid.a);
  w->h = (q.grid.b - q.grid.a) / (double)q.grid.n;
  w->n = q.grid.n;
  w->r = NULL;
  struct ghdk_setup s;
  GHDK_CHECK(ghdk_setup_new(&q, &s));
  struct ghdk_coll *c = NULL;
  double *rho0 = malloc(s.ns * s.n * sizeof *rho0);
  int rc = rho0 ? GHDK_OK : GHDK_ERROR(GHDK_ERR_NOMEM, "rates: state");
  if (!rc)
    rc = ghdk_coll_new(&(struct ghdk_coll_inp){.name = q.coll_name,
                                               .model = s.model,
                                               .grid = s.grid,
                                               .dressing = q.dressing,
                                               .dress_tol = q.dress_tol,
                                               .coefficients = q.coll_coefficients,
                                               .quad_order = q.coll_quad_order,
                                               .tau = q.coll_tau,
                                               .conserve_number = q.coll_conserve_number},
                       &c);
  if (!rc)
    rc = ghdk_initial_state(&q, &s, rho0);
  if (!rc)
    rc = ghdk_rates_new(
        &(struct ghdk_rates_inp){.coll = c,
                                 .tba = s.tba,
                                 .rho0 = rho0,
                                 .check_step = !ref,
                                 .step_mode = ref ? ref->step_mode : GHDK_RATES_STEP_AUTO,
                                 .fd_error = ref ? ref->fd_error : 0.0,
                                 .zero_tol = ref ? ref->zero_tol : 0.0,
                                 .ncharge = ref ? 0 : q.ncharge,
                                 .charges = q.charges},
        &w->r);
  free(rho0);
  ghdk_coll_free(c);
  ghdk_setup_free(&s);
  return rc;
}

static const char *parity_name(int parity)
{
  return parity > 0 ? "even" : (parity < 0 ? "odd" : "mixed");
}

static void print_matrix(FILE *f, const char *name, const double *a, size_t nq)
{
  fprintf(f, "  %s =\n", name);
  for (size_t i = 0; i < nq; i++) {
    fputs("   ", f);
    for (size_t j = 0; j < nq; j++)
      fprintf(f, " % .6e", a[i * nq + j]);
    fputc('\n', f);
  }
}

static void print_spectrum(FILE *f, const struct ghdk_rates *r)
{
  size_t zs[3] = {0, 0, 0};
  double zmax = 0.0, nzmin = INFINITY;
  for (size_t k = 0; k < r->nmode; k++) {
    const struct ghdk_rate_mode *mo = &r->mode[k];
    const double a = hypot(mo->rate, mo->imag) / r->lambda_max;
    if (mo->zero) {
      zs[mo->parity > 0 ? 0 : (mo->parity < 0 ? 1 : 2)]++;
      zmax = fmax(zmax, a);
    } else {
      nzmin = fmin(nzmin, a);
    }
  }
  fprintf(f, "zero modes: %zu", r->nzero);
  if (r->parity_split)
    fprintf(f, " (%zu even, %zu odd)", zs[0], zs[1]);
  if (r->deflated)
    fprintf(f,
            ", the tangents d rho_p/d beta_k of the %zu declared collision invariants, split off "
            "exactly (max|lambda| = %.6g)\n",
            r->ninv, r->lambda_max);
  else
    fprintf(f,
            ", |lambda| <= %.1e max|lambda| (max|lambda| = %.6g); the kernel declares %zu "
            "collision invariants\n",
            r->zero_tol, r->lambda_max, r->ninv);
  fprintf(f, "  largest |lambda| of a zero mode %.2e max|lambda|, smallest non-zero %.2e\n", zmax,
          nzmin);
  if (r->nzero <= RATES_SHOW) {
    fprintf(f, "  lambda / max|lambda|:");
    for (size_t k = 0; k < r->nzero; k++)
      fprintf(f, " %.2e (%s)", -r->mode[k].rate / r->lambda_max, parity_name(r->mode[k].parity));
    fputc('\n', f);
  }
  if (r->nzero > r->ninv)
    fprintf(f,
            "  %zu zero modes more than declared invariants: the kernel conserves more "
            "(coupled_ll: rho_a + rho_b at every node, N_theta + 1 in all)\n",
            r->nzero - r->ninv);
  else if (r->nzero < r->ninv)
    fprintf(f, "  fewer zero modes than declared invariants: check the kernel's conservation\n");
  if (r->nunstable)
    fprintf(f, "  WARNING: %zu non-zero modes grow (rate < 0): the reference is not stable\n",
            r->nunstable);
  const double wn = r->weight_total - r->weight_zero;
  fprintf(f, "slowest non-zero rates (1/tbar) [fraction on the outer 10%% of the window, overlap "
             "weight / non-zero total]:\n");
  for (int s = 1; s >= -1; s--) {
    size_t shown = 0;
    for (size_t k = 0; k < r->nmode && shown < RATES_SHOW; k++) {
      const struct ghdk_rate_mode *mo = &r->mode[k];
      if (mo->zero || mo->parity != s)
        continue;
      if (!shown)
        fprintf(f, "  %-5s", parity_name(s));
      fprintf(f, " %.6g", mo->rate);
      if (mo->imag != 0.0)
        fprintf(f, "%+.2gi", -mo->imag);
      fprintf(f, " [%.2f, %.1e]", mo->edge, wn > 0 ? mo->weight / wn : 0.0);
      shown++;
    }
    if (shown)
      fputc('\n', f);
  }
  fprintf(f, "overlap with delta rho = rho_0 - rho_ref (metric norm^2 %.6e):\n", r->weight_total);
  fprintf(f, "  weight in the zero modes: %.2e of the total\n",
          r->weight_total > 0 ? r->weight_zero / r->weight_total : 0.0);
  if (isnan(r->slowest_weighted))
    fprintf(f, "  no non-zero mode carries weight (rho_0 is the reference state)\n");
  else
    fprintf(f,
            "  slowest mode with weight > 1e-3 of the non-zero total: rate %.6g (%s, edge "
            "fraction %.2f)\n"
            "  overlap-weighted mean rate: %.6g\n",
            r->slowest_weighted, parity_name(r->slowest_weighted_parity), r->slowest_weighted_edge,
            r->mean_rate);
  if (!isnan(r->rate_quantile[0]))
    fprintf(f, "  rates below which 1%%, 10%%, 50%% of the weight lies: %.6g, %.6g, %.6g\n",
            r->rate_quantile[0], r->rate_quantile[1], r->rate_quantile[2]);
  if (!isnan(r->slowest_bulk))
    fprintf(f, "  slowest bulk mode (edge fraction < 0.1): rate %.6g (%s, weight %.1e)\n",
            r->slowest_bulk, parity_name(r->slowest_bulk_parity), r->slowest_bulk_weight);
}

/* Gapless, window-dependent or gapped, from the smallest non-zero rate on the scanned windows
 * (ascending width; NULL entries failed). */
static void print_verdict(FILE *f, const struct window *win, size_t nw, const struct ghdk_rates *r)
{
  double first = NAN, last = NAN, prev = INFINITY;
  int monotone = 1;
  size_t ok = 0;
  for (size_t i = 0; i < nw; i++) {
    if (!win[i].r)
      continue;
    const double g = win[i].r->gap_all;
    monotone &= g < prev;
    prev = g;
    if (!ok++)
      first = g;
    last = g;
  }
  const char *gap_note = "gap (smallest non-zero rate)";
  if (ok < 2) {
    fprintf(f, "verdict: window dependence not checked; %s %.6g, edge fraction %.2f\n", gap_note,
            r->gap_all, r->gap_edge);
    return;
  }
  const int moves = monotone && first - last > RATES_MOVES * r->gap_all;
  if (moves && r->gap_edge > RATES_EDGE) {
    fprintf(f,
            "verdict: GAPLESS. The smallest rates fall as the window widens (%.4g -> %.4g) and "
            "their modes sit at the window edges (edge fraction %.2f): the spectrum is "
            "continuous down to zero and the smallest eigenvalue of the discretised operator is "
            "a cutoff artefact, not a gap. Use the overlap-weighted rates above.\n",
            first, last, r->gap_edge);
  } else if (moves) {
    fprintf(f,
            "verdict: WINDOW-DEPENDENT. The smallest rate moves with the window (%.4g -> %.4g) "
            "but its mode lies in the bulk (edge fraction %.2f): the window or the grid is not "
            "converged.\n",
            first, last, r->gap_edge);
  } else {
    fprintf(f, "verdict: GAPPED. gamma =");
    for (int s = 0; s < 3; s++)
      if (!isnan(r->gap[s]))
        fprintf(f, " %.10g (%s)", r->gap[s], parity_name(s == 0 ? 1 : (s == 1 ? -1 : 0)));
    fprintf(f, "; it changes by %.1e (relative) over the window scan\n",
            fabs(first - last) / r->gap_all);
  }
}

static void print_boltzmann(FILE *f, const struct ghdk_rates *r, const struct ghdk_problem *p)
{
  if (!r->ncharge)
    return;
  if (!r->gge) {
    fprintf(f, "B, C and Gamma: not defined: the reference state (the kernel's own fixed point) "
               "is not a GGE, so it has no beta_j to perturb\n");
    return;
  }
  struct ghdk_model *m = NULL;
  if (ghdk_model_new(&p->model, &m) != GHDK_OK)
    return;
  fprintf(f, "Boltzmann matrices around the reference GGE on the charges");
  for (size_t i = 0; i < r->ncharge; i++) {
    char buf[32];
    fprintf(f, " h_%d = %s", r->charges[i], m->charge_name(m, r->charges[i], buf, sizeof buf));
  }
  ghdk_model_free(m);
  fprintf(f,
          " (summed over species):\n"
          "  C_ij = d<q_i>/d beta_j (minus the static covariance), B_ij = -sum_k w_k h_i(theta_k) "
          "(L d rho_p/d beta_j)_k,\n"
          "  so that C d(delta beta)/dtbar = -B delta beta and, with Gamma = B C^-1, "
          "d(delta q)/dtbar = -Gamma delta q\n");
  print_matrix(f, "C", r->C, r->ncharge);
  print_matrix(f, "B", r->B, r->ncharge);
  print_matrix(f, "Gamma", r->Gamma, r->ncharge);
  fprintf(f, "  eigenvalues of Gamma (rates of the charges, 1/tbar):");
  for (size_t i = 0; i < r->ncharge; i++) {
    fprintf(f, " %.6g", r->gamma_re[i]);
    if (r->gamma_im[i] != 0.0)
      fprintf(f, "%+.2gi", r->gamma_im[i]);
  }
  fputc('\n', f);
}

int ghdk_print_rates(const struct ghdk_problem *p, FILE *f)
{
  if (strcmp(p->kind, "homogeneous"))
    return GHDK_ERROR(GHDK_ERR_INPUT,
                      "%s: ghdk rates needs a deck of kind 'homogeneous' (one cell under a "
                      "collision kernel); this one is '%s'",
                      p->deck_path, p->kind);
  if (p->nx != 1)
    return GHDK_ERROR(GHDK_ERR_INPUT, "%s: kind 'homogeneous' is one cell: space.nx must be 1",
                      p->deck_path);
  /* Windows in ascending width; the deck's own is the full analysis. */
  struct window win[3];
  GHDK_CHECK(rates_window(p, 1.0, NULL, &win[1]));
  const struct ghdk_rates *r = win[1].r;
  fprintf(f, "# ghdk rates %s: kernel %s, model %s (%zu species), grid %s [%g, %g] N = %zu\n",
          p->deck_path, p->coll_name, p->model_name, r->size / p->grid.n,
          ghdk_quad_rule_name(p->grid.rule), p->grid.a, p->grid.b, p->grid.n);
  fprintf(f, "# L = dI/d rho_p at rho_ref, the kernel's fixed point with the invariants of the "
             "initial state; rates = -lambda in 1/tbar\n");
  fprintf(f, "reference: %s; max|I(rho_ref)| / max|I(rho_0)| = %.2e\n",
          r->gge ? "GGE (thermal state with the invariants of rho_0)"
                 : "the kernel's own fixed point (not a GGE)",
          r->fixed_point_residual);
  if (r->gge) {
    struct ghdk_model *m = NULL;
    if (ghdk_model_new(&p->model, &m) == GHDK_OK) {
      fprintf(f, "  its source W = sum_k beta_k h_k:");
      for (size_t k = 0; k < r->ninv; k++) {
        char buf[32];
        fprintf(f, " beta = %.10g on %s", r->beta_ref[k],
                m->charge_name(m, r->inv[k].charge, buf, sizeof buf));
      }
      fputc('\n', f);
      ghdk_model_free(m);
    }
  }
  fprintf(f,
          "linearisation: second-order differences of the kernel's rhs, step h_j = %g %s; step x2 "
          "changes S by %.2e (relative)",
          r->fd_step,
          r->step_mode == GHDK_RATES_STEP_RELATIVE
              ? "rho_j (relative: linear however small rho_j)"
              : "sqrt(rho_j max rho) (the same size at every node in the entropy metric)",
          r->fd_error);
  if (!isnan(r->fd_error_other))
    fprintf(f, ", %.2e with the %s steps", r->fd_error_other,
            r->step_mode == GHDK_RATES_STEP_RELATIVE ? "metric" : "relative");
  fputc('\n', f);
  fprintf(f, "metric: %s, |S - S^T| / |S| = %.2e -> %s", r->metric, r->asymmetry,
          r->symmetric ? "symmetric eigensolver\n" : "nonsymmetric eigensolver");
  if (!r->symmetric)
    fprintf(f, ", largest |Im lambda| = %.2e (%.1e max|lambda|)\n", r->max_imag,
            r->max_imag / r->lambda_max);
  if (r->parity_split)
    fprintf(f, "parity: even and odd sectors solved separately (|R S R - S| / |S| = %.1e)\n",
            r->parity_defect);
  else
    fprintf(f,
            "parity: L does not commute with theta -> -theta (defect %.1e): parity of each "
            "mode measured\n",
            r->parity_defect);
  print_spectrum(f, r);

  /* The cutoff scan needs the state on other grids: a sampled source W cannot be resampled. */
  int scan = 1;
  for (size_t a = 0; a < r->size / p->grid.n; a++)
    scan &= p->state[a].kind != GHDK_STATE_SOURCE;
  win[0].r = win[2].r = NULL;
  if (scan) {
    for (int i = 0; i < 2; i++) {
      struct window *w = &win[i == 0 ? 0 : 2];
      if (rates_window(p, scan_scale[i], r, w) != GHDK_OK)
        fprintf(f, "(window scale %g failed: see the message above)\n", scan_scale[i]);
    }
    fprintf(f, "window dependence (same spacing h = %.6g):\n", win[1].h);
    fprintf(f, "  %-9s %-6s %-6s %-13s %-6s %-13s %-13s %-13s %s\n", "L", "N", "zero",
            "smallest rate", "edge", "slowest bulk", "w > 1e-3", "1% quantile", "weighted mean");
    for (int i = 0; i < 3; i++)
      if (win[i].r)
        fprintf(f, "  %-9.5g %-6zu %-6zu %-13.6g %-6.2f %-13.6g %-13.6g %-13.6g %.6g\n",
                win[i].half, win[i].n, win[i].r->nzero, win[i].r->gap_all, win[i].r->gap_edge,
                win[i].r->slowest_bulk, win[i].r->slowest_weighted, win[i].r->rate_quantile[0],
                win[i].r->mean_rate);
    print_verdict(f, win, 3, r);
  } else {
    fprintf(f, "window dependence: not scanned (state.W is sampled on the deck's grid); check "
               "with --set grid.L=... --set grid.N=...\n");
    print_verdict(f, win + 1, 1, r);
  }
  print_boltzmann(f, r, p);
  for (int i = 0; i < 3; i++)
    ghdk_rates_free(win[i].r);
  return GHDK_OK;
}
