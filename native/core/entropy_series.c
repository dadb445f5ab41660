/*
** Estimators of time series (entropy.h): transfer entropy, active
** information storage and entropy rate (discrete and KSG) on embeddings,
** sample and approximate entropy by template matching on a kd-tree, and
** permutation entropy with Rosso's statistical complexity.
*/
#include <math.h>
#include <string.h>

#include "entropy.h"
#include "kdtree.h"
#include "special.h"

int gb_embedding_init(gb_embedding *e, int64_t n, int k, int l, int u) {
  if (k < 1 || l < 0 || (l > 0 && u < 1)) return GB_EINVAL;
  e->k = k;
  e->l = l;
  e->u = l > 0 ? u : 1;
  e->t0 = k - 1;
  if (l > 0 && l + u - 2 > e->t0) e->t0 = l + u - 2;
  e->count = n - 1 - e->t0;
  return e->count < 2 ? GB_EINVAL : GB_OK;
}

/* Row r of the window gets s[end + r - h + 1 .. end + r], written at
   column col of the table out (width columns); sz the element size. */
static void window(char *out, int width, int col, const char *s, size_t sz, int64_t end,
                   int64_t count, int h) {
  for (int64_t r = 0; r < count; r++)
    memcpy(out + (size_t)(r * width + col) * sz, s + (size_t)(end + r - h + 1) * sz, sz * (size_t)h);
}

/* A piece of a joint table: h lagged values of s ending at end. */
typedef struct piece {
  const int64_t *s;
  int64_t end;
  int h;
} piece;

/* The entropy of the joint symbols of the m pieces side by side. */
static int joint(gb_ctx *ctx, const piece *p, int m, int64_t count, int method, double *h) {
  int width = 0;
  for (int j = 0; j < m; j++) width += p[j].h;
  int64_t *t = gb_alloc_n(ctx, (size_t)count, sizeof(int64_t) * (size_t)width);
  if (!t) return GB_ENOMEM;
  for (int j = 0, col = 0; j < m; col += p[j].h, j++)
    window((char *)t, width, col, (const char *)p[j].s, sizeof(int64_t), p[j].end, count, p[j].h);
  int st = gb_entropy_joint(ctx, t, count, width, method, h);
  gb_free(ctx, t);
  return st;
}

int gb_transfer_discrete(gb_ctx *ctx, const int64_t *source, const int64_t *target, int64_t n,
                         const gb_embedding *e, int method, double *te) {
  (void)n;
  piece next = {target, e->t0 + 1, 1}, past = {target, e->t0, e->k};
  piece src = {source, e->t0 - e->u + 1, e->l};
  double h1, h2, h3, h4;
  int st = joint(ctx, (piece[]){next, past}, 2, e->count, method, &h1);
  if (st == GB_OK) st = joint(ctx, (piece[]){past, src}, 2, e->count, method, &h2);
  if (st == GB_OK) st = joint(ctx, (piece[]){past}, 1, e->count, method, &h3);
  if (st == GB_OK) st = joint(ctx, (piece[]){next, past, src}, 3, e->count, method, &h4);
  if (st == GB_OK) *te = h1 + h2 - h3 - h4;
  return st;
}

/* H(next), H(past) and H(next, past) of one series. */
static int memory_entropies(gb_ctx *ctx, const int64_t *x, const gb_embedding *e, int method,
                            double *hn, double *hp, double *hj) {
  piece next = {x, e->t0 + 1, 1}, past = {x, e->t0, e->k};
  int st = joint(ctx, &next, 1, e->count, method, hn);
  if (st == GB_OK) st = joint(ctx, &past, 1, e->count, method, hp);
  if (st == GB_OK) st = joint(ctx, (piece[]){next, past}, 2, e->count, method, hj);
  return st;
}

int gb_active_information_discrete(gb_ctx *ctx, const int64_t *x, int64_t n,
                                   const gb_embedding *e, int method, double *ais) {
  (void)n;
  double hn, hp, hj;
  int st = memory_entropies(ctx, x, e, method, &hn, &hp, &hj);
  if (st == GB_OK) *ais = hn + hp - hj;
  return st;
}

