/* SPDX-License-Identifier: BSD-3-Clause */
/* Checkpoint files and the signals that ask for one (checkpoint.h). Layout, every number
 * little-endian whatever the machine, so that a checkpoint moves between machines:
 *   "GHDKCKPT"  u32 version  u32 header bytes
 *   u64 identity, ns, nx, n, records   f64 t, max_n, window[GHDK_CKPT_NWINDOW]
 *   i64 stat[GHDK_CKPT_NSTAT]
 *   f64 y[ns * nx * n]
 *   u64 FNV-1a of every byte before it */
#define _POSIX_C_SOURCE 200809L /* fsync, sigaction */
#include "checkpoint.h"

#include "ghdk/status.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char magic[8] = {'G', 'H', 'D', 'K', 'C', 'K', 'P', 'T'};
enum {
  HEADER = 8 + 4 + 4 + 5 * 8 + (2 + GHDK_CKPT_NWINDOW) * 8 + GHDK_CKPT_NSTAT * 8,
  TRAILER = 8
};

uint64_t ghdk_ckpt_hash(uint64_t h, const void *data, size_t len)
{
  const unsigned char *b = data;
  for (size_t i = 0; i < len; i++) {
    h ^= b[i];
    h *= 0x100000001b3ULL;
  }
  return h;
}

static unsigned char *put(unsigned char *b, uint64_t v, int bytes)
{
  for (int i = 0; i < bytes; i++)
    b[i] = (unsigned char)(v >> (8 * i));
  return b + bytes;
}

static uint64_t get(const unsigned char **b, int bytes)
{
  uint64_t v = 0;
  for (int i = 0; i < bytes; i++)
    v |= (uint64_t)(*b)[i] << (8 * i);
  *b += bytes;
  return v;
}

static uint64_t bits_of(double x)
{
  uint64_t v;
  memcpy(&v, &x, sizeof v);
  return v;
}

static double double_of(uint64_t v)
{
  double x;
  memcpy(&x, &v, sizeof x);
  return x;
}

/* Write all of buf to fd, retrying short writes and interrupted calls. */
static int write_all(int fd, const unsigned char *buf, size_t len)
{
  while (len > 0) {
    const ssize_t w = write(fd, buf, len);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      return -1;
    buf += w;
    len -= (size_t)w;
  }
  return 0;
}

/* fsync the directory holding path, so that the rename itself survives a crash. */
static int sync_dir(const char *path)
{
  const char *slash = strrchr(path, '/');
  char dir[4096];
  if (!slash)
    snprintf(dir, sizeof dir, ".");
  else if (slash == path)
    snprintf(dir, sizeof dir, "/");
  else
    snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
  const int fd = open(dir, O_RDONLY);
  if (fd < 0)
    return -1;
  const int rc = fsync(fd);
  close(fd);
  return rc;
}

int ghdk_ckpt_write(const char *path, const struct ghdk_ckpt *c)
{
  const size_t size = (size_t)(c->ns * c->nx * c->n);
  const size_t len = HEADER + 8 * size + TRAILER;
  unsigned char *buf = malloc(len);
  if (!buf)
    return GHDK_ERROR(GHDK_ERR_NOMEM, "checkpoint '%s' of %zu bytes", path, len);
  memcpy(buf, magic, sizeof magic);
  unsigned char *b = buf + sizeof magic;
  b = put(b, GHDK_CKPT_VERSION, 4);
  b = put(b, HEADER, 4);
  b = put(b, c->identity, 8);
  b = put(b, c->ns, 8);
  b = put(b, c->nx, 8);
  b = put(b, c->n, 8);
  b = put(b, c->records, 8);
  b = put(b, bits_of(c->t), 8);
  b = put(b, bits_of(c->max_n), 8);
  for (int i = 0; i < GHDK_CKPT_NWINDOW; i++)
    b = put(b, bits_of(c->window[i]), 8);
  for (int i = 0; i < GHDK_CKPT_NSTAT; i++)
    b = put(b, (uint64_t)c->stat[i], 8);
  for (size_t i = 0; i < size; i++)
    b = put(b, bits_of(c->y[i]), 8);
  put(b, ghdk_ckpt_hash(GHDK_CKPT_HASH_INIT, buf, len - TRAILER), 8);

  char tmp[4096 + 8];
  if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) {
    free(buf);
    return GHDK_ERROR(GHDK_ERR_IO, "checkpoint path '%s' is too long", path);
  }
  const int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const char *step = "create";
  int ok = fd >= 0;
  if (ok && (step = "write", write_all(fd, buf, len) != 0))
    ok = 0;
  if (ok && (step = "fsync", fsync(fd) != 0))
    ok = 0;
  const int err = errno;
  if (fd >= 0 && close(fd) != 0 && ok) {
    ok = 0;
    step = "close";
  }
  free(buf);
  if (!ok) {
    if (fd >= 0)
      unlink(tmp);
    return GHDK_ERROR(GHDK_ERR_IO, "checkpoint: cannot %s '%s': %s", step, tmp, strerror(err));
  }
  if (rename(tmp, path) != 0) {
    const int e = errno;
    unlink(tmp);
    return GHDK_ERROR(GHDK_ERR_IO, "checkpoint: cannot rename '%s' to '%s': %s", tmp, path,
                      strerror(e));
  }
  if (sync_dir(path) != 0)
    return GHDK_ERROR(GHDK_ERR_IO, "checkpoint: cannot sync the directory of '%s': %s", path,
                      strerror(errno));
  return GHDK_OK;
}

#define CORRUPT(...) GHDK_ERROR(GHDK_ERR_INPUT, __VA_ARGS__)

