/* SPDX-License-Identifier: BSD-3-Clause */
/* The phi^4 pre-thermalisation curves of SM Figs. 1-2 (Durnin, Bhaseen, Doyon, PRL 127, 130601
 * (2021)): the quench of the free boson (m = 1) to H0 + (lambda/4!) phi^4 from the vacuum and from
 * the thermal state at beta = 5, q_i(t) for h_0 = 1, h_2 = cosh(theta), h_4 = cosh(2 theta).
 *
 * usage: prethermal_curves OUTDIR
 * writes, per run (vacuum and beta = 5 with the golden-rule coefficients, beta = 5 with the
 * printed ones), OUTDIR/prethermal_<state>_<coefficients>.nc in the output contract
 * (shared/spec/output.md; nx = 1, the time series in q; lambda = 1, the changes scale as
 * lambda^2; the state itself does not change at this order) with the plateau q_i(inf) - q_i(0)
 * as the global attributes plateau_dq_h<i>, and OUTDIR/prethermal_spectral_<state>.txt, the
 * spectral densities T_i(eps) near the thresholds. Times: every 0.01 up to 30, then windows of
 * two periods of the 2m oscillation (64 points each) at t = 30 10^(k/4), k = 1..16, so that
 * postprocess/prethermal.py can fit the envelope up to t ~ 3e5. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include "ghdk/grid.h"
#include "ghdk/model.h"
#include "ghdk/output.h"
#include "ghdk/prethermal.h"
#include "ghdk/status.h"
#include "ghdk/tba.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NCH 3
/* Tighter than the default 1e-10: at t ~ 1e5 the oscillation is ~1e-8 of the plateau and the
 * 2<->2 drift ~1e-8 too; 1e-12 keeps both resolved (measured: the t^1.5-scaled envelope stays
 * flat to 0.5 % up to 3e5, against 2 % at 1e-10). */
#define TOL 1e-12
static const int charges[NCH] = {0, 2, 4};

static double now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void set_num(struct ghdk_param *p, const char *key, double v)
{
  snprintf(p->key, sizeof p->key, "%s", key);
  p->numeric = 1;
  p->num = v;
}

static void set_str(struct ghdk_param *p, const char *key, const char *v)
{
  snprintf(p->key, sizeof p->key, "%s", key);
  p->numeric = 0;
  snprintf(p->str, sizeof p->str, "%s", v);
}

/* The output instants (ascending); returns their number. */
static size_t output_times(double *t)
{
  size_t nt = 0;
  for (int k = 0; k <= 3000; k++)
    t[nt++] = 0.01 * k;
  for (int j = 1; j <= 16; j++)
    for (int k = 0; k < 64; k++)
      t[nt++] = 30.0 * pow(10.0, j / 4.0) + k * GHDK_PI / 64.0;
  return nt;
}

static void spectral_table(struct ghdk_phi4 *p, const char *path)
{
  FILE *f = fopen(path, "w");
  if (!f) {
    fprintf(stderr, "prethermal_curves: cannot write %s\n", path);
    exit(1);
  }
  fprintf(f, "# spectral densities T_i(eps) (lambda = 1, m = 1), per class and summed\n"
             "# eps T0_all T2_all T0_04 T0_13 T0_22 T2_22\n");
  /* Logarithmically close to the two thresholds (both sides of the 1<->3 saddle at 2m, above
   * the 0<->4 threshold at 4m), exactly at 2m, and on a quadratic grid up to 40. */
  for (int k = 0; k < 501; k++) {
    double e;
    if (k < 100)
      e = 2.0 - pow(10.0, -7.0 + 6.0 * k / 99.0);
    else if (k == 100)
      e = 2.0;
    else if (k < 201)
      e = 2.0 + pow(10.0, -7.0 + 6.0 * (k - 101) / 99.0);
    else if (k < 301)
      e = 4.0 + pow(10.0, -7.0 + 6.0 * (k - 201) / 99.0);
    else
      e = 0.01 + 40.0 * (k - 301) * (k - 301) / (199.0 * 199.0);
    double all[NCH], c04[NCH], c13[NCH], c22[NCH];
    if (ghdk_phi4_spectral(p, e, GHDK_PHI4_ALL, all) ||
        ghdk_phi4_spectral(p, e, GHDK_PHI4_04, c04) ||
        ghdk_phi4_spectral(p, e, GHDK_PHI4_13, c13) || ghdk_phi4_spectral(p, e, GHDK_PHI4_22, c22))
      exit(1);
    fprintf(f, "%.15e %.15e %.15e %.15e %.15e %.15e %.15e\n", e, all[0], all[1], c04[0], c13[0],
            c22[0], c22[1]);
  }
  fclose(f);
}

