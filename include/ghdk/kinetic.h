/* SPDX-License-Identifier: BSD-3-Clause */
/** @file kinetic.h
 * Collision kernels: the right-hand side I[rho_p] of d rho_p / d tbar = I[rho_p] in one cell
 * (tbar = lambda^2 t; physics.md 4), chosen by name. A kernel is a struct of function pointers
 * plus metadata, embedded first in the concrete kernel; all precomputation (kinematic tables,
 * quadrature rules, kernel matrices, a private TBA workspace) happens in ghdk_coll_new, and
 * `rhs` does not allocate. One kernel object per thread.
 */
#ifndef GHDK_KINETIC_H
#define GHDK_KINETIC_H

#include "ghdk/grid.h"
#include "ghdk/model.h"
#include "ghdk/tba.h"

#include <stddef.h>

/** Largest number of collision invariants of a kernel. */
#define GHDK_COLL_MAX_INV 8

struct ghdk_coll;

/** The kernel interface. */
struct ghdk_coll {
  const char *name; /**< registry name */
  size_t ns, n;     /**< species and rapidity nodes: vectors are stacked [species][theta] */
  /** Collision invariants the kernel conserves exactly (to round-off): particle number of a
   * species set, momentum, energy. ghdk_coll_project removes the discretisation's violation. */
  size_t ninv;
  struct ghdk_constraint inv[GHDK_COLL_MAX_INV];
  /** d rho_p / d tbar of one cell into drho (both stacked, length ns*n), with its invariants
   * already projected out. Returns GHDK_OK, GHDK_ERR_DOMAIN if rho_p is not a valid state
   * (ghdk_coll_valid fails, n >= 1 for fermions: recoverable, the integrator shrinks its step),
   * or another status on failure. */
  int (*rhs)(struct ghdk_coll *c, const double *rho_p, double *drho);
  /** The kernel's fixed point with the invariants of rho_p into rho_eq; beta (may be NULL)
   * receives the coefficients of the invariants in its source W where it is a GGE. NULL: the
   * boosted thermal state with the same invariants (ghdk_coll_thermal_equilibrium). */
  int (*equilibrium)(struct ghdk_coll *c, const double *rho_p, double *rho_eq, double *beta);
  void (*free)(struct ghdk_coll *c);
  /** Closure targets (relaxation) since the kernel was made, one per call of rhs (the
   * integrator's and the preconditioner's): how many were computed and how many the rapidity
   * window truncated (edge-to-peak occupation above GHDK_TBA_EDGE_OCCUPATION), the particle
   * numbers of their cells summed, the largest truncated ratio. Zero for kernels without a
   * target. */
  struct ghdk_coll_window {
    long long targets, truncated;
    double mass, mass_truncated, max_edge;
  } window;
};

/** Parameters of every registered kernel; each reads the fields it knows. */
struct ghdk_coll_inp {
  const char *name;                /**< "phi6", "coupled_ll", "relaxation" */
  const struct ghdk_model *model;  /**< borrowed, must outlive the kernel */
  const struct ghdk_grid *grid;    /**< borrowed, must outlive the kernel */
  enum ghdk_dress_method dressing; /**< for the kernel's private TBA workspace */
  double dress_tol;
  const char *coefficients; /**< phi6: "golden_rule" (default) or "printed" (physics.md 4.1) */
  size_t quad_order;        /**< phi6: nodes of the inner (threshold) rule; 0: default */
  double tau;               /**< relaxation: relaxation time in units of tbar, > 0 */
  int conserve_number;      /**< relaxation: also conserve each species' particle number */
};

/** Build the kernel registered under inp->name; unknown names are GHDK_ERR_INPUT with the list
 * of known ones; a kernel that does not apply to the model (phi6 needs free_boson, coupled_ll
 * two lieb_liniger species) is GHDK_ERR_INPUT too. */
int ghdk_coll_new(const struct ghdk_coll_inp *inp, struct ghdk_coll **out);
/** Free a kernel (NULL allowed). */
void ghdk_coll_free(struct ghdk_coll *c);
/** Registered kernel names, NULL-terminated. */
const char *const *ghdk_coll_names(void);

/** The fixed point of kernel c with the invariants of rho_p: c->equilibrium if set, else the
 * boosted thermal state with the same invariants (ghdk_coll_thermal_equilibrium). */
int ghdk_coll_equilibrium(struct ghdk_coll *c, struct ghdk_tba *tba, const double *rho_p,
                          double *rho_eq, double *beta);

