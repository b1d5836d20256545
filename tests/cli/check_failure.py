#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Failure handling through the real binary.

usage: check_failure.py GHDK SOURCE_DIR

- CVODE gives up (tests/cli/vacuum_front.lua: negative densities in a vacuum tail at atol 1e-30):
  exit status 1, a message naming the time, the cell and its x, the species and the rapidity of
  the last invalid value, and the checkpoint of the last good state; the output holds whole
  records; a restart from that checkpoint with other integrator settings (Adams, atol 1e-10: the
  last state CVODE accepted already holds -1e-30 in the tail) completes.
- A full disk during the run (the file size limit RLIMIT_FSIZE, which fails writes with EFBIG
  as a full disk fails them with ENOSPC): exit status 1, a message naming the output and the
  record not written; the file still opens and every record it holds is whole.
- An output or checkpoint path that cannot be created (a missing or a read-only directory): exit
  status 1 before the first step, a message naming the path, nothing left behind.
"""
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile

import netCDF4
import numpy as np

from checks import check, finish

ghdk, source = sys.argv[1], sys.argv[2]
here = os.path.dirname(os.path.abspath(__file__))
front = os.path.join(here, "vacuum_front.lua")
partition = os.path.join(source, "cases", "partition.lua")


def run(deck, out, sets=(), extra=(), preexec=None):
    cmd = [ghdk, "run", deck, "-o", out, "--quiet"]
    for s in sets:
        cmd += ["--set", s]
    return subprocess.run(cmd + list(extra), capture_output=True, text=True, preexec_fn=preexec)


def whole_records(path):
    """Number of records, and whether each is marked whole."""
    with netCDF4.Dataset(path) as d:
        n = len(d.dimensions["time"])
        return n, bool(np.all(np.asarray(d["record_complete"][:]) == 1))


tmp = tempfile.mkdtemp(prefix="ghdk_failure_")
try:
    # The integrator gives up.
    out = os.path.join(tmp, "front.nc")
    res = run(front, out)
    msg = res.stderr.strip().splitlines()[-1] if res.stderr.strip() else ""
    check("CVODE failure: exit 1 (got %d)" % res.returncode, res.returncode == 1)
    check("message names time, value, cell, x, species, rapidity, checkpoint: %r" % msg,
          all(w in msg for w in ["CVODE failed at t = ", "rho_p = -", " in cell ", "(x = ",
                                 "species 1", "rapidity theta = ", "front.ckpt"]))
    n, whole = whole_records(out)
    check("output after the failure opens with %d whole record(s)" % n, n >= 1 and whole)
    res = run(front, out, ["time.method=adams", "time.atol=1e-10"],
              ["--restart", os.path.join(tmp, "front.ckpt")])
    check("restart from the failure checkpoint, Adams and atol 1e-10, exits 0 %s"
          % res.stderr.strip(),
          res.returncode == 0)
    n, whole = whole_records(out)
    check("restarted output holds all 11 records, whole (%d)" % n, n == 11 and whole)

    # A full disk: writes beyond 60 kB fail (the file is created and a few records fit).
    def small_disk():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (60000, 60000))
    out = os.path.join(tmp, "full.nc")
    res = run(partition, out, ["space.nx=12", "grid.N=12", "time.n_out=50"], preexec=small_disk)
    err = res.stderr.strip()
    check("full disk: exit 1 (got %d), message %r" % (res.returncode, err),
          res.returncode == 1 and "File too large" in err and "was not written" in err
          and "full.nc" in err)
    n, whole = whole_records(out)
    check("full disk: the output opens with %d whole records" % n, 1 <= n < 51 and whole)

    # Paths that cannot be created.
    missing = os.path.join(tmp, "no_such_dir", "out.nc")
    res = run(partition, missing, ["space.nx=12", "grid.N=12"],
              ["--set", "checkpoint.file=" + os.path.join(tmp, "ok.ckpt")])
    check("output in a missing directory: exit 1 (got %d), names it: %r"
          % (res.returncode, res.stderr.strip()),
          res.returncode == 1 and missing in res.stderr)
    check("no checkpoint left behind", not os.path.exists(os.path.join(tmp, "ok.ckpt")))
    out = os.path.join(tmp, "ok.nc")
    res = run(partition, out, ["space.nx=12", "grid.N=12",
                               "checkpoint.file=" + os.path.join(tmp, "no_such_dir", "c.ckpt")])
    check("checkpoint in a missing directory: exit 1 (got %d), names it: %r"
          % (res.returncode, res.stderr.strip()),
          res.returncode == 1 and "no_such_dir/c.ckpt" in res.stderr)
    check("no output written", not os.path.exists(out))
    # A read-only directory. Root writes into it anyway, so as root the run drops to the
    # unprivileged user 65534 (setpriv, util-linux).
    ro = os.path.join(tmp, "readonly")
    os.mkdir(ro)
    os.chmod(ro, 0o555)
    os.chmod(tmp, 0o755)
    drop = None
    if os.geteuid() == 0:
        def drop():
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
    res = run(partition, os.path.join(ro, "out.nc"), ["space.nx=12", "grid.N=12"], preexec=drop)
    check("read-only directory: exit 1 (got %d), message %r" % (res.returncode, res.stderr.strip()),
          res.returncode == 1 and "Permission denied" in res.stderr and ro in res.stderr)
    check("read-only directory: nothing written", os.listdir(ro) == [])
    os.chmod(ro, 0o755)
finally:
    shutil.rmtree(tmp, ignore_errors=True)
finish()
