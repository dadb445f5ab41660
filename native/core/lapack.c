/*
** Factorizations and solvers through LAPACKE: solve, inv, det, slogdet,
** cholesky, qr, svd, eigh, eig, lstsq, pinv.
**
** Each routine copies its input into a column-major float64 buffer (LAPACK's
** own layout, as NumPy does), calls the LAPACK driver NumPy uses for the
** same function (gesv, getrf, potrf, geqrf/orgqr, gesdd, syevd, geev,
** gelsd), and writes the results into the caller's arrays through a
** column-major header, converting to their dtype.
*/
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>


#include "blas.h"
#include "dense.h"
#include "linalg.h"
#include "status.h"

/* Work buffers ------------------------------------------------------------- */

/* A column-major float64 header over buf: rows x cols, leading dim ld. */
static gb_array fheader(double *buf, int64_t rows, int64_t cols, int64_t ld) {
  gb_array h;
  memset(&h, 0, sizeof h);
  h.data = (char *)buf;
  h.dtype = GB_FLOAT64;
  h.ndim = 2;
  h.shape[0] = rows; h.shape[1] = cols;
  h.strides[0] = (int64_t)sizeof(double);
  h.strides[1] = (int64_t)sizeof(double) * ld;
  h.size = rows * cols;
  return h;
}

/* malloc for n doubles (at least one, so that NULL means failure). */
static double *dalloc(gb_ctx *ctx, int64_t n) {
  return gb_alloc(ctx, sizeof(double) * (size_t)(n > 0 ? n : 1));
}

/*
** dst[j * ldd + i] = src[i * lds + j] for an r x c block: a transpose in
** tiles that fit the cache, several times faster than a strided copy for
** the large matrices where the copy is a visible part of the work.
*/
#define TILE 32
static void transpose(double *dst, int64_t ldd, const double *src, int64_t lds,
                      int64_t r, int64_t c) {
  for (int64_t i0 = 0; i0 < r; i0 += TILE)
    for (int64_t j0 = 0; j0 < c; j0 += TILE) {
      int64_t i1 = i0 + TILE < r ? i0 + TILE : r, j1 = j0 + TILE < c ? j0 + TILE : c;
      for (int64_t i = i0; i < i1; i++)
        for (int64_t j = j0; j < j1; j++) dst[j * ldd + i] = src[i * lds + j];
    }
}

/* A C-contiguous-rows float64 matrix: rows of unit stride. */
static int row_major(const gb_array *a) {
  return a->ndim == 2 && a->dtype == GB_FLOAT64 && a->strides[1] == sizeof(double) &&
         a->strides[0] >= (int64_t)sizeof(double) * a->shape[1] &&
         a->strides[0] % (int64_t)sizeof(double) == 0;
}

/* A new column-major copy of the matrix a with leading dimension ld >= its
   rows and room for cols >= its columns. */
static double *fcopy(gb_ctx *ctx, const gb_array *a, int64_t ld, int64_t cols) {
  double *buf = dalloc(ctx, ld * cols);
  if (!buf) return NULL;
  if (row_major(a)) {
    transpose(buf, ld, (const double *)a->data, a->strides[0] / (int64_t)sizeof(double),
              a->shape[0], a->shape[1]);
    return buf;
  }
  gb_array h = fheader(buf, a->shape[0], a->shape[1], ld);
  if (gb_copy(ctx, &h, a) != GB_OK) { gb_free(ctx, buf); return NULL; }
  return buf;
}

/* Write the column-major rows x cols block of buf into out (2-D) or its
   first column into out (1-D). */
static int fstore(gb_ctx *ctx, gb_array *out, double *buf, int64_t ld) {
  if (row_major(out)) {
    transpose((double *)out->data, out->strides[0] / (int64_t)sizeof(double), buf, ld,
              out->shape[1], out->shape[0]);
    return GB_OK;
  }
  gb_array h = fheader(buf, out->shape[0], out->ndim == 2 ? out->shape[1] : 1, ld);
  if (out->ndim == 1) { h.ndim = 1; h.size = out->shape[0]; }
  return gb_copy(ctx, out, &h);
}

static void setd(gb_array *a, int64_t i, int64_t j, double v) {
  gb_set_double(a->dtype, a->data + i * a->strides[0] + j * a->strides[1], v);
}

