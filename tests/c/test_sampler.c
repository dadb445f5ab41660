/*
** The sampler engine called from C, as a host without Lua would: a
** top-k / top-p / temperature chain against a brute-force inverse CDF fed
** by the same generator stream (and a chi-square bound against the exact
** renormalised probabilities), Mirostat's mu update and k against their
** formulas, a batch drawn with two threads against one, clone, accept,
** errors, interrupts and the memory account.
*/
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ctx.h"
#include "sampler.h"
#include "status.h"

#define V 8
static const double logits8[V] = {2.0, 1.5, 1.4, 0.3, -0.2, 0.0, -1.0, 3.0};

static gb_logits one_row(const double *x, int64_t v) {
  gb_logits lg = {x, 0, 1, v, 0, 1};
  return lg;
}

/*
** The chain top_k 5, top_p 0.9, temperature 0.7 by hand: the five largest
** logits, then the most probable of them until their mass reaches 0.9,
** then the kept logits over T; p[] the renormalised probabilities in token
** order (0 outside), w[] the weights exp(x/T - max) the draw sums.
*/
static int reference_chain(double *p, double *w) {
  int order[V], kept[V] = {0}, n = 0;
  for (int i = 0; i < V; i++) order[i] = i;
  for (int i = 0; i < V; i++)            /* descending logit, ascending id on ties */
    for (int j = i + 1; j < V; j++)
      if (logits8[order[j]] > logits8[order[i]] ||
          (logits8[order[j]] == logits8[order[i]] && order[j] < order[i])) {
        int t = order[i]; order[i] = order[j]; order[j] = t;
      }
  double z = 0, mass = 0;
  for (int i = 0; i < 5; i++) z += exp(logits8[order[i]] - logits8[order[0]]);
  for (int i = 0; i < 5 && mass < 0.9; i++) {
    mass += exp(logits8[order[i]] - logits8[order[0]]) / z;
    kept[order[i]] = 1;
    n++;
  }
  double m = logits8[order[0]] / 0.7, s = 0;
  for (int i = 0; i < V; i++) w[i] = kept[i] ? exp(logits8[i] / 0.7 - m) : 0.0;
  for (int i = 0; i < V; i++) s += w[i];
  for (int i = 0; i < V; i++) p[i] = w[i] / s;
  return n;
}

static gb_sampler *make_chain(gb_ctx *ctx, uint64_t seed) {
  gb_step steps[3] = {
    {.kind = GB_STEP_TOP_K, .k = 5, .min_keep = 1},
    {.kind = GB_STEP_TOP_P, .a = 0.9, .min_keep = 1},
    {.kind = GB_STEP_TEMPERATURE, .a = 0.7},
  };
  gb_sampler *s;
  return gb_sampler_new_chain(ctx, &s, steps, 3, seed) == GB_OK ? s : NULL;
}

TEST(chain_draws_follow_the_inverse_cdf) {
  gb_ctx *ctx = gb_ctx_new();
  gb_sampler *s = make_chain(ctx, 42);
  double p[V], w[V], wsum = 0;
  int nkept = reference_chain(p, w);
  for (int i = 0; i < V; i++) wsum += w[i];
  CHECK(s != NULL);
  CHECK(nkept >= 2 && nkept < 5);
  /* the row's generator: the first child spawned from the seeded one */
  gb_rng root, g;
  gb_rng_seed(&root, 42);
  gb_rng_spawn(&root, &g);
  gb_logits lg = one_row(logits8, V);
  enum { N = 40000 };
  int64_t counts[V] = {0}, mismatches = 0;
  for (int t = 0; t < N; t++) {
    int64_t tok = -1;
    CHECK(gb_sampler_draw(ctx, s, &lg, &tok, NULL) == GB_OK);
    double u = gb_rng_uniform(&g) * wsum, acc = 0;
    int ref = V - 1;
    for (int i = 0; i < V; i++) {
      acc += w[i];
      if (u < acc) { ref = i; break; }
    }
    mismatches += tok != ref;
    if (tok >= 0 && tok < V) counts[tok]++;
  }
  CHECK(mismatches == 0);
  /* Pearson's statistic against the exact probabilities: df <= 3, and
     P(chi2_3 > 30) is about 1e-6 */
  double stat = 0;
  for (int i = 0; i < V; i++) {
    if (p[i] == 0) { CHECK(counts[i] == 0); continue; }
    double e = p[i] * N;
    stat += (counts[i] - e) * (counts[i] - e) / e;
  }
  CHECK(stat < 30);
  CHECK(s->last_kept[0] == nkept);
  CHECK(s->hist[0].n == N);
  gb_sampler_free(ctx, s);
  gb_ctx_free(ctx);
}

