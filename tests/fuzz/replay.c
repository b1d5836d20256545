/* SPDX-License-Identifier: BSD-3-Clause */
/* Stand-in for libFuzzer's driver where clang is not available (CI builds with gcc): runs a fuzz
 * target (LLVMFuzzerTestOneInput) on every file of the corpus directories given, then on -runs=N
 * inputs made by mutating corpus files at random (-seed=S; xorshift64, so the same N and S give
 * the same inputs on every machine). Mutations: flip a bit, set a byte, insert or delete a byte,
 * duplicate or delete a span, insert a token that matters to Lua decks or to number parsing.
 * The targets' messages (one per refused input) go to a scratch file, rewound before each input;
 * when a sanitizer or a signal ends the process, that input's messages (the sanitizer's report
 * among them) are copied to stderr and the input is saved as ./crash-input. Exit status 0 when
 * every input ran.
 *
 * usage: fuzz_*_replay [-runs=N] [-seed=S] DIR|FILE ... */
#define _POSIX_C_SOURCE 200809L /* opendir, strdup, mkstemp, dup */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct input {
  unsigned char *data;
  size_t size;
};

static uint64_t rng;

static uint64_t next(void)
{
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

static int load(const char *path, struct input *in)
{
  FILE *f = fopen(path, "rb");
  if (!f)
    return -1;
  struct stat st;
  if (fstat(fileno(f), &st) != 0 || !(in->data = malloc((size_t)st.st_size + 1))) {
    fclose(f);
    return -1;
  }
  in->size = fread(in->data, 1, (size_t)st.st_size, f);
  fclose(f);
  return 0;
}

/* The input running now, and the real stderr while fd 2 is the scratch file. */
static const unsigned char *current;
static size_t current_size;
static int real_stderr = -1;

/* Async-signal-safe: only open, read, write, lseek, close. */
static void report_current(void)
{
  if (real_stderr < 0)
    return;
  char buf[4096];
  ssize_t n;
  lseek(2, 0, SEEK_SET);
  while ((n = read(2, buf, sizeof buf)) > 0)
    if (write(real_stderr, buf, (size_t)n) != n)
      break;
  const int fd = open("crash-input", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd >= 0) {
    if (write(fd, current, current_size) < 0)
      n = -1;
    close(fd);
  }
  static const char msg[] = "replay: the input that failed is saved as ./crash-input\n";
  if (write(real_stderr, msg, sizeof msg - 1) < 0)
    n = -1;
}

static void on_signal(int sig)
{
  report_current();
  signal(sig, SIG_DFL);
  raise(sig);
}

static void run(const unsigned char *data, size_t size)
{
  current = data;
  current_size = size;
  if (real_stderr >= 0 && (lseek(2, 0, SEEK_SET) != 0 || ftruncate(2, 0) != 0))
    perror("replay: scratch file");
  LLVMFuzzerTestOneInput(data, size);
}

/* Replace [at, at + len) of buf (size *n, capacity cap) by rep (rlen bytes); 0 if it fit. */
static int splice(unsigned char *buf, size_t *n, size_t cap, size_t at, size_t len, const void *rep,
                  size_t rlen)
{
  if (*n - len + rlen > cap)
    return -1;
  memmove(buf + at + rlen, buf + at + len, *n - at - len);
  memcpy(buf + at, rep, rlen);
  *n = *n - len + rlen;
  return 0;
}

static void mutate(unsigned char *buf, size_t *n, size_t cap)
{
  static const char *const tokens[] = {"{",
                                       "}",
                                       ",",
                                       "=",
                                       "\"",
                                       "nil",
                                       "1e308",
                                       "-1",
                                       "0",
                                       "nan",
                                       "math.huge",
                                       "2^63",
                                       "0/0",
                                       "\n",
                                       "kind",
                                       "ghd",
                                       "grid",
                                       "space",
                                       "state",
                                       "function(x, theta) return x end",
                                       "--set grid.N=3\n",
                                       "\xff\xff\xff\xff"};
  const int rounds = 1 + (int)(next() % 4);
  for (int r = 0; r < rounds; r++) {
    const size_t at = *n ? next() % (*n + 1) : 0;
    const size_t span = *n > at ? 1 + next() % (*n - at < 16 ? *n - at : 16) : 0;
    unsigned char b = (unsigned char)next();
    switch (next() % 6) {
    case 0: /* flip a bit */
      if (at < *n)
        buf[at] ^= (unsigned char)(1u << (next() % 8));
      break;
    case 1: /* set a byte */
      if (at < *n)
        buf[at] = b;
      break;
    case 2: /* insert a byte */
      splice(buf, n, cap, at, 0, &b, 1);
      break;
    case 3: /* delete a span */
      splice(buf, n, cap, at, span, "", 0);
      break;
    case 4: /* duplicate a span */
      if (span) {
        unsigned char tmp[16];
        memcpy(tmp, buf + at, span);
        splice(buf, n, cap, at, 0, tmp, span);
      }
      break;
    default: { /* insert a token */
      const char *t = tokens[next() % (sizeof tokens / sizeof tokens[0])];
      splice(buf, n, cap, at, 0, t, strlen(t));
    }
    }
  }
}

static struct input *corpus;
static size_t ncorpus, cap;

static int add(const char *path)
{
  if (ncorpus == cap) {
    cap = cap ? 2 * cap : 64;
    struct input *c = realloc(corpus, cap * sizeof *c);
    if (!c)
      return -1;
    corpus = c;
  }
  if (load(path, &corpus[ncorpus]) != 0) {
    fprintf(stderr, "replay: cannot read '%s'\n", path);
    return -1;
  }
  ncorpus++;
  return 0;
}

static int by_name(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
  long runs = 0;
  unsigned long long seed = 1;
  for (int i = 1; i < argc; i++) {
    if (!strncmp(argv[i], "-runs=", 6)) {
      runs = strtol(argv[i] + 6, NULL, 10);
    } else if (!strncmp(argv[i], "-seed=", 6)) {
      seed = strtoull(argv[i] + 6, NULL, 10);
    } else {
      DIR *dir = opendir(argv[i]);
      if (!dir) {
        if (add(argv[i]) != 0)
          return 1;
        continue;
      }
      /* In name order, not readdir's, so that a seed means the same inputs everywhere. */
      char **names = NULL;
      size_t nn = 0;
      for (struct dirent *e; (e = readdir(dir)) != NULL;) {
        if (e->d_name[0] == '.')
          continue;
        char **m = realloc(names, (nn + 1) * sizeof *m);
        if (!m)
          return 1;
        names = m;
        if (!(names[nn] = strdup(e->d_name)))
          return 1;
        nn++;
      }
      closedir(dir);
      qsort(names, nn, sizeof *names, by_name);
      for (size_t k = 0; k < nn; k++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", argv[i], names[k]);
        if (add(path) != 0)
          return 1;
        free(names[k]);
      }
      free(names);
    }
  }
  if (ncorpus == 0) {
    fprintf(stderr, "usage: %s [-runs=N] [-seed=S] DIR|FILE ...\n", argv[0]);
    return 2;
  }
  char scratch[] = "/tmp/ghdk_replay_XXXXXX";
  const int fd = mkstemp(scratch);
  if (fd >= 0) {
    unlink(scratch);
    fflush(stderr);
    real_stderr = dup(2);
    dup2(fd, 2);
    close(fd);
  }
  static const int fatal[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
  for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++)
    signal(fatal[i], on_signal);
#if defined(__SANITIZE_ADDRESS__)
  __sanitizer_set_death_callback(report_current);
#endif
  for (size_t i = 0; i < ncorpus; i++)
    run(corpus[i].data, corpus[i].size);
  rng = seed ? seed : 1;
  for (long k = 0; k < runs; k++) {
    const struct input *in = &corpus[next() % ncorpus];
    const size_t room = in->size + 4096;
    unsigned char *buf = malloc(room);
    if (!buf)
      return 1;
    memcpy(buf, in->data, in->size);
    size_t n = in->size;
    mutate(buf, &n, room);
    run(buf, n);
    free(buf);
  }
  printf("replay: %zu corpus inputs and %ld mutated inputs (seed %llu) ran\n", ncorpus, runs, seed);
  for (size_t i = 0; i < ncorpus; i++)
    free(corpus[i].data);
  free(corpus);
  return 0;
}
