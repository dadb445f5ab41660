/*
** Entropy estimators (see entropy.h).
**
**   Kozachenko-Leonenko  H = psi(n) - psi(k) + log V_d + (d/n) sum log eps_i,
**                        eps_i the distance to the k-th neighbour, V_d the
**                        volume of the unit ball of the norm (2^d for the
**                        max norm, pi^(d/2) / Gamma(d/2 + 1) for Euclid's)
**   KSG 1 (Kraskov et al. 2004)
**                        I = psi(k) + psi(n) - <psi(n_x + 1) + psi(n_y + 1)>,
**                        n_x the points strictly closer than eps_i in x
**   KSG 2                I = psi(k) - 1/k + psi(n) - <psi(n_x) + psi(n_y)>,
**                        n_x the points within (<=) the largest x-distance
**                        among the k neighbours
**   conditional (Frenzel and Pompe 2007), algorithm 1
**                        I = psi(k) - <psi(n_xz + 1) + psi(n_yz + 1)
**                                     - psi(n_z + 1)>
**   conditional, algorithm 2 (Wibral et al. 2014)
**                        I = psi(k) - 2/k + <psi(n_z) - psi(n_xz) + 1/n_xz
**                                            - psi(n_yz) + 1/n_yz>,
**                        n_xz the points in the box of half-sides eps_x and
**                        eps_z (the largest x- and z-distances among the k
**                        neighbours), n_z those within eps_z in z
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "entropy.h"
#include "kdtree.h"
#include "sort.h"
#include "special.h"
#include "status.h"

#define BLOCK 32768    /* points per parallel block, between interrupt checks */

int gb_knn_radii(gb_ctx *ctx, const double *x, int64_t n, int d, int k, int norm, double *r) {
  gb_kdtree t;
  if (gb_kdtree_build(ctx, &t, x, n, d) != GB_OK) return GB_ENOMEM;
  int fail = 0, st = GB_OK;
  /* queries in the tree's order: neighbouring queries visit the same nodes */
  for (int64_t b = 0; b < n && st == GB_OK; b += BLOCK) {
    int64_t e = b + BLOCK < n ? b + BLOCK : n;
#pragma omp parallel for schedule(dynamic, 256) reduction(| : fail)
    for (int64_t p = b; p < e; p++) {
      double dist[256], *dk = k <= 256 ? dist : gb_alloc(ctx, sizeof(double) * (size_t)k);
      if (!dk) { fail = 1; continue; }
      gb_kdtree_knn(ctx, &t, t.pts + p * d, k, norm, t.idx[p], dk, NULL);
      r[t.idx[p]] = dk[k - 1];
      if (dk != dist) gb_free(ctx, dk);
    }
    if (fail) st = GB_ENOMEM;
    else if (gb_interrupted(ctx)) st = GB_EINTERRUPTED;
  }
  gb_kdtree_free(ctx, &t);
  return st;
}

double gb_ball_logvolume(int d, int norm) {
  return norm == GB_NORM_MAX ? d * M_LN2 : 0.5 * d * log(M_PI) - gb_gammaln(0.5 * d + 1);
}

int gb_knn_entropy(gb_ctx *ctx, const double *x, int64_t n, int d, int k, int norm, double *h) {
  double *r = gb_alloc(ctx, sizeof(double) * (size_t)(n > 0 ? n : 1));
  if (!r) return GB_ENOMEM;
  int st = gb_knn_radii(ctx, x, n, d, k, norm, r);
  double sum = 0;
  for (int64_t i = 0; i < n && st == GB_OK; i++) {
    if (!(r[i] > 0)) st = GB_EINVAL;
    else sum += log(r[i]);
  }
  gb_free(ctx, r);
  if (st != GB_OK) return st;
  *h = gb_digamma((double)n) - gb_digamma((double)k) + gb_ball_logvolume(d, norm)
       + d * sum / (double)n;
  return GB_OK;
}

/* Columns of several row-major blocks side by side: out (n x sum of d). */
static double *join(gb_ctx *ctx, int64_t n, int m, const double *const *parts, const int *dims, int *dout) {
  int d = 0;
  for (int j = 0; j < m; j++) d += dims[j];
  double *out = gb_alloc(ctx, sizeof(double) * (size_t)(n > 0 ? n : 1) * (size_t)d);
  if (!out) return NULL;
  for (int64_t i = 0; i < n; i++) {
    double *row = out + i * d;
    for (int j = 0; j < m; j++) {
      memcpy(row, parts[j] + i * dims[j], sizeof(double) * (size_t)dims[j]);
      row += dims[j];
    }
  }
  *dout = d;
  return out;
}

