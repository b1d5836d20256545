/* SPDX-License-Identifier: BSD-3-Clause */
/* Private to src/solver: what every run kind builds from a problem (model, grid, TBA workspace)
 * and the initial state of a cell. */
#ifndef GHDK_SOLVER_PRIV_H
#define GHDK_SOLVER_PRIV_H

#include "ghdk/deck.h"
#include "ghdk/grid.h"
#include "ghdk/model.h"
#include "ghdk/output.h"
#include "ghdk/par.h"
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

/** Diagnostics of a whole field, in the output contract's layout ([species][x][...]), and the
 * output file they go to. */
struct ghdk_frame {
  size_t ns, nt, nx, nq; /* species, rapidities, cells, charges */
  double *rho_p, *occ, *v_eff, *q, *j, *beta, *ent;
  double *x, *dx;
  double *work; /* three cells */
};

/** Allocate a frame for problem p on set-up s. */
int ghdk_frame_new(const struct ghdk_problem *p, const struct ghdk_setup *s, struct ghdk_frame *f);
void ghdk_frame_free(struct ghdk_frame *f);
/** Diagnostics of y (layout [cell][species][theta]): rho_p, n, v_eff, q, j, entropy, beta. */
int ghdk_frame_fill(struct ghdk_frame *f, const struct ghdk_problem *p, struct ghdk_setup *s,
                    const double *y);
/** The same for cells i0 .. i0 + ncell - 1 only, y holding just those cells. */
int ghdk_frame_fill_cells(struct ghdk_frame *f, const struct ghdk_problem *p, struct ghdk_setup *s,
                          const double *y, size_t i0, size_t ncell);
/** Gather every rank's cells of the frame (filled by ghdk_frame_fill_cells on its slab) to rank
 * 0. Collective. */
int ghdk_frame_gather(struct ghdk_frame *f, const struct ghdk_par *par);
/** Create the output file of a run of p (time scaling "t" or "tbar", collision kernel name), or
 * with nrec > 0 reopen the output of an interrupted run holding nrec records, the last at t_last
 * (ghdk_output_reopen). */
int ghdk_frame_output(const struct ghdk_frame *f, const struct ghdk_problem *p,
                      const struct ghdk_setup *s, const char *path, const char *history,
                      const char *time_scaling, const char *collision, size_t nrec, double t_last,
                      struct ghdk_output **out);
/** Append the frame as the record at time t. */
int ghdk_frame_write(const struct ghdk_frame *f, const struct ghdk_problem *p,
                     struct ghdk_output *out, double t);
/** Output instant k = 1 .. n_out of a time-dependent run (time.spacing linear or log). */
double ghdk_output_time(const struct ghdk_problem *p, size_t k);
/** The initial state of every cell into y ([cell][species][theta]), the Bragg pulse applied. */
int ghdk_initial_state(const struct ghdk_problem *p, struct ghdk_setup *s, double *y);

#endif
