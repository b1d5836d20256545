/* SPDX-License-Identifier: BSD-3-Clause */
/* Inverse problems: the GGE with prescribed charge densities (thermal state with given particle,
 * momentum and energy densities, for collision closures), and fitted effective inverse
 * temperatures beta_i of an arbitrary state (physics.md 3). */
#include "ghdk/status.h"
#include "tba_priv.h"

#include <gsl/gsl_linalg.h>
#include <math.h>
#include <string.h>

/* Newton's iterates may pass through states with more weight at the window edges than the
 * solution may have (GHDK_TBA_EDGE_OCCUPATION): a wall at the solution's threshold blocks every
 * step of a guess that sits on it. Trials are only kept from piling up at the edges. */
#define EDGE_TRIAL 1e-2
/* Largest change of W in one Newton step where the state has weight (see ghdk_tba_match). */
#define MAX_DW 8.0

static int covers(const struct ghdk_constraint *c, size_t a)
{
  return c->species_mask == 0 || (c->species_mask >> a) & 1u;
}

/* Largest occupation at a window edge relative to the species' maximum, over the species. */
static double edge_ratio(const struct ghdk_tba *t, const double *n)
{
  double r = 0.0;
  for (size_t a = 0; a < t->ns; a++) {
    double nmax = 0.0;
    for (size_t j = 0; j < t->n; j++)
      nmax = fmax(nmax, n[a * t->n + j]);
    if (nmax > 0.0)
      r = fmax(r, fmax(n[a * t->n], n[a * t->n + t->n - 1]) / nmax);
  }
  return r;
}

/* The state of coefficients beta: W, n, rho_p, charges Q and their scales sum |rho_p h|, and the
 * dual objective psi = sum beta q - f(beta) with f = -sum_a integral p'/(2 pi) F. A status other
 * than GHDK_OK means beta lies outside the domain (no valid state). */
struct match_eval {
  double q[GHDK_TBA_MAX_CON], scale[GHDK_TBA_MAX_CON], psi;
};

static int match_eval(struct ghdk_tba *t, size_t ncon, const struct ghdk_constraint *con,
                      const double *target, const double *beta, double edge, double *n,
                      double *rho_p, struct match_eval *ev)
{
  double *w = t->s[8];
  memset(w, 0, t->size * sizeof *w);
  for (size_t k = 0; k < ncon; k++)
    for (size_t a = 0; a < t->ns; a++)
      if (covers(&con[k], a))
        for (size_t j = 0; j < t->n; j++)
          w[a * t->n + j] += beta[k] * t->h[con[k].charge][a * t->n + j];
  for (size_t i = 0; i < t->size; i++)
    if (t->stat[i / t->n] == GHDK_BOSON && !(w[i] > 0.0))
      return GHDK_ERR_DOMAIN;
  if (ghdk_tba_gge(t, w, NULL, n, rho_p) != GHDK_OK)
    return GHDK_ERR_DOMAIN;
  /* On a finite window any beta gives a finite dual, also beta_2 < 0 (a state piling up at the
   * window edges): no thermal state of the whole line, and near-singular covariances on the way
   * there; refused unless the caller asked for the state on the window (edge = INFINITY). */
  if (edge_ratio(t, n) > edge)
    return GHDK_ERR_DOMAIN;
  double phi[GHDK_MAX_SPECIES];
  ghdk_tba_free_energy(t, n, phi);
  ev->psi = 0.0;
  for (size_t a = 0; a < t->ns; a++)
    ev->psi += phi[a];
  for (size_t k = 0; k < ncon; k++) {
    double q = 0.0, sc = 0.0;
    for (size_t a = 0; a < t->ns; a++)
      if (covers(&con[k], a))
        for (size_t j = 0; j < t->n; j++) {
          const size_t i = a * t->n + j;
          const double v = t->grid->w[j] * rho_p[i] * t->h[con[k].charge][i];
          q += v;
          sc += fabs(v);
        }
    ev->q[k] = q;
    ev->scale[k] = sc;
    ev->psi += beta[k] * target[k];
  }
  return GHDK_OK;
}