/*
** A marginal space for the KSG counts: a kd-tree, or for one dimension the
** sorted values, searched by galloping outwards from a point's own place.
** x_j - x_i is monotone in x_j under IEEE rounding, so the points with
** |x_j - x_i| < eps (or <= eps) form one run of the sorted values around
** x_i, found with the very comparison the tree makes.  The counts of all
** points are taken in the space's own order (sorted, or the tree's), so
** that consecutive searches touch the same memory: in the joint space's
** order the sorted values would be swept again for every strip of the
** other variable.
*/
typedef struct space {
  int d;
  const double *x;       /* the points, n x d */
  double *sorted;        /* d == 1: the values in order */
  int64_t *order;        /* the point at each place of that order */
  gb_kdtree tree;        /* d > 1 */
} space;

static int space_init(gb_ctx *ctx, space *s, const double *x, int64_t n, int d) {
  memset(s, 0, sizeof *s);
  s->d = d;
  s->x = x;
  if (d > 1) {
    int st = gb_kdtree_build(ctx, &s->tree, x, n, d);
    s->order = s->tree.idx;
    return st;
  }
  size_t m = (size_t)(n > 0 ? n : 1);
  s->sorted = gb_alloc(ctx, sizeof(double) * m);
  s->order = gb_alloc(ctx, sizeof(int64_t) * m);
  uint64_t *key = gb_alloc(ctx, sizeof(uint64_t) * m), *tkey = gb_alloc(ctx, sizeof(uint64_t) * m);
  int64_t *tidx = gb_alloc(ctx, sizeof(int64_t) * m);
  int st = GB_ENOMEM;
  if (s->sorted && s->order && key && tkey && tidx) {
    for (int64_t i = 0; i < n; i++) { key[i] = gb_key_f64(x[i]); s->order[i] = i; }
    st = gb_radix_sort(ctx, key, s->order, n, tkey, tidx);
    for (int64_t r = 0; r < n && st == GB_OK; r++) s->sorted[r] = x[s->order[r]];
  }
  gb_free(ctx, key);
  gb_free(ctx, tkey);
  gb_free(ctx, tidx);
  return st;
}

static void space_free(gb_ctx *ctx, space *s) {
  if (s->d > 1) gb_kdtree_free(ctx, &s->tree);
  else gb_free(ctx, s->order);
  gb_free(ctx, s->sorted);
}

static inline int inside(double v, double xi, double eps, int strict) {
  double f = fabs(v - xi);
  return strict ? f < eps : f <= eps;
}

/* The points other than the one at place r of the sorted values within
   eps of it (strictly or not). */
static int64_t run_count(const double *v, int64_t n, int64_t r, double eps, int strict) {
  double xi = v[r];
  if (!inside(xi, xi, eps, strict)) return 0;       /* strict with eps == 0 */
  int64_t in = r, step = 1;                         /* gallop right, then bisect */
  while (in + step < n && inside(v[in + step], xi, eps, strict)) { in += step; step *= 2; }
  int64_t out = in + step < n ? in + step : n;
  while (out - in > 1) {
    int64_t m = in + (out - in) / 2;
    if (inside(v[m], xi, eps, strict)) in = m; else out = m;
  }
  int64_t right = in;
  in = r;
  step = 1;
  while (in - step >= 0 && inside(v[in - step], xi, eps, strict)) { in -= step; step *= 2; }
  out = in - step >= 0 ? in - step : -1;
  while (in - out > 1) {
    int64_t m = out + (in - out) / 2;
    if (inside(v[m], xi, eps, strict)) in = m; else out = m;
  }
  return right - in;       /* the run's length less the point itself */
}

/* cnt[i] = the points within eps[i] of point i, for every i (in the
   space's order, on all threads).  GB_OK or GB_EINTERRUPTED. */
