/*
** Token sampling on candidate lists (see sample.h): softmax quantities,
** the truncation filters, the exact categorical draw and Mirostat's
** estimates.
**
** The thresholds that depend on a probability mass (top-p, typical) are
** found by a quickselect that accumulates mass instead of sorting the
** vocabulary: expected linear time, so top-p over 128k tokens costs a few
** passes over memory rather than a sort.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reduce.h"
#include "sample.h"
#include "status.h"
#include "vmath.h"

/* Candidate lists -------------------------------------------------------------- */

typedef struct item { double key, w; int64_t pos; } item;

/* ids, logits, and work: weights, keys and three doubles per mass item */
#define WORK_DOUBLES 5

size_t gb_cands_bytes(int64_t v) {
  return (size_t)(v > 0 ? v : 1) * (sizeof(int64_t) + (1 + WORK_DOUBLES) * sizeof(double));
}

/* Scratch for keep_by_mass, after the weights and the keys. */
static item *work_items(const gb_cands *c) {
  return (item *)(c->work + 2 * (c->vocab > 0 ? c->vocab : 1));
}

static void cands_layout(gb_cands *c, void *mem, int64_t v) {
  int64_t cap = v > 0 ? v : 1;
  c->id = mem;
  c->x = (double *)(c->id + cap);
  c->work = c->x + cap;
  c->vocab = v;
  c->n = 0;
}

/* The usual case, contiguous logits all finite, is a plain copy that
   checks as it goes (an exponent field of all ones is inf or NaN: in
   integer operations the loop vectorises); otherwise -inf tokens are left
   out and NaN or +inf is an error. */
#define CANDS_INIT(T)                                                          \
  cands_layout(c, mem, v);                                                     \
  if (stride == 1 && v > 0) {                                                  \
    uint64_t odd = 0;                                                          \
    for (int64_t i = 0; i < v; i++) {                                          \
      double x = (double)logits[i];                                            \
      uint64_t b;                                                              \
      memcpy(&b, &x, sizeof b);                                                \
      odd |= (((b >> 52) & 0x7ff) + 1) >> 11;                                  \
      c->id[i] = i;                                                            \
      c->x[i] = x;                                                             \
    }                                                                          \
    if (!odd) {                                                                \
      c->n = v;                                                                \
      return GB_OK;                                                            \
    }                                                                          \
  }                                                                            \
  for (int64_t i = 0; i < v; i++) {                                            \
    double x = (double)logits[i * stride];                                     \
    if (x == -INFINITY) continue;                                              \
    if (isnan(x) || x == INFINITY) { *bad = i; return GB_EINVAL; }             \
    c->id[c->n] = i;                                                           \
    c->x[c->n++] = x;                                                          \
  }                                                                            \
  if (c->n == 0) { *bad = -1; return GB_EINVAL; }                              \
  return GB_OK;

int gb_cands_init(gb_cands *c, void *mem, const double *logits, int64_t stride,
                  int64_t v, int64_t *bad) {
  CANDS_INIT(double)
}

int gb_cands_init_float(gb_cands *c, void *mem, const float *logits, int64_t stride,
                        int64_t v, int64_t *bad) {
  CANDS_INIT(float)
}

void gb_cands_scatter(const gb_cands *c, double *out, int64_t stride) {
  if (stride == 1)
    for (int64_t i = 0; i < c->vocab; i++) out[i] = -INFINITY;
  else
    for (int64_t i = 0; i < c->vocab; i++) out[i * stride] = -INFINITY;
  for (int64_t j = 0; j < c->n; j++) out[c->id[j] * stride] = c->x[j];
}

/* Keep the candidates whose flag in keep[] is set (keep may be c->work). */
static void compact(gb_cands *c, const unsigned char *keep) {
  int64_t m = 0;
  for (int64_t j = 0; j < c->n; j++)
    if (keep[j]) { c->id[m] = c->id[j]; c->x[m] = c->x[j]; m++; }
  c->n = m;
}

/* Keep the candidates with logit >= t. */
static void keep_at_least(gb_cands *c, double t) {
  int64_t m = 0;
  for (int64_t j = 0; j < c->n; j++)
    if (c->x[j] >= t) { c->id[m] = c->id[j]; c->x[m] = c->x[j]; m++; }
  c->n = m;
}

static double max_logit(const gb_cands *c) { return gb_max_doubles(c->x, c->n); }

