/*
** Sorting and selection along an axis: stable LSD radix sort on 64-bit
** order-preserving keys, introselect for partitions and quantiles, a heap
** for the top k.
*/
#include <stdlib.h>
#include <string.h>

#include "sort.h"

#define SIGN64 ((uint64_t)1 << 63)
#define SMALL 48                  /* insertion sort below this */

/* Keys ------------------------------------------------------------------------- */

/* Negative numbers: all bits flipped (larger magnitude, smaller key);
   positive ones: the sign bit set.  Both zeros share a key, so a stable
   sort keeps them in their order, as NumPy's comparison sorts do. */
static int cmp_doubles(const void *a, const void *b) {
  double u = *(const double *)a, v = *(const double *)b;
  if (u != u || v != v) return (u != u) - (v != v);   /* NaN last */
  return (u > v) - (u < v);
}

void gb_sort_doubles(double *x, int64_t n) {
  qsort(x, (size_t)n, sizeof(double), cmp_doubles);
}

uint64_t gb_key_f64(double x) {
  uint64_t u;
  if (x != x) return UINT64_MAX;
  if (x == 0) return SIGN64;
  memcpy(&u, &x, sizeof u);
  return (u & SIGN64) ? ~u : u | SIGN64;
}

double gb_unkey_f64(uint64_t k) {
  uint64_t u = (k & SIGN64) ? k & ~SIGN64 : ~k;
  double x;
  memcpy(&x, &u, sizeof x);
  return x;
}

static uint64_t key_f32(float x) {
  uint32_t u;
  if (x != x) return UINT32_MAX;
  if (x == 0) return (uint32_t)1 << 31;
  memcpy(&u, &x, sizeof u);
  return (u >> 31) ? (uint32_t)~u : u | (uint32_t)1 << 31;
}

static float unkey_f32(uint64_t k) {
  uint32_t v = (uint32_t)k, u = (v >> 31) ? v & ~((uint32_t)1 << 31) : ~v;
  float x;
  memcpy(&x, &u, sizeof x);
  return x;
}

#define AT(T, p, i, s) (*(const T *)((p) + (i) * (s)))

/*
** A pass over the keys of a big sort takes a while (a scatter of 3e7
** pairs, a few hundred milliseconds), so every pass is cut into pieces of
** PIECE elements with a look at the interrupt flag between them:
**   for (i = 0; i < n; i = end) { if (stopped(ctx, i)) ...; end = piece(i, n); ... }
*/
#define PIECE ((int64_t)1 << 20)

static int64_t piece(int64_t i, int64_t n) { return n - i > PIECE ? i + PIECE : n; }
static int stopped(gb_ctx *ctx, int64_t i) { return i > 0 && gb_interrupted(ctx); }

/* Keys of a lane.  Counts negatives, zeros and NaNs of float lanes: the
   sorted zeros and NaNs are written back from the input, so that -0.0
   and NaN payloads survive. */
typedef struct lanestat { int64_t neg, zero, nan; } lanestat;

static void keys_of(int dt, const char *p, int64_t s, int64_t n, uint64_t *key,
                    lanestat *ls) {
  int64_t neg = 0, zero = 0, nan = 0;
  switch (dt) {
    case GB_FLOAT64:
      for (int64_t i = 0; i < n; i++) {
        double x = AT(double, p, i, s);
        neg += x < 0;
        zero += x == 0;
        nan += x != x;
        key[i] = gb_key_f64(x);
      }
      break;
    case GB_FLOAT32:
      for (int64_t i = 0; i < n; i++) {
        float x = AT(float, p, i, s);
        neg += x < 0;
        zero += x == 0;
        nan += x != x;
        key[i] = key_f32(x);
      }
      break;
    case GB_INT64:
      for (int64_t i = 0; i < n; i++) key[i] = (uint64_t)AT(int64_t, p, i, s) ^ SIGN64;
      break;
    default:
      for (int64_t i = 0; i < n; i++) key[i] = AT(unsigned char, p, i, s) != 0;
  }
  if (ls) ls->neg = neg, ls->zero = zero, ls->nan = nan;
}

/* The keys of a lane, in pieces (the first touch of a fresh key buffer is
   slow); ls, if not NULL, gets the counts. */