static int space_counts(gb_ctx *ctx, const space *s, int64_t n, const double *eps, int strict, double *cnt) {
  for (int64_t b = 0; b < n; b += BLOCK) {
    int64_t e = b + BLOCK < n ? b + BLOCK : n;
#pragma omp parallel for schedule(dynamic, 256)
    for (int64_t p = b; p < e; p++) {
      int64_t i = s->order[p];
      cnt[i] = (double)(s->d > 1
                        ? gb_kdtree_count(&s->tree, s->tree.pts + p * s->d, eps[i], strict,
                                          GB_NORM_MAX, i)
                        : run_count(s->sorted, n, p, eps[i], strict));
    }
    if (gb_interrupted(ctx)) return GB_EINTERRUPTED;
  }
  return GB_OK;
}

/* cnt[i] = the points other than i in the box around point i with
   half-sides e1[i] along the space's first d1 columns and e2[i] along the
   rest (non-strict), as space_counts.  The space has d > 1 (a tree). */
static int space_box_counts(gb_ctx *ctx, const space *s, int64_t n, const double *e1, int d1,
                            const double *e2, double *cnt) {
  int d = s->d, fail = 0;
  for (int64_t b = 0; b < n && !fail; b += BLOCK) {
    int64_t e = b + BLOCK < n ? b + BLOCK : n;
#pragma omp parallel reduction(| : fail)
    {
      double *half = gb_alloc(ctx, sizeof(double) * (size_t)d);
      if (!half) fail = 1;
#pragma omp for schedule(dynamic, 256)
      for (int64_t p = b; p < e; p++) {
        if (!half) continue;
        int64_t i = s->order[p];
        for (int c = 0; c < d; c++) half[c] = c < d1 ? e1[i] : e2[i];
        cnt[i] = (double)gb_kdtree_count_box(&s->tree, s->tree.pts + p * d, half, 0, i);
      }
      gb_free(ctx, half);
    }
    if (!fail && gb_interrupted(ctx)) return GB_EINTERRUPTED;
  }
  return fail ? GB_ENOMEM : GB_OK;
}

/* The largest max-norm distance from row i to the rows idx[0..k) within
   columns [c0, c0 + dc) of the joint points. */
static double spread(const double *p, int d, int64_t i, const int64_t *idx, int k, int c0, int dc) {
  double r = 0;
  for (int j = 0; j < k; j++)
    for (int c = c0; c < c0 + dc; c++) {
      double v = fabs(p[idx[j] * d + c] - p[i * d + c]);
      if (v > r) r = v;
    }
  return r;
}

