/* SPDX-License-Identifier: BSD-3-Clause */
/* The netCDF writer of the output contract (shared/spec/output.md). The file is netCDF classic
 * with 64-bit offsets, not netCDF-4/HDF5: a writer killed with SIGKILL left the HDF5 file
 * unreadable in 1 of 40 trials, the classic file never (docs/validation.md, "Durability"). In the
 * classic format a record becomes visible only when nc_sync writes the record count after its
 * data, so a kill at any moment leaves every synced record readable. */
#include "ghdk/output.h"

#include "ghdk/status.h"

#include <errno.h>
#include <math.h>
#include <netcdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef GHDK_GIT_DESCRIBE
#error "GHDK_GIT_DESCRIBE must be defined by the build (git describe or the project version)"
#endif

/* The one wrapper of netCDF status codes: a failure is reported with the netCDF function, what it
 * acted on (a variable or attribute name, or ""), the file and nc_strerror's reason, and becomes
 * GHDK_ERR_IO. Called through NC / NC_STATUS, which need a `path` in scope. */
static int nc_status(int rc, const char *path, const char *call, const char *what, const char *func,
                     int line)
{
  if (rc == NC_NOERR)
    return GHDK_OK;
  return ghdk_error_at(__FILE__, line, func, GHDK_ERR_IO, "netCDF %.*s(%s) on '%s': %s",
                       (int)strcspn(call, "("), call, what, path, nc_strerror(rc));
}
#define NC_STATUS(call, what) nc_status((call), path, #call, (what), __func__, __LINE__)
#define NC(call, what) GHDK_CHECK(NC_STATUS(call, what))

/* Header space kept free at creation for the end-of-run statistics, so that adding them never
 * moves the records (a move interrupted by a kill would lose them). */
#define GHDK_HEADER_FREE ((size_t)16 << 10)

enum { DIM_TIME, DIM_SPECIES, DIM_X, DIM_THETA, DIM_CHARGE, NDIM };

struct ghdk_output {
  int ncid;
  char *path;
  size_t len[NDIM]; /* dimension lengths; len[DIM_TIME] = records written so far */
  int dimid[NDIM];
  double *dx;      /* nx cell widths */
  double *total_q; /* nspecies * ncharge scratch, so that writing a record allocates nothing */
  int v_time, v_rho_p, v_n, v_veff, v_q, v_j, v_beta, v_entropy, v_total_q, v_total_entropy;
  int v_complete;
};

static int put_text(const char *path, int ncid, int varid, const char *name, const char *text)
{
  NC(nc_put_att_text(ncid, varid, name, strlen(text), text), name);
  return GHDK_OK;
}

/* Define a variable on the dimensions dims (DIM_* values) with the attributes every contract
 * variable carries. */
static int def_var(struct ghdk_output *o, const char *name, nc_type type, int ndims,
                   const int *dims, const char *long_name, int *varid)
{
  const char *path = o->path;
  int ids[4];
  for (int d = 0; d < ndims; d++)
    ids[d] = o->dimid[dims[d]];
  NC(nc_def_var(o->ncid, name, type, ndims, ids, varid), name);
  GHDK_CHECK(put_text(path, o->ncid, *varid, "units", "1"));
  return put_text(path, o->ncid, *varid, "long_name", long_name);
}

/* A parameter may not take the name of a global attribute the writer owns, except the deck's own
 * `model` / `collision` keys, which repeat the attribute of that name and are then skipped. */
static int check_param_key(const struct ghdk_output_inp *inp, const struct ghdk_param *p, int *skip)
{
  static const char *const reserved[] = {"Conventions",      "title", "cradle_format",
                                         "cradle_version",   "model", "collision",
                                         "units_convention", "case",  "history"};
  *skip = 0;
  for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++) {
    if (strcmp(p->key, reserved[i]) != 0)
      continue;
    const char *same = strcmp(p->key, "model") == 0       ? inp->model
                       : strcmp(p->key, "collision") == 0 ? inp->collision
                                                          : NULL;
    *skip = same && !p->numeric && strcmp(p->str, same) == 0;
    if (*skip)
      return GHDK_OK;
    return GHDK_ERROR(GHDK_ERR_INTERNAL,
                      "output '%s': parameter '%s' collides with the global attribute of that name",
                      inp->path, p->key);
  }
  return GHDK_OK;
}

