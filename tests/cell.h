/* SPDX-License-Identifier: BSD-3-Clause */
/* Test helper: a model, a uniform rapidity grid on [-L, L] and a TBA workspace in one struct. */
#ifndef GHDK_TESTS_CELL_H
#define GHDK_TESTS_CELL_H

#include "ghdk/grid.h"
#include "ghdk/model.h"
#include "ghdk/tba.h"

#include <stdlib.h>

struct cell {
  struct ghdk_model *m;
  struct ghdk_grid *g;
  struct ghdk_tba *t;
};

static inline struct cell cell_new(struct ghdk_model_inp mi, double L, size_t n)
{
  struct cell c;
  if (ghdk_model_new(&mi, &c.m) ||
      ghdk_grid_new(&(struct ghdk_grid_inp){.a = -L, .b = L, .n = n}, &c.g) ||
      ghdk_tba_new(&(struct ghdk_tba_inp){.model = c.m, .grid = c.g}, &c.t))
    exit(1);
  return c;
}

static inline void cell_free(struct cell *c)
{
  ghdk_tba_free(c->t);
  ghdk_grid_free(c->g);
  ghdk_model_free(c->m);
}

#endif
