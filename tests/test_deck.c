/* SPDX-License-Identifier: BSD-3-Clause */
/* Deck loader: a round trip of every field (defaults, per-species lists, GGE indices, sampled
 * potential and source, --set overrides); every kind of bad input returns GHDK_ERR_INPUT with
 * exactly one message naming the deck and the key (LeakSanitizer checks that nothing leaks on
 * the way out); and the key table of docs/user-guide.md is the one the schema prints. */
#define _POSIX_C_SOURCE 200809L

#include "check.h"
#include "deck/deck_priv.h"
#include "ghdk/grid.h"
#include "ghdk/status.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/ghdk_test_deck_XXXXXX";

/* Write text to dir/name.lua; path receives the file name. */
static void write_deck(const char *name, const char *text, char *path, size_t len)
{
  snprintf(path, len, "%s/%s.lua", dir, name);
  FILE *f = fopen(path, "w");
  if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
    perror(path);
    exit(1);
  }
}

/* Load a deck with stderr captured into msg. */
static int load(const char *path, size_t nset, const char *const *set,
                const struct ghdk_deck_limits *lim, struct ghdk_problem **p, char *msg, size_t len)
{
  char tmpl[] = "/tmp/ghdk_test_deck_err_XXXXXX";
  const int fd = mkstemp(tmpl);
  if (fd < 0) {
    perror("mkstemp");
    exit(1);
  }
  fflush(stderr);
  const int saved = dup(2);
  dup2(fd, 2);
  const int rc = ghdk_deck_load_limited(path, nset, set, lim, p);
  fflush(stderr);
  dup2(saved, 2);
  close(saved);
  lseek(fd, 0, SEEK_SET);
  const ssize_t n = read(fd, msg, len - 1);
  msg[n > 0 ? n : 0] = '\0';
  close(fd);
  unlink(tmpl);
  return rc;
}

static size_t count_lines(const char *s)
{
  size_t n = 0;
  for (; *s; s++)
    n += *s == '\n';
  return n;
}

/* A bad deck: GHDK_ERR_INPUT, no problem, one line "ghdk: ..." that contains want. */
static void expect_error_lim(const char *name, const char *text, size_t nset,
                             const char *const *set, const struct ghdk_deck_limits *lim,
                             const char *want)
{
  char path[256], msg[2048], what[512];
  struct ghdk_problem *p = (struct ghdk_problem *)&p; /* must be reset to NULL */
  write_deck(name, text, path, sizeof path);
  const int rc = load(path, nset, set, lim, &p, msg, sizeof msg);
  printf("     %s: %s", name, msg);
  snprintf(what, sizeof what, "%s: GHDK_ERR_INPUT, no problem, one message with \"%s\"", name,
           want);
  CHECK(what, rc == GHDK_ERR_INPUT && p == NULL && strncmp(msg, "ghdk: ", 6) == 0 &&
                  count_lines(msg) == 1 && strstr(msg, want) != NULL);
  ghdk_problem_free(rc == GHDK_OK ? p : NULL);
  remove(path);
}

static void expect_error(const char *name, const char *text, const char *want)
{
  expect_error_lim(name, text, 0, NULL, NULL, want);
}

static const struct ghdk_param *param(const struct ghdk_problem *p, const char *key)
{
  for (size_t i = 0; i < p->nparam; i++)
    if (strcmp(p->param[i].key, key) == 0)
      return &p->param[i];
  return NULL;
}

static long param_index(const struct ghdk_problem *p, const char *key)
{
  const struct ghdk_param *q = param(p, key);
  return q ? (long)(q - p->param) : -1;
}

static int param_num(const struct ghdk_problem *p, const char *key, double want)
{
  const struct ghdk_param *q = param(p, key);
  return q && q->numeric && q->num == want;
}

static int param_str(const struct ghdk_problem *p, const char *key, const char *want)
{
  const struct ghdk_param *q = param(p, key);
  return q && !q->numeric && strcmp(q->str, want) == 0;
}

