/*
** Array headers: dtypes, promotion, shapes, broadcasting, strided iteration
** and conversion between dtypes.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ndarray.h"

static const size_t dtype_sizes[GB_NDTYPE] = {1, 8, 4, 8};
static const char *const dtype_names[GB_NDTYPE] = {"bool", "int64", "float32", "float64"};

size_t gb_dtype_size(int dtype) { return dtype_sizes[dtype]; }
const char *gb_dtype_name(int dtype) { return dtype_names[dtype]; }

int gb_dtype_from_name(const char *name) {
  for (int i = 0; i < GB_NDTYPE; i++)
    if (strcmp(name, dtype_names[i]) == 0) return i;
  return -1;
}

int gb_promote(int a, int b) {
  if ((a == GB_INT64 && b == GB_FLOAT32) || (a == GB_FLOAT32 && b == GB_INT64))
    return GB_FLOAT64;
  return a > b ? a : b;
}

int gb_promote_scalar(int dtype, int is_float) {
  if (is_float) return dtype >= GB_FLOAT32 ? dtype : GB_FLOAT64;
  return dtype == GB_BOOL ? GB_INT64 : dtype;
}

int gb_array_init(gb_array *a, int dtype, int ndim, const int64_t *shape,
                  size_t *nbytes) {
  uint64_t size = 1;
  int overflow = 0;
  if (ndim < 0 || ndim > GB_MAXDIM) return GB_EINVAL;
  for (int i = 0; i < ndim; i++) {
    if (shape[i] < 0) return GB_EINVAL;
    /* keep going after a zero extent: a later extent may still be absurd */
    if (shape[i] > 0 && size > (uint64_t)INT64_MAX / (uint64_t)shape[i]) overflow = 1;
    else size *= (uint64_t)shape[i];
  }
  if (overflow) {
    for (int i = 0; i < ndim; i++) if (shape[i] == 0) { overflow = 0; size = 0; }
    if (overflow) return GB_EOVERFLOW;
  }
  size_t es = gb_dtype_size(dtype);
  if (size > ((uint64_t)INT64_MAX - GB_ALIGN) / es) return GB_EOVERFLOW;
  a->data = NULL;
  a->dtype = dtype;
  a->ndim = ndim;
  a->size = (int64_t)size;
  int64_t stride = (int64_t)es;
  for (int i = ndim - 1; i >= 0; i--) {
    a->shape[i] = shape[i];
    a->strides[i] = stride;
    /* an empty array may have absurd other extents: its strides are never
       used to reach an element, so saturate instead of overflowing */
    if (__builtin_mul_overflow(stride, shape[i] > 0 ? shape[i] : 1, &stride)) stride = INT64_MAX;
  }
  if (nbytes) *nbytes = (size_t)size * es;
  return GB_OK;
}

int gb_is_c_contiguous(const gb_array *a) {
  int64_t expect = (int64_t)gb_dtype_size(a->dtype);
  if (a->size == 0) return 1;
  for (int i = a->ndim - 1; i >= 0; i--) {
    if (a->shape[i] != 1 && a->strides[i] != expect) return 0;
    expect *= a->shape[i];
  }
  return 1;
}

int gb_is_f_contiguous(const gb_array *a) {
  int64_t expect = (int64_t)gb_dtype_size(a->dtype);
  if (a->size == 0) return 1;
  for (int i = 0; i < a->ndim; i++) {
    if (a->shape[i] != 1 && a->strides[i] != expect) return 0;
    expect *= a->shape[i];
  }
  return 1;
}

int gb_broadcast_shapes(int nda, const int64_t *sa, int ndb, const int64_t *sb,
                        int *ndim_out, int64_t *out) {
  int nd = nda > ndb ? nda : ndb;
  for (int i = 0; i < nd; i++) {
    int ia = nda - nd + i, ib = ndb - nd + i;
    int64_t da = ia >= 0 ? sa[ia] : 1, db = ib >= 0 ? sb[ib] : 1;
    if (da == db || db == 1) out[i] = da;
    else if (da == 1) out[i] = db;
    else return GB_ESHAPE;
  }
  *ndim_out = nd;
  return GB_OK;
}

