/*
** Dense linear algebra on gb_array operands, through CBLAS (OpenBLAS) and
** LAPACKE.
**
** Inputs may have any strides and are never modified: factorizations copy
** their input into a column-major float64 work buffer first, as NumPy does,
** so LAPACK sees its native layout and no result is silently transposed.
** Outputs are arrays the caller allocated with the documented shapes (any
** strides, float64 or float32: results are converted on the way out).
** Every routine computes in float64, float32 inputs included.
**
** Matrix inputs must hold finite values (GB_ENONFINITE otherwise): LAPACK
** may loop for a long time or return garbage on NaN, and cannot be
** interrupted once it runs.  *info, where given, receives the detail of a
** failure: the 1-based pivot of a singular matrix, or the order of the
** leading minor that is not positive definite.
*/
#ifndef GB_LINALG_H
#define GB_LINALG_H

#include "ndarray.h"

/*
** out = a @ b for operands of shape (..., n, k) and (..., k, m); the batch
** axes broadcast and out has shape (batch..., n, m).  All three have the
** same dtype: float64 and float32 through BLAS, int64 and bool exactly
** (integers wrap around on overflow, bool is "or of ands").  Small
** matrices use a direct loop, large batches are split across threads.
*/
int gb_matmul(gb_ctx *ctx, gb_array *out, const gb_array *a, const gb_array *b);

/* 1 when every element of a is finite (always 1 for int64 and bool). */
int gb_all_finite(const gb_array *a);

/* x (n, m) solves A x = B for A (n, n) and B (n, m). */
int gb_solve(gb_ctx *ctx, gb_array *x, const gb_array *A, const gb_array *B, int64_t *info);

/* out (n, n) = A^-1. */
int gb_inv(gb_ctx *ctx, gb_array *out, const gb_array *A, int64_t *info);

/* The determinant of A as sign * exp(logabs); sign 0 and logabs -inf when
   A is exactly singular. */
int gb_slogdet(gb_ctx *ctx, const gb_array *A, double *sign, double *logabs);

/* The determinant as the product of the LU diagonal (may overflow to
   +-inf, like NumPy's det). */
int gb_det(gb_ctx *ctx, const gb_array *A, double *det);

/* L (n, n) lower triangular with A = L L^T, for symmetric positive definite
   A (only A's lower triangle is read). */
int gb_cholesky(gb_ctx *ctx, gb_array *L, const gb_array *A, int64_t *info);

/*
** A (m, n) = Q R.  Reduced (complete = 0): Q (m, k), R (k, n) with
** k = min(m, n).  Complete: Q (m, m), R (m, n).  Q may be NULL when only R
** is wanted.
*/
int gb_qr(gb_ctx *ctx, gb_array *Q, gb_array *R, const gb_array *A, int complete);

/*
** A (m, n) = U diag(S) Vt with S (k) descending, k = min(m, n).  Full:
** U (m, m), Vt (n, n); economy: U (m, k), Vt (k, n).  U and Vt NULL: the
** singular values only.
*/
int gb_svd(gb_ctx *ctx, gb_array *U, gb_array *S, gb_array *Vt, const gb_array *A, int full);

/* w (n) ascending eigenvalues and V (n, n) orthonormal eigenvectors (as
   columns) of the symmetric A, from its lower triangle.  V may be NULL. */
int gb_eigh(gb_ctx *ctx, gb_array *w, gb_array *V, const gb_array *A);

/*
** Eigenvalues wr + i wi (n each) and eigenvectors Vr + i Vi (n, n, as
** columns, unit norm) of a general real A; complex ones come in conjugate
** pairs, positive imaginary part first.  Vr and Vi may be NULL.
*/
int gb_eig(gb_ctx *ctx, gb_array *wr, gb_array *wi, gb_array *Vr, gb_array *Vi,
           const gb_array *A);

/*
** Least squares: x (n, nrhs) minimising |A x - B| for A (m, n), B (m, nrhs),
** singular values of A below rcond * max(S) treated as zero (rcond < 0:
** machine epsilon times max(m, n)).  S (min(m, n)) receives the singular
** values, *rank the effective rank; resid (nrhs) the squared residual norms,
** computed only when rank == n and m > n (*have_resid tells).
*/
int gb_lstsq(gb_ctx *ctx, gb_array *x, gb_array *resid, int *have_resid, gb_array *S,
             int64_t *rank, const gb_array *A, const gb_array *B, double rcond);

/* out (n, m) = the pseudo-inverse of A (m, n), singular values at most
   rcond * max(S) dropped. */
int gb_pinv(gb_ctx *ctx, gb_array *out, const gb_array *A, double rcond);

/*
** out (n, n) = e^A by scaling and squaring with a degree-13 Padé
** approximant (Higham 2005, the method of SciPy's expm).
*/
int gb_expm(gb_ctx *ctx, gb_array *out, const gb_array *A);

/*
** Norms.  Vector norms over all elements of a: p = INFINITY (max |x|),
** -INFINITY (min |x|), 0 (count of non-zeros), otherwise (sum |x|^p)^(1/p);
** p = 2 is scaled so that it neither overflows nor underflows.
*/
int gb_vector_norm(const gb_array *a, double p, double *out);

/* Matrix norms of a 2-D a, named as NumPy's ord: "fro", "nuc", "1", "-1",
   "2", "-2", "inf", "-inf". */
int gb_matrix_norm(gb_ctx *ctx, const gb_array *a, const char *ord, double *out);

/* OpenBLAS threads (GB_ENOLIB without OpenBLAS); gb_blas_threads()
   reports the current count (0 without OpenBLAS). */
int gb_blas_set_threads(int n);
int gb_blas_threads(void);

#endif
