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
   * (negative density, n >= 1 for fermions: recoverable, the integrator shrinks its step), or
   * another status on failure. */
  int (*rhs)(struct ghdk_coll *c, const double *rho_p, double *drho);
  /** The kernel's fixed point with the invariants of rho_p into rho_eq; beta (may be NULL)
   * receives the coefficients of the invariants in its source W where it is a GGE. NULL: the
   * boosted thermal state with the same invariants (ghdk_coll_thermal_equilibrium). */
  int (*equilibrium)(struct ghdk_coll *c, const double *rho_p, double *rho_eq, double *beta);
  void (*free)(struct ghdk_coll *c);
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
 * the fitted guess. rho_eq (may be NULL) receives the equilibrium state; work is scratch of
 * 2 ns n doubles (no allocation here: relaxation calls this in its right-hand side). */
int ghdk_coll_thermal_equilibrium(const struct ghdk_coll *c, struct ghdk_tba *tba,
                                  const double *rho_p, double *rho_eq, double *beta,
                                  int *have_guess, double *work);

/** Values q[k] of the invariants of c in the state rho_p (sum over their species of
 * integral rho_p h) and, if scale is not NULL, their scales sum |w rho_p h|. */
void ghdk_coll_invariants(const struct ghdk_coll *c, const struct ghdk_tba *tba,
                          const double *rho_p, double *q, double *scale);

/** Conservative correction: replace drho by drho - sum_k lambda_k rho_p f g_k (f = 1 - sigma n,
 * g_k the invariants) with lambda chosen so that sum_a integral g_k drho = 0 for every invariant
 * k. The correction vanishes where rho_p does. Uses a small fixed-size system; no allocation.
 * n: occupation of rho_p (stacked). */
int ghdk_coll_project(const struct ghdk_coll *c, const struct ghdk_model *m,
                      const struct ghdk_grid *g, const double *rho_p, const double *n,
                      double *drho);

#endif
