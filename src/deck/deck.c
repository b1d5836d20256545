/* SPDX-License-Identifier: BSD-3-Clause */
/* Input decks. The deck's Lua chunk runs in a sandbox (no os, io, package, load, dofile; capped
 * heap; instruction budget), --set overrides are applied to the table it returns, and then every
 * key is read through one schema table (type, default, range, meaning): the readers, the error
 * messages and the key table of docs/user-guide.md all come from the same rows. Each read marks
 * its key consumed; a final walk over the deck reports any key nobody consumed, so a typo cannot
 * silently fall back to a default. All Lua access is raw (no metamethods), and only the deck's
 * own functions (the chunk, potential, W) run deck code, each under the budget. */
#include "deck_priv.h"
#include "ghdk/status.h"

#include <errno.h>
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------------------------ */
/* The schema                                                                                  */

enum key_type {
  T_STRING,
  T_NUMBER,
  T_INTEGER,
  T_BOOLEAN,
  T_FUNCTION,
  T_NUMBER_LIST,  /* a number (every species) or a list of numbers */
  T_INTEGER_LIST, /* a list of integers */
  T_BETA,         /* a table: charge index -> number */
  T_STATE         /* a table, or a list of tables (one per species) */
};

static const struct {
  const char *doc;    /* type column of the key table */
  const char *phrase; /* "key 'x' must be ..." */
} type_info[] = {
    [T_STRING] = {"string", "a string"},
    [T_NUMBER] = {"number", "a number"},
    [T_INTEGER] = {"integer", "an integer"},
    [T_BOOLEAN] = {"boolean", "a boolean"},
    [T_FUNCTION] = {"function", "a function"},
    [T_NUMBER_LIST] = {"number or list of numbers", "a number or a list of numbers"},
    [T_INTEGER_LIST] = {"list of integers", "a list of integers"},
    [T_BETA] = {"table: charge index -> number", "a table of numbers indexed by charge"},
    [T_STATE] = {"table or list of tables", "a table or a list of tables"},
};

enum {
  F_REQUIRED = 1u << 0, /* no default: absence is an error */
  F_COMPUTED = 1u << 1, /* default computed from other keys; def_text only documents it */
  F_GT = 1u << 2,       /* value > lo */
  F_GE = 1u << 3,       /* value >= lo */
  F_LT = 1u << 4,       /* value < hi */
  F_LE = 1u << 5,       /* value <= hi */
  F_INF = 1u << 6,      /* infinity allowed (where the bounds allow it) */
  F_MODELS = 1u << 7    /* allowed strings: the model registry */
};

struct key_spec {
  const char *key; /* generic path: per-species entries drop the index ("state.T") */
  enum key_type type;
  unsigned flags;
  double def;               /* numeric or boolean default */
  const char *def_text;     /* string default, or the text of a computed default */
  const double *def_list;   /* list default */
  size_t ndef_list;         /* entries of def_list */
  double lo, hi;            /* bounds selected by F_GT .. F_LE; of list entries, beta indices */
  const char *const *names; /* allowed strings, NULL-terminated */
  /* "model.name=lieb_liniger": the key is allowed only then (model.name or state.type; the
   * number, list, beta and function readers honour it) */
  const char *when;
  const char *note; /* a condition checked by hand, appended to the range text */
  const char *meaning;
};

static const char *const kind_names[] = {"state", "homogeneous", "ghd", "prethermal", NULL};
static const char *const coll_names[] = {"none", "phi6", "coupled_ll", "relaxation", NULL};
/* In the order of enum ghdk_bc and enum ghdk_limiter. */
static const char *const boundary_names[] = {"periodic", "open", "wall", NULL};
static const char *const limiter_names[] = {"upwind", "minmod", "mc", "vanleer", NULL};
static const char *const method_names[] = {"auto", "adams", "bdf", NULL};
static const char *const coefficient_names[] = {"golden_rule", "printed", NULL};
static const char *const spacing_names[] = {"linear", "log", NULL};
static const char *const solver_names[] = {"auto", "dense", "gmres", NULL};
/* In the order of enum ghdk_quad_rule, enum ghdk_dress_method and enum ghdk_state_kind. */
static const char *const rule_names[] = {"uniform", "gauss_legendre", NULL};
static const char *const dressing_names[] = {"auto", "fft", "dense", NULL};
static const char *const state_names[] = {"thermal", "gge", "source", "vacuum", NULL};
static const double charges_default[] = {0, 1, 2};

