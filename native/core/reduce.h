/*
** Reductions over arrays.
**
** gb_reduce folds an array over any set of its axes (sum, product,
** extremes, counts, and the sums behind mean, var, logsumexp and norms).
** The per-lane kernels work along one axis: argmin/argmax, cumulative
** sums and products, and quantiles, through gb_for_lanes (ndarray.h).
**
** Axes are 0-based.  Outputs are caller-owned and given in "keepdims"
** form: the same number of dimensions as the input, with extent 1 on the
** reduced axes (any strides).
*/
#ifndef GB_REDUCE_H
#define GB_REDUCE_H

#include "ndarray.h"

/*
** Folds.  The accumulator is the output's dtype:
**   float64 output: every op, any input dtype (values read as doubles).
**   int64 output: GB_RSUM, GB_RPROD (wrapping like NumPy), GB_RMIN and
**   GB_RMAX for int64 and bool input; the counts GB_RCOUNT, GB_RCOUNTNUM,
**   GB_RANY and GB_RALL for any input (they need an int64 output).
** Sums of doubles are pairwise (NumPy's scheme: blocks of 128 summed with
** 8 partial sums) along the innermost reduced run, and accumulated in
** place across outer reduced axes.
*/
typedef enum gb_redop {
  GB_RSUM,        /* sum; empty: 0 */
  GB_RPROD,       /* product; empty: 1 */
  GB_RMIN,        /* NaN propagates; empty: +inf (callers reject it) */
  GB_RMAX,
  GB_RNANSUM,     /* NaN counted as 0 */
  GB_RNANMIN,     /* NaN ignored; all-NaN or empty: NaN */
  GB_RNANMAX,
  GB_RSUMSQ,      /* sum of (x - m)^2, m from aux (0 without aux) */
  GB_RSUMEXP,     /* sum of exp(x - m), m from aux (0 without aux) */
  GB_RSUMABS,     /* sum of |x| */
  GB_RSUMPOW,     /* sum of |x|^p */
  GB_RMAXABS,     /* max of |x|, NaN propagates; empty: 0 */
  GB_RMINABS,     /* min of |x|, NaN propagates; empty: +inf */
  GB_RCOUNT,      /* number of nonzero elements (NaN is nonzero) */
  GB_RCOUNTNUM,   /* number of elements that are not NaN */
  GB_RANY,        /* 1 if any element is nonzero, else 0 */
  GB_RALL,        /* 1 if every element is nonzero (empty: 1) */
  GB_NREDOP
} gb_redop;

/*
** Fold a over the axes where out has extent 1 and a does not (an axis of
** extent 1 in both is reduced or not, which is the same thing).  aux, when
** not NULL, is a float64 array of out's shape holding m for GB_RSUMSQ and
** GB_RSUMEXP.  p is the power of GB_RSUMPOW.
** Returns GB_ESHAPE for mismatched shapes, GB_EDTYPE for an op the output
** dtype cannot hold, GB_EINTERRUPTED when interrupted (out is then
** partial).
*/
int gb_reduce(gb_ctx *ctx, int op, const gb_array *a, gb_array *out, const gb_array *aux,
              double p);

/*
** Positions of the first maximum (minimum) along axis, 1-based, written to
** out (int64, extent 1 along axis).  NaN counts as the extreme: the first
** NaN wins, like NumPy.  The axis must not be empty.
*/
int gb_argmax(gb_ctx *ctx, const gb_array *a, int axis, gb_array *out);
int gb_argmin(gb_ctx *ctx, const gb_array *a, int axis, gb_array *out);

/*
** Running sums and products along axis into out (a's shape; float64
** output for any input, or int64 output for int64 and bool input, which
** wraps like NumPy).
*/
int gb_cumsum(gb_ctx *ctx, const gb_array *a, int axis, gb_array *out);
int gb_cumprod(gb_ctx *ctx, const gb_array *a, int axis, gb_array *out);

/*
** Quantiles along axis with NumPy's default linear interpolation: for each
** of the nq probabilities q (in [0, 1]), out (float64, extent nq along
** axis) receives the quantile of the lane.  median: the mean of the two
** middle values, as numpy.median computes it, instead of q.  A lane
** holding NaN gives NaN, an empty lane NaN.
*/
int gb_quantile(gb_ctx *ctx, const gb_array *a, int axis, int nq, const double *q,
                int median, gb_array *out);

/* The sum of n contiguous doubles, pairwise as array sums are. */
double gb_sum_doubles(const double *x, int64_t n);

/* The largest of n contiguous doubles, NaN left out (-inf if n is 0 or
   all are NaN): SSE2 lanes, for kernels that hold plain buffers. */
double gb_max_doubles(const double *x, int64_t n);

#endif
