/* SPDX-License-Identifier: BSD-3-Clause */
/* Private entry point of the deck loader with adjustable sandbox limits: the tests use small
 * ones so that a runaway deck fails in milliseconds instead of seconds. */
#ifndef GHDK_DECK_PRIV_H
#define GHDK_DECK_PRIV_H

#include "ghdk/deck.h"

#include <stddef.h>

/** Default cap of the deck's Lua heap. */
#define GHDK_DECK_MAX_BYTES ((size_t)256 << 20)
/** Default instruction budget of each call into deck code (the chunk, V(x), W(x, theta)). */
#define GHDK_DECK_MAX_INSTRUCTIONS 100000000LL
/** Default instruction budget of all calls together: W is sampled at every cell and rapidity,
 * each call within the budget above, so only a total bounds the whole load (about a minute). */
#define GHDK_DECK_MAX_TOTAL_INSTRUCTIONS 10000000000LL
/** Default cap of the state size space.nx x grid.N x model.species: 2^28 values, 2 GiB per
 * field, beyond any run this code can finish; a hostile deck cannot ask for terabytes. */
#define GHDK_DECK_MAX_POINTS ((size_t)1 << 28)

/** Sandbox limits; zero fields take the defaults above. */
struct ghdk_deck_limits {
  size_t max_bytes;
  long long max_instructions;
  long long max_total_instructions;
  size_t max_points;
};

/** ghdk_deck_load with explicit limits (lim may be NULL: defaults). */
int ghdk_deck_load_limited(const char *path, size_t nset, const char *const *set,
                           const struct ghdk_deck_limits *lim, struct ghdk_problem **out);

#endif