/* w[j] = exp(x[j] - max); returns their sum.  w may not alias c->x. */
static double weights(const gb_cands *c, double *w, double *max) {
  double m = max_logit(c), s = 0.0;
  for (int64_t j = 0; j < c->n; j++) w[j] = c->x[j] - m;
  gb_vexp(w, w, c->n);
  s = gb_sum_doubles(w, c->n);
  if (max) *max = m;
  return s;
}

double gb_cands_logsumexp(const gb_cands *c) {
  double m;
  double s = weights(c, c->work, &m);
  return m + log(s);
}

/* The entropy from weights w with sum s and the logits' maximum m:
   H = ln s - sum w_j (x_j - m) / s. */
static double entropy_of(const gb_cands *c, const double *w, double s, double m) {
  double a = 0.0;
  for (int64_t j = 0; j < c->n; j++) a += w[j] * (c->x[j] - m);
  double h = log(s) - a / s;
  return h > 0 ? h : 0.0;            /* rounding can give -1e-17 */
}

double gb_cands_entropy(const gb_cands *c) {
  double m, s = weights(c, c->work, &m);
  return entropy_of(c, c->work, s, m);
}

/* Selection by value and by mass ------------------------------------------------ */

static void swapd(double *a, double *b) { double t = *a; *a = *b; *b = t; }

static double median3(double a, double b, double c) {
  if (a > b) swapd(&a, &b);
  if (b > c) swapd(&b, &c);
  if (a > b) swapd(&a, &b);
  return b;
}

/* The k-th largest (1-based) of v[0..n), reordering v. */
static double kth_largest(double *v, int64_t n, int64_t k) {
  int64_t lo = 0, hi = n, want = k - 1;      /* index in descending order */
  while (hi - lo > 1) {
    double p = median3(v[lo], v[lo + (hi - lo) / 2], v[hi - 1]);
    int64_t lt = lo, i = lo, gt = hi;        /* [lo,lt) > p, [lt,gt) == p, [gt,hi) < p */
    while (i < gt) {
      if (v[i] > p) swapd(&v[lt++], &v[i++]);
      else if (v[i] < p) swapd(&v[i], &v[--gt]);
      else i++;
    }
    if (want < lt) hi = lt;
    else if (want < gt) return p;
    else lo = gt;
  }
  return v[lo];
}

static void swapi(item *a, item *b) { item t = *a; *a = *b; *b = t; }

static int item_cmp(const void *pa, const void *pb) {
  const item *a = pa, *b = pb;
  if (a->key != b->key) return a->key > b->key ? -1 : 1;
  return (a->pos > b->pos) - (a->pos < b->pos);
}

/*
** Walk items in the order (key descending, position ascending) and find
** the first at which the running weight reaches target: everything up to
** it is kept, i.e. items with key > *K, or key == *K and pos <= *P.  When
** the target is never reached everything is kept (*K = -inf).
*/
static void mass_cut(item *it, int64_t n, double target, double *K, int64_t *P) {
  int64_t lo = 0, hi = n;
  double acc = 0.0;
  while (hi - lo > 16) {
    double p = median3(it[lo].key, it[lo + (hi - lo) / 2].key, it[hi - 1].key);
    int64_t lt = lo, i = lo, gt = hi;
    while (i < gt) {
      if (it[i].key > p) swapi(&it[lt++], &it[i++]);
      else if (it[i].key < p) swapi(&it[i], &it[--gt]);
      else i++;
    }
    double above = 0.0, tied = 0.0;
    for (int64_t j = lo; j < lt; j++) above += it[j].w;
    if (acc + above >= target) { hi = lt; continue; }
    acc += above;
    for (int64_t j = lt; j < gt; j++) tied += it[j].w;
    if (acc + tied >= target) { lo = lt; hi = gt; break; }   /* split the ties */
    acc += tied;
    lo = gt;
  }
  qsort(it + lo, (size_t)(hi - lo), sizeof(item), item_cmp);
  for (int64_t j = lo; j < hi; j++) {
    acc += it[j].w;
    if (acc >= target) { *K = it[j].key; *P = it[j].pos; return; }
  }
  *K = -INFINITY;
  *P = INT64_MAX;
}

static int item_kept(double key, int64_t pos, double K, int64_t P) {
  return key > K || (key == K && pos <= P);
}