static int put_globals(struct ghdk_output *o, const struct ghdk_output_inp *inp)
{
  const char *path = o->path;
  const int g = NC_GLOBAL;
  char title[160];
  snprintf(title, sizeof title, "ghdk generalized hydrodynamics run: %s, collision %s", inp->model,
           inp->collision);
  const int format = GHDK_OUTPUT_FORMAT;
  GHDK_CHECK(put_text(path, o->ncid, g, "Conventions", "CF-1.10"));
  GHDK_CHECK(put_text(path, o->ncid, g, "title", title));
  NC(nc_put_att_int(o->ncid, g, "cradle_format", NC_INT, 1, &format), "cradle_format");
  GHDK_CHECK(put_text(path, o->ncid, g, "cradle_version", GHDK_GIT_DESCRIBE));
  GHDK_CHECK(put_text(path, o->ncid, g, "model", inp->model));
  GHDK_CHECK(put_text(path, o->ncid, g, "collision", inp->collision));
  GHDK_CHECK(put_text(path, o->ncid, g, "units_convention",
                      "natural units of the model: hbar = 2m = 1 (lieb_liniger), "
                      "hbar = c = m = 1 (free_boson); dimensionless numbers"));
  GHDK_CHECK(put_text(path, o->ncid, g, "case", inp->deck_text));
  GHDK_CHECK(put_text(path, o->ncid, g, "history", inp->history));
  for (size_t i = 0; i < inp->nparam; i++) {
    const struct ghdk_param *p = &inp->param[i];
    int skip;
    GHDK_CHECK(check_param_key(inp, p, &skip));
    if (skip)
      continue;
    if (p->numeric)
      NC(nc_put_att_double(o->ncid, g, p->key, NC_DOUBLE, 1, &p->num), p->key);
    else
      GHDK_CHECK(put_text(path, o->ncid, g, p->key, p->str));
  }
  return GHDK_OK;
}

/* The charge names joined by ", " (allocated; NULL when out of memory). */
static char *join_names(size_t n, const char *const *names)
{
  size_t len = 1;
  for (size_t i = 0; i < n; i++)
    len += strlen(names[i]) + 2;
  char *s = malloc(len);
  if (!s)
    return NULL;
  s[0] = '\0';
  for (size_t i = 0; i < n; i++) {
    if (i > 0)
      strcat(s, ", ");
    strcat(s, names[i]);
  }
  return s;
}