static void set_identity(gb_array *a) {
  for (int64_t i = 0; i < a->shape[0]; i++)
    for (int64_t j = 0; j < a->shape[1]; j++) setd(a, i, j, i == j);
}

/* LAPACKE's return value as a status for everything but info > 0. */
static int lapack_status(lapack_int r) {
  if (r == LAPACK_WORK_MEMORY_ERROR || r == LAPACK_TRANSPOSE_MEMORY_ERROR)
    return GB_ENOMEM;
  return r < 0 ? GB_EINVAL : GB_OK;
}

/* Dimensions must fit LAPACK's int, and their products a size_t. */
static int check_dims(int64_t m, int64_t n) {
  if (m > INT_MAX || n > INT_MAX || (n > 0 && m > INT64_MAX / n / 8))
    return GB_EOVERFLOW;
  return GB_OK;
}

int gb_all_finite(const gb_array *a) {
  if (a->dtype != GB_FLOAT64 && a->dtype != GB_FLOAT32) return 1;
  gb_iter it;
  if (!gb_iter_init(&it, 1, (const gb_array *[]){a})) return 1;
  do {
    const char *p = it.ptr[0];
    if (a->dtype == GB_FLOAT64) {
      for (int64_t i = 0; i < it.n; i++)
        if (!isfinite(*(const double *)(p + i * it.stride[0]))) return 0;
    } else {
      for (int64_t i = 0; i < it.n; i++)
        if (!isfinite(*(const float *)(p + i * it.stride[0]))) return 0;
    }
  } while (gb_iter_next(&it));
  return 1;
}

/* The checks every square-matrix routine starts with. */
static int check_square(const gb_array *A) {
  if (A->ndim != 2 || A->shape[0] != A->shape[1]) return GB_ESHAPE;
  if (check_dims(A->shape[0], A->shape[0]) != GB_OK) return GB_EOVERFLOW;
  return gb_all_finite(A) ? GB_OK : GB_ENONFINITE;
}

/* Solving and inverting ----------------------------------------------------- */

/* Solve A X = B in place of b (n x m, ld n); *info = pivot when singular. */
static int gesv(gb_ctx *ctx, const gb_array *A, double *b, int64_t m, int64_t *info) {
  GB_NEED_BLAS(api);
  int64_t n = A->shape[0];
  double *a = fcopy(ctx, A, n, n);
  lapack_int *ipiv = gb_alloc(ctx, sizeof(lapack_int) * (size_t)(n > 0 ? n : 1));
  int st = GB_ENOMEM;
  if (a && ipiv) {
    lapack_int r = api->dgesv(LAPACK_COL_MAJOR, (lapack_int)n, (lapack_int)m,
                                 a, (lapack_int)n, ipiv, b, (lapack_int)n);
    st = lapack_status(r);
    if (r > 0) { st = GB_ESINGULAR; if (info) *info = r; }
  }
  gb_free(ctx, a);
  gb_free(ctx, ipiv);
  return st;
}

int gb_solve(gb_ctx *ctx, gb_array *x, const gb_array *A, const gb_array *B, int64_t *info) {
  int st = check_square(A);
  if (st != GB_OK) return st;
  int64_t n = A->shape[0];
  if (B->ndim != 2 || B->shape[0] != n || x->ndim != 2 ||
      x->shape[0] != n || x->shape[1] != B->shape[1])
    return GB_ESHAPE;
  int64_t m = B->shape[1];
  if (n == 0 || m == 0) return GB_OK;
  if (check_dims(n, m) != GB_OK) return GB_EOVERFLOW;
  if (!gb_all_finite(B)) return GB_ENONFINITE;
  double *b = fcopy(ctx, B, n, m);
  if (!b) return GB_ENOMEM;
  st = gesv(ctx, A, b, m, info);
  if (st == GB_OK) st = fstore(ctx, x, b, n);
  gb_free(ctx, b);
  return st;
}

int gb_inv(gb_ctx *ctx, gb_array *out, const gb_array *A, int64_t *info) {
  int st = check_square(A);
  if (st != GB_OK) return st;
  int64_t n = A->shape[0];
  if (out->ndim != 2 || out->shape[0] != n || out->shape[1] != n) return GB_ESHAPE;
  if (n == 0) return GB_OK;
  double *b = dalloc(ctx, n * n);
  if (!b) return GB_ENOMEM;
  memset(b, 0, sizeof(double) * (size_t)(n * n));
  for (int64_t i = 0; i < n; i++) b[i * n + i] = 1.0;
  st = gesv(ctx, A, b, n, info);
  if (st == GB_OK) st = fstore(ctx, out, b, n);
  gb_free(ctx, b);
  return st;
}

