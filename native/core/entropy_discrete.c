/*
** Entropies of discrete symbols and of probability vectors (entropy.h).
** Joint symbols are the rows of an n x c table of int64: sorting the row
** indices brings equal rows together, and their run lengths are the counts
** that gb_entropy_counts turns into an entropy.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "entropy.h"
#include "special.h"

/* qsort has no context argument: the table being sorted, per thread. */
typedef struct rows {
  const int64_t *x;
  int c;
} rows;
static _Thread_local const rows *cmp_rows_of;

static int cmp_rows(const void *a, const void *b) {
  const int64_t *x = cmp_rows_of->x;
  int c = cmp_rows_of->c;
  int64_t i = *(const int64_t *)a, j = *(const int64_t *)b;
  for (int k = 0; k < c; k++) {
    int64_t u = x[i * c + k], v = x[j * c + k];
    if (u != v) return u < v ? -1 : 1;
  }
  return 0;
}

int gb_entropy_joint(gb_ctx *ctx, const int64_t *x, int64_t n, int c, int method, double *h) {
  if (n < 1 || c < 1 || method < 0 || method >= GB_H_NMETHODS) return GB_EINVAL;
  int64_t *order = gb_alloc_n(ctx, (size_t)n, sizeof(int64_t));
  double *cnt = gb_alloc_n(ctx, (size_t)n, sizeof(double));
  if (!order || !cnt) {
    gb_free(ctx, order);
    gb_free(ctx, cnt);
    return GB_ENOMEM;
  }
  rows r = {x, c};
  for (int64_t i = 0; i < n; i++) order[i] = i;
  cmp_rows_of = &r;
  qsort(order, (size_t)n, sizeof(int64_t), cmp_rows);
  int64_t m = 0;
  for (int64_t i = 0; i < n; i++) {
    if (i == 0 || cmp_rows(&order[i - 1], &order[i]) != 0) cnt[m++] = 0;
    cnt[m - 1] += 1;
  }
  *h = gb_entropy_counts(ctx, cnt, m, method);
  gb_free(ctx, order);
  gb_free(ctx, cnt);
  return GB_OK;
}

double gb_shannon(const double *p, int64_t n) {
  double h = 0;
  for (int64_t i = 0; i < n; i++) h -= gb_xlogy(p[i], p[i]);
  return h;
}

double gb_renyi(const double *p, int64_t n, double a) {
  double h = 0;
  if (a == 1) {
    h = gb_shannon(p, n);
  } else if (a == 0) {
    for (int64_t i = 0; i < n; i++) h += p[i] > 0;
    h = log(h);
  } else if (isinf(a)) {
    double mx = 0;
    for (int64_t i = 0; i < n; i++) if (p[i] > mx) mx = p[i];
    h = -log(mx);
  } else {
    double s = 0;
    for (int64_t i = 0; i < n; i++) if (p[i] > 0) s += pow(p[i], a);
    h = log(s) / (1 - a);
  }
  return h;
}

double gb_tsallis(const double *p, int64_t n, double q) {
  if (q == 1) return gb_shannon(p, n);
  double s = 0;
  for (int64_t i = 0; i < n; i++) if (p[i] > 0) s += pow(p[i], q);
  return (1 - s) / (q - 1);
}

double gb_kl(const double *p, const double *q, int64_t n) {
  double d = 0;
  for (int64_t i = 0; i < n; i++) {
    if (p[i] == 0) continue;
    if (q[i] == 0) return HUGE_VAL;
    d += p[i] * log(p[i] / q[i]);
  }
  return d;
}

double gb_cross_entropy(const double *p, const double *q, int64_t n) {
  double h = 0;
  for (int64_t i = 0; i < n; i++) h -= gb_xlogy(p[i], q[i]);
  return h;
}

int gb_js(gb_ctx *ctx, const double *p, int64_t k, int64_t n, const double *w, double *js) {
  if (k < 1 || n < 1) return GB_EINVAL;
  double *mix = gb_zalloc_n(ctx, (size_t)n, sizeof(double)), hs = 0;
  if (!mix) return GB_ENOMEM;
  for (int64_t i = 0; i < k; i++) {
    const double *row = p + i * n;
    double wi = w ? w[i] : 1.0 / (double)k, h = 0;
    for (int64_t j = 0; j < n; j++) {
      mix[j] += wi * row[j];
      h -= gb_xlogy(row[j], row[j]);
    }
    hs += wi * h;
  }
  *js = gb_shannon(mix, n) - hs;
  gb_free(ctx, mix);
  return GB_OK;
}
