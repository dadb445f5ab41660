/*
** The sample statistics of stats.h: moments against closed forms, the
** Kolmogorov-Smirnov statistics against a brute-force supremum, their
** tails on one point, and the chi-square test against a hand computation.
*/
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "stats.h"

TEST(moments_of_a_small_sample) {
  /* deviations from the mean 4: -3 -2 -1 0 6, so m2 = 50/5, m3 = 180/5,
     m4 = 1394/5 */
  const double x[5] = {1, 2, 3, 4, 10};
  gb_moments m;
  CHECK(gb_describe(NULL, x, 5, &m) == GB_OK);
  CHECK(m.n == 5);
  CHECK(m.min == 1 && m.max == 10);
  CHECK(m.mean == 4);
  CHECK_NEAR(m.variance, 12.5, 1e-15);
  CHECK_NEAR(m.skewness, 36 / pow(10, 1.5), 1e-15);
  CHECK_NEAR(m.kurtosis, 278.8 / 100 - 3, 1e-15);
  /* symmetric data: no skew; two points: kurtosis -2 */
  const double s[4] = {-3, -1, 1, 3};
  CHECK(gb_describe(NULL, s, 4, &m) == GB_OK);
  CHECK(m.mean == 0 && m.skewness == 0);
  CHECK_NEAR(m.variance, 20.0 / 3, 1e-15);
  const double two[2] = {5, 7};
  CHECK(gb_describe(NULL, two, 2, &m) == GB_OK);
  CHECK_NEAR(m.kurtosis, -2, 1e-15);
}

TEST(moments_edge_cases) {
  gb_moments m;
  const double one[1] = {3}, withnan[3] = {1, NAN, 2};
  CHECK(gb_describe(NULL, one, 1, &m) == GB_OK);
  CHECK(m.mean == 3 && isnan(m.variance));
  CHECK(gb_describe(NULL, withnan, 3, &m) == GB_OK);
  CHECK(isnan(m.min) && isnan(m.max) && isnan(m.mean));
  CHECK(gb_describe(NULL, one, 0, &m) == GB_EINVAL);
}

static int uniform_cdf(void *ud, double x, double *F) {
  (void)ud;
  *F = x < 0 ? 0 : x > 1 ? 1 : x;
  return GB_OK;
}

/* sup |F_n - F| over the real line, from both sides of every point */
static void brute_ks(const double *x, int64_t n, double *d, double *dp, double *dm) {
  *d = *dp = *dm = 0;
  for (int64_t i = 0; i < n; i++) {
    int64_t le = 0, lt = 0;
    for (int64_t j = 0; j < n; j++) { le += x[j] <= x[i]; lt += x[j] < x[i]; }
    double F = x[i] < 0 ? 0 : x[i] > 1 ? 1 : x[i];
    double above = (double)le / (double)n - F, below = F - (double)lt / (double)n;
    *dp = fmax(*dp, above);
    *dm = fmax(*dm, below);
    *d = fmax(*d, fmax(fabs(above), fabs(below)));
  }
}

TEST(ks_statistic_against_brute_force) {
  uint64_t s = 88172645463325252ULL;
  for (int trial = 0; trial < 20; trial++) {
    int64_t n = 1 + trial * 7;
    double *x = malloc(sizeof(double) * (size_t)n), *y = malloc(sizeof(double) * (size_t)n);
    for (int64_t i = 0; i < n; i++) {
      s ^= s << 13; s ^= s >> 7; s ^= s << 17;
      /* skewed towards 0, so that the statistic is far from zero */
      double u = (double)(s >> 11) * 0x1.0p-53;
      x[i] = y[i] = u * u;
    }
    gb_ks ks;
    double d, dp, dm;
    brute_ks(y, n, &d, &dp, &dm);
    CHECK(gb_ks_statistic(NULL, x, n, uniform_cdf, NULL, &ks) == GB_OK);
    CHECK_NEAR(ks.d, d, 1e-15);
    CHECK_NEAR(ks.dplus, dp, 1e-15);
    CHECK_NEAR(ks.dminus, dm, 1e-15);
    for (int64_t i = 1; i < n; i++) CHECK(x[i - 1] <= x[i]);   /* sorted in place */
    free(x);
    free(y);
  }
}

static int bad_cdf(void *ud, double x, double *F) {
  (void)ud;
  *F = x > 2 ? 1.5 : 0.5;
  return GB_OK;
}

static int failing_cdf(void *ud, double x, double *F) {
  (void)x;
  *F = 0;
  return ++*(int *)ud == 3 ? GB_ECALLBACK : GB_OK;
}