/* LU-factorize a copy of A (dense.h): the diagonal of U into *diag
   (gb_alloc'd), and the sign of the row permutation. */
static int lu_diagonal(gb_ctx *ctx, const gb_array *A, double **diag, int *perm_sign) {
  if (!gb_blas()) return GB_ENOLIB;
  int64_t n = A->shape[0];
  if (n == 0) {                        /* the empty product: det 1 */
    *perm_sign = 1;
    return (*diag = dalloc(ctx, 1)) ? GB_OK : GB_ENOMEM;
  }
  double *a = fcopy(ctx, A, n, n);
  int *ipiv = gb_alloc_n(ctx, (size_t)n, sizeof(int));
  double *d = dalloc(ctx, n);
  int st = GB_ENOMEM;
  if (a && ipiv && d) {
    st = gb_lu_factor(ctx, a, n, n, ipiv);
    if (st == GB_ESINGULAR) st = GB_OK;        /* an exact zero pivot: det 0 */
    int s = 1;
    for (int64_t i = 0; i < n; i++) {
      d[i] = a[i * n + i];
      if (ipiv[i] != i + 1) s = -s;
    }
    *perm_sign = s;
  }
  gb_free(ctx, a);
  gb_free(ctx, ipiv);
  if (st != GB_OK) { gb_free(ctx, d); return st; }
  *diag = d;
  return GB_OK;
}

int gb_det(gb_ctx *ctx, const gb_array *A, double *det) {
  int st = check_square(A), s;
  double *d;
  if (st != GB_OK) return st;
  if ((st = lu_diagonal(ctx, A, &d, &s)) != GB_OK) return st;
  double p = s;
  for (int64_t i = 0; i < A->shape[0]; i++) p *= d[i];
  gb_free(ctx, d);
  *det = p;
  return GB_OK;
}

int gb_slogdet(gb_ctx *ctx, const gb_array *A, double *sign, double *logabs) {
  int st = check_square(A), s;
  double *d;
  if (st != GB_OK) return st;
  if ((st = lu_diagonal(ctx, A, &d, &s)) != GB_OK) return st;
  double l = 0.0;
  for (int64_t i = 0; i < A->shape[0]; i++) {
    if (d[i] == 0.0) { s = 0; l = -INFINITY; break; }
    if (d[i] < 0) s = -s;
    l += log(fabs(d[i]));
  }
  gb_free(ctx, d);
  *sign = s;
  *logabs = l;
  return GB_OK;
}

/* Factorizations ------------------------------------------------------------ */

int gb_cholesky(gb_ctx *ctx, gb_array *L, const gb_array *A, int64_t *info) {
  GB_NEED_BLAS(api);
  int st = check_square(A);
  if (st != GB_OK) return st;
  int64_t n = A->shape[0];
  if (L->ndim != 2 || L->shape[0] != n || L->shape[1] != n) return GB_ESHAPE;
  if (n == 0) return GB_OK;
  double *a = fcopy(ctx, A, n, n);
  if (!a) return GB_ENOMEM;
  lapack_int r = api->dpotrf(LAPACK_COL_MAJOR, 'L', (lapack_int)n, a, (lapack_int)n);
  st = lapack_status(r);
  if (r > 0) { st = GB_ENOTPD; if (info) *info = r; }
  if (st == GB_OK) {
    for (int64_t j = 1; j < n; j++)            /* potrf leaves the upper part */
      for (int64_t i = 0; i < j; i++) a[i + j * n] = 0.0;
    st = fstore(ctx, L, a, n);
  }
  gb_free(ctx, a);
  return st;
}