static int load_keys(gb_ctx *ctx, int dt, const char *p, int64_t s, int64_t n, uint64_t *key,
                     lanestat *ls) {
  lanestat sum = {0, 0, 0}, part;
  for (int64_t i = 0, end; i < n; i = end) {
    if (stopped(ctx, i)) return GB_EINTERRUPTED;
    end = piece(i, n);
    keys_of(dt, p + i * s, s, end - i, key + i, &part);
    sum.neg += part.neg, sum.zero += part.zero, sum.nan += part.nan;
  }
  if (ls) *ls = sum;
  return GB_OK;
}

/* The key of element i of a lane, as load_keys makes it. */
static inline uint64_t key_at(int dt, const char *p, int64_t s, int64_t i) {
  switch (dt) {
    case GB_FLOAT64: return gb_key_f64(AT(double, p, i, s));
    case GB_FLOAT32: return key_f32(AT(float, p, i, s));
    case GB_INT64: return (uint64_t)AT(int64_t, p, i, s) ^ SIGN64;
    default: return AT(unsigned char, p, i, s) != 0;
  }
}

static void store_value(int dt, char *q, uint64_t k) {
  switch (dt) {
    case GB_FLOAT64: { double x = gb_unkey_f64(k); memcpy(q, &x, sizeof x); break; }
    case GB_FLOAT32: { float x = unkey_f32(k); memcpy(q, &x, sizeof x); break; }
    case GB_INT64: { int64_t x = (int64_t)(k ^ SIGN64); memcpy(q, &x, sizeof x); break; }
    default: *q = (char)(k != 0);
  }
}

/* Radix sort ------------------------------------------------------------------------ */

static void insertion(uint64_t *key, int64_t *idx, int64_t n) {
  for (int64_t i = 1; i < n; i++) {
    uint64_t k = key[i];
    int64_t v = idx ? idx[i] : 0, j = i;
    for (; j > 0 && key[j - 1] > k; j--) {
      key[j] = key[j - 1];
      if (idx) idx[j] = idx[j - 1];
    }
    key[j] = k;
    if (idx) idx[j] = v;
  }
}

/*
** One counting pass per byte of the key, least significant first; bytes
** that are equal in every key are skipped (the high bytes of float32,
** int and bool keys, and often of doubles of one sign and scale).
*/
typedef struct pair { uint64_t k; int64_t i; } pair;

int gb_radix_sort(gb_ctx *ctx, uint64_t *key, int64_t *idx, int64_t n, uint64_t *tkey, int64_t *tidx) {
  int64_t count[8][256], i, end;
  uint64_t *src = key, *dst = tkey;
  int64_t *isrc = idx, *idst = tidx;
  pair *pairs = NULL;
  if (n <= SMALL) {
    insertion(key, idx, n);
    return GB_OK;
  }
  memset(count, 0, sizeof count);
  for (i = 0; i < n; i = end) {
    if (stopped(ctx, i)) return GB_EINTERRUPTED;
    for (end = piece(i, n); i < end; i++) {
      uint64_t k = key[i];
      for (int d = 0; d < 8; d++) count[d][(k >> (8 * d)) & 255]++;
    }
  }
  /* with indices, a large sort moves (key, index) pairs: one store per
     element instead of two into separate arrays */
  pairs = idx && n >= 4096 ? gb_alloc(ctx, sizeof(pair) * 2 * (size_t)n) : NULL;
  int flip = 0;
  for (i = 0; pairs && i < n; i = end) {
    if (stopped(ctx, i)) goto interrupted;
    for (end = piece(i, n); i < end; i++) pairs[i] = (pair){key[i], idx[i]};
  }
  for (int d = 0; d < 8; d++) {
    int64_t off[256], sum = 0;
    int shift = 8 * d;
    if (count[d][(key[0] >> shift) & 255] == n) continue;
    if (n >= GB_CHECK_EVERY && gb_interrupted(ctx)) goto interrupted;
    for (int b = 0; b < 256; b++) {
      off[b] = sum;
      sum += count[d][b];
    }
    if (pairs) {
      pair *ps = pairs + (flip ? n : 0), *pd = pairs + (flip ? 0 : n);
      for (i = 0; i < n; i = end) {
        if (stopped(ctx, i)) goto interrupted;
        for (end = piece(i, n); i < end; i++) pd[off[(ps[i].k >> shift) & 255]++] = ps[i];
      }
      flip = !flip;
      continue;
    }
    for (i = 0; i < n; i = end) {
      if (stopped(ctx, i)) goto interrupted;
      end = piece(i, n);
      if (isrc)
        for (; i < end; i++) {
          int64_t pos = off[(src[i] >> shift) & 255]++;
          dst[pos] = src[i];
          idst[pos] = isrc[i];
        }
      else
        for (; i < end; i++) dst[off[(src[i] >> shift) & 255]++] = src[i];
    }
    if (isrc) { int64_t *t = isrc; isrc = idst; idst = t; }
    uint64_t *t = src; src = dst; dst = t;
  }
  if (pairs) {
    const pair *ps = pairs + (flip ? n : 0);
    for (i = 0; i < n; i++) key[i] = ps[i].k, idx[i] = ps[i].i;
    gb_free(ctx, pairs);
    return GB_OK;
  }
  if (src != key) {
    memcpy(key, src, sizeof *key * (size_t)n);
    if (idx) memcpy(idx, isrc, sizeof *idx * (size_t)n);
  }
  return GB_OK;
interrupted:
  gb_free(ctx, pairs);
  return GB_EINTERRUPTED;
}

