/* SPDX-License-Identifier: BSD-3-Clause */
/** @file output.h
 * The netCDF writer of the output contract (shared/spec/output.md), classic format with 64-bit
 * offsets: dimensions time (unlimited), species, x, theta, charge; one record per output
 * instant, nc_sync after each, so that a killed run leaves every record written before it.
 */
#ifndef GHDK_OUTPUT_H
#define GHDK_OUTPUT_H

#include "ghdk/param.h"

#include <stddef.h>

/** Version of the file layout, written as the global attribute cradle_format. */
#define GHDK_OUTPUT_FORMAT 1

/** Everything fixed for the life of one output file. Arrays are copied; pointers need only
 * live for the call. */
struct ghdk_output_inp {
  const char *path; /**< file to create (clobbered) */
  size_t nspecies, nx, ntheta, ncharge;
  const double *x;                 /**< cell centres (nx) */
  const double *dx;                /**< cell widths (nx), for total_q and total_entropy */
  const double *potential;         /**< trap potential V at the cell centres (nx), or NULL */
  const double *theta;             /**< rapidity nodes (ntheta) */
  const double *theta_weight;      /**< quadrature weights (ntheta) */
  const int *charges;              /**< index i of each tracked charge h_i (ncharge) */
  const char *const *charge_names; /**< e.g. "theta^2" (ncharge), written as an attribute */
  const char *time_scaling;        /**< "t" or "tbar" */
  const char *model;               /**< model name */
  const char *collision;           /**< collision kernel name, "none" without */
  const char *deck_text;           /**< full deck text -> attribute `case` */
  const char *history;             /**< command line and UTC date -> attribute `history` */
  size_t nparam;
  const struct ghdk_param *param; /**< every model and numerical parameter, by deck key */
  int write_n, write_veff, write_j, write_beta; /**< optional fields */
};

/** One output instant. Field layout [species][x][theta] (rapidity fastest) and
 * [species][x][charge]; optional fields may be NULL when switched off in the inp. */
struct ghdk_record {
  double time;
  const double *rho_p, *n, *v_eff;
  const double *q, *j, *beta;
  const double *entropy; /**< [species][x] */
};

struct ghdk_output;

/** Create the file and define everything; on failure nothing is left on disk. */
int ghdk_output_new(const struct ghdk_output_inp *inp, struct ghdk_output **out);
/** Reopen the output of an interrupted run to continue it: the file must have the dimensions
 * and fields of inp and at least nrec records, the last of them at time t_last; records from
 * nrec on are overwritten by the next writes. Nothing in inp is written. */
int ghdk_output_reopen(const struct ghdk_output_inp *inp, size_t nrec, double t_last,
                       struct ghdk_output **out);
/** Append one record (also total_q and total_entropy, computed from q, entropy and dx) and
 * nc_sync, so the file is valid after every record. */
int ghdk_output_write(struct ghdk_output *o, const struct ghdk_record *rec);
/** Write end-of-run statistics as global numeric attributes (e.g. "cvode_steps"). */
int ghdk_output_set_stat(struct ghdk_output *o, const char *name, double value);
/** Close the file (NULL allowed); returns the close status. */
int ghdk_output_close(struct ghdk_output *o);

#endif