int gb_ksg(gb_ctx *ctx, const double *x, int dx, const double *y, int dy, const double *z, int dz,
           int64_t n, int k, int algorithm, double *mi) {
  int cond = z && dz > 0, d;
  /* the joint space (x, y, z) and the marginal spaces: (x), (y) for MI,
     (x, z), (y, z), (z) for conditional MI */
  const double *jp[3] = {x, y, z};
  int jd[3] = {dx, dy, dz};
  double *joint = join(ctx, n, cond ? 3 : 2, jp, jd, &d);
  /* the marginal points: x and y themselves, or (x, z) and (y, z) joined */
  double *xz = NULL, *yz = NULL;
  const double *xs = x, *ys = y;
  int dxs = dx, dys = dy;
  if (cond) {
    const double *a[2] = {x, z}, *b[2] = {y, z};
    int da[2] = {dx, dz}, db[2] = {dy, dz};
    xs = xz = join(ctx, n, 2, a, da, &dxs);
    ys = yz = join(ctx, n, 2, b, db, &dys);
  }
  gb_kdtree tj;
  space sx, sy, sz;
  memset(&sx, 0, sizeof sx);
  memset(&sy, 0, sizeof sy);
  memset(&sz, 0, sizeof sz);
  int st = GB_ENOMEM, built = 0;
  if (!joint || !xs || !ys) goto done;
  if (gb_kdtree_build(ctx, &tj, joint, n, d) != GB_OK) goto done;
  built = 1;
  /* the marginal spaces are independent: prepared side by side */
  int ss[3] = {GB_OK, GB_OK, GB_OK};
#pragma omp parallel sections if (n > 20000)
  {
#pragma omp section
    ss[0] = space_init(ctx, &sx, xs, n, dxs);
#pragma omp section
    ss[1] = space_init(ctx, &sy, ys, n, dys);
#pragma omp section
    if (cond) ss[2] = space_init(ctx, &sz, z, n, dz);
  }
  if (ss[0] != GB_OK || ss[1] != GB_OK || ss[2] != GB_OK) goto done;
  /* the radii (from the joint neighbours) and the counts, per point */
  double *work = gb_alloc(ctx, sizeof(double) * (size_t)(n > 0 ? n : 1) * 7);
  if (!work) goto done;
  double *ex = work, *ey = work + n, *ez = work + 2 * n;
  double *cx = work + 3 * n, *cy = work + 4 * n, *cz = work + 5 * n, *term = work + 6 * n;
  st = GB_OK;
  int fail = 0;
  /* 1. the joint neighbours, queried in the joint tree's order */
  for (int64_t b = 0; b < n && st == GB_OK; b += BLOCK) {
    int64_t e = b + BLOCK < n ? b + BLOCK : n;
#pragma omp parallel for schedule(dynamic, 256) reduction(| : fail)
    for (int64_t p = b; p < e; p++) {
      int64_t i = tj.idx[p];
      double dist[128];
      int64_t idx[128];
      double *dk = k <= 128 ? dist : gb_alloc(ctx, sizeof(double) * (size_t)k);
      int64_t *ik = k <= 128 ? idx : gb_alloc(ctx, sizeof(int64_t) * (size_t)k);
      if (!dk || !ik) {
        fail = 1;
        if (dk != dist) gb_free(ctx, dk);
        if (ik != idx) gb_free(ctx, ik);
        continue;
      }
      gb_kdtree_knn(ctx, &tj, tj.pts + p * d, k, GB_NORM_MAX, i, dk, ik);
      if (algorithm == 1) {
        ex[i] = ey[i] = ez[i] = dk[k - 1];
      } else {
        /* x occupies joint columns [0, dx), y [dx, dx + dy), z the rest */
        ex[i] = spread(joint, d, i, ik, k, 0, dx);
        ey[i] = spread(joint, d, i, ik, k, dx, dy);
        ez[i] = cond ? spread(joint, d, i, ik, k, dx + dy, dz) : 0;
      }
      if (dk != dist) gb_free(ctx, dk);
      if (ik != idx) gb_free(ctx, ik);
    }
    if (fail) st = GB_ENOMEM;
    else if (gb_interrupted(ctx)) st = GB_EINTERRUPTED;
  }
  /* 2. the marginal counts, each in its own space's order */
  int strict = algorithm == 1;
  if (cond && algorithm == 2) {
    /* boxes: eps_x (or eps_y) along the first columns, eps_z along z's */
    if (st == GB_OK) st = space_box_counts(ctx, &sx, n, ex, dx, ez, cx);
    if (st == GB_OK) st = space_box_counts(ctx, &sy, n, ey, dy, ez, cy);
  } else {
    if (st == GB_OK) st = space_counts(ctx, &sx, n, ex, strict, cx);
    if (st == GB_OK) st = space_counts(ctx, &sy, n, ey, strict, cy);
  }
  if (st == GB_OK && cond) st = space_counts(ctx, &sz, n, ez, strict, cz);
  /* 3. the terms, summed in order: the result does not depend on the
     number of threads */
  if (st == GB_OK) {
    double nn = (double)n, kk = (double)k, sum = 0;
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < n; i++) {
      if (algorithm == 1) {
        term[i] = gb_digamma(cx[i] + 1) + gb_digamma(cy[i] + 1);
        if (cond) term[i] -= gb_digamma(cz[i] + 1);
      } else {
        term[i] = gb_digamma(cx[i]) + gb_digamma(cy[i]);
        if (cond) term[i] -= gb_digamma(cz[i]) + 1 / cx[i] + 1 / cy[i];
      }
    }
    for (int64_t i = 0; i < n; i++) sum += term[i];
    if (cond && algorithm == 1) *mi = gb_digamma(kk) - sum / nn;
    else if (cond) *mi = gb_digamma(kk) - 2 / kk - sum / nn;
    else if (algorithm == 1) *mi = gb_digamma(kk) + gb_digamma(nn) - sum / nn;
    else *mi = gb_digamma(kk) - 1 / kk + gb_digamma(nn) - sum / nn;
  }
  gb_free(ctx, work);
done:
  if (built) gb_kdtree_free(ctx, &tj);
  space_free(ctx, &sx);
  space_free(ctx, &sy);
  space_free(ctx, &sz);
  gb_free(ctx, joint);
  gb_free(ctx, xz);
  gb_free(ctx, yz);
  return st;
}

