/*
** kd-tree (see kdtree.h).  Nodes split at the median of their widest
** side; leaves hold at most LEAF points.  The two halves of a large node
** are built in parallel (OpenMP tasks); the tree does not depend on the
** number of threads.
** Searches descend to the nearer child first and skip a node whose box is
** farther than the current k-th distance (knn) or than r (count); a count
** takes a whole node at once when its box lies inside the ball.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kdtree.h"
#include "status.h"

#define LEAF 12

/* Swap rows i and j of the points, and their indices. */
static inline void swap_rows(gb_kdtree *t, int64_t i, int64_t j) {
  int d = t->d;
  double *a = t->pts + i * d, *b = t->pts + j * d;
  for (int c = 0; c < d; c++) {
    double v = a[c];
    a[c] = b[c];
    b[c] = v;
  }
  int64_t k = t->idx[i];
  t->idx[i] = t->idx[j];
  t->idx[j] = k;
}

/* Put the m-th smallest row (by column dim) of [lo, hi) at m, smaller ones
   before it and larger after (Hoare's selection, median-of-three pivot).
   The rows move in place, so the partitions stay contiguous in memory. */
static void select_nth(gb_kdtree *t, int dim, int64_t lo, int64_t hi, int64_t m) {
  int d = t->d;
  const double *x = t->pts;
  hi--;
  while (hi > lo) {
    int64_t mid = lo + (hi - lo) / 2;
    double a = x[lo * d + dim], b = x[mid * d + dim], c = x[hi * d + dim];
    double pv = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
    int64_t i = lo, j = hi;
    while (i <= j) {
      while (x[i * d + dim] < pv) i++;
      while (x[j * d + dim] > pv) j--;
      if (i <= j) swap_rows(t, i++, j--);
    }
    if (m <= j) hi = j;
    else if (m >= i) lo = i;
    else return;
  }
}

/* The number of nodes of a subtree over m points: it depends on m alone
   (every node over more than LEAF points splits at its middle), so each
   subtree's node ids are known before it is built, and the two halves can
   be built at the same time. */
static int64_t subtree_nodes(int64_t m) {
  if (m <= LEAF) return 1;
  return 1 + subtree_nodes(m / 2) + subtree_nodes(m - m / 2);
}

static void build(gb_kdtree *t, int64_t id, int64_t lo, int64_t hi) {
  int d = t->d;
  gb_kdnode *nd = &t->nodes[id];
  nd->lo = lo;
  nd->hi = hi;
  nd->left = nd->right = -1;
  double *mn = t->box + id * 2 * d, *mx = mn + d;
  for (int j = 0; j < d; j++) { mn[j] = HUGE_VAL; mx[j] = -HUGE_VAL; }
  for (int64_t i = lo; i < hi; i++) {
    const double *p = t->pts + i * d;
    for (int j = 0; j < d; j++) {
      if (p[j] < mn[j]) mn[j] = p[j];
      if (p[j] > mx[j]) mx[j] = p[j];
    }
  }
  int dim = 0;
  double wide = -1;
  for (int j = 0; j < d; j++)
    if (mx[j] - mn[j] > wide) { wide = mx[j] - mn[j]; dim = j; }
  if (hi - lo <= LEAF) return;
  int64_t mid = lo + (hi - lo) / 2;
  select_nth(t, dim, lo, hi, mid);
  int64_t l = id + 1, r = id + 1 + subtree_nodes(mid - lo);
  nd->left = l;
  nd->right = r;
#pragma omp task if (hi - lo > 20000)
  build(t, l, lo, mid);
  build(t, r, mid, hi);
#pragma omp taskwait
}

int gb_kdtree_build(gb_ctx *ctx, gb_kdtree *t, const double *x, int64_t n, int d) {
  memset(t, 0, sizeof *t);
  t->n = n;
  t->d = d;
  int64_t maxnodes = subtree_nodes(n);
  t->pts = gb_alloc(ctx, sizeof(double) * (size_t)(n > 0 ? n : 1) * (size_t)d);
  t->idx = gb_alloc(ctx, sizeof(int64_t) * (size_t)(n > 0 ? n : 1));
  t->pos = gb_alloc(ctx, sizeof(int64_t) * (size_t)(n > 0 ? n : 1));
  t->nodes = gb_alloc(ctx, sizeof(gb_kdnode) * (size_t)maxnodes);
  t->box = gb_alloc(ctx, sizeof(double) * 2 * (size_t)d * (size_t)maxnodes);
  if (!t->pts || !t->idx || !t->pos || !t->nodes || !t->box) {
    gb_kdtree_free(ctx, t);
    return GB_ENOMEM;
  }
  memcpy(t->pts, x, sizeof(double) * (size_t)n * (size_t)d);
  for (int64_t i = 0; i < n; i++) t->idx[i] = i;
  t->nnodes = subtree_nodes(n);
  if (n > 0) {
#pragma omp parallel if (n > 20000)
#pragma omp single
    build(t, 0, 0, n);
  }
  for (int64_t i = 0; i < n; i++) t->pos[t->idx[i]] = i;
  return GB_OK;
}