/* Two species, one state per species, potential and source sampled, overrides of list entries. */
static void test_per_species(void)
{
  static const char text[] =
      "-- two-species Lieb-Liniger gas, one state per species\n"
      "local V0 = 0.5\n"
      "return {\n"
      "  model = { name = 'lieb_liniger', c = { 1.5, 2.25 } },\n"
      "  grid = { rule = 'gauss_legendre', L = 6.5, N = 12, dressing = 'dense' },\n"
      "  space = { nx = 4, x_min = -2, x_max = 2 },\n"
      "  potential = function(x) return V0 * x * x end,\n"
      "  state = {\n"
      "    { type = 'thermal', T = 2.385, mu = 0.75 },\n"
      "    { type = 'source', W = function(x, theta, a) return x + theta * theta + a end },\n"
      "  },\n"
      "  output = { charges = { 0, 2, 4 }, fit_betas = true, n = false },\n"
      "}\n";
  const char *set[] = {"model.c.2=5", "state.1.T=3.125", "grid.tol=1e-12"};
  char path[256], msg[2048];
  struct ghdk_problem *p = NULL;
  write_deck("two_species", text, path, sizeof path);
  const int rc = load(path, 3, set, NULL, &p, msg, sizeof msg);
  CHECK("two_species: loads", rc == GHDK_OK && p != NULL && msg[0] == '\0');
  if (!p)
    return;
  CHECK("deck_path as given", strcmp(p->deck_path, path) == 0);
  CHECK("deck_text kept", p->deck_text && strcmp(p->deck_text, text) == 0);
  CHECK("kind defaults to state", strcmp(p->kind, "state") == 0);
  CHECK("model name", strcmp(p->model_name, "lieb_liniger") == 0 && p->model.name == p->model_name);
  CHECK("species = #model.c", p->model.nspecies == 2);
  CHECK_CLOSE("model.c[0]", p->model.c[0], 1.5, 0, 0);
  CHECK_CLOSE("model.c[1] (--set model.c.2=5)", p->model.c[1], 5, 0, 0);
  CHECK("grid rule, window, nodes", p->grid.rule == GHDK_QUAD_GAUSS_LEGENDRE && p->grid.a == -6.5 &&
                                        p->grid.b == 6.5 && p->grid.n == 12);
  CHECK("dressing dense", p->dressing == GHDK_DRESS_DENSE);
  CHECK_CLOSE("dress_tol (--set grid.tol=1e-12)", p->dress_tol, 1e-12, 0, 0);
  CHECK("space cells", p->nx == 4 && p->x_min == -2 && p->x_max == 2);
  const double xc[4] = {-1.5, -0.5, 0.5, 1.5};
  for (size_t i = 0; i < 4; i++)
    CHECK_CLOSE("potential V(x_i) = x_i^2/2", p->potential[i], 0.5 * xc[i] * xc[i], 1e-15, 0);
  CHECK("state 1 thermal", p->state[0].kind == GHDK_STATE_THERMAL);
  CHECK_CLOSE("state 1 T (--set state.1.T=3.125)", p->state[0].T, 3.125, 0, 0);
  CHECK_CLOSE("state 1 mu", p->state[0].mu, 0.75, 0, 0);
  CHECK_CLOSE("state 1 nu default", p->state[0].nu, 0, 0, 0);
  CHECK("state 2 source", p->state[1].kind == GHDK_STATE_SOURCE);
  struct ghdk_grid *g = NULL;
  ghdk_grid_new(&p->grid, &g);
  int ok = p->source_w != NULL && g != NULL;
  for (size_t i = 0; ok && i < 4; i++)
    for (size_t k = 0; k < 12; k++) {
      const double want = xc[i] + g->theta[k] * g->theta[k] + 2;
      ok &= p->source_w[(0 * 4 + i) * 12 + k] == 0.0;
      ok &= fabs(p->source_w[(1 * 4 + i) * 12 + k] - want) <= 1e-15 * fabs(want);
    }
  CHECK("source W(x_i, theta_k, 2) sampled on the Gauss-Legendre nodes, species 1 zero", ok);
  ghdk_grid_free(g);
  CHECK("output file: deck name with .nc", strcmp(p->output, "two_species.nc") == 0);
  CHECK("charges {0, 2, 4}",
        p->ncharge == 3 && p->charges[0] == 0 && p->charges[1] == 2 && p->charges[2] == 4);
  CHECK("fit_betas, n, v_eff", p->fit_betas == 1 && p->write_n == 0 && p->write_veff == 1);
  CHECK("param model.c.2 = 5", param_num(p, "model.c.2", 5));
  CHECK("param state.1.T = 3.125", param_num(p, "state.1.T", 3.125));
  CHECK("param state.2.type = source", param_str(p, "state.2.type", "source"));
  CHECK("param state.2.W is a function", param_str(p, "state.2.W", "<lua function>"));
  CHECK("param potential is a function", param_str(p, "potential", "<lua function>"));
  CHECK("param grid.N = 12", param_num(p, "grid.N", 12));
  CHECK("param output.n = false", param_str(p, "output.n", "false"));
  CHECK("param output.charges.3 = 4", param_num(p, "output.charges.3", 4));
  CHECK("no lumped state.T with per-species states", param(p, "state.T") == NULL);
  CHECK("params in schema order",
        param_index(p, "kind") == 0 && param_index(p, "kind") < param_index(p, "model.name") &&
            param_index(p, "model.name") < param_index(p, "model.c.1") &&
            param_index(p, "model.c.2") < param_index(p, "model.species") &&
            param_index(p, "model.species") < param_index(p, "grid.rule") &&
            param_index(p, "grid.tol") < param_index(p, "space.nx") &&
            param_index(p, "potential") < param_index(p, "state.1.type") &&
            param_index(p, "state.1.nu") < param_index(p, "state.2.type") &&
            param_index(p, "state.2.W") < param_index(p, "output.file") &&
            param_index(p, "output.v_eff") == (long)p->nparam - 1);
  ghdk_problem_free(p);
  remove(path);
}