int gb_entropy_rate_discrete(gb_ctx *ctx, const int64_t *x, int64_t n, const gb_embedding *e,
                             int method, double *rate) {
  (void)n;
  double hn, hp, hj;
  int st = memory_entropies(ctx, x, e, method, &hn, &hp, &hj);
  if (st == GB_OK) *rate = hj - hp;
  return st;
}

/* A count x h table of lagged values of the series s, from scratch. */
static double *lagged(gb_ctx *ctx, const double *s, int64_t end, int64_t count, int h) {
  double *t = gb_alloc_n(ctx, (size_t)count, sizeof(double) * (size_t)h);
  if (t) window((char *)t, h, 0, (const char *)s, sizeof(double), end, count, h);
  return t;
}

int gb_transfer_ksg(gb_ctx *ctx, const double *source, const double *target, int64_t n,
                    const gb_embedding *e, const gb_knn_opts *o, double *te) {
  (void)n;
  double *nx = lagged(ctx, target, e->t0 + 1, e->count, 1);
  double *xh = lagged(ctx, target, e->t0, e->count, e->k);
  double *yh = lagged(ctx, source, e->t0 - e->u + 1, e->count, e->l);
  int st = nx && xh && yh ? gb_mi_ksg(ctx, nx, 1, yh, e->l, xh, e->k, e->count, o, te) : GB_ENOMEM;
  gb_free(ctx, nx);
  gb_free(ctx, xh);
  gb_free(ctx, yh);
  return st;
}

int gb_active_information_ksg(gb_ctx *ctx, const double *x, int64_t n, const gb_embedding *e,
                              const gb_knn_opts *o, double *ais) {
  (void)n;
  double *nx = lagged(ctx, x, e->t0 + 1, e->count, 1);
  double *xh = lagged(ctx, x, e->t0, e->count, e->k);
  int st = nx && xh ? gb_mi_ksg(ctx, nx, 1, xh, e->k, NULL, 0, e->count, o, ais) : GB_ENOMEM;
  gb_free(ctx, nx);
  gb_free(ctx, xh);
  return st;
}

/* Sample and approximate entropy ------------------------------------------ */

/* For the templates of length m starting at x[0 .. count), the number of
   other templates within r of each (per, may be NULL; max norm), summed. */
static int template_matches(gb_ctx *ctx, const double *x, int64_t count, int m, double r,
                            int strict, double *per, double *total) {
  double *emb = lagged(ctx, x, m - 1, count, m);
  if (!emb) return GB_ENOMEM;
  gb_kdtree t;
  if (gb_kdtree_build(ctx, &t, emb, count, m) != GB_OK) {
    gb_free(ctx, emb);
    return GB_ENOMEM;
  }
  double sum = 0;
#pragma omp parallel for schedule(dynamic, 256) reduction(+ : sum)
  for (int64_t i = 0; i < count; i++) {
    double c = (double)gb_kdtree_count(&t, emb + i * m, r, strict, GB_NORM_MAX, i);
    if (per) per[i] = c;
    sum += c;
  }
  gb_kdtree_free(ctx, &t);
  gb_free(ctx, emb);
  *total = sum;
  return gb_interrupted(ctx) ? gb_ctx_stopped(ctx) : GB_OK;
}

static int regularity_args(const double *x, int64_t n, int m, double *r) {
  if (m < 1 || n < m + 2) return GB_EINVAL;
  if (isnan(*r)) *r = 0.2 * gb_column_std(x, n, 1, 0);
  return *r >= 0 && !isinf(*r) ? GB_OK : GB_EINVAL;
}

