/*
** The entropy kernels of native/core called directly: KSG, Kozachenko-
** Leonenko, histogram, KDE and spacing against the numbers the Lua tests'
** fixtures hold (tests/fixtures/entropy.lua, read here with a plain Lua
** state), and histogram, KDE, Vendi, joint entropy, Gaussian forms and the
** significance kernel's callback against closed forms or brute force.
*/
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "check.h"
#include "ctx.h"
#include "entropy.h"
#include "kdtree.h"

static lua_State *F;   /* the fixture table at index 1 */

static double fixnum(const char *key, const char *sub) {
  lua_getfield(F, 1, key);
  if (sub) lua_getfield(F, -1, sub);
  double v = lua_tonumber(F, -1);
  lua_settop(F, 1);
  return v;
}

/* A list (or a list of rows) of the fixture as a malloc'd n x d block. */
static double *fixarray(const char *key, int64_t *n, int *d) {
  lua_getfield(F, 1, key);
  *n = (int64_t)lua_rawlen(F, -1);
  lua_rawgeti(F, -1, 1);
  *d = lua_istable(F, -1) ? (int)lua_rawlen(F, -1) : 1;
  lua_pop(F, 1);
  double *x = malloc(sizeof(double) * (size_t)(*n * *d));
  for (int64_t i = 0; i < *n; i++) {
    lua_rawgeti(F, -1, i + 1);
    if (*d == 1 && !lua_istable(F, -1)) {
      x[i] = lua_tonumber(F, -1);
    } else {
      for (int j = 0; j < *d; j++) {
        lua_rawgeti(F, -1, j + 1);
        x[i * *d + j] = lua_tonumber(F, -1);
        lua_pop(F, 1);
      }
    }
    lua_pop(F, 1);
  }
  lua_settop(F, 1);
  return x;
}

/* A small deterministic generator (xorshift64*): uniform in [0, 1), and
   standard normal by Box-Muller. */
static double uniform(uint64_t *s) {
  *s ^= *s >> 12;
  *s ^= *s << 25;
  *s ^= *s >> 27;
  return (double)((*s * 2685821657736338717ULL) >> 11) * 0x1.0p-53;
}
static double normal(uint64_t *s) {
  double u = uniform(s), v = uniform(s);
  return sqrt(-2 * log(1 - u)) * cos(2 * M_PI * v);
}

TEST(ksg_with_lua_defaults_equals_the_fixture) {
  int64_t n, m;
  int dx, dy;
  double *x = fixarray("x", &n, &dx), *y = fixarray("y", &m, &dy);
  gb_knn_opts o = gb_knn_defaults(1);        /* entropy.ksg(x, y): k 3, standardised, noise seed 0 */
  double mi = NAN;
  gb_ctx *ctx = gb_ctx_new();
  CHECK(n == m && gb_mi_ksg(ctx, x, dx, y, dy, NULL, 0, n, &o, &mi) == GB_OK);
  CHECK_NEAR(mi, fixnum("sklearn_mi", NULL), 1e-12);
  double again = NAN;                        /* the inputs are left as they were */
  CHECK(gb_mi_ksg(NULL, x, dx, y, dy, NULL, 0, n, &o, &again) == GB_OK && again == mi);
  o.seed = 1;                                /* another seed moves it at most slightly */
  CHECK(gb_mi_ksg(ctx, x, dx, y, dy, NULL, 0, n, &o, &again) == GB_OK);
  CHECK(fabs(again - mi) < 1e-6);
  CHECK(gb_ctx_used(ctx) == 0);
  gb_ctx_free(ctx);
  free(x);
  free(y);
}