/* Discrete estimators ----------------------------------------------------------- */

double gb_entropy_counts(gb_ctx *ctx, const double *c, int64_t m, int method) {
  double N = 0, S = 0;       /* S = sum c log c */
  int64_t nz = 0, f1 = 0;
  for (int64_t i = 0; i < m; i++) {
    if (c[i] > 0) {
      N += c[i];
      S += c[i] * log(c[i]);
      nz++;
      f1 += c[i] == 1;
    }
  }
  if (!(N > 0)) return NAN;
  double plugin = log(N) - S / N;
  switch (method) {
    case GB_H_MILLER_MADOW:
      return plugin + (double)(nz - 1) / (2 * N);
    case GB_H_GRASSBERGER: {
      /* H = log N - (1/N) sum n G(n), G(n) = psi(n) + (-1)^n/2 (psi((n+1)/2) - psi(n/2)) */
      double s = 0;
      for (int64_t i = 0; i < m; i++) {
        double n = c[i];
        if (!(n > 0)) continue;
        double sign = fmod(n, 2) == 0 ? 1 : -1;
        s += n * (gb_digamma(n) + 0.5 * sign * (gb_digamma(0.5 * (n + 1)) - gb_digamma(0.5 * n)));
      }
      return log(N) - s / N;
    }
    case GB_H_CHAO_SHEN: {
      /* coverage-adjusted probabilities, Horvitz-Thompson weights */
      double f = (double)f1 == N ? N - 1 : (double)f1;
      double C = 1 - f / N, h = 0;
      for (int64_t i = 0; i < m; i++) {
        if (!(c[i] > 0)) continue;
        double pa = C * c[i] / N;
        h -= pa * log(pa) / (1 - pow(1 - pa, N));
      }
      return h;
    }
    case GB_H_NSB:
      return gb_entropy_nsb(ctx, c, m, (double)m);
    case GB_H_JACKKNIFE: {
      /* N H - (N-1)/N sum over the N leave-one-out samples, grouped by bin */
      if (N < 2) return plugin;
      double loo = 0;
      for (int64_t i = 0; i < m; i++) {
        double n = c[i];
        if (!(n > 0)) continue;
        double Si = S - n * log(n) + (n > 1 ? (n - 1) * log(n - 1) : 0);
        loo += n * (log(N - 1) - Si / (N - 1));
      }
      return N * plugin - (N - 1) / N * loo;
    }
    default:
      return plugin;
  }
}

/*
** NSB (Nemenman, Shafee and Bialek 2002): the posterior mean of H under a
** mixture of symmetric Dirichlet(beta) priors over K bins, the mixture
** flat in xi(beta) = E[H | beta] = psi(K beta + 1) - psi(beta + 1), which
** runs from 0 to log K.  So H = integral of L(beta) E[H | n, beta] dxi
** over integral of L(beta) dxi, with
**   log L = lgamma(K b) - lgamma(N + K b) + sum_i (lgamma(n_i + b) - lgamma(b))
**   E[H | n, b] = psi(N + K b + 1) - sum_i (n_i + b)/(N + K b) psi(n_i + b + 1)
** (sums over all K bins; empty ones in closed form).  The integral is
** taken on a grid in xi, refined around the peak of L.
*/
static double nsb_xi(double b, double K) { return gb_digamma(K * b + 1) - gb_digamma(b + 1); }

/* beta with xi(beta) = xi, by bisection in log beta */
static double nsb_beta(double xi, double K) {
  double lo = -40, hi = 40;
  for (int i = 0; i < 100; i++) {
    double mid = 0.5 * (lo + hi);
    if (nsb_xi(exp(mid), K) < xi) lo = mid; else hi = mid;
  }
  return exp(0.5 * (lo + hi));
}

/* counts as distinct values c[j] with multiplicities w[j]; empty = the
   number of bins with count 0 */
typedef struct nsb_counts {
  const double *c, *w;
  int64_t m;
  double empty, K, N;
} nsb_counts;

static void nsb_point(const nsb_counts *s, double b, double *logl, double *h) {
  double kb = s->K * b, ll = gb_gammaln(kb) - gb_gammaln(s->N + kb), t = 0, lb = gb_gammaln(b);
  for (int64_t i = 0; i < s->m; i++) {
    ll += s->w[i] * (gb_gammaln(s->c[i] + b) - lb);
    t += s->w[i] * (s->c[i] + b) * gb_digamma(s->c[i] + b + 1);
  }
  t += s->empty * b * gb_digamma(b + 1);
  *logl = ll;
  *h = gb_digamma(s->N + kb + 1) - t / (s->N + kb);
}