/* Everything after nc_create: dimensions, variables, attributes, coordinates. */
static int define_file(struct ghdk_output *o, const struct ghdk_output_inp *inp)
{
  const char *path = o->path;
  const int ncid = o->ncid;
  static const char *const dim_name[NDIM] = {"time", "species", "x", "theta", "charge"};
  for (int d = 0; d < NDIM; d++)
    NC(nc_def_dim(ncid, dim_name[d], d == DIM_TIME ? NC_UNLIMITED : o->len[d], &o->dimid[d]),
       dim_name[d]);

  const int d_t[] = {DIM_TIME}, d_x[] = {DIM_X}, d_th[] = {DIM_THETA}, d_c[] = {DIM_CHARGE};
  const int d_f[] = {DIM_TIME, DIM_SPECIES, DIM_X, DIM_THETA};
  const int d_q[] = {DIM_TIME, DIM_SPECIES, DIM_X, DIM_CHARGE};
  const int d_s[] = {DIM_TIME, DIM_SPECIES, DIM_X};
  const int d_tq[] = {DIM_TIME, DIM_SPECIES, DIM_CHARGE};
  int v_x, v_theta, v_w, v_charge, v_pot = -1;
  GHDK_CHECK(def_var(o, "time", NC_DOUBLE, 1, d_t, "time", &o->v_time));
  GHDK_CHECK(put_text(path, ncid, o->v_time, "scaling", inp->time_scaling));
  GHDK_CHECK(def_var(o, "x", NC_DOUBLE, 1, d_x, "cell centre position", &v_x));
  /* V(x) lets postprocessing form the total energy, sum (E + V N) dx, conserved in a trap. */
  if (inp->potential)
    GHDK_CHECK(
        def_var(o, "potential", NC_DOUBLE, 1, d_x, "trap potential V at the cell centre", &v_pot));
  GHDK_CHECK(def_var(o, "theta", NC_DOUBLE, 1, d_th, "rapidity node", &v_theta));
  GHDK_CHECK(def_var(o, "theta_weight", NC_DOUBLE, 1, d_th, "rapidity quadrature weight", &v_w));
  GHDK_CHECK(def_var(o, "charge", NC_INT, 1, d_c, "index i of the tracked charge h_i", &v_charge));
  char *names = join_names(inp->ncharge, inp->charge_names);
  if (!names)
    return GHDK_ERROR(GHDK_ERR_NOMEM, "charge names for '%s'", path);
  const int rc = put_text(path, ncid, v_charge, "charge_names", names);
  free(names);
  GHDK_CHECK(rc);

  GHDK_CHECK(def_var(o, "rho_p", NC_DOUBLE, 4, d_f, "quasiparticle density", &o->v_rho_p));
  if (inp->write_n)
    GHDK_CHECK(def_var(o, "n", NC_DOUBLE, 4, d_f, "occupation function rho_p/rho_s", &o->v_n));
  if (inp->write_veff)
    GHDK_CHECK(def_var(o, "v_eff", NC_DOUBLE, 4, d_f, "effective velocity", &o->v_veff));
  GHDK_CHECK(def_var(o, "q", NC_DOUBLE, 4, d_q, "charge density q_i", &o->v_q));
  if (inp->write_j)
    GHDK_CHECK(def_var(o, "j", NC_DOUBLE, 4, d_q, "current density j_i", &o->v_j));
  if (inp->write_beta)
    GHDK_CHECK(
        def_var(o, "beta", NC_DOUBLE, 4, d_q, "effective inverse temperature beta_i", &o->v_beta));
  GHDK_CHECK(def_var(o, "entropy_density", NC_DOUBLE, 3, d_s, "entropy density", &o->v_entropy));
  GHDK_CHECK(
      def_var(o, "total_q", NC_DOUBLE, 3, d_tq, "charge q_i integrated over x", &o->v_total_q));
  GHDK_CHECK(def_var(o, "total_entropy", NC_DOUBLE, 1, d_t,
                     "entropy integrated over x and summed over species", &o->v_total_entropy));
  /* Defined last, so each record ends with it: a file cut short anywhere in or before a record
   * reads 0 there (the classic format reads missing bytes as zeros, without an error). */
  GHDK_CHECK(def_var(o, "record_complete", NC_INT, 1, d_t,
                     "1 where every field of the record was written", &o->v_complete));
  GHDK_CHECK(put_globals(o, inp));
  NC(nc__enddef(ncid, GHDK_HEADER_FREE, 4, 0, 4), "");

  NC(nc_put_var_double(ncid, v_x, inp->x), "x");
  if (inp->potential)
    NC(nc_put_var_double(ncid, v_pot, inp->potential), "potential");
  NC(nc_put_var_double(ncid, v_theta, inp->theta), "theta");
  NC(nc_put_var_double(ncid, v_w, inp->theta_weight), "theta_weight");
  NC(nc_put_var_int(ncid, v_charge, inp->charges), "charge");
  /* A run killed before its first record still leaves a valid (empty) file. */
  NC(nc_sync(ncid), "");
  return GHDK_OK;
}