static const struct key_spec schema[] = {
    {.key = "kind",
     .type = T_STRING,
     .def_text = "state",
     .names = kind_names,
     .meaning = "what the run does: `state` writes the initial state as one record; "
                "`homogeneous` evolves one cell under a collision kernel; `ghd` solves the "
                "inhomogeneous equation on space.nx cells; `prethermal` the phi^4 quench of the "
                "free boson at order lambda^2"},
    {.key = "model.name",
     .type = T_STRING,
     .flags = F_REQUIRED | F_MODELS,
     .meaning = "integrable model"},
    {.key = "model.c",
     .type = T_NUMBER_LIST,
     .flags = F_GT | F_INF,
     .def = 1,
     .lo = 0,
     .when = "model.name=lieb_liniger",
     .note = "math.huge: Tonks-Girardeau",
     .meaning = "coupling c: one number for every species, or a list with one per species"},
    {.key = "model.species",
     .type = T_INTEGER,
     .flags = F_COMPUTED | F_GE | F_LE,
     .def_text = "#model.c if a list, else 1",
     .lo = 1,
     .hi = GHDK_MAX_SPECIES,
     .note = "free_boson: 1",
     .meaning = "number of quasiparticle species"},
    {.key = "model.mass",
     .type = T_NUMBER,
     .flags = F_GT,
     .def = 1,
     .lo = 0,
     .when = "model.name=free_boson",
     .meaning = "particle mass m"},
    {.key = "grid.rule",
     .type = T_STRING,
     .def_text = "uniform",
     .names = rule_names,
     .meaning = "rapidity quadrature: midpoint rule or Gauss-Legendre"},
    {.key = "grid.L",
     .type = T_NUMBER,
     .flags = F_GT,
     .def = 10,
     .lo = 0,
     .meaning = "rapidity window [-L, L]"},
    {.key = "grid.N",
     .type = T_INTEGER,
     .flags = F_GE | F_LE,
     .def = 256,
     .lo = 2,
     .hi = 1048576,
     .meaning = "number of rapidity nodes"},
    {.key = "grid.dressing",
     .type = T_STRING,
     .def_text = "auto",
     .names = dressing_names,
     .meaning =
         "dressing solver; auto: FFT on a uniform grid with a difference kernel, else dense"},
    {.key = "grid.tol",
     .type = T_NUMBER,
     .flags = F_GE | F_LE,
     .def = 1e-14,
     .lo = 1e-16,
     .hi = 1e-6,
     .meaning = "relative tolerance of the iterative dressing"},
    {.key = "space.nx",
     .type = T_INTEGER,
     .flags = F_GE | F_LE,
     .def = 1,
     .lo = 1,
     .hi = 1000000,
     .meaning = "number of space cells (1: homogeneous)"},
    {.key = "space.x_min",
     .type = T_NUMBER,
     .def = -1,
     .note = "< space.x_max",
     .meaning = "left end of the space domain"},
    {.key = "space.x_max",
     .type = T_NUMBER,
     .def = 1,
     .note = "> space.x_min",
     .meaning = "right end of the space domain"},
    {.key = "space.boundary",
     .type = T_STRING,
     .def_text = "open",
     .names = boundary_names,
     .when = "kind=ghd",
     .meaning = "boundary condition in x: periodic, open (outflow, zero gradient) or wall "
                "(reflecting)"},
    {.key = "fv.limiter",
     .type = T_STRING,
     .def_text = "vanleer",
     .names = limiter_names,
     .when = "kind=ghd",
     .meaning = "slope limiter of the MUSCL reconstruction (upwind: first order); the smooth "
                "vanleer costs CVODE about 3x fewer steps than mc"},
    {.key = "potential",
     .type = T_FUNCTION,
     .def_text = "none",
     .note = "finite values",
     .meaning = "trap potential V(x), sampled at the cell centres; needs thermal or source states"},
    {.key = "state",
     .type = T_STATE,
     .flags = F_REQUIRED,
     .note = "one table for every species, or a list with one per species",
     .meaning = "initial state; holds the state.* keys (state.T, or state.2.T in a list)"},
    {.key = "state.type",
     .type = T_STRING,
     .flags = F_REQUIRED,
     .names = state_names,
     .meaning = "thermal: W = (E - nu p - mu)/T; gge: W = sum_i beta_i h_i; source: W(x, theta)"},
    {.key = "state.T",
     .type = T_NUMBER,
     .flags = F_REQUIRED | F_GT,
     .lo = 0,
     .when = "state.type=thermal",
     .meaning = "temperature"},
    {.key = "state.mu",
     .type = T_NUMBER,
     .def = 0,
     .when = "state.type=thermal",
     .note = "free_boson: < m sqrt(1 - nu^2)",
     .meaning = "chemical potential"},
    {.key = "state.nu",
     .type = T_NUMBER,
     .def = 0,
     .when = "state.type=thermal",
     .note = "free_boson: abs(nu) < 1",
     .meaning = "boost"},
    {.key = "state.beta",
     .type = T_BETA,
     .flags = F_REQUIRED | F_GE | F_LE,
     .lo = 0,
     .hi = GHDK_MAX_CHARGES - 1,
     .when = "state.type=gge",
     .meaning = "beta_i of charge h_i, e.g. { [0] = 0.1, [2] = 1.3 }; a plain list {a, b} sets "
                "beta_1 = a, beta_2 = b"},
    {.key = "state.W",
     .type = T_FUNCTION,
     .flags = F_REQUIRED,
     .when = "state.type=source",
     .note = "finite values",
     .meaning = "source term W(x, theta, a) of species a, sampled at the cell centres and the "
                "rapidity nodes"},
    {.key = "collision.kernel",
     .type = T_STRING,
     .def_text = "none",
     .names = coll_names,
     .when = "kind=homogeneous|ghd",
     .note = "homogeneous: not none",
     .meaning = "collision kernel I[rho_p] (physics.md 4); phi6 needs free_boson, coupled_ll two "
                "lieb_liniger species"},
    {.key = "collision.strength",
     .type = T_NUMBER,
     .flags = F_GE,
     .def = 1,
     .lo = 0,
     .when = "kind=ghd",
     .meaning = "lambda^2 in front of the collision term (1 in Euler-scaled units xbar, tbar)"},
    {.key = "collision.coefficients",
     .type = T_STRING,
     .def_text = "golden_rule",
     .names = coefficient_names,
     .when = "collision.kernel=phi6",
     .meaning = "coefficients of the 3<->3, 2->4, 4->2 terms: golden_rule (120 pi, 120 pi, 60 pi) "
                "or printed (1200, 900, 450)"},
    {.key = "collision.quad_order",
     .type = T_INTEGER,
     .flags = F_GE | F_LE,
     .def = 0,
     .lo = 0,
     .hi = 1024,
     .when = "collision.kernel=phi6",
     .meaning = "nodes of the inner threshold quadrature; 0: the kernel's default"},
    {.key = "collision.tau",
     .type = T_NUMBER,
     .flags = F_GT,
     .def = 1,
     .lo = 0,
     .when = "collision.kernel=relaxation",
     .meaning = "relaxation time, in units of tbar"},
    {.key = "collision.conserve_number",
     .type = T_BOOLEAN,
     .def = 1,
     .when = "collision.kernel=relaxation",
     .meaning = "relax toward the thermal state with the same particle number of each species "
                "(else only momentum and energy are kept)"},
    {.key = "time.t_end",
     .type = T_NUMBER,
     .flags = F_REQUIRED | F_GT,
     .lo = 0,
     .when = "kind=homogeneous|ghd|prethermal",
     .meaning = "final time: tbar = lambda^2 t (homogeneous), t (ghd, prethermal)"},
    {.key = "time.n_out",
     .type = T_INTEGER,
     .flags = F_GE | F_LE,
     .def = 50,
     .lo = 1,
     .hi = 1000000,
     .when = "kind=homogeneous|ghd|prethermal",
     .meaning = "number of output instants after t = 0"},
    {.key = "time.spacing",
     .type = T_STRING,
     .def_text = "linear",
     .names = spacing_names,
     .when = "kind=homogeneous|ghd|prethermal",
     .meaning = "output instants equally spaced (linear) or geometric from time.t_first (log)"},
    {.key = "time.t_first",
     .type = T_NUMBER,
     .flags = F_COMPUTED | F_GT,
     .def_text = "time.t_end / 1000",
     .lo = 0,
     .note = "< time.t_end",
     .when = "kind=homogeneous|ghd|prethermal",
     .meaning = "first output instant with log spacing"},
    {.key = "time.rtol",
     .type = T_NUMBER,
     .flags = F_GE | F_LE,
     .def = 1e-8,
     .lo = 1e-14,
     .hi = 1e-2,
     .when = "kind=homogeneous|ghd",
     .meaning = "CVODE relative tolerance"},
    {.key = "time.atol",
     .type = T_NUMBER,
     .flags = F_GE | F_LE,
     .def = 1e-10,
     .lo = 0,
     .hi = 1,
     .when = "kind=homogeneous|ghd",
     .meaning = "CVODE absolute tolerance, relative to the largest initial rho_p"},
    {.key = "time.method",
     .type = T_STRING,
     .def_text = "auto",
     .names = method_names,
     .when = "kind=homogeneous|ghd",
     .meaning = "CVODE method: adams (non-stiff) or bdf (stiff); auto: bdf with a collision "
                "kernel, adams without"},
    {.key = "time.linear_solver",
     .type = T_STRING,
     .def_text = "auto",
     .names = solver_names,
     .when = "kind=homogeneous|ghd",
     .meaning = "BDF linear solver: gmres (matrix-free, conserves the kernel's invariants to "
                "round-off; preconditioned by the cells' collision Jacobians) or dense "
                "(difference-quotient Jacobian, one MPI rank; its round-off breaks exact "
                "conservation at about 1e-8); auto: gmres"},
    {.key = "time.max_steps",
     .type = T_INTEGER,
     .flags = F_GE | F_LE,
     .def = 1000000,
     .lo = 1,
     .hi = 1e9,
     .when = "kind=homogeneous|ghd",
     .meaning =
         "largest number of CVODE steps between two output instants (CVODE counts them per call)"},
    {.key = "prethermal.coefficients",
     .type = T_STRING,
     .def_text = "golden_rule",
     .names = coefficient_names,
     .when = "kind=prethermal",
     .meaning = "coefficients of the five terms of SM (10): golden_rule (9 pi/2)(1, 4, 6, 4, 1) or "
                "printed (1, 16, 36, 16, 1)"},
    {.key = "prethermal.lambda",
     .type = T_NUMBER,
     .flags = F_GT,
     .def = 1,
     .lo = 0,
     .when = "kind=prethermal",
     .meaning = "coupling lambda of (lambda/4!) phi^4 (the changes scale as lambda^2)"},
    {.key = "prethermal.nquad",
     .type = T_INTEGER,
     .flags = F_GE | F_LE,
     .def = 0,
     .lo = 0,
     .hi = 4096,
     .when = "kind=prethermal",
     .meaning = "Gauss-Legendre nodes per dimension of the spectral integrals (0: 48)"},
    {.key = "prethermal.ncheb",
     .type = T_INTEGER,
     .flags = F_GE | F_LE,
     .def = 0,
     .lo = 0,
     .hi = 4096,
     .when = "kind=prethermal",
     .meaning = "Chebyshev order on each energy panel (0: 32)"},
    {.key = "prethermal.tol",
     .type = T_NUMBER,
     .flags = F_GE | F_LE,
     .def = 1e-10,
     .lo = 1e-14,
     .hi = 1e-4,
     .when = "kind=prethermal",
     .meaning = "relative tolerance of the oscillatory time integrals (1e-12 for t beyond 1e4)"},
    {.key = "bragg_q",
     .type = T_NUMBER,
     .flags = F_GE,
     .def = 0,
     .lo = 0,
     .meaning = "Bragg pulse on the initial state: rho_p(theta) -> [rho_p(theta - q) + "
                "rho_p(theta + q)]/2 (0: none)"},
    {.key = "output.file",
     .type = T_STRING,
     .flags = F_COMPUTED,
     .def_text = "deck name with .lua -> .nc",
     .meaning = "output file, in the current directory by default (the -o option overrides)"},
    {.key = "output.charges",
     .type = T_INTEGER_LIST,
     .flags = F_GE | F_LE,
     .def_list = charges_default,
     .ndef_list = sizeof charges_default / sizeof charges_default[0],
     .lo = 0,
     .hi = GHDK_MAX_CHARGES - 1,
     .note = "distinct, at most 16 entries",
     .meaning = "indices i of the tracked charges h_i (densities q_i, currents j_i, beta_i)"},
    {.key = "output.fit_betas",
     .type = T_BOOLEAN,
     .def = 0,
     .meaning = "fit beta_i on the basis of the tracked charges"},
    {.key = "output.n", .type = T_BOOLEAN, .def = 1, .meaning = "write the occupation function n"},
    {.key = "output.v_eff",
     .type = T_BOOLEAN,
     .def = 1,
     .meaning = "write the effective velocity v_eff"},
    {.key = "checkpoint.every",
     .type = T_INTEGER,
     .flags = F_GE | F_LE,
     .def = 0,
     .lo = 0,
     .hi = 1e9,
     .when = "kind=homogeneous|ghd",
     .meaning = "write a checkpoint every this many output records (0: only on SIGINT/SIGTERM and "
                "on failure); the integrator restarts at each one, so that `ghdk run --restart` "
                "continues bit for bit"},
    {.key = "checkpoint.file",
     .type = T_STRING,
     .flags = F_COMPUTED,
     .def_text = "output file with .nc -> .ckpt",
     .when = "kind=homogeneous|ghd",
     .meaning = "checkpoint file, replaced atomically at each checkpoint (empty: the default)"},
};
#define NKEYS (sizeof schema / sizeof schema[0])

static const struct key_spec *find_spec(const char *key)
{
  for (size_t i = 0; i < NKEYS; i++)
    if (strcmp(schema[i].key, key) == 0)
      return &schema[i];
  return NULL;
}

static const char *leaf_of(const char *key)
{
  const char *dot = strrchr(key, '.');
  return dot ? dot + 1 : key;
}