void gb_kdtree_free(gb_ctx *ctx, gb_kdtree *t) {
  gb_free(ctx, t->pts);
  gb_free(ctx, t->idx);
  gb_free(ctx, t->pos);
  gb_free(ctx, t->nodes);
  gb_free(ctx, t->box);
  memset(t, 0, sizeof *t);
}

/* Distance measures: the max norm itself, or the squared Euclidean one. */
static inline double pdist(const double *a, const double *b, int d, int norm) {
  double s = 0;
  if (norm == GB_NORM_MAX) {
    for (int j = 0; j < d; j++) {
      double v = fabs(a[j] - b[j]);
      if (v > s) s = v;
    }
  } else {
    for (int j = 0; j < d; j++) {
      double v = a[j] - b[j];
      s += v * v;
    }
  }
  return s;
}

/* The nearest (far = 0) or farthest (far = 1) distance from q to a box. */
static inline double boxdist(const double *box, const double *q, int d, int norm, int far) {
  const double *mn = box, *mx = box + d;
  double s = 0;
  for (int j = 0; j < d; j++) {
    double v;
    if (far) v = fmax(fabs(q[j] - mn[j]), fabs(q[j] - mx[j]));
    else v = q[j] < mn[j] ? mn[j] - q[j] : q[j] > mx[j] ? q[j] - mx[j] : 0;
    if (norm == GB_NORM_MAX) { if (v > s) s = v; }
    else s += v * v;
  }
  return s;
}

/* k nearest: a max-heap of the best k so far */
typedef struct knn {
  const gb_kdtree *t;
  const double *q;
  int k, norm, count;
  int64_t self;
  double *hd;
  int64_t *hi;
} knn;

static void heap_push(knn *s, double dv, int64_t id) {
  if (s->count < s->k) {
    int c = s->count++;
    while (c > 0) {
      int p = (c - 1) / 2;
      if (s->hd[p] >= dv) break;
      s->hd[c] = s->hd[p];
      s->hi[c] = s->hi[p];
      c = p;
    }
    s->hd[c] = dv;
    s->hi[c] = id;
    return;
  }
  if (dv >= s->hd[0]) return;
  int c = 0, n = s->k;
  for (;;) {
    int l = 2 * c + 1, r = l + 1, m = c;
    double mv = dv;
    if (l < n && s->hd[l] > mv) { m = l; mv = s->hd[l]; }
    if (r < n && s->hd[r] > mv) { m = r; }
    if (m == c) break;
    s->hd[c] = s->hd[m];
    s->hi[c] = s->hi[m];
    c = m;
  }
  s->hd[c] = dv;
  s->hi[c] = id;
}

static void knn_visit(knn *s, int64_t id) {
  const gb_kdtree *t = s->t;
  const gb_kdnode *nd = &t->nodes[id];
  int d = t->d;
  if (nd->left < 0) {
    for (int64_t i = nd->lo; i < nd->hi; i++) {
      if (t->idx[i] == s->self) continue;
      heap_push(s, pdist(s->q, t->pts + i * d, d, s->norm), i);
    }
    return;
  }
  double dl = boxdist(t->box + nd->left * 2 * d, s->q, d, s->norm, 0);
  double dr = boxdist(t->box + nd->right * 2 * d, s->q, d, s->norm, 0);
  int64_t first = dl <= dr ? nd->left : nd->right, second = dl <= dr ? nd->right : nd->left;
  double d2 = dl <= dr ? dr : dl;
  knn_visit(s, first);
  if (s->count < s->k || d2 < s->hd[0]) knn_visit(s, second);
}

