/* SPDX-License-Identifier: BSD-3-Clause */
/** @file deck.h
 * Input decks: a sandboxed Lua 5.4 chunk returning a table, validated once into plain C structs
 * (struct ghdk_problem). Lua functions in the deck (trap potential, source W(x, theta)) are
 * sampled here on the problem's grids; nothing reads Lua after ghdk_deck_load returns.
 */
#ifndef GHDK_DECK_H
#define GHDK_DECK_H

#include "ghdk/grid.h"
#include "ghdk/model.h"
#include "ghdk/param.h"

#include <stddef.h>

/** Largest number of tracked charges h_0 .. h_{GHDK_MAX_CHARGES-1}. */
#define GHDK_MAX_CHARGES 16

/** How each cell's initial state is specified. */
enum ghdk_state_kind {
  GHDK_STATE_THERMAL = 0, /**< W = beta (E - nu p - mu [+ V(x)]), beta = 1/T */
  GHDK_STATE_GGE,         /**< W = sum_i beta_i h_i */
  GHDK_STATE_SOURCE,      /**< W(x, theta) from a Lua function, sampled into problem.source_w */
  GHDK_STATE_VACUUM       /**< no particles: n = 0 */
};

/** Initial state of one species. */
struct ghdk_state_spec {
  enum ghdk_state_kind kind;
  double T, mu, nu;              /**< thermal: temperature > 0, chemical potential, boost */
  size_t nbeta;                  /**< gge: number of coefficients given */
  double beta[GHDK_MAX_CHARGES]; /**< gge: beta_i of charge h_i, i = 0 .. nbeta-1 */
};

/** Dressing method: auto picks FFT on a uniform grid with a difference kernel, else dense. */
enum ghdk_dress_method { GHDK_DRESS_AUTO = 0, GHDK_DRESS_FFT, GHDK_DRESS_DENSE };

/** A validated problem, everything the run needs, in plain C. */
struct ghdk_problem {
  char deck_path[1024]; /**< as given on the command line */
  char *deck_text;      /**< full text of the deck (owned) */
  char kind[16];        /**< run kind: "state" (write the initial state), "homogeneous" */
  char model_name[32];
  struct ghdk_model_inp model; /**< model.name points at model_name */
  struct ghdk_grid_inp grid;   /**< rapidity grid */
  enum ghdk_dress_method dressing;
  double dress_tol;    /**< relative tolerance of iterative dressing solves */
  size_t nx;           /**< number of space cells (1: homogeneous) */
  double x_min, x_max; /**< cells of width (x_max - x_min)/nx, centres at midpoints */
  struct ghdk_state_spec state[GHDK_MAX_SPECIES]; /**< one per species */
  double *potential;      /**< V(x) at the nx cell centres, or NULL (owned) */
  double *potential_face; /**< V(x) at the nx + 1 cell faces, or NULL (owned) */
  double bragg_q;         /**< Bragg pulse momentum q >= 0 applied to the initial state */
  int boundary;           /**< space.boundary, in enum ghdk_bc order: periodic, open, wall */
  int limiter;            /**< fv.limiter, in enum ghdk_limiter order */
  double coll_strength;   /**< collision.strength: lambda^2 in front of I (kind ghd) */
  int time_method;        /**< time.method: 0 auto, 1 adams, 2 bdf */
  /* kind "prethermal": the phi^4 quench of the free boson at order lambda^2 (physics.md 6). */
  char pre_coefficients[32];   /**< prethermal.coefficients */
  double pre_lambda;           /**< prethermal.lambda */
  size_t pre_nquad, pre_ncheb; /**< prethermal.nquad, prethermal.ncheb (0: defaults) */
  double pre_tol;              /**< prethermal.tol */
  double *source_w;            /**< W[(a*nx + i)*ntheta + k] for SOURCE states, or NULL (owned) */
  size_t ncharge;              /**< tracked charges for q, j, beta */
  int charges[GHDK_MAX_CHARGES];
  int fit_betas;           /**< fit beta_i on the basis of the tracked charges */
  int write_n, write_veff; /**< optional output fields */
  char output[1024];       /**< output path (the -o option overrides) */
  /* kind "homogeneous": a single cell under a collision kernel, integrated in tbar by CVODE. */
  char coll_name[32];         /**< collision.kernel */
  char coll_coefficients[32]; /**< collision.coefficients (phi6) */
  size_t coll_quad_order;     /**< collision.quad_order (phi6; 0: kernel default) */
  double coll_tau;            /**< collision.tau (relaxation) */
  int coll_conserve_number;   /**< collision.conserve_number (relaxation) */
  double t_end, t_first;      /**< time.t_end; time.t_first (first output, log spacing) */
  size_t n_out;               /**< time.n_out output instants after t = 0 */
  int log_spacing;            /**< time.spacing == "log" */
  double rtol, atol;          /**< time.rtol; time.atol relative to max rho_p(0) */
  int linear_solver;          /**< time.linear_solver: 0 auto, 1 dense, 2 gmres */
  size_t max_steps;           /**< time.max_steps */
  size_t ckpt_every;          /**< checkpoint.every: output records between checkpoints (0: none) */
  char ckpt_file[1024];       /**< checkpoint.file ("": output path with .nc -> .ckpt) */
  size_t nparam;              /**< effective parameters, defaults included */
  struct ghdk_param *param;   /**< (owned) */
};

/** Load, sandbox-execute and validate a deck; apply `--set key=value` overrides (nset strings
 * "key=value") before validation. Bad input returns GHDK_ERR_INPUT after printing one message
 * naming the deck and the key (or line) and the valid range. *out owns the problem. */
int ghdk_deck_load(const char *path, size_t nset, const char *const *set,
                   struct ghdk_problem **out);
/** Free a problem (NULL allowed). */
void ghdk_problem_free(struct ghdk_problem *p);
/** Print the table of deck keys (key, type, default, range, meaning) in Markdown. */
void ghdk_deck_print_keys(void *file /* FILE* */);

#endif