/* the integral over xi in [a, z] with g points: returns the weighted mean */
static double nsb_integrate(gb_ctx *ctx, const nsb_counts *s, double a, double z, int g, double *peak_lo,
                            double *peak_hi) {
  double *ll = gb_alloc(ctx, sizeof(double) * (size_t)g * 2), *hh = ll + g;
  if (!ll) return NAN;
  double mx = -HUGE_VAL;
  for (int j = 0; j < g; j++) {
    double xi = a + (z - a) * (j + 0.5) / g;
    nsb_point(s, nsb_beta(xi, s->K), &ll[j], &hh[j]);
    if (ll[j] > mx) mx = ll[j];
  }
  double sw = 0, sh = 0;
  int first = g, last = -1;
  for (int j = 0; j < g; j++) {
    double w = exp(ll[j] - mx);
    sw += w;
    sh += w * hh[j];
    if (ll[j] > mx - 40) { if (j < first) first = j; last = j; }
  }
  if (peak_lo) {
    *peak_lo = a + (z - a) * (first > 0 ? first - 1 : 0) / g;
    *peak_hi = a + (z - a) * (last + 2 < g ? last + 2 : g) / g;
  }
  gb_free(ctx, ll);
  return sh / sw;
}

double gb_entropy_nsb(gb_ctx *ctx, const double *c, int64_t m, double K) {
  double N = 0;
  for (int64_t i = 0; i < m; i++) if (c[i] > 0) N += c[i];
  if (!(N > 0) || !(K >= 1)) return NAN;
  if (K == 1) return 0;
  /* the positive counts, sorted and grouped */
  double *v = gb_alloc(ctx, sizeof(double) * (size_t)(2 * m + 2)), *w = v + m + 1;
  if (!v) return NAN;
  int64_t k = 0, g = 0;
  for (int64_t i = 0; i < m; i++) if (c[i] > 0) v[k++] = c[i];
  gb_sort_doubles(v, k);
  for (int64_t i = 0; i < k; i++) {
    if (g > 0 && v[g - 1] == v[i]) { w[g - 1] += 1; continue; }
    v[g] = v[i];
    w[g++] = 1;
  }
  nsb_counts s = {v, w, g, K - (double)k, K, N};
  double lo, hi, h = nsb_integrate(ctx, &s, 0, log(K), 400, &lo, &hi);
  if (h == h) h = nsb_integrate(ctx, &s, lo, hi, 8000, NULL, NULL);
  gb_free(ctx, v);
  return h;
}

int gb_ordinal_patterns(gb_ctx *ctx, const double *x, int64_t n, int order, int delay, double *counts) {
  int64_t nfact = 1;
  for (int i = 2; i <= order; i++) nfact *= i;
  memset(counts, 0, sizeof(double) * (size_t)nfact);
  int64_t span = (int64_t)(order - 1) * delay, npat = n - span;
  if (npat <= 0) return GB_OK;
  int64_t fact[11];
  fact[0] = 1;
  for (int i = 1; i <= 10; i++) fact[i] = fact[i - 1] * i;
  int st = GB_OK;
#pragma omp parallel
  {
    double *local = gb_zalloc_n(ctx, (size_t)nfact, sizeof(double));
    if (!local) {
#pragma omp atomic write
      st = GB_ENOMEM;
    }
#pragma omp for schedule(static)
    for (int64_t t = 0; t < npat; t++) {
      if (!local) continue;
      const double *w = x + t;
      /* Lehmer code: for each position, the later elements strictly
         smaller (an equal later element ranks above: ties by time) */
      int64_t code = 0;
      for (int i = 0; i < order - 1; i++) {
        int less = 0;
        double v = w[(int64_t)i * delay];
        for (int j = i + 1; j < order; j++) less += w[(int64_t)j * delay] < v;
        code += less * fact[order - 1 - i];
      }
      local[code] += 1;
    }
    if (local) {
#pragma omp critical
      for (int64_t i = 0; i < nfact; i++) counts[i] += local[i];
      gb_free(ctx, local);
    }
  }
  return st;
}
