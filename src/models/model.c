/* SPDX-License-Identifier: BSD-3-Clause */
#include "ghdk/status.h"
#include "model_priv.h"

#include <stdio.h>
#include <string.h>

static const struct {
  const char *name;
  int (*create)(const struct ghdk_model_inp *, struct ghdk_model **);
} registry[] = {
    {"lieb_liniger", ghdk_lieb_liniger_new},
    {"free_boson", ghdk_free_boson_new},
};

static const char *const names[] = {"lieb_liniger", "free_boson", NULL};

const char *const *ghdk_model_names(void)
{
  return names;
}

int ghdk_model_new(const struct ghdk_model_inp *inp, struct ghdk_model **out)
{
  *out = NULL;
  for (size_t i = 0; i < sizeof registry / sizeof registry[0]; i++)
    if (inp->name && strcmp(inp->name, registry[i].name) == 0)
      return registry[i].create(inp, out);
  char known[256] = "";
  for (size_t i = 0; names[i]; i++) {
    strncat(known, i ? ", " : "", sizeof known - strlen(known) - 1);
    strncat(known, names[i], sizeof known - strlen(known) - 1);
  }
  return GHDK_ERROR(GHDK_ERR_INPUT, "unknown model '%s' (known: %s)", inp->name ? inp->name : "",
                    known);
}

void ghdk_model_free(struct ghdk_model *m)
{
  if (m)
    m->free(m);
}