/* -log2 of the softmax probability of token t. */
static double surprise_bits(const double *x, int64_t n, int64_t t) {
  double m = -INFINITY, z = 0;
  for (int64_t i = 0; i < n; i++) m = fmax(m, x[i]);
  for (int64_t i = 0; i < n; i++) z += exp(x[i] - m);
  return -((x[t] - m) - log(z)) / M_LN2;
}

TEST(mirostat_mu_follows_its_update) {
  enum { N = 500 };
  double x[N];
  for (int i = 0; i < N; i++) x[i] = -1.1 * log(i + 1.0);
  gb_sampler *s;
  double tau = 3, eta = 0.1;
  CHECK(gb_sampler_new_mirostat(NULL, &s, 1, tau, eta, 100, 1.0, 1, 7) == GB_OK);
  gb_logits lg = one_row(x, N);
  double mu = 2 * tau;                             /* Basu et al.: mu starts at 2 tau */
  for (int t = 0; t < 200; t++) {
    int64_t tok;
    CHECK(gb_sampler_draw(NULL, s, &lg, &tok, NULL) == GB_OK);
    /* s recovers the Zipf exponent; k = (eps 2^mu / (1 - N^-eps))^(1/s), eps = s - 1 */
    double est = s->last_s[0], eps = est - 1;
    double k = floor(pow(eps * pow(2, mu) / (1 - pow(N, -eps)), 1 / est));
    k = fmin(fmax(k, 1), N);
    CHECK_NEAR(est, 1.1, 1e-9);
    CHECK(fabs((double)s->last_k[0] - k) <= 1);
    CHECK(tok < s->last_k[0]);                     /* Zipf: the top k are the first ids */
    double S = surprise_bits(x, N, tok);
    CHECK_NEAR(s->last_surprise[0], S, 1e-12);
    mu -= eta * (S - tau);
    CHECK_NEAR(s->mu[0], mu, 1e-12);
  }
  CHECK(s->nsurp == 200);
  CHECK_NEAR(s->surprises[199], s->last_surprise[0], 0);
  gb_sampler_free(NULL, s);
}

TEST(mirostat_v2_keeps_the_tokens_below_mu) {
  enum { N = 64 };
  double x[N];
  for (int i = 0; i < N; i++) x[i] = -0.9 * log(i + 1.0) + 0.01 * (i % 3);
  gb_sampler *s;
  CHECK(gb_sampler_new_mirostat(NULL, &s, 2, 2.5, 0.2, 100, 1.0, 1, 3) == GB_OK);
  gb_logits lg = one_row(x, N);
  double mu = 5;
  for (int t = 0; t < 100; t++) {
    int64_t tok, kept = 0;
    for (int i = 0; i < N; i++) kept += surprise_bits(x, N, i) <= mu;
    if (kept < 1) kept = 1;
    CHECK(gb_sampler_draw(NULL, s, &lg, &tok, NULL) == GB_OK);
    CHECK(s->last_kept[0] == kept);
    CHECK(kept == 1 || surprise_bits(x, N, tok) <= mu);
    mu -= 0.2 * (surprise_bits(x, N, tok) - 2.5);
    CHECK_NEAR(s->mu[0], mu, 1e-12);
  }
  gb_sampler_free(NULL, s);
}

/* rows x vocab logits from a fixed xorshift stream. */
static double *random_logits(int64_t rows, int64_t vocab, uint64_t seed) {
  double *x = malloc(sizeof(double) * (size_t)(rows * vocab));
  for (int64_t i = 0; i < rows * vocab; i++) {
    seed ^= seed >> 12; seed ^= seed << 25; seed ^= seed >> 27;
    x[i] = 6.0 * (double)((seed * 2685821657736338717ULL) >> 11) * 0x1.0p-53;
  }
  return x;
}

/* Draw `draws` times over a batch with the given thread count; tokens out. */
static void draw_batch(int threads, int kind, const gb_logits *lg, int draws, int64_t *tokens,
                       double *mu) {
  gb_ctx *ctx = gb_ctx_new();
  gb_ctx_set_threads(ctx, threads);
  gb_sampler *s;
  gb_step steps[4] = {
    {.kind = GB_STEP_PENALTIES, .a = 1.3, .b = 0.1, .c = 0.2, .last_n = 8},
    {.kind = GB_STEP_TOP_K, .k = 100, .min_keep = 1},
    {.kind = GB_STEP_XTC, .a = 0.05, .b = 0.5, .min_keep = 1},
    {.kind = GB_STEP_TEMPERATURE, .a = 0.8},
  };
  int st = kind == 0 ? gb_sampler_new_chain(ctx, &s, steps, 4, 11)
                     : gb_sampler_new_mirostat(ctx, &s, kind, 4, 0.1, 100, 0.9, 1, 11);
  CHECK(st == GB_OK);
  for (int t = 0; t < draws; t++)
    CHECK(gb_sampler_draw(ctx, s, lg, tokens + t * lg->rows, NULL) == GB_OK);
  if (mu) memcpy(mu, s->mu, sizeof(double) * (size_t)lg->rows);
  gb_sampler_free(ctx, s);
  gb_ctx_free(ctx);
}

