/*
** Fourier transforms (see fft.h).
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fft.h"
#include "status.h"

/* In-place radix-2 transform of length n (a power of two); sign -1 for
   the forward transform, +1 for the unnormalised inverse. */
static void fft_pow2(double *re, double *im, int64_t n, int sign) {
  for (int64_t i = 1, j = 0; i < n; i++) {       /* bit reversal */
    int64_t bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      double t = re[i]; re[i] = re[j]; re[j] = t;
      t = im[i]; im[i] = im[j]; im[j] = t;
    }
  }
  for (int64_t len = 2; len <= n; len <<= 1) {
    double ang = sign * 2 * M_PI / (double)len;
    for (int64_t i = 0; i < n; i += len)
      for (int64_t k = 0; k < len / 2; k++) {
        /* twiddles computed directly: no drift from repeated products */
        double wr = cos(ang * (double)k), wi = sin(ang * (double)k);
        int64_t a = i + k, b = a + len / 2;
        double xr = re[b] * wr - im[b] * wi, xi = re[b] * wi + im[b] * wr;
        re[b] = re[a] - xr;
        im[b] = im[a] - xi;
        re[a] += xr;
        im[a] += xi;
      }
  }
}

int gb_dft(gb_ctx *ctx, double *re, double *im, int64_t n) {
  if (n <= 1) return GB_OK;
  if ((n & (n - 1)) == 0) {
    fft_pow2(re, im, n, -1);
    return GB_OK;
  }
  /* Bluestein: X_k = w_k sum_j (x_j w_j) conj(w_(k-j)), w_j = exp(-i pi j^2 / n),
     a convolution done with power-of-two transforms of length m >= 2n - 1 */
  int64_t m = 1;
  while (m < 2 * n - 1) m <<= 1;
  double *buf = gb_zalloc_n(ctx, (size_t)(6 * m), sizeof(double));
  double *wr = gb_alloc(ctx, sizeof(double) * (size_t)n), *wi = gb_alloc(ctx, sizeof(double) * (size_t)n);
  if (!buf || !wr || !wi) { gb_free(ctx, buf); gb_free(ctx, wr); gb_free(ctx, wi); return GB_ENOMEM; }
  double *ar = buf, *ai = buf + m, *br = buf + 2 * m, *bi = buf + 3 * m;
  for (int64_t j = 0; j < n; j++) {
    /* j^2 mod 2n keeps the angle small and exact */
    int64_t q = (int64_t)(((unsigned __int128)j * (unsigned __int128)j) % (unsigned __int128)(2 * n));
    double ang = -M_PI * (double)q / (double)n;
    wr[j] = cos(ang);
    wi[j] = sin(ang);
  }
  for (int64_t j = 0; j < n; j++) {
    ar[j] = re[j] * wr[j] - im[j] * wi[j];
    ai[j] = re[j] * wi[j] + im[j] * wr[j];
  }
  br[0] = wr[0];
  bi[0] = -wi[0];
  for (int64_t j = 1; j < n; j++) {
    br[j] = br[m - j] = wr[j];
    bi[j] = bi[m - j] = -wi[j];
  }
  fft_pow2(ar, ai, m, -1);
  fft_pow2(br, bi, m, -1);
  for (int64_t j = 0; j < m; j++) {
    double r = ar[j] * br[j] - ai[j] * bi[j], i = ar[j] * bi[j] + ai[j] * br[j];
    ar[j] = r;
    ai[j] = i;
  }
  fft_pow2(ar, ai, m, +1);
  for (int64_t k = 0; k < n; k++) {
    double r = ar[k] / (double)m, i = ai[k] / (double)m;
    re[k] = r * wr[k] - i * wi[k];
    im[k] = r * wi[k] + i * wr[k];
  }
  gb_free(ctx, buf);
  gb_free(ctx, wr);
  gb_free(ctx, wi);
  return GB_OK;
}
