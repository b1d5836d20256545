/* SPDX-License-Identifier: BSD-3-Clause */
/* Private: diagnostics of the phi6 collision kernel, for its tests and benchmark. */
#ifndef GHDK_PHI6_PRIV_H
#define GHDK_PHI6_PRIV_H

#include "ghdk/kinetic.h"

#include <stddef.h>

/** Processes of the phi6 kernel, in the order of the gain/loss arrays: 3<->3, 2->4 with theta
 * among the four, 4->2 with theta among the two (physics.md 4.1). */
enum { GHDK_PHI6_33 = 0, GHDK_PHI6_24, GHDK_PHI6_42, GHDK_PHI6_NPROC };

/** Gain and loss terms of d rho_p / d tbar of each process before the conservative correction
 * (coefficients and prefactor included: the uncorrected I is sum_p gain - loss), stacked
 * [process][theta], 3 n values each. c must come from ghdk_phi6_new. */
int ghdk_phi6_terms(struct ghdk_coll *c, const double *rho_p, double *gain, double *loss);

/** Bytes of the kinematic tables and workspaces of a phi6 kernel. */
size_t ghdk_phi6_bytes(const struct ghdk_coll *c);

#endif
