/*
** The kNN estimators as a caller meets them (see entropy.h): each copies
** its samples into scratch, applies gb_knn_opts's preprocessing there
** (standardisation, seeded tie-breaking noise) and runs the search, so a C
** caller and the Lua binding get the same number from the same options.
**
**   Renyi/Tsallis (Leonenko, Pronzato and Savani 2008): with zeta_i =
**     (n - 1) C_k V_d rho_i^d and C_k = (Gamma(k) / Gamma(k + 1 - q))^(1 /
**     (1 - q)), the mean I_q of zeta_i^(1 - q) estimates the integral of
**     f^q; Renyi's entropy is log(I_q) / (1 - q), Tsallis's (1 - I_q) /
**     (q - 1).
**   knn_kl (Wang, Kulkarni and Verdu 2009):
**     D = (d/n) sum log(nu_k(i) / rho_k(i)) + log(m / (n - 1)).
**   mixed_mi (Ross 2014, scikit-learn's mutual_info_classif):
**     psi(n) + <psi(k_i)> - <psi(n_c)> - <psi(m_i)>, where sample i's class
**     has n_c members, its k_i-th neighbour among them (k_i = min(k, n_c -
**     1)) is at distance eps_i, and m_i counts the samples of every class
**     within eps_i (max norm); samples alone in their class are left out.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "distributions.h"
#include "entropy.h"
#include "kdtree.h"
#include "rng.h"
#include "special.h"

gb_knn_opts gb_knn_defaults(int standardize) {
  gb_knn_opts o = {3, GB_NORM_MAX, 1, standardize, 1, 0};
  return o;
}

double gb_column_std(const double *x, int64_t n, int d, int j) {
  double m = 0, v = 0;
  for (int64_t i = 0; i < n; i++) m += x[i * d + j];
  m /= (double)n;
  for (int64_t i = 0; i < n; i++) {
    double e = x[i * d + j] - m;
    v += e * e;
  }
  return sqrt(v / (double)n);
}

void gb_knn_prepare(double *x, int64_t n, int d, const gb_knn_opts *o, int salt) {
  if (o->standardize)
    for (int j = 0; j < d; j++) {
      double sd = gb_column_std(x, n, d, j);
      if (sd > 0)                  /* constant columns stay */
        for (int64_t i = 0; i < n; i++) x[i * d + j] /= sd;
    }
  if (o->noise) {
    gb_rng g;
    gb_rng_seed(&g, o->seed * 4 + (uint64_t)salt);
    for (int j = 0; j < d; j++) {
      double sd = gb_column_std(x, n, d, j);
      double scale = 1e-10 * (sd > 0 ? sd : 1);
      for (int64_t i = 0; i < n; i++) x[i * d + j] += scale * gb_rand_normal(&g);
    }
  }
}

/* A prepared scratch copy of x (n x d), or NULL. */
static double *prepared(gb_ctx *ctx, const double *x, int64_t n, int d, const gb_knn_opts *o,
                        int salt) {
  double *c = gb_alloc_n(ctx, (size_t)(n > 0 ? n : 1), sizeof(double) * (size_t)d);
  if (!c) return NULL;
  memcpy(c, x, sizeof(double) * (size_t)n * (size_t)d);
  gb_knn_prepare(c, n, d, o, salt);
  return c;
}

static int checkk(const gb_knn_opts *o, int64_t n) {
  return o->k >= 1 && o->k < n ? GB_OK : GB_EINVAL;
}

int gb_entropy_knn(gb_ctx *ctx, const double *x, int64_t n, int d, const gb_knn_opts *o, double *h) {
  if (checkk(o, n) != GB_OK) return GB_EINVAL;
  double *c = prepared(ctx, x, n, d, o, 0);
  if (!c) return GB_ENOMEM;
  int st = gb_knn_entropy(ctx, c, n, d, o->k, o->norm, h);
  gb_free(ctx, c);
  return st;
}

