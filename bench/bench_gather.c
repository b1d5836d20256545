/* SPDX-License-Identifier: BSD-3-Clause */
/* Cost of gathering one output record to rank 0 over MPI, as ghdk_frame_gather does it: per
 * species seven fields (rho_p, n, v_eff: N_theta values per cell; q, j, beta: N_charge; the
 * entropy density: 1), each one MPI_Gatherv of the ranks' slabs. Run under mpirun; prints the
 * time per record on rank 0 for several nx (one species, N_theta = 96, 3 charges), the mean of
 * many records after a warm-up. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include "ghdk/par.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
  const int rank = ghdk_par_init(&argc, &argv);
  const size_t lens[] = {96, 96, 96, 3, 3, 3, 1}, nfield = sizeof lens / sizeof lens[0];
  size_t per = 0;
  for (size_t k = 0; k < nfield; k++)
    per += lens[k];
  if (rank == 0)
    printf("ranks %d; record = nx x %zu doubles in %zu gathers\n%8s %10s %12s %10s\n",
           ghdk_par_world_size(), per, nfield, "nx", "MB", "us/record", "MB/s");
  const size_t nxs[] = {64, 512, 4096, 32768};
  for (size_t t = 0; t < sizeof nxs / sizeof nxs[0]; t++) {
    struct ghdk_par par;
    if (ghdk_par_layout(nxs[t], 0, 1, &par))
      return 1;
    double *field = calloc(nxs[t] * per, sizeof *field);
    if (!field)
      return 1;
    const int reps = nxs[t] > 4096 ? 20 : 200;
    double t0 = 0.0;
    for (int r = -5; r < reps; r++) {
      if (r == 0) {
        ghdk_par_max(&par, 0.0); /* all ranks start together */
        t0 = now();
      }
      double *f = field;
      for (size_t k = 0; k < nfield; k++) {
        if (ghdk_par_gather(&par, f + par.i0 * lens[k], f, lens[k]))
          return 1;
        f += nxs[t] * lens[k];
      }
    }
    const double dt = (now() - t0) / reps, mb = (double)(nxs[t] * per * sizeof(double)) / 1e6;
    if (rank == 0)
      printf("%8zu %10.3f %12.1f %10.0f\n", nxs[t], mb, 1e6 * dt, mb / dt);
    free(field);
  }
  ghdk_par_finalize();
  return 0;
}