static void output_free(struct ghdk_output *o)
{
  free(o->path);
  free(o->dx);
  free(o->total_q);
  free(o);
}

/* Check inp and allocate the writer (reported; NULL on failure). */
static struct ghdk_output *output_alloc(const struct ghdk_output_inp *inp, int *status)
{
  *status = GHDK_OK;
  if (!inp->path || !inp->x || !inp->dx || !inp->theta || !inp->theta_weight || !inp->charges ||
      !inp->charge_names || !inp->time_scaling || !inp->model || !inp->collision ||
      !inp->deck_text || !inp->history || (inp->nparam > 0 && !inp->param))
    *status = GHDK_ERROR(GHDK_ERR_INTERNAL, "output: a required input is NULL");
  else if (inp->nspecies == 0 || inp->nx == 0 || inp->ntheta == 0 || inp->ncharge == 0)
    *status = GHDK_ERROR(GHDK_ERR_INTERNAL,
                         "output '%s': empty dimension (species %zu, x %zu, theta %zu, charge %zu)",
                         inp->path, inp->nspecies, inp->nx, inp->ntheta, inp->ncharge);
  else if (strcmp(inp->time_scaling, "t") != 0 && strcmp(inp->time_scaling, "tbar") != 0)
    *status =
        GHDK_ERROR(GHDK_ERR_INTERNAL, "output '%s': time scaling '%s' is not \"t\" or \"tbar\"",
                   inp->path, inp->time_scaling);
  if (*status)
    return NULL;
  struct ghdk_output *o = calloc(1, sizeof *o);
  const size_t plen = strlen(inp->path) + 1;
  if (o) {
    o->path = malloc(plen);
    o->dx = malloc(inp->nx * sizeof(double));
    o->total_q = malloc(inp->nspecies * inp->ncharge * sizeof(double));
  }
  if (!o || !o->path || !o->dx || !o->total_q) {
    if (o)
      output_free(o);
    *status = GHDK_ERROR(GHDK_ERR_NOMEM, "output '%s'", inp->path);
    return NULL;
  }
  memcpy(o->path, inp->path, plen);
  memcpy(o->dx, inp->dx, inp->nx * sizeof(double));
  o->len[DIM_SPECIES] = inp->nspecies;
  o->len[DIM_X] = inp->nx;
  o->len[DIM_THETA] = inp->ntheta;
  o->len[DIM_CHARGE] = inp->ncharge;
  o->v_n = o->v_veff = o->v_j = o->v_beta = -1;
  return o;
}

int ghdk_output_new(const struct ghdk_output_inp *inp, struct ghdk_output **out)
{
  *out = NULL;
  int status;
  struct ghdk_output *o = output_alloc(inp, &status);
  if (!o)
    return status;
  const char *path = o->path;
  /* Created under a temporary name and renamed once defined and synced: a run killed while the
   * header is being written leaves no unreadable file (nor destroys an older one). */
  char *tmp = malloc(strlen(path) + 5);
  if (!tmp) {
    output_free(o);
    return GHDK_ERROR(GHDK_ERR_NOMEM, "output '%s'", path);
  }
  sprintf(tmp, "%s.tmp", path);
  status = NC_STATUS(nc_create(tmp, NC_64BIT_OFFSET | NC_CLOBBER, &o->ncid), "");
  /* Every value of a record is written, so netCDF's pre-fill of new records is wasted work. */
  if (status == GHDK_OK) {
    status = NC_STATUS(nc_set_fill(o->ncid, NC_NOFILL, &(int){0}), "");
    if (status == GHDK_OK)
      status = define_file(o, inp);
    if (status == GHDK_OK && rename(tmp, path) != 0)
      status =
          GHDK_ERROR(GHDK_ERR_IO, "cannot rename '%s' to '%s': %s", tmp, path, strerror(errno));
    if (status != GHDK_OK) {
      /* The failure was reported; close and remove so no half-written file is left. */
      nc_close(o->ncid);
      remove(tmp);
    }
  }
  free(tmp);
  if (status != GHDK_OK) {
    output_free(o);
    return status;
  }
  *out = o;
  return GHDK_OK;
}