TEST(two_threads_draw_what_one_draws) {
  enum { R = 64, VOC = 2048, D = 6 };
  double *x = random_logits(R, VOC, 99);
  gb_logits lg = {x, 0, R, VOC, VOC, 1};
  gb_ctx *probe = gb_ctx_new();
  gb_ctx_set_threads(probe, 2);
  CHECK(gb_threads(probe, (double)R * VOC) == 2);  /* the parallel path does run */
  gb_ctx_free(probe);
  for (int kind = 0; kind <= 2; kind++) {
    int64_t a[R * D], b[R * D];
    double mua[R], mub[R];
    draw_batch(1, kind, &lg, D, a, kind ? mua : NULL);
    draw_batch(2, kind, &lg, D, b, kind ? mub : NULL);
    CHECK(memcmp(a, b, sizeof a) == 0);
    if (kind) CHECK(memcmp(mua, mub, sizeof mua) == 0);
    int differ = 0;                              /* rows have their own streams */
    for (int r = 1; r < R; r++) differ += a[r] != a[0];
    CHECK(differ > 0);
  }
  free(x);
}

TEST(clone_accept_reset) {
  gb_ctx *ctx = gb_ctx_new();
  gb_sampler *s = make_chain(ctx, 5), *c;
  gb_logits lg = one_row(logits8, V);
  for (int t = 0; t < 10; t++) CHECK(gb_sampler_draw(ctx, s, &lg, NULL, NULL) == GB_OK);
  CHECK(gb_sampler_clone(ctx, s, &c) == GB_OK);
  for (int t = 0; t < 50; t++) {
    int64_t a, b;
    CHECK(gb_sampler_draw(ctx, s, &lg, &a, NULL) == GB_OK);
    CHECK(gb_sampler_draw(ctx, c, &lg, &b, NULL) == GB_OK);
    CHECK(a == b);
  }
  CHECK(c->hist[0].n == 60);
  int64_t tok[2] = {3, 4};
  CHECK(gb_sampler_accept(ctx, s, tok, 2) == GB_EINVAL);     /* one row */
  CHECK(gb_sampler_accept(ctx, s, tok, 1) == GB_OK);
  CHECK(s->hist[0].n == 61 && s->hist[0].tok[60] == 3);
  gb_sampler_reset(ctx, s);
  CHECK(s->rows == 0);
  CHECK(gb_sampler_accept(ctx, s, tok, 2) == GB_OK);         /* fixes two rows */
  CHECK(s->rows == 2 && s->hist[1].tok[0] == 4);
  gb_badlogit bad;
  CHECK(gb_sampler_draw(ctx, s, &lg, NULL, &bad) == GB_EINVAL && bad.row == -1);
  gb_sampler_free(ctx, s);
  gb_sampler_free(ctx, c);
  gb_ctx_drop(ctx);
  CHECK(gb_ctx_used(ctx) == 0);                              /* nothing left behind */
  gb_ctx_free(ctx);
}

TEST(bad_rows_and_interrupts) {
  gb_ctx *ctx = gb_ctx_new();
  double x[4 * 3] = {0, 1, 2, 0, 1, 2, 0, NAN, 2, -INFINITY, -INFINITY, -INFINITY};
  gb_logits lg = {x, 0, 4, 3, 3, 1};
  gb_sampler *s = make_chain(ctx, 1);
  gb_badlogit bad;
  CHECK(gb_sampler_draw(ctx, s, &lg, NULL, &bad) == GB_EINVAL);
  CHECK(bad.row == 2 && bad.index == 1);                     /* the first bad row */
  lg.rows = 2;
  int64_t out[2];
  CHECK(gb_logits_argmax(ctx, &lg, out, NULL) == GB_OK && out[0] == 2 && out[1] == 2);
  gb_ctx_interrupt(ctx);
  CHECK(gb_logits_argmax(ctx, &lg, out, NULL) == GB_EINTERRUPTED);
  gb_ctx_clear(ctx);
  x[3 * 3 + 1] = 0;
  lg.rows = 4;
  lg.data = x;
  double h[4];
  x[7] = 1;
  CHECK(gb_logits_entropy(ctx, &lg, M_E, h, &bad) == GB_OK);
  CHECK_NEAR(h[3], 0, 0);                                    /* one finite logit */
  gb_sampler_free(ctx, s);
  gb_ctx_free(ctx);
}

int main(void) {
  RUN(chain_draws_follow_the_inverse_cdf);
  RUN(mirostat_mu_follows_its_update);
  RUN(mirostat_v2_keeps_the_tokens_below_mu);
  RUN(two_threads_draw_what_one_draws);
  RUN(clone_accept_reset);
  RUN(bad_rows_and_interrupts);
  return check_exit();
}
