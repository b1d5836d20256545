/* SPDX-License-Identifier: BSD-3-Clause */
/* ghdk command line: run, tba, rates, keys, --help, --version. Exit status 0 on success, 2 on bad
 * input (deck, key, option or checkpoint), 3 when SIGINT/SIGTERM stopped a run after a
 * checkpoint, 1 on any other failure. */
#define _POSIX_C_SOURCE 200809L /* gmtime_r */
#include "ghdk/app.h"
#include "ghdk/deck.h"
#include "ghdk/par.h"
#include "ghdk/status.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char usage[] =
    "usage: ghdk run DECK [-o OUT.nc] [--set key=value ...] [--restart CKPT] [--threads N]\n"
    "                [--quiet]\n"
    "       ghdk tba DECK [--set key=value ...]\n"
    "       ghdk rates DECK [--set key=value ...]\n"
    "       ghdk keys          print every deck key with its default and range (Markdown)\n"
    "       ghdk --help | --version\n"
    "\n"
    "run   build the deck's state in every cell and write it, with its TBA diagnostics\n"
    "      (rho_p, n, v_eff, charges, currents, entropy, fitted beta_i), to a netCDF file;\n"
    "      time-dependent runs write it at every output instant, checkpoint as the deck's\n"
    "      checkpoint table says and on SIGINT/SIGTERM (exit status 3), and --restart CKPT\n"
    "      continues an interrupted run from its checkpoint, appending to its output\n"
    "tba   print the particle, momentum, energy and entropy densities, the generalised free\n"
    "      energy and the pressure of the deck's state, per cell and species\n"
    "rates relaxation spectrum of a homogeneous deck's collision kernel, linearised around its\n"
    "      fixed point: zero modes, rates by parity, overlap-weighted rates, window dependence\n"
    "      (gapped or gapless), and B, C, Gamma = B C^-1 on output.charges\n"
    "\n"
    "--threads N  OpenMP threads over the cells of a time-dependent run (default:\n"
    "             OMP_NUM_THREADS, else every core); under mpirun each rank owns a slab of x\n"
    "\n"
    "Decks are sandboxed Lua 5.4 files returning a table: see docs/user-guide.md.\n";

static int exit_code(int status)
{
  if (status == GHDK_ERR_INPUT)
    return 2;
  return status == GHDK_OK ? 0 : (status == GHDK_ERR_INTERRUPTED ? 3 : 1);
}

static int rank;

static int bad_usage(const char *fmt, const char *arg)
{
  if (rank > 0)
    return 2;
  fputs("ghdk: ", stderr);
  fprintf(stderr, fmt, arg);
  fputs("\n", stderr);
  fputs(usage, stderr);
  return 2;
}

static int cli(int argc, char **argv)
{
  if (argc < 2)
    return bad_usage("%s", "missing command");
  const char *cmd = argv[1];
  if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
    fputs(usage, stdout);
    return 0;
  }
  if (!strcmp(cmd, "--version")) {
    printf("ghdk %s (%s)\n", GHDK_VERSION, GHDK_GIT_DESCRIBE);
    return 0;
  }
  if (!strcmp(cmd, "keys")) {
    ghdk_deck_print_keys(stdout);
    return 0;
  }
  if (strcmp(cmd, "run") && strcmp(cmd, "tba") && strcmp(cmd, "rates"))
    return bad_usage("unknown command '%s'", cmd);

  const char *deck = NULL, *output = NULL, *restart = NULL;
  const char **sets = calloc((size_t)argc, sizeof *sets);
  size_t nset = 0;
  int quiet = 0, threads = 0;
  if (!sets)
    return 1;
  for (int i = 2; i < argc; i++) {
    if (!strcmp(argv[i], "-o") && !strcmp(cmd, "run")) {
      if (++i == argc) {
        free(sets);
        return bad_usage("%s", "-o needs a file name");
      }
      output = argv[i];
    } else if (!strcmp(argv[i], "--restart") && !strcmp(cmd, "run")) {
      if (++i == argc) {
        free(sets);
        return bad_usage("%s", "--restart needs a checkpoint file");
      }
      restart = argv[i];
    } else if (!strcmp(argv[i], "--set")) {
      if (++i == argc) {
        free(sets);
        return bad_usage("%s", "--set needs key=value");
      }
      sets[nset++] = argv[i];
    } else if (!strcmp(argv[i], "--threads") && !strcmp(cmd, "run")) {
      char *end = NULL;
      const long v = ++i == argc ? 0 : strtol(argv[i], &end, 10);
      if (v < 1 || v > 4096 || *end) {
        free(sets);
        return bad_usage("%s", "--threads needs a count from 1 to 4096");
      }
      threads = (int)v;
    } else if (!strcmp(argv[i], "--quiet")) {
      quiet = 1;
    } else if (argv[i][0] == '-' || deck) {
      free(sets);
      return bad_usage("unexpected argument '%s'", argv[i]);
    } else {
      deck = argv[i];
    }
  }
  if (!deck) {
    free(sets);
    return bad_usage("%s", "missing DECK");
  }
  struct ghdk_problem *p = NULL;
  int rc = ghdk_deck_load(deck, nset, sets, &p);
  free(sets);
  if (rc)
    return exit_code(rc);
  const int dynamics = strcmp(p->kind, "ghd") == 0 || strcmp(p->kind, "homogeneous") == 0;
  if (ghdk_par_world_size() > 1 && (strcmp(cmd, "run") || !dynamics)) {
    rc = GHDK_ERROR(GHDK_ERR_INPUT,
                    "%s: 'ghdk %s' on a deck of kind '%s' runs on one MPI rank (got %d); only "
                    "'ghdk run' of kinds ghd and homogeneous are distributed",
                    p->deck_path, cmd, p->kind, ghdk_par_world_size());
    ghdk_problem_free(p);
    return exit_code(rc);
  }
  if (!strcmp(cmd, "tba")) {
    rc = ghdk_print_tba(p, stdout);
  } else if (!strcmp(cmd, "rates")) {
    rc = ghdk_print_rates(p, stdout);
  } else {
    /* history: the command line and the UTC date, as CF asks. */
    char history[4096] = "";
    const time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(history, sizeof history, "%Y-%m-%dT%H:%M:%SZ:", &tm);
    for (int i = 0; i < argc; i++) {
      strncat(history, " ", sizeof history - strlen(history) - 1);
      strncat(history, argv[i], sizeof history - strlen(history) - 1);
    }
    const struct ghdk_run_opts opts = {.output = output,
                                       .history = history,
                                       .quiet = quiet || rank > 0,
                                       .restart = restart,
                                       .threads = threads};
    if (restart && !dynamics)
      rc =
          GHDK_ERROR(GHDK_ERR_INPUT, "--restart: kind '%s' has no time steps to continue", p->kind);
    else if (strcmp(p->kind, "state") == 0)
      rc = ghdk_run_state(p, &opts);
    else if (strcmp(p->kind, "prethermal") == 0)
      rc = ghdk_run_prethermal(p, &opts);
    else
      rc = ghdk_run_dynamics(p, &opts);
  }
  ghdk_problem_free(p);
  return exit_code(rc);
}

int main(int argc, char **argv)
{
  rank = ghdk_par_init(&argc, &argv);
  if (rank < 0) {
    fputs("ghdk: MPI_Init failed\n", stderr);
    return 1;
  }
  /* Every rank reads the same deck and reaches the same verdicts: rank 0 speaks for all. */
  ghdk_error_silence(rank > 0);
  const int code = cli(argc, argv);
  ghdk_par_finalize();
  return code;
}
