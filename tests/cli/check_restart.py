#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Checkpoints and restarts through the real binary, at reduced resolution.

usage: check_restart.py GHDK SOURCE_DIR partition|relaxation

For a ghd run without collisions (Adams, cases/partition.lua) or a homogeneous run with the
relaxation kernel (BDF, GMRES, cases/relaxation_quench.lua):
- kill test: a run SIGKILLed right after its first periodic checkpoint leaves an output that opens
  and holds whole records, each bit-for-bit the uninterrupted run's; --restart from the checkpoint
  then ends with an output bit-for-bit equal to the uninterrupted run's (every field and record,
  and the run statistics the checkpoint carries: CVODE's counters and the closure targets);
- SIGINT: the run stops with exit status 3 at its next right-hand side, checkpointing CVODE's last
  accepted step, the output closed with exactly the records before it; the restart completes;
- SIGTERM inside one long output interval (time.n_out = 1): the same, promptly, and the restart
  from that mid-interval checkpoint ends within the integrator's tolerance of the uninterrupted
  run (not bit for bit: CVODE restarts at another instant);
- corrupt, truncated, foreign and missing checkpoints, and a truncated output, are refused with a
  message naming the file and exit status 2 (bad input) or 1 (unreadable output).
"""
import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time

import netCDF4
import numpy as np

from checks import check, finish

ghdk, source, case = sys.argv[1], sys.argv[2], sys.argv[3]
FIELDS = ["time", "rho_p", "n", "v_eff", "q", "j", "entropy_density", "total_q", "total_entropy"]
STATS = ["cvode_steps", "cvode_rhs_evals", "cvode_lin_iters", "max_fermion_occupation",
         "closure_targets", "closure_targets_truncated", "closure_truncated_share",
         "closure_max_edge_occupation"]
# Many output instants so that the run goes on well after its first periodic checkpoint (at 1/8
# of it), when the kill and the signal arrive.
EVERY = 25
RUNS = {
    "partition": ("partition.lua", ["space.nx=24", "grid.N=24", "time.n_out=200",
                                    "time.t_end=2"]),
    "relaxation": ("relaxation_quench.lua", ["grid.N=48", "time.n_out=200",
                                             "collision.tau=0.7"]),
}
deck, sets = RUNS[case]
deck = os.path.join(source, "cases", deck)
sets = sets + ["checkpoint.every=%d" % EVERY]
# Offset of the record count in a checkpoint: signature 8, version 4, header size 4, identity and
# three sizes 8 each (src/solver/checkpoint.c).
RECORDS_AT = 8 + 4 + 4 + 4 * 8


def command(out, extra=()):
    cmd = [ghdk, "run", deck, "-o", out, "--quiet"]
    for s in sets:
        cmd += ["--set", s]
    return cmd + list(extra)


def run(out, extra=()):
    return subprocess.run(command(out, extra), capture_output=True, text=True)


def ckpt_records(path):
    try:
        with open(path, "rb") as f:
            head = f.read(RECORDS_AT + 8)
        return struct.unpack("<Q", head[RECORDS_AT:])[0] if len(head) == RECORDS_AT + 8 else 0
    except OSError:
        return 0


def start_and_wait(out):
    """Start a run; return it once its first periodic checkpoint (EVERY + 1 records) exists."""
    p = subprocess.Popen(command(out), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    ckpt = out[:-3] + ".ckpt"
    while p.poll() is None and ckpt_records(ckpt) < EVERY + 1:
        time.sleep(0.001)
    return p, ckpt


def fields(path):
    with netCDF4.Dataset(path) as d:
        return {v: np.asarray(d[v][:]) for v in FIELDS}


def stats(path):
    with netCDF4.Dataset(path) as d:
        return [float(d.getncattr(a)) for a in STATS]


def identical(a, b, nrec=None):
    return all(np.array_equal(a[v][:nrec], b[v][:nrec]) for v in FIELDS)


def expect_refused(what, res, status, words):
    msg = res.stderr.strip()
    check("%s: exit %d (got %d), message %r names %s" % (what, status, res.returncode, msg, words),
          res.returncode == status and all(w in msg for w in words))


tmp = tempfile.mkdtemp(prefix="ghdk_restart_")
try:
    ref_nc = os.path.join(tmp, "ref.nc")
    res = run(ref_nc)
    check("uninterrupted run exits 0 %s" % res.stderr.strip(), res.returncode == 0)
    ref = fields(ref_nc)
    nout = len(ref["time"])

    # Kill test.
    out = os.path.join(tmp, "killed.nc")
    p, ckpt = start_and_wait(out)
    alive = p.poll() is None
    p.kill()
    p.communicate()
    check("run still going after its first periodic checkpoint (then SIGKILLed)", alive)
    saved = ckpt_records(ckpt)
    try:
        killed = fields(out)
        n = len(killed["time"])
        check("killed output opens: %d records, checkpoint after record %d" % (n, saved - 1),
              saved <= n < nout)
        check("every record of the killed output is the uninterrupted run's, bit for bit",
              identical(killed, ref, n))
    except OSError as e:
        check("killed output opens (%s)" % e, False)
    shutil.copy(out, os.path.join(tmp, "killed_copy.nc"))
    shutil.copy(ckpt, os.path.join(tmp, "good.ckpt"))
    res = run(out, ["--restart", ckpt])
    check("restart from the checkpoint exits 0 %s" % res.stderr.strip(), res.returncode == 0)
    got = fields(out)
    check("restarted output has all %d records" % nout, len(got["time"]) == nout)
    check("restarted output bit-for-bit equal to the uninterrupted run (%s)" % ", ".join(FIELDS),
          len(got["time"]) == nout and identical(got, ref))
    s_ref, s_got = stats(ref_nc), stats(out)
    check("restarted run's statistics equal the uninterrupted run's (%s: %s)"
          % (", ".join(STATS), " ".join("%g" % v for v in s_got)), s_got == s_ref)

    # SIGINT: checkpoint of the last accepted step, clean close, exit status 3.
    out = os.path.join(tmp, "sigint.nc")
    p, ckpt = start_and_wait(out)
    p.send_signal(signal.SIGINT)
    _, err = p.communicate()
    saved = ckpt_records(ckpt)
    check("SIGINT: exit 3 (got %d), message %r" % (p.returncode, err.strip()),
          p.returncode == 3 and "SIGINT" in err and "--restart" in err)
    stopped = fields(out)
    n = len(stopped["time"])
    check("SIGINT: output holds exactly the %d records up to the checkpoint (%d)" % (n, saved),
          n == saved and EVERY < n < nout)
    check("SIGINT: those records are the uninterrupted run's, bit for bit",
          identical(stopped, ref, n))
    res = run(out, ["--restart", ckpt])
    check("restart after SIGINT exits 0 %s" % res.stderr.strip(), res.returncode == 0)
    check("restart after SIGINT completes the %d records" % nout, len(fields(out)["time"]) == nout)

    # SIGTERM in a single long output interval: acted on at once, not at the end of the interval.
    one = ["time.n_out=1"]
    ref1_nc = os.path.join(tmp, "ref1.nc")
    res = run(ref1_nc, sum((["--set", s] for s in one), []))
    check("one-interval run exits 0 %s" % res.stderr.strip(), res.returncode == 0)
    ref1 = fields(ref1_nc)
    out = os.path.join(tmp, "sigterm.nc")
    ckpt = out[:-3] + ".ckpt"
    p = subprocess.Popen(command(out, sum((["--set", s] for s in one), [])),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    while p.poll() is None and ckpt_records(ckpt) < 1:  # the t = 0 checkpoint: integrating
        time.sleep(0.001)
    time.sleep(0.05)
    alive = p.poll() is None
    p.send_signal(signal.SIGTERM)
    sent = time.monotonic()
    _, err = p.communicate()
    waited = time.monotonic() - sent
    check("SIGTERM mid-interval: run was integrating, exit 3 (got %d), message %r"
          % (p.returncode, err.strip()),
          alive and p.returncode == 3 and "between records 0 and 1" in err)
    with open(ckpt, "rb") as f:
        f.seek(RECORDS_AT + 8)
        t_ck = struct.unpack("<d", f.read(8))[0]
    t_end = float(ref1["time"][-1])
    # The run's whole interval takes several times the 0.05 s it had: stopping at the next
    # right-hand side leaves the checkpoint strictly inside the interval (a stop at the output
    # instant, the old behaviour, would put it at t_end).
    check("SIGTERM mid-interval: checkpoint at t = %.4g inside (0, %g), after %.2f s"
          % (t_ck, t_end, waited), 0.0 < t_ck < t_end and ckpt_records(ckpt) == 1)
    res = run(out, sum((["--set", s] for s in one), []) + ["--restart", ckpt])
    check("restart after SIGTERM exits 0 %s" % res.stderr.strip(), res.returncode == 0)
    got = fields(out)
    # Both runs carry CVODE's local errors (rtol 1e-6 per step, relative) over different step
    # sequences: their final states may differ by a few hundred rtol of max |rho_p|; a restart
    # from a wrong state or time would differ by O(1).
    d = np.max(np.abs(got["rho_p"][-1] - ref1["rho_p"][-1])) / np.max(np.abs(ref1["rho_p"][-1]))
    check("restart after SIGTERM: 2 records, final rho_p within 1e-4 of the uninterrupted run "
          "(%.1e)" % d, len(got["time"]) == 2 and d < 1e-4)

    # Hostile checkpoints and outputs: each refused, nothing appended.
    good = os.path.join(tmp, "good.ckpt")
    blob = open(good, "rb").read()
    bad = os.path.join(tmp, "bad.ckpt")
    out = os.path.join(tmp, "killed_copy.nc")
    flipped = bytearray(blob)
    flipped[len(blob) // 2] ^= 0x10
    for what, data, words in [
            ("one flipped bit", bytes(flipped), ["bad.ckpt", "checksum mismatch"]),
            ("truncated checkpoint", blob[:len(blob) // 2], ["bad.ckpt", "truncated"]),
            ("empty checkpoint", b"", ["bad.ckpt", "not a ghdk checkpoint"]),
            ("a deck as checkpoint", open(deck, "rb").read(), ["bad.ckpt", "not a ghdk checkpoint"]),
            ("future format version", blob[:8] + struct.pack("<I", 99) + blob[12:],
             ["bad.ckpt", "format version 99"])]:
        open(bad, "wb").write(data)
        expect_refused(what, run(out, ["--restart", bad]), 2, words)
    expect_refused("missing checkpoint", run(out, ["--restart", os.path.join(tmp, "none.ckpt")]),
                   2, ["none.ckpt", "cannot open checkpoint"])
    other = subprocess.run(command(out, ["--restart", good]) + ["--set", "bragg_q=0.5"],
                           capture_output=True, text=True)
    expect_refused("checkpoint of another problem (bragg_q changed)", other, 2,
                   ["good.ckpt", "another problem"])
    size = os.path.getsize(out)
    with open(out, "r+b") as f:
        f.truncate(size // 10)
    expect_refused("truncated output", run(out, ["--restart", good]), 1, ["killed_copy.nc"])
finally:
    shutil.rmtree(tmp, ignore_errors=True)
finish()
