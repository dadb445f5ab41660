/*
** The n-dimensional array header shared by every kernel.
**
** An array is a typed view on memory: a pointer to its first element, a
** shape and byte strides (which may be negative or zero).  Who owns the
** memory is not this header's business: the Lua binding keeps the buffer
** alive, kernels only read and write through views.
**
** Axes are numbered from 0 here; the 1-based numbering users see is
** translated in native/lua.
*/
#ifndef GB_NDARRAY_H
#define GB_NDARRAY_H

#include <stddef.h>
#include <stdint.h>

#include "ctx.h"

#define GB_MAXDIM 32
#define GB_ALIGN 64           /* buffer alignment in bytes */

/* Ordered so that the larger dtype wins in promotion (but see gb_promote). */
typedef enum gb_dtype {
  GB_BOOL = 0,
  GB_INT64 = 1,
  GB_FLOAT32 = 2,
  GB_FLOAT64 = 3,
  GB_NDTYPE
} gb_dtype;

typedef struct gb_array {
  char *data;                     /* first element */
  int64_t size;                   /* number of elements */
  int dtype;                      /* a gb_dtype */
  int ndim;
  int64_t shape[GB_MAXDIM];
  int64_t strides[GB_MAXDIM];     /* in bytes */
} gb_array;

/* Element size in bytes, and the dtype's name ("float64", ...). */
size_t gb_dtype_size(int dtype);
const char *gb_dtype_name(int dtype);
int gb_dtype_from_name(const char *name);      /* -1 if unknown */

/*
** NumPy's promotion between two array dtypes: int64 with float32 gives
** float64, otherwise the larger of the two.
*/
int gb_promote(int a, int b);

/*
** Promotion of an array dtype with a Lua scalar (NumPy 2 "weak" scalars):
** the array's dtype wins unless the scalar is of a higher kind.
** is_float: the scalar is a float rather than an integer.
*/
int gb_promote_scalar(int dtype, int is_float);

/*
** Fill in a C-contiguous header for shape (strides computed, data left
** NULL).  Fails with GB_EOVERFLOW when the byte size does not fit, and with
** GB_EINVAL on a negative extent or ndim out of range.  *nbytes receives
** the byte size.
*/
int gb_array_init(gb_array *a, int dtype, int ndim, const int64_t *shape,
                  size_t *nbytes);

int gb_is_c_contiguous(const gb_array *a);
int gb_is_f_contiguous(const gb_array *a);

/*
** Broadcast shapes a and b the NumPy way into out (ndim in *ndim_out).
** Returns GB_ESHAPE when they do not fit.
*/
int gb_broadcast_shapes(int nda, const int64_t *sa, int ndb, const int64_t *sb,
                        int *ndim_out, int64_t *out);

/*
** A view of a with the shape `shape` (ndim >= a->ndim): leading axes are
** added and axes of length 1 are stretched with stride 0.  GB_ESHAPE if a
** does not broadcast to shape.
*/
int gb_broadcast_to(const gb_array *a, int ndim, const int64_t *shape,
                    gb_array *view);

/* Format a shape as "(2, 3)" into buf (always NUL-terminated). */
void gb_format_shape(char *buf, size_t len, int ndim, const int64_t *shape);

/*
** Strided iteration over several arrays of the same shape.  The outer
** axes are walked with a counter; the innermost (after merging axes that
** are contiguous with each other) is handed to the kernel as a run of n
** elements with one stride per operand:
**
**   gb_iter it;
**   gb_iter_init(&it, 2, (const gb_array *[]){&x, &y});
**   do kernel(it.ptr[0], it.stride[0], it.ptr[1], it.stride[1], it.n);
**   while (gb_iter_next(&it));
**
** Operands must already share one shape (broadcast them first).  An empty
** shape makes gb_iter_init return 0: there is nothing to do.
*/
#define GB_ITER_MAXOP 4
typedef struct gb_iter {
  int nop, ndim;                        /* outer dims (inner one excluded) */
  int64_t n;                            /* inner run length */
  char *ptr[GB_ITER_MAXOP];             /* current inner-run start */
  int64_t stride[GB_ITER_MAXOP];        /* inner stride per operand */
  int64_t shape[GB_MAXDIM];
  int64_t idx[GB_MAXDIM];
  int64_t ostride[GB_ITER_MAXOP][GB_MAXDIM];
  char *base[GB_ITER_MAXOP];
} gb_iter;

int gb_iter_init(gb_iter *it, int nop, const gb_array *const *ops);
int gb_iter_next(gb_iter *it);

/*
** Copy src into dst (same shape, any strides, any dtypes: values are
** converted like NumPy's astype).  Overlapping views are handled.
*/
int gb_copy(gb_ctx *ctx, gb_array *dst, const gb_array *src);

/*
** Whether two views may share memory (a conservative test on the byte
** ranges they span), and whether they are the very same view (same
** elements in the same places, so elementwise work in place is safe).
*/
int gb_overlaps(const gb_array *a, const gb_array *b);
int gb_same_view(const gb_array *a, const gb_array *b);

/* Read one element as a double, or write one from a double. */
double gb_get_double(int dtype, const char *p);
void gb_set_double(int dtype, char *p, double v);
int64_t gb_get_int(int dtype, const char *p);
void gb_set_int(int dtype, char *p, int64_t v);

/*
** Reorder the axes of the nv views (of one shape) by decreasing |stride|
** of v[key], stably, so that iterating them follows that array's memory.
*/
void gb_axes_in_memory_order(gb_array *v, int nv, int key);

/*
** Call f once per lane of a along axis: in/is/n are the lane's first
** element, byte stride and length; out/os/on the matching lane of out,
** which has a's shape except along axis.  Lanes are visited in memory
** order of a.  Stops at the first nonzero status f returns, and checks for
** interruption between lanes.
*/
typedef int (*gb_lane_fn)(gb_ctx *ctx, void *ud, const char *in, int64_t is, int64_t n,
                          char *out, int64_t os, int64_t on);
int gb_for_lanes(gb_ctx *ctx, const gb_array *a, const gb_array *out, int axis,
                 gb_lane_fn f, void *ud);

/* The same with two outputs of one shape (out2 may be NULL: o2 is then
   NULL too). */
typedef int (*gb_lane2_fn)(gb_ctx *ctx, void *ud, const char *in, int64_t is, int64_t n,
                           char *o1, int64_t s1, char *o2, int64_t s2, int64_t on);
int gb_for_lanes2(gb_ctx *ctx, const gb_array *a, const gb_array *out1, const gb_array *out2,
                  int axis, gb_lane2_fn f, void *ud);

#endif