/* The existing file's variables and dimensions, checked against inp (the file is open). */
static int attach(struct ghdk_output *o, const struct ghdk_output_inp *inp, size_t nrec,
                  double t_last)
{
  const char *path = o->path;
  static const char *const dim_name[NDIM] = {"time", "species", "x", "theta", "charge"};
  for (int d = 0; d < NDIM; d++) {
    size_t len;
    NC(nc_inq_dimid(o->ncid, dim_name[d], &o->dimid[d]), dim_name[d]);
    NC(nc_inq_dimlen(o->ncid, o->dimid[d], &len), dim_name[d]);
    if (d == DIM_TIME ? len < nrec : len != o->len[d])
      return GHDK_ERROR(GHDK_ERR_INPUT,
                        "output '%s' does not continue this run: dimension %s is %zu, the run "
                        "needs %s%zu",
                        path, dim_name[d], len, d == DIM_TIME ? "at least " : "",
                        d == DIM_TIME ? nrec : o->len[d]);
  }
  const struct {
    const char *name;
    int *id, wanted;
  } vars[] = {{"time", &o->v_time, 1},
              {"rho_p", &o->v_rho_p, 1},
              {"n", &o->v_n, inp->write_n},
              {"v_eff", &o->v_veff, inp->write_veff},
              {"q", &o->v_q, 1},
              {"j", &o->v_j, inp->write_j},
              {"beta", &o->v_beta, inp->write_beta},
              {"entropy_density", &o->v_entropy, 1},
              {"total_q", &o->v_total_q, 1},
              {"total_entropy", &o->v_total_entropy, 1},
              {"record_complete", &o->v_complete, 1}};
  for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
    if (vars[i].wanted)
      NC(nc_inq_varid(o->ncid, vars[i].name, vars[i].id), vars[i].name);
  /* The last record the run relies on must be there whole, at the checkpoint's output instant. */
  double t = NAN;
  int complete = 0;
  const size_t rec = nrec - 1;
  NC(nc_get_var1_double(o->ncid, o->v_time, &rec, &t), "time");
  NC(nc_get_var1_int(o->ncid, o->v_complete, &rec, &complete), "record_complete");
  if (complete != 1)
    return GHDK_ERROR(GHDK_ERR_IO,
                      "output '%s' is truncated or damaged: record %zu, which the checkpoint "
                      "continues, is incomplete",
                      path, rec);
  if (t != t_last)
    return GHDK_ERROR(GHDK_ERR_INPUT,
                      "output '%s' does not continue this run: record %zu is at time %.17g, the "
                      "checkpoint's output instant is %.17g",
                      path, rec, t, t_last);
  o->len[DIM_TIME] = nrec;
  return GHDK_OK;
}

int ghdk_output_reopen(const struct ghdk_output_inp *inp, size_t nrec, double t_last,
                       struct ghdk_output **out)
{
  *out = NULL;
  int status;
  struct ghdk_output *o = nrec ? output_alloc(inp, &status) : NULL;
  if (!o)
    return nrec ? status : GHDK_ERROR(GHDK_ERR_INTERNAL, "output reopened with no records");
  const char *path = o->path;
  status = NC_STATUS(nc_open(path, NC_WRITE, &o->ncid), "");
  if (status == GHDK_OK) {
    status = attach(o, inp, nrec, t_last);
    if (status != GHDK_OK)
      nc_close(o->ncid);
  }
  if (status != GHDK_OK) {
    output_free(o);
    return status;
  }
  *out = o;
  return GHDK_OK;
}

/* Write one [species][x][last] field of the current record (skipped when not defined). */
static int put_field(const struct ghdk_output *o, int varid, const char *name, size_t last,
                     const double *data)
{
  const char *path = o->path;
  if (varid < 0)
    return GHDK_OK;
  const size_t start[4] = {o->len[DIM_TIME], 0, 0, 0};
  const size_t count[4] = {1, o->len[DIM_SPECIES], o->len[DIM_X], last};
  NC(nc_put_vara_double(o->ncid, varid, start, count, data), name);
  return GHDK_OK;
}

