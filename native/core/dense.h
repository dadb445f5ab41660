/*
** Dense linear algebra on raw buffers, for core callers (the stiff ODE
** solvers' Newton matrices, multivariate normals, Gaussian estimators).
**
** Matrices are plain double buffers in column-major order, LAPACK's own:
** element (i, j) of an n x n matrix with leading dimension lda >= n is
** a[i + j * lda].  A row-major matrix is the transpose of the same buffer
** read column-major, so a caller holding one factors A^T (for a symmetric
** matrix, the same thing).  Right-hand sides b are n x nrhs, column-major,
** leading dimension n.
**
** LU and Cholesky go through LAPACKE (blas.h), loaded on first use:
** GB_ENOLIB when it cannot be, and gb_blas_error() says why.  The buffers
** are the caller's; nothing is allocated here but LAPACKE's own scratch.
** Inputs must be finite: LAPACK cannot be interrupted and may return
** garbage on NaN.
*/
#ifndef GB_DENSE_H
#define GB_DENSE_H

#include <stdint.h>

#include "ctx.h"

/*
** A = P L U with partial pivoting, in place: a receives L (unit diagonal,
** not stored) below the diagonal and U on and above it; ipiv (n) the
** 1-based row interchanges.  GB_ESINGULAR when some U(i, i) is exactly
** zero: the factorization is complete even then (the determinant is 0),
** and the first such i is LAPACK's "info".
*/
int gb_lu_factor(gb_ctx *ctx, double *a, int64_t n, int64_t lda, int *ipiv);

/* Solve A x = b in place of b (n x nrhs), from gb_lu_factor's lu and ipiv
   (which must have succeeded). */
int gb_lu_solve(const double *lu, int64_t n, int64_t lda, const int *ipiv,
                double *b, int64_t nrhs);

/*
** A = L L^T for symmetric positive definite A, in place: only the lower
** triangle is read, and it receives L; the strict upper triangle is left
** as it was.  GB_ENOTPD when a leading minor is not positive definite
** (the lower triangle is then partly overwritten).
*/
int gb_cholesky_factor(gb_ctx *ctx, double *a, int64_t n, int64_t lda);

/* Solve A x = b in place of b (n x nrhs), from gb_cholesky_factor's L. */
int gb_cholesky_solve(const double *l, int64_t n, int64_t lda, double *b, int64_t nrhs);

/*
** The lower Cholesky factor of a symmetric positive semi-definite d x d
** matrix, row-major (a[i * d + j]), overwritten with L and its upper
** triangle zeroed.  Plain C, no LAPACK: pivots within rounding of zero
** count as zero (singular, semi-definite matrices), and give zero columns
** when the rest of their column vanishes too.  GB_ENOTPD when a is not
** positive semi-definite.  Multivariate normal draws use it on covariances
** that are often exactly singular.
*/
int gb_cholesky_psd(double *a, int64_t d);

#endif
