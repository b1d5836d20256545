/* SPDX-License-Identifier: BSD-3-Clause */
/* Free massive relativistic boson (physics.md 2.2): p = m sinh(theta), E = m cosh(theta), no
 * scattering, bosonic statistics. Charges of the paper's GGE (SM (8)-(9)): h_0 = 1 (particle
 * number), h_{2k} = cosh(k theta), h_{2k-1} = sinh(k theta); they carry no factor m. */
#include "ghdk/status.h"
#include "model_priv.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

struct free_boson {
  struct ghdk_model base;
  double mass;
};

static enum ghdk_statistics fb_statistics(const struct ghdk_model *m, size_t a)
{
  (void)m;
  (void)a;
  return GHDK_BOSON;
}

static void fb_bare(const struct ghdk_model *m, size_t a, double theta, struct ghdk_bare *out)
{
  (void)a;
  const double mass = container_of(m, struct free_boson, base)->mass;
  const double s = sinh(theta), c = cosh(theta);
  out->p = mass * s;
  out->dp = mass * c;
  out->e = mass * c;
  out->de = mass * s;
}

static int fb_interacting(const struct ghdk_model *m, size_t a, size_t b)
{
  (void)m;
  (void)a;
  (void)b;
  return 0;
}

static double fb_kernel(const struct ghdk_model *m, size_t a, size_t b, double theta, double gamma)
{
  (void)m;
  (void)a;
  (void)b;
  (void)theta;
  (void)gamma;
  return 0.0;
}

static double fb_charge(const struct ghdk_model *m, size_t a, int i, double theta)
{
  (void)m;
  (void)a;
  if (i == 0)
    return 1.0;
  const double k = (double)((i + 1) / 2);
  return (i % 2) ? sinh(k * theta) : cosh(k * theta);
}

static const char *fb_charge_name(const struct ghdk_model *m, int i, char *buf, size_t len)
{
  (void)m;
  if (i == 0)
    snprintf(buf, len, "1");
  else
    snprintf(buf, len, "%s(%d theta)", (i % 2) ? "sinh" : "cosh", (i + 1) / 2);
  return buf;
}

static void fb_free(struct ghdk_model *m)
{
  free(container_of(m, struct free_boson, base));
}

int ghdk_free_boson_new(const struct ghdk_model_inp *inp, struct ghdk_model **out)
{
  const double mass = inp->mass == 0.0 ? 1.0 : inp->mass;
  if (!(mass > 0.0) || !isfinite(mass))
    return GHDK_ERROR(GHDK_ERR_INPUT, "free_boson: mass must be > 0 and finite, got %g", mass);
  if (inp->nspecies > 1)
    return GHDK_ERROR(GHDK_ERR_INPUT, "free_boson has one species, got %zu", inp->nspecies);
  struct free_boson *fb = calloc(1, sizeof *fb);
  if (!fb)
    return GHDK_ERROR(GHDK_ERR_NOMEM, "free_boson");
  fb->base = (struct ghdk_model){
      .name = "free_boson",
      .nspecies = 1,
      .difference_kernel = 1,
      .statistics = fb_statistics,
      .bare = fb_bare,
      .interacting = fb_interacting,
      .kernel = fb_kernel,
      .charge = fb_charge,
      .charge_name = fb_charge_name,
      .free = fb_free,
  };
  fb->mass = mass;
  *out = &fb->base;
  return GHDK_OK;
}
