/*
** Dense LU and Cholesky on raw column-major buffers (see dense.h), and the
** semi-definite Cholesky factor of multivariate normals.
*/
#include <limits.h>
#include <math.h>

#include "blas.h"
#include "dense.h"

/* ipiv is handed to LAPACKE as is. */
_Static_assert(sizeof(lapack_int) == sizeof(int), "LAPACKE's integers must be int");

/*
** The checks every routine starts with: sizes LAPACK's int can hold and a
** leading dimension that covers a column.  GB_OK with *empty set when
** there is nothing to do.
*/
static int check_dims(int64_t n, int64_t lda, int64_t nrhs, int *empty) {
  if (n < 0 || nrhs < 0) return GB_EINVAL;
  if (n > INT_MAX || lda > INT_MAX || nrhs > INT_MAX) return GB_EOVERFLOW;
  if (lda < (n > 1 ? n : 1)) return GB_EINVAL;
  *empty = n == 0 || nrhs == 0;
  return GB_OK;
}

/* LAPACKE's return value as a status.  Our arguments are checked first, so
   a negative one is LAPACKE's own scan finding NaN in the input. */
static int lapacke_status(lapack_int r, int failure) {
  if (r == LAPACK_WORK_MEMORY_ERROR || r == LAPACK_TRANSPOSE_MEMORY_ERROR) return GB_ENOMEM;
  if (r < 0) return GB_ENONFINITE;
  return r > 0 ? failure : GB_OK;
}

/* LU ------------------------------------------------------------------------ */

int gb_lu_factor(gb_ctx *ctx, double *a, int64_t n, int64_t lda, int *ipiv) {
  (void)ctx;                 /* LAPACK runs to the end once started */
  int empty, st = check_dims(n, lda, 1, &empty);
  if (st != GB_OK || empty) return st;
  GB_NEED_BLAS(api);
  return lapacke_status(api->dgetrf(LAPACK_COL_MAJOR, (lapack_int)n, (lapack_int)n, a,
                                    (lapack_int)lda, ipiv), GB_ESINGULAR);
}

int gb_lu_solve(const double *lu, int64_t n, int64_t lda, const int *ipiv,
                double *b, int64_t nrhs) {
  int empty, st = check_dims(n, lda, nrhs, &empty);
  if (st != GB_OK || empty) return st;
  GB_NEED_BLAS(api);
  return lapacke_status(api->dgetrs(LAPACK_COL_MAJOR, 'N', (lapack_int)n, (lapack_int)nrhs,
                                    lu, (lapack_int)lda, ipiv, b, (lapack_int)n), GB_EINVAL);
}

/* Cholesky ------------------------------------------------------------------ */

int gb_cholesky_factor(gb_ctx *ctx, double *a, int64_t n, int64_t lda) {
  (void)ctx;
  int empty, st = check_dims(n, lda, 1, &empty);
  if (st != GB_OK || empty) return st;
  GB_NEED_BLAS(api);
  return lapacke_status(api->dpotrf(LAPACK_COL_MAJOR, 'L', (lapack_int)n, a, (lapack_int)lda),
                        GB_ENOTPD);
}

int gb_cholesky_solve(const double *l, int64_t n, int64_t lda, double *b, int64_t nrhs) {
  int empty, st = check_dims(n, lda, nrhs, &empty);
  if (st != GB_OK || empty) return st;
  GB_NEED_BLAS(api);
  return lapacke_status(api->dpotrs(LAPACK_COL_MAJOR, 'L', (lapack_int)n, (lapack_int)nrhs,
                                    l, (lapack_int)lda, b, (lapack_int)n), GB_EINVAL);
}

/* Semi-definite Cholesky ------------------------------------------------------ */

int gb_cholesky_psd(double *a, int64_t d) {
  double maxdiag = 0;
  for (int64_t i = 0; i < d; i++) {
    double v = a[i * d + i];
    if (!(v >= 0) || !isfinite(v)) return GB_ENOTPD;
    if (v > maxdiag) maxdiag = v;
  }
  /* pivots within tol of zero count as zero (semi-definite) */
  double tol = (double)d * 4 * 2.220446049250313e-16 * maxdiag;
  for (int64_t j = 0; j < d; j++) {
    double s = a[j * d + j];
    for (int64_t k = 0; k < j; k++) s -= a[j * d + k] * a[j * d + k];
    if (s < -tol) return GB_ENOTPD;
    if (s <= tol) {
      /* a zero pivot: the rest of the column must vanish too */
      for (int64_t i = j + 1; i < d; i++) {
        double t = a[i * d + j];
        for (int64_t k = 0; k < j; k++) t -= a[i * d + k] * a[j * d + k];
        if (fabs(t) > sqrt(tol * maxdiag) * 4) return GB_ENOTPD;
        a[i * d + j] = 0;
      }
      a[j * d + j] = 0;
    } else {
      double ljj = sqrt(s);
      a[j * d + j] = ljj;
      for (int64_t i = j + 1; i < d; i++) {
        double t = a[i * d + j];
        for (int64_t k = 0; k < j; k++) t -= a[i * d + k] * a[j * d + k];
        a[i * d + j] = t / ljj;
      }
    }
    for (int64_t i = 0; i < j; i++) a[i * d + j] = 0;   /* upper triangle */
  }
  return GB_OK;
}
