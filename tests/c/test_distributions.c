/*
** Drawing from the distributions of distributions.h: the same seed gives
** the same numbers, different seeds different ones, and the sample moments
** of large draws fall within a few standard errors of the true ones.
*/
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ctx.h"
#include "distributions.h"

enum { N = 200000 };

/* n draws of dist from a generator seeded with seed, into a new buffer. */
static void *draws(gb_ctx *ctx, uint64_t seed, int dist, const double *par, int64_t n) {
  gb_rng g;
  gb_rng_seed(&g, seed);
  void *out = malloc(8 * (size_t)n);
  if (gb_rand_fill(ctx, &g, dist, par, out, n) != GB_OK) { free(out); return NULL; }
  return out;
}

TEST(the_same_seed_gives_the_same_numbers) {
  gb_ctx *ctx = gb_ctx_new();
  const struct { int dist; double par[2]; } cases[] = {
    {GB_D_NORMAL, {1, 2}}, {GB_D_GAMMA, {0.5, 3}}, {GB_D_POISSON, {40, 0}},
    {GB_D_BINOMIAL, {100, 0.3}}, {GB_D_BETA, {2, 5}}, {GB_D_UNIFORM, {-1, 1}},
  };
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    void *a = draws(ctx, 42, cases[c].dist, cases[c].par, 1000);
    void *b = draws(NULL, 42, cases[c].dist, cases[c].par, 1000);   /* no context */
    void *d = draws(ctx, 43, cases[c].dist, cases[c].par, 1000);
    CHECK(a && b && d);
    if (a && b && d) {
      CHECK(memcmp(a, b, 8000) == 0);
      CHECK(memcmp(a, d, 8000) != 0);
    }
    free(a); free(b); free(d);
  }
  gb_ctx_free(ctx);
}

/* mean and (biased) variance of n doubles */
static void moments(const double *x, int64_t n, double *mean, double *var) {
  double s = 0, q = 0;
  for (int64_t i = 0; i < n; i++) s += x[i];
  *mean = s / (double)n;
  for (int64_t i = 0; i < n; i++) q += (x[i] - *mean) * (x[i] - *mean);
  *var = q / (double)n;
}

TEST(normal_draws_have_the_right_moments) {
  double par[2] = {3, 2}, mean, var;
  double *x = draws(NULL, 7, GB_D_NORMAL, par, N);
  CHECK(x != NULL);
  if (!x) return;
  moments(x, N, &mean, &var);
  /* five standard errors: sigma/sqrt(N) and sigma^2 sqrt(2/N) */
  CHECK(fabs(mean - 3) < 5 * 2 / sqrt(N));
  CHECK(fabs(var - 4) < 5 * 4 * sqrt(2.0 / N));
  free(x);
}

TEST(gamma_and_poisson_draws_have_the_right_means) {
  double gpar[2] = {2.5, 2}, ppar[2] = {7, 0}, mean, var;
  double *x = draws(NULL, 11, GB_D_GAMMA, gpar, N);      /* mean 5, variance 10 */
  CHECK(x != NULL);
  if (x) {
    moments(x, N, &mean, &var);
    CHECK(fabs(mean - 5) < 5 * sqrt(10.0 / N));
    free(x);
  }
  int64_t *k = draws(NULL, 12, GB_D_POISSON, ppar, N);    /* mean and variance 7 */
  CHECK(k != NULL);
  if (k) {
    double s = 0;
    for (int64_t i = 0; i < N; i++) { CHECK(k[i] >= 0); s += (double)k[i]; }
    CHECK(fabs(s / N - 7) < 5 * sqrt(7.0 / N));
    free(k);
  }
}

TEST(multivariate_normal_draws_have_the_covariance) {
  /* a singular covariance: the third coordinate is the sum of the others */
  const double cov[9] = {2, 0.5, 2.5, 0.5, 1, 1.5, 2.5, 1.5, 4};
  const double mean[3] = {1, -1, 0};
  double L[9];
  memcpy(L, cov, sizeof L);
  CHECK(gb_cholesky_psd(L, 3) == GB_OK);
  enum { M = 100000 };
  double *x = malloc(sizeof(double) * 3 * M);
  gb_rng g;
  gb_rng_seed(&g, 5);
  CHECK(gb_rand_mvnormal(NULL, &g, mean, L, 3, x, M) == GB_OK);
  double worst = 0, exact = 0;
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) {
      double s = 0;
      for (int64_t r = 0; r < M; r++) s += (x[r * 3 + i] - mean[i]) * (x[r * 3 + j] - mean[j]);
      worst = fmax(worst, fabs(s / M - cov[i * 3 + j]));
    }
  for (int64_t r = 0; r < M; r++)
    exact = fmax(exact, fabs((x[r * 3] - 1) + (x[r * 3 + 1] + 1) - x[r * 3 + 2]));
  CHECK(worst < 0.05);
  CHECK(exact < 1e-12);                       /* draws stay on the plane */
  free(x);
}

int main(void) {
  RUN(the_same_seed_gives_the_same_numbers);
  RUN(normal_draws_have_the_right_moments);
  RUN(gamma_and_poisson_draws_have_the_right_means);
  RUN(multivariate_normal_draws_have_the_covariance);
  return check_exit();
}