/* Of two cut points, the one later in the walk. */
static void later_cut(double *K, int64_t *P, double K2, int64_t P2) {
  if (K2 < *K || (K2 == *K && P2 > *P)) { *K = K2; *P = P2; }
}

/*
** Keep the candidates that come first in order of key[] (descending, then
** position) until their weight reaches target and at least min_keep are
** kept.  items is scratch for n items.
*/
static void keep_by_mass(gb_cands *c, const double *key, const double *w,
                         double target, int64_t min_keep, item *items) {
  int64_t n = c->n;
  double K;
  int64_t P;
  if (min_keep >= n) return;                   /* at least min_keep: all of them */
  for (int64_t j = 0; j < n; j++) items[j] = (item){key[j], w[j], j};
  mass_cut(items, n, target, &K, &P);
  if (min_keep > 1) {
    double K2;
    int64_t P2;
    for (int64_t j = 0; j < n; j++) items[j] = (item){key[j], 1.0, j};
    mass_cut(items, n, (double)min_keep, &K2, &P2);
    later_cut(&K, &P, K2, P2);
  }
  int64_t m = 0;
  for (int64_t j = 0; j < n; j++)
    if (item_kept(key[j], j, K, P)) { c->id[m] = c->id[j]; c->x[m] = c->x[j]; m++; }
  c->n = m;
}

/* Filters ------------------------------------------------------------------------ */

int64_t gb_cands_argmax(const gb_cands *c) {
  int64_t best = 0;
  for (int64_t j = 1; j < c->n; j++) if (c->x[j] > c->x[best]) best = j;
  return best;
}

static void keep_only(gb_cands *c, int64_t j) {
  c->id[0] = c->id[j];
  c->x[0] = c->x[j];
  c->n = 1;
}

void gb_filter_temperature(gb_cands *c, double T) {
  if (!(T > 0)) { keep_only(c, gb_cands_argmax(c)); return; }
  int overflow = 0;
  for (int64_t j = 0; j < c->n; j++) {
    c->x[j] /= T;
    overflow |= isinf(c->x[j]);
  }
  if (overflow) {
    /* logits / T left the double range: shift by the maximum first (the
       same distribution), dropping what underflows to -inf */
    double m = max_logit(c);
    if (m == INFINITY) {
      unsigned char *keep = (unsigned char *)c->work;
      for (int64_t j = 0; j < c->n; j++) keep[j] = c->x[j] == INFINITY;
      compact(c, keep);
      for (int64_t j = 0; j < c->n; j++) c->x[j] = 0.0;
    } else {
      unsigned char *keep = (unsigned char *)c->work;
      for (int64_t j = 0; j < c->n; j++) keep[j] = c->x[j] > -HUGE_VAL;
      compact(c, keep);
    }
  }
}

/*
** The k-th largest of x[0..n) for a small k: a min-heap of the k largest
** seen so far, so that almost every element costs one comparison with the
** heap's top and the pass runs at memory speed.  heap has room for k.
*/
static double kth_largest_heap(const double *x, int64_t n, int64_t k, double *heap) {
  for (int64_t i = 0; i < k; i++) {               /* heapify the first k */
    int64_t j = i;
    heap[j] = x[i];
    while (j > 0 && heap[(j - 1) / 2] > heap[j]) {
      double t = heap[j]; heap[j] = heap[(j - 1) / 2]; heap[(j - 1) / 2] = t;
      j = (j - 1) / 2;
    }
  }
  for (int64_t i = k; i < n; i++) {
    if (!(x[i] > heap[0])) continue;
    int64_t j = 0;                                /* replace the top, sift down */
    heap[0] = x[i];
    for (;;) {
      int64_t l = 2 * j + 1, r = l + 1, m = j;
      if (l < k && heap[l] < heap[m]) m = l;
      if (r < k && heap[r] < heap[m]) m = r;
      if (m == j) break;
      double t = heap[j]; heap[j] = heap[m]; heap[m] = t;
      j = m;
    }
  }
  return heap[0];
}

void gb_filter_top_k(gb_cands *c, int64_t k, int64_t min_keep) {
  if (k <= 0) return;
  if (k < min_keep) k = min_keep;
  if (k >= c->n) return;
  if (k <= 512) {
    keep_at_least(c, kth_largest_heap(c->x, c->n, k, c->work));
    return;
  }
  memcpy(c->work, c->x, sizeof(double) * (size_t)c->n);
  keep_at_least(c, kth_largest(c->work, c->n, k));
}