/* One GGE table for every species, all defaults, beta indices, --set of a new beta entry. */
static void test_defaults_and_gge(void)
{
  static const char text[] = "-- free boson GGE\n"
                             "return {\n"
                             "  model = { name = 'free_boson', mass = 1.5 },\n"
                             "  state = { type = 'gge', beta = { [0] = 0.1, [2] = 1.3 } },\n"
                             "}\n";
  const char *set[] = {"state.beta.4=0.1", "grid.N=512", "output.file=out/b.nc",
                       "output.v_eff=false"};
  char path[256], msg[2048];
  struct ghdk_problem *p = NULL;
  write_deck("gge", text, path, sizeof path);
  const int rc = load(path, 4, set, NULL, &p, msg, sizeof msg);
  CHECK("gge: loads", rc == GHDK_OK && p != NULL);
  if (!p)
    return;
  CHECK("free boson, 1 species, mass",
        strcmp(p->model.name, "free_boson") == 0 && p->model.nspecies == 1 && p->model.mass == 1.5);
  CHECK("grid defaults: uniform on [-10, 10], N from --set",
        p->grid.rule == GHDK_QUAD_UNIFORM && p->grid.a == -10 && p->grid.b == 10 &&
            p->grid.n == 512);
  CHECK("dressing auto, tol 1e-14", p->dressing == GHDK_DRESS_AUTO && p->dress_tol == 1e-14);
  CHECK("space defaults", p->nx == 1 && p->x_min == -1 && p->x_max == 1);
  CHECK("no potential, no source", p->potential == NULL && p->source_w == NULL);
  const struct ghdk_state_spec *s = &p->state[0];
  CHECK("gge with nbeta = 5 (--set state.beta.4)", s->kind == GHDK_STATE_GGE && s->nbeta == 5);
  CHECK("beta = {0.1, 0, 1.3, 0, 0.1}", s->beta[0] == 0.1 && s->beta[1] == 0 && s->beta[2] == 1.3 &&
                                            s->beta[3] == 0 && s->beta[4] == 0.1);
  CHECK("output from --set", strcmp(p->output, "out/b.nc") == 0);
  CHECK("charges default {0, 1, 2}",
        p->ncharge == 3 && p->charges[0] == 0 && p->charges[1] == 1 && p->charges[2] == 2);
  CHECK("fit_betas false, n true, v_eff false",
        p->fit_betas == 0 && p->write_n == 1 && p->write_veff == 0);
  CHECK("params: model.mass, no model.c", param_num(p, "model.mass", 1.5) &&
                                              param(p, "model.c") == NULL &&
                                              param(p, "model.c.1") == NULL);
  CHECK("params: state.beta.0 .. state.beta.4", param_num(p, "state.beta.0", 0.1) &&
                                                    param_num(p, "state.beta.3", 0) &&
                                                    param_num(p, "state.beta.4", 0.1));
  CHECK("params: defaults recorded",
        param_num(p, "grid.L", 10) && param_str(p, "grid.rule", "uniform") &&
            param_str(p, "potential", "none") && param_str(p, "kind", "state") &&
            param_num(p, "output.charges.2", 1));
  CHECK("no thermal keys for a gge state", param(p, "state.T") == NULL);
  ghdk_problem_free(p);
  remove(path);
}