TEST(ksg_cmi_raw_equals_the_brute_force_fixture) {
  int64_t n;
  int d;
  double *g = fixarray("G3", &n, &d);
  double *c[3];
  for (int j = 0; j < 3; j++) {
    c[j] = malloc(sizeof(double) * (size_t)n);
    for (int64_t i = 0; i < n; i++) c[j][i] = g[i * d + j];
  }
  gb_knn_opts o = gb_knn_defaults(0);
  o.noise = 0;
  for (int alg = 1; alg <= 2; alg++) {
    char key[16];
    snprintf(key, sizeof key, "g3_%d_3", alg);
    o.algorithm = alg;
    double mi = NAN;
    CHECK(gb_mi_ksg(NULL, c[0], 1, c[1], 1, c[2], 1, n, &o, &mi) == GB_OK);
    CHECK_NEAR(mi, fixnum("ksg_cmi", key), 1e-12);
  }
  for (int j = 0; j < 3; j++) free(c[j]);
  free(g);
}

TEST(noise_breaks_ties_reproducibly) {
  enum { N = 500 };
  double x[N], h0 = NAN, h1 = NAN, again = NAN;
  uint64_t s = 3;
  for (int i = 0; i < N; i++) x[i] = floor(uniform(&s) * 10);   /* 10 values: ties */
  gb_knn_opts o = gb_knn_defaults(0);
  o.noise = 0;
  CHECK(gb_entropy_knn(NULL, x, N, 1, &o, &h0) == GB_EINVAL);
  o.noise = 1;
  CHECK(gb_entropy_knn(NULL, x, N, 1, &o, &h0) == GB_OK && isfinite(h0));
  CHECK(gb_entropy_knn(NULL, x, N, 1, &o, &again) == GB_OK && again == h0);
  o.seed = 1;
  CHECK(gb_entropy_knn(NULL, x, N, 1, &o, &h1) == GB_OK && h1 != h0);
  /* the preprocessing is gb_knn_prepare on a copy, with salt 0 */
  double c[N];
  memcpy(c, x, sizeof c);
  gb_knn_prepare(c, N, 1, &o, 0);
  CHECK(gb_knn_entropy(NULL, c, N, 1, o.k, o.norm, &again) == GB_OK && again == h1);
}

TEST(knn_equals_ckdtree) {
  int64_t n;
  int d;
  double *x = fixarray("X3", &n, &d);
  gb_knn_opts o = gb_knn_defaults(0);
  o.k = 4;
  o.noise = 0;
  double h = NAN;
  CHECK(gb_entropy_knn(NULL, x, n, d, &o, &h) == GB_OK);
  CHECK_NEAR(h, fixnum("ckdtree_kl_max", NULL), 1e-13);
  o.norm = GB_NORM_EUCLIDEAN;
  CHECK(gb_entropy_knn(NULL, x, n, d, &o, &h) == GB_OK);
  CHECK_NEAR(h, fixnum("ckdtree_kl_euclidean", NULL), 1e-13);
  /* q = 1 is Kozachenko-Leonenko itself */
  double h1 = NAN;
  CHECK(gb_entropy_knn_q(NULL, x, n, d, &o, 1, 0, &h1) == GB_OK && h1 == h);
  free(x);
}

TEST(histogram_closed_form_and_fixture) {
  /* 0, 1, ..., 99 in 10 bins of width 9.9: 10 values each, so H = log 99 */
  double x[100];
  for (int i = 0; i < 100; i++) x[i] = i;
  double h = NAN;
  CHECK(gb_entropy_histogram(NULL, x, 100, GB_BINS_COUNT, 10, &h) == GB_OK);
  CHECK_NEAR(h, log(99.0), 1e-12);
  /* one value in each of two bins, 3 apart: H = log 3 */
  CHECK(gb_entropy_histogram(NULL, (double[]){0, 3}, 2, GB_BINS_COUNT, 2, &h) == GB_OK);
  CHECK_NEAR(h, log(3.0), 1e-15);
  int64_t n;
  int d;
  double *f = fixarray("x", &n, &d);
  static const struct { int rule; const char *name; } rules[] = {
    {GB_BINS_FD, "fd"}, {GB_BINS_SCOTT, "scott"}, {GB_BINS_STURGES, "sturges"}};
  for (int r = 0; r < 3; r++) {
    CHECK(gb_entropy_histogram(NULL, f, n, rules[r].rule, 0, &h) == GB_OK);
    CHECK_NEAR(h, fixnum("histogram", rules[r].name), 1e-12);
  }
  free(f);
}

