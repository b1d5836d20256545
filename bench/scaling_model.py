#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Weak- and strong-scaling model of `ghdk run` over MPI slabs (docs/parallel.md).

Per right-hand side a rank computes nloc cells (c_cell seconds each: measured, bench/README.md)
and communicates: two ghost exchanges (MPI_Sendrecv right then left, 2 cells x (rho_p, v_eff) =
4 ns N doubles each way) and A allreduces of one number (the rhs's own two: negativity maximum
and agreed status; CVODE's norms; GMRES's dot products), each about 2 alpha log2(P) (a
recursive-doubling tree). Efficiency E = work / (work + communication).

usage: scaling_model.py [alpha_us] [GB_per_s]   (defaults 2 us, 10 GB/s: an InfiniBand cluster)
Weak scaling keeps nloc fixed as P grows: only the log2(P) of the allreduces grows. (The number of
CVODE steps grows with nx, whatever the parallel efficiency: time to solution grows too.)
"""
import math
import sys

alpha = float(sys.argv[1]) * 1e-6 if len(sys.argv) > 1 else 2e-6
beta = float(sys.argv[2]) * 1e9 if len(sys.argv) > 2 else 10e9

# Measured on this machine (bench/README.md, "Threads and MPI ranks"): c_cell = the 1-rank,
# 1-thread time per rhs / nx (it includes CVODE's vector work and the preconditioner);
# allreduce = MPI_Allreduce calls per rhs evaluation on 2 ranks, counted with a PMPI wrapper.
cases = {
    "phi6 bipartition (N = 32, Adams)": dict(c_cell=30.33e-3 / 16, ns=1, N=32, allreduce=5.2),
    "Newton cradle (N = 48, 2 species, BDF + GMRES)": dict(c_cell=2.20e-3 / 48, ns=2, N=48,
                                                           allreduce=10.4),
}


def comm(P, ns, N, allreduce):
    if P == 1:
        return 0.0
    halo = 2 * (alpha + 4 * ns * N * 8 / beta)
    return halo + allreduce * 2 * alpha * math.log2(P)


print("alpha = %.1f us, beta = %.0f GB/s" % (alpha * 1e6, beta / 1e9))
for name, c in cases.items():
    print("\n%s: c_cell = %.2e s, %.0f allreduces per rhs" % (name, c["c_cell"], c["allreduce"]))
    print("weak scaling, efficiency at nloc cells per rank:")
    nlocs = (2, 4, 8, 32, 128)
    print("%6s " % "P" + " ".join("%8s" % ("nloc=%d" % n) for n in nlocs))
    for P in (2, 8, 64, 256, 1024, 4096):
        C = comm(P, c["ns"], c["N"], c["allreduce"])
        print("%6d " % P + " ".join("%8.3f" % (n * c["c_cell"] / (n * c["c_cell"] + C))
                                    for n in nlocs))
    C = comm(1024, c["ns"], c["N"], c["allreduce"])
    print("nloc for E = 0.9 at P = 1024: %.1f cells" % (9 * C / c["c_cell"]))
