/* SPDX-License-Identifier: BSD-3-Clause */
#include "ghdk/status.h"

#include <stdarg.h>
#include <stdio.h>

const char *ghdk_strerror(int status)
{
  switch (status) {
  case GHDK_OK:
    return "success";
  case GHDK_ERR_NOMEM:
    return "out of memory";
  case GHDK_ERR_INPUT:
    return "bad input";
  case GHDK_ERR_DOMAIN:
    return "argument out of range";
  case GHDK_ERR_NOCONV:
    return "iteration did not converge";
  case GHDK_ERR_IO:
    return "input/output error";
  case GHDK_ERR_LIB:
    return "library failure";
  case GHDK_ERR_INTERNAL:
    return "internal error";
  case GHDK_ERR_INTERRUPTED:
    return "interrupted";
  default:
    return "unknown status";
  }
}

static int silenced;

void ghdk_error_silence(int silent)
{
  silenced = silent;
}

int ghdk_error_at(const char *file, int line, const char *func, int status, const char *fmt, ...)
{
  if (silenced)
    return status;
  va_list ap;
  va_start(ap, fmt);
  fputs("ghdk: ", stderr);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  /* Input errors are the user's and a signal is no fault: the message says what to do, without
   * our source line. */
  if (status != GHDK_ERR_INPUT && status != GHDK_ERR_INTERRUPTED)
    fprintf(stderr, " [%s, in %s at %s:%d]", ghdk_strerror(status), func, file, line);
  fputc('\n', stderr);
  return status;
}
