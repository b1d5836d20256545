/* SPDX-License-Identifier: BSD-3-Clause */
/* The netCDF writer against the output contract: write a small file with high-entropy values,
 * read it back through the netCDF API, and check names, shapes, attributes, values, the x
 * integrals, the error paths and durability (readable after each record, also after a kill). */
#define _POSIX_C_SOURCE 200809L

#include "check.h"
#include "ghdk/output.h"
#include "ghdk/status.h"

#include <netcdf.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

enum { NS = 2, NX = 3, NTH = 5, NQ = 3, NREC = 2 };

static const char deck_text[] = "-- test deck\nreturn { model = \"lieb_liniger\", c = 2.385 }\n";
static const char history[] = "ghdk run test.lua -o out.nc (2024-01-02T03:04:05Z)";
static const double dx[NX] = {1.1, 1.3, 0.9};

/* Field f of record r at flat index i, distinct in every digit so that a transposed or shifted
 * write shows. */
static double value(int f, int r, size_t i)
{
  return 0.385 + 1.7 * r + 0.113 * f - 0.0317 * (double)i + 1e-3 * (double)(i * i);
}

struct data {
  double rho_p[NS * NX * NTH], n[NS * NX * NTH], v_eff[NS * NX * NTH];
  double q[NS * NX * NQ], j[NS * NX * NQ], beta[NS * NX * NQ], entropy[NS * NX];
};

static void fill(struct data *d, int r)
{
  for (size_t i = 0; i < NS * NX * NTH; i++) {
    d->rho_p[i] = value(0, r, i);
    d->n[i] = value(1, r, i);
    d->v_eff[i] = value(2, r, i);
  }
  for (size_t i = 0; i < NS * NX * NQ; i++) {
    d->q[i] = value(3, r, i);
    d->j[i] = value(4, r, i);
    d->beta[i] = value(5, r, i);
  }
  for (size_t i = 0; i < NS * NX; i++)
    d->entropy[i] = value(6, r, i);
}

static double rec_time(int r)
{
  return 0.25 + 2.385 * r;
}

static struct ghdk_param params[3];

static struct ghdk_output_inp make_inp(const char *path)
{
  static double x[NX], theta[NTH], w[NTH];
  static const int charges[NQ] = {0, 1, 2};
  static const char *const names[NQ] = {"1", "theta", "theta^2/2"};
  for (size_t i = 0; i < NX; i++)
    x[i] = -1.25 + 1.2 * (double)i;
  for (size_t k = 0; k < NTH; k++) {
    theta[k] = -2.385 + 1.17 * (double)k;
    w[k] = 0.3 + 0.07 * (double)k;
  }
  params[0] = (struct ghdk_param){.key = "grid.N", .numeric = 1, .num = 5};
  params[1] = (struct ghdk_param){.key = "model.c", .numeric = 1, .num = 2.385};
  params[2] = (struct ghdk_param){.key = "bc", .numeric = 0, .str = "periodic"};
  return (struct ghdk_output_inp){.path = path,
                                  .nspecies = NS,
                                  .nx = NX,
                                  .ntheta = NTH,
                                  .ncharge = NQ,
                                  .x = x,
                                  .dx = dx,
                                  .theta = theta,
                                  .theta_weight = w,
                                  .charges = charges,
                                  .charge_names = names,
                                  .time_scaling = "tbar",
                                  .model = "lieb_liniger",
                                  .collision = "phi6",
                                  .deck_text = deck_text,
                                  .history = history,
                                  .nparam = 3,
                                  .param = params,
                                  .write_n = 1,
                                  .write_veff = 1,
                                  .write_j = 1,
                                  .write_beta = 1};
}

static int write_record(struct ghdk_output *o, int r)
{
  static struct data d;
  fill(&d, r);
  const struct ghdk_record rec = {.time = rec_time(r),
                                  .rho_p = d.rho_p,
                                  .n = d.n,
                                  .v_eff = d.v_eff,
                                  .q = d.q,
                                  .j = d.j,
                                  .beta = d.beta,
                                  .entropy = d.entropy};
  return ghdk_output_write(o, &rec);
}

static int file_exists(const char *path)
{
  struct stat st;
  return stat(path, &st) == 0;
}