/*
** Top-p over a large vocabulary without sorting: the weights go into
** buckets by distance below the largest logit (monotonic, so the buckets
** are in probability order), the bucket where the running mass crosses the
** target is found, and only that bucket's tokens are ordered exactly (by
** mass_cut, with the same tie rule as keep_by_mass).  Returns 0 when it
** cannot decide (rounding at the boundary, min_keep): the caller then uses
** the general selection.
*/
#define NBUCKETS 2048
#define BUCKET_RANGE 48.0          /* logits further below the max weigh < e^-48 */

/* Each token's bucket, in the keys' scratch (top-p does not use keys). */
static uint16_t *top_p_bucket_of(const gb_cands *c) { return (uint16_t *)(c->work + c->vocab); }

/* The weights w[j] = exp(x[j] - max) and each token's bucket, in one pass
   over the logits that vectorises; returns the sum of the weights. */
static double top_p_weights(const gb_cands *c, double *w, double *max) {
  const double scale = NBUCKETS / BUCKET_RANGE;
  uint16_t *bucket = top_p_bucket_of(c);
  double m = max_logit(c);
  for (int64_t j = 0; j < c->n; j++) {
    double d = m - c->x[j];
    w[j] = -d;
    d *= scale;
    bucket[j] = (uint16_t)(d < NBUCKETS - 1 ? (int)d : NBUCKETS - 1);
  }
  gb_vexp(w, w, c->n);
  *max = m;
  return gb_sum_doubles(w, c->n);
}

static int top_p_buckets(gb_cands *c, const double *w, double s, double target, int64_t min_keep) {
  static __thread double mass[NBUCKETS];
  static __thread int64_t count[NBUCKETS];
  const uint16_t *bucket = top_p_bucket_of(c);
  memset(mass, 0, sizeof mass);
  memset(count, 0, sizeof count);
  /* the last bucket, where the far tail of a large vocabulary lies, is left
     out of the sums (its mass is what the others leave of s): adding into
     one place makes every token wait for the one before */
  for (int64_t j = 0; j < c->n; j++) {
    int b = bucket[j];
    if (b < NBUCKETS - 1) {
      mass[b] += w[j];
      count[b]++;
    }
  }
  double others = 0.0;
  for (int b = 0; b < NBUCKETS - 1; b++) others += mass[b];
  mass[NBUCKETS - 1] = s - others;
  double acc = 0.0;
  int64_t before = 0;
  int bb = 0;
  while (bb < NBUCKETS && acc + mass[bb] < target) { acc += mass[bb]; before += count[bb]; bb++; }
  if (bb == NBUCKETS) return 0;
  item *items = work_items(c);
  int64_t k = 0;
  for (int64_t j = 0; j < c->n; j++)
    if (bucket[j] == bb) items[k++] = (item){c->x[j], w[j], j};
  double K;
  int64_t P;
  mass_cut(items, k, target - acc, &K, &P);
  if (K == -INFINITY) return 0;
  int64_t kept = before;
  for (int64_t i = 0; i < k; i++) kept += item_kept(items[i].key, items[i].pos, K, P);
  if (kept < min_keep) return 0;
  int64_t n = 0;
  for (int64_t j = 0; j < c->n; j++) {
    int b = bucket[j];
    if (b < bb || (b == bb && item_kept(c->x[j], j, K, P))) {
      c->id[n] = c->id[j];
      c->x[n] = c->x[j];
      n++;
    }
  }
  c->n = n;
  return 1;
}

void gb_filter_top_p(gb_cands *c, double p, int64_t min_keep) {
  if (!(p < 1.0)) return;
  if (!(p > 0.0)) { gb_filter_top_k(c, 1, min_keep); return; }
  double *w = c->work, m;
  if (c->n > 4096) {
    double s = top_p_weights(c, w, &m);
    if (top_p_buckets(c, w, s, p * s, min_keep)) return;
    keep_by_mass(c, c->x, w, p * s, min_keep, work_items(c));
    return;
  }
  double s = weights(c, w, &m);
  keep_by_mass(c, c->x, w, p * s, min_keep, work_items(c));
}

