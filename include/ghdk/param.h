/* SPDX-License-Identifier: BSD-3-Clause */
/** @file param.h
 * A resolved input parameter (deck key and its effective value, defaults included), as written
 * into the output file's global attributes.
 */
#ifndef GHDK_PARAM_H
#define GHDK_PARAM_H

/** One effective parameter: key "grid.N", numeric value or string value. */
struct ghdk_param {
  char key[208]; /* a deck path: table keys and list indices, up to 200 characters */
  int numeric;   /**< 1: value in num; 0: value in str */
  double num;
  char str[256];
};

#endif
