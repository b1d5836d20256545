/* SPDX-License-Identifier: BSD-3-Clause */
/* Lieb-Liniger gases, hbar = 2m = 1 (physics.md 2.1): p = theta, E = theta^2,
 * phi_a = 2 arctan(theta/c_a), T_a = (1/pi) c_a/(c_a^2 + theta^2), fermionic (Yang-Yang)
 * statistics, charges h_i = theta^i. Several species are independent gases (T_ab = 0 for a != b),
 * each with its own c_a; c_a = INFINITY is the Tonks-Girardeau gas. */
#include "ghdk/status.h"
#include "model_priv.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

struct lieb_liniger {
  struct ghdk_model base;
  double c[GHDK_MAX_SPECIES];
};

static enum ghdk_statistics ll_statistics(const struct ghdk_model *m, size_t a)
{
  (void)m;
  (void)a;
  return GHDK_FERMION;
}

static void ll_bare(const struct ghdk_model *m, size_t a, double theta, struct ghdk_bare *out)
{
  (void)m;
  (void)a;
  out->p = theta;
  out->dp = 1.0;
  out->e = theta * theta;
  out->de = 2.0 * theta;
}

static int ll_interacting(const struct ghdk_model *m, size_t a, size_t b)
{
  const struct lieb_liniger *ll = container_of(m, struct lieb_liniger, base);
  return a == b && isfinite(ll->c[a]);
}

static double ll_kernel(const struct ghdk_model *m, size_t a, size_t b, double theta, double gamma)
{
  if (!ll_interacting(m, a, b))
    return 0.0;
  const double c = container_of(m, struct lieb_liniger, base)->c[a];
  const double d = theta - gamma;
  return c / (GHDK_PI * (c * c + d * d));
}

static double ll_charge(const struct ghdk_model *m, size_t a, int i, double theta)
{
  (void)m;
  (void)a;
  double h = 1.0;
  for (int k = 0; k < i; k++)
    h *= theta;
  return h;
}

static const char *ll_charge_name(const struct ghdk_model *m, int i, char *buf, size_t len)
{
  (void)m;
  snprintf(buf, len, "theta^%d", i);
  return buf;
}

static void ll_free(struct ghdk_model *m)
{
  free(container_of(m, struct lieb_liniger, base));
}

int ghdk_lieb_liniger_new(const struct ghdk_model_inp *inp, struct ghdk_model **out)
{
  const size_t ns = inp->nspecies ? inp->nspecies : 1;
  if (ns > GHDK_MAX_SPECIES)
    return GHDK_ERROR(GHDK_ERR_INPUT, "lieb_liniger: %zu species, at most %d", ns,
                      GHDK_MAX_SPECIES);
  for (size_t a = 0; a < ns; a++)
    if (!(inp->c[a] > 0.0))
      return GHDK_ERROR(GHDK_ERR_INPUT,
                        "lieb_liniger: coupling c of species %zu must be > 0 (or math.huge for "
                        "Tonks-Girardeau), got %g",
                        a + 1, inp->c[a]);
  struct lieb_liniger *ll = calloc(1, sizeof *ll);
  if (!ll)
    return GHDK_ERROR(GHDK_ERR_NOMEM, "lieb_liniger");
  ll->base = (struct ghdk_model){
      .name = "lieb_liniger",
      .nspecies = ns,
      .difference_kernel = 1,
      .statistics = ll_statistics,
      .bare = ll_bare,
      .interacting = ll_interacting,
      .kernel = ll_kernel,
      .charge = ll_charge,
      .charge_name = ll_charge_name,
      .free = ll_free,
  };
  for (size_t a = 0; a < ns; a++)
    ll->c[a] = inp->c[a];
  *out = &ll->base;
  return GHDK_OK;
}