/** The GGE W = sum_k beta_k g_k over the invariants g_k of c whose invariants equal those of
 * rho_p (the thermal inverse problem, ghdk_tba_match). beta holds the initial guess on input if
 * *have_guess, else the guess comes from the state's own fitted effective temperatures; on
 * success beta holds the solution and *have_guess is set. A failed warm start is retried from
 * the fitted guess. rho_eq (may be NULL) receives the equilibrium state; occ holds the
 * occupation n and then the state density rho_s of rho_p (ghdk_tba_occupation, 2 ns n doubles),
 * which the caller has already (no allocation or second TBA solve here: relaxation calls this in
 * its right-hand side). edge NULL:
 * the thermal state of the whole line, which must fit in the window; else the maximum-entropy
 * state on the window and its edge-to-peak occupation ratio in *edge (ghdk_tba_match). */
int ghdk_coll_thermal_equilibrium(const struct ghdk_coll *c, struct ghdk_tba *tba,
                                  const double *rho_p, double *rho_eq, double *beta,
                                  int *have_guess, const double *occ, double *edge);

/** Values q[k] of the invariants of c in the state rho_p (sum over their species of
 * integral rho_p h) and, if scale is not NULL, their scales sum |w rho_p h|. */
void ghdk_coll_invariants(const struct ghdk_coll *c, const struct ghdk_tba *tba,
                          const double *rho_p, double *q, double *scale);

/** Negative densities down to -GHDK_COLL_NEGATIVE_TOL max|rho_p| are round-off that an
 * integrator produces near empty regions; kernels accept them. */
#define GHDK_COLL_NEGATIVE_TOL 1e-10

/** 1 if rho_p (size values) is a valid kernel input: finite, no value below
 * -GHDK_COLL_NEGATIVE_TOL max|rho_p|. */
int ghdk_coll_valid(const double *rho_p, size_t size);

/** Conservative correction: replace drho by drho - sum_k lambda_k rho_p f g_k (f = 1 - sigma n,
 * g_k the invariants) with lambda chosen so that sum_a integral g_k drho = 0 for every invariant
 * k. The correction vanishes where rho_p does. Uses a small fixed-size system; no allocation.
 * n: occupation of rho_p (stacked). */
int ghdk_coll_project(const struct ghdk_coll *c, const struct ghdk_model *m,
                      const struct ghdk_grid *g, const double *rho_p, const double *n,
                      double *drho);

/* Relaxation rates without time stepping (ghdk rates; physics.md 5, docs/theory.md). */

/** How the finite-difference steps h_j of the linearisation scale with the reference rho_j. */
enum ghdk_rates_step {
  /** Both below with the step check (check_step must be set, else METRIC): the one whose
   * doubled step changes S less. */
  GHDK_RATES_STEP_AUTO,
  /** h_j = step sqrt(rho_j max rho): the same size at every node in the entropy metric, so that
   * rounding and an inner solve's noise (relaxation: charges to 1e-12) are alike in every column;
   * in tails where h_j >> rho_j a nonlinear kernel leaves its linear regime. */
  GHDK_RATES_STEP_METRIC,
  /** h_j = step rho_j: linear at every node however small rho_j, but rounding / h_j grows as
   * rho_j falls, so the window must not hold more than ~25 decades of rho_p (phi6 at low T). */
  GHDK_RATES_STEP_RELATIVE
};

/** Input of ghdk_rates_new. */
struct ghdk_rates_inp {
  struct ghdk_coll *coll; /**< the kernel; its rhs is called 2 (ns n) times per step size */
  struct ghdk_tba *tba;   /**< TBA workspace on the kernel's model and grid (borrowed) */
  const double *rho0;     /**< initial state (stacked): its invariants fix the reference state */
  double step;            /**< finite-difference step (see step_mode); 0: 1e-4 */
  enum ghdk_rates_step step_mode;
  int check_step;  /**< also linearise with 2 step and report the difference (fd_error) */
  double fd_error; /**< without check_step: the error of L to assume (e.g. fd_error of the same
                        problem on another window) in the thresholds below; 0: none */
  double zero_tol; /**< zero modes (reference not a GGE): |lambda| <= zero_tol max|lambda|; 0:
                        max(1e-9, 100 fd_error), at most 1e-3 */
  size_t ncharge;  /**< charges h_i of C, B, Gamma (0: none) */
  const int *charges;
};

/** One eigenmode of the linearised collision operator L. */
struct ghdk_rate_mode {
  double rate;    /**< -Re lambda, in units of 1/tbar (> 0: decays) */
  double imag;    /**< Im lambda (0 when L is symmetric in the metric) */
  int zero;       /**< 1 for a zero mode (see ghdk_rates_new) */
  double tangent; /**< fraction of the unit mode in the span of the invariants' tangents d rho_p /
                       d beta_k (GGE reference; NaN otherwise) */
  int parity;     /**< +1 even, -1 odd under theta -> -theta, 0 mixed (no symmetry) */
  double weight;  /**< |c|^2, c the coefficient of the unit mode in the expansion of
                       U (rho0 - rho_ref) (U: metric factor, |U x|^2 the entropy metric) */
  double edge;    /**< fraction of the unit mode's weight on the outer 10% of the window */
};