static void join(char *out, size_t len, const char *prefix, const char *leaf)
{
  if (prefix && *prefix)
    snprintf(out, len, "%s.%s", prefix, leaf);
  else
    snprintf(out, len, "%s", leaf);
}

/* Shortest text that reads back as the same double, so that messages and the key table show
 * 1e-14 rather than 1.0000000000000001e-14. */
struct num_text {
  char s[32];
};

static struct num_text num_text(double v)
{
  struct num_text t;
  if (v == floor(v) && fabs(v) < 1e15) {
    snprintf(t.s, sizeof t.s, "%.0f", v);
    return t;
  }
  for (int prec = 1; prec <= 17; prec++) {
    snprintf(t.s, sizeof t.s, "%.*g", prec, v);
    if (strtod(t.s, NULL) == v)
      break;
  }
  /* Exponent as Lua writes it: 1e-6, not 1e-06. */
  char *e = strchr(t.s, 'e');
  if (e) {
    char *digits = e + 1 + (e[1] == '-' || e[1] == '+');
    const size_t zeros = strspn(digits, "0");
    memmove(e[1] == '+' ? e + 1 : digits, digits + zeros, strlen(digits + zeros) + 1);
  }
  return t;
}

static const char *const *names_of(const struct key_spec *k)
{
  return (k->flags & F_MODELS) ? ghdk_model_names() : k->names;
}

/* The valid range as it reads after "must be": "> 0", "in [2, 1048576]", "one of: a, b". */
static void range_text(const struct key_spec *k, char *buf, size_t len)
{
  size_t n = 0;
  buf[0] = '\0';
  const char *const *names = names_of(k);
  if (names) {
    n += (size_t)snprintf(buf + n, len - n, "one of: ");
    for (size_t i = 0; names[i] && n < len; i++)
      n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? ", " : "", names[i]);
  }
  const int lo = (k->flags & (F_GT | F_GE)) != 0, hi = (k->flags & (F_LT | F_LE)) != 0;
  const char *what = k->type == T_BETA ? "indices " : "";
  if (lo && hi)
    n += (size_t)snprintf(buf + n, len - n, "%sin %c%s, %s%c", what, (k->flags & F_GT) ? '(' : '[',
                          num_text(k->lo).s, num_text(k->hi).s, (k->flags & F_LT) ? ')' : ']');
  else if (lo)
    n += (size_t)snprintf(buf + n, len - n, "%s%s %s", what,
                          (k->flags & F_GT) ? ">" : ">=", num_text(k->lo).s);
  else if (hi)
    n += (size_t)snprintf(buf + n, len - n, "%s%s %s", what,
                          (k->flags & F_LT) ? "<" : "<=", num_text(k->hi).s);
  if (k->note && n < len)
    snprintf(buf + n, len - n, n ? " (%s)" : "%s", k->note);
}

static void default_text(const struct key_spec *k, char *buf, size_t len)
{
  if (k->flags & F_REQUIRED)
    snprintf(buf, len, "required");
  else if ((k->flags & F_COMPUTED) || k->type == T_FUNCTION)
    snprintf(buf, len, "%s", k->def_text);
  else if (k->type == T_STRING)
    snprintf(buf, len, "`\"%s\"`", k->def_text);
  else if (k->type == T_BOOLEAN)
    snprintf(buf, len, "`%s`", k->def ? "true" : "false");
  else if (k->def_list) {
    size_t n = (size_t)snprintf(buf, len, "`{");
    for (size_t i = 0; i < k->ndef_list && n < len; i++)
      n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? ", " : "", num_text(k->def_list[i]).s);
    if (n < len)
      snprintf(buf + n, len - n, "}`");
  } else
    snprintf(buf, len, "`%s`", num_text(k->def).s);
}

void ghdk_deck_print_keys(void *file)
{
  FILE *f = file;
  fputs("| key | type | default | valid range | meaning |\n", f);
  fputs("|---|---|---|---|---|\n", f);
  for (size_t i = 0; i < NKEYS; i++) {
    const struct key_spec *k = &schema[i];
    char def[64], range[192], when[64] = "";
    default_text(k, def, sizeof def);
    range_text(k, range, sizeof range);
    if (k->when) {
      const char *eq = strchr(k->when, '=');
      snprintf(when, sizeof when, "; only if %.*s = %s", (int)(eq - k->when), k->when, eq + 1);
    }
    fprintf(f, "| `%s` | %s | %s | %s | %s%s |\n", k->key, type_info[k->type].doc, def, range,
            k->meaning, when);
  }
}

/* ------------------------------------------------------------------------------------------ */
/* The sandbox                                                                                 */

/* Key paths ("state.2.beta"), and paths of their entries ("state.2.beta.14"). */
#define PATH_LEN 128
#define ELEM_LEN (PATH_LEN + 72)

/* Lua heap accounting: the deck may not take more than limit bytes. */
struct deck_mem {
  size_t used, limit;
};

struct deck {
  lua_State *L;
  const char *path; /* as given */
  struct ghdk_problem *p;
  size_t nset;
  const char *const *set;
  struct deck_mem mem;
  size_t max_points;          /* cap of space.nx x grid.N x model.species */
  long long max_instr, count; /* instruction budget of the current call, and its use */
  long long max_total, total; /* budget of all calls together (W is called at every point) */
  int step;                   /* instructions between two calls of the hook */
  int hook_fired;             /* the budget ran out: report hook_msg, whatever the deck raised */
  char hook_msg[192];
  int consumed;           /* stack index of the table path -> 1 (partly read) or 2 (read) */
  char key[PATH_LEN];     /* full path of the key being read */
  const char *state_type; /* type of the state table being read, for `when` conditions */
  size_t cap_param;
  struct ghdk_grid *grid; /* rapidity nodes for source states, built on first use */
  int status;
};

#define HOOK_STEP 1000

static void *deck_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
  struct deck_mem *m = ud;
  const size_t old = ptr ? osize : 0; /* for new blocks osize is a type tag, not a size */
  if (nsize == 0) {
    free(ptr);
    m->used -= old;
    return NULL;
  }
  /* Lua needs shrinking to succeed; only growth is refused (Lua then raises LUA_ERRMEM). */
  if (nsize > old && nsize - old > m->limit - m->used)
    return NULL;
  void *q = realloc(ptr, nsize);
  if (q)
    m->used = m->used - old + nsize;
  return q;
}

static struct deck *deck_of(lua_State *L)
{
  return *(struct deck **)lua_getextraspace(L);
}

static void count_hook(lua_State *L, lua_Debug *ar)
{
  struct deck *d = deck_of(L);
  d->count += d->step;
  d->total += d->step;
  if (d->count <= d->max_instr && d->total <= d->max_total)
    return;
  if (!d->hook_fired) {
    lua_getinfo(L, "Sl", ar);
    if (d->count > d->max_instr)
      snprintf(d->hook_msg, sizeof d->hook_msg,
               "%s:%d: deck did not finish within %lld instructions (infinite loop?)",
               ar->short_src, ar->currentline, d->max_instr);
    else
      snprintf(d->hook_msg, sizeof d->hook_msg,
               "%s:%d: deck and its functions took more than %lld instructions in all",
               ar->short_src, ar->currentline, d->max_total);
  }
  d->hook_fired = 1;
  /* From now on fail on every instruction: a deck that catches the error with pcall cannot go
   * on, since each enclosing Lua frame fails in turn until the error reaches us. */
  d->step = 1;
  lua_sethook(L, count_hook, LUA_MASKCOUNT, 1);
  lua_pushstring(L, d->hook_msg);
  lua_error(L);
}

/* Give the next call into deck code a fresh instruction budget. The hook's own count goes on
 * across calls (lua_sethook would restart it), so that calls shorter than a step still add up
 * to the total: W may be called at 10^8 points. */
static void arm(struct deck *d)
{
  d->count = 0;
  d->hook_fired = 0;
  const int step = d->max_instr < HOOK_STEP ? (int)d->max_instr : HOOK_STEP;
  if (d->step != step) {
    d->step = step;
    lua_sethook(d->L, count_hook, LUA_MASKCOUNT, d->step);
  }
}

static int call_deck(struct deck *d, int nargs, int nresults)
{
  arm(d);
  return lua_pcall(d->L, nargs, nresults, 0);
}