int gb_broadcast_to(const gb_array *a, int ndim, const int64_t *shape,
                    gb_array *view) {
  gb_array v;
  if (ndim < a->ndim) return GB_ESHAPE;
  v.data = a->data;
  v.dtype = a->dtype;
  v.ndim = ndim;
  v.size = 1;
  for (int i = 0; i < ndim; i++) {
    int j = a->ndim - ndim + i;
    if (j < 0) {
      v.shape[i] = shape[i];
      v.strides[i] = 0;
    } else if (a->shape[j] == shape[i]) {
      v.shape[i] = shape[i];
      v.strides[i] = a->strides[j];
    } else if (a->shape[j] == 1) {
      v.shape[i] = shape[i];
      v.strides[i] = 0;
    } else {
      return GB_ESHAPE;
    }
    v.size *= shape[i];
  }
  *view = v;
  return GB_OK;
}

void gb_format_shape(char *buf, size_t len, int ndim, const int64_t *shape) {
  size_t used = 0;
  if (len == 0) return;
  buf[0] = '\0';
  used += (size_t)snprintf(buf + used, len - used, "(");
  for (int i = 0; i < ndim && used < len; i++)
    used += (size_t)snprintf(buf + used, len - used, i ? ", %lld" : "%lld",
                             (long long)shape[i]);
  if (used < len && ndim == 1) used += (size_t)snprintf(buf + used, len - used, ",");
  if (used < len) snprintf(buf + used, len - used, ")");
}

/* Iteration --------------------------------------------------------------- */

int gb_iter_init(gb_iter *it, int nop, const gb_array *const *ops) {
  const gb_array *a = ops[0];
  int nd = 0;
  int64_t shape[GB_MAXDIM], st[GB_ITER_MAXOP][GB_MAXDIM];
  it->nop = nop;
  if (a->size == 0) return 0;
  /* Drop axes of length 1, then merge axis i into i+1 when every operand
     steps over axis i exactly as far as a whole run of axis i+1. */
  for (int i = 0; i < a->ndim; i++) {
    if (a->shape[i] == 1) continue;
    shape[nd] = a->shape[i];
    for (int k = 0; k < nop; k++) st[k][nd] = ops[k]->strides[i];
    if (nd > 0) {
      int merge = 1;
      for (int k = 0; k < nop; k++)
        if (st[k][nd - 1] != st[k][nd] * shape[nd]) { merge = 0; break; }
      if (merge) {
        shape[nd - 1] *= shape[nd];
        for (int k = 0; k < nop; k++) st[k][nd - 1] = st[k][nd];
        continue;
      }
    }
    nd++;
  }
  if (nd == 0) {            /* a single element */
    shape[0] = 1;
    for (int k = 0; k < nop; k++) st[k][0] = 0;
    nd = 1;
  }
  it->n = shape[nd - 1];
  it->ndim = nd - 1;
  for (int k = 0; k < nop; k++) {
    it->base[k] = it->ptr[k] = ops[k]->data;
    it->stride[k] = st[k][nd - 1];
    for (int i = 0; i < nd - 1; i++) it->ostride[k][i] = st[k][i];
  }
  for (int i = 0; i < nd - 1; i++) {
    it->shape[i] = shape[i];
    it->idx[i] = 0;
  }
  return 1;
}

int gb_iter_next(gb_iter *it) {
  for (int i = it->ndim - 1; i >= 0; i--) {
    if (++it->idx[i] < it->shape[i]) {
      for (int k = 0; k < it->nop; k++) it->ptr[k] += it->ostride[k][i];
      return 1;
    }
    it->idx[i] = 0;
    for (int k = 0; k < it->nop; k++)
      it->ptr[k] -= it->ostride[k][i] * (it->shape[i] - 1);
  }
  return 0;
}

/* Element access and conversion -------------------------------------------- */

double gb_get_double(int dtype, const char *p) {
  switch (dtype) {
    case GB_FLOAT64: { double v; memcpy(&v, p, 8); return v; }
    case GB_FLOAT32: { float v; memcpy(&v, p, 4); return v; }
    case GB_INT64: { int64_t v; memcpy(&v, p, 8); return (double)v; }
    default: return *p ? 1.0 : 0.0;
  }
}

void gb_set_double(int dtype, char *p, double v) {
  switch (dtype) {
    case GB_FLOAT64: memcpy(p, &v, 8); break;
    case GB_FLOAT32: { float f = (float)v; memcpy(p, &f, 4); break; }
    case GB_INT64: {
      /* NumPy leaves out-of-range casts undefined; we saturate and map NaN to 0 */
      int64_t i = v != v ? 0 : v >= 9223372036854775807.0 ? INT64_MAX
                : v <= -9223372036854775808.0 ? INT64_MIN : (int64_t)v;
      memcpy(p, &i, 8);
      break;
    }
    default: *p = (v != 0); break;
  }
}