/* A plain list is beta_1, beta_2; a scalar c fills every species; math.huge is allowed. */
static void test_conventions(void)
{
  static const char text[] = "return {\n"
                             "  model = { name = 'lieb_liniger', c = math.huge, species = 3 },\n"
                             "  state = { type = 'gge', beta = { 0.25, 0.5 } },\n"
                             "}\n";
  char path[256], msg[2048];
  struct ghdk_problem *p = NULL;
  write_deck("conventions", text, path, sizeof path);
  const int rc = load(path, 0, NULL, NULL, &p, msg, sizeof msg);
  CHECK("conventions: loads", rc == GHDK_OK && p != NULL);
  if (!p)
    return;
  CHECK("3 species, all Tonks-Girardeau",
        p->model.nspecies == 3 && isinf(p->model.c[0]) && isinf(p->model.c[2]));
  CHECK("param model.c = inf", param_num(p, "model.c", HUGE_VAL));
  int ok = 1;
  for (size_t a = 0; a < 3; a++)
    ok &= p->state[a].kind == GHDK_STATE_GGE && p->state[a].nbeta == 3 &&
          p->state[a].beta[0] == 0 && p->state[a].beta[1] == 0.25 && p->state[a].beta[2] == 0.5;
  CHECK("{a, b} is beta_1 = a, beta_2 = b, for every species", ok);
  CHECK("one set of state params",
        param_num(p, "state.beta.1", 0.25) && param(p, "state.1.beta.1") == NULL);
  ghdk_problem_free(p);
  remove(path);
}

