/* SPDX-License-Identifier: BSD-3-Clause */
/* The parallel layout: slabs of x cells over MPI ranks (GHDK_HAVE_MPI), OpenMP threads within a
 * slab. The only file that includes mpi.h; without MPI every collective is the identity. */
#include "ghdk/par.h"
#include "ghdk/status.h"

#include <nvector/nvector_serial.h>
#include <stdlib.h>

#ifdef GHDK_HAVE_MPI
#include <mpi.h>
#include <nvector/nvector_parallel.h>
#endif

/* Slab of rank r of size: nx / size cells, one more on the first nx % size ranks. */
static void slab(size_t nx, int size, int r, size_t *i0, size_t *nloc)
{
  const size_t base = nx / (size_t)size, extra = nx % (size_t)size, rr = (size_t)r;
  *i0 = rr * base + (rr < extra ? rr : extra);
  *nloc = base + (rr < extra ? 1 : 0);
}

int ghdk_par_init(int *argc, char ***argv)
{
#ifdef GHDK_HAVE_MPI
  int rank = 0;
  if (MPI_Init(argc, argv) != MPI_SUCCESS)
    return -1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  return rank;
#else
  (void)argc, (void)argv;
  return 0;
#endif
}

void ghdk_par_finalize(void)
{
#ifdef GHDK_HAVE_MPI
  MPI_Finalize();
#endif
}

int ghdk_par_world_size(void)
{
#ifdef GHDK_HAVE_MPI
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  return size;
#else
  return 1;
#endif
}

int ghdk_par_threads(int requested, int *threads)
{
#ifdef _OPENMP
  /* Every rank would take all the cores: several ranks default to one thread each. */
  if (requested <= 0 && !getenv("OMP_NUM_THREADS") && ghdk_par_world_size() > 1)
    requested = 1;
  *threads = requested > 0 ? requested : omp_get_max_threads();
  return GHDK_OK;
#else
  *threads = 1;
  if (requested > 1)
    return GHDK_ERROR(GHDK_ERR_INPUT,
                      "--threads %d: this ghdk was built without OpenMP "
                      "(configure with -DGHDK_OPENMP=ON)",
                      requested);
  return GHDK_OK;
#endif
}

int ghdk_par_layout(size_t nx, int periodic, int threads, struct ghdk_par *par)
{
  int rank = 0, size = ghdk_par_world_size();
#ifdef GHDK_HAVE_MPI
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
#endif
  *par = (struct ghdk_par){.rank = rank,
                           .size = size,
                           .left = rank > 0 ? rank - 1 : (periodic ? size - 1 : -1),
                           .right = rank + 1 < size ? rank + 1 : (periodic ? 0 : -1),
                           .nx = nx,
                           .threads = threads};
  slab(nx, size, rank, &par->i0, &par->nloc);
  if (size > 1 && nx / (size_t)size < GHDK_PAR_GHOSTS)
    return GHDK_ERROR(GHDK_ERR_INPUT,
                      "space.nx = %zu cells on %d MPI ranks: every rank needs at least %d cells "
                      "(at most %zu ranks for this grid)",
                      nx, size, GHDK_PAR_GHOSTS, nx / GHDK_PAR_GHOSTS);
  return GHDK_OK;
}

N_Vector ghdk_par_nvector(const struct ghdk_par *par, size_t per_cell, SUNContext ctx)
{
#ifdef GHDK_HAVE_MPI
  if (par->size > 1)
    return N_VNew_Parallel(MPI_COMM_WORLD, (sunindextype)(par->nloc * per_cell),
                           (sunindextype)(par->nx * per_cell), ctx);
#endif
  return N_VNew_Serial((sunindextype)(par->nloc * per_cell), ctx);
}

int ghdk_par_exchange(const struct ghdk_par *par, const double *send_left, const double *send_right,
                      double *recv_left, double *recv_right, size_t len)
{
#ifdef GHDK_HAVE_MPI
  if (par->size == 1)
    return GHDK_OK;
  const int left = par->left < 0 ? MPI_PROC_NULL : par->left;
  const int right = par->right < 0 ? MPI_PROC_NULL : par->right;
  /* Rightward then leftward: with two periodic ranks both neighbours are the same rank, and the
   * tags keep the two directions apart. */
  if (MPI_Sendrecv(send_right, (int)len, MPI_DOUBLE, right, 0, recv_left, (int)len, MPI_DOUBLE,
                   left, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE) != MPI_SUCCESS ||
      MPI_Sendrecv(send_left, (int)len, MPI_DOUBLE, left, 1, recv_right, (int)len, MPI_DOUBLE,
                   right, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE) != MPI_SUCCESS)
    return GHDK_ERROR(GHDK_ERR_LIB, "MPI ghost-cell exchange");
#else
  (void)par, (void)send_left, (void)send_right, (void)recv_left, (void)recv_right, (void)len;
#endif
  return GHDK_OK;
}

double ghdk_par_max(const struct ghdk_par *par, double v)
{
#ifdef GHDK_HAVE_MPI
  double m = v;
  if (par->size > 1)
    MPI_Allreduce(&v, &m, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
  return m;
#else
  (void)par;
  return v;
#endif
}

double ghdk_par_sum(const struct ghdk_par *par, double v)
{
#ifdef GHDK_HAVE_MPI
  double m = v;
  if (par->size > 1)
    MPI_Allreduce(&v, &m, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
  return m;
#else
  (void)par;
  return v;
#endif
}

int ghdk_par_agree(const struct ghdk_par *par, int rc)
{
#ifdef GHDK_HAVE_MPI
  if (par->size == 1)
    return rc;
  /* Severity in the high bits: ok < recoverable (domain) < fatal, the code below it. */
  const int sev = rc == GHDK_OK ? 0 : (rc == GHDK_ERR_DOMAIN ? 1 : 2);
  int mine = sev * 256 + rc, all = mine;
  MPI_Allreduce(&mine, &all, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  return all % 256;
#else
  (void)par;
  return rc;
#endif
}

int ghdk_par_gather(const struct ghdk_par *par, const double *local, double *global,
                    size_t per_cell)
{
#ifdef GHDK_HAVE_MPI
  if (par->size > 1) {
    int *counts = NULL, *displs = NULL;
    if (par->rank == 0) {
      counts = malloc((size_t)par->size * sizeof *counts);
      displs = malloc((size_t)par->size * sizeof *displs);
      if (!counts || !displs) {
        free(counts), free(displs);
        return GHDK_ERROR(GHDK_ERR_NOMEM, "gather counts");
      }
      for (int r = 0; r < par->size; r++) {
        size_t i0, nloc;
        slab(par->nx, par->size, r, &i0, &nloc);
        counts[r] = (int)(nloc * per_cell);
        displs[r] = (int)(i0 * per_cell);
      }
    }
    /* Rank 0's slab already in place (it starts the global array): no self-copy. */
    const void *send = par->rank == 0 && local == global ? MPI_IN_PLACE : (const void *)local;
    const int rc = MPI_Gatherv(send, (int)(par->nloc * per_cell), MPI_DOUBLE, global, counts,
                               displs, MPI_DOUBLE, 0, MPI_COMM_WORLD);
    free(counts), free(displs);
    return rc == MPI_SUCCESS ? GHDK_OK : GHDK_ERROR(GHDK_ERR_LIB, "MPI gather of the state");
  }
#endif
  if (global != local)
    for (size_t j = 0; j < par->nloc * per_cell; j++)
      global[j] = local[j];
  return GHDK_OK;
}
