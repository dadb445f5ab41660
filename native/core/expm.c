/*
** The matrix exponential by scaling and squaring (N. J. Higham, "The
** scaling and squaring method for the matrix exponential revisited", SIAM
** J. Matrix Anal. Appl. 26(4), 2005): the Padé degree m in {3, 5, 7, 9, 13}
** is the smallest whose bound theta_m covers the 1-norm of A; beyond
** theta_13, A is scaled by 2^-s, the degree-13 approximant is formed, and
** the result squared s times.
**
** Everything works on column-major n x n buffers; e^(A^T) = (e^A)^T, so
** the layout does not change the answer's meaning.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>


#include "blas.h"
#include "linalg.h"
#include "status.h"

static const double theta[] = {1.495585217958292e-2, 2.539398330063230e-1,
                               9.504178996162932e-1, 2.097847961257068e0,
                               5.371920351148152e0};
static const int degrees[] = {3, 5, 7, 9, 13};

/* Coefficients b_0..b_m of the Padé approximants (Higham's Table 2.3). */
static const double pade3[] = {120, 60, 12, 1};
static const double pade5[] = {30240, 15120, 3360, 420, 30, 1};
static const double pade7[] = {17297280, 8648640, 1995840, 277200, 25200, 1512, 56, 1};
static const double pade9[] = {17643225600., 8821612800., 2075673600., 302702400.,
                               30270240, 2162160, 110880, 3960, 90, 1};
static const double pade13[] = {64764752532480000., 32382376266240000.,
                                7771770303897600., 1187353796428800.,
                                129060195264000., 10559470521600., 670442572800.,
                                33522128640., 1323241920., 40840800., 960960.,
                                16380., 182., 1.};

static void mul(int n, const double *a, const double *b, double *c) {
  gb_blas()->dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0, a, n,
              b, n, 0.0, c, n);
}

static double norm1(int n, const double *a) {
  double best = 0.0;
  for (int j = 0; j < n; j++) {
    double s = 0.0;
    for (int i = 0; i < n; i++) s += fabs(a[i + (size_t)j * n]);
    if (s > best) best = s;
  }
  return best;
}

/*
** Form U (odd part, times A) and V (even part) of the degree-m approximant
** from the powers A^2, A^4, A^6 in p[1..3] (p[0] is A), using t as scratch.
*/
static void pade_parts(int n, int m, double **p, double *u, double *v, double *t) {
  size_t nn = (size_t)n * n;
  const double *b = m == 3 ? pade3 : m == 5 ? pade5 : m == 7 ? pade7 : m == 9 ? pade9 : pade13;
  if (m == 13) {
    /* U = A [A6 (b13 A6 + b11 A4 + b9 A2) + b7 A6 + b5 A4 + b3 A2 + b1 I]
       V =    A6 (b12 A6 + b10 A4 + b8 A2) + b6 A6 + b4 A4 + b2 A2 + b0 I */
    const double *a2 = p[1], *a4 = p[2], *a6 = p[3];
    for (size_t i = 0; i < nn; i++) t[i] = b[13] * a6[i] + b[11] * a4[i] + b[9] * a2[i];
    mul(n, a6, t, v);
    for (size_t i = 0; i < nn; i++) v[i] += b[7] * a6[i] + b[5] * a4[i] + b[3] * a2[i];
    for (int i = 0; i < n; i++) v[i + (size_t)i * n] += b[1];
    mul(n, p[0], v, u);
    for (size_t i = 0; i < nn; i++) t[i] = b[12] * a6[i] + b[10] * a4[i] + b[8] * a2[i];
    mul(n, a6, t, v);
    for (size_t i = 0; i < nn; i++) v[i] += b[6] * a6[i] + b[4] * a4[i] + b[2] * a2[i];
    for (int i = 0; i < n; i++) v[i + (size_t)i * n] += b[0];
    return;
  }
  /* Degrees 3..9: sums over the even powers A^0 .. A^(m-1) held in p[1..]
     (A^8 is formed by the caller into p[4] for m = 9). */
  memset(t, 0, nn * sizeof(double));
  memset(v, 0, nn * sizeof(double));
  for (int i = 0; i < n; i++) {
    t[i + (size_t)i * n] = b[1];
    v[i + (size_t)i * n] = b[0];
  }
  for (int j = 1; 2 * j <= m - 1; j++)
    for (size_t i = 0; i < nn; i++) {
      t[i] += b[2 * j + 1] * p[j][i];
      v[i] += b[2 * j] * p[j][i];
    }
  mul(n, p[0], t, u);
}

