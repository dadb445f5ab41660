/*
** Reshaping without a copy, mask selection and take/put (index.h).
**
** Selection moves whole rows: the sub-arrays of a below the mask's axes
** (or below the first axis for an index array).  The common case, a row of
** one 8- or 4-byte element with the operands contiguous, is a typed loop;
** contiguous rows of several elements are one memcpy each; anything else
** goes through gb_copy, row by row.
*/
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#include "index.h"

#define CHUNK 65536            /* elements between interrupt checks */
#define ALIGNED(p, n) (((uintptr_t)(p) & ((n) - 1)) == 0)

/* Reshape ------------------------------------------------------------------- */

static int nocopy_strides(const gb_array *a, int nd, const int64_t *shape, int64_t *strides) {
  int oi = 0, oj = 1, ni = 0, nj = 1;
  int ond = 0;
  int64_t oshape[GB_MAXDIM], ostr[GB_MAXDIM];
  for (int i = 0; i < a->ndim; i++)           /* drop extent-1 axes */
    if (a->shape[i] != 1) { oshape[ond] = a->shape[i]; ostr[ond++] = a->strides[i]; }
  while (ni < nd && oi < ond) {
    int64_t np = shape[ni], op = oshape[oi];
    while (np != op) {
      if (np < op) np *= shape[nj++];
      else op *= oshape[oj++];
    }
    for (int ok = oi; ok < oj - 1; ok++)      /* the old run must be contiguous */
      if (ostr[ok] != oshape[ok + 1] * ostr[ok + 1]) return 0;
    strides[nj - 1] = ostr[oj - 1];
    for (int nk = nj - 1; nk > ni; nk--) strides[nk - 1] = strides[nk] * shape[nk];
    ni = nj++;
    oi = oj++;
  }
  int64_t last = (int64_t)gb_dtype_size(a->dtype);
  if (ni > 0) last = strides[ni - 1];
  for (int nk = ni; nk < nd; nk++) strides[nk] = last;   /* trailing extent-1 axes */
  return 1;
}

int gb_reshape_view(const gb_array *a, int nd, const int64_t *shape, gb_array *view) {
  int64_t size = 1;
  if (nd < 0 || nd > GB_MAXDIM) return 0;
  for (int i = 0; i < nd; i++) size *= shape[i];
  if (size != a->size) return 0;
  *view = *a;
  view->ndim = nd;
  memcpy(view->shape, shape, sizeof(int64_t) * (size_t)nd);
  if (a->size == 0) {
    size_t nb;
    gb_array_init(view, a->dtype, nd, shape, &nb);
    view->data = a->data;
    return 1;
  }
  return nocopy_strides(a, nd, shape, view->strides);
}

/* Rows ------------------------------------------------------------------------ */

/* The axes skip.. of a as a header (a row of a selection). */
static gb_array row_of(const gb_array *a, int skip) {
  gb_array r = *a;
  r.ndim = a->ndim - skip;
  r.size = 1;
  for (int d = 0; d < r.ndim; d++) {
    r.shape[d] = a->shape[d + skip];
    r.strides[d] = a->strides[d + skip];
    r.size *= r.shape[d];
  }
  return r;
}

/* The axes ..keep-1 of a: one element per row. */
static gb_array lead_of(const gb_array *a, int keep) {
  gb_array l = *a;
  l.ndim = keep;
  l.size = 1;
  for (int d = 0; d < keep; d++) l.size *= a->shape[d];
  return l;
}

/* How a row of a is moved to or from a row of b (the other operand). */
typedef struct rowcopy {
  gb_ctx *ctx;
  size_t esize;
  int single;                  /* one element per row */
  size_t nbytes;               /* contiguous rows: bytes of one; else 0 */
  gb_array ra, rb;             /* row headers (data set per row) */
} rowcopy;

static void rowcopy_init(rowcopy *rc, gb_ctx *ctx, const gb_array *a, int askip,
                         const gb_array *b, int bskip) {
  rc->ctx = ctx;
  rc->esize = gb_dtype_size(a->dtype);
  rc->ra = row_of(a, askip);
  rc->rb = row_of(b, bskip);
  rc->single = rc->ra.size == 1;
  rc->nbytes = gb_is_c_contiguous(&rc->ra) && gb_is_c_contiguous(&rc->rb)
                   ? rc->esize * (size_t)rc->ra.size : 0;
}