int ghdk_output_write(struct ghdk_output *o, const struct ghdk_record *rec)
{
  const char *path = o->path;
  const size_t ns = o->len[DIM_SPECIES], nx = o->len[DIM_X], nq = o->len[DIM_CHARGE];
  /* Checked before anything is written, so that a bad record leaves no partial record behind. */
  if (!rec->rho_p || !rec->q || !rec->entropy || (o->v_n >= 0 && !rec->n) ||
      (o->v_veff >= 0 && !rec->v_eff) || (o->v_j >= 0 && !rec->j) || (o->v_beta >= 0 && !rec->beta))
    return GHDK_ERROR(GHDK_ERR_INTERNAL, "output '%s': record lacks a field the file defines",
                      path);
  const size_t rec_index = o->len[DIM_TIME];
  NC(nc_put_var1_double(o->ncid, o->v_time, &rec_index, &rec->time), "time");
  GHDK_CHECK(put_field(o, o->v_rho_p, "rho_p", o->len[DIM_THETA], rec->rho_p));
  GHDK_CHECK(put_field(o, o->v_n, "n", o->len[DIM_THETA], rec->n));
  GHDK_CHECK(put_field(o, o->v_veff, "v_eff", o->len[DIM_THETA], rec->v_eff));
  GHDK_CHECK(put_field(o, o->v_q, "q", nq, rec->q));
  GHDK_CHECK(put_field(o, o->v_j, "j", nq, rec->j));
  GHDK_CHECK(put_field(o, o->v_beta, "beta", nq, rec->beta));
  const size_t start3[3] = {rec_index, 0, 0}, count3[3] = {1, ns, nx};
  NC(nc_put_vara_double(o->ncid, o->v_entropy, start3, count3, rec->entropy), "entropy_density");

  double total_s = 0.0;
  for (size_t a = 0; a < ns; a++) {
    for (size_t c = 0; c < nq; c++)
      o->total_q[a * nq + c] = 0.0;
    for (size_t i = 0; i < nx; i++) {
      for (size_t c = 0; c < nq; c++)
        o->total_q[a * nq + c] += rec->q[(a * nx + i) * nq + c] * o->dx[i];
      total_s += rec->entropy[a * nx + i] * o->dx[i];
    }
  }
  const size_t count_tq[3] = {1, ns, nq};
  NC(nc_put_vara_double(o->ncid, o->v_total_q, start3, count_tq, o->total_q), "total_q");
  NC(nc_put_var1_double(o->ncid, o->v_total_entropy, &rec_index, &total_s), "total_entropy");
  NC(nc_put_var1_int(o->ncid, o->v_complete, &rec_index, &(int){1}), "record_complete");
  NC(nc_sync(o->ncid), "");
  o->len[DIM_TIME]++;
  return GHDK_OK;
}

int ghdk_output_set_stat(struct ghdk_output *o, const char *name, double value)
{
  const char *path = o->path;
  /* An existing attribute is rewritten in place in data mode; a new one needs define mode (the
   * header grows into the space kept free at creation). */
  if (nc_put_att_double(o->ncid, NC_GLOBAL, name, NC_DOUBLE, 1, &value) != NC_NOERR) {
    NC(nc_redef(o->ncid), name);
    NC(nc_put_att_double(o->ncid, NC_GLOBAL, name, NC_DOUBLE, 1, &value), name);
    NC(nc_enddef(o->ncid), name);
  }
  NC(nc_sync(o->ncid), "");
  return GHDK_OK;
}

int ghdk_output_close(struct ghdk_output *o)
{
  if (!o)
    return GHDK_OK;
  const char *path = o->path;
  const int status = NC_STATUS(nc_close(o->ncid), "");
  output_free(o);
  return status;
}