static void test_errors(void)
{
#define LL "model = { name = 'lieb_liniger' }, "
#define TH "state = { type = 'thermal', T = 1 }, "
  expect_error("syntax_error", "return {\n  grid = { N = 4,, },\n}\n", "syntax_error.lua:2:");
  expect_error("missing_model", "return { " TH "}", "missing required key 'model.name'");
  expect_error("missing_state", "return { " LL "}", "missing required key 'state'");
  expect_error("missing_T", "return { " LL "state = { { type = 'thermal' } } }",
               "missing required key 'state.1.T'");
  expect_error("unknown_top", "return { " LL TH "modle = {} }", "unknown key 'modle' (known keys:");
  expect_error("unknown_nested", "return { " LL TH "grid = { NN = 512 } }",
               "unknown key 'grid.NN' (known keys in 'grid': rule, L, N, dressing, tol)");
  expect_error("unknown_state",
               "return { model = { name = 'lieb_liniger', c = { 1, 2 } }, "
               "state = { { type = 'thermal', T = 1 }, { type = 'thermal', T = 1, Tt = 2 } } }",
               "unknown key 'state.2.Tt'");
  expect_error("dotted_string_key", "return { " LL TH "['grid.N'] = 4 }",
               "unknown key '[\"grid.N\"]'");
  expect_error("wrong_type", "return { " LL TH "grid = { N = 'many' } }",
               "key 'grid.N' must be an integer, got string");
  expect_error("not_integer", "return { " LL TH "grid = { N = 2.5 } }",
               "key 'grid.N' must be an integer, got 2.5");
  expect_error("table_type", "return { " LL TH "grid = 5 }", "key 'grid' must be a table");
  expect_error("negative_temperature", "return { " LL "state = { type = 'thermal', T = -1 } }",
               "key 'state.T' = -1 out of range: must be > 0");
  expect_error("zero_grid", "return { " LL TH "grid = { N = 0 } }",
               "key 'grid.N' = 0 out of range: must be in [2, 1048576]");
  expect_error("tol_range", "return { " LL TH "grid = { tol = 1e-3 } }",
               "key 'grid.tol' = 0.001 out of range: must be in [1e-16, 1e-6]");
  expect_error("bad_name", "return { " LL TH "grid = { rule = 'simpson' } }",
               "must be one of: uniform, gauss_legendre");
  expect_error("bad_model", "return { model = { name = 'xxz' }, " TH "}",
               "must be one of: lieb_liniger, free_boson");
  expect_error("c_for_free_boson", "return { model = { name = 'free_boson', c = 2 }, " TH "}",
               "key 'model.c' is only allowed when model.name = lieb_liniger");
  expect_error("T_for_gge", "return { " LL "state = { type = 'gge', beta = { 1 }, T = 2 } }",
               "key 'state.T' is only allowed when state.type = thermal");
  expect_error("free_boson_mu",
               "return { model = { name = 'free_boson', mass = 2 },"
               " state = { type = 'thermal', T = 1, mu = 1.9, nu = 0.6 } }",
               "free_boson needs mu < m sqrt(1 - nu^2) = 1.6");
  expect_error("species_vs_c",
               "return { model = { name = 'lieb_liniger', c = { 1, 2 }, "
               "species = 3 }, " TH "}",
               "key 'model.species' = 3 but model.c lists 2 couplings");
  expect_error("state_count",
               "return { model = { name = 'lieb_liniger', species = 2 }, "
               "state = { { type = 'thermal', T = 1 } } }",
               "key 'state' lists 1 state(s) but model.species = 2");
  expect_error("beta_index", "return { " LL "state = { type = 'gge', beta = { [16] = 1 } } }",
               "key 'state.beta.16' is not a charge index");
  expect_error("beta_key", "return { " LL "state = { type = 'gge', beta = { x = 1 } } }",
               "key 'state.beta.x' is not a charge index");
  expect_error("potential_gge",
               "return { " LL "potential = function(x) return x end, "
               "state = { type = 'gge', beta = { 1 } } }",
               "key 'potential' needs thermal or source states");
  expect_error("potential_inf",
               "return { " LL TH "space = { nx = 3 }, potential = function(x) return 1 / x end }",
               "key 'potential' returned inf at x = 0");
  expect_error("source_nil",
               "return { " LL "grid = { N = 4 }, state = { type = 'source', "
               "W = function(x, t) if t > 0 then return nil end return 1 end } }",
               "key 'state.W' returned nil at x = 0, theta = 2.5");
  expect_error("charges_twice", "return { " LL TH "output = { charges = { 0, 2, 2 } } }",
               "key 'output.charges' lists charge 2 twice");
  expect_error("x_order", "return { " LL TH "space = { x_min = 1, x_max = 1 } }",
               "key 'space.x_max' = 1 out of range: must be > space.x_min = 1");
  expect_error("os_execute", "os.execute('touch /tmp/ghdk_pwned')\nreturn {}\n",
               "os_execute.lua:1: attempt to index a nil value (global 'os') (decks are "
               "sandboxed");
  expect_error("io_open", "local f = io.open('/etc/passwd')\n", "(global 'io')");
  expect_error("require", "local os = require('os')\n", "(global 'require')");
  expect_error("load", "local f = load('return 1')\n", "(global 'load')");
  expect_error("dofile", "dofile('/etc/passwd')\n", "(global 'dofile')");
  expect_error("string_dump", "local s = string.dump(function() end)\n", "(field 'dump')");
  expect_error(
      "in_potential", "return { " LL TH "potential = function(x) return os.time() end }",
      "sandboxed: no os, io, require, load, dofile, string patterns) (in 'potential' at x = 0)");
  expect_error("returns_number", "return 42\n", "the deck must return a table of keys, got number");
  expect_error("runtime_error", "\nerror('my message')\n", "runtime_error.lua:2: my message");
  char msg[2048];
  struct ghdk_problem *p = NULL;
  const int rc = load("/nonexistent/ghdk/deck.lua", 0, NULL, NULL, &p, msg, sizeof msg);
  printf("     missing file: %s", msg);
  CHECK("missing file: GHDK_ERR_INPUT naming the deck",
        rc == GHDK_ERR_INPUT && !p && strstr(msg, "/nonexistent/ghdk/deck.lua: cannot open deck"));

  const struct ghdk_deck_limits small = {.max_bytes = 8u << 20, .max_instructions = 100000};
  expect_error_lim("infinite_loop", "local n = 0\nwhile true do n = n + 1 end\n", 0, NULL, &small,
                   "infinite_loop.lua:2: deck did not finish within 100000 instructions");
  expect_error_lim("caught_loop", "while true do pcall(function() while true do end end) end\n", 0,
                   NULL, &small, "deck did not finish");
  expect_error_lim("loop_in_potential",
                   "return { " LL TH "potential = function(x) while true do end end }", 0, NULL,
                   &small,
                   "deck did not finish within 100000 instructions (infinite loop?) (in "
                   "'potential' at x = 0)");
  /* W costs a few instructions at each of 8 x 64 points: far within each call's budget, but
   * over a total of 10^4 (counted in steps of 1000 instructions, so the limit is exact to 1000). */
  const struct ghdk_deck_limits total = {.max_total_instructions = 10000};
  expect_error_lim("total_budget",
                   "return { kind = 'ghd', model = { name = 'lieb_liniger' }, grid = { N = 64 }, "
                   "space = { nx = 8 }, state = { type = 'source', W = function(x, theta) "
                   "local s = 0; for i = 1, 10 do s = s + i end; return theta^2 end } }",
                   0, NULL, &total, "deck and its functions took more than 10000 instructions");
  const struct ghdk_deck_limits points = {.max_points = 511};
  expect_error_lim("max_points",
                   "return { kind = 'ghd', model = { name = 'lieb_liniger' }, grid = { N = 64 }, "
                   "space = { nx = 8 }, state = { T = 1 } }",
                   0, NULL, &points,
                   "space.nx x grid.N x model.species = 8 x 64 x 1 is more than 511");
  const struct ghdk_deck_limits tight = {.max_bytes = 8u << 20};
  expect_error_lim("memory", "local t = {}\nfor i = 1, 1e8 do t[i] = i end\n", 0, NULL, &tight,
                   "deck uses too much memory (more than 8 MiB)");

  const char *no_eq[] = {"grid.N512"};
  expect_error_lim("set_no_equals", "return { " LL TH "}", 1, no_eq, NULL,
                   "malformed --set 'grid.N512'");
  const char *bad_key[] = {"grid..N=3"};
  expect_error_lim("set_bad_key", "return { " LL TH "}", 1, bad_key, NULL,
                   "malformed --set 'grid..N=3'");
  const char *through[] = {"model.name.x=1"};
  expect_error_lim("set_through_scalar", "return { " LL TH "}", 1, through, NULL,
                   "--set 'model.name.x=1': 'model.name' is a string, not a table");
  const char *unknown[] = {"grid.NN=3"};
  expect_error_lim("set_unknown", "return { " LL TH "}", 1, unknown, NULL, "unknown key 'grid.NN'");
  const char *string_value[] = {"state.T=hot"};
  expect_error_lim("set_string", "return { " LL TH "}", 1, string_value, NULL,
                   "key 'state.T' must be a number, got string");
#undef LL
#undef TH
}

