#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Durability of ghdk's output under SIGKILL (docs/validation.md, "Durability").

usage: bench/kill_durability.py GHDK TRIALS [SOURCE_DIR]

Runs cases/partition.lua at 40 cells x 32 nodes with 1000 records (about 2 s on one core) once
to the end, then TRIALS times SIGKILLed after a uniformly random delay in [0, 2] s (seed 1); each
killed output is opened with netCDF4-python and every record it holds compared bit for bit with
the uninterrupted run's. Prints the counts: no file yet, readable, unreadable, readable with a
differing record.
"""
import os
import random
import subprocess
import sys
import tempfile
import time

import netCDF4
import numpy as np

ghdk, trials = sys.argv[1], int(sys.argv[2])
source = sys.argv[3] if len(sys.argv) > 3 else os.path.join(os.path.dirname(__file__), "..")
deck = os.path.join(source, "cases", "partition.lua")
sets = ["--set", "space.nx=40", "--set", "grid.N=32", "--set", "time.n_out=1000",
        "--set", "time.t_end=5"]
tmp = tempfile.mkdtemp(prefix="ghdk_kill_")
out, ref_nc = os.path.join(tmp, "k.nc"), os.path.join(tmp, "ref.nc")
subprocess.run([ghdk, "run", deck, "-o", ref_nc, "--quiet"] + sets, check=True)
with netCDF4.Dataset(ref_nc) as d:
    ref = np.asarray(d["rho_p"][:])
random.seed(1)
nofile = readable = unreadable = differing = 0
records = []
for i in range(trials):
    for f in os.listdir(tmp):
        if f.startswith("k."):
            os.remove(os.path.join(tmp, f))
    p = subprocess.Popen([ghdk, "run", deck, "-o", out, "--quiet"] + sets,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(random.uniform(0.0, 2.0))
    p.kill()
    p.wait()
    if not os.path.exists(out):
        nofile += 1
        continue
    try:
        with netCDF4.Dataset(out) as d:
            n = len(d.dimensions["time"])
            rho = np.asarray(d["rho_p"][:])
    except OSError as e:
        unreadable += 1
        print("trial %d: unreadable: %s" % (i, e))
        continue
    readable += 1
    records.append(n)
    if not np.array_equal(rho, ref[:n]):
        differing += 1
        print("trial %d: %d records, not all equal to the uninterrupted run's" % (i, n))
print("trials %d: no file yet %d, readable %d, unreadable %d, readable with a differing record "
      "%d; records held: min %d, median %d, max %d"
      % (trials, nofile, readable, unreadable, differing, min(records), int(np.median(records)),
         max(records)))
for f in os.listdir(tmp):
    os.remove(os.path.join(tmp, f))
os.rmdir(tmp)
