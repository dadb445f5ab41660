/*
** Entropy from density estimates (entropy.h): a histogram with NumPy's bin
** rules, the resubstitution estimate of a kernel density (Gaussian, as
** scipy.stats.gaussian_kde, or a box on a kd-tree), and the entropy of the
** normalised periodogram.
*/
#include <math.h>
#include <string.h>

#include "distributions.h"
#include "entropy.h"
#include "fft.h"
#include "kdtree.h"
#include "sort.h"
#include "special.h"

/* The q-quantile of sorted values by linear interpolation (NumPy's default). */
static double quantile_sorted(const double *v, int64_t n, double q) {
  double pos = q * (double)(n - 1), f = floor(pos);
  int64_t i = (int64_t)f;
  if (i + 1 >= n) return v[n - 1];
  return v[i] + (pos - f) * (v[i + 1] - v[i]);
}

/* Bins by rule over sorted v of the given range: numpy.histogram_bin_edges's
   ceil(range / width); 0 when they would be too many. */
static int64_t rule_bins(const double *v, int64_t n, double range, int rule) {
  double w;
  if (rule == GB_BINS_STURGES) w = range / (log2((double)n) + 1);
  else if (rule == GB_BINS_SCOTT)
    w = pow(24 * sqrt(M_PI) / (double)n, 1.0 / 3) * gb_column_std(v, n, 1, 0);
  else w = 2 * (quantile_sorted(v, n, 0.75) - quantile_sorted(v, n, 0.25)) * pow((double)n, -1.0 / 3);
  if (!(w > 0)) return 1;
  double nb = ceil(range / w);
  return nb <= GB_BINS_MAX ? (int64_t)nb : 0;
}

int gb_entropy_histogram(gb_ctx *ctx, const double *x, int64_t n, int rule, int64_t bins,
                         double *h) {
  if (n < 1 || (rule == GB_BINS_COUNT && (bins < 1 || bins > GB_BINS_MAX))) return GB_EINVAL;
  double *v = gb_alloc_n(ctx, (size_t)n, sizeof(double));
  if (!v) return GB_ENOMEM;
  memcpy(v, x, sizeof(double) * (size_t)n);
  gb_sort_doubles(v, n);
  double lo = v[0], hi = v[n - 1], range = hi - lo;
  int st = GB_OK;
  if (isinf(range)) st = GB_EOVERFLOW;           /* bins from inf would be NaN */
  else if (!(range > 0)) st = GB_EINVAL;
  int64_t nbins = st != GB_OK ? 0 : rule == GB_BINS_COUNT ? bins : rule_bins(v, n, range, rule);
  if (st == GB_OK && nbins == 0) st = GB_EOVERFLOW;
  double *count = st == GB_OK ? gb_zalloc_n(ctx, (size_t)nbins, sizeof(double)) : NULL;
  if (st == GB_OK && !count) st = GB_ENOMEM;
  if (st == GB_OK) {
    double step = range / (double)nbins;
    for (int64_t i = 0; i < n; i++) {
      int64_t b = (int64_t)((v[i] - lo) / range * (double)nbins);
      if (b >= nbins) b = nbins - 1;
      /* settle on the edges lo + j step, as linspace makes them */
      if (b > 0 && v[i] < lo + (double)b * step) b--;
      else if (b < nbins - 1 && v[i] >= lo + (double)(b + 1) * step) b++;
      count[b] += 1;
    }
    double s = 0, nn = (double)n;
    for (int64_t b = 0; b < nbins; b++)
      if (count[b] > 0) s -= count[b] / nn * log(count[b] / nn / step);
    *h = s;
  }
  gb_free(ctx, count);
  gb_free(ctx, v);
  return st;
}

/* log f at each point for the box kernel of half-width h (max norm). */
static int kde_box(gb_ctx *ctx, const double *x, int64_t n, int d, double h, double *term) {
  gb_kdtree t;
  if (gb_kdtree_build(ctx, &t, x, n, d) != GB_OK) return GB_ENOMEM;
  double logv = (double)d * log(2 * h) + log((double)n);
#pragma omp parallel for schedule(dynamic, 256)
  for (int64_t i = 0; i < n; i++)
    term[i] = log((double)gb_kdtree_count(&t, x + i * d, h, 0, GB_NORM_MAX, -1)) - logv;
  gb_kdtree_free(ctx, &t);
  return gb_interrupted(ctx) ? gb_ctx_stopped(ctx) : GB_OK;
}

/* log f at each point for the Gaussian kernel of bandwidth matrix factor^2
   cov: the points are whitened (in z, a copy) by the Cholesky factor. */
