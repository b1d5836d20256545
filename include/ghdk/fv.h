/* SPDX-License-Identifier: BSD-3-Clause */
/** @file fv.h
 * The finite-volume right-hand side of
 *   d_t rho_p + d_x(v_eff rho_p) + d_theta(a_eff rho_p) = lambda^2 I[rho_p]
 * on nx space cells x the rapidity grid (physics.md 1, 3): in every cell and at every call,
 * v_eff and a_eff by TBA dressing and the collision term through the kernel; conservative
 * fluxes in x and theta with MUSCL reconstruction (selectable limiter) and upwinding.
 *
 * State layout: y[(i*ns + a)*n + k] for cell i, species a, rapidity k (one cell's stacked
 * species vectors contiguous, as the TBA core and the kernels take them).
 */
#ifndef GHDK_FV_H
#define GHDK_FV_H

#include "ghdk/deck.h"
#include "ghdk/grid.h"
#include "ghdk/kinetic.h"
#include "ghdk/model.h"
#include "ghdk/par.h"

#include <stddef.h>

/** Boundary conditions in x. */
enum ghdk_bc {
  GHDK_BC_PERIODIC = 0,
  GHDK_BC_OPEN, /**< outflow: zero-gradient ghost cells */
  GHDK_BC_WALL  /**< reflecting wall: ghost cells mirror theta -> -theta */
};

/** Slope limiters of the MUSCL reconstruction; `upwind` is first order (no slope). */
enum ghdk_limiter { GHDK_LIM_UPWIND = 0, GHDK_LIM_MINMOD, GHDK_LIM_MC, GHDK_LIM_VANLEER };

struct ghdk_fv_inp {
  const struct ghdk_model *model; /**< borrowed */
  const struct ghdk_grid *grid;   /**< borrowed; uniform when there is a force */
  size_t nx;                      /**< cells of the whole domain */
  double x_min, x_max;
  enum ghdk_bc bc;
  enum ghdk_limiter limiter;
  const double *force; /**< -dV/dx averaged over each cell (all nx), or NULL: no force */
  enum ghdk_dress_method dressing;
  double dress_tol;
  /** Borrowed collision kernels, one per thread (par->threads of them), or NULL: none. */
  struct ghdk_coll *const *coll;
  /** The slab of cells this object owns and its threads (copied); NULL: all nx cells, one
   * thread. */
  const struct ghdk_par *par;
  double strength;     /**< lambda^2 in front of I */
  double negative_tol; /**< the integrator's absolute tolerance on rho_p (see ghdk_fv_rhs) */
};

struct ghdk_fv;

int ghdk_fv_new(const struct ghdk_fv_inp *inp, struct ghdk_fv **out);
void ghdk_fv_free(struct ghdk_fv *fv);
/** Unknowns of the slab: nloc * ns * n. */
size_t ghdk_fv_size(const struct ghdk_fv *fv);
/** ydot = right-hand side at y (both the slab's unknowns). Collective over the ranks: all of
 * them call it, and all get the same status. GHDK_OK; GHDK_ERR_DOMAIN for an invalid state (a
 * kernel's domain error, or negative densities beyond the integrator's accuracy: the root mean
 * square over all cells of the negative part of y above negative_tol, CVODE's own error norm of
 * that part): recoverable; other statuses fatal. Negatives within that accuracy are round-off of
 * the integrator: the transport takes them as they are, the collision kernel sees their positive
 * part (kernels are defined on rho_p >= 0). No allocation. */
int ghdk_fv_rhs(struct ghdk_fv *fv, const double *y, double *ydot);
/** Set negative_tol once the integrator's absolute tolerance is known (it scales with the
 * initial state). */
void ghdk_fv_set_negative_tol(struct ghdk_fv *fv, double tol);
/** Whether the last ghdk_fv_rhs refused y itself (a NaN, or its negative part beyond
 * negative_tol) rather than a TBA solve or the kernel refusing it. */
int ghdk_fv_state_invalid(const struct ghdk_fv *fv);
/** Largest fermionic occupation in the slab at the last ghdk_fv_rhs (1 would be a Pauli
 * violation). */
double ghdk_fv_max_occupation(const struct ghdk_fv *fv);

#endif