int gb_sample_entropy(gb_ctx *ctx, const double *x, int64_t n, int m, double r, int strict,
                      double *h) {
  double A, B;
  int st = regularity_args(x, n, m, &r);
  int64_t count = n - m;              /* the same templates for both lengths */
  if (st == GB_OK) st = template_matches(ctx, x, count, m, r, strict, NULL, &B);
  if (st == GB_OK) st = template_matches(ctx, x, count, m + 1, r, strict, NULL, &A);
  if (st != GB_OK) return st;
  if (B == 0) return GB_EINVAL;
  *h = A > 0 ? -log(A / B) : HUGE_VAL;
  return GB_OK;
}

int gb_approximate_entropy(gb_ctx *ctx, const double *x, int64_t n, int m, double r, int strict,
                           double *h) {
  double phi[2];
  int st = regularity_args(x, n, m, &r);
  double *per = st == GB_OK ? gb_alloc_n(ctx, (size_t)(n - m + 1), sizeof(double)) : NULL;
  if (st == GB_OK && !per) st = GB_ENOMEM;
  for (int j = 0; j < 2 && st == GB_OK; j++) {
    int64_t count = n - (m + j) + 1;
    double total, s = 0;
    st = template_matches(ctx, x, count, m + j, r, strict, per, &total);
    /* self-matches count, as Pincus defines it */
    for (int64_t i = 0; i < count && st == GB_OK; i++) s += log((per[i] + 1) / (double)count);
    phi[j] = s / (double)count;
  }
  gb_free(ctx, per);
  if (st == GB_OK) *h = phi[0] - phi[1];
  return st;
}

/* Ordinal patterns ----------------------------------------------------------- */

/* The pattern counts of x in scratch (*nf = order!), or NULL with *st. */
static double *patterns(gb_ctx *ctx, const double *x, int64_t n, int order, int delay,
                        int64_t *nf, int *st) {
  if (order < 1 || order > 10 || delay < 1 || (int64_t)(order - 1) * delay >= n) {
    *st = GB_EINVAL;
    return NULL;
  }
  *nf = 1;
  for (int i = 2; i <= order; i++) *nf *= i;
  double *counts = gb_alloc_n(ctx, (size_t)*nf, sizeof(double));
  *st = counts ? gb_ordinal_patterns(ctx, x, n, order, delay, counts) : GB_ENOMEM;
  if (*st != GB_OK) {
    gb_free(ctx, counts);
    return NULL;
  }
  return counts;
}

int gb_permutation_entropy(gb_ctx *ctx, const double *x, int64_t n, int order, int delay,
                           int normalize, double *h) {
  int64_t nf;
  int st;
  double *counts = patterns(ctx, x, n, order, delay, &nf, &st);
  if (!counts) return st;
  double v = gb_entropy_counts(ctx, counts, nf, GB_H_PLUGIN);
  gb_free(ctx, counts);
  *h = !normalize ? v : order > 1 ? v / log((double)nf) : 0;
  return GB_OK;
}

/*
** Rosso et al. (2007): with U uniform over the N = order! patterns, C = Q0
** JS(P, U) H, H = H(P) / log N, Q0 = 1 / max JS.
*/
int gb_complexity(gb_ctx *ctx, const double *x, int64_t n, int order, int delay, double *H,
                  double *C) {
  int64_t nf;
  int st;
  if (order < 2) return GB_EINVAL;
  double *counts = patterns(ctx, x, n, order, delay, &nf, &st);
  if (!counts) return st;
  double N = (double)nf, total = 0, hp = 0, hm = 0;
  for (int64_t i = 0; i < nf; i++) total += counts[i];
  for (int64_t i = 0; i < nf; i++) {
    double p = counts[i] / total, m = 0.5 * (p + 1 / N);
    hp -= gb_xlogy(p, p);
    hm -= gb_xlogy(m, m);
  }
  gb_free(ctx, counts);
  *H = hp / log(N);
  double jsd = hm - 0.5 * hp - 0.5 * log(N);
  double q0 = -2 / ((N + 1) / N * log(N + 1) - 2 * log(2 * N) + log(N));
  *C = q0 * jsd * *H;
  return GB_OK;
}