int gb_qr(gb_ctx *ctx, gb_array *Q, gb_array *R, const gb_array *A, int complete) {
  GB_NEED_BLAS(api);
  if (A->ndim != 2) return GB_ESHAPE;
  int64_t m = A->shape[0], n = A->shape[1], k = m < n ? m : n;
  int64_t qc = complete ? m : k, rr = complete ? m : k;
  if (R->ndim != 2 || R->shape[0] != rr || R->shape[1] != n) return GB_ESHAPE;
  if (Q && (Q->ndim != 2 || Q->shape[0] != m || Q->shape[1] != qc)) return GB_ESHAPE;
  if (check_dims(m, n > m ? n : m) != GB_OK) return GB_EOVERFLOW;
  if (!gb_all_finite(A)) return GB_ENONFINITE;
  if (k == 0) {
    for (int64_t i = 0; i < rr; i++)
      for (int64_t j = 0; j < n; j++) setd(R, i, j, 0.0);
    if (Q) set_identity(Q);
    return GB_OK;
  }
  int64_t cols = n > qc ? n : qc;
  double *a = fcopy(ctx, A, m, cols), *tau = dalloc(ctx, k);
  int st = GB_ENOMEM;
  if (!a || !tau) goto done;
  /* the columns past n are only room for orgqr, but LAPACKE's NaN check
     reads them: make them zero */
  memset(a + m * n, 0, sizeof(double) * (size_t)(m * (cols - n)));
  st = lapack_status(api->dgeqrf(LAPACK_COL_MAJOR, (lapack_int)m, (lapack_int)n,
                                    a, (lapack_int)m, tau));
  if (st != GB_OK) goto done;
  for (int64_t i = 0; i < rr; i++)
    for (int64_t j = 0; j < n; j++) setd(R, i, j, i <= j ? a[i + j * m] : 0.0);
  if (Q) {
    st = lapack_status(api->dorgqr(LAPACK_COL_MAJOR, (lapack_int)m, (lapack_int)qc,
                                      (lapack_int)k, a, (lapack_int)m, tau));
    if (st == GB_OK) st = fstore(ctx, Q, a, m);
  }
done:
  gb_free(ctx, a);
  gb_free(ctx, tau);
  return st;
}

int gb_svd(gb_ctx *ctx, gb_array *U, gb_array *S, gb_array *Vt, const gb_array *A, int full) {
  GB_NEED_BLAS(api);
  if (A->ndim != 2) return GB_ESHAPE;
  int64_t m = A->shape[0], n = A->shape[1], k = m < n ? m : n;
  int64_t uc = full ? m : k, vr = full ? n : k;
  if (S->ndim != 1 || S->shape[0] != k) return GB_ESHAPE;
  if ((U == NULL) != (Vt == NULL)) return GB_EINVAL;
  if (U && (U->ndim != 2 || U->shape[0] != m || U->shape[1] != uc ||
            Vt->ndim != 2 || Vt->shape[0] != vr || Vt->shape[1] != n))
    return GB_ESHAPE;
  if (check_dims(m, n > m ? n : m) != GB_OK) return GB_EOVERFLOW;
  if (!gb_all_finite(A)) return GB_ENONFINITE;
  if (k == 0) {
    if (U) { set_identity(U); set_identity(Vt); }
    return GB_OK;
  }
  double *a = fcopy(ctx, A, m, n), *s = dalloc(ctx, k), *u = NULL, *vt = NULL;
  int st = GB_ENOMEM;
  if (!a || !s) goto done;
  if (U && (!(u = dalloc(ctx, m * uc)) || !(vt = dalloc(ctx, vr * n)))) goto done;
  lapack_int r = api->dgesdd(LAPACK_COL_MAJOR, U ? (full ? 'A' : 'S') : 'N',
                                (lapack_int)m, (lapack_int)n, a, (lapack_int)m, s,
                                u, U ? (lapack_int)m : 1, vt, U ? (lapack_int)vr : 1);
  st = r > 0 ? GB_ENOCONV : lapack_status(r);
  if (st == GB_OK) st = fstore(ctx, S, s, k);
  if (st == GB_OK && U) st = fstore(ctx, U, u, m);
  if (st == GB_OK && U) st = fstore(ctx, Vt, vt, vr);
done:
  gb_free(ctx, a); gb_free(ctx, s); gb_free(ctx, u); gb_free(ctx, vt);
  return st;
}