TEST(ks_statistic_failures) {
  double x[4] = {3, 1, 2, 4};
  gb_ks ks;
  CHECK(gb_ks_statistic(NULL, x, 4, bad_cdf, NULL, &ks) == GB_EINVAL);
  CHECK(ks.x == 3 && ks.F == 1.5);            /* the first point past 2, sorted */
  int calls = 0;
  CHECK(gb_ks_statistic(NULL, x, 4, failing_cdf, &calls, &ks) == GB_ECALLBACK);
  CHECK(calls == 3);                          /* no call after the failure */
  double withnan[2] = {0.5, NAN};
  CHECK(gb_ks_statistic(NULL, withnan, 2, uniform_cdf, NULL, &ks) == GB_EINVAL);
  CHECK(gb_ks_statistic(NULL, x, 0, uniform_cdf, NULL, &ks) == GB_EINVAL);
}

TEST(ks_statistic_of_a_family) {
  const gb_family *normal = NULL;
  for (const gb_family *f = gb_families; f->name; f++)
    if (strcmp(f->name, "normal") == 0) normal = f;
  CHECK(normal != NULL);
  if (!normal) return;
  /* the points at the quartiles of N(0, 1): F = 1/4, 1/2, 3/4, so D+ = 1/4
     (at the last point) and D- = 1/4 (at the first) */
  double par[2] = {0, 1}, x[3] = {0.6744897501960817, -0.6744897501960817, 0};
  gb_family_cdf fc = {normal, par};
  gb_ks ks;
  CHECK(gb_ks_statistic(NULL, x, 3, gb_family_cdf_fn, &fc, &ks) == GB_OK);
  CHECK_NEAR(ks.dplus, 0.25, 1e-15);
  CHECK_NEAR(ks.dminus, 0.25, 1e-15);
  CHECK_NEAR(ks.d, 0.25, 1e-15);
}

TEST(ks_tails_in_closed_form) {
  /* one point: D+ = 1 - U is uniform, and above 1/2 the two-sided tail is
     twice the one-sided one */
  CHECK_NEAR(gb_smirnov_sf(NULL, 1, 0.3), 0.7, 1e-15);
  CHECK_NEAR(gb_kolmogorov_sf(NULL, 1, 0.7), 0.6, 1e-15);
  CHECK(gb_kolmogorov_sf(NULL, 10, 0) == 1 && gb_kolmogorov_sf(NULL, 10, 1) == 0);
  /* n = 2, d <= 1/2, by Birnbaum and Tingey's sum:
     P(D+ >= d) = d [(1 - d)^2 / d + 2 (1/2 - d)] = (1 - d)^2 + d (1 - 2 d) */
  CHECK_NEAR(gb_smirnov_sf(NULL, 2, 0.25), 0.5625 + 0.125, 1e-15);
}

TEST(chisquare_by_hand) {
  /* 88 throws of a die, expected 88/6 each: deviations 4/3 10/3 4/3 -2/3
     -8/3 -8/3, squares summing to 264/9, over 88/6: statistic 2; 5 degrees
     of freedom: Q(5/2, 1) = erfc(1) + e^-1 (2/sqrt(pi)) (1 + 2/3) */
  const double o[6] = {16, 18, 16, 14, 12, 12};
  double stat, p;
  CHECK(gb_chisquare(o, NULL, 6, 0, &stat, &p) == GB_OK);
  CHECK_NEAR(stat, 2, 1e-14);
  CHECK_NEAR(p, erfc(1) + exp(-1) * 2 / sqrt(M_PI) * (5.0 / 3), 1e-14);
  /* given expectations: (10 - 20)^2/20 + 0 + (30 - 20)^2/20 = 10 */
  const double o3[3] = {10, 20, 30}, e3[3] = {20, 20, 20};
  CHECK(gb_chisquare(o3, e3, 3, 0, &stat, &p) == GB_OK);
  CHECK(stat == 10);
  CHECK_NEAR(p, exp(-5), 1e-15);                       /* Q(1, 5) */
  CHECK(gb_chisquare(o3, e3, 3, 1, &stat, &p) == GB_OK);
  CHECK_NEAR(p, erfc(sqrt(5)), 1e-15);                 /* Q(1/2, 5) */
  CHECK(gb_chisquare(o3, e3, 3, 2, &stat, &p) == GB_EINVAL);
  CHECK(gb_chisquare(o3, e3, 3, INT64_MIN, &stat, &p) == GB_EINVAL);
  CHECK(gb_chisquare(o3, e3, 0, 0, &stat, &p) == GB_EINVAL);
}

int main(void) {
  RUN(moments_of_a_small_sample);
  RUN(moments_edge_cases);
  RUN(ks_statistic_against_brute_force);
  RUN(ks_statistic_failures);
  RUN(ks_statistic_of_a_family);
  RUN(ks_tails_in_closed_form);
  RUN(chisquare_by_hand);
  return check_exit();
}