/* Copy a row from src to dst; to_a: dst is in a, src in b. */
static int copy_row(rowcopy *rc, char *dst, const char *src, int to_a) {
  if (rc->single) memcpy(dst, src, rc->esize);
  else if (rc->nbytes) memcpy(dst, src, rc->nbytes);
  else {
    gb_array *d = to_a ? &rc->ra : &rc->rb, *s = to_a ? &rc->rb : &rc->ra;
    d->data = dst;
    s->data = (char *)src;
    return gb_copy(rc->ctx, d, s);
  }
  return GB_OK;
}

/* Masks ------------------------------------------------------------------------- */

static int64_t count_true(const gb_array *m) {
  gb_iter it;
  int64_t n = 0;
  if (!gb_iter_init(&it, 1, (const gb_array *[]){m})) return 0;
  do {
    const unsigned char *p = (const unsigned char *)it.ptr[0];
    if (it.stride[0] == 1)
      for (int64_t i = 0; i < it.n; i++) n += p[i] != 0;
    else
      for (int64_t i = 0; i < it.n; i++) n += p[i * it.stride[0]] != 0;
  } while (gb_iter_next(&it));
  return n;
}

int gb_mask_shape(const gb_array *a, const gb_array *mask, int *nd, int64_t *shape) {
  if (mask->dtype != GB_BOOL) return GB_EDTYPE;
  if (mask->ndim == 0 || mask->ndim > a->ndim) return GB_ESHAPE;
  for (int d = 0; d < mask->ndim; d++)
    if (mask->shape[d] != a->shape[d]) return GB_ESHAPE;
  shape[0] = count_true(mask);
  for (int d = mask->ndim; d < a->ndim; d++) shape[d - mask->ndim + 1] = a->shape[d];
  *nd = a->ndim - mask->ndim + 1;
  return GB_OK;
}

/* The selection's dense side: (count, a's trailing extents) in a's dtype. */
static int check_dense(const gb_array *a, int skip, const int64_t *lead, int nlead,
                       const gb_array *d) {
  if (d->dtype != a->dtype) return GB_EDTYPE;
  if (d->ndim != nlead + a->ndim - skip) return GB_ESHAPE;
  for (int i = 0; i < nlead; i++)
    if (d->shape[i] != lead[i]) return GB_ESHAPE;
  for (int i = skip; i < a->ndim; i++)
    if (d->shape[nlead + i - skip] != a->shape[i]) return GB_ESHAPE;
  return GB_OK;
}

/*
** Gather (get) or scatter one run of n mask elements (stride ms) over rows
** of a (stride as) to or from rows j.. of the dense side d (total rows);
** returns the new j, or -1 when the mask has more true elements than d
** has rows.
*/
#define MASK_GET(T)                                                           \
  {                                                                           \
    T *o = (T *)dp;                                                           \
    const T *x = (const T *)ap;                                               \
    for (; i < n && j < total; i++) {                                         \
      o[j] = x[i];                                                            \
      j += m[i] != 0;                                                         \
    }                                                                         \
  }
#define MASK_SET(T)                                                           \
  {                                                                           \
    const T *s = (const T *)dp;                                               \
    T *x = (T *)ap;                                                           \
    for (; i < n && j < total; i++)                                           \
      if (m[i]) x[i] = s[j++];                                                \
  }

static int64_t mask_run(rowcopy *rc, const unsigned char *m, int64_t ms, char *ap, int64_t as,
                        char *dp, int64_t ds, int64_t j, int64_t total, int64_t n, int get,
                        int *st) {
  int64_t i = 0;
  size_t es = rc->esize;
  if (rc->single && ms == 1 && as == (int64_t)es && ds == (int64_t)es && (es == 8 || es == 4) &&
      ALIGNED(ap, es) && ALIGNED(dp, es)) {
    if (get) {
      if (es == 8) MASK_GET(uint64_t) else MASK_GET(uint32_t)
    } else {
      if (es == 8) MASK_SET(uint64_t) else MASK_SET(uint32_t)
    }
  }
  for (; i < n; i++) {
    if (!m[i * ms]) continue;
    if (j == total) return -1;
    char *arow = ap + i * as, *drow = dp + j++ * ds;
    *st = get ? copy_row(rc, drow, arow, 0) : copy_row(rc, arow, drow, 1);
    if (*st != GB_OK) return j;
  }
  return j;
}

