/*
** Spacing estimators of the entropy of a 1-D sample (entropy.h), from the
** order statistics X_(1) <= ... <= X_(n) and a window m:
**   Vasicek (1976)   mean log(n / (2m) (X_(i+m) - X_(i-m)))
**   van Es (1992)    mean over i <= n - m of log((n + 1) / m (X_(i+m) -
**                    X_(i))) + sum_{j=m..n} 1/j + log(m / (n + 1))
**   Ebrahimi et al. (1994)  Vasicek with end weights c_i in [1, 2]
**   Correa (1995)    the local slope of the empirical quantile function
** Order statistics beyond the ends are clamped to X_(1) and X_(n).
*/
#include <math.h>
#include <string.h>

#include "entropy.h"
#include "sort.h"

/* X_(j) for j in 1..n, clamped at both ends */
static inline double order_stat(const double *x, int64_t n, int64_t j) {
  return x[(j < 1 ? 1 : j > n ? n : j) - 1];
}

static double vasicek(const double *x, int64_t n, int64_t m) {
  double nn = (double)n, h = 0;
  for (int64_t i = 1; i <= n; i++)
    h += log(nn / (2.0 * (double)m) * (order_stat(x, n, i + m) - order_stat(x, n, i - m)));
  return h / nn;
}

static double van_es(const double *x, int64_t n, int64_t m) {
  double nn = (double)n, h = 0;
  for (int64_t i = 1; i <= n - m; i++) h += log((nn + 1) / (double)m * (x[i + m - 1] - x[i - 1]));
  h /= nn - (double)m;
  for (int64_t j = m; j <= n; j++) h += 1.0 / (double)j;
  return h + (log((double)m) - log(nn + 1));
}

static double ebrahimi(const double *x, int64_t n, int64_t m) {
  double nn = (double)n, h = 0;
  for (int64_t i = 1; i <= n; i++) {
    double c = i <= m ? 1 + (double)(i - 1) / (double)m
             : i >= n - m + 1 ? 1 + (double)(n - i) / (double)m : 2;
    h += log(nn * (order_stat(x, n, i + m) - order_stat(x, n, i - m)) / (c * (double)m));
  }
  return h / nn;
}

static double correa(const double *x, int64_t n, int64_t m) {
  double nn = (double)n, h = 0;
  for (int64_t i = 1; i <= n; i++) {
    double mean = 0, num = 0, den = 0;
    for (int64_t j = i - m; j <= i + m; j++) mean += order_stat(x, n, j);
    mean /= (double)(2 * m + 1);
    for (int64_t j = i - m; j <= i + m; j++) {
      double e = order_stat(x, n, j) - mean;
      num += (double)(j - i) * e;
      den += e * e;
    }
    h -= log(num / (nn * den));
  }
  return h / nn;
}

int64_t gb_spacing_window(int64_t n) { return (int64_t)floor(sqrt((double)n) + 0.5); }

int gb_entropy_spacing(gb_ctx *ctx, const double *x, int64_t n, int method, int64_t m, double *h) {
  if (n < 2 || m < 1 || (double)m >= 0.5 * (double)n) return GB_EINVAL;
  double *s = gb_alloc_n(ctx, (size_t)n, sizeof(double));
  if (!s) return GB_ENOMEM;
  memcpy(s, x, sizeof(double) * (size_t)n);
  gb_sort_doubles(s, n);
  double v;
  switch (method) {
    case GB_SPACING_VASICEK: v = vasicek(s, n, m); break;
    case GB_SPACING_VAN_ES: v = van_es(s, n, m); break;
    case GB_SPACING_EBRAHIMI: v = ebrahimi(s, n, m); break;
    default: v = correa(s, n, m); break;
  }
  gb_free(ctx, s);
  if (!isfinite(v)) return GB_EINVAL;     /* a spacing of 0: repeated values */
  *h = v;
  return GB_OK;
}