/* Selection ------------------------------------------------------------------------- */

static void swap(uint64_t *key, int64_t *idx, int64_t i, int64_t j) {
  uint64_t k = key[i]; key[i] = key[j]; key[j] = k;
  if (idx) { int64_t v = idx[i]; idx[i] = idx[j]; idx[j] = v; }
}

static void sift(uint64_t *key, int64_t *idx, int64_t i, int64_t n) {
  for (;;) {
    int64_t c = 2 * i + 1;
    if (c >= n) return;
    if (c + 1 < n && key[c + 1] > key[c]) c++;
    if (key[c] <= key[i]) return;
    swap(key, idx, i, c);
    i = c;
  }
}

/* In-place heapsort: the fallback that keeps selection O(n log n). */
static void heapsort(uint64_t *key, int64_t *idx, int64_t n) {
  for (int64_t i = n / 2; i-- > 0;) sift(key, idx, i, n);
  for (int64_t e = n - 1; e > 0; e--) {
    swap(key, idx, 0, e);
    sift(key, idx, 0, e);
  }
}

static uint64_t median3(uint64_t a, uint64_t b, uint64_t c) {
  if (a > b) { uint64_t t = a; a = b; b = t; }
  if (b > c) b = c;
  return a > b ? a : b;
}

/*
** Quickselect with a median-of-three pivot and a three-way partition (so
** that runs of equal keys cost nothing); after too many rounds it sorts
** what is left.
*/
void gb_select(uint64_t *key, int64_t *idx, int64_t n, int64_t k) {
  int64_t lo = 0, hi = n;
  int budget = 8;
  for (int64_t m = n; m > 1; m >>= 1) budget += 2;
  while (hi - lo > SMALL) {
    if (budget-- == 0) {
      heapsort(key + lo, idx ? idx + lo : NULL, hi - lo);
      return;
    }
    uint64_t p = median3(key[lo], key[lo + (hi - lo) / 2], key[hi - 1]);
    int64_t lt = lo, i = lo, gt = hi;
    while (i < gt) {
      if (key[i] < p) swap(key, idx, lt++, i++);
      else if (key[i] > p) swap(key, idx, i, --gt);
      else i++;
    }
    if (k < lt) hi = lt;
    else if (k >= gt) lo = gt;
    else return;
  }
  insertion(key + lo, idx ? idx + lo : NULL, hi - lo);
}

/* Lanes ------------------------------------------------------------------------------ */

typedef struct sortctx {
  int dtype, vals, idx;           /* which outputs are wanted */
  int largest;
  int64_t k;                      /* topk */
  int nk;                         /* partition */
  const int64_t *kth;
  uint64_t *key, *tkey;
  int64_t *ix, *tix;
} sortctx;

/* The outputs of a lane: values (o1) and/or indices (o2, or o1 alone). */
static void outputs(const sortctx *c, char *o1, int64_t s1, char *o2, int64_t s2,
                    char **vp, int64_t *vs, char **ip, int64_t *is) {
  *vp = c->vals ? o1 : NULL, *vs = s1;
  *ip = c->vals ? o2 : o1, *is = c->vals ? s2 : s1;
}

/* Write the values at positions ix[0..m) of the input lane, and the
   1-based positions themselves. */
static int gather(gb_ctx *ctx, const sortctx *c, const char *in, int64_t is, int64_t m,
                  char *vp, int64_t vs, char *ip, int64_t ixs) {
  size_t es = gb_dtype_size(c->dtype);
  for (int64_t j = 0, end; j < m; j = end) {
    if (stopped(ctx, j)) return GB_EINTERRUPTED;
    for (end = piece(j, m); j < end; j++) {
      if (vp) memcpy(vp + j * vs, in + c->ix[j] * is, es);
      if (ip) *(int64_t *)(ip + j * ixs) = c->ix[j] + 1;
    }
  }
  return GB_OK;
}

