/* SPDX-License-Identifier: BSD-3-Clause */
/* Checkpoints of a time-dependent run and the signals that ask for one. A checkpoint is the
 * CVODE state vector at time t with what the run needs to go on from there: the number of output
 * records already written, the running statistics, and an identity of the problem so that a
 * restart cannot continue a different run. The file is written atomically (temporary file,
 * fsync, rename) and carries a format version and a checksum. */
#ifndef GHDK_CHECKPOINT_H
#define GHDK_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

/** Format version written into every checkpoint; the reader accepts only this one. */
#define GHDK_CKPT_VERSION 2
/** Number of cumulative counters a checkpoint carries (integrator steps, rhs evaluations, ...,
 * closure targets). */
#define GHDK_CKPT_NSTAT 11
/** Number of closure statistics a checkpoint carries (dynamics.c). */
#define GHDK_CKPT_NWINDOW 3

struct ghdk_ckpt {
  uint64_t identity;  /**< ghdk_ckpt_hash of the problem (see dynamics.c) */
  uint64_t ns, nx, n; /**< species, cells, rapidity nodes */
  uint64_t records;   /**< output records 0 .. records-1 were written when it was taken */
  double t;           /**< time of the state */
  double max_n;       /**< largest fermionic occupation so far */
  double window[GHDK_CKPT_NWINDOW]; /**< closure targets so far: particle numbers of their cells
                         summed, of the truncated ones, the largest edge-to-peak occupation
                         (dynamics.c) */
  int64_t stat[GHDK_CKPT_NSTAT];    /**< integrator counters summed over the run so far */
  double *y;                        /**< ns * nx * n values, layout [cell][species][theta] */
};

/** FNV-1a (64 bit) of len bytes, continuing from h (start with GHDK_CKPT_HASH_INIT). */
#define GHDK_CKPT_HASH_INIT 0xcbf29ce484222325ULL
uint64_t ghdk_ckpt_hash(uint64_t h, const void *data, size_t len);

/** Write c to path atomically: path.tmp is written, synced and renamed over path, so path holds
 * either the previous checkpoint or this one, whatever happens. GHDK_ERR_IO on failure. */
int ghdk_ckpt_write(const char *path, const struct ghdk_ckpt *c);
/** Decode a checkpoint image of len bytes (name is used in messages); c->y is allocated.
 * A malformed, truncated or corrupt image is GHDK_ERR_INPUT with a message saying what is wrong. */
int ghdk_ckpt_decode(const unsigned char *buf, size_t len, const char *name, struct ghdk_ckpt *c);
/** Read and decode the checkpoint file path (GHDK_ERR_IO if it cannot be read). */
int ghdk_ckpt_read(const char *path, struct ghdk_ckpt *c);
void ghdk_ckpt_free(struct ghdk_ckpt *c);

/** Catch SIGINT and SIGTERM for the duration of a run: the first one only sets a flag (the run
 * checkpoints and stops at its next output instant), a second one terminates at once. */
void ghdk_signals_catch(void);
/** Restore the handlers ghdk_signals_catch replaced. */
void ghdk_signals_restore(void);
/** The signal caught since ghdk_signals_catch, or 0. */
int ghdk_signal_caught(void);

#endif
