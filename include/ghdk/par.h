/* SPDX-License-Identifier: BSD-3-Clause */
/** @file par.h
 * The parallel layout of a time-dependent run: MPI ranks own contiguous slabs of the x cells
 * (built with GHDK_MPI; otherwise there is one rank), and OpenMP threads share the cells of a
 * slab. Everything that talks to MPI lives behind these functions, so the rest of ghdk compiles
 * without it. Per-cell work is local; the slabs meet through two ghost cells on each side (the
 * MUSCL stencil), a maximum and an agreed status per right-hand side, and the gather of the
 * state to rank 0 for output.
 */
#ifndef GHDK_PAR_H
#define GHDK_PAR_H

#include <stddef.h>
#include <sundials/sundials_context.h>
#include <sundials/sundials_nvector.h>

/* OpenMP directives that vanish without OpenMP (no unknown-pragma warnings). */
#ifdef _OPENMP
#include <omp.h>
#define GHDK_PRAGMA_(x) _Pragma(#x)
#define GHDK_OMP(directive) GHDK_PRAGMA_(omp directive)
static inline int ghdk_thread_num(void)
{
  return omp_get_thread_num();
}
#else
#define GHDK_OMP(directive)
static inline int ghdk_thread_num(void)
{
  return 0;
}
#endif

/** Ghost cells on each side of a slab: the reach of the MUSCL stencil. */
#define GHDK_PAR_GHOSTS 2

/** A slab of cells on one rank, and its threads. */
struct ghdk_par {
  int rank, size;      /**< this rank, number of ranks */
  int left, right;     /**< neighbour ranks across the slab's faces; -1: a physical boundary */
  size_t nx, i0, nloc; /**< cells in all, the first cell of the slab, cells in the slab */
  int threads;         /**< OpenMP threads working on the slab's cells (1 without OpenMP) */
};

/** MPI_Init when built with MPI (call first thing in main); returns the rank in the world. */
int ghdk_par_init(int *argc, char ***argv);
/** MPI_Finalize when built with MPI. */
void ghdk_par_finalize(void);
/** Number of ranks in the world (1 without MPI). */
int ghdk_par_world_size(void);
/** Threads to use: `requested` if > 0, else OpenMP's default (OMP_NUM_THREADS, else the
 * cores; one per rank on several ranks without OMP_NUM_THREADS); 1 without OpenMP. GHDK_ERR_INPUT
 * for more than one thread without OpenMP. */
int ghdk_par_threads(int requested, int *threads);

/** Split nx cells over the world's ranks into slabs that differ by at most one cell (the
 * first nx % size ranks take one more). periodic: the end slabs are neighbours. Each slab needs
 * GHDK_PAR_GHOSTS cells when there is more than one rank (GHDK_ERR_INPUT otherwise). */
int ghdk_par_layout(size_t nx, int periodic, int threads, struct ghdk_par *par);

/** The slab's part of a state vector of nx * per_cell unknowns: an MPI-parallel N_Vector on
 * more than one rank (its dot products and norms sum over the ranks), a serial one otherwise.
 * NULL on failure. */
N_Vector ghdk_par_nvector(const struct ghdk_par *par, size_t per_cell, SUNContext ctx);

/** Ghost exchange with the neighbour ranks: send_left/send_right (len doubles each) go to the
 * left/right neighbour, whose right/left sends arrive in recv_left/recv_right. A side without
 * a neighbour rank (a physical boundary, or the slab's own periodic image on one rank) is left
 * untouched. No-op on one rank. */
int ghdk_par_exchange(const struct ghdk_par *par, const double *send_left, const double *send_right,
                      double *recv_left, double *recv_right, size_t len);
/** The largest of v over the ranks (exact: independent of the order). */
double ghdk_par_max(const struct ghdk_par *par, double v);
/** The sum of v over the ranks (its round-off depends on the number of ranks). */
double ghdk_par_sum(const struct ghdk_par *par, double v);
/** One status for all ranks from each rank's rc: GHDK_OK if every rank is ok, else the most
 * severe: a fatal status (the largest code) over GHDK_ERR_DOMAIN (recoverable). */
int ghdk_par_agree(const struct ghdk_par *par, int rc);
/** Gather the slabs (per_cell doubles per cell, cells in order) into global on rank 0
 * (global may be NULL elsewhere; on rank 0 local may be global itself). Collective. */
int ghdk_par_gather(const struct ghdk_par *par, const double *local, double *global,
                    size_t per_cell);

#endif