TEST(histogram_refuses_an_overflowing_range_and_constants) {
  double h = 0;
  gb_ctx *ctx = gb_ctx_new();
  CHECK(gb_entropy_histogram(ctx, (double[]){-1e308, 1e308}, 2, GB_BINS_FD, 0, &h) == GB_EOVERFLOW);
  CHECK(gb_entropy_histogram(ctx, (double[]){-1e308, 1e308}, 2, GB_BINS_COUNT, 5, &h) == GB_EOVERFLOW);
  CHECK(gb_entropy_histogram(ctx, (double[]){2, 2, 2}, 3, GB_BINS_FD, 0, &h) == GB_EINVAL);
  CHECK(gb_entropy_histogram(ctx, (double[]){1, 2}, 2, GB_BINS_COUNT, 0, &h) == GB_EINVAL);
  /* a range just inside the doubles works */
  CHECK(gb_entropy_histogram(ctx, (double[]){-8e307, 8e307}, 2, GB_BINS_COUNT, 2, &h) == GB_OK);
  CHECK(isfinite(h));
  CHECK(gb_ctx_used(ctx) == 0);
  gb_ctx_free(ctx);
}

TEST(kde_against_brute_force_and_fixture) {
  uint64_t s = 11;
  enum { N = 300 };
  double x[N], mean = 0, var = 0;
  for (int i = 0; i < N; i++) mean += (x[i] = normal(&s)) / N;
  for (int i = 0; i < N; i++) var += (x[i] - mean) * (x[i] - mean) / (N - 1);
  /* Gaussian, bandwidth factor 0.4: f(x_i) = mean_j N(x_i - x_j; 0, 0.16 var) */
  double bw2 = 0.16 * var, want = 0;
  for (int i = 0; i < N; i++) {
    double f = 0;
    for (int j = 0; j < N; j++) f += exp(-0.5 * (x[i] - x[j]) * (x[i] - x[j]) / bw2);
    want -= log(f / (N * sqrt(2 * M_PI * bw2))) / N;
  }
  double h = NAN;
  CHECK(gb_entropy_kde(NULL, x, N, 1, GB_KDE_GAUSSIAN, 0.4, &h) == GB_OK);
  CHECK_NEAR(h, want, 1e-11);
  /* box of half-width 0.3: f(x_i) = #{|x_j - x_i| <= 0.3} / (n 0.6) */
  want = 0;
  for (int i = 0; i < N; i++) {
    int c = 0;
    for (int j = 0; j < N; j++) c += fabs(x[i] - x[j]) <= 0.3;
    want -= log(c / (N * 0.6)) / N;
  }
  CHECK(gb_entropy_kde(NULL, x, N, 1, GB_KDE_BOX, 0.3, &h) == GB_OK);
  CHECK_NEAR(h, want, 1e-12);
  int64_t n;
  int d;
  double *f = fixarray("x", &n, &d);
  CHECK(gb_entropy_kde(NULL, f, n, 1, GB_KDE_GAUSSIAN, NAN, &h) == GB_OK);
  CHECK_NEAR(h, fixnum("kde_x", NULL), 1e-12);
  CHECK(gb_entropy_kde(NULL, (double[]){1, 1, 1}, 3, 1, GB_KDE_GAUSSIAN, NAN, &h) != GB_OK);
  free(f);
}

