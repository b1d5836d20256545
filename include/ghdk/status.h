/* SPDX-License-Identifier: BSD-3-Clause */
/** @file status.h
 * Status codes, error reporting and the checking macro used throughout ghdk.
 */
#ifndef GHDK_STATUS_H
#define GHDK_STATUS_H

/** Status codes returned by every ghdk function that can fail. */
enum ghdk_status {
  GHDK_OK = 0,
  GHDK_ERR_NOMEM,      /**< allocation failed */
  GHDK_ERR_INPUT,      /**< bad input deck, key or argument (exit status 2) */
  GHDK_ERR_DOMAIN,     /**< argument outside the valid range of a function */
  GHDK_ERR_NOCONV,     /**< an iterative solve did not converge */
  GHDK_ERR_IO,         /**< file or netCDF failure */
  GHDK_ERR_LIB,        /**< a library (SUNDIALS, GSL, FFTW, Lua) reported failure */
  GHDK_ERR_INTERNAL,   /**< a bug: an invariant of ghdk itself failed */
  GHDK_ERR_INTERRUPTED /**< stopped by SIGINT/SIGTERM after a checkpoint (exit status 3) */
};

/** Human-readable name of a status code (static string). */
const char *ghdk_strerror(int status);

/** Print "ghdk: MESSAGE" to stderr; for internal errors also the source location.
 * Returns @p status so that it can be used in a return statement. */
int ghdk_error_at(const char *file, int line, const char *func, int status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

/** Silence ghdk_error_at (set on MPI ranks other than 0, which would repeat rank 0's messages;
 * statuses are unchanged). */
void ghdk_error_silence(int silent);

/** Report an error with a printf-style message and return its status from the caller. */
#define GHDK_ERROR(status, ...) ghdk_error_at(__FILE__, __LINE__, __func__, (status), __VA_ARGS__)

/** Evaluate a call returning a status; on failure propagate it to the caller. */
#define GHDK_CHECK(call)                                                                           \
  do {                                                                                             \
    int ghdk_rc_ = (call);                                                                         \
    if (ghdk_rc_ != GHDK_OK)                                                                       \
      return ghdk_rc_;                                                                             \
  } while (0)

/** pi to double precision (strict C17 has no M_PI). */
#define GHDK_PI 3.14159265358979323846

#endif
