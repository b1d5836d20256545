# SPDX-License-Identifier: BSD-3-Clause
"""Shared by the CLI checks: one printed line per comparison, a failure count, and the closing
line that ctest's log and CI read."""
import sys

_fails = 0


def check(what, ok):
    """Print 'ok' or 'FAIL' with what was compared; count failures."""
    global _fails
    print(("ok   " if ok else "FAIL ") + what)
    _fails += 0 if ok else 1


def finish():
    """Print the failure count and exit non-zero on any failure."""
    print("%d check(s) failed" % _fails)
    sys.exit(1 if _fails else 0)