/* The 2<->2 class makes T_i/eps^2 = -a_i ln(eps) + b_i at small eps (a 2D saddle of the
 * 2<->2 energy along the on-shell diagonal), so q_i(t) - q_i(inf) has a non-oscillating part
 * -pi a_i/(2 t) (the cosine transform of ln eps is -pi/(2t)). Print a_i from the spectral
 * density and the mean of dq - dq(inf) over 16 periods of the 2m oscillation, times t. */
static void drift(struct ghdk_phi4 *p)
{
  double s1[NCH], s2[NCH], pl[NCH];
  const double e1 = 1e-6, e2 = 1e-7;
  if (ghdk_phi4_spectral(p, e1, GHDK_PHI4_22, s1) || ghdk_phi4_spectral(p, e2, GHDK_PHI4_22, s2))
    exit(1);
  ghdk_phi4_plateau(p, pl);
  for (int i = 0; i < NCH; i++) {
    const double a = (s2[i] / (e2 * e2) - s1[i] / (e1 * e1)) / log(e1 / e2);
    printf("  h%d: 2<->2 log slope a = %.5e, predicted drift (q - q(inf)) t = %.5e; measured:",
           charges[i], a, -0.5 * GHDK_PI * a);
    for (double t0 = 533.48; t0 < 1e6; t0 *= 10.0) {
      double mean = 0.0, dq[NCH];
      for (int k = 0; k < 1024; k++) {
        if (ghdk_phi4_delta_q(p, t0 + k * 16.0 * GHDK_PI / 1024.0, dq))
          exit(1);
        mean += (dq[i] - pl[i]) / 1024.0;
      }
      printf(" %.5e (t = %.0f)", mean * t0, t0);
    }
    printf("\n");
  }
}