int gb_entropy_knn_q(gb_ctx *ctx, const double *x, int64_t n, int d, const gb_knn_opts *o,
                     double q, int tsallis, double *h) {
  int k = o->k;
  if (checkk(o, n) != GB_OK || !(q >= 0 && q < k + 1) || isinf(q)) return GB_EINVAL;
  if (q == 1) return gb_entropy_knn(ctx, x, n, d, o, h);
  double *c = prepared(ctx, x, n, d, o, 0);
  double *r = gb_alloc_n(ctx, (size_t)n, sizeof(double));
  int st = c && r ? gb_knn_radii(ctx, c, n, d, k, o->norm, r) : GB_ENOMEM;
  if (st == GB_OK) {
    double logc = (gb_gammaln(k) - gb_gammaln(k + 1 - q)) / (1 - q);
    double base = log((double)(n - 1)) + logc + gb_ball_logvolume(d, o->norm);
    /* log I_q by log-sum-exp of (1 - q) log zeta_i */
    double mx = -HUGE_VAL;
    for (int64_t i = 0; i < n && st == GB_OK; i++) {
      if (!(r[i] > 0)) st = GB_EINVAL;
      r[i] = (1 - q) * (base + d * log(r[i]));
      if (r[i] > mx) mx = r[i];
    }
    double sum = 0;
    for (int64_t i = 0; i < n && st == GB_OK; i++) sum += exp(r[i] - mx);
    double logI = mx + log(sum / (double)n);
    *h = tsallis ? (1 - exp(logI)) / (q - 1) : logI / (1 - q);
  }
  gb_free(ctx, c);
  gb_free(ctx, r);
  return st;
}

int gb_mi_ksg(gb_ctx *ctx, const double *x, int dx, const double *y, int dy, const double *z,
              int dz, int64_t n, const gb_knn_opts *o, double *mi) {
  if (checkk(o, n) != GB_OK || (o->algorithm != 1 && o->algorithm != 2)) return GB_EINVAL;
  double *cx = prepared(ctx, x, n, dx, o, 1);
  double *cy = cx ? prepared(ctx, y, n, dy, o, 2) : NULL;
  double *cz = cy && dz > 0 ? prepared(ctx, z, n, dz, o, 3) : NULL;
  int st = GB_ENOMEM;
  if (cy && (dz == 0 || cz)) st = gb_ksg(ctx, cx, dx, cy, dy, cz, dz, n, o->k, o->algorithm, mi);
  gb_free(ctx, cx);
  gb_free(ctx, cy);
  gb_free(ctx, cz);
  return st;
}

int gb_knn_kl(gb_ctx *ctx, const double *x, int64_t n, const double *y, int64_t m, int d,
              const gb_knn_opts *o, double *D) {
  int k = o->k, norm = o->norm;
  if (checkk(o, n) != GB_OK || k > m) return GB_EINVAL;
  double *cx = prepared(ctx, x, n, d, o, 1);
  double *cy = cx ? prepared(ctx, y, m, d, o, 2) : NULL;
  double *term = cy ? gb_alloc_n(ctx, (size_t)n, sizeof(double)) : NULL;
  gb_kdtree tx, ty;
  int st = term ? gb_kdtree_build(ctx, &tx, cx, n, d) : GB_ENOMEM;
  if (st == GB_OK) {
    st = gb_kdtree_build(ctx, &ty, cy, m, d);
    if (st != GB_OK) gb_kdtree_free(ctx, &tx);
  }
  if (st == GB_OK) {
    int zero = 0;
#pragma omp parallel for schedule(dynamic, 256) reduction(| : zero) \
    num_threads(gb_threads(ctx, (double)n * 64))
    for (int64_t i = 0; i < n; i++) {
      double a[256], b[256];
      if (k > 256) { zero = 1; continue; }
      gb_kdtree_knn(ctx, &tx, cx + i * d, k, norm, i, a, NULL);
      gb_kdtree_knn(ctx, &ty, cx + i * d, k, norm, -1, b, NULL);
      if (!(a[k - 1] > 0) || !(b[k - 1] > 0)) zero = 1;
      else term[i] = log(b[k - 1] / a[k - 1]);
    }
    gb_kdtree_free(ctx, &tx);
    gb_kdtree_free(ctx, &ty);
    if (zero) st = GB_EINVAL;
    else if (gb_interrupted(ctx)) st = gb_ctx_stopped(ctx);
  }
  if (st == GB_OK) {
    double s = 0;
    for (int64_t i = 0; i < n; i++) s += term[i];
    *D = (double)d * s / (double)n + log((double)m / (double)(n - 1));
  }
  gb_free(ctx, cx);
  gb_free(ctx, cy);
  gb_free(ctx, term);
  return st;
}