TEST(spacing_against_brute_force_and_fixture) {
  /* Vasicek on 1 .. n with window m, the order statistics clamped */
  enum { N = 50, M = 4 };
  double x[N], want = 0, h = NAN;
  for (int i = 0; i < N; i++) x[i] = N - i;          /* unsorted on purpose */
  for (int i = 1; i <= N; i++) {
    int hi = i + M > N ? N : i + M, lo = i - M < 1 ? 1 : i - M;
    want += log((double)N / (2 * M) * (hi - lo)) / N;
  }
  CHECK(gb_entropy_spacing(NULL, x, N, GB_SPACING_VASICEK, M, &h) == GB_OK);
  CHECK_NEAR(h, want, 1e-13);
  CHECK(x[0] == N);                                 /* the input stays as it was */
  int64_t n;
  int d;
  double *f = fixarray("x", &n, &d);
  static const struct { int method; const char *name; } methods[] = {
    {GB_SPACING_VASICEK, "vasicek"}, {GB_SPACING_VAN_ES, "van_es"},
    {GB_SPACING_EBRAHIMI, "ebrahimi"}, {GB_SPACING_CORREA, "correa"}};
  for (int k = 0; k < 4; k++) {
    CHECK(gb_entropy_spacing(NULL, f, n, methods[k].method, gb_spacing_window(n), &h) == GB_OK);
    CHECK_NEAR(h, fixnum("spacing", methods[k].name), 1e-13);
  }
  CHECK(gb_entropy_spacing(NULL, (double[]){1, 1, 1, 1, 1}, 5, GB_SPACING_VASICEK, 2, &h) == GB_EINVAL);
  free(f);
}

TEST(vendi_closed_forms) {
  enum { N = 6 };
  double K[N * N], v = NAN;
  /* the identity: n distinct items, for every order q */
  for (int i = 0; i < N * N; i++) K[i] = i % (N + 1) == 0;
  for (double q = 0; q <= 3; q += 0.5) {
    CHECK(gb_vendi(NULL, K, N, q, &v) == GB_OK);
    CHECK_NEAR(v, N, 1e-12);
  }
  /* two blocks of identical items: 2 */
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) K[i * N + j] = (i < 2) == (j < 2);
  CHECK(gb_vendi(NULL, K, N, 1, &v) == GB_OK);
  /* eigenvalues 2 and 4 of K: exp(H(1/3, 2/3)) */
  CHECK_NEAR(v, exp(-(log(1.0 / 3) / 3 + 2 * log(2.0 / 3) / 3)), 1e-12);
  /* from data: orthogonal rows under the cosine kernel are distinct */
  double x[3 * 3] = {2, 0, 0, 0, 3, 0, 0, 0, 0.5};
  CHECK(gb_vendi_data(NULL, x, 3, 3, GB_VENDI_COSINE, 1, 1, &v) == GB_OK);
  CHECK_NEAR(v, 3, 1e-12);
  x[4] = 0;
  CHECK(gb_vendi_data(NULL, x, 3, 3, GB_VENDI_COSINE, 1, 1, &v) == GB_EINVAL);
}

TEST(joint_entropy_and_gaussian_closed_forms) {
  int64_t s[12 * 2];
  for (int i = 0; i < 12; i++) { s[2 * i] = i % 4; s[2 * i + 1] = i % 3; }
  double h = NAN;
  CHECK(gb_entropy_joint(NULL, s, 12, 2, GB_H_PLUGIN, &h) == GB_OK);
  CHECK_NEAR(h, log(12.0), 1e-14);                 /* 12 distinct pairs */
  double cov[4] = {2, 0, 0, 3};
  CHECK(gb_gaussian_entropy(NULL, cov, 2, &h) == GB_OK);
  CHECK_NEAR(h, log(2 * M_PI * M_E) + 0.5 * log(6.0), 1e-14);
  double r = 0.6, c2[4] = {1, r, r, 1}, mi = NAN;
  CHECK(gb_gaussian_mi(NULL, c2, 2, (int64_t[]){0}, 1, (int64_t[]){1}, 1, NULL, 0, &mi) == GB_OK);
  CHECK_NEAR(mi, -0.5 * log(1 - r * r), 1e-14);
  double bad[4] = {1, 2, 2, 1};
  CHECK(gb_gaussian_entropy(NULL, bad, 2, &h) == GB_ENOTPD);
}