static int mask_move(gb_ctx *ctx, gb_array *a, const gb_array *mask, gb_array *d, int get) {
  int st = GB_OK;
  int64_t j = 0, total, done = 0;
  gb_iter it;
  rowcopy rc;
  if (mask->dtype != GB_BOOL) return GB_EDTYPE;
  if (mask->ndim == 0 || mask->ndim > a->ndim) return GB_ESHAPE;
  for (int k = 0; k < mask->ndim; k++)
    if (mask->shape[k] != a->shape[k]) return GB_ESHAPE;
  if (d->ndim < 1) return GB_ESHAPE;
  total = d->shape[0];
  if ((st = check_dense(a, mask->ndim, &total, 1, d)) != GB_OK) return st;
  rowcopy_init(&rc, ctx, a, mask->ndim, d, 1);
  gb_array lead = lead_of(a, mask->ndim);
  if (!gb_iter_init(&it, 2, (const gb_array *[]){mask, &lead})) return total ? GB_ESHAPE : GB_OK;
  do {
    for (int64_t off = 0; off < it.n; off += CHUNK) {
      int64_t len = it.n - off < CHUNK ? it.n - off : CHUNK;
      j = mask_run(&rc, (const unsigned char *)it.ptr[0] + off * it.stride[0], it.stride[0],
                   it.ptr[1] + off * it.stride[1], it.stride[1], d->data, d->strides[0], j,
                   total, len, get, &st);
      if (j < 0) return GB_ESHAPE;
      if (st != GB_OK) return st;
      done += len;
      if (done >= CHUNK) {
        done = 0;
        if (gb_interrupted(ctx)) return GB_EINTERRUPTED;
      }
    }
  } while (gb_iter_next(&it));
  return j == total ? GB_OK : GB_ESHAPE;
}

int gb_mask_get(gb_ctx *ctx, const gb_array *a, const gb_array *mask, gb_array *out) {
  return mask_move(ctx, (gb_array *)a, mask, out, 1);
}

int gb_mask_set(gb_ctx *ctx, gb_array *a, const gb_array *mask, const gb_array *src) {
  return mask_move(ctx, a, mask, (gb_array *)src, 0);
}

/* Take and put ----------------------------------------------------------------- */

int gb_take_shape(const gb_array *a, const gb_array *idx, int *nd, int64_t *shape) {
  if (idx->dtype != GB_INT64) return GB_EDTYPE;
  if (a->ndim == 0 || idx->ndim + a->ndim - 1 > GB_MAXDIM) return GB_ESHAPE;
  memcpy(shape, idx->shape, sizeof(int64_t) * (size_t)idx->ndim);
  for (int d = 1; d < a->ndim; d++) shape[idx->ndim + d - 1] = a->shape[d];
  *nd = idx->ndim + a->ndim - 1;
  return GB_OK;
}

/* A 1-based index (negative from the end) as 0-based, or -1 when outside
   0..len-1. */
static inline int64_t zero_based(int64_t i, int64_t len) {
  int64_t i0 = i < 0 ? len + i : i - 1;
  return i == 0 || i0 < 0 || i0 >= len ? -1 : i0;
}

/*
** Gather n rows: d row t (stride ds) receives a's row idx[t] (stride is).
** Returns the position of the first bad index, or n.
*/
#define TAKE(T)                                                               \
  {                                                                           \
    T *o = (T *)dp;                                                           \
    const T *x = (const T *)abase;                                            \
    int64_t os = ds / (int64_t)sizeof(T), xs = as / (int64_t)sizeof(T);       \
    for (int64_t t = 0; t < n; t++) {                                         \
      int64_t k = zero_based(ix[t * is], len);                                \
      if (k < 0) return t;                                                    \
      o[t * os] = x[k * xs];                                                  \
    }                                                                         \
    return n;                                                                 \
  }

static int64_t take_run(rowcopy *rc, const char *abase, int64_t as, int64_t len,
                        const int64_t *ix, int64_t is, char *dp, int64_t ds, int64_t n,
                        int *st) {
  size_t es = rc->esize;
  if (rc->single && (es == 8 || es == 4) && ALIGNED(abase, es) && ALIGNED(dp, es) &&
      as % (int64_t)es == 0 && ds % (int64_t)es == 0) {
    if (es == 8) TAKE(uint64_t) else TAKE(uint32_t)
  }
  for (int64_t t = 0; t < n; t++) {
    int64_t k = zero_based(ix[t * is], len);
    if (k < 0) return t;
    if ((*st = copy_row(rc, dp + t * ds, abase + k * as, 0)) != GB_OK) return n;
  }
  return n;
}

