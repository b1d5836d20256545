/* SPDX-License-Identifier: BSD-3-Clause */
/* Private: constructors of the registered models. */
#ifndef GHDK_MODEL_PRIV_H
#define GHDK_MODEL_PRIV_H

#include "ghdk/model.h"

#define container_of(ptr, type, member) ((type *)((char *)(ptr)-offsetof(type, member)))

int ghdk_lieb_liniger_new(const struct ghdk_model_inp *inp, struct ghdk_model **out);
int ghdk_free_boson_new(const struct ghdk_model_inp *inp, struct ghdk_model **out);

#endif
