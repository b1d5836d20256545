/* SPDX-License-Identifier: BSD-3-Clause */
/** @file prethermal.h
 * Pre-thermalisation of the free massive boson after a quench to H0 + (lambda/4!) int :phi^4:,
 * SM Eq. (10) of Durnin, Bhaseen, Doyon, PRL 127, 130601 (2021) (physics.md section 6).
 *
 * At order lambda^2 the state does not change; the charge densities do:
 *
 *     q_i(t) - q_i(0) = integral_0^inf d eps T_i(eps) (1 - cos(eps t)) / eps^2,
 *     d_t q_i(t)      = integral_0^inf d eps T_i(eps) sin(eps t) / eps,
 *
 * where T_i is the spectral density of the three process classes 0<->4, 1<->3 and 2<->2 (each
 * term of SM (10) paired with its mirror image, gain minus loss), with the coefficient set and
 * the prefactor lambda^2 (2/4!)/(24 pi^2)^2 included. T_i is computed once, at construction:
 * both delta functions eliminated analytically, a two-dimensional Gauss-Legendre quadrature of a
 * smooth integrand at each eps, and a Chebyshev interpolant on panels of eps whose variables
 * absorb the threshold behaviour at eps = 2m and 4m. The time integral above is then done for each
 * t with GSL's QAWO (oscillatory weight), so large t costs no more than small t.
 * docs/theory.md, section "phi^4 pre-thermalisation", has the derivation. An object holds GSL
 * workspaces: use one per thread.
 */
#ifndef GHDK_PRETHERMAL_H
#define GHDK_PRETHERMAL_H

#include "ghdk/grid.h"
#include "ghdk/model.h"

#include <stddef.h>

/** Coefficients of the five terms of SM (10), in units of the printed prefactor
 * (2/4!)(lambda/(24 pi^2))^2. */
enum ghdk_phi4_coeffs {
  /** Fermi's golden rule for V = (lambda/4!) phi^4 (form factor 1 per leg, phase space
   * dtheta/(4 pi) per particle): 108 pi / (j! (4-j)!) = (9 pi/2) (1, 4, 6, 4, 1). */
  GHDK_PHI4_GOLDEN_RULE = 0,
  /** As printed in the SM: C(4, j)^2 = (1, 16, 36, 16, 1). */
  GHDK_PHI4_PRINTED
};

/** Process classes, as a bit mask for ghdk_phi4_spectral. */
enum {
  GHDK_PHI4_04 = 1, /**< 0 <-> 4: pair creation out of (and into) the vacuum, eps >= 4m */
  GHDK_PHI4_13 = 2, /**< 1 <-> 3, eps > 0, saddle point at eps = 2m */
  GHDK_PHI4_22 = 4, /**< 2 <-> 2, eps of either sign, vanishing on shell */
  GHDK_PHI4_ALL = 7
};

/** Largest charge index with a finite change: for h_i = cosh(k theta), sinh(k theta) the vacuum
 * term grows like eps^(k-2) at large eps, so the change of h_5, h_6, ... is UV divergent. */
#define GHDK_PHI4_MAX_CHARGE 4

/** Input of ghdk_phi4_new; zero numerical fields mean the documented default. */
struct ghdk_phi4_inp {
  const struct ghdk_model *model; /**< "free_boson"; borrowed for the life of the object */
  const struct ghdk_grid *grid;   /**< rapidity grid of n0 (read only by ghdk_phi4_new) */
  const double *n0;               /**< initial occupation on the grid, >= 0; NULL: vacuum.
                                       Interpolated as a cubic spline of W = ln(1 + 1/n);
                                       n = 0 outside the grid's nodes */
  size_t ncharge;                 /**< number of charges, >= 1 */
  const int *charges;             /**< charge indices i of h_i, 0 <= i <= GHDK_PHI4_MAX_CHARGE */
  enum ghdk_phi4_coeffs coeffs;   /**< coefficient set (default golden rule) */
  double lambda;                  /**< coupling; 0 means 1 (results scale as lambda^2) */
  size_t nquad;                   /**< Gauss-Legendre nodes per dimension of the spectral
                                       integrals; 0: 48 */
  size_t ncheb;                   /**< Chebyshev order on each eps panel; 0: 32 */
  double eps_max;                 /**< upper end of the tabulated eps range in units of m;
                                       0: 2^23. Rounded up to 8 times a power of 4; beyond it
                                       the plateau gets a power-law tail fitted to the last
                                       panel */
  double tol;                     /**< relative tolerance of the time integrals; 0: 1e-10 */
};

struct ghdk_phi4;

/** Tabulate the spectral densities of the initial state, the expensive step: (ncheb + 1) eps
 * values on each of 7 + log4(eps_max/8) panels (17 by default), each a few nquad^2 integrand
 * evaluations per class present (about 1 s for the vacuum, 3 s for a thermal state at the
 * defaults, one core).
 * On success *out owns the object (free with ghdk_phi4_free). */
int ghdk_phi4_new(const struct ghdk_phi4_inp *inp, struct ghdk_phi4 **out);
/** Free (NULL allowed). */
void ghdk_phi4_free(struct ghdk_phi4 *p);

/** q_i(t) - q_i(0) for each charge (ncharge values, lambda^2 included), t >= 0. */
int ghdk_phi4_delta_q(struct ghdk_phi4 *p, double t, double *dq);
/** d_t q_i(t) for each charge (SM (10) itself), t >= 0. */
int ghdk_phi4_rate(struct ghdk_phi4 *p, double t, double *dqdt);
/** The pre-thermal plateau: the time average of q_i(t) - q_i(0), integral T_i / eps^2. */
void ghdk_phi4_plateau(const struct ghdk_phi4 *p, double *dq_inf);

/** The spectral density T_i(eps) of the classes in the mask, computed directly by the
 * two-dimensional quadrature (not the interpolant), coefficients and prefactor included;
 * eps > 0 in the units of the mass. Each class is one term of SM (10) paired with its mirror
 * image (all signs flipped: eps -> -eps, gain <-> loss), so T is what the time integrals above
 * see for eps > 0. */
int ghdk_phi4_spectral(struct ghdk_phi4 *p, double eps, unsigned classes, double *t);

/** The same from the Chebyshev interpolant (all classes), as the time integrals see it; 0
 * outside the tabulated range. */
void ghdk_phi4_spectral_interp(const struct ghdk_phi4 *p, double eps, double *t);

/** Parse "golden_rule" or "printed"; an unknown name is GHDK_ERR_INPUT naming the known ones. */
int ghdk_phi4_coeffs_parse(const char *name, enum ghdk_phi4_coeffs *c);
/** Name of a coefficient set. */
const char *ghdk_phi4_coeffs_name(enum ghdk_phi4_coeffs c);

#endif