void gb_kdtree_knn(gb_ctx *ctx, const gb_kdtree *t, const double *q, int k, int norm, int64_t self,
                   double *dist, int64_t *idx) {
  int64_t tmpi[64];
  int64_t *hi = k <= 64 ? tmpi : gb_alloc(ctx, sizeof(int64_t) * (size_t)k);
  knn s = {t, q, k, norm, 0, self, dist, hi};
  if (hi && t->n > 0) knn_visit(&s, 0);
  /* heap to ascending order */
  for (int m = s.count - 1; m > 0; m--) {
    double dv = dist[0];
    int64_t iv = hi[0];
    s.count = m;
    /* sift the last element down from the root of the shrunk heap */
    double lv = dist[m];
    int64_t li = hi[m];
    int c = 0;
    for (;;) {
      int l = 2 * c + 1, r = l + 1, mm = c;
      double mv = lv;
      if (l < m && dist[l] > mv) { mm = l; mv = dist[l]; }
      if (r < m && dist[r] > mv) mm = r;
      if (mm == c) break;
      dist[c] = dist[mm];
      hi[c] = hi[mm];
      c = mm;
    }
    dist[c] = lv;
    hi[c] = li;
    dist[m] = dv;
    hi[m] = iv;
  }
  for (int j = 0; j < k; j++) {
    if (norm == GB_NORM_EUCLIDEAN) dist[j] = sqrt(dist[j]);
    if (idx) idx[j] = t->idx[hi[j]];
  }
  if (hi != tmpi) gb_free(ctx, hi);
}

typedef struct counter {
  const gb_kdtree *t;
  const double *q;
  double r;
  int strict, norm;
  int64_t selfpos;
} counter;

static int64_t count_visit(const counter *c, int64_t id) {
  const gb_kdtree *t = c->t;
  const gb_kdnode *nd = &t->nodes[id];
  int d = t->d;
  const double *box = t->box + id * 2 * d;
  double near = boxdist(box, c->q, d, c->norm, 0);
  if (c->strict ? near >= c->r : near > c->r) return 0;
  double far = boxdist(box, c->q, d, c->norm, 1);
  if (c->strict ? far < c->r : far <= c->r)
    return nd->hi - nd->lo - (c->selfpos >= nd->lo && c->selfpos < nd->hi);
  if (nd->left >= 0) return count_visit(c, nd->left) + count_visit(c, nd->right);
  int64_t m = 0;
  for (int64_t i = nd->lo; i < nd->hi; i++) {
    if (i == c->selfpos) continue;
    double v = pdist(c->q, t->pts + i * d, d, c->norm);
    m += c->strict ? v < c->r : v <= c->r;
  }
  return m;
}

int64_t gb_kdtree_count(const gb_kdtree *t, const double *q, double r, int strict, int norm,
                        int64_t self) {
  if (t->n == 0) return 0;
  counter c = {t, q, norm == GB_NORM_EUCLIDEAN ? r * r : r, strict, norm,
               self >= 0 ? t->pos[self] : -1};
  return count_visit(&c, 0);
}

typedef struct boxcounter {
  const gb_kdtree *t;
  const double *q, *half;
  int strict;
  int64_t selfpos;
} boxcounter;

/* Whether a coordinate difference v >= 0 is inside half-width h. */
static inline int within(double v, double h, int strict) { return strict ? v < h : v <= h; }

static int64_t box_visit(const boxcounter *c, int64_t id) {
  const gb_kdtree *t = c->t;
  const gb_kdnode *nd = &t->nodes[id];
  int d = t->d, all = 1;
  const double *mn = t->box + id * 2 * d, *mx = mn + d;
  for (int j = 0; j < d; j++) {
    double q = c->q[j];
    double near = q < mn[j] ? mn[j] - q : q > mx[j] ? q - mx[j] : 0;
    if (!within(near, c->half[j], c->strict)) return 0;
    if (all && !within(fmax(fabs(q - mn[j]), fabs(q - mx[j])), c->half[j], c->strict)) all = 0;
  }
  if (all) return nd->hi - nd->lo - (c->selfpos >= nd->lo && c->selfpos < nd->hi);
  if (nd->left >= 0) return box_visit(c, nd->left) + box_visit(c, nd->right);
  int64_t m = 0;
  for (int64_t i = nd->lo; i < nd->hi; i++) {
    if (i == c->selfpos) continue;
    const double *p = t->pts + i * d;
    int in = 1;
    for (int j = 0; j < d && in; j++) in = within(fabs(p[j] - c->q[j]), c->half[j], c->strict);
    m += in;
  }
  return m;
}

int64_t gb_kdtree_count_box(const gb_kdtree *t, const double *q, const double *half, int strict,
                            int64_t self) {
  if (t->n == 0) return 0;
  boxcounter c = {t, q, half, strict, self >= 0 ? t->pos[self] : -1};
  return box_visit(&c, 0);
}
