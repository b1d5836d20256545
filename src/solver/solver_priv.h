/* SPDX-License-Identifier: BSD-3-Clause */
/* Private to src/solver: what every run kind builds from a problem (model, grid, TBA workspace)
 * and the initial state of a cell. */
#ifndef GHDK_SOLVER_PRIV_H
#define GHDK_SOLVER_PRIV_H

#include "ghdk/deck.h"
#include "ghdk/grid.h"
#include "ghdk/model.h"
#include "ghdk/tba.h"

/** Model, grid and TBA workspace of a problem. */
struct ghdk_setup {
  struct ghdk_model *model;
  struct ghdk_grid *grid;
  struct ghdk_tba *tba;
  size_t ns, n, nx;
};

int ghdk_setup_new(const struct ghdk_problem *p, struct ghdk_setup *s);
void ghdk_setup_free(struct ghdk_setup *s);
/** Centre of cell i. */
double ghdk_cell_centre(const struct ghdk_problem *p, size_t i);
/** The initial state of cell i: occupation n and rho_p (stacked), w is scratch of one cell. A
 * source outside the domain of the statistics is reported as bad input naming the cell. */
int ghdk_cell_state(const struct ghdk_problem *p, struct ghdk_setup *s, size_t i, double *w,
                    double *n, double *rho_p);

#endif