int gb_expm(gb_ctx *ctx, gb_array *out, const gb_array *A) {
  GB_NEED_BLAS(api);
  if (A->ndim != 2 || A->shape[0] != A->shape[1]) return GB_ESHAPE;
  int64_t n64 = A->shape[0];
  if (out->ndim != 2 || out->shape[0] != n64 || out->shape[1] != n64) return GB_ESHAPE;
  if (n64 > 46340) return GB_EOVERFLOW;          /* n * n must fit an int */
  if (!gb_all_finite(A)) return GB_ENONFINITE;
  if (n64 == 0) return GB_OK;
  int n = (int)n64;
  size_t nn = (size_t)n * n;
  double *mem = gb_alloc(ctx, nn * sizeof(double) * 8);
  lapack_int *ipiv = gb_alloc(ctx, sizeof(lapack_int) * (size_t)n);
  int st = GB_ENOMEM;
  if (!mem || !ipiv) goto done;
  double *p[5] = {mem, mem + nn, mem + 2 * nn, mem + 3 * nn, mem + 4 * nn};
  double *u = mem + 5 * nn, *v = mem + 6 * nn, *t = mem + 7 * nn;
  gb_array h;
  memset(&h, 0, sizeof h);
  h.data = (char *)p[0]; h.dtype = GB_FLOAT64; h.ndim = 2; h.size = (int64_t)nn;
  h.shape[0] = h.shape[1] = n;
  h.strides[0] = sizeof(double); h.strides[1] = (int64_t)sizeof(double) * n;
  if ((st = gb_copy(ctx, &h, A)) != GB_OK) goto done;

  double a1 = norm1(n, p[0]);
  int m = 13, s = 0;
  for (int i = 0; i < 4; i++)
    if (a1 <= theta[i]) { m = degrees[i]; break; }
  if (m == 13 && a1 > theta[4]) {
    s = (int)ceil(log2(a1 / theta[4]));
    double f = ldexp(1.0, -s);
    for (size_t i = 0; i < nn; i++) p[0][i] *= f;
  }
  mul(n, p[0], p[0], p[1]);                             /* A^2 */
  if (m >= 5) mul(n, p[1], p[1], p[2]);                 /* A^4 */
  if (m >= 7) mul(n, p[2], p[1], p[3]);                 /* A^6 */
  if (m == 9) mul(n, p[2], p[2], p[4]);                 /* A^8 */
  pade_parts(n, m, p, u, v, t);

  /* (V - U) X = (V + U) */
  for (size_t i = 0; i < nn; i++) {
    double a = v[i], b = u[i];
    t[i] = a - b;
    v[i] = a + b;
  }
  lapack_int r = api->dgesv(LAPACK_COL_MAJOR, n, n, t, n, ipiv, v, n);
  if (r != 0) { st = r > 0 ? GB_ESINGULAR : GB_EINVAL; goto done; }
  for (int i = 0; i < s; i++) {
    if (gb_interrupted(ctx)) { st = GB_EINTERRUPTED; goto done; }
    mul(n, v, v, u);
    double *w = u; u = v; v = w;
  }
  h.data = (char *)v;
  st = gb_copy(ctx, out, &h);
done:
  gb_free(ctx, mem);
  gb_free(ctx, ipiv);
  return st;
}
