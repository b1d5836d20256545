/* SPDX-License-Identifier: BSD-3-Clause */
/* Fuzz target: the deck loader on arbitrary text. Lines at the top of the input that start with
 * "--set " are taken as overrides (key=value), the rest is the deck. Any input must end in a
 * problem or an error status, within the sandbox's limits (small ones here, so that each input
 * runs in milliseconds); a crash, a sanitizer report or a leak is a bug. */
#define _POSIX_C_SOURCE 200809L /* getpid */
#include "deck/deck_priv.h"
#include "ghdk/status.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { MAX_SET = 8 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static char path[64];
  if (!path[0])
    snprintf(path, sizeof path, "/tmp/ghdk_fuzz_deck_%d.lua", (int)getpid());
  char *text = malloc(size + 1);
  if (!text)
    return 0;
  memcpy(text, data, size);
  text[size] = '\0';
  const char *set[MAX_SET];
  size_t nset = 0;
  char *body = text;
  while (nset < MAX_SET && strncmp(body, "--set ", 6) == 0) {
    char *eol = strchr(body, '\n');
    if (!eol)
      break;
    *eol = '\0';
    set[nset++] = body + 6;
    body = eol + 1;
  }
  FILE *f = fopen(path, "wb");
  if (f) {
    /* The loader reads the text back from the file: an embedded NUL ends it there. */
    fwrite(body, 1, size - (size_t)(body - text), f);
    fclose(f);
    struct ghdk_problem *p = NULL;
    const struct ghdk_deck_limits lim = {.max_bytes = (size_t)16 << 20,
                                         .max_instructions = 100000,
                                         .max_total_instructions = 1000000,
                                         .max_points = 100000};
    if (ghdk_deck_load_limited(path, nset, set, &lim, &p) == GHDK_OK)
      ghdk_problem_free(p);
    remove(path);
  }
  free(text);
  return 0;
}