static int sort_lane(gb_ctx *ctx, void *ud, const char *in, int64_t is, int64_t n,
                     char *o1, int64_t s1, char *o2, int64_t s2, int64_t on) {
  const sortctx *c = ud;
  char *vp, *ip;
  int64_t vs, ixs;
  lanestat ls;
  int st;
  (void)on;
  outputs(c, o1, s1, o2, s2, &vp, &vs, &ip, &ixs);
  if ((st = load_keys(ctx, c->dtype, in, is, n, c->key, &ls))) return st;
  if (ip) {
    for (int64_t i = 0; i < n; i++) c->ix[i] = i;
    if ((st = gb_radix_sort(ctx, c->key, c->ix, n, c->tkey, c->tix))) return st;
    return gather(ctx, c, in, is, n, vp, vs, ip, ixs);
  }
  if ((st = gb_radix_sort(ctx, c->key, NULL, n, c->tkey, NULL))) return st;
  for (int64_t i = 0; i < n; i++) store_value(c->dtype, vp + i * vs, c->key[i]);
  if (n >= PIECE && gb_interrupted(ctx)) return GB_EINTERRUPTED;
  if (ls.zero || ls.nan) {
    /* zeros sit after the negatives, NaNs at the end, each in input order */
    int64_t z = ls.neg, q = n - ls.nan;
    size_t es = gb_dtype_size(c->dtype);
    for (int64_t i = 0; i < n; i++) {
      double x = gb_get_double(c->dtype, in + i * is);
      if (x == 0) memcpy(vp + z++ * vs, in + i * is, es);
      else if (x != x) memcpy(vp + q++ * vs, in + i * is, es);
    }
  }
  return GB_OK;
}

/* Heap of the k best so far, the worst on top: lower score, or equal
   score and later position. */
static int worse(const uint64_t *key, const int64_t *ix, int64_t a, int64_t b) {
  return key[a] < key[b] || (key[a] == key[b] && ix[a] > ix[b]);
}

static void heap_down(uint64_t *key, int64_t *ix, int64_t i, int64_t n) {
  for (;;) {
    int64_t c = 2 * i + 1;
    if (c >= n) return;
    if (c + 1 < n && worse(key, ix, c + 1, c)) c++;
    if (!worse(key, ix, c, i)) return;
    swap(key, ix, i, c);
    i = c;
  }
}

static void heap_up(uint64_t *key, int64_t *ix, int64_t i) {
  while (i > 0) {
    int64_t p = (i - 1) / 2;
    if (!worse(key, ix, i, p)) return;
    swap(key, ix, i, p);
    i = p;
  }
}

static int topk_lane(gb_ctx *ctx, void *ud, const char *in, int64_t is, int64_t n,
                     char *o1, int64_t s1, char *o2, int64_t s2, int64_t on) {
  const sortctx *c = ud;
  char *vp, *ip;
  int64_t vs, ixs, k = c->k;
  uint64_t flip = c->largest ? 0 : UINT64_MAX;   /* smallest: reverse the order */
  (void)on;
  outputs(c, o1, s1, o2, s2, &vp, &vs, &ip, &ixs);
  if (k == 0) return GB_OK;
  if (k * 8 <= n) {
    /* one pass, each key made as it is read: most fail the first compare */
    int64_t m = 0;
    for (int64_t i = 0; i < n; i++) {
      uint64_t score = key_at(c->dtype, in, is, i) ^ flip;
      if (m < k) {
        c->key[m] = score, c->ix[m] = i;
        heap_up(c->key, c->ix, m++);
      } else if (score > c->key[0]) {
        c->key[0] = score, c->ix[0] = i;
        heap_down(c->key, c->ix, 0, k);
      }
    }
    /* popping the worst fills the result from the back */
    for (int64_t e = k - 1; e > 0; e--) {
      swap(c->key, c->ix, 0, e);
      heap_down(c->key, c->ix, 0, e);
    }
  } else {
    int st;
    if ((st = load_keys(ctx, c->dtype, in, is, n, c->tkey, NULL))) return st;
    for (int64_t i = 0; i < n; i++) c->key[i] = ~(c->tkey[i] ^ flip), c->ix[i] = i;
    if ((st = gb_radix_sort(ctx, c->key, c->ix, n, c->tkey, c->tix))) return st;
  }
  return gather(ctx, c, in, is, k, vp, vs, ip, ixs);
}