void gb_filter_min_p(gb_cands *c, double p, int64_t min_keep) {
  if (!(p > 0.0)) return;
  double t = max_logit(c) + log(p);
  int64_t kept = 0;
  for (int64_t j = 0; j < c->n; j++) kept += c->x[j] >= t;
  if (kept < min_keep) gb_filter_top_k(c, min_keep, min_keep);
  else keep_at_least(c, t);
}

void gb_filter_typical(gb_cands *c, double p, int64_t min_keep) {
  if (!(p < 1.0)) return;
  double *w = c->work, *key = c->work + c->n, m;
  double s = weights(c, w, &m);
  double h = entropy_of(c, w, s, m), lns = log(s);
  /* -ln p_j = lns - (x_j - m); the most typical have the smallest distance
     to H, so the key is minus that distance */
  for (int64_t j = 0; j < c->n; j++) key[j] = -fabs(lns - (c->x[j] - m) - h);
  keep_by_mass(c, key, w, p > 0 ? p * s : 0.0, min_keep < 1 ? 1 : min_keep, work_items(c));
}

/* Keep probabilities > t (t a probability), at least min_keep of them. */
static void keep_prob_above(gb_cands *c, double t, int64_t min_keep) {
  double xt = gb_cands_logsumexp(c) + log(t);            /* p_j > t  <=>  x_j > lse + ln t */
  int64_t kept = 0;
  for (int64_t j = 0; j < c->n; j++) kept += c->x[j] > xt;
  if (kept < (min_keep < 1 ? 1 : min_keep)) { gb_filter_top_k(c, min_keep < 1 ? 1 : min_keep, 1); return; }
  unsigned char *keep = (unsigned char *)c->work;
  for (int64_t j = 0; j < c->n; j++) keep[j] = c->x[j] > xt;
  compact(c, keep);
}

void gb_filter_epsilon(gb_cands *c, double eps, int64_t min_keep) {
  if (!(eps > 0.0)) return;
  keep_prob_above(c, eps, min_keep);
}

void gb_filter_eta(gb_cands *c, double eta, int64_t min_keep) {
  if (!(eta > 0.0)) return;
  double h = gb_cands_entropy(c);
  double t = fmin(eta, sqrt(eta) * exp(-h));
  keep_prob_above(c, t, min_keep);
}

void gb_filter_top_n_sigma(gb_cands *c, double n, int64_t min_keep) {
  if (c->n < 2) return;
  double mean = 0.0, var = 0.0, m = max_logit(c);
  for (int64_t j = 0; j < c->n; j++) mean += c->x[j];
  mean /= (double)c->n;
  for (int64_t j = 0; j < c->n; j++) var += (c->x[j] - mean) * (c->x[j] - mean);
  double t = m - n * sqrt(var / (double)c->n);
  int64_t kept = 0;
  for (int64_t j = 0; j < c->n; j++) kept += c->x[j] >= t;
  if (kept < min_keep) gb_filter_top_k(c, min_keep, min_keep);
  else keep_at_least(c, t);
}

void gb_filter_xtc(gb_cands *c, double threshold, double probability,
                   int64_t min_keep, gb_rng *g) {
  if (!(probability > 0.0) || !(threshold <= 0.5)) return;   /* > 0.5: at most one */
  if (gb_rng_uniform(g) >= probability) return;
  double xt = gb_cands_logsumexp(c) + log(threshold);
  double lowest = INFINITY;
  int64_t above = 0;
  for (int64_t j = 0; j < c->n; j++)
    if (c->x[j] >= xt) { above++; if (c->x[j] < lowest) lowest = c->x[j]; }
  if (above < 2) return;
  int64_t removed = 0;
  for (int64_t j = 0; j < c->n; j++) removed += c->x[j] > lowest;
  if (c->n - removed < (min_keep < 1 ? 1 : min_keep)) return;
  unsigned char *keep = (unsigned char *)c->work;
  for (int64_t j = 0; j < c->n; j++) keep[j] = !(c->x[j] > lowest);
  compact(c, keep);
}

void gb_filter_dynamic_temperature(gb_cands *c, double lo, double hi, double exponent) {
  if (c->n < 2) { gb_filter_temperature(c, lo > 0 ? lo : hi); return; }
  double h = gb_cands_entropy(c), hmax = log((double)c->n);
  double r = h / hmax;
  if (r > 1) r = 1;
  gb_filter_temperature(c, lo + (hi - lo) * pow(r, exponent));
}