int gb_take(gb_ctx *ctx, const gb_array *a, const gb_array *idx, gb_array *out, int64_t *bad) {
  int nd, st;
  int64_t shape[GB_MAXDIM];
  gb_iter it;
  rowcopy rc;
  if ((st = gb_take_shape(a, idx, &nd, shape)) != GB_OK) return st;
  if ((st = check_dense(a, 1, idx->shape, idx->ndim, out)) != GB_OK) return st;
  if (idx->size == 0) return GB_OK;
  rowcopy_init(&rc, ctx, a, 1, out, idx->ndim);
  gb_array olead = lead_of(out, idx->ndim);
  if (!gb_iter_init(&it, 2, (const gb_array *[]){idx, &olead})) return GB_OK;
  if (!ALIGNED(it.ptr[0], 8) || it.stride[0] % 8) {
    /* an unaligned host buffer: gather through a private copy of idx */
    gb_array c;
    size_t nb;
    if ((st = gb_array_init(&c, GB_INT64, idx->ndim, idx->shape, &nb)) != GB_OK) return st;
    if (!(c.data = gb_alloc(ctx, nb))) return GB_ENOMEM;
    if ((st = gb_copy(ctx, &c, idx)) == GB_OK) st = gb_take(ctx, a, &c, out, bad);
    gb_free(ctx, c.data);
    return st;
  }
  int64_t len = a->shape[0], as = a->strides[0];
  do {
    const int64_t *ix = (const int64_t *)it.ptr[0];
    int64_t is = it.stride[0] / 8, n = it.n, nchunks = (n + CHUNK - 1) / CHUNK;
    int64_t first = n;                      /* the first bad position in the run */
    atomic_int status = GB_OK;
#pragma omp parallel for schedule(static) num_threads(gb_threads(ctx, (double)n)) \
    reduction(min : first)
    for (int64_t c = 0; c < nchunks; c++) {
      int64_t lo = c * CHUNK, m = n - lo < CHUNK ? n - lo : CHUNK;
      int s = GB_OK;
      if (atomic_load_explicit(&status, memory_order_relaxed) != GB_OK) continue;
      if (gb_interrupted(ctx)) s = GB_EINTERRUPTED;
      else {
        rowcopy r = rc;
        int64_t at = take_run(&r, a->data, as, len, ix + lo * is, is,
                              it.ptr[1] + lo * it.stride[1], it.stride[1], m, &s);
        if (at < m && lo + at < first) first = lo + at;
      }
      if (s != GB_OK) {
        int expect = GB_OK;
        atomic_compare_exchange_strong(&status, &expect, s);
      }
    }
    if (atomic_load(&status) != GB_OK) return atomic_load(&status);
    if (first < n) {
      if (bad) *bad = ix[first * is];
      return GB_EINVAL;
    }
  } while (gb_iter_next(&it));
  return GB_OK;
}

int gb_put(gb_ctx *ctx, gb_array *a, const gb_array *idx, const gb_array *src, int64_t *bad) {
  int nd, st;
  int64_t shape[GB_MAXDIM], len = a->shape[0], work = 0;
  gb_iter it;
  rowcopy rc;
  if ((st = gb_take_shape(a, idx, &nd, shape)) != GB_OK) return st;
  if ((st = check_dense(a, 1, idx->shape, idx->ndim, src)) != GB_OK) return st;
  if (!gb_iter_init(&it, 1, (const gb_array *[]){idx})) return GB_OK;
  do                                      /* every index checked before any write */
    for (int64_t t = 0; t < it.n; t++) {
      int64_t i;
      memcpy(&i, it.ptr[0] + t * it.stride[0], sizeof i);
      if (zero_based(i, len) < 0) {
        if (bad) *bad = i;
        return GB_EINVAL;
      }
    }
  while (gb_iter_next(&it));
  rowcopy_init(&rc, ctx, a, 1, src, idx->ndim);
  gb_array slead = lead_of(src, idx->ndim);
  gb_iter_init(&it, 2, (const gb_array *[]){idx, &slead});
  do {
    for (int64_t t = 0; t < it.n; t++) {
      int64_t i;
      memcpy(&i, it.ptr[0] + t * it.stride[0], sizeof i);
      st = copy_row(&rc, a->data + zero_based(i, len) * a->strides[0],
                    it.ptr[1] + t * it.stride[1], 1);
      if (st != GB_OK) return st;
    }
    work += it.n;
    if (work >= CHUNK) {
      work = 0;
      if (gb_interrupted(ctx)) return GB_EINTERRUPTED;
    }
  } while (gb_iter_next(&it));
  return GB_OK;
}
