/* SPDX-License-Identifier: BSD-3-Clause */
/* Private: constructors of the registered collision kernels. */
#ifndef GHDK_COLL_PRIV_H
#define GHDK_COLL_PRIV_H

#include "ghdk/kinetic.h"

#ifndef container_of
#define container_of(ptr, type, member) ((type *)((char *)(ptr)-offsetof(type, member)))
#endif

int ghdk_phi6_new(const struct ghdk_coll_inp *inp, struct ghdk_coll **out);
int ghdk_coupled_ll_new(const struct ghdk_coll_inp *inp, struct ghdk_coll **out);
int ghdk_relaxation_new(const struct ghdk_coll_inp *inp, struct ghdk_coll **out);

#endif
