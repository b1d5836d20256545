/* SPDX-License-Identifier: BSD-3-Clause */
/* Fuzz target: the checkpoint decoder on arbitrary bytes. Any input must decode or be refused
 * with a status; a crash, a sanitizer report or a leak is a bug, and so is a decoded checkpoint
 * that breaks what the decoder promises (sizes non-zero, at least one record, finite values). */
#include "ghdk/status.h"
#include "solver/checkpoint.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct ghdk_ckpt c;
  if (ghdk_ckpt_decode(data, size, "fuzz input", &c) != GHDK_OK)
    return 0;
  const size_t n = (size_t)(c.ns * c.nx * c.n);
  if (n == 0 || c.records < 1 || !isfinite(c.t) || !isfinite(c.max_n) || 8 * n > size)
    abort();
  for (size_t i = 0; i < n; i++)
    if (!isfinite(c.y[i]))
      abort();
  ghdk_ckpt_free(&c);
  return 0;
}