/* Sample indices by class (qsort with this order, as the estimator has
   always sorted them, so the kept samples come in the same order). */
static _Thread_local const int64_t *class_of;
static int by_class(const void *a, const void *b) {
  int64_t u = class_of[*(const int64_t *)a], v = class_of[*(const int64_t *)b];
  return u != v ? (u < v ? -1 : 1) : 0;
}

int gb_mixed_mi(gb_ctx *ctx, const double *x, int64_t n, int d, const int64_t *c,
                const gb_knn_opts *o, double *mi) {
  int k = o->k;
  if (k < 1 || k > 256) return GB_EINVAL;
  double *cx = prepared(ctx, x, n, d, o, 1);
  int64_t *order = cx ? gb_alloc_n(ctx, (size_t)n, sizeof(int64_t)) : NULL;
  double *pts = order ? gb_alloc_n(ctx, (size_t)n, sizeof(double) * (size_t)d) : NULL;
  int st = pts ? GB_OK : GB_ENOMEM;
  int64_t kept = 0;
  if (st == GB_OK) {
    /* the samples sorted by class, those alone in theirs dropped */
    for (int64_t i = 0; i < n; i++) order[i] = i;
    class_of = c;
    qsort(order, (size_t)n, sizeof(int64_t), by_class);
    for (int64_t a = 0, b; a < n; a = b) {
      for (b = a; b < n && c[order[b]] == c[order[a]]; b++) {}
      if (b - a > 1)
        for (int64_t r = a; r < b; r++) order[kept++] = order[r];
    }
    if (kept < 2) st = GB_EINVAL;
  }
  gb_kdtree all;
  if (st == GB_OK) {
    for (int64_t r = 0; r < kept; r++)
      memcpy(pts + r * d, cx + order[r] * d, sizeof(double) * (size_t)d);
    st = gb_kdtree_build(ctx, &all, pts, kept, d);
  }
  if (st == GB_OK) {
    double sum = 0;
    for (int64_t a = 0, b; a < kept && st == GB_OK; a = b) {
      for (b = a; b < kept && c[order[b]] == c[order[a]]; b++) {}
      int64_t nclass = b - a;
      int kc = nclass - 1 < k ? (int)(nclass - 1) : k;
      gb_kdtree t;
      if ((st = gb_kdtree_build(ctx, &t, pts + a * d, nclass, d)) != GB_OK) break;
      double part = 0;
      /* (the default team always: the sum's rounding depends on it) */
#pragma omp parallel for schedule(dynamic, 256) reduction(+ : part)
      for (int64_t r = 0; r < nclass; r++) {
        double dist[256];
        gb_kdtree_knn(ctx, &t, pts + (a + r) * d, kc, GB_NORM_MAX, r, dist, NULL);
        double m = (double)gb_kdtree_count(&all, pts + (a + r) * d, dist[kc - 1], 0, GB_NORM_MAX,
                                           a + r);
        part += gb_digamma((double)kc) - gb_digamma((double)nclass) - gb_digamma(m);
      }
      gb_kdtree_free(ctx, &t);
      sum += part;
      if (gb_interrupted(ctx)) st = gb_ctx_stopped(ctx);
    }
    gb_kdtree_free(ctx, &all);
    if (st == GB_OK) *mi = gb_digamma((double)kept) + sum / (double)kept;
  }
  gb_free(ctx, cx);
  gb_free(ctx, order);
  gb_free(ctx, pts);
  return st;
}