static int kde_gaussian(gb_ctx *ctx, const double *x, int64_t n, int64_t d, double factor,
                        double *term) {
  double *c = gb_alloc_n(ctx, (size_t)(d * d + d), sizeof(double)), *mean = c ? c + d * d : NULL;
  double *z = gb_alloc_n(ctx, (size_t)n, sizeof(double) * (size_t)d);
  int st = c && z ? GB_OK : GB_ENOMEM;
  if (st == GB_OK) {
    /* the covariance with ddof 1, as SciPy */
    for (int64_t j = 0; j < d; j++) {
      double m = 0;
      for (int64_t i = 0; i < n; i++) m += x[i * d + j];
      mean[j] = m / (double)n;
    }
    for (int64_t a = 0; a < d; a++)
      for (int64_t b = 0; b <= a; b++) {
        double v = 0;
        for (int64_t i = 0; i < n; i++) v += (x[i * d + a] - mean[a]) * (x[i * d + b] - mean[b]);
        c[a * d + b] = c[b * d + a] = v / (double)(n - 1) * factor * factor;
      }
    if (gb_cholesky_psd(c, d) != GB_OK) st = GB_ENOTPD;
  }
  double logdetc = 0;
  for (int64_t j = 0; j < d && st == GB_OK; j++) {
    if (!(c[j * d + j] > 0)) st = GB_ESINGULAR;
    logdetc += log(c[j * d + j]);
  }
  if (st == GB_OK) {
    /* z = L^-1 x, row by row (forward substitution) */
    for (int64_t i = 0; i < n; i++) {
      double *r = z + i * d;
      for (int64_t a = 0; a < d; a++) {
        double v = x[i * d + a];
        for (int64_t b = 0; b < a; b++) v -= c[a * d + b] * r[b];
        r[a] = v / c[a * d + a];
      }
    }
    double norm = log((double)n) + 0.5 * (double)d * log(2 * M_PI) + logdetc;
    /* O(n^2): rows in blocks, with an interrupt check between them */
    for (int64_t b = 0; b < n && st == GB_OK; b += 1024) {
      int64_t e = b + 1024 < n ? b + 1024 : n;
#pragma omp parallel for schedule(dynamic, 16)
      for (int64_t i = b; i < e; i++) {
        double sum = 0;                      /* the j = i term is exp(0) = 1, the largest */
        for (int64_t j = 0; j < n; j++) {
          double q = 0;
          for (int64_t a = 0; a < d; a++) {
            double v = z[i * d + a] - z[j * d + a];
            q += v * v;
          }
          sum += exp(-0.5 * q);
        }
        term[i] = log(sum) - norm;
      }
      if (gb_interrupted(ctx)) st = gb_ctx_stopped(ctx);
    }
  }
  gb_free(ctx, c);
  gb_free(ctx, z);
  return st;
}

int gb_entropy_kde(gb_ctx *ctx, const double *x, int64_t n, int d, int kernel, double factor,
                   double *h) {
  if (n <= d || d < 1) return GB_EINVAL;
  int given = !isnan(factor);
  if (!given) factor = pow((double)n, -1.0 / (double)(d + 4));
  if (!(factor > 0) || isinf(factor)) return GB_EINVAL;
  double *term = gb_alloc_n(ctx, (size_t)n, sizeof(double));
  if (!term) return GB_ENOMEM;
  int st;
  if (kernel == GB_KDE_BOX) {
    double width = factor;
    if (!given) {
      double sd = 0;
      for (int j = 0; j < d; j++) sd += gb_column_std(x, n, d, j) / (double)d;
      width = factor * sd;
    }
    st = kde_box(ctx, x, n, d, width, term);
  } else {
    st = kde_gaussian(ctx, x, n, d, factor, term);
  }
  if (st == GB_OK) {
    double s = 0;
    for (int64_t i = 0; i < n; i++) s -= term[i];
    *h = s / (double)n;
  }
  gb_free(ctx, term);
  return st;
}

int gb_entropy_spectral(gb_ctx *ctx, const double *x, int64_t n, int normalize, double *h) {
  if (n < 2) return GB_EINVAL;
  double *re = gb_alloc_n(ctx, (size_t)n, sizeof(double));
  double *im = gb_alloc_n(ctx, (size_t)n, sizeof(double)), mean = 0;
  int st = re && im ? GB_OK : GB_ENOMEM;
  if (st == GB_OK) {
    for (int64_t i = 0; i < n; i++) mean += x[i];
    mean /= (double)n;
    for (int64_t i = 0; i < n; i++) { re[i] = x[i] - mean; im[i] = 0; }
    st = gb_dft(ctx, re, im, n);
  }
  if (st == GB_OK) {
    /* the one-sided periodogram: bins 0 to n/2, the inner ones doubled */
    int64_t nb = n / 2 + 1;
    double total = 0, s = 0;
    for (int64_t k = 0; k < nb; k++) {
      double p = re[k] * re[k] + im[k] * im[k];
      if (k > 0 && !(n % 2 == 0 && k == n / 2)) p *= 2;
      re[k] = p;
      total += p;
    }
    if (!(total > 0)) st = GB_EINVAL;
    for (int64_t k = 0; k < nb && st == GB_OK; k++) s -= gb_xlogy(re[k] / total, re[k] / total);
    if (st == GB_OK) *h = normalize ? s / log((double)nb) : s;
  }
  gb_free(ctx, re);
  gb_free(ctx, im);
  return st;
}