/* Text attribute as a string in buf (empty if absent or not text). */
static const char *get_text(int ncid, int varid, const char *name, char *buf, size_t size)
{
  nc_type type;
  size_t len;
  buf[0] = '\0';
  if (nc_inq_att(ncid, varid, name, &type, &len) != NC_NOERR || type != NC_CHAR || len >= size)
    return buf;
  if (nc_get_att_text(ncid, varid, name, buf) == NC_NOERR)
    buf[len] = '\0';
  return buf;
}

static double get_double_att(int ncid, int varid, const char *name)
{
  nc_type type;
  size_t len;
  double v = NAN;
  if (nc_inq_att(ncid, varid, name, &type, &len) == NC_NOERR && type == NC_DOUBLE && len == 1)
    nc_get_att_double(ncid, varid, name, &v);
  return v;
}

static size_t records(int ncid)
{
  int dim;
  size_t len = 0;
  if (nc_inq_dimid(ncid, "time", &dim) == NC_NOERR)
    nc_inq_dimlen(ncid, dim, &len);
  return len;
}

/* Reader mode, run as a fresh process: "--reader PATH N" exits 0 if PATH opens and holds N
 * records, so the check sees what is on disk, not the writer's in-memory state (the classic
 * format takes no lock: a running output can be read). */
static int reader(const char *path, const char *nrec)
{
  int ncid;
  if (nc_open(path, NC_NOWRITE, &ncid) != NC_NOERR)
    return 1;
  const int ok = records(ncid) == (size_t)atoi(nrec);
  nc_close(ncid);
  return ok ? 0 : 1;
}