static void open_sandbox(lua_State *L)
{
  static const luaL_Reg libs[] = {{LUA_GNAME, luaopen_base},
                                  {LUA_TABLIBNAME, luaopen_table},
                                  {LUA_STRLIBNAME, luaopen_string},
                                  {LUA_MATHLIBNAME, luaopen_math},
                                  {LUA_UTF8LIBNAME, luaopen_utf8}};
  for (size_t i = 0; i < sizeof libs / sizeof libs[0]; i++) {
    luaL_requiref(L, libs[i].name, libs[i].func, 1);
    lua_pop(L, 1);
  }
  /* The base library can still reach files and code outside the deck through these. */
  static const char *const removed[] = {"dofile", "loadfile", "load", "require", "collectgarbage"};
  for (size_t i = 0; i < sizeof removed / sizeof removed[0]; i++) {
    lua_pushnil(L);
    lua_setglobal(L, removed[i]);
  }
  /* dump makes bytecode; the pattern matchers backtrack inside one C call, where the
   * instruction budget never fires: string.find(string.rep("a", 3000), string.rep("a-", 12)
   * .. "b") ran for minutes (found by review, not by the fuzzer). */
  static const char *const string_removed[] = {"dump", "find", "match", "gmatch", "gsub"};
  lua_getglobal(L, "string");
  for (size_t i = 0; i < sizeof string_removed / sizeof string_removed[0]; i++) {
    lua_pushnil(L);
    lua_setfield(L, -2, string_removed[i]);
  }
  lua_pop(L, 1);
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static int
fail(const struct deck *d, const char *fmt, ...)
{
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return GHDK_ERROR(GHDK_ERR_INPUT, "%s: %s", d->path, msg);
}

/* Did the deck trip over something the sandbox removed? */
static int sandbox_miss(const char *msg)
{
  static const char *const removed[] = {
      "'os'",        "'io'",   "'require'", "'load'",           "'loadfile'",
      "'dofile'",    "'dump'", "'package'", "'collectgarbage'", "'debug'",
      "'coroutine'", "'find'", "'match'",   "'gmatch'",         "'gsub'"};
  if (!strstr(msg, "a nil value"))
    return 0;
  for (size_t i = 0; i < sizeof removed / sizeof removed[0]; i++)
    if (strstr(msg, removed[i]))
      return 1;
  return 0;
}

/* Report a failed load or call of deck code (error object on the stack top); context says
 * which deck function was being sampled, or is "". */
static int lua_failure(struct deck *d, int rc, const char *context)
{
  if (rc == LUA_ERRMEM)
    return fail(d, "deck uses too much memory (more than %zu MiB)%s", d->mem.limit >> 20, context);
  const char *msg = d->hook_fired ? d->hook_msg : lua_tostring(d->L, -1);
  if (!msg)
    msg = "error object is not a string";
  const int hint = !d->hook_fired && sandbox_miss(msg);
  const size_t n = strlen(d->path);
  /* Lua's messages start with "deck:line:" already; don't name the deck twice. */
  const int named = strncmp(msg, d->path, n) == 0 && msg[n] == ':';
  return GHDK_ERROR(GHDK_ERR_INPUT, "%s%s%s%s%s", named ? "" : d->path, named ? "" : ": ", msg,
                    hint ? " (decks are sandboxed: no os, io, require, load, dofile, string "
                           "patterns)"
                         : "",
                    context);
}

/* ------------------------------------------------------------------------------------------ */
/* --set key=value                                                                             */

static int set_error(const char *s)
{
  return GHDK_ERROR(GHDK_ERR_INPUT,
                    "malformed --set '%s': expected key=value with a dotted key of names and "
                    "indices, e.g. grid.N=512 or state.2.T=1.5",
                    s);
}

/* Length of the next key segment of s (up to '.' or '='), 0 if it is neither an identifier nor
 * an index. */
static size_t segment_len(const char *s, int *is_index)
{
  size_t n = 0;
  *is_index = s[0] >= '0' && s[0] <= '9';
  for (; s[n] && s[n] != '.' && s[n] != '='; n++) {
    const char c = s[n];
    const int digit = c >= '0' && c <= '9';
    const int alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (!(digit || (alpha && !*is_index)))
      return 0;
  }
  return n;
}

static int check_set(const char *s)
{
  const char *eq = strchr(s, '=');
  if (!eq)
    return set_error(s);
  for (const char *seg = s;; seg++) {
    int is_index;
    const size_t n = segment_len(seg, &is_index);
    if (n == 0 || (is_index && n > 9))
      return set_error(s);
    seg += n;
    if (*seg == '=')
      return GHDK_OK;
  }
}

static void push_segment(lua_State *L, const char *seg, size_t n, int is_index)
{
  if (is_index)
    lua_pushinteger(L, strtol(seg, NULL, 10));
  else
    lua_pushlstring(L, seg, n);
}

/* Set one scalar in the deck table, creating the tables on the way when missing. */
static int apply_set(struct deck *d, int tab, const char *s)
{
  lua_State *L = d->L;
  const char *eq = strchr(s, '=');
  const int top = lua_gettop(L);
  int t = tab;
  for (const char *seg = s;;) {
    int is_index;
    const size_t n = segment_len(seg, &is_index);
    if (seg[n] == '=') {
      push_segment(L, seg, n, is_index);
      const char *v = eq + 1;
      if (lua_stringtonumber(L, v) == 0) {
        if (strcmp(v, "true") == 0 || strcmp(v, "false") == 0)
          lua_pushboolean(L, v[0] == 't');
        else
          lua_pushstring(L, v);
      }
      lua_rawset(L, t);
      break;
    }
    push_segment(L, seg, n, is_index);
    const int type = lua_rawget(L, t);
    if (type == LUA_TNIL) {
      lua_pop(L, 1);
      lua_newtable(L);
      push_segment(L, seg, n, is_index);
      lua_pushvalue(L, -2);
      lua_rawset(L, t);
    } else if (type != LUA_TTABLE) {
      return fail(d, "--set '%s': '%.*s' is a %s, not a table", s, (int)(seg + n - s), s,
                  lua_typename(L, type));
    }
    t = lua_gettop(L);
    seg += n + 1;
  }
  lua_settop(L, top);
  return GHDK_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* Reading keys through the schema                                                             */

static struct ghdk_param *new_param(struct deck *d, const char *key)
{
  struct ghdk_problem *p = d->p;
  if (p->nparam == d->cap_param) {
    const size_t cap = d->cap_param ? 2 * d->cap_param : 64;
    struct ghdk_param *q = realloc(p->param, cap * sizeof *q);
    if (!q)
      return NULL;
    p->param = q;
    d->cap_param = cap;
  }
  struct ghdk_param *q = &p->param[p->nparam++];
  memset(q, 0, sizeof *q);
  snprintf(q->key, sizeof q->key, "%s", key);
  return q;
}

static int add_num(struct deck *d, const char *key, double v)
{
  struct ghdk_param *q = new_param(d, key);
  if (!q)
    return GHDK_ERROR(GHDK_ERR_NOMEM, "deck parameters");
  q->numeric = 1;
  q->num = v;
  return GHDK_OK;
}

static int add_str(struct deck *d, const char *key, const char *s)
{
  struct ghdk_param *q = new_param(d, key);
  if (!q)
    return GHDK_ERROR(GHDK_ERR_NOMEM, "deck parameters");
  snprintf(q->str, sizeof q->str, "%s", s);
  return GHDK_OK;
}

/* Record path as read (2) and its ancestors as partly read (1). */
static void mark(struct deck *d, const char *path)
{
  lua_State *L = d->L;
  for (const char *dot = strchr(path, '.'); dot; dot = strchr(dot + 1, '.')) {
    lua_pushlstring(L, path, (size_t)(dot - path));
    if (lua_rawget(L, d->consumed) == LUA_TNIL) {
      lua_pushlstring(L, path, (size_t)(dot - path));
      lua_pushinteger(L, 1);
      lua_rawset(L, d->consumed);
    }
    lua_pop(L, 1);
  }
  lua_pushstring(L, path);
  lua_pushinteger(L, 2);
  lua_rawset(L, d->consumed);
}

static const char *selector(const struct deck *d, const char *key, size_t n)
{
  if (strncmp(key, "model.name", n) == 0)
    return d->p->model_name;
  if (strncmp(key, "kind", n) == 0)
    return d->p->kind;
  if (strncmp(key, "collision.kernel", n) == 0)
    return d->p->coll_name;
  return d->state_type ? d->state_type : "";
}

/* Push the value of schema key gen in table t (path prefix.leaf, kept in d->key) and mark it
 * consumed. *type is its Lua type, or LUA_TNONE when the key's `when` condition does not hold
 * and the key is absent (then the caller leaves its value alone). One value is pushed. */
static int fetch(struct deck *d, int t, const char *prefix, const char *gen,
                 const struct key_spec **kp, int *type)
{
  const struct key_spec *k = find_spec(gen);
  if (!k)
    return GHDK_ERROR(GHDK_ERR_INTERNAL, "no schema row for deck key '%s'", gen);
  *kp = k;
  join(d->key, sizeof d->key, prefix, leaf_of(gen));
  lua_pushstring(d->L, leaf_of(gen));
  *type = lua_rawget(d->L, t);
  /* A state's children are marked one by one, so the unknown-key walk descends into it. */
  if (k->type != T_STATE)
    mark(d, d->key);
  if (k->when) {
    const char *eq = strchr(k->when, '=');
    const int len = (int)(eq - k->when);
    const char *actual = selector(d, k->when, (size_t)len);
    /* The condition lists alternatives separated by '|'. */
    int holds = 0;
    for (const char *alt = eq + 1; *alt && !holds;) {
      const size_t an = strcspn(alt, "|");
      holds = strlen(actual) == an && strncmp(actual, alt, an) == 0;
      alt += an + (alt[an] == '|');
    }
    if (!holds) {
      if (*type != LUA_TNIL)
        return fail(d, "key '%s' is only allowed when %.*s = %s (here %s)", d->key, len, k->when,
                    eq + 1, actual);
      *type = LUA_TNONE;
      return GHDK_OK;
    }
  }
  if (*type == LUA_TNIL && (k->flags & F_REQUIRED))
    return fail(d, "missing required key '%s'", d->key);
  return GHDK_OK;
}

static int type_error(struct deck *d, const char *key, enum key_type want)
{
  lua_State *L = d->L;
  const int integer = want == T_INTEGER || want == T_INTEGER_LIST;
  if (integer && lua_type(L, -1) == LUA_TNUMBER)
    return fail(d, "key '%s' must be %s, got %s", key, type_info[want].phrase,
                num_text(lua_tonumber(L, -1)).s);
  return fail(d, "key '%s' must be %s, got %s", key, type_info[want].phrase, luaL_typename(L, -1));
}

static int check_number(struct deck *d, const char *key, const struct key_spec *k, double v)
{
  if (isnan(v) || (isinf(v) && !(k->flags & F_INF)))
    return fail(d, "key '%s' = %s out of range: must be finite", key, num_text(v).s);
  const unsigned f = k->flags;
  if (((f & F_GT) && !(v > k->lo)) || ((f & F_GE) && !(v >= k->lo)) ||
      ((f & F_LT) && !(v < k->hi)) || ((f & F_LE) && !(v <= k->hi))) {
    char range[192];
    range_text(k, range, sizeof range);
    return fail(d, "key '%s' = %s out of range: must be %s", key, num_text(v).s, range);
  }
  return GHDK_OK;
}

/* Number on the stack top as an integer-valued double, or a type error. */
static int to_integer(struct deck *d, const char *key, enum key_type want, double *out)
{
  int isint = 0;
  const lua_Integer v = lua_tointegerx(d->L, -1, &isint);
  if (lua_type(d->L, -1) != LUA_TNUMBER || !isint)
    return type_error(d, key, want);
  *out = (double)v;
  return GHDK_OK;
}

static int read_number(struct deck *d, int t, const char *prefix, const char *gen, double *out)
{
  const struct key_spec *k;
  int type;
  GHDK_CHECK(fetch(d, t, prefix, gen, &k, &type));
  if (type == LUA_TNONE) {
    lua_pop(d->L, 1);
    return GHDK_OK;
  }
  if (type == LUA_TNUMBER)
    *out = lua_tonumber(d->L, -1);
  else if (type != LUA_TNIL)
    return type_error(d, d->key, k->type);
  else if (!(k->flags & F_COMPUTED))
    *out = k->def;
  lua_pop(d->L, 1);
  GHDK_CHECK(check_number(d, d->key, k, *out));
  return add_num(d, d->key, *out);
}

/* *out holds the default on entry for F_COMPUTED keys. */
static int read_integer(struct deck *d, int t, const char *prefix, const char *gen, size_t *out)
{
  const struct key_spec *k;
  int type;
  GHDK_CHECK(fetch(d, t, prefix, gen, &k, &type));
  if (type == LUA_TNONE) {
    lua_pop(d->L, 1);
    return GHDK_OK;
  }
  double v = (k->flags & F_COMPUTED) ? (double)*out : k->def;
  if (type != LUA_TNIL)
    GHDK_CHECK(to_integer(d, d->key, k->type, &v));
  lua_pop(d->L, 1);
  GHDK_CHECK(check_number(d, d->key, k, v));
  *out = (size_t)v;
  return add_num(d, d->key, v);
}

static int read_bool(struct deck *d, int t, const char *prefix, const char *gen, int *out)
{
  const struct key_spec *k;
  int type;
  GHDK_CHECK(fetch(d, t, prefix, gen, &k, &type));
  if (type == LUA_TNONE) {
    lua_pop(d->L, 1);
    return GHDK_OK;
  }
  if (type == LUA_TBOOLEAN)
    *out = lua_toboolean(d->L, -1);
  else if (type != LUA_TNIL)
    return type_error(d, d->key, k->type);
  else
    *out = k->def != 0;
  lua_pop(d->L, 1);
  return add_str(d, d->key, *out ? "true" : "false");
}

/* A string, copied into buf (len bytes; holds the default on entry for F_COMPUTED keys) when buf
 * is not NULL; for keys with a set of names, *idx (if idx is not NULL) is the index of the value.
 */
static int read_string(struct deck *d, int t, const char *prefix, const char *gen, char *buf,
                       size_t len, int *idx)
{
  const struct key_spec *k;
  int type;
  GHDK_CHECK(fetch(d, t, prefix, gen, &k, &type));
  if (type == LUA_TNONE) {
    lua_pop(d->L, 1);
    return GHDK_OK;
  }
  const char *s;
  if (type == LUA_TSTRING)
    s = lua_tostring(d->L, -1);
  else if (type != LUA_TNIL)
    return type_error(d, d->key, k->type);
  else
    s = (k->flags & F_COMPUTED) ? buf : k->def_text;
  const char *const *names = names_of(k);
  if (names) {
    int i = 0;
    while (names[i] && strcmp(names[i], s) != 0)
      i++;
    if (!names[i]) {
      char range[192];
      range_text(k, range, sizeof range);
      return fail(d, "key '%s' = '%s' out of range: must be %s", d->key, s, range);
    }
    if (idx)
      *idx = i;
  }
  if (buf && s != buf) {
    if (strlen(s) >= len)
      return fail(d, "key '%s' is too long (at most %zu characters)", d->key, len - 1);
    memcpy(buf, s, strlen(s) + 1);
  }
  GHDK_CHECK(add_str(d, d->key, s));
  lua_pop(d->L, 1);
  return GHDK_OK;
}

/* A function: left on the stack with *fidx its index, else *fidx = 0 and nothing is left. */
static int read_function(struct deck *d, int t, const char *prefix, const char *gen, int *fidx)
{
  const struct key_spec *k;
  int type;
  GHDK_CHECK(fetch(d, t, prefix, gen, &k, &type));
  *fidx = 0;
  if (type == LUA_TFUNCTION) {
    *fidx = lua_gettop(d->L);
    return add_str(d, d->key, "<lua function>");
  }
  if (type != LUA_TNIL && type != LUA_TNONE)
    return type_error(d, d->key, k->type);
  lua_pop(d->L, 1);
  return type == LUA_TNIL ? add_str(d, d->key, k->def_text) : GHDK_OK;
}

/* A list (or, for T_NUMBER_LIST, a single number: *is_list = 0) of at most max entries. */
static int read_list(struct deck *d, int t, const char *prefix, const char *gen, double *vals,
                     size_t max, size_t *n, int *is_list)
{
  lua_State *L = d->L;
  const struct key_spec *k;
  int type;
  GHDK_CHECK(fetch(d, t, prefix, gen, &k, &type));
  *is_list = 0;
  if (type == LUA_TNONE) {
    lua_pop(L, 1);
    return GHDK_OK;
  }
  char key[PATH_LEN];
  snprintf(key, sizeof key, "%s", d->key);
  if (type == LUA_TNIL || (type == LUA_TNUMBER && k->type == T_NUMBER_LIST)) {
    if (type == LUA_TNIL && k->def_list) {
      *is_list = 1;
      *n = k->ndef_list;
      memcpy(vals, k->def_list, *n * sizeof *vals);
    } else {
      *n = 1;
      vals[0] = type == LUA_TNIL ? k->def : lua_tonumber(L, -1);
      lua_pop(L, 1);
      GHDK_CHECK(check_number(d, key, k, vals[0]));
      return add_num(d, key, vals[0]);
    }
  } else if (type != LUA_TTABLE) {
    return type_error(d, key, k->type);
  } else {
    const int lt = lua_gettop(L);
    const size_t len = lua_rawlen(L, lt);
    size_t count = 0;
    lua_pushnil(L);
    while (lua_next(L, lt)) {
      lua_pop(L, 1);
      count++;
    }
    if (count != len || len == 0)
      return fail(d, "key '%s' must be %s (entries 1, 2, ... only, at least one)", key,
                  type_info[k->type].phrase);
    if (len > max)
      return fail(d, "key '%s' has %zu entries: at most %zu", key, len, max);
    *is_list = 1;
    *n = len;
    for (size_t i = 0; i < len; i++) {
      char ekey[ELEM_LEN];
      snprintf(ekey, sizeof ekey, "%s.%zu", key, i + 1);
      const int et = lua_rawgeti(L, lt, (lua_Integer)(i + 1));
      if (k->type == T_INTEGER_LIST)
        GHDK_CHECK(to_integer(d, ekey, T_INTEGER, &vals[i]));
      else if (et == LUA_TNUMBER)
        vals[i] = lua_tonumber(L, -1);
      else
        return fail(d, "key '%s' must be a number, got %s", ekey, lua_typename(L, et));
      lua_pop(L, 1);
      GHDK_CHECK(check_number(d, ekey, k, vals[i]));
    }
  }
  lua_pop(L, 1);
  for (size_t i = 0; i < *n; i++) {
    char ekey[ELEM_LEN];
    snprintf(ekey, sizeof ekey, "%s.%zu", key, i + 1);
    GHDK_CHECK(add_num(d, ekey, vals[i]));
  }
  return GHDK_OK;
}

/* Text of a table key for messages: a name, an index, or the key's type. */
static void key_text(lua_State *L, int idx, char *buf, size_t len)
{
  if (lua_type(L, idx) == LUA_TSTRING)
    snprintf(buf, len, "%s", lua_tostring(L, idx));
  else if (lua_type(L, idx) == LUA_TNUMBER)
    snprintf(buf, len, "%s", num_text(lua_tonumber(L, idx)).s);
  else
    snprintf(buf, len, "<%s>", luaL_typename(L, idx));
}

static int read_beta(struct deck *d, int t, const char *prefix, const char *gen,
                     struct ghdk_state_spec *s)
{
  lua_State *L = d->L;
  const struct key_spec *k;
  int type;
  GHDK_CHECK(fetch(d, t, prefix, gen, &k, &type));
  if (type == LUA_TNONE) {
    lua_pop(L, 1);
    return GHDK_OK;
  }
  if (type != LUA_TTABLE)
    return type_error(d, d->key, k->type);
  char key[PATH_LEN];
  snprintf(key, sizeof key, "%s", d->key);
  const int bt = lua_gettop(L);
  s->nbeta = 0;
  lua_pushnil(L);
  while (lua_next(L, bt)) {
    char kt[64], ekey[ELEM_LEN];
    key_text(L, -2, kt, sizeof kt);
    snprintf(ekey, sizeof ekey, "%s.%s", key, kt);
    const lua_Integer i = lua_isinteger(L, -2) ? lua_tointeger(L, -2) : -1;
    if (!(i >= (lua_Integer)k->lo && i <= (lua_Integer)k->hi))
      return fail(d, "key '%s' is not a charge index: indices must be integers in [%s, %s]", ekey,
                  num_text(k->lo).s, num_text(k->hi).s);
    if (lua_type(L, -1) != LUA_TNUMBER)
      return fail(d, "key '%s' must be a number, got %s", ekey, luaL_typename(L, -1));
    const double v = lua_tonumber(L, -1);
    if (!isfinite(v))
      return fail(d, "key '%s' = %s out of range: must be finite", ekey, num_text(v).s);
    s->beta[i] = v;
    if ((size_t)i + 1 > s->nbeta)
      s->nbeta = (size_t)i + 1;
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  if (s->nbeta == 0)
    return fail(d, "key '%s' is empty: give at least one beta_i", key);
  for (size_t i = 0; i < s->nbeta; i++) {
    char ekey[ELEM_LEN];
    snprintf(ekey, sizeof ekey, "%s.%zu", key, i);
    GHDK_CHECK(add_num(d, ekey, s->beta[i]));
  }
  return GHDK_OK;
}

/* Push the table t[name] (path prefix.name) or, when absent, an empty one: its keys then all
 * take their defaults. *out is its stack index. */
static int open_table(struct deck *d, int t, const char *prefix, const char *name, int *out)
{
  lua_State *L = d->L;
  lua_pushstring(L, name);
  const int type = lua_rawget(L, t);
  if (type == LUA_TNIL) {
    lua_pop(L, 1);
    lua_newtable(L);
  } else if (type != LUA_TTABLE) {
    char key[PATH_LEN];
    join(key, sizeof key, prefix, name);
    return fail(d, "key '%s' must be a table, got %s", key, lua_typename(L, type));
  }
  *out = lua_gettop(L);
  return GHDK_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* Sampling the deck's functions                                                               */

static double cell_centre(const struct ghdk_problem *p, size_t i)
{
  return p->x_min + ((double)i + 0.5) * (p->x_max - p->x_min) / (double)p->nx;
}

/* Call the function at stack index f with nargs numbers; *out is its finite number result. */
static int sample(struct deck *d, int f, const char *key, int nargs, const double *args,
                  const char *where, double *out)
{
  lua_State *L = d->L;
  char context[256];
  snprintf(context, sizeof context, " (in '%s' at %s)", key, where);
  lua_pushvalue(L, f);
  for (int i = 0; i < nargs; i++)
    lua_pushnumber(L, args[i]);
  const int rc = call_deck(d, nargs, 1);
  if (rc != LUA_OK)
    return lua_failure(d, rc, context);
  if (lua_type(L, -1) != LUA_TNUMBER)
    return fail(d, "key '%s' returned %s at %s: must return a finite number", key,
                luaL_typename(L, -1), where);
  *out = lua_tonumber(L, -1);
  lua_pop(L, 1);
  if (!isfinite(*out))
    return fail(d, "key '%s' returned %s at %s: must return a finite number", key, num_text(*out).s,
                where);
  return GHDK_OK;
}

static int sample_potential(struct deck *d, int f, const char *key)
{
  struct ghdk_problem *p = d->p;
  p->potential = malloc(p->nx * sizeof(double));
  if (!p->potential)
    return GHDK_ERROR(GHDK_ERR_NOMEM, "potential on %zu cells", p->nx);
  for (size_t i = 0; i < p->nx; i++) {
    const double x = cell_centre(p, i);
    char where[64];
    snprintf(where, sizeof where, "x = %s", num_text(x).s);
    GHDK_CHECK(sample(d, f, key, 1, &x, where, &p->potential[i]));
  }
  /* The faces too: the force on a cell is its exact average -(V(x+) - V(x-))/dx. */
  p->potential_face = malloc((p->nx + 1) * sizeof(double));
  if (!p->potential_face)
    return GHDK_ERROR(GHDK_ERR_NOMEM, "potential on %zu faces", p->nx + 1);
  for (size_t i = 0; i <= p->nx; i++) {
    const double x = p->x_min + (double)i * (p->x_max - p->x_min) / (double)p->nx;
    char where[64];
    snprintf(where, sizeof where, "x = %s", num_text(x).s);
    GHDK_CHECK(sample(d, f, key, 1, &x, where, &p->potential_face[i]));
  }
  return GHDK_OK;
}

/* W(x_i, theta_k, a + 1) of species a into source_w[(a*nx + i)*N + k]. */
static int sample_source(struct deck *d, int f, const char *key, size_t a)
{
  struct ghdk_problem *p = d->p;
  const size_t nx = p->nx, nt = p->grid.n;
  if (!d->grid)
    GHDK_CHECK(ghdk_grid_new(&p->grid, &d->grid));
  if (!p->source_w) {
    p->source_w = calloc(p->model.nspecies * nx * nt, sizeof(double));
    if (!p->source_w)
      return GHDK_ERROR(GHDK_ERR_NOMEM, "source term of %zu x %zu x %zu values", p->model.nspecies,
                        nx, nt);
  }
  for (size_t i = 0; i < nx; i++)
    for (size_t k = 0; k < nt; k++) {
      const double args[3] = {cell_centre(p, i), d->grid->theta[k], (double)(a + 1)};
      char where[96];
      snprintf(where, sizeof where, "x = %s, theta = %s", num_text(args[0]).s, num_text(args[1]).s);
      GHDK_CHECK(sample(d, f, key, 3, args, where, &p->source_w[(a * nx + i) * nt + k]));
    }
  return GHDK_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* The deck, key by key in schema order                                                        */

static int parse_model(struct deck *d, int tab)
{
  struct ghdk_problem *p = d->p;
  int model, idx;
  GHDK_CHECK(open_table(d, tab, "", "model", &model));
  GHDK_CHECK(
      read_string(d, model, "model", "model.name", p->model_name, sizeof p->model_name, &idx));
  p->model.name = p->model_name;
  double c[GHDK_MAX_SPECIES];
  size_t nc = 0;
  int c_list;
  GHDK_CHECK(read_list(d, model, "model", "model.c", c, GHDK_MAX_SPECIES, &nc, &c_list));
  size_t ns = c_list ? nc : 1;
  GHDK_CHECK(read_integer(d, model, "model", "model.species", &ns));
  if (c_list && ns != nc)
    return fail(d, "key 'model.species' = %zu but model.c lists %zu couplings", ns, nc);
  if (strcmp(p->model_name, "free_boson") == 0 && ns != 1)
    return fail(d, "key 'model.species' = %zu out of range: free_boson has 1 species", ns);
  p->model.nspecies = ns;
  for (size_t a = 0; a < ns && nc; a++)
    p->model.c[a] = c_list ? c[a] : c[0];
  GHDK_CHECK(read_number(d, model, "model", "model.mass", &p->model.mass));
  lua_pop(d->L, 1);
  return GHDK_OK;
}

static int parse_grid_space(struct deck *d, int tab)
{
  struct ghdk_problem *p = d->p;
  int grid, space, idx, f;
  double L;
  GHDK_CHECK(open_table(d, tab, "", "grid", &grid));
  GHDK_CHECK(read_string(d, grid, "grid", "grid.rule", NULL, 0, &idx));
  p->grid.rule = (enum ghdk_quad_rule)idx;
  GHDK_CHECK(read_number(d, grid, "grid", "grid.L", &L));
  p->grid.a = -L;
  p->grid.b = L;
  GHDK_CHECK(read_integer(d, grid, "grid", "grid.N", &p->grid.n));
  GHDK_CHECK(read_string(d, grid, "grid", "grid.dressing", NULL, 0, &idx));
  p->dressing = (enum ghdk_dress_method)idx;
  GHDK_CHECK(read_number(d, grid, "grid", "grid.tol", &p->dress_tol));

  GHDK_CHECK(open_table(d, tab, "", "space", &space));
  GHDK_CHECK(read_integer(d, space, "space", "space.nx", &p->nx));
  GHDK_CHECK(read_number(d, space, "space", "space.x_min", &p->x_min));
  GHDK_CHECK(read_number(d, space, "space", "space.x_max", &p->x_max));
  if (!(p->x_min < p->x_max))
    return fail(d, "key 'space.x_max' = %s out of range: must be > space.x_min = %s",
                num_text(p->x_max).s, num_text(p->x_min).s);
  p->boundary = 1; /* open */
  GHDK_CHECK(read_string(d, space, "space", "space.boundary", NULL, 0, &p->boundary));
  int fvt;
  p->limiter = 3; /* vanleer */
  GHDK_CHECK(open_table(d, tab, "", "fv", &fvt));
  GHDK_CHECK(read_string(d, fvt, "fv", "fv.limiter", NULL, 0, &p->limiter));
  lua_pop(d->L, 1);

  GHDK_CHECK(read_function(d, tab, "", "potential", &f));
  if (f) {
    GHDK_CHECK(sample_potential(d, f, "potential"));
    lua_remove(d->L, f);
  }
  lua_pop(d->L, 2);
  return GHDK_OK;
}

/* One state table t (path prefix) for species a0 .. a1-1. */
static int parse_state(struct deck *d, int t, const char *prefix, size_t a0, size_t a1)
{
  struct ghdk_problem *p = d->p;
  struct ghdk_state_spec *s = &p->state[a0];
  int idx, f;
  GHDK_CHECK(read_string(d, t, prefix, "state.type", NULL, 0, &idx));
  s->kind = (enum ghdk_state_kind)idx;
  d->state_type = state_names[idx];
  GHDK_CHECK(read_number(d, t, prefix, "state.T", &s->T));
  GHDK_CHECK(read_number(d, t, prefix, "state.mu", &s->mu));
  GHDK_CHECK(read_number(d, t, prefix, "state.nu", &s->nu));
  if (s->kind == GHDK_STATE_THERMAL && strcmp(p->model_name, "free_boson") == 0) {
    /* E - nu p - mu = m (cosh - nu sinh) - mu >= m sqrt(1 - nu^2) - mu must stay positive. */
    const double bound = p->model.mass * sqrt(1.0 - s->nu * s->nu);
    if (!(fabs(s->nu) < 1.0))
      return fail(d, "key '%s.nu' = %s out of range: free_boson needs abs(nu) < 1", prefix,
                  num_text(s->nu).s);
    if (!(s->mu < bound))
      return fail(d, "key '%s.mu' = %s out of range: free_boson needs mu < m sqrt(1 - nu^2) = %s",
                  prefix, num_text(s->mu).s, num_text(bound).s);
  }
  GHDK_CHECK(read_beta(d, t, prefix, "state.beta", s));
  GHDK_CHECK(read_function(d, t, prefix, "state.W", &f));
  for (size_t a = a0 + 1; a < a1; a++)
    p->state[a] = *s;
  if (f) {
    char key[PATH_LEN];
    snprintf(key, sizeof key, "%s", d->key);
    for (size_t a = a0; a < a1; a++)
      GHDK_CHECK(sample_source(d, f, key, a));
    lua_pop(d->L, 1);
  }
  return GHDK_OK;
}

static int parse_states(struct deck *d, int tab)
{
  lua_State *L = d->L;
  struct ghdk_problem *p = d->p;
  const size_t ns = p->model.nspecies;
  const struct key_spec *k;
  int type;
  GHDK_CHECK(fetch(d, tab, "", "state", &k, &type));
  if (type != LUA_TTABLE)
    return type_error(d, "state", k->type);
  const int st = lua_gettop(L);
  const int list = lua_rawgeti(L, st, 1) == LUA_TTABLE;
  lua_pop(L, 1);
  if (!list) {
    GHDK_CHECK(parse_state(d, st, "state", 0, ns));
  } else {
    const size_t n = lua_rawlen(L, st);
    if (n != ns)
      return fail(d, "key 'state' lists %zu state(s) but model.species = %zu", n, ns);
    for (size_t a = 0; a < ns; a++) {
      char prefix[32];
      snprintf(prefix, sizeof prefix, "state.%zu", a + 1);
      const int et = lua_rawgeti(L, st, (lua_Integer)(a + 1));
      if (et != LUA_TTABLE)
        return fail(d, "key '%s' must be a table, got %s", prefix, lua_typename(L, et));
      GHDK_CHECK(parse_state(d, lua_gettop(L), prefix, a, a + 1));
      lua_pop(L, 1);
    }
  }
  lua_pop(L, 1);
  for (size_t a = 0; a < ns; a++)
    if (p->potential && p->state[a].kind == GHDK_STATE_GGE)
      return fail(d, "key 'potential' needs thermal or source states, but state.type is gge");
  return GHDK_OK;
}

/* The collision kernel and the time integration (kind "homogeneous"; for other kinds every key
 * here is absent, and a present one is reported as not allowed). */
static int parse_dynamics(struct deck *d, int tab)
{
  struct ghdk_problem *p = d->p;
  int coll = 0, time = 0, idx = 0;
  GHDK_CHECK(open_table(d, tab, "", "collision", &coll));
  GHDK_CHECK(read_string(d, coll, "collision", "collision.kernel", p->coll_name,
                         sizeof p->coll_name, NULL));
  if (strcmp(p->kind, "homogeneous") == 0 && strcmp(p->coll_name, "none") == 0)
    return fail(d, "kind 'homogeneous' needs a collision kernel: set collision.kernel (one of: "
                   "phi6, coupled_ll, relaxation)");
  GHDK_CHECK(read_number(d, coll, "collision", "collision.strength", &p->coll_strength));
  GHDK_CHECK(read_string(d, coll, "collision", "collision.coefficients", p->coll_coefficients,
                         sizeof p->coll_coefficients, NULL));
  GHDK_CHECK(read_integer(d, coll, "collision", "collision.quad_order", &p->coll_quad_order));
  GHDK_CHECK(read_number(d, coll, "collision", "collision.tau", &p->coll_tau));
  GHDK_CHECK(
      read_bool(d, coll, "collision", "collision.conserve_number", &p->coll_conserve_number));
  GHDK_CHECK(open_table(d, tab, "", "time", &time));
  GHDK_CHECK(read_number(d, time, "time", "time.t_end", &p->t_end));
  GHDK_CHECK(read_integer(d, time, "time", "time.n_out", &p->n_out));
  GHDK_CHECK(read_string(d, time, "time", "time.spacing", NULL, 0, &idx));
  p->log_spacing = idx == 1;
  p->t_first = p->t_end / 1000;
  GHDK_CHECK(read_number(d, time, "time", "time.t_first", &p->t_first));
  if (strcmp(p->kind, "state") != 0 && !(p->t_first < p->t_end))
    return fail(d, "key 'time.t_first' = %s out of range: must be < time.t_end = %s",
                num_text(p->t_first).s, num_text(p->t_end).s);
  GHDK_CHECK(read_number(d, time, "time", "time.rtol", &p->rtol));
  GHDK_CHECK(read_number(d, time, "time", "time.atol", &p->atol));
  GHDK_CHECK(read_string(d, time, "time", "time.method", NULL, 0, &p->time_method));
  GHDK_CHECK(read_string(d, time, "time", "time.linear_solver", NULL, 0, &p->linear_solver));
  GHDK_CHECK(read_integer(d, time, "time", "time.max_steps", &p->max_steps));
  lua_pop(d->L, 2);
  return GHDK_OK;
}

/* Default output: the deck's file name with .lua replaced by .nc, in the current directory. */
static void default_output(const char *path, char *buf, size_t len)
{
  const char *slash = strrchr(path, '/');
  const char *base = slash ? slash + 1 : path;
  size_t n = strlen(base);
  if (n >= 4 && strcmp(base + n - 4, ".lua") == 0)
    n -= 4;
  snprintf(buf, len, "%.*s.nc", (int)n, base);
}

static int parse_output(struct deck *d, int tab)
{
  struct ghdk_problem *p = d->p;
  int out, is_list;
  GHDK_CHECK(open_table(d, tab, "", "output", &out));
  default_output(d->path, p->output, sizeof p->output);
  GHDK_CHECK(read_string(d, out, "output", "output.file", p->output, sizeof p->output, NULL));
  double charges[GHDK_MAX_CHARGES];
  GHDK_CHECK(read_list(d, out, "output", "output.charges", charges, GHDK_MAX_CHARGES, &p->ncharge,
                       &is_list));
  for (size_t i = 0; i < p->ncharge; i++) {
    p->charges[i] = (int)charges[i];
    for (size_t j = 0; j < i; j++)
      if (p->charges[j] == p->charges[i])
        return fail(d, "key 'output.charges' lists charge %d twice", p->charges[i]);
  }
  GHDK_CHECK(read_bool(d, out, "output", "output.fit_betas", &p->fit_betas));
  GHDK_CHECK(read_bool(d, out, "output", "output.n", &p->write_n));
  GHDK_CHECK(read_bool(d, out, "output", "output.v_eff", &p->write_veff));
  lua_pop(d->L, 1);
  return GHDK_OK;
}

static int parse_checkpoint(struct deck *d, int tab)
{
  struct ghdk_problem *p = d->p;
  int ck = 0;
  GHDK_CHECK(open_table(d, tab, "", "checkpoint", &ck));
  GHDK_CHECK(read_integer(d, ck, "checkpoint", "checkpoint.every", &p->ckpt_every));
  GHDK_CHECK(
      read_string(d, ck, "checkpoint", "checkpoint.file", p->ckpt_file, sizeof p->ckpt_file, NULL));
  lua_pop(d->L, 1);
  return GHDK_OK;
}

/* Report the unconsumed key `path` in table `parent`, with the known keys of that table. */
static int unknown_key(struct deck *d, const char *parent, const char *path)
{
  /* The parent's schema path drops the list indices ("state.2" -> "state"). */
  char generic[PATH_LEN] = "";
  for (const char *seg = parent; *seg;) {
    const size_t n = strcspn(seg, ".");
    if (strspn(seg, "0123456789") < n)
      snprintf(generic + strlen(generic), sizeof generic - strlen(generic), "%s%.*s",
               *generic ? "." : "", (int)n, seg);
    seg += n + (seg[n] == '.');
  }
  char known[512] = "";
  const size_t gl = strlen(generic);
  for (size_t i = 0; i < NKEYS; i++) {
    const char *key = schema[i].key;
    const char *name = key;
    size_t n;
    if (gl) {
      if (strncmp(key, generic, gl) != 0 || key[gl] != '.' || strchr(key + gl + 1, '.'))
        continue;
      name = key + gl + 1;
      n = strlen(name);
    } else {
      n = strcspn(key, ".");
      const char *prev = i > 0 ? schema[i - 1].key : "";
      if (strcspn(prev, ".") == n && strncmp(prev, key, n) == 0)
        continue; /* same top-level table as the row before */
    }
    snprintf(known + strlen(known), sizeof known - strlen(known), "%s%.*s", *known ? ", " : "",
             (int)n, name);
  }
  if (*parent)
    return fail(d, "unknown key '%s' (known keys in '%s': %s)", path, parent, known);
  return fail(d, "unknown key '%s' (known keys: %s)", path, known);
}

/* Every key of table t (path prefix) must have been consumed. */
static int check_unknown(struct deck *d, int t, const char *prefix)
{
  lua_State *L = d->L;
  lua_pushnil(L);
  while (lua_next(L, t)) {
    char seg[64], path[ELEM_LEN];
    key_text(L, -2, seg, sizeof seg);
    int mark = 0;
    /* A string key with a dot ({["grid.N"] = 1}) is not grid.N: never a known key. */
    if (lua_type(L, -2) == LUA_TSTRING && (strchr(seg, '.') || !*seg)) {
      char quoted[64];
      snprintf(quoted, sizeof quoted, "[\"%.58s\"]", seg);
      memcpy(seg, quoted, sizeof seg);
      join(path, sizeof path, prefix, seg);
    } else {
      join(path, sizeof path, prefix, seg);
      lua_pushstring(L, path);
      lua_rawget(L, d->consumed);
      mark = (int)lua_tointeger(L, -1);
      lua_pop(L, 1);
    }
    if (mark == 0 || (mark == 1 && !lua_istable(L, -1)))
      return unknown_key(d, prefix, path);
    if (mark == 1)
      GHDK_CHECK(check_unknown(d, lua_gettop(L), path));
    lua_pop(L, 1);
  }
  return GHDK_OK;
}

static int run(struct deck *d)
{
  lua_State *L = d->L;
  struct ghdk_problem *p = d->p;
  if (!lua_checkstack(L, 64))
    return GHDK_ERROR(GHDK_ERR_NOMEM, "Lua stack");
  open_sandbox(L);
  lua_newtable(L);
  d->consumed = lua_gettop(L);

  char chunkname[sizeof p->deck_path + 1];
  snprintf(chunkname, sizeof chunkname, "@%s", d->path);
  int rc = luaL_loadbufferx(L, p->deck_text, strlen(p->deck_text), chunkname, "t");
  if (rc == LUA_OK)
    rc = call_deck(d, 0, 1);
  if (rc != LUA_OK)
    return lua_failure(d, rc, "");
  if (!lua_istable(L, -1))
    return fail(d, "the deck must return a table of keys, got %s", luaL_typename(L, -1));
  const int tab = lua_gettop(L);
  for (size_t i = 0; i < d->nset; i++)
    GHDK_CHECK(apply_set(d, tab, d->set[i]));

  GHDK_CHECK(read_string(d, tab, "", "kind", p->kind, sizeof p->kind, NULL));
  GHDK_CHECK(parse_model(d, tab));
  GHDK_CHECK(parse_grid_space(d, tab));
  /* Each factor is bounded by its key's range, so the product of two cannot overflow. */
  const size_t cells = p->nx * p->grid.n;
  if (cells > d->max_points / p->model.nspecies)
    return fail(d, "space.nx x grid.N x model.species = %zu x %zu x %zu is more than %zu values",
                p->nx, p->grid.n, p->model.nspecies, d->max_points);
  GHDK_CHECK(parse_states(d, tab));
  GHDK_CHECK(parse_dynamics(d, tab));
  GHDK_CHECK(read_number(d, tab, "", "bragg_q", &p->bragg_q));
  int pre;
  GHDK_CHECK(open_table(d, tab, "", "prethermal", &pre));
  GHDK_CHECK(read_string(d, pre, "prethermal", "prethermal.coefficients", p->pre_coefficients,
                         sizeof p->pre_coefficients, NULL));
  GHDK_CHECK(read_number(d, pre, "prethermal", "prethermal.lambda", &p->pre_lambda));
  GHDK_CHECK(read_integer(d, pre, "prethermal", "prethermal.nquad", &p->pre_nquad));
  GHDK_CHECK(read_integer(d, pre, "prethermal", "prethermal.ncheb", &p->pre_ncheb));
  GHDK_CHECK(read_number(d, pre, "prethermal", "prethermal.tol", &p->pre_tol));
  lua_pop(d->L, 1);
  GHDK_CHECK(parse_output(d, tab));
  GHDK_CHECK(parse_checkpoint(d, tab));
  return check_unknown(d, tab, "");
}

static int deck_main(lua_State *L)
{
  struct deck *d = lua_touserdata(L, 1);
  d->status = run(d);
  return 0;
}

/* Read the whole file; GHDK_ERR_INPUT if it cannot be read or exceeds max bytes. */
static int read_text(const char *path, size_t max, char **out)
{
  FILE *f = fopen(path, "rb");
  if (!f)
    return GHDK_ERROR(GHDK_ERR_INPUT, "%s: cannot open deck: %s", path, strerror(errno));
  size_t len = 0, cap = 4096;
  char *text = malloc(cap);
  while (text) {
    len += fread(text + len, 1, cap - 1 - len, f);
    if (len < cap - 1 || len > max)
      break;
    char *t = realloc(text, 2 * cap);
    if (!t) {
      free(text);
      text = NULL;
    } else {
      text = t;
      cap *= 2;
    }
  }
  const int bad = ferror(f);
  fclose(f);
  if (!text)
    return GHDK_ERROR(GHDK_ERR_NOMEM, "%s: deck text", path);
  if (bad || len > max) {
    free(text);
    return GHDK_ERROR(GHDK_ERR_INPUT, "%s: %s", path,
                      bad ? "cannot read deck" : "deck file is too large");
  }
  text[len] = '\0';
  *out = text;
  return GHDK_OK;
}

int ghdk_deck_load_limited(const char *path, size_t nset, const char *const *set,
                           const struct ghdk_deck_limits *lim, struct ghdk_problem **out)
{
  *out = NULL;
  for (size_t i = 0; i < nset; i++)
    GHDK_CHECK(check_set(set[i]));
  struct ghdk_problem *p = calloc(1, sizeof *p);
  if (!p)
    return GHDK_ERROR(GHDK_ERR_NOMEM, "problem");
  if (strlen(path) >= sizeof p->deck_path) {
    free(p);
    return GHDK_ERROR(GHDK_ERR_INPUT, "deck path is too long (at most %zu characters)",
                      sizeof p->deck_path - 1);
  }
  snprintf(p->deck_path, sizeof p->deck_path, "%s", path);
  struct deck d = {.path = path, .p = p, .nset = nset, .set = set, .status = -1};
  d.mem.limit = lim && lim->max_bytes ? lim->max_bytes : GHDK_DECK_MAX_BYTES;
  d.max_instr = lim && lim->max_instructions ? lim->max_instructions : GHDK_DECK_MAX_INSTRUCTIONS;
  d.max_points = lim && lim->max_points ? lim->max_points : GHDK_DECK_MAX_POINTS;
  d.max_total = lim && lim->max_total_instructions ? lim->max_total_instructions
                                                   : GHDK_DECK_MAX_TOTAL_INSTRUCTIONS;
  int status = read_text(path, d.mem.limit, &p->deck_text);
  if (status == GHDK_OK) {
    d.L = lua_newstate(deck_alloc, &d.mem);
    if (!d.L)
      status = GHDK_ERROR(GHDK_ERR_NOMEM, "Lua state");
  }
  if (d.L) {
    *(struct deck **)lua_getextraspace(d.L) = &d;
    /* Everything, including our own pushes, runs protected: a memory error anywhere unwinds to
     * here instead of aborting in Lua's panic handler. */
    lua_pushcfunction(d.L, deck_main);
    lua_pushlightuserdata(d.L, &d);
    const int rc = lua_pcall(d.L, 1, 0, 0);
    status = rc == LUA_OK ? d.status : lua_failure(&d, rc, "");
    ghdk_grid_free(d.grid);
    arm(&d); /* finalizers the deck set run at close: give them a budget too */
    lua_close(d.L);
  }
  if (status != GHDK_OK) {
    ghdk_problem_free(p);
    return status;
  }
  *out = p;
  return GHDK_OK;
}

int ghdk_deck_load(const char *path, size_t nset, const char *const *set, struct ghdk_problem **out)
{
  return ghdk_deck_load_limited(path, nset, set, NULL, out);
}

void ghdk_problem_free(struct ghdk_problem *p)
{
  if (!p)
    return;
  free(p->deck_text);
  free(p->potential);
  free(p->potential_face);
  free(p->source_w);
  free(p->param);
  free(p);
}
