/*
** Sorting and selection along an axis.
**
** Every order here is NumPy's: ascending, NaN after everything else, and
** stable (equal elements keep their order).  Internally values become
** 64-bit keys whose unsigned order is that order (-0.0 and 0.0 share a
** key, every NaN has the largest key), so one radix sort and one
** selection routine serve all dtypes.
**
** Indices written to arrays are 1-based, as gibbs users see them.
*/
#ifndef GB_SORT_H
#define GB_SORT_H

#include "ndarray.h"

/* Order-preserving keys of doubles, and back (a NaN key gives a NaN). */
uint64_t gb_key_f64(double x);
double gb_unkey_f64(uint64_t k);

/*
** Stable LSD radix sort of n keys, carrying idx along when it is not
** NULL.  tkey (and tidx) are scratch space of n elements.  Returns
** GB_EINTERRUPTED if interrupted (the keys are then in some order).
*/
int gb_radix_sort(gb_ctx *ctx, uint64_t *key, int64_t *idx, int64_t n, uint64_t *tkey,
                  int64_t *tidx);

/*
** Reorder key[0..n) (and idx alongside, if not NULL) so that key[k] is
** the one that a sort would put there, no key before it is larger and
** none after it smaller.  0 <= k < n.
*/
void gb_select(uint64_t *key, int64_t *idx, int64_t n, int64_t k);

/* Sort n doubles in place, ascending, NaN last (for kernels that hold
   plain buffers rather than arrays). */
void gb_sort_doubles(double *x, int64_t n);

/* Sorted copy of a along axis into out (same shape and dtype). */
int gb_sort(gb_ctx *ctx, const gb_array *a, int axis, gb_array *out);

/* The 1-based positions that sort a along axis, into out (int64). */
int gb_argsort(gb_ctx *ctx, const gb_array *a, int axis, gb_array *out);

/*
** The k largest (largest != 0) or smallest elements along axis, best
** first, ties broken by lower position, NaN counted as larger than every
** number.  vals (a's dtype) and idx (int64, 1-based) have a's shape with
** extent k along axis; either may be NULL.  0 <= k <= a->shape[axis].
*/
int gb_topk(gb_ctx *ctx, const gb_array *a, int axis, int64_t k, int largest,
            gb_array *vals, gb_array *idx);

/*
** NumPy's partition along axis: for each 0-based kth[0..nk) (ascending),
** the element at position kth is the one a sort would put there, with no
** larger element before it and no smaller one after.  Writes the values
** (vals, a's dtype and shape) or their 1-based positions (idx, int64);
** either may be NULL.
*/
int gb_partition(gb_ctx *ctx, const gb_array *a, int axis, int nk, const int64_t *kth,
                 gb_array *vals, gb_array *idx);

#endif