static int run_reader(const char *self, const char *path, const char *nrec)
{
  fflush(stdout);
  const pid_t pid = fork();
  if (pid == 0) {
    execl(self, self, "--reader", path, nrec, (char *)NULL);
    _exit(127);
  }
  int st;
  return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

struct var_spec {
  const char *name;
  nc_type type;
  int ndims;
  const char *dims[4];
};

static void check_variables(int ncid)
{
  static const struct var_spec vars[] = {
      {"time", NC_DOUBLE, 1, {"time"}},
      {"x", NC_DOUBLE, 1, {"x"}},
      {"theta", NC_DOUBLE, 1, {"theta"}},
      {"theta_weight", NC_DOUBLE, 1, {"theta"}},
      {"charge", NC_INT, 1, {"charge"}},
      {"rho_p", NC_DOUBLE, 4, {"time", "species", "x", "theta"}},
      {"n", NC_DOUBLE, 4, {"time", "species", "x", "theta"}},
      {"v_eff", NC_DOUBLE, 4, {"time", "species", "x", "theta"}},
      {"q", NC_DOUBLE, 4, {"time", "species", "x", "charge"}},
      {"j", NC_DOUBLE, 4, {"time", "species", "x", "charge"}},
      {"beta", NC_DOUBLE, 4, {"time", "species", "x", "charge"}},
      {"entropy_density", NC_DOUBLE, 3, {"time", "species", "x"}},
      {"total_q", NC_DOUBLE, 3, {"time", "species", "charge"}},
      {"total_entropy", NC_DOUBLE, 1, {"time"}},
  };
  char what[128], buf[256];
  for (size_t v = 0; v < sizeof vars / sizeof vars[0]; v++) {
    const struct var_spec *s = &vars[v];
    int varid, ndims, dimids[NC_MAX_VAR_DIMS];
    nc_type type;
    snprintf(what, sizeof what, "variable %s exists", s->name);
    if (!CHECK(what, nc_inq_varid(ncid, s->name, &varid) == NC_NOERR))
      continue;
    nc_inq_var(ncid, varid, NULL, &type, &ndims, dimids, NULL);
    int same = type == s->type && ndims == s->ndims;
    for (int d = 0; same && d < ndims; d++) {
      char dname[NC_MAX_NAME + 1];
      nc_inq_dimname(ncid, dimids[d], dname);
      same = strcmp(dname, s->dims[d]) == 0;
    }
    snprintf(what, sizeof what, "%s: type and dimensions in contract order", s->name);
    CHECK(what, same);
    snprintf(what, sizeof what, "%s: units = \"1\"", s->name);
    CHECK(what, strcmp(get_text(ncid, varid, "units", buf, sizeof buf), "1") == 0);
    snprintf(what, sizeof what, "%s: long_name given", s->name);
    CHECK(what, strlen(get_text(ncid, varid, "long_name", buf, sizeof buf)) > 0);
  }
}

static void check_dimensions(int ncid)
{
  static const char *const names[] = {"time", "species", "x", "theta", "charge"};
  static const size_t lens[] = {NREC, NS, NX, NTH, NQ};
  int unlim = -1, ndims = 0;
  nc_inq_unlimdim(ncid, &unlim);
  nc_inq_ndims(ncid, &ndims);
  CHECK("five dimensions", ndims == 5);
  char what[128];
  for (size_t d = 0; d < 5; d++) {
    int id;
    size_t len = 0;
    snprintf(what, sizeof what, "dimension %s of length %zu", names[d], lens[d]);
    const int ok = nc_inq_dimid(ncid, names[d], &id) == NC_NOERR &&
                   nc_inq_dimlen(ncid, id, &len) == NC_NOERR && len == lens[d];
    CHECK(what, ok);
    if (d == 0)
      CHECK("time is the unlimited dimension", ok && id == unlim);
  }
}

/* Values of one variable equal want exactly (n values). */
static void check_values(int ncid, const char *name, const double *want, size_t n)
{
  double got[NREC * NS * NX * NTH];
  int varid;
  int same = nc_inq_varid(ncid, name, &varid) == NC_NOERR &&
             nc_get_var_double(ncid, varid, got) == NC_NOERR;
  for (size_t i = 0; same && i < n; i++)
    same = got[i] == want[i];
  char what[128];
  snprintf(what, sizeof what, "%s: %zu values round-trip exactly", name, n);
  CHECK(what, same);
}

static void check_contents(int ncid)
{
  const struct ghdk_output_inp inp = make_inp("unused");
  static struct data d[NREC];
  double want[NREC * NS * NX * NTH];
  for (int r = 0; r < NREC; r++)
    fill(&d[r], r);
#define GATHER(field, n)                                                                           \
  do {                                                                                             \
    for (int r = 0; r < NREC; r++)                                                                 \
      memcpy(want + r * (n), d[r].field, (n) * sizeof(double));                                    \
    check_values(ncid, #field, want, NREC *(n));                                                   \
  } while (0)
  GATHER(rho_p, NS * NX * NTH);
  GATHER(n, NS * NX * NTH);
  GATHER(v_eff, NS * NX * NTH);
  GATHER(q, NS * NX * NQ);
  GATHER(j, NS * NX * NQ);
  GATHER(beta, NS * NX * NQ);
#undef GATHER
  for (int r = 0; r < NREC; r++)
    memcpy(want + r * NS * NX, d[r].entropy, NS * NX * sizeof(double));
  check_values(ncid, "entropy_density", want, NREC * NS * NX);
  for (int r = 0; r < NREC; r++)
    want[r] = rec_time(r);
  check_values(ncid, "time", want, NREC);
  check_values(ncid, "x", inp.x, NX);
  check_values(ncid, "theta", inp.theta, NTH);
  check_values(ncid, "theta_weight", inp.theta_weight, NTH);
  int varid, charges[NQ] = {-1, -1, -1};
  nc_inq_varid(ncid, "charge", &varid);
  nc_get_var_int(ncid, varid, charges);
  CHECK("charge = {0, 1, 2}", charges[0] == 0 && charges[1] == 1 && charges[2] == 2);
  char buf[4096];
  CHECK("charge:charge_names joined by \", \"",
        strcmp(get_text(ncid, varid, "charge_names", buf, sizeof buf), "1, theta, theta^2/2") == 0);
  nc_inq_varid(ncid, "time", &varid);
  CHECK("time:scaling = \"tbar\"",
        strcmp(get_text(ncid, varid, "scaling", buf, sizeof buf), "tbar") == 0);

  /* The x integrals, summed here independently: equal up to summation round-off. */
  double total_q[NREC * NS * NQ], total_s[NREC];
  nc_inq_varid(ncid, "total_q", &varid);
  nc_get_var_double(ncid, varid, total_q);
  nc_inq_varid(ncid, "total_entropy", &varid);
  nc_get_var_double(ncid, varid, total_s);
  char what[64];
  for (int r = 0; r < NREC; r++) {
    double s = 0.0;
    for (size_t a = 0; a < NS; a++) {
      for (size_t c = 0; c < NQ; c++) {
        double sq = 0.0;
        for (size_t i = 0; i < NX; i++)
          sq += d[r].q[(a * NX + i) * NQ + c] * dx[i];
        snprintf(what, sizeof what, "total_q[%d][%zu][%zu]", r, a, c);
        CHECK_CLOSE(what, total_q[(r * NS + a) * NQ + c], sq, 1e-14, 0.0);
      }
      for (size_t i = 0; i < NX; i++)
        s += d[r].entropy[a * NX + i] * dx[i];
    }
    snprintf(what, sizeof what, "total_entropy[%d]", r);
    CHECK_CLOSE(what, total_s[r], s, 1e-14, 0.0);
  }
}

static void check_globals(int ncid)
{
  char buf[4096];
  int format = 0;
  nc_type type;
  size_t len;
  CHECK("cradle_format is one NC_INT = GHDK_OUTPUT_FORMAT = 1",
        nc_inq_att(ncid, NC_GLOBAL, "cradle_format", &type, &len) == NC_NOERR && type == NC_INT &&
            len == 1 && nc_get_att_int(ncid, NC_GLOBAL, "cradle_format", &format) == NC_NOERR &&
            format == GHDK_OUTPUT_FORMAT && format == 1);
  CHECK("Conventions = CF-1.10",
        strcmp(get_text(ncid, NC_GLOBAL, "Conventions", buf, sizeof buf), "CF-1.10") == 0);
  CHECK("cradle_version given",
        strlen(get_text(ncid, NC_GLOBAL, "cradle_version", buf, sizeof buf)) > 0);
  CHECK("title given", strlen(get_text(ncid, NC_GLOBAL, "title", buf, sizeof buf)) > 0);
  CHECK("units_convention given",
        strlen(get_text(ncid, NC_GLOBAL, "units_convention", buf, sizeof buf)) > 0);
  CHECK("model", strcmp(get_text(ncid, NC_GLOBAL, "model", buf, sizeof buf), "lieb_liniger") == 0);
  CHECK("collision", strcmp(get_text(ncid, NC_GLOBAL, "collision", buf, sizeof buf), "phi6") == 0);
  CHECK("case = the deck text",
        strcmp(get_text(ncid, NC_GLOBAL, "case", buf, sizeof buf), deck_text) == 0);
  CHECK("history", strcmp(get_text(ncid, NC_GLOBAL, "history", buf, sizeof buf), history) == 0);
  CHECK("param grid.N = 5 (double)", get_double_att(ncid, NC_GLOBAL, "grid.N") == 5.0);
  CHECK("param model.c = 2.385 (double)", get_double_att(ncid, NC_GLOBAL, "model.c") == 2.385);
  CHECK("param bc = periodic (text)",
        strcmp(get_text(ncid, NC_GLOBAL, "bc", buf, sizeof buf), "periodic") == 0);
  CHECK("stat cvode_steps = 1234.5 (set after the records)",
        get_double_att(ncid, NC_GLOBAL, "cvode_steps") == 1234.5);
}

/* A writer killed right after its first record leaves a readable file holding that record. */
static void check_killed_writer(const char *path)
{
  fflush(stdout);
  const pid_t pid = fork();
  if (pid == 0) {
    const struct ghdk_output_inp inp = make_inp(path);
    struct ghdk_output *o;
    if (ghdk_output_new(&inp, &o) == GHDK_OK && write_record(o, 0) == GHDK_OK)
      raise(SIGKILL);
    _exit(1);
  }
  int st;
  CHECK("writer killed after its first record",
        pid > 0 && waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
  int ncid;
  if (!CHECK("file of the killed writer opens", nc_open(path, NC_NOWRITE, &ncid) == NC_NOERR))
    return;
  CHECK("file of the killed writer holds 1 record", records(ncid) == 1);
  struct data d;
  fill(&d, 0);
  check_values(ncid, "rho_p", d.rho_p, NS * NX * NTH);
  nc_close(ncid);
}

static void check_errors(const char *dir)
{
  char path[512];
  struct ghdk_output *o = (struct ghdk_output *)&o; /* must be reset to NULL on failure */
  struct ghdk_output_inp inp = make_inp("/nonexistent-ghdk-dir/sub/out.nc");
  printf("(three error messages expected)\n");
  fflush(stdout);
  CHECK("non-existent directory: GHDK_ERR_IO", ghdk_output_new(&inp, &o) == GHDK_ERR_IO && !o);
  CHECK("non-existent directory: no file", !file_exists(inp.path));

  inp = make_inp(dir);
  CHECK("path is a directory: GHDK_ERR_IO", ghdk_output_new(&inp, &o) == GHDK_ERR_IO && !o);
  struct stat st;
  CHECK("path is a directory: directory left alone", stat(dir, &st) == 0 && S_ISDIR(st.st_mode));

  /* A failure after nc_create (a parameter clashing with a reserved attribute) removes the
   * file. */
  snprintf(path, sizeof path, "%s/clash.nc", dir);
  inp = make_inp(path);
  const struct ghdk_param clash = {.key = "case", .numeric = 1, .num = 1.0};
  inp.param = &clash;
  inp.nparam = 1;
  CHECK("failure after create: error status", ghdk_output_new(&inp, &o) != GHDK_OK && !o);
  CHECK("failure after create: file removed", !file_exists(path));

  /* The deck's own `model` key repeats the model attribute and is accepted. */
  snprintf(path, sizeof path, "%s/model_key.nc", dir);
  inp = make_inp(path);
  const struct ghdk_param model = {.key = "model", .numeric = 0, .str = "lieb_liniger"};
  inp.param = &model;
  inp.nparam = 1;
  CHECK("param `model` equal to the model name accepted", ghdk_output_new(&inp, &o) == GHDK_OK);
  CHECK("close", ghdk_output_close(o) == GHDK_OK);
  remove(path);
  CHECK("close(NULL) is a no-op", ghdk_output_close(NULL) == GHDK_OK);
}

int main(int argc, char **argv)
{
  if (argc == 4 && strcmp(argv[1], "--reader") == 0)
    return reader(argv[2], argv[3]);

  char dir[] = "/tmp/ghdk_test_output_XXXXXX";
  if (!CHECK("temporary directory", mkdtemp(dir) != NULL))
    return ghdk_test_failures();
  char path[512], killed[512];
  snprintf(path, sizeof path, "%s/out.nc", dir);
  snprintf(killed, sizeof killed, "%s/killed.nc", dir);

  check_errors(dir);
  check_killed_writer(killed);

  const struct ghdk_output_inp inp = make_inp(path);
  struct ghdk_output *o = NULL;
  if (!CHECK("create", ghdk_output_new(&inp, &o) == GHDK_OK))
    return ghdk_test_failures();
  CHECK("readable with 0 records before the first write", run_reader(argv[0], path, "0"));
  CHECK("record 0", write_record(o, 0) == GHDK_OK);
  CHECK("readable with 1 record while the writer is open", run_reader(argv[0], path, "1"));
  CHECK("record 1", write_record(o, 1) == GHDK_OK);
  printf("(one error message expected)\n");
  fflush(stdout);
  const struct ghdk_record partial = {.time = 9.0, .rho_p = inp.x, .q = inp.x, .entropy = inp.x};
  CHECK("record without the defined field n refused (no record added: see time below)",
        ghdk_output_write(o, &partial) == GHDK_ERR_INTERNAL);
  CHECK("set_stat", ghdk_output_set_stat(o, "cvode_steps", 1234.5) == GHDK_OK);
  CHECK("readable with 2 records and the stat while open", run_reader(argv[0], path, "2"));
  CHECK("close", ghdk_output_close(o) == GHDK_OK);

  int ncid;
  if (CHECK("nc_open", nc_open(path, NC_NOWRITE, &ncid) == NC_NOERR)) {
    int format;
    nc_inq_format(ncid, &format);
    CHECK("classic 64-bit offset format", format == NC_FORMAT_64BIT_OFFSET);
    check_dimensions(ncid);
    check_variables(ncid);
    check_contents(ncid);
    check_globals(ncid);
    nc_close(ncid);
  }

  if (!getenv("GHDK_KEEP_OUTPUT")) {
    remove(path);
    remove(killed);
    rmdir(dir);
  } else {
    printf("kept %s\n", path);
  }
  return ghdk_test_failures();
}
