/*
** Spectral entropies of similarity matrices (entropy.h): the Vendi score
** (Friedman and Dieng 2023), exp of the Renyi entropy of the eigenvalues
** of K / n, and the diffusion spectral entropy, -sum a log a with a_i =
** |mu_i|^t / sum |mu_j|^t over the eigenvalues mu of the diffusion operator
** D^-1 K (computed from the symmetric D^-1/2 K D^-1/2).
*/
#include <math.h>
#include <string.h>

#include "entropy.h"
#include "linalg.h"
#include "special.h"

/* w (d, ascending) the eigenvalues of the symmetric d x d matrix a. */
static int eigenvalues(gb_ctx *ctx, const double *a, int64_t d, double *w) {
  int64_t shape[2] = {d, d};
  gb_array A, W;
  size_t nbytes;
  int st = gb_array_init(&A, GB_FLOAT64, 2, shape, &nbytes);
  if (st == GB_OK) st = gb_array_init(&W, GB_FLOAT64, 1, &d, &nbytes);
  if (st != GB_OK) return st;
  A.data = gb_alloc_n(ctx, (size_t)(d * d), sizeof(double));
  if (!A.data) return GB_ENOMEM;
  memcpy(A.data, a, sizeof(double) * (size_t)(d * d));
  W.data = (char *)w;
  st = gb_eigh(ctx, &W, NULL, &A);
  gb_free(ctx, A.data);
  return st;
}

/* exp of the Renyi entropy of order q of the weights w (normalised here) */
static int hill_number(gb_ctx *ctx, const double *w, int64_t n, double q, double *v) {
  double s = 0;
  for (int64_t i = 0; i < n; i++) s += w[i] > 0 ? w[i] : 0;
  double *p = gb_alloc_n(ctx, (size_t)(n > 0 ? n : 1), sizeof(double));
  if (!p) return GB_ENOMEM;
  for (int64_t i = 0; i < n; i++) p[i] = w[i] > 0 ? w[i] / s : 0;
  *v = exp(gb_renyi(p, n, q));
  gb_free(ctx, p);
  return GB_OK;
}

/* The Hill number of the eigenvalues of K (m x m). */
static int spectrum_hill(gb_ctx *ctx, const double *K, int64_t m, double q, double *v) {
  double *w = gb_alloc_n(ctx, (size_t)m, sizeof(double));
  if (!w) return GB_ENOMEM;
  int st = eigenvalues(ctx, K, m, w);
  if (st == GB_OK) st = hill_number(ctx, w, m, q, v);
  gb_free(ctx, w);
  return st;
}

int gb_vendi(gb_ctx *ctx, const double *K, int64_t n, double q, double *v) {
  if (n < 1 || !(q >= 0)) return GB_EINVAL;
  return spectrum_hill(ctx, K, n, q, v);
}

int gb_vendi_data(gb_ctx *ctx, const double *x, int64_t n, int d, int kernel, double sigma,
                  double q, double *v) {
  int gauss = kernel == GB_VENDI_GAUSSIAN;
  if (n < 1 || d < 1 || !(q >= 0) || (gauss && (!(sigma > 0) || isinf(sigma)))) return GB_EINVAL;
  int dual = !gauss && d < n;   /* X^T X / n has the nonzero eigenvalues of X X^T / n */
  int64_t m = dual ? d : n;
  double *u = gb_alloc_n(ctx, (size_t)n, sizeof(double) * (size_t)d);
  double *K = gb_alloc_n(ctx, (size_t)(m * m), sizeof(double));
  int st = u && K ? GB_OK : GB_ENOMEM;
  if (st == GB_OK) memcpy(u, x, sizeof(double) * (size_t)(n * d));
  for (int64_t i = 0; i < n && st == GB_OK && !gauss; i++) {   /* rows to unit length */
    double s = 0;
    for (int64_t j = 0; j < d; j++) s += u[i * d + j] * u[i * d + j];
    if (!(s > 0)) st = GB_EINVAL;
    s = 1 / sqrt(s);
    for (int64_t j = 0; j < d; j++) u[i * d + j] *= s;
  }
  if (st == GB_OK && dual) {
    for (int64_t a = 0; a < d; a++)
      for (int64_t b = 0; b <= a; b++) {
        double s = 0;
        for (int64_t i = 0; i < n; i++) s += u[i * d + a] * u[i * d + b];
        K[a * d + b] = K[b * d + a] = s;
      }
  } else if (st == GB_OK) {
    for (int64_t i = 0; i < n; i++)
      for (int64_t j = 0; j <= i; j++) {
        double s = 0;
        for (int64_t c = 0; c < d; c++) {
          double e = gauss ? u[i * d + c] - u[j * d + c] : u[i * d + c] * u[j * d + c];
          s += gauss ? e * e : e;
        }
        K[i * n + j] = K[j * n + i] = gauss ? exp(-s / (2 * sigma * sigma)) : s;
      }
  }
  gb_free(ctx, u);
  if (st == GB_OK) st = spectrum_hill(ctx, K, m, q, v);
  gb_free(ctx, K);
  return st;
}

int gb_diffusion_entropy(gb_ctx *ctx, const double *x, int64_t n, int d, double sigma, double t,
                         double *h) {
  if (n < 1 || d < 1 || !(sigma > 0) || isinf(sigma) || !(t > 0) || isinf(t)) return GB_EINVAL;
  double *K = gb_alloc_n(ctx, (size_t)n, sizeof(double) * (size_t)n);
  double *deg = gb_alloc_n(ctx, (size_t)n, sizeof(double));
  double *w = gb_alloc_n(ctx, (size_t)n, sizeof(double));
  int st = K && deg && w ? GB_OK : GB_ENOMEM;
  if (st == GB_OK) {
#pragma omp parallel for schedule(dynamic, 16) if (n > 256)
    for (int64_t i = 0; i < n; i++)
      for (int64_t j = 0; j <= i; j++) {
        double s = 0;
        for (int64_t c = 0; c < d; c++) {
          double v = x[i * d + c] - x[j * d + c];
          s += v * v;
        }
        K[i * n + j] = K[j * n + i] = exp(-s / (2 * sigma * sigma));
      }
    for (int64_t i = 0; i < n; i++) {
      double s = 0;
      for (int64_t j = 0; j < n; j++) s += K[i * n + j];
      deg[i] = 1 / sqrt(s);
    }
    for (int64_t i = 0; i < n; i++)
      for (int64_t j = 0; j < n; j++) K[i * n + j] *= deg[i] * deg[j];
    st = gb_interrupted(ctx) ? gb_ctx_stopped(ctx) : eigenvalues(ctx, K, n, w);
  }
  if (st == GB_OK) {
    double tot = 0, s = 0;
    for (int64_t i = 0; i < n; i++) tot += (w[i] = pow(fabs(w[i]), t));
    for (int64_t i = 0; i < n; i++) s -= gb_xlogy(w[i] / tot, w[i] / tot);
    *h = s;
  }
  gb_free(ctx, K);
  gb_free(ctx, deg);
  gb_free(ctx, w);
  return st;
}
