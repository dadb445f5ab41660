/*
** The vectorised exp, log, sin and cos: the AVX-512 and AVX2 kernels (blocks of
** eight and four) and the portable loop (the tail of a block, or an older
** CPU) give the same bits, and inputs outside the fast path get libm's
** answers.  Each level the CPU has is tried.
*/
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "vmath.h"

#define N 4099

static uint64_t bits(double v) {
  uint64_t b;
  memcpy(&b, &v, sizeof b);
  return b;
}

/* Doubles of every kind: wide random magnitudes and signs, and specials. */
static void inputs(double *x, int n, double scale) {
  uint64_t s = 88172645463325252ULL;
  for (int i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    double u = (double)(s >> 11) * 0x1.0p-53;
    x[i] = scale * (2 * u - 1) * (i % 3 == 0 ? 1e-3 : 1);
  }
  const double special[] = {0.0, -0.0, INFINITY, -INFINITY, NAN, 5e-324, 0x1p-1022, -1.0, 1.0,
                            709.8, 710.0, -745.2, -708.5, 1e308};
  for (size_t i = 0; i < sizeof special / sizeof special[0]; i++) x[i * 97] = special[i];
}

static int exp_outside(double x) { return !(fabs(x) < 708); }
static int log_outside(double x) { return !(x >= 0x1p-1022 && x < INFINITY); }

static void same_bits(void (*f)(double *, const double *, int64_t), double (*libm)(double),
                      int (*outside)(double), double scale, int positive) {
  static double x[N], y[N];
  inputs(x, N, scale);
  if (positive)
    for (int i = 0; i < N; i++) x[i] = fabs(x[i]) > 0 && i % 7 ? exp(x[i]) : x[i];
  static double ref[N];
  gb_vmath_level(0);
  f(ref, x, N);                                /* the portable loop */
  gb_vmath_level(2);
  f(y, x, N);
  int differ = 0, special_wrong = 0;
  for (int i = 0; i < N; i++) {
    differ += bits(ref[i]) != bits(y[i]);
    double want = libm(x[i]);
    if (outside(x[i]))
      special_wrong += !(bits(want) == bits(y[i]) || (isnan(want) && isnan(y[i])));
  }
  for (int level = 1; level <= 2; level++) {
    static double z[N];
    gb_vmath_level(level);
    f(z, x, N);
    for (int i = 0; i < N; i++) differ += bits(ref[i]) != bits(z[i]);
  }
  gb_vmath_level(2);
  CHECK(differ == 0);
  CHECK(special_wrong == 0);
  /* in place */
  f(x, x, N);
  CHECK(memcmp(x, y, sizeof x) == 0);
}

static void vexp(double *y, const double *x, int64_t n) { gb_vexp(y, x, n); }
static void vlog(double *y, const double *x, int64_t n) { gb_vlog(y, x, n); }
static void vsin(double *y, const double *x, int64_t n) { gb_vsin(y, x, n); }
static void vcos(double *y, const double *x, int64_t n) { gb_vcos(y, x, n); }
static int trig_outside(double x) { return !(fabs(x) < 1e6); }

TEST(exp_vector_and_portable_paths_agree) { same_bits(vexp, exp, exp_outside, 750, 0); }
TEST(log_vector_and_portable_paths_agree) { same_bits(vlog, log, log_outside, 700, 1); }
TEST(sin_vector_and_portable_paths_agree) { same_bits(vsin, sin, trig_outside, 2e6, 0); }
TEST(cos_vector_and_portable_paths_agree) { same_bits(vcos, cos, trig_outside, 2e6, 0); }

int main(void) {
  RUN(exp_vector_and_portable_paths_agree);
  RUN(log_vector_and_portable_paths_agree);
  RUN(sin_vector_and_portable_paths_agree);
  RUN(cos_vector_and_portable_paths_agree);
  return check_exit();
}