/* docs/user-guide.md holds the key table exactly as ghdk_deck_print_keys prints it. */
static void test_docs(void)
{
  const char *src = getenv("GHDK_SOURCE_DIR");
  char path[1024];
  snprintf(path, sizeof path, "%s/docs/user-guide.md", src ? src : ".");
  FILE *f = fopen(path, "rb");
  static char doc[1 << 17], table[1 << 16];
  const size_t n = f ? fread(doc, 1, sizeof doc - 1, f) : 0;
  if (f)
    fclose(f);
  doc[n] = '\0';
  FILE *t = tmpfile();
  if (!t) {
    perror("tmpfile");
    exit(1);
  }
  ghdk_deck_print_keys(t);
  rewind(t);
  const size_t m = fread(table, 1, sizeof table - 1, t);
  table[m] = '\0';
  fclose(t);
  static const char begin[] = "<!-- keys:begin -->\n", end[] = "<!-- keys:end -->";
  const char *b = strstr(doc, begin);
  const char *e = b ? strstr(b, end) : NULL;
  const int ok =
      e && (size_t)(e - b) == strlen(begin) + m && memcmp(b + strlen(begin), table, m) == 0;
  if (!ok)
    printf("     %s: key table differs from `ghdk keys`; paste this between the markers:\n%s", path,
           table);
  CHECK("docs/user-guide.md key table matches the schema", ok);
}

int main(void)
{
  if (!mkdtemp(dir)) {
    perror("mkdtemp");
    return 1;
  }
  test_per_species();
  test_defaults_and_gge();
  test_conventions();
  test_errors();
  test_docs();
  rmdir(dir);
  return ghdk_test_failures();
}