static int partition_lane(gb_ctx *ctx, void *ud, const char *in, int64_t is, int64_t n,
                          char *o1, int64_t s1, char *o2, int64_t s2, int64_t on) {
  const sortctx *c = ud;
  char *vp, *ip;
  int64_t vs, ixs, start = 0;
  (void)on;
  outputs(c, o1, s1, o2, s2, &vp, &vs, &ip, &ixs);
  if (load_keys(ctx, c->dtype, in, is, n, c->key, NULL)) return GB_EINTERRUPTED;
  for (int64_t i = 0; i < n; i++) c->ix[i] = i;
  for (int j = 0; j < c->nk; j++) {
    if (c->kth[j] < start) continue;
    gb_select(c->key + start, c->ix + start, n - start, c->kth[j] - start);
    start = c->kth[j] + 1;
  }
  return gather(ctx, c, in, is, n, vp, vs, ip, ixs);
}

/* Allocate the scratch space for lanes of n and run f over the lanes. */
static int run_lanes(gb_ctx *ctx, sortctx *c, const gb_array *a, int axis, gb_array *vals,
                     gb_array *idx, gb_lane2_fn f) {
  int64_t n = a->shape[axis];
  size_t m = (size_t)(n > 0 ? n : 1);
  int st;
  if (axis < 0 || axis >= a->ndim) return GB_EINVAL;
  if (!vals && !idx) return GB_OK;
  if (vals && vals->dtype != a->dtype) return GB_EDTYPE;
  if (idx && idx->dtype != GB_INT64) return GB_EDTYPE;
  c->dtype = a->dtype;
  c->vals = vals != NULL;
  c->idx = idx != NULL;
  c->key = gb_alloc(ctx, m * sizeof *c->key);
  c->tkey = gb_alloc(ctx, m * sizeof *c->tkey);
  c->ix = gb_alloc(ctx, m * sizeof *c->ix);
  c->tix = gb_alloc(ctx, m * sizeof *c->tix);
  if (!c->key || !c->tkey || !c->ix || !c->tix) st = GB_ENOMEM;
  else st = gb_for_lanes2(ctx, a, vals ? vals : idx, vals ? idx : NULL, axis, f, c);
  gb_free(ctx, c->key);
  gb_free(ctx, c->tkey);
  gb_free(ctx, c->ix);
  gb_free(ctx, c->tix);
  return st;
}

int gb_sort(gb_ctx *ctx, const gb_array *a, int axis, gb_array *out) {
  sortctx c = {0};
  if (out->ndim != a->ndim || out->shape[axis] != a->shape[axis]) return GB_ESHAPE;
  return run_lanes(ctx, &c, a, axis, out, NULL, sort_lane);
}

int gb_argsort(gb_ctx *ctx, const gb_array *a, int axis, gb_array *out) {
  sortctx c = {0};
  if (out->ndim != a->ndim || out->shape[axis] != a->shape[axis]) return GB_ESHAPE;
  return run_lanes(ctx, &c, a, axis, NULL, out, sort_lane);
}

int gb_topk(gb_ctx *ctx, const gb_array *a, int axis, int64_t k, int largest, gb_array *vals, gb_array *idx) {
  sortctx c = {0};
  if (axis < 0 || axis >= a->ndim || k < 0 || k > a->shape[axis]) return GB_EINVAL;
  if ((vals && vals->shape[axis] != k) || (idx && idx->shape[axis] != k)) return GB_ESHAPE;
  c.k = k;
  c.largest = largest;
  return run_lanes(ctx, &c, a, axis, vals, idx, topk_lane);
}

int gb_partition(gb_ctx *ctx, const gb_array *a, int axis, int nk, const int64_t *kth,
                 gb_array *vals, gb_array *idx) {
  sortctx c = {0};
  if (axis < 0 || axis >= a->ndim) return GB_EINVAL;
  for (int j = 0; j < nk; j++)
    if (kth[j] < 0 || kth[j] >= a->shape[axis] || (j && kth[j] < kth[j - 1])) return GB_EINVAL;
  if ((vals && vals->shape[axis] != a->shape[axis]) || (idx && idx->shape[axis] != a->shape[axis]))
    return GB_ESHAPE;
  c.nk = nk;
  c.kth = kth;
  return run_lanes(ctx, &c, a, axis, vals, idx, partition_lane);
}
