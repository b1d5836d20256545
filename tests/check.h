/* SPDX-License-Identifier: BSD-3-Clause */
/* Minimal test helpers: each check prints what it compared, with the tolerance, and counts
 * failures; main returns ghdk_test_failures() so ctest sees them. */
#ifndef GHDK_TESTS_CHECK_H
#define GHDK_TESTS_CHECK_H

#include <math.h>
#include <stdio.h>

static int ghdk_test_nfail;

/** |got - want| <= rtol |want| + atol; prints one line either way. */
static inline int check_close_at(const char *file, int line, const char *what, double got,
                                 double want, double rtol, double atol)
{
  const double err = fabs(got - want);
  const int ok = err <= rtol * fabs(want) + atol && isfinite(got);
  printf("%s %-48s got % .15e want % .15e err %.2e (rtol %.0e atol %.0e)\n", ok ? "ok  " : "FAIL",
         what, got, want, err, rtol, atol);
  if (!ok) {
    printf("     at %s:%d\n", file, line);
    ghdk_test_nfail++;
  }
  return ok;
}
#define CHECK_CLOSE(what, got, want, rtol, atol)                                                   \
  check_close_at(__FILE__, __LINE__, (what), (got), (want), (rtol), (atol))

static inline int check_true_at(const char *file, int line, const char *what, int cond)
{
  printf("%s %s\n", cond ? "ok  " : "FAIL", what);
  if (!cond) {
    printf("     at %s:%d\n", file, line);
    ghdk_test_nfail++;
  }
  return cond;
}
#define CHECK(what, cond) check_true_at(__FILE__, __LINE__, (what), (cond))

static inline int ghdk_test_failures(void)
{
  printf("%d check(s) failed\n", ghdk_test_nfail);
  return ghdk_test_nfail ? 1 : 0;
}

#endif