int64_t gb_get_int(int dtype, const char *p) {
  if (dtype == GB_INT64) { int64_t v; memcpy(&v, p, 8); return v; }
  if (dtype == GB_BOOL) return *p != 0;
  double d = gb_get_double(dtype, p);
  char tmp[8];
  gb_set_double(GB_INT64, tmp, d);
  int64_t v; memcpy(&v, tmp, 8);
  return v;
}

void gb_set_int(int dtype, char *p, int64_t v) {
  if (dtype == GB_INT64) memcpy(p, &v, 8);
  else if (dtype == GB_BOOL) *p = (v != 0);
  else gb_set_double(dtype, p, (double)v);
}

/* Inner loops of gb_copy, one per (dst, src) dtype pair. */
#define COPY_LOOP(TD, TS, CONV)                                               \
  for (int64_t i = 0; i < n; i++) {                                           \
    TS s; memcpy(&s, src + i * ss, sizeof s);                                 \
    TD d = CONV; memcpy(dst + i * ds, &d, sizeof d);                          \
  }

static void copy_run(int dt, char *dst, int64_t ds, int st, const char *src,
                     int64_t ss, int64_t n) {
  if (dt == st && ds == ss && ds == (int64_t)gb_dtype_size(dt)) {
    memmove(dst, src, (size_t)n * (size_t)ds);
    return;
  }
  if (dt == GB_FLOAT64 && st == GB_FLOAT64) { COPY_LOOP(double, double, s) return; }
  if (dt == GB_FLOAT64 && st == GB_FLOAT32) { COPY_LOOP(double, float, (double)s) return; }
  if (dt == GB_FLOAT64 && st == GB_INT64) { COPY_LOOP(double, int64_t, (double)s) return; }
  if (dt == GB_FLOAT32 && st == GB_FLOAT32) { COPY_LOOP(float, float, s) return; }
  if (dt == GB_FLOAT32 && st == GB_FLOAT64) { COPY_LOOP(float, double, (float)s) return; }
  if (dt == GB_INT64 && st == GB_INT64) { COPY_LOOP(int64_t, int64_t, s) return; }
  for (int64_t i = 0; i < n; i++) {
    if (dt == GB_INT64 || dt == GB_BOOL || st == GB_INT64 || st == GB_BOOL)
      gb_set_int(dt, dst + i * ds, gb_get_int(st, src + i * ss));
    else
      gb_set_double(dt, dst + i * ds, gb_get_double(st, src + i * ss));
  }
}

/* Conservative: the byte ranges the two views may touch intersect. */
static void byte_range(const gb_array *a, char **lo, char **hi) {
  char *l = a->data, *h = a->data;
  for (int i = 0; i < a->ndim; i++) {
    int64_t span = a->strides[i] * (a->shape[i] - 1);
    if (span < 0) l += span; else h += span;
  }
  *lo = l;
  *hi = h + gb_dtype_size(a->dtype);
}

int gb_overlaps(const gb_array *a, const gb_array *b) {
  char *alo, *ahi, *blo, *bhi;
  if (a->size == 0 || b->size == 0) return 0;
  byte_range(a, &alo, &ahi);
  byte_range(b, &blo, &bhi);
  return alo < bhi && blo < ahi;
}

int gb_same_view(const gb_array *a, const gb_array *b) {
  if (a->data != b->data || a->dtype != b->dtype || a->ndim != b->ndim) return 0;
  for (int i = 0; i < a->ndim; i++)
    if (a->shape[i] != b->shape[i] || (a->shape[i] > 1 && a->strides[i] != b->strides[i]))
      return 0;
  return 1;
}

int gb_copy(gb_ctx *ctx, gb_array *dst, const gb_array *src) {
  gb_iter it;
  gb_array tmp;
  char *dlo, *dhi, *slo, *shi, *buf = NULL;
  if (dst->size == 0) return GB_OK;
  byte_range(dst, &dlo, &dhi);
  byte_range(src, &slo, &shi);
  if (src->size > 1 && dlo < shi && slo < dhi &&
      !(dst->data == src->data && dst->dtype == src->dtype &&
        memcmp(dst->strides, src->strides, sizeof(int64_t) * (size_t)dst->ndim) == 0)) {
    /* overlapping, differently laid out: go through a contiguous copy */
    size_t nbytes;
    if (gb_array_init(&tmp, src->dtype, src->ndim, src->shape, &nbytes)) return GB_EINVAL;
    buf = gb_alloc(ctx, nbytes ? nbytes : 1);
    if (!buf) return GB_ENOMEM;
    tmp.data = buf;
    gb_copy(ctx, &tmp, src);
    src = &tmp;
  }
  if (gb_iter_init(&it, 2, (const gb_array *[]){dst, src})) {
    do copy_run(dst->dtype, it.ptr[0], it.stride[0], src->dtype, it.ptr[1], it.stride[1], it.n);
    while (gb_iter_next(&it));
  }
  gb_free(ctx, buf);
  return GB_OK;
}