/* Largest residual |Q - q| in units of its tolerance 1e-12 * scale. */
static double match_residual(size_t ncon, const double *target, const struct match_eval *ev)
{
  double r = 0.0;
  for (size_t k = 0; k < ncon; k++)
    r = fmax(r, fabs(ev->q[k] - target[k]) / (1e-12 * ev->scale[k] + 1e-300));
  return r;
}

int ghdk_tba_match(struct ghdk_tba *t, size_t ncon, const struct ghdk_constraint *con,
                   const double *q_target, double *beta, double *n, double *rho_p, double *edge)
{
  if (ncon == 0 || ncon > GHDK_TBA_MAX_CON)
    return GHDK_ERROR(GHDK_ERR_DOMAIN, "thermal inverse problem with %zu constraints (1..%d)", ncon,
                      GHDK_TBA_MAX_CON);
  for (size_t k = 0; k < ncon; k++)
    if (con[k].charge < 0 || con[k].charge >= GHDK_MAX_CHARGES)
      return GHDK_ERROR(GHDK_ERR_DOMAIN, "constraint on charge %d (0..%d)", con[k].charge,
                        GHDK_MAX_CHARGES - 1);
  double *nn = n ? n : t->s[9], *rp = rho_p ? rho_p : t->s[10];
  /* On the window (edge != NULL) the solution may carry any weight at the edges, so the guess
   * and Newton's trials may too. */
  const double edge_trial = edge ? INFINITY : EDGE_TRIAL;
  struct match_eval ev;
  /* A guess that is no valid state (e.g. a temperature fitted to a Bragg-split state, far hotter
   * than the window holds) is cooled, W -> 2 W, until it is: scaling keeps a bosonic W > 0 and
   * shrinks the occupation's edge-to-peak ratio. */
  int valid = match_eval(t, ncon, con, q_target, beta, edge_trial, nn, rp, &ev) == GHDK_OK;
  for (int cool = 0; !valid && cool < 40; cool++) {
    for (size_t k = 0; k < ncon; k++)
      beta[k] *= 2.0;
    valid = match_eval(t, ncon, con, q_target, beta, edge_trial, nn, rp, &ev) == GHDK_OK;
  }
  if (!valid)
    return GHDK_SOLVE_FAIL(t, GHDK_ERR_DOMAIN,
                           "thermal inverse problem: no valid initial state (cooling the guess "
                           "did not remove its weight at the rapidity window edges)");
  /* Then particle numbers off by more than a factor e are matched by shifting W per species
   * (exact for a dilute gas, N ~ e^-W): from a guess many orders of magnitude too dilute or too
   * dense the Newton steps are too large for the line search to scale, from the right density
   * the dual is well conditioned. Kept if the shifted state is valid. A guess already close (the
   * closures' warm starts, every call) costs no extra solve. */
  double shifted[GHDK_TBA_MAX_CON], far = 0.0;
  memcpy(shifted, beta, ncon * sizeof *beta);
  for (size_t k = 0; k < ncon; k++)
    if (con[k].charge == 0 && ev.q[k] > 0.0 && q_target[k] > 0.0) {
      shifted[k] += log(ev.q[k] / q_target[k]);
      far = fmax(far, fabs(shifted[k] - beta[k]));
    }
  struct match_eval evs;
  if (far > 1.0) {
    if (match_eval(t, ncon, con, q_target, shifted, edge_trial, nn, rp, &evs) == GHDK_OK) {
      memcpy(beta, shifted, ncon * sizeof *beta);
      ev = evs;
    } else {
      match_eval(t, ncon, con, q_target, beta, edge_trial, nn, rp, &ev);
    }
  }
  const int max_newton = 100;
  double r = match_residual(ncon, q_target, &ev);
  int it = 0;
  for (; r > 1.0 && it < max_newton; it++) {
    /* Newton on the convex dual psi: gradient q - Q, Hessian the covariance
     * C_kl = sum_a integral rho_p f g_k^dr g_l^dr (rho_p f = rho_s n f). */
    GHDK_CHECK(ghdk_tba_set_occupation(t, nn));
    for (size_t k = 0; k < ncon; k++) {
      double *g = t->gdr[k];
      for (size_t i = 0; i < t->size; i++)
        g[i] = covers(&con[k], i / t->n) ? t->h[con[k].charge][i] : 0.0;
      GHDK_CHECK(ghdk_tba_dress(t, g, g));
    }
    double cdata[GHDK_TBA_MAX_CON * GHDK_TBA_MAX_CON], rdata[GHDK_TBA_MAX_CON],
        ddata[GHDK_TBA_MAX_CON];
    for (size_t k = 0; k < ncon; k++) {
      rdata[k] = ev.q[k] - q_target[k];
      for (size_t l = 0; l <= k; l++) {
        double sum = 0.0;
        for (size_t i = 0; i < t->size; i++) {
          const size_t a = i / t->n;
          const double f = 1.0 - ghdk_stat_sigma(t->stat[a]) * nn[i];
          sum += t->grid->w[i % t->n] * rp[i] * f * t->gdr[k][i] * t->gdr[l][i];
        }
        cdata[k * ncon + l] = cdata[l * ncon + k] = sum;
      }
    }
    gsl_matrix_view cm = gsl_matrix_view_array(cdata, ncon, ncon);
    gsl_vector_view rv = gsl_vector_view_array(rdata, ncon),
                    dv = gsl_vector_view_array(ddata, ncon);
    if (gsl_linalg_cholesky_decomp1(&cm.matrix) ||
        gsl_linalg_cholesky_solve(&cm.matrix, &rv.vector, &dv.vector))
      return GHDK_SOLVE_FAIL(t, GHDK_ERR_NOCONV,
                             "thermal inverse problem: singular covariance (are "
                             "two constraints the same charge?)");
    double slope = 0.0; /* directional derivative of psi along delta: -(Q - q).C^-1(Q - q) */
    for (size_t k = 0; k < ncon; k++)
      slope -= rdata[k] * ddata[k];
    /* Far from the solution the full step can change W by tens where the state has weight
     * (n above 1e-6 of its maximum): at most MAX_DW per step, so that the backtracking starts
     * where the quadratic model means something. */
    double dw = 0.0;
    for (size_t a = 0; a < t->ns; a++) {
      double nmax = 0.0;
      for (size_t j = 0; j < t->n; j++)
        nmax = fmax(nmax, nn[a * t->n + j]);
      for (size_t j = 0; j < t->n; j++) {
        double v = 0.0;
        for (size_t k = 0; k < ncon; k++)
          if (covers(&con[k], a))
            v += ddata[k] * t->h[con[k].charge][a * t->n + j];
        if (nn[a * t->n + j] >= 1e-6 * nmax)
          dw = fmax(dw, fabs(v));
      }
    }
    double trial[GHDK_TBA_MAX_CON], lambda = dw > MAX_DW ? MAX_DW / dw : 1.0;
    int accepted = 0;
    for (int ls = 0; ls < 50 && !accepted; ls++, lambda *= 0.5) {
      for (size_t k = 0; k < ncon; k++)
        trial[k] = beta[k] + lambda * ddata[k];
      struct match_eval evt;
      if (match_eval(t, ncon, con, q_target, trial, edge_trial, nn, rp, &evt) != GHDK_OK)
        continue;
      const double rt = match_residual(ncon, q_target, &evt);
      /* Armijo on the convex dual, or plain decrease of the residual once the decrease Armijo
       * asks for is below psi's round-off (near the solution). Far from it the residual is no
       * guide: it is relative to the trial's own charges, so a jump from a nearly empty state
       * to a dense one "decreases" it. */
      const int flat = -1e-4 * lambda * slope <= 1e-13 * fabs(ev.psi);
      if (evt.psi <= ev.psi + 1e-4 * lambda * slope || (flat && rt < r)) {
        memcpy(beta, trial, ncon * sizeof *beta);
        ev = evt;
        r = rt;
        accepted = 1;
      }
    }
    if (!accepted)
      break;
  }
  /* Where Newton stopped, and the last trial evaluated may not be the accepted one: recompute
   * the outputs at beta. A state that does not fit in the window (a stalled Newton usually sits
   * against the trials' edge limit) names the window as the cause. */
  const int fits = match_eval(t, ncon, con, q_target, beta,
                              edge ? INFINITY : GHDK_TBA_EDGE_OCCUPATION, nn, rp, &ev) == GHDK_OK;
  if (!fits)
    return GHDK_SOLVE_FAIL(t, GHDK_ERR_DOMAIN,
                           "thermal inverse problem: %s occupation at the rapidity window edges "
                           "exceeds %g of its maximum (enlarge the window)",
                           r > 1.0 ? "no solution found; the best state's" : "the solution's",
                           GHDK_TBA_EDGE_OCCUPATION);
  if (r > 1.0)
    return GHDK_SOLVE_FAIL(t, GHDK_ERR_NOCONV,
                           "thermal inverse problem: charges off by %.3g x tolerance after %d "
                           "Newton steps",
                           r, it);
  if (edge)
    *edge = edge_ratio(t, nn);
  return GHDK_OK;
}

