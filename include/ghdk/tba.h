/* SPDX-License-Identifier: BSD-3-Clause */
/** @file tba.h
 * The TBA core of one cell (physics.md 3): state densities, occupations, dressing, effective
 * velocities, GGE states (Yang-Yang), thermal states, the thermal inverse problem, charge,
 * current and entropy densities, free energy, and fitted effective inverse temperatures.
 *
 * Vectors over the state are stacked per species, rapidity fastest: v[a*n + k] for species a at
 * node k (n = grid->n). All workspaces are allocated by ghdk_tba_new; the functions below do not
 * allocate (ghdk_tba_match and ghdk_tba_fit_betas use small fixed-size GSL workspaces also made
 * at construction). A ghdk_tba is not thread-safe: use one per thread.
 */
#ifndef GHDK_TBA_H
#define GHDK_TBA_H

#include "ghdk/deck.h"
#include "ghdk/grid.h"
#include "ghdk/model.h"

#include <stddef.h>

/** Input for ghdk_tba_new. */
struct ghdk_tba_inp {
  const struct ghdk_model *model; /**< borrowed, must outlive the tba */
  const struct ghdk_grid *grid;   /**< borrowed, must outlive the tba */
  enum ghdk_dress_method method;  /**< auto: FFT when possible (uniform grid, difference kernel) */
  double tol;                     /**< relative tolerance of the iterative dressing; 0: 1e-14 */
};

struct ghdk_tba;

/** A constraint of the thermal inverse problem / GGE source: charge index i on the species in
 * mask (bit a set: species a; 0 means all species), i.e. Q = sum_{a in mask} integral rho_p h_i. */
struct ghdk_constraint {
  int charge;
  unsigned species_mask;
};

int ghdk_tba_new(const struct ghdk_tba_inp *inp, struct ghdk_tba **out);
void ghdk_tba_free(struct ghdk_tba *t);

/** The model and grid the workspace was built on (borrowed). */
const struct ghdk_model *ghdk_tba_model(const struct ghdk_tba *t);
const struct ghdk_grid *ghdk_tba_grid(const struct ghdk_tba *t);
/** Quiet mode: failures of the iterative solves (Yang-Yang, thermal inverse problem, beta fit)
 * return their status without printing, for callers that retry or treat them as recoverable. */
void ghdk_tba_set_quiet(struct ghdk_tba *t, int quiet);
/** Total vector length nspecies * ntheta. */
size_t ghdk_tba_size(const struct ghdk_tba *t);
/** 1 if the dressing uses the FFT path. */
int ghdk_tba_uses_fft(const struct ghdk_tba *t);

/** rho_s = p'/(2 pi) + T rho_p (explicit convolution, SM (15)). */
int ghdk_tba_rho_s(struct ghdk_tba *t, const double *rho_p, double *rho_s);
/** n = rho_p / rho_s (and rho_s if not NULL). */
int ghdk_tba_occupation(struct ghdk_tba *t, const double *rho_p, double *n, double *rho_s);

/** Fix the occupation n of the dressing operator (1 - T n) for the following ghdk_tba_dress
 * calls (dense path: LU factorisation here). */
int ghdk_tba_set_occupation(struct ghdk_tba *t, const double *n);
/** Solve (1 - T n) hdr = h for the occupation of the last ghdk_tba_set_occupation. */
int ghdk_tba_dress(struct ghdk_tba *t, const double *h, double *hdr);
/** ghdk_tba_dress with hdr holding an initial guess on input (e.g. the previous solution in a
 * time step): GMRES starts from its residual. The dense path ignores the guess. */
int ghdk_tba_dress_warm(struct ghdk_tba *t, const double *h, double *hdr);
/** v_eff of occupation n with dp_dr = (p')^dr and de_dr = (E')^dr both holding initial guesses
 * on input and the solutions on output. */
int ghdk_tba_veff_warm(struct ghdk_tba *t, const double *n, double *v_eff, double *dp_dr,
                       double *de_dr);
/** Effective velocity v_eff = (E')^dr / (p')^dr of occupation n (sets the occupation). Either
 * output may be NULL; dp_dr receives (p')^dr = 2 pi rho_s. */
int ghdk_tba_veff(struct ghdk_tba *t, const double *n, double *v_eff, double *dp_dr);

/** GGE of source W (stacked): solve the Yang-Yang equation eps = W - T F(eps) to
 * max |residual| < 1e-13 by damped Newton; outputs eps, n and rho_p (any may be NULL). For bosons
 * W must be > 0 at every node. */