int gb_eigh(gb_ctx *ctx, gb_array *w, gb_array *V, const gb_array *A) {
  GB_NEED_BLAS(api);
  int st = check_square(A);
  if (st != GB_OK) return st;
  int64_t n = A->shape[0];
  if (w->ndim != 1 || w->shape[0] != n) return GB_ESHAPE;
  if (V && (V->ndim != 2 || V->shape[0] != n || V->shape[1] != n)) return GB_ESHAPE;
  if (n == 0) return GB_OK;
  double *a = fcopy(ctx, A, n, n), *e = dalloc(ctx, n);
  st = GB_ENOMEM;
  if (a && e) {
    lapack_int r = api->dsyevd(LAPACK_COL_MAJOR, V ? 'V' : 'N', 'L',
                                  (lapack_int)n, a, (lapack_int)n, e);
    st = r > 0 ? GB_ENOCONV : lapack_status(r);
    if (st == GB_OK) st = fstore(ctx, w, e, n);
    if (st == GB_OK && V) st = fstore(ctx, V, a, n);
  }
  gb_free(ctx, a);
  gb_free(ctx, e);
  return st;
}

int gb_eig(gb_ctx *ctx, gb_array *wr, gb_array *wi, gb_array *Vr, gb_array *Vi,
           const gb_array *A) {
  GB_NEED_BLAS(api);
  int st = check_square(A);
  if (st != GB_OK) return st;
  int64_t n = A->shape[0];
  if (wr->ndim != 1 || wr->shape[0] != n || wi->ndim != 1 || wi->shape[0] != n)
    return GB_ESHAPE;
  if ((Vr == NULL) != (Vi == NULL)) return GB_EINVAL;
  if (Vr && (Vr->ndim != 2 || Vr->shape[0] != n || Vr->shape[1] != n ||
             Vi->ndim != 2 || Vi->shape[0] != n || Vi->shape[1] != n))
    return GB_ESHAPE;
  if (n == 0) return GB_OK;
  double *a = fcopy(ctx, A, n, n), *re = dalloc(ctx, n), *im = dalloc(ctx, n), *v = NULL;
  st = GB_ENOMEM;
  if (!a || !re || !im || (Vr && !(v = dalloc(ctx, n * n)))) goto done;
  lapack_int r = api->dgeev(LAPACK_COL_MAJOR, 'N', Vr ? 'V' : 'N', (lapack_int)n,
                               a, (lapack_int)n, re, im, NULL, 1, v, Vr ? (lapack_int)n : 1);
  st = r > 0 ? GB_ENOCONV : lapack_status(r);
  if (st != GB_OK) goto done;
  if ((st = fstore(ctx, wr, re, n)) != GB_OK || (st = fstore(ctx, wi, im, n)) != GB_OK) goto done;
  if (Vr) {
    /* geev packs a conjugate pair j, j+1 as the real and imaginary parts of
       the first vector in columns j and j+1. */
    for (int64_t j = 0; j < n; j++) {
      if (im[j] != 0.0 && j + 1 < n) {
        for (int64_t i = 0; i < n; i++) {
          double x = v[i + j * n], y = v[i + (j + 1) * n];
          setd(Vr, i, j, x); setd(Vi, i, j, y);
          setd(Vr, i, j + 1, x); setd(Vi, i, j + 1, -y);
        }
        j++;
      } else {
        for (int64_t i = 0; i < n; i++) { setd(Vr, i, j, v[i + j * n]); setd(Vi, i, j, 0.0); }
      }
    }
  }
done:
  gb_free(ctx, a); gb_free(ctx, re); gb_free(ctx, im); gb_free(ctx, v);
  return st;
}

/* Least squares and the pseudo-inverse -------------------------------------- */