int ghdk_tba_fit_betas(struct ghdk_tba *t, const double *n, const double *rho_s, size_t nq,
                       const int *charges, double *beta, double *rms)
{
  if (nq == 0 || nq > GHDK_MAX_CHARGES || nq > t->n)
    return GHDK_ERROR(GHDK_ERR_DOMAIN, "beta fit on %zu charges (1..%d, at most the nodes)", nq,
                      GHDK_MAX_CHARGES);
  /* Recover W = eps + T F(eps) (the source that produces n) wherever n is a valid occupation. */
  double *f = t->s[8], *tf = t->s[9], *wsrc = t->s[10];
  for (size_t i = 0; i < t->size; i++) {
    const enum ghdk_statistics st = t->stat[i / t->n];
    const int ok = n[i] > 0 && (st != GHDK_FERMION || n[i] < 1);
    f[i] = ok ? ghdk_stat_F_of_n(st, n[i]) : 0.0;
    wsrc[i] = ok ? ghdk_stat_eps(st, n[i]) : NAN;
  }
  ghdk_tba_apply_kernel(t, f, tf);
  for (size_t a = 0; a < t->ns; a++) {
    const double sigma = ghdk_stat_sigma(t->stat[a]);
    gsl_matrix_view am = gsl_matrix_view_array(t->lsq_a, t->n, nq);
    double colscale[GHDK_MAX_CHARGES] = {0}, wsum = 0.0;
    for (size_t k = 0; k < t->n; k++) {
      const size_t i = a * t->n + k;
      const double wt = t->grid->w[k] * rho_s[i] * n[i] * (1.0 - sigma * n[i]);
      const double sw = isfinite(wsrc[i]) && wt > 0 ? sqrt(wt) : 0.0;
      wsum += sw * sw;
      t->lsq_b[k] = sw > 0 ? sw * (wsrc[i] + tf[i]) : 0.0;
      for (size_t c = 0; c < nq; c++) {
        const double v = sw * t->h[charges[c]][i];
        gsl_matrix_set(&am.matrix, k, c, v);
        colscale[c] += v * v;
      }
    }
    /* Unit columns: the monomials theta^i differ by many orders of magnitude on the window. */
    for (size_t c = 0; c < nq; c++) {
      if (!(colscale[c] > 0))
        return GHDK_SOLVE_FAIL(t, GHDK_ERR_DOMAIN,
                               "beta fit: charge %d has no weight on species %zu", charges[c], a);
      colscale[c] = sqrt(colscale[c]);
      for (size_t k = 0; k < t->n; k++)
        *gsl_matrix_ptr(&am.matrix, k, c) /= colscale[c];
    }
    double tau_d[GHDK_MAX_CHARGES], x_d[GHDK_MAX_CHARGES];
    gsl_vector_view tau = gsl_vector_view_array(tau_d, nq), x = gsl_vector_view_array(x_d, nq);
    gsl_vector_view b = gsl_vector_view_array(t->lsq_b, t->n),
                    res = gsl_vector_view_array(t->lsq_r, t->n);
    if (gsl_linalg_QR_decomp(&am.matrix, &tau.vector) ||
        gsl_linalg_QR_lssolve(&am.matrix, &tau.vector, &b.vector, &x.vector, &res.vector))
      return GHDK_ERROR(GHDK_ERR_LIB, "beta fit: least squares on species %zu", a);
    for (size_t c = 0; c < nq; c++)
      beta[a * nq + c] = x_d[c] / colscale[c];
    if (rms) {
      double r2 = 0.0;
      for (size_t k = 0; k < t->n; k++)
        r2 += t->lsq_r[k] * t->lsq_r[k];
      rms[a] = wsum > 0 ? sqrt(r2 / wsum) : 0.0;
    }
  }
  return GHDK_OK;
}