/* Axes in memory order, and lanes ----------------------------------------- */

/* Reorder the axes of the nv views by decreasing |stride| of v[key]
   (stable), so that iteration follows that array's memory. */
void gb_axes_in_memory_order(gb_array *v, int nv, int key) {
  int nd = v[key].ndim, perm[GB_MAXDIM];
  int64_t st[GB_MAXDIM];
  for (int i = 0; i < nd; i++) {
    perm[i] = i;
    st[i] = v[key].strides[i] < 0 ? -v[key].strides[i] : v[key].strides[i];
  }
  for (int i = 1; i < nd; i++)
    for (int j = i; j > 0 && st[perm[j - 1]] < st[perm[j]]; j--) {
      int t = perm[j]; perm[j] = perm[j - 1]; perm[j - 1] = t;
    }
  for (int k = 0; k < nv; k++) {
    gb_array c = v[k];
    for (int i = 0; i < nd; i++) {
      v[k].shape[i] = c.shape[perm[i]];
      v[k].strides[i] = c.strides[perm[i]];
    }
  }
}

/* v without axis. */
static void drop_axis(gb_array *v, const gb_array *a, int axis) {
  *v = *a;
  v->ndim = a->ndim - 1;
  v->size = 1;
  for (int i = 0, j = 0; i < a->ndim; i++) {
    if (i == axis) continue;
    v->shape[j] = a->shape[i];
    v->strides[j] = a->strides[i];
    v->size *= a->shape[i];
    j++;
  }
}

int gb_for_lanes2(gb_ctx *ctx, const gb_array *a, const gb_array *out1, const gb_array *out2,
                  int axis, gb_lane2_fn f, void *ud) {
  gb_array v[3];
  gb_iter it;
  int nv = out2 ? 3 : 2;
  int64_t n, on, is, s1, s2, work = 0;
  if (axis < 0 || axis >= a->ndim || out1->ndim != a->ndim) return GB_ESHAPE;
  if (out2 && (out2->ndim != a->ndim || out2->shape[axis] != out1->shape[axis])) return GB_ESHAPE;
  for (int i = 0; i < a->ndim; i++)
    if (i != axis && (out1->shape[i] != a->shape[i] || (out2 && out2->shape[i] != a->shape[i])))
      return GB_ESHAPE;
  n = a->shape[axis], on = out1->shape[axis];
  is = a->strides[axis], s1 = out1->strides[axis], s2 = out2 ? out2->strides[axis] : 0;
  drop_axis(&v[0], a, axis);
  drop_axis(&v[1], out1, axis);
  if (out2) drop_axis(&v[2], out2, axis);
  gb_axes_in_memory_order(v, nv, 0);
  if (!gb_iter_init(&it, nv, (const gb_array *[]){&v[0], &v[1], &v[2]})) return GB_OK;
  do
    for (int64_t j = 0; j < it.n; j++) {
      int st = f(ctx, ud, it.ptr[0] + j * it.stride[0], is, n, it.ptr[1] + j * it.stride[1], s1,
                 out2 ? it.ptr[2] + j * it.stride[2] : NULL, s2, on);
      if (st) return st;
      work += n + on + 1;
      if (work >= GB_CHECK_EVERY) {
        work = 0;
        if (gb_interrupted(ctx)) return GB_EINTERRUPTED;
      }
    }
  while (gb_iter_next(&it));
  return GB_OK;
}

typedef struct onelane { gb_lane_fn f; void *ud; } onelane;

static int one_lane(gb_ctx *ctx, void *ud, const char *in, int64_t is, int64_t n,
                    char *o1, int64_t s1, char *o2, int64_t s2, int64_t on) {
  onelane *c = ud;
  (void)o2; (void)s2;
  return c->f(ctx, c->ud, in, is, n, o1, s1, on);
}

int gb_for_lanes(gb_ctx *ctx, const gb_array *a, const gb_array *out, int axis, gb_lane_fn f, void *ud) {
  onelane c = {f, ud};
  return gb_for_lanes2(ctx, a, out, NULL, axis, one_lane, &c);
}
