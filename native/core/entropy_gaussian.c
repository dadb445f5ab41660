/*
** Gaussian entropies and mutual information (entropy.h), from a
** covariance matrix or from samples, by log-determinants of principal
** submatrices: H = log det(2 pi e cov) / 2 and I(x; y | z) = (ld(xz) +
** ld(yz) - ld(z) - ld(xyz)) / 2.  From samples, the scatter matrix A =
** sum (x_i - mean)(x_i - mean)^T estimates log det cov as log det(A / (n -
** 1)); with bias correction the unbiased log det A - d log 2 - sum_{i=1..d}
** psi((n - i) / 2), since A is Wishart(n - 1, cov) (Ahmed and Gokhale
** 1989; Misra et al. 2005).
*/
#include <math.h>
#include <string.h>

#include "distributions.h"
#include "entropy.h"
#include "special.h"

int gb_logdet_sub(gb_ctx *ctx, const double *cov, int64_t d, const int64_t *cols, int64_t m,
                  double *ld) {
  double *a = gb_alloc_n(ctx, (size_t)(m > 0 ? m * m : 1), sizeof(double));
  if (!a) return GB_ENOMEM;
  for (int64_t i = 0; i < m; i++)
    for (int64_t j = 0; j < m; j++) a[i * m + j] = cov[cols[i] * d + cols[j]];
  int st = gb_cholesky_psd(a, m);
  double s = 0;
  for (int64_t i = 0; i < m && st == GB_OK; i++) s += log(a[i * m + i]);
  gb_free(ctx, a);
  if (st != GB_OK || !isfinite(s)) return GB_ENOTPD;
  *ld = 2 * s;
  return GB_OK;
}

/* 0, 1, ..., d - 1 in scratch. */
static int64_t *all_columns(gb_ctx *ctx, int64_t d) {
  int64_t *c = gb_alloc_n(ctx, (size_t)(d > 0 ? d : 1), sizeof(int64_t));
  for (int64_t j = 0; c && j < d; j++) c[j] = j;
  return c;
}

int gb_gaussian_entropy(gb_ctx *ctx, const double *cov, int64_t d, double *h) {
  int64_t *all = all_columns(ctx, d);
  double ld;
  int st = all ? gb_logdet_sub(ctx, cov, d, all, d, &ld) : GB_ENOMEM;
  gb_free(ctx, all);
  if (st == GB_OK) *h = 0.5 * ((double)d * log(2 * M_PI * M_E) + ld);
  return st;
}

/* out[0..m) = cols[0..m); cols may be NULL when m is 0. */
static void put(int64_t *out, const int64_t *cols, int64_t m) {
  if (m > 0) memcpy(out, cols, sizeof(int64_t) * (size_t)m);
}

int gb_gaussian_mi(gb_ctx *ctx, const double *cov, int64_t d, const int64_t *xc, int64_t nx,
                   const int64_t *yc, int64_t ny, const int64_t *zc, int64_t nz, double *mi) {
  if (nx < 1 || ny < 1 || nz < 0 || nx + ny + nz > d) return GB_EINVAL;
  int64_t *u = gb_alloc_n(ctx, (size_t)d, sizeof(int64_t));
  if (!u) return GB_ENOMEM;
  double lxz, lyz, lz = 0, lall;      /* ld of the empty set = 0 */
  put(u, xc, nx);
  put(u + nx, zc, nz);
  int st = gb_logdet_sub(ctx, cov, d, u, nx + nz, &lxz);
  put(u, yc, ny);
  put(u + ny, zc, nz);
  if (st == GB_OK) st = gb_logdet_sub(ctx, cov, d, u, ny + nz, &lyz);
  if (st == GB_OK && nz) st = gb_logdet_sub(ctx, cov, d, zc, nz, &lz);
  put(u, xc, nx);
  put(u + nx, yc, ny);
  put(u + nx + ny, zc, nz);
  if (st == GB_OK) st = gb_logdet_sub(ctx, cov, d, u, nx + ny + nz, &lall);
  gb_free(ctx, u);
  if (st == GB_OK) *mi = 0.5 * (lxz + lyz - lz - lall);
  return st;
}

/* The log det estimate of the covariance of columns cols[0..d) of x (n x
   xd) from the scatter matrix, bias-corrected if asked. */
static int data_logdet(gb_ctx *ctx, const double *x, int64_t n, int xd, const int64_t *cols,
                       int64_t d, int correct, double *out) {
  double *mean = gb_alloc_n(ctx, (size_t)(d + d * d), sizeof(double)), *A = mean ? mean + d : NULL;
  int64_t *all = all_columns(ctx, d);
  int st = mean && all ? GB_OK : GB_ENOMEM;
  double ld;
  if (st == GB_OK) {
    for (int64_t j = 0; j < d; j++) {
      double m = 0;
      for (int64_t i = 0; i < n; i++) m += x[i * xd + cols[j]];
      mean[j] = m / (double)n;
    }
    for (int64_t a = 0; a < d; a++)
      for (int64_t b = 0; b <= a; b++) {
        double v = 0;
        for (int64_t i = 0; i < n; i++)
          v += (x[i * xd + cols[a]] - mean[a]) * (x[i * xd + cols[b]] - mean[b]);
        A[a * d + b] = A[b * d + a] = v;
      }
    st = gb_logdet_sub(ctx, A, d, all, d, &ld);
  }
  gb_free(ctx, mean);
  gb_free(ctx, all);
  if (st != GB_OK) return st;
  if (!correct) {
    *out = ld - (double)d * log((double)(n - 1));
  } else {
    double s = 0;
    for (int64_t i = 1; i <= d; i++) s += gb_digamma(0.5 * (double)(n - i));
    *out = ld - (double)d * M_LN2 - s;
  }
  return GB_OK;
}

int gb_gaussian_entropy_data(gb_ctx *ctx, const double *x, int64_t n, int d, int correct,
                             double *h) {
  if (n <= d) return GB_EINVAL;
  int64_t *cols = all_columns(ctx, d);
  double ld;
  int st = cols ? data_logdet(ctx, x, n, d, cols, d, correct, &ld) : GB_ENOMEM;
  gb_free(ctx, cols);
  if (st == GB_OK) *h = 0.5 * ((double)d * log(2 * M_PI * M_E) + ld);
  return st;
}

int gb_gaussian_mi_data(gb_ctx *ctx, const double *x, int dx, const double *y, int dy, int64_t n,
                        int correct, double *mi) {
  int64_t d = dx + dy;
  if (n <= d) return GB_EINVAL;
  double *xy = gb_alloc_n(ctx, (size_t)n, sizeof(double) * (size_t)d);
  int64_t *cols = all_columns(ctx, d);
  int st = xy && cols ? GB_OK : GB_ENOMEM;
  double lx, ly, lxy;
  if (st == GB_OK) {
    for (int64_t i = 0; i < n; i++) {
      memcpy(xy + i * d, x + i * dx, sizeof(double) * (size_t)dx);
      memcpy(xy + i * d + dx, y + i * dy, sizeof(double) * (size_t)dy);
    }
    st = data_logdet(ctx, xy, n, (int)d, cols, dx, correct, &lx);
  }
  if (st == GB_OK) st = data_logdet(ctx, xy, n, (int)d, cols + dx, dy, correct, &ly);
  if (st == GB_OK) st = data_logdet(ctx, xy, n, (int)d, cols, d, correct, &lxy);
  gb_free(ctx, xy);
  gb_free(ctx, cols);
  if (st == GB_OK) *mi = 0.5 * (lx + ly - lxy);
  return st;
}
