/* SPDX-License-Identifier: BSD-3-Clause */
/** @file model.h
 * The integrable-model interface: bare momentum and energy, two-body kernel, statistics and
 * one-particle charge eigenvalues of every quasiparticle species.
 *
 * A model is a struct of function pointers plus metadata (this struct), embedded as the first
 * member of the concrete model and chosen by name from a registry (ghdk_model_new). Nothing here
 * assumes one species, a difference kernel or fermionic statistics: the kernel takes both
 * rapidities and both species, and the statistics is per species.
 */
#ifndef GHDK_MODEL_H
#define GHDK_MODEL_H

#include <stddef.h>

/** Largest number of species a model may have. */
#define GHDK_MAX_SPECIES 8

/** Quasiparticle statistics. The statistical factor sigma enters as rho_h = rho_s (1 - sigma n). */
enum ghdk_statistics {
  GHDK_FERMION = 0, /**< sigma = +1, n = 1/(e^eps + 1) (Yang-Yang) */
  GHDK_BOSON,       /**< sigma = -1, n = 1/(e^eps - 1) */
  GHDK_CLASSICAL    /**< sigma =  0, n = e^-eps (Boltzmann) */
};

/** Bare one-particle functions of one species at one rapidity. */
struct ghdk_bare {
  double p, dp; /**< momentum p(theta) and p'(theta) */
  double e, de; /**< energy E(theta) and E'(theta) */
};

struct ghdk_model;

/** The model interface. All functions are pure (thread-safe, no allocation). */
struct ghdk_model {
  const char *name; /**< registry name, e.g. "lieb_liniger" */
  size_t nspecies;
  /** 1 if T_ab(theta, gamma) depends on theta - gamma only, for every species pair. */
  int difference_kernel;
  enum ghdk_statistics (*statistics)(const struct ghdk_model *m, size_t a);
  void (*bare)(const struct ghdk_model *m, size_t a, double theta, struct ghdk_bare *out);
  /** 0 if T_ab vanishes identically (then no convolution is done for that pair). */
  int (*interacting)(const struct ghdk_model *m, size_t a, size_t b);
  /** T_ab(theta, gamma) = d phi_ab/d theta / (2 pi), symmetric: T_ab(t, g) = T_ba(g, t). */
  double (*kernel)(const struct ghdk_model *m, size_t a, size_t b, double theta, double gamma);
  /** One-particle eigenvalue h_i(theta) of charge i >= 0 on species a. */
  double (*charge)(const struct ghdk_model *m, size_t a, int i, double theta);
  /** Human-readable name of charge i, e.g. "theta^2" or "cosh(theta)" (static or in buf). */
  const char *(*charge_name)(const struct ghdk_model *m, int i, char *buf, size_t len);
  void (*free)(struct ghdk_model *m);
};

/** Parameters of every registered model; a model reads the fields it knows. */
struct ghdk_model_inp {
  const char *name;           /**< registry name */
  size_t nspecies;            /**< 0 means 1 */
  double c[GHDK_MAX_SPECIES]; /**< lieb_liniger: coupling c_a > 0 of each species; INFINITY
                                   gives the Tonks-Girardeau gas (no scattering) */
  double mass;                /**< free_boson: mass m > 0; 0 means 1 */
};

/** Build the model registered under inp->name. An unknown name is GHDK_ERR_INPUT with a message
 * listing the known ones. On success *out owns the model (free with ghdk_model_free). */
int ghdk_model_new(const struct ghdk_model_inp *inp, struct ghdk_model **out);
/** Free a model (NULL allowed). */
void ghdk_model_free(struct ghdk_model *m);
/** The registered model names, NULL-terminated. */
const char *const *ghdk_model_names(void);

/** Statistical factor sigma (+1 fermion, -1 boson, 0 classical). */
static inline double ghdk_stat_sigma(enum ghdk_statistics s)
{
  return s == GHDK_FERMION ? 1.0 : (s == GHDK_BOSON ? -1.0 : 0.0);
}

#endif