int64_t gb_cands_find(const gb_cands *c, int64_t id) {
  int64_t lo = 0, hi = c->n;
  while (lo < hi) {
    int64_t mid = lo + (hi - lo) / 2;
    if (c->id[mid] < id) lo = mid + 1; else hi = mid;
  }
  return lo < c->n && c->id[lo] == id ? lo : -1;
}

void gb_filter_penalties(gb_cands *c, const int64_t *ids, const int64_t *counts,
                         int64_t nids, double repetition, double frequency,
                         double presence) {
  for (int64_t i = 0; i < nids; i++) {
    int64_t j = gb_cands_find(c, ids[i]);
    if (j < 0 || counts[i] <= 0) continue;
    double x = c->x[j];
    if (repetition != 1.0) x = x > 0 ? x / repetition : x * repetition;
    x -= (double)counts[i] * frequency + presence;
    c->x[j] = x;
  }
  /* a huge penalty may push a logit to -inf: it is no longer a candidate */
  int64_t m = 0;
  for (int64_t j = 0; j < c->n; j++)
    if (c->x[j] > -HUGE_VAL) { c->id[m] = c->id[j]; c->x[m] = c->x[j]; m++; }
  c->n = m;
}

/* Drawing ------------------------------------------------------------------------- */

int64_t gb_cands_draw(const gb_cands *c, gb_rng *g, double *logp) {
  double *w = c->work, m;
  double s = weights(c, w, &m);
  double u = gb_rng_uniform(g) * s, acc = 0.0;
  int64_t pick = -1;
  for (int64_t j = 0; j < c->n; j++) {
    acc += w[j];
    if (u < acc) { pick = j; break; }
  }
  if (pick < 0)                        /* u rounded past the sum: the last positive */
    for (int64_t j = c->n - 1; j >= 0 && pick < 0; j--) if (w[j] > 0) pick = j;
  if (logp) *logp = (c->x[pick] - m) - log(s);
  return pick;
}

/* Mirostat -------------------------------------------------------------------------- */

double gb_mirostat_s(const gb_cands *c, int64_t m) {
  if (m > c->n) m = c->n;
  if (m < 2) return 0.0;
  double *v = c->work;
  memcpy(v, c->x, sizeof(double) * (size_t)c->n);
  if (m < c->n) {
    double t = kth_largest(v, c->n, m);
    int64_t k = 0;
    for (int64_t j = 0; j < c->n && k < m; j++)     /* the m largest, ties at t last */
      if (c->x[j] > t) v[k++] = c->x[j];
    while (k < m) v[k++] = t;
  }
  /* sort the m values descending (insertion sort: m is about 100) */
  for (int64_t i = 1; i < m; i++) {
    double x = v[i];
    int64_t j = i;
    while (j > 0 && v[j - 1] < x) { v[j] = v[j - 1]; j--; }
    v[j] = x;
  }
  double num = 0.0, den = 0.0;
  for (int64_t i = 0; i + 1 < m; i++) {
    double t = log((double)(i + 2) / (double)(i + 1));
    double b = v[i] - v[i + 1];                 /* ln(p_i / p_(i+1)) */
    num += t * b;
    den += t * t;
  }
  return num / den;
}

int64_t gb_mirostat_k(double s, double mu, int64_t N) {
  if (N <= 1) return 1;
  if (!(s > 0.0)) return N;
  double lnN = log((double)N), eps = s - 1.0;
  /* eps / (1 - N^-eps), with its limit 1 / ln N at eps = 0 */
  double ratio = eps == 0.0 ? 1.0 / lnN : eps / -expm1(-eps * lnN);
  double lk = (mu * M_LN2 + log(ratio)) / s;
  if (!(lk < log((double)N))) return N;       /* also catches NaN */
  double k = floor(exp(lk));
  return k < 1 ? 1 : (int64_t)k;
}

void gb_filter_surprise(gb_cands *c, double mu) {
  /* -log2 p_j <= mu  <=>  x_j >= lse - mu ln 2 */
  double t = gb_cands_logsumexp(c) - mu * M_LN2;
  int64_t kept = 0;
  for (int64_t j = 0; j < c->n; j++) kept += c->x[j] >= t;
  if (kept == 0) keep_only(c, gb_cands_argmax(c));
  else keep_at_least(c, t);
}
