/* SPDX-License-Identifier: BSD-3-Clause */
/** @file app.h
 * Runs of a validated problem: the initial state of every cell with its diagnostics, written
 * to netCDF (`ghdk run` on a deck of kind "state") or printed (`ghdk tba`).
 */
#ifndef GHDK_APP_H
#define GHDK_APP_H

#include "ghdk/deck.h"

#include <stdio.h>

/** Options of a run that do not belong to the deck. */
struct ghdk_run_opts {
  const char *output;  /**< output path; NULL: the deck's output.file */
  const char *history; /**< command line and UTC date, for the `history` attribute */
  int quiet;           /**< no summary on stderr */
  const char *restart; /**< checkpoint to continue from (time-dependent runs), or NULL */
  int threads;         /**< OpenMP threads of a time-dependent run; 0: OMP_NUM_THREADS, else all
                            cores */
};

/** Build the state of every cell, compute its diagnostics and write one record at time 0.
 * Every state is built before the output file is created, so a bad state (e.g. a bosonic W <= 0)
 * leaves no file. */
int ghdk_run_state(const struct ghdk_problem *p, const struct ghdk_run_opts *o);

/** Time evolution (kinds "homogeneous" and "ghd"): the finite-volume right-hand side with the
 * deck's collision kernel, integrated by CVODE, one record at t = 0 and at each output
 * instant, then a run summary (final totals, drift, CVODE statistics). A homogeneous run is the
 * single-cell case in tbar. */
int ghdk_run_dynamics(const struct ghdk_problem *p, const struct ghdk_run_opts *o);

/** The pre-thermal phi^4 quench (kind "prethermal"): q_i(t) of SM (10) at the output instants
 * for the free boson in the deck's initial state; rho_p is unchanged at this order. */
int ghdk_run_prethermal(const struct ghdk_problem *p, const struct ghdk_run_opts *o);

/** Print, per cell and species, the particle, momentum, energy and entropy densities, the
 * generalised free energy phi and, for thermal states, the pressure P = T phi. */
int ghdk_print_tba(const struct ghdk_problem *p, FILE *f);

/** `ghdk rates` (kind "homogeneous"): linearise the deck's collision kernel around its fixed
 * point with the invariants of the initial state and print the relaxation spectrum (zero modes,
 * rates by parity sector, overlap-weighted rates, the dependence on the rapidity window and a
 * gapped/gapless verdict) and, around a GGE, B, C and Gamma = B C^-1 on output.charges. */
int ghdk_print_rates(const struct ghdk_problem *p, FILE *f);

#endif