int ghdk_ckpt_decode(const unsigned char *buf, size_t len, const char *name, struct ghdk_ckpt *c)
{
  memset(c, 0, sizeof *c);
  if (len < sizeof magic || memcmp(buf, magic, sizeof magic) != 0)
    return CORRUPT("checkpoint '%s' is not a ghdk checkpoint (no GHDKCKPT signature)", name);
  if (len < HEADER + TRAILER)
    return CORRUPT("checkpoint '%s' is truncated: %zu bytes, shorter than its header", name, len);
  const unsigned char *b = buf + sizeof magic;
  const uint64_t version = get(&b, 4), header = get(&b, 4);
  if (version != GHDK_CKPT_VERSION || header != HEADER)
    return CORRUPT("checkpoint '%s' has format version %llu (header %llu bytes); this ghdk reads "
                   "version %d (%d bytes)",
                   name, (unsigned long long)version, (unsigned long long)header, GHDK_CKPT_VERSION,
                   HEADER);
  c->identity = get(&b, 8);
  c->ns = get(&b, 8);
  c->nx = get(&b, 8);
  c->n = get(&b, 8);
  c->records = get(&b, 8);
  c->t = double_of(get(&b, 8));
  c->max_n = double_of(get(&b, 8));
  int finite = isfinite(c->t) && isfinite(c->max_n);
  for (int i = 0; i < GHDK_CKPT_NWINDOW; i++) {
    c->window[i] = double_of(get(&b, 8));
    finite = finite && isfinite(c->window[i]);
  }
  for (int i = 0; i < GHDK_CKPT_NSTAT; i++)
    c->stat[i] = (int64_t)get(&b, 8);
  /* Each size below 2^20 keeps ns * nx * n * 8 far from overflow; the grids allow no more. */
  const uint64_t big = (uint64_t)1 << 20;
  if (c->ns == 0 || c->nx == 0 || c->n == 0 || c->ns > big || c->nx > big || c->n > big ||
      c->ns * c->nx > big || c->ns * c->nx * c->n > (uint64_t)1 << 32)
    return CORRUPT("checkpoint '%s' is corrupt: sizes %llu species x %llu cells x %llu nodes", name,
                   (unsigned long long)c->ns, (unsigned long long)c->nx, (unsigned long long)c->n);
  const uint64_t size = c->ns * c->nx * c->n, want = HEADER + 8 * size + TRAILER;
  if (len != want)
    return CORRUPT("checkpoint '%s' is %s: %zu bytes, expected %llu for %llu values", name,
                   len < want ? "truncated" : "too long", len, (unsigned long long)want,
                   (unsigned long long)size);
  const unsigned char *end = buf + len - TRAILER;
  const uint64_t sum = get(&end, 8);
  if (sum != ghdk_ckpt_hash(GHDK_CKPT_HASH_INIT, buf, len - TRAILER))
    return CORRUPT("checkpoint '%s' is corrupt: checksum mismatch", name);
  if (!finite || c->records == 0)
    return CORRUPT("checkpoint '%s' is corrupt: t = %g, %llu records", name, c->t,
                   (unsigned long long)c->records);
  if (!(c->y = malloc((size_t)size * sizeof *c->y)))
    return GHDK_ERROR(GHDK_ERR_NOMEM, "checkpoint '%s': %llu values", name,
                      (unsigned long long)size);
  for (size_t i = 0; i < (size_t)size; i++) {
    c->y[i] = double_of(get(&b, 8));
    if (!isfinite(c->y[i])) {
      ghdk_ckpt_free(c);
      return CORRUPT("checkpoint '%s' is corrupt: value %zu is not finite", name, i);
    }
  }
  return GHDK_OK;
}

int ghdk_ckpt_read(const char *path, struct ghdk_ckpt *c)
{
  memset(c, 0, sizeof *c);
  FILE *f = fopen(path, "rb");
  if (!f)
    return GHDK_ERROR(GHDK_ERR_INPUT, "cannot open checkpoint '%s': %s", path, strerror(errno));
  struct stat st;
  unsigned char *buf = NULL;
  size_t len = 0;
  int rc = GHDK_OK;
  if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode))
    rc = GHDK_ERROR(GHDK_ERR_INPUT, "checkpoint '%s' is not a regular file", path);
  else if (!(buf = malloc((size_t)st.st_size + 1)))
    rc = GHDK_ERROR(GHDK_ERR_NOMEM, "checkpoint '%s' of %lld bytes", path, (long long)st.st_size);
  else if ((len = fread(buf, 1, (size_t)st.st_size + 1, f)) != (size_t)st.st_size || ferror(f))
    rc = GHDK_ERROR(GHDK_ERR_IO, "cannot read checkpoint '%s' (%zu of %lld bytes)", path, len,
                    (long long)st.st_size);
  fclose(f);
  if (!rc)
    rc = ghdk_ckpt_decode(buf, len, path, c);
  free(buf);
  return rc;
}

void ghdk_ckpt_free(struct ghdk_ckpt *c)
{
  free(c->y);
  c->y = NULL;
}

static volatile sig_atomic_t caught;
static struct sigaction saved_int, saved_term;

static void on_signal(int sig)
{
  caught = sig;
}

void ghdk_signals_catch(void)
{
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  /* One-shot: a second signal finds the default action and ends the process at once, for a user
   * who does not want to wait for the checkpoint. */
  sa.sa_flags = SA_RESETHAND;
  caught = 0;
  sigaction(SIGINT, &sa, &saved_int);
  sigaction(SIGTERM, &sa, &saved_term);
}

void ghdk_signals_restore(void)
{
  sigaction(SIGINT, &saved_int, NULL);
  sigaction(SIGTERM, &saved_term, NULL);
}

int ghdk_signal_caught(void)
{
  return caught;
}
