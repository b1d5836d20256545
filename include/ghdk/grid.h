/* SPDX-License-Identifier: BSD-3-Clause */
/** @file grid.h
 * Rapidity quadrature grids.
 *
 * `uniform`: N nodes at the midpoints theta_k = a + (k + 1/2) h, h = (b - a)/N, all weights h
 * (the composite midpoint rule). For integrands analytic in a strip and negligible at the window
 * edges it converges exponentially in N, like the trapezoidal rule; it is what the FFT
 * convolution needs (equal spacing, difference kernel -> Toeplitz matrix).
 * `gauss_legendre`: GSL's N-point Gauss-Legendre rule (gsl_integration_fixed, Golub-Welsch) on [a,
 * b]; for compactly supported or discontinuous-at-the-edge problems (zero-temperature Fermi seas on
 * [-q, q]).
 */
#ifndef GHDK_GRID_H
#define GHDK_GRID_H

#include <stddef.h>

enum ghdk_quad_rule { GHDK_QUAD_UNIFORM = 0, GHDK_QUAD_GAUSS_LEGENDRE };

/** Input for ghdk_grid_new; zero fields are errors except rule (uniform). */
struct ghdk_grid_inp {
  enum ghdk_quad_rule rule;
  double a, b; /**< window [a, b], a < b */
  size_t n;    /**< number of nodes, >= 2 */
};

/** A quadrature grid: integral f dtheta ~ sum_k w[k] f(theta[k]). */
struct ghdk_grid {
  enum ghdk_quad_rule rule;
  size_t n;
  double a, b;
  double h;      /**< node spacing for the uniform rule, 0 otherwise */
  double *theta; /**< nodes, ascending (owned) */
  double *w;     /**< weights (owned) */
};

/** Build a grid; on success *out owns it (free with ghdk_grid_free). */
int ghdk_grid_new(const struct ghdk_grid_inp *inp, struct ghdk_grid **out);
/** Free a grid (NULL is allowed). */
void ghdk_grid_free(struct ghdk_grid *g);
/** Name of a rule ("uniform", "gauss_legendre"). */
const char *ghdk_quad_rule_name(enum ghdk_quad_rule rule);

#endif
