/* SPDX-License-Identifier: BSD-3-Clause */
/* Thermodynamics of GGE/thermal states against exact results: free fermions (c -> infinity
 * Yang-Yang), the free relativistic boson (Bose-Bessel series), thermodynamic identities
 * n = dP/dmu and s = dP/dT at finite c, and pressure = momentum current. */
#include "cell.h"
#include "check.h"
#include "ghdk/grid.h"
#include "ghdk/model.h"
#include "ghdk/status.h"
#include "ghdk/tba.h"

#include <gsl/gsl_sf_bessel.h>
#include <gsl/gsl_sf_fermi_dirac.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define NMAX 1024

/* Density, energy, entropy and pressure of a thermal state of species 0. */
struct thermo {
  double n, e, s, P, j1;
};

static struct thermo thermal(struct cell *c, double T, double mu)
{
  static double w[NMAX], nocc[NMAX], rp[NMAX], rs[NMAX], v[NMAX];
  struct thermo th;
  ghdk_tba_thermal_source(c->t, 0, T, mu, 0.0, w);
  if (ghdk_tba_gge(c->t, w, NULL, nocc, rp) || ghdk_tba_rho_s(c->t, rp, rs) ||
      ghdk_tba_veff(c->t, nocc, v, NULL))
    exit(1);
  const int charges[2] = {0, 1};
  double q[2], j[2], p, e, phi;
  ghdk_tba_charges(c->t, rp, v, 2, charges, q, j);
  ghdk_tba_momentum_energy(c->t, rp, &p, &e);
  ghdk_tba_entropy(c->t, rs, nocc, &th.s);
  ghdk_tba_free_energy(c->t, nocc, &phi);
  th.n = q[0];
  th.e = e;
  th.P = T * phi;
  th.j1 = j[1];
  return th;
}

/* c -> infinity: free fermions with E = theta^2. With x = mu/T, t = theta^2/T:
 * n = sqrt(T/(4 pi)) F_{-1/2}(x), e = T^{3/2}/(4 sqrt(pi)) F_{1/2}(x), beta P = 2 beta e,
 * s = 3 beta e - x n (complete Fermi-Dirac integrals, GSL). The uniform grid on [-9, 9] with
 * N = 256 integrates these analytic integrands to round-off; at c = 1e10 the interaction
 * shifts densities by ~n/c ~ 1e-10: hence 1e-8. */
static void free_fermions(void)
{
  const double T = 1.3, mu = 0.7, x = mu / T;
  const double n = sqrt(T / (4 * GHDK_PI)) * gsl_sf_fermi_dirac_mhalf(x);
  const double e = pow(T, 1.5) / (4 * sqrt(GHDK_PI)) * gsl_sf_fermi_dirac_half(x);
  const double s = 3 * e / T - x * n, P = 2 * e;
  const double cs[2] = {INFINITY, 1e10};
  for (int i = 0; i < 2; i++) {
    struct cell c = cell_new((struct ghdk_model_inp){.name = "lieb_liniger", .c = {cs[i]}}, 9, 256);
    struct thermo th = thermal(&c, T, mu);
    char what[96];
    snprintf(what, sizeof what, "c=%g: density vs Fermi-Dirac", cs[i]);
    CHECK_CLOSE(what, th.n, n, 1e-8, 0);
    snprintf(what, sizeof what, "c=%g: energy vs Fermi-Dirac", cs[i]);
    CHECK_CLOSE(what, th.e, e, 1e-8, 0);
    snprintf(what, sizeof what, "c=%g: entropy vs Fermi-Dirac", cs[i]);
    CHECK_CLOSE(what, th.s, s, 1e-8, 0);
    snprintf(what, sizeof what, "c=%g: pressure vs Fermi-Dirac", cs[i]);
    CHECK_CLOSE(what, th.P, P, 1e-8, 0);
    cell_free(&c);
  }
}

/* Free boson, m = 1.3: expanding 1/(e^eps - 1) = sum_k e^{-k eps} and using
 * integral cosh(n theta) e^{-z cosh theta} = 2 K_n(z):
 * n = sum_k e^{k beta mu} m K_1(k beta m)/pi, e = sum_k e^{k beta mu} m^2 (K_0 + K_2)/(2 pi),
 * beta P = sum_k e^{k beta mu} m K_1(k beta m)/(k pi), s = beta e - beta mu n + beta P.
 * Terms fall as e^{-k beta (m - mu)}: 200 terms reach round-off. The grid [-12, 12], N = 512 is
 * converged to round-off (integrand ~ e^{-beta m cosh 12}); tolerance 1e-10 covers the sum of
 * 1e5-magnitude cosh terms. */
static void free_boson(void)
{
  const double m = 1.3, T = 1.0 / 0.7, mu = -0.3, beta = 1 / T;
  double n = 0, e = 0, bP = 0;
  for (int k = 1; k <= 200; k++) {
    const double z = k * beta * m, f = exp(k * beta * mu);
    n += f * m * gsl_sf_bessel_K1(z) / GHDK_PI;
    e += f * m * m * (gsl_sf_bessel_K0(z) + gsl_sf_bessel_Kn(2, z)) / (2 * GHDK_PI);
    bP += f * m * gsl_sf_bessel_K1(z) / (k * GHDK_PI);
  }
  const double s = beta * e - beta * mu * n + bP;
  struct cell c = cell_new((struct ghdk_model_inp){.name = "free_boson", .mass = m}, 12, 512);
  struct thermo th = thermal(&c, T, mu);
  CHECK_CLOSE("free boson: density vs Bose-Bessel series", th.n, n, 1e-10, 0);
  CHECK_CLOSE("free boson: energy vs Bose-Bessel series", th.e, e, 1e-10, 0);
  CHECK_CLOSE("free boson: entropy vs Bose-Bessel series", th.s, s, 1e-10, 0);
  CHECK_CLOSE("free boson: pressure vs Bose-Bessel series", th.P, bP * T, 1e-10, 0);
  CHECK_CLOSE("free boson: pressure = momentum current", th.j1 * m, th.P, 1e-10, 0);
  cell_free(&c);
}

/* Interacting gas, c = 0.7: n = dP/dmu and s = dP/dT by central differences with step
 * h = 1e-4: truncation h^2 P'''/6 ~ 1e-9, round-off 1e-16 P/h ~ 1e-12; tolerance 1e-6 as asked,
 * the measured error is printed. Also pressure = momentum current j_1 (integration by parts),
 * exact up to the quadrature error. */
static void identities(void)
{
  struct cell c = cell_new((struct ghdk_model_inp){.name = "lieb_liniger", .c = {0.7}}, 10, 512);
  const double T = 1.1, mu = 0.4, h = 1e-4;
  struct thermo th = thermal(&c, T, mu);
  const double dPdmu = (thermal(&c, T, mu + h).P - thermal(&c, T, mu - h).P) / (2 * h);
  const double dPdT = (thermal(&c, T + h, mu).P - thermal(&c, T - h, mu).P) / (2 * h);
  CHECK_CLOSE("c=0.7: n = dP/dmu", dPdmu, th.n, 1e-6, 0);
  CHECK_CLOSE("c=0.7: s = dP/dT", dPdT, th.s, 1e-6, 0);
  CHECK_CLOSE("c=0.7: pressure = momentum current", th.j1, th.P, 1e-10, 0);
  cell_free(&c);
}

int main(void)
{
  free_fermions();
  free_boson();
  identities();
  return ghdk_test_failures();
}
