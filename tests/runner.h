/* SPDX-License-Identifier: BSD-3-Clause */
/* Test helper: run a case deck through the library with --set overrides, and read the output's
 * variables back through the netCDF API. */
#ifndef GHDK_TESTS_RUNNER_H
#define GHDK_TESTS_RUNNER_H

#include "ghdk/app.h"
#include "ghdk/deck.h"

#include <math.h>
#include <netcdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Path of cases/NAME under GHDK_SOURCE_DIR. */
static inline void case_path(const char *name, char *buf, size_t len)
{
  const char *src = getenv("GHDK_SOURCE_DIR");
  snprintf(buf, len, "%s/cases/%s", src ? src : ".", name);
}

/* Load the deck with the overrides and run it (state or dynamics) to out; 0 on success. */
static inline int run_deck(const char *deck, size_t nset, const char *const *set, const char *out)
{
  struct ghdk_problem *p;
  int rc = ghdk_deck_load(deck, nset, set, &p);
  if (rc)
    return rc;
  const struct ghdk_run_opts o = {.output = out, .quiet = 1};
  rc = strcmp(p->kind, "state") == 0 ? ghdk_run_state(p, &o) : ghdk_run_dynamics(p, &o);
  ghdk_problem_free(p);
  return rc;
}

/* Read the hyperslab start/count of variable name (doubles); 0 on success. */
static inline int read_var(const char *path, const char *name, const size_t *start,
                           const size_t *count, double *buf)
{
  int nc, var, rc = nc_open(path, NC_NOWRITE, &nc);
  if (rc)
    return rc;
  rc = nc_inq_varid(nc, name, &var);
  if (!rc)
    rc = nc_get_vara_double(nc, var, start, count, buf);
  nc_close(nc);
  return rc;
}

/* A global numeric attribute. */
static inline double read_att(const char *path, const char *name)
{
  int nc;
  double v = NAN;
  if (nc_open(path, NC_NOWRITE, &nc))
    return v;
  if (nc_get_att_double(nc, NC_GLOBAL, name, &v))
    v = NAN;
  nc_close(nc);
  return v;
}

#endif