int gb_lstsq(gb_ctx *ctx, gb_array *x, gb_array *resid, int *have_resid, gb_array *S,
             int64_t *rank, const gb_array *A, const gb_array *B, double rcond) {
  GB_NEED_BLAS(api);
  if (A->ndim != 2 || B->ndim != 2) return GB_ESHAPE;
  int64_t m = A->shape[0], n = A->shape[1], nrhs = B->shape[1], k = m < n ? m : n;
  int64_t ldb = m > n ? m : n;
  if (ldb < 1) ldb = 1;
  if (B->shape[0] != m || x->ndim != 2 || x->shape[0] != n || x->shape[1] != nrhs ||
      S->ndim != 1 || S->shape[0] != k || resid->ndim != 1 || resid->shape[0] != nrhs)
    return GB_ESHAPE;
  if (check_dims(ldb, n > nrhs ? n : nrhs) != GB_OK) return GB_EOVERFLOW;
  if (!gb_all_finite(A) || !gb_all_finite(B)) return GB_ENONFINITE;
  if (rcond < 0) rcond = DBL_EPSILON * (double)(m > n ? m : n);
  double *a = fcopy(ctx, A, m > 0 ? m : 1, n), *b = dalloc(ctx, ldb * nrhs), *s = dalloc(ctx, k);
  int st = GB_ENOMEM;
  if (!a || !b || !s) goto done;
  memset(b, 0, sizeof(double) * (size_t)(ldb * nrhs));
  gb_array hb = fheader(b, m, nrhs, ldb);
  if ((st = gb_copy(ctx, &hb, B)) != GB_OK) goto done;
  lapack_int rk = 0;
  if (k > 0 && nrhs > 0) {
    lapack_int r = api->dgelsd(LAPACK_COL_MAJOR, (lapack_int)m, (lapack_int)n,
                                  (lapack_int)nrhs, a, (lapack_int)(m > 0 ? m : 1), b,
                                  (lapack_int)ldb, s, rcond, &rk);
    st = r > 0 ? GB_ENOCONV : lapack_status(r);
    if (st != GB_OK) goto done;
  } else if (k > 0) {              /* no right-hand side: rank from the SVD */
    gb_array hs = fheader(s, k, 1, k);
    hs.ndim = 1;
    if ((st = gb_svd(ctx, NULL, &hs, NULL, A, 0)) != GB_OK) goto done;
    for (int64_t i = 0; i < k; i++) rk += s[i] > rcond * s[0];
  } else {
    memset(b, 0, sizeof(double) * (size_t)(ldb * nrhs));   /* x = 0 */
  }
  *rank = rk;
  *have_resid = rk == n && m > n;
  for (int64_t j = 0; j < nrhs; j++) {
    double r = 0.0;
    for (int64_t i = n; *have_resid && i < m; i++) r += b[i + j * ldb] * b[i + j * ldb];
    gb_set_double(resid->dtype, resid->data + j * resid->strides[0], r);
  }
  gb_array hx = fheader(b, n, nrhs, ldb);
  if ((st = gb_copy(ctx, x, &hx)) != GB_OK) goto done;
  if (k > 0) st = fstore(ctx, S, s, k);
done:
  gb_free(ctx, a); gb_free(ctx, b); gb_free(ctx, s);
  return st;
}

int gb_pinv(gb_ctx *ctx, gb_array *out, const gb_array *A, double rcond) {
  GB_NEED_BLAS(api);
  if (A->ndim != 2) return GB_ESHAPE;
  int64_t m = A->shape[0], n = A->shape[1], k = m < n ? m : n;
  if (out->ndim != 2 || out->shape[0] != n || out->shape[1] != m) return GB_ESHAPE;
  if (k == 0) {
    for (int64_t i = 0; i < n; i++)
      for (int64_t j = 0; j < m; j++) setd(out, i, j, 0.0);
    return GB_OK;
  }
  if (check_dims(m, n > m ? n : m) != GB_OK) return GB_EOVERFLOW;
  if (!gb_all_finite(A)) return GB_ENONFINITE;
  double *a = fcopy(ctx, A, m, n), *s = dalloc(ctx, k), *u = dalloc(ctx, m * k), *vt = dalloc(ctx, k * n),
         *p = dalloc(ctx, n * m);
  int st = GB_ENOMEM;
  if (!a || !s || !u || !vt || !p) goto done;
  lapack_int r = api->dgesdd(LAPACK_COL_MAJOR, 'S', (lapack_int)m, (lapack_int)n,
                                a, (lapack_int)m, s, u, (lapack_int)m, vt, (lapack_int)k);
  st = r > 0 ? GB_ENOCONV : lapack_status(r);
  if (st != GB_OK) goto done;
  double cut = rcond * s[0];
  for (int64_t i = 0; i < k; i++) {               /* U[:, i] /= s_i, or drop it */
    double f = s[i] > cut ? 1.0 / s[i] : 0.0;
    for (int64_t j = 0; j < m; j++) u[j + i * m] *= f;
  }
  /* pinv = Vt^T (U / s)^T, an (n, m) product */
  api->dgemm(CblasColMajor, CblasTrans, CblasTrans, (int)n, (int)m, (int)k, 1.0,
              vt, (int)k, u, (int)m, 0.0, p, (int)n);
  st = fstore(ctx, out, p, n);
done:
  gb_free(ctx, a); gb_free(ctx, s); gb_free(ctx, u); gb_free(ctx, vt); gb_free(ctx, p);
  return st;
}