int ghdk_tba_gge(struct ghdk_tba *t, const double *w, double *eps, double *n, double *rho_p);
/** Source W of a (boosted) thermal state on species a: beta (E - nu p - mu), beta = 1/T. */
void ghdk_tba_thermal_source(const struct ghdk_tba *t, size_t a, double T, double mu, double nu,
                             double *w_a);
/** Source W_a = sum_i beta[i] h_i on species a, i = 0 .. nbeta-1. */
void ghdk_tba_gge_source(const struct ghdk_tba *t, size_t a, size_t nbeta, const double *beta,
                         double *w_a);

/** Charge densities q[c] = integral rho_p h_{charges[c]} on each species: q[a*nq + c]. If v_eff
 * and j are not NULL, also currents j = integral rho_p v_eff h. */
void ghdk_tba_charges(const struct ghdk_tba *t, const double *rho_p, const double *v_eff, size_t nq,
                      const int *charges, double *q, double *j);
/** Entropy density of each species, s[a] (Yang-Yang for fermions, bosonic, Boltzmann). */
void ghdk_tba_entropy(const struct ghdk_tba *t, const double *rho_s, const double *n, double *s);
/** Generalised free energy per species: phi[a] = integral p'/(2 pi) F(eps), F = -ln(1-n)
 * (fermions), ln(1+n) (bosons), n (classical); for a thermal state it is beta * pressure. */
void ghdk_tba_free_energy(const struct ghdk_tba *t, const double *n, double *phi);
/** Momentum and energy densities per species from the bare p(theta), E(theta). */
void ghdk_tba_momentum_energy(const struct ghdk_tba *t, const double *rho_p, double *p, double *e);

/** Largest occupation at the rapidity window edges, relative to the maximum, of a state that
 * counts as fitting in the window (ghdk_tba_match). */
#define GHDK_TBA_EDGE_OCCUPATION 1e-8

/** Thermal inverse problem: find the GGE W_a = sum_k beta[k] h_{con[k].charge} (on the species
 * in con[k].species_mask) whose charges equal q_target[k]. beta holds the initial guess on input
 * (a guess that is no valid state is cooled, W -> 2 W, until it is, then its particle numbers are
 * matched by a shift of W) and the solution on output (to |Q - q| <= 1e-12 |q| + 1e-14).
 * With edge == NULL the solution is the thermal state of the whole line: its occupation at the
 * window edges must be below GHDK_TBA_EDGE_OCCUPATION of its maximum (else GHDK_ERR_DOMAIN). With
 * edge != NULL it is the maximum-entropy state on the rapidity window, which exists for the charges
 * of any state on the window (beta_2 may be small or negative), and *edge receives its largest
 * edge-to-peak occupation ratio: above GHDK_TBA_EDGE_OCCUPATION the window truncates the thermal
 * state of the whole line. Newton on the convex dual with backtracking; the Jacobian is minus the
 * covariance C_kl = sum_a integral rho_s n f h_k^dr h_l^dr. Outputs n and rho_p may be NULL. ncon
 * <= 8. */
int ghdk_tba_match(struct ghdk_tba *t, size_t ncon, const struct ghdk_constraint *con,
                   const double *q_target, double *beta, double *n, double *rho_p, double *edge);

/** Effective inverse temperatures: recover W from n (bosons ln(1 + 1/n); fermions
 * eps + T F(eps), eps = ln(1/n - 1)) and project it on the charges h_{charges[c]} on each species
 * by weighted least squares, weights w_k rho_s n f (the covariance metric; nodes with n = 0 carry
 * none). beta[a*nq + c]; nq <= GHDK_MAX_CHARGES. Optional rms[a]: weighted rms residual of W. */
int ghdk_tba_fit_betas(struct ghdk_tba *t, const double *n, const double *rho_s, size_t nq,
                       const int *charges, double *beta, double *rms);

/** The exact self-similar solution of the partitioning protocol without collisions at ray
 * xi = x/t (physics.md 7): n = n_L where v_eff(n) > xi, n_R where v_eff(n) < xi, solved by
 * iterating v_eff to a fixed point (at most 100 sweeps; the occupation pattern stops changing).
 * n_left, n_right: the two thermal occupations (stacked); n receives the solution, v_eff may be
 * NULL. */
int ghdk_tba_partition(struct ghdk_tba *t, const double *n_left, const double *n_right, double xi,
                       double *n, double *v_eff);

#endif