static void run(const char *dir, double beta, enum ghdk_phi4_coeffs coeffs, const double *t,
                size_t nt)
{
  const double L = 4.0; /* n(4) = e^{-5 cosh 4} ~ 1e-59 */
  const size_t n = 161;
  const char *state = beta > 0 ? "beta5" : "vacuum";
  struct ghdk_model *m = NULL;
  struct ghdk_grid *g = NULL;
  struct ghdk_tba *tba = NULL;
  if (ghdk_model_new(&(struct ghdk_model_inp){.name = "free_boson"}, &m) ||
      ghdk_grid_new(&(struct ghdk_grid_inp){.a = -L, .b = L, .n = n}, &g) ||
      ghdk_tba_new(&(struct ghdk_tba_inp){.model = m, .grid = g}, &tba))
    exit(1);
  double *w = calloc(n, sizeof *w), *nocc = calloc(n, sizeof *nocc);
  double *rho = calloc(n, sizeof *rho), *rs = calloc(n, sizeof *rs);
  if (!w || !nocc || !rho || !rs)
    exit(1);
  if (beta > 0) {
    ghdk_tba_thermal_source(tba, 0, 1.0 / beta, 0.0, 0.0, w);
    if (ghdk_tba_gge(tba, w, NULL, nocc, rho))
      exit(1);
  }
  if (ghdk_tba_rho_s(tba, rho, rs))
    exit(1);
  double q0[NCH], ent;
  ghdk_tba_charges(tba, rho, NULL, NCH, charges, q0, NULL);
  ghdk_tba_entropy(tba, rs, nocc, &ent);

  double t0 = now();
  struct ghdk_phi4 *p = NULL;
  if (ghdk_phi4_new(&(struct ghdk_phi4_inp){.model = m,
                                            .grid = g,
                                            .n0 = beta > 0 ? nocc : NULL,
                                            .ncharge = NCH,
                                            .charges = charges,
                                            .coeffs = coeffs,
                                            .tol = TOL},
                    &p))
    exit(1);
  const double tbuild = now() - t0;

  char path[1024];
  if (coeffs == GHDK_PHI4_GOLDEN_RULE) {
    snprintf(path, sizeof path, "%s/prethermal_spectral_%s.txt", dir, state);
    spectral_table(p, path);
    if (beta > 0) {
      printf("%s, non-oscillating approach to the plateau:\n", state);
      drift(p);
    }
  }

  snprintf(path, sizeof path, "%s/prethermal_%s_%s.nc", dir, state, ghdk_phi4_coeffs_name(coeffs));
  struct ghdk_param par[12];
  set_str(&par[0], "kind", "prethermal");
  set_num(&par[1], "model.mass", 1.0);
  set_num(&par[2], "state.beta", beta);
  set_str(&par[3], "state", beta > 0 ? "thermal" : "vacuum");
  set_str(&par[4], "prethermal.coefficients", ghdk_phi4_coeffs_name(coeffs));
  set_num(&par[5], "prethermal.lambda", 1.0);
  set_num(&par[6], "prethermal.nquad", 48);
  set_num(&par[7], "prethermal.ncheb", 32);
  set_num(&par[8], "prethermal.eps_max", 8388608.0);
  set_num(&par[9], "prethermal.tol", TOL);
  set_num(&par[10], "grid.L", L);
  set_num(&par[11], "grid.N", (double)n);
  char names[NCH][32];
  const char *cn[NCH];
  for (int i = 0; i < NCH; i++)
    cn[i] = m->charge_name(m, charges[i], names[i], sizeof names[i]);
  const double x = 0.0, dx = 1.0;
  struct ghdk_output *o = NULL;
  if (ghdk_output_new(&(struct ghdk_output_inp){.path = path,
                                                .nspecies = 1,
                                                .nx = 1,
                                                .ntheta = n,
                                                .ncharge = NCH,
                                                .x = &x,
                                                .dx = &dx,
                                                .theta = g->theta,
                                                .theta_weight = g->w,
                                                .charges = charges,
                                                .charge_names = cn,
                                                .time_scaling = "t",
                                                .model = "free_boson",
                                                .collision = "phi4_prethermal",
                                                .deck_text = "(bench/prethermal_curves.c)",
                                                .history = "bench/prethermal_curves",
                                                .nparam = 12,
                                                .param = par,
                                                .write_n = 1},
                      &o))
    exit(1);
  t0 = now();
  for (size_t k = 0; k < nt; k++) {
    double dq[NCH], q[NCH];
    if (ghdk_phi4_delta_q(p, t[k], dq))
      exit(1);
    for (int i = 0; i < NCH; i++)
      q[i] = q0[i] + dq[i];
    if (ghdk_output_write(o, &(struct ghdk_record){
                                 .time = t[k], .rho_p = rho, .n = nocc, .q = q, .entropy = &ent}))
      exit(1);
  }
  double pl[NCH];
  ghdk_phi4_plateau(p, pl);
  for (int i = 0; i < NCH; i++) {
    char key[32];
    snprintf(key, sizeof key, "plateau_dq_h%d", charges[i]);
    ghdk_output_set_stat(o, key, pl[i]);
  }
  ghdk_output_set_stat(o, "build_seconds", tbuild);
  ghdk_output_set_stat(o, "time_seconds", now() - t0);
  if (ghdk_output_close(o))
    exit(1);
  printf("%s: build %.2f s, %zu instants %.2f s; plateau dq0 %.10e dq2 %.10e dq4 %.10e\n", path,
         tbuild, nt, now() - t0, pl[0], pl[1], pl[2]);
  ghdk_phi4_free(p);
  free(w), free(nocc), free(rho), free(rs);
  ghdk_tba_free(tba);
  ghdk_grid_free(g);
  ghdk_model_free(m);
}

int main(int argc, char **argv)
{
  if (argc != 2) {
    fprintf(stderr, "usage: prethermal_curves OUTDIR\n");
    return 2;
  }
  static double t[3001 + 16 * 64];
  const size_t nt = output_times(t);
  run(argv[1], 0.0, GHDK_PHI4_GOLDEN_RULE, t, nt);
  run(argv[1], 5.0, GHDK_PHI4_GOLDEN_RULE, t, nt);
  run(argv[1], 5.0, GHDK_PHI4_PRINTED, t, nt);
  return 0;
}