/** The spectrum of L = dI/d rho_p at the kernel's fixed point, and derived rates. */
struct ghdk_rates {
  size_t size;                                   /**< ns n: unknowns and modes */
  size_t ninv;                                   /**< collision invariants the kernel declares */
  struct ghdk_constraint inv[GHDK_COLL_MAX_INV]; /**< the invariants (charge, species) */
  double *rho_ref;                    /**< reference state: ghdk_coll_equilibrium of rho0 (owned) */
  int gge;                            /**< 1 if the reference is a GGE (its beta are finite) */
  double beta_ref[GHDK_COLL_MAX_INV]; /**< its source W = sum_k beta_k h_k on the invariants */
  double fixed_point_residual;        /**< max|I(rho_ref)| / max|I(rho0)| */
  double fd_step, fd_error;           /**< step and |S(2 step) - S(step)|_F / |S|_F (inp->fd_error
                                           without check_step) */
  enum ghdk_rates_step step_mode;     /**< the steps used (METRIC or RELATIVE) */
  double fd_error_other;              /**< AUTO: fd_error of the steps not used (NaN otherwise) */
  int deflated;         /**< the invariants' tangents were split off exactly (GGE reference) */
  const char *metric;   /**< "entropy" (Yang-Yang, the model's statistics, dressed) or
                             "classical" (Boltzmann): whichever makes L most symmetric */
  double asymmetry;     /**< |S - S^T|_F / |S|_F of S = U L U^-1 in that metric */
  int symmetric;        /**< symmetric eigensolver used (asymmetry within fd accuracy) */
  int parity_split;     /**< even and odd sectors solved separately */
  double parity_defect; /**< |R S R - S|_F / |S|_F (NaN: grid not symmetric) */
  double max_imag, lambda_max; /**< largest |Im lambda| and |lambda| */
  double zero_tol;
  size_t nmode, nzero, nunstable; /**< modes, zero modes, non-zero modes with rate < 0 */
  struct ghdk_rate_mode *mode;    /**< zero modes first, then by rate ascending (owned) */
  double gap[3]; /**< smallest non-zero rate in the even, odd, mixed sector (NaN: none) */
  double gap_all, gap_edge; /**< smallest non-zero rate overall and its mode's edge fraction */
  double weight_total, weight_zero; /**< sum of weights, and over the zero modes */
  double mean_rate;                 /**< overlap-weighted mean of the non-zero rates */
  double slowest_weighted; /**< slowest non-zero mode with weight > 1e-3 of the non-zero total */
  double slowest_weighted_edge;
  int slowest_weighted_parity;
  /** Quantiles of the overlap-weighted spectral measure: the smallest rate below which 1%,
   * 10%, 50% of the non-zero weight lies. Unlike slowest_weighted they converge with N_theta
   * when the spectrum is continuous (each discrete mode's weight then falls like 1/N_theta). */
  double rate_quantile[3];
  double slowest_bulk;        /**< slowest non-zero mode with edge fraction < 0.1 (NaN: none) */
  double slowest_bulk_weight; /**< its weight / non-zero total */
  int slowest_bulk_parity;
  /* Around a GGE, on the charges h_i (summed over species), with C dbeta/dtbar = -B beta:
   * C_ij = d<q_i>/d beta_j, B_ij = -sum_k w_k h_i(theta_k) (L d rho_p/d beta_j)_k,
   * Gamma = B C^-1 (d q/dtbar = -Gamma delta q). Row-major ncharge^2; NULL unless gge. */
  size_t ncharge;
  int charges[GHDK_MAX_CHARGES];
  double *C, *B, *Gamma;
  double *gamma_re, *gamma_im; /**< eigenvalues of Gamma, ascending real part */
};

/** Linearise the kernel around the fixed point with the invariants of inp->rho0, by second-order
 * differences of its rhs column by column, and compute the spectrum in an entropy metric (parity
 * sectors, zero modes, overlaps with rho0 - rho_ref) and, around a GGE, C, B and Gamma. The
 * kernel's internal state (warm starts) changes; nothing else. *out owns the result.
 * Zero modes: around a GGE the tangents t_k = d rho_p/d beta_k of the family of fixed points are
 * exact right null vectors of L; S is restricted to the complement of their span (S -> Q S Q,
 * Q the orthogonal projector in the metric), which leaves the other eigenvalues unchanged and
 * makes the zero modes the ninv modes in that span (tangent > 1/2), however small the physical
 * rates are (phi6 at T = 0.1: 1e-6 of max|lambda|, below any threshold on |lambda|). Otherwise
 * (coupled_ll) |lambda| <= zero_tol max|lambda|. */
int ghdk_rates_new(const struct ghdk_rates_inp *inp, struct ghdk_rates **out);
/** Free a result of ghdk_rates_new (NULL allowed). */
void ghdk_rates_free(struct ghdk_rates *r);

#endif