/* Significance: a C statistic, the p-value, and a failing call. */
typedef struct corr_stat {
  int calls, fail_at;
} corr_stat;

static int covariance(void *ud, const void *xv, const void *yv, int64_t m, double *out) {
  corr_stat *c = ud;
  const double *x = xv, *y = yv;
  if (++c->calls == c->fail_at) return GB_ECALLBACK;
  double s = 0;
  for (int64_t i = 0; i < m; i++) s += x[i] * y[i];
  *out = s / (double)m;
  return GB_OK;
}

TEST(significance_calls_the_statistic_and_frees_on_failure) {
  enum { N = 200 };
  double x[N], y[N];
  uint64_t s = 5;
  for (int i = 0; i < N; i++) { x[i] = normal(&s); y[i] = x[i] + 0.5 * normal(&s); }
  gb_ctx *ctx = gb_ctx_new();
  gb_significance_opts o = gb_significance_defaults();
  o.permutations = 50;
  o.subsamples = 40;
  corr_stat c = {0, 0};
  gb_significance_result r;
  CHECK(gb_significance(ctx, x, sizeof(double), y, sizeof(double), N, covariance, &c, &o, &r) == GB_OK);
  CHECK(c.calls == 1 + 50 + 40);
  CHECK_NEAR(r.p, 1.0 / 51, 1e-15);               /* no permutation reaches a clear dependence */
  CHECK(r.lo <= r.value && r.value <= r.hi && r.hi - r.lo < 0.6);
  CHECK(fabs(r.null_mean) < 0.2);
  double v0 = r.value;
  c.calls = 0;
  CHECK(gb_significance(ctx, x, sizeof(double), y, sizeof(double), N, covariance, &c, &o, &r) == GB_OK);
  CHECK(r.value == v0);                            /* seeded: the same again */
  c = (corr_stat){0, 5};
  CHECK(gb_significance(ctx, x, sizeof(double), y, sizeof(double), N, covariance, &c, &o, &r) == GB_ECALLBACK);
  CHECK(c.calls == 5);                             /* stopped at once */
  CHECK(gb_ctx_used(ctx) == 0);                    /* its scratch is back */
  gb_ctx_interrupt(ctx);
  c = (corr_stat){0, 0};
  CHECK(gb_significance(ctx, x, sizeof(double), y, sizeof(double), N, covariance, &c, &o, &r) == GB_EINTERRUPTED);
  CHECK(c.calls == 2);
  CHECK(gb_ctx_used(ctx) == 0);
  gb_ctx_free(ctx);
}

int main(void) {
  F = luaL_newstate();
  luaL_openlibs(F);
  if (luaL_dofile(F, "tests/fixtures/entropy.lua") != LUA_OK || !lua_istable(F, -1)) {
    printf("FAIL fixtures: %s\n", lua_tostring(F, -1));
    return 1;
  }
  RUN(ksg_with_lua_defaults_equals_the_fixture);
  RUN(ksg_cmi_raw_equals_the_brute_force_fixture);
  RUN(noise_breaks_ties_reproducibly);
  RUN(knn_equals_ckdtree);
  RUN(histogram_closed_form_and_fixture);
  RUN(histogram_refuses_an_overflowing_range_and_constants);
  RUN(kde_against_brute_force_and_fixture);
  RUN(spacing_against_brute_force_and_fixture);
  RUN(vendi_closed_forms);
  RUN(joint_entropy_and_gaussian_closed_forms);
  RUN(significance_calls_the_statistic_and_frees_on_failure);
  lua_close(F);
  return check_exit();
}
