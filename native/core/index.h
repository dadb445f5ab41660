/*
** Indexing that goes beyond a view: reshaping without a copy when the
** layout allows, selection by a bool mask (a[mask]) and by an array of
** indices (a[idx], along the first axis), reading and writing.
**
** The binding computes the result's shape here, makes the array, and lets
** the kernel fill it; indices are checked here too.  Indices are 1-based,
** negative counting from the end, as gibbs users write them.
*/
#ifndef GB_INDEX_H
#define GB_INDEX_H

#include "ndarray.h"

/*
** A view of a with the shape (nd, shape) of the same size, when a's layout
** allows one (NumPy's attempt_nocopy_reshape: a's axes are grouped into
** runs contiguous with each other, and each run must map to whole new
** axes).  Returns 1 with view filled in (always for an empty array, which
** gets C-contiguous strides), 0 when only a copy can have that shape.
*/
int gb_reshape_view(const gb_array *a, int nd, const int64_t *shape, gb_array *view);

/*
** The shape of a[mask]: the number of true elements, then a's extents
** after the mask's.  GB_EDTYPE unless mask is bool; GB_ESHAPE unless its
** shape is a's leading extents (and it has at least one axis).
*/
int gb_mask_shape(const gb_array *a, const gb_array *mask, int *nd, int64_t *shape);

/* out = a[mask] (out: gb_mask_shape's shape, a's dtype) and a[mask] = src
   (src the same); GB_ESHAPE or GB_EDTYPE when they are not. */
int gb_mask_get(gb_ctx *ctx, const gb_array *a, const gb_array *mask, gb_array *out);
int gb_mask_set(gb_ctx *ctx, gb_array *a, const gb_array *mask, const gb_array *src);

/*
** The shape of a[idx]: idx's shape, then a's extents after the first.
** GB_EDTYPE unless idx is int64; GB_ESHAPE when a is 0-d or the result
** would have more than GB_MAXDIM axes.
*/
int gb_take_shape(const gb_array *a, const gb_array *idx, int *nd, int64_t *shape);

/*
** out = a[idx] and a[idx] = src (out and src: gb_take_shape's shape, a's
** dtype).  GB_EINVAL when an index lies outside the first axis: *bad (when
** not NULL) receives the first such index, and a is left unchanged by
** gb_put.  Where idx repeats an index, gb_put's last write wins.
*/
int gb_take(gb_ctx *ctx, const gb_array *a, const gb_array *idx, gb_array *out, int64_t *bad);
int gb_put(gb_ctx *ctx, gb_array *a, const gb_array *idx, const gb_array *src, int64_t *bad);

#endif
