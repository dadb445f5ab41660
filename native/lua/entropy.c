/*
** entropy: estimators of entropy, mutual information and divergences.
** The numerics are in native/core/entropy.c (and kdtree.c); this file
** reads the data and options, checks them, and converts units: every
** result is in nats unless opts.base is given.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "distributions.h"
#include "entropy.h"
#include "fft.h"
#include "internal.h"
#include "kdtree.h"
#include "linalg.h"
#include "rng.h"
#include "sort.h"
#include "special.h"

/* Options ------------------------------------------------------------------------ */

/* opts[key] at idx (a table or nil) pushed; returns its Lua type. */
static int getopt(lua_State *L, int idx, const char *key) {
  if (lua_isnoneornil(L, idx)) { lua_pushnil(L); return LUA_TNIL; }
  if (!lua_istable(L, idx)) gbL_error(L, "options must be a table, got %s", luaL_typename(L, idx));
  return lua_getfield(L, idx, key);
}

static double optnumber(lua_State *L, int idx, const char *key, double def) {
  int t = getopt(L, idx, key);
  double v = def;
  if (t == LUA_TNUMBER) v = lua_tonumber(L, -1);
  else if (t != LUA_TNIL) gbL_error(L, "option %s must be a number, got %s", key, lua_typename(L, t));
  lua_pop(L, 1);
  return v;
}

static int optbool(lua_State *L, int idx, const char *key, int def) {
  int t = getopt(L, idx, key), v = def;
  if (t == LUA_TBOOLEAN) v = lua_toboolean(L, -1);
  else if (t != LUA_TNIL) gbL_error(L, "option %s must be a boolean, got %s", key, lua_typename(L, t));
  lua_pop(L, 1);
  return v;
}

static int optint(lua_State *L, int idx, const char *key, int def, int lo, int hi) {
  double v = optnumber(L, idx, key, def);
  if (v != floor(v) || v < lo || v > hi)
    gbL_error(L, "option %s must be an integer from %d to %d, got %g", key, lo, hi, v);
  return (int)v;
}

/* The unit: nats divided by log(base). */
static double unit(lua_State *L, int idx) {
  double b = optnumber(L, idx, "base", M_E);
  if (!(b > 0) || b == 1 || isinf(b)) gbL_error(L, "option base must be positive and not 1, got %g", b);
  return b == M_E ? 1 : log(b);
}

static int pushresult(lua_State *L, double nats, int iopts) {
  lua_pushnumber(L, nats / unit(L, iopts));
  return 1;
}

/* Data ------------------------------------------------------------------------------ */

typedef struct data {
  double *x;      /* n x d, row-major, owned by a pushed array */
  int64_t n;
  int d;
} data;

/* Samples at idx (a 1-D array of n values, a 2-D n x d array, or tables) as
   a fresh float64 copy; rows with NaN or infinity are errors. */
static data getdata(lua_State *L, int idx, const char *what) {
  if (lua_isnoneornil(L, idx)) gbL_error(L, "%s is missing", what);
  if (!gbL_testarray(L, idx) && lua_type(L, idx) != LUA_TTABLE)
    gbL_error(L, "%s must be an array or a table of numbers, got %s", what, luaL_typename(L, idx));
  gb_array *a = gbL_toarray(L, idx, -1);
  if (a->dtype == GB_BOOL) gbL_error(L, "%s must be numeric, got a bool array", what);
  if (a->ndim != 1 && a->ndim != 2)
    gbL_error(L, "%s must be 1-D (n values) or 2-D (n x d), got %d dimensions", what, a->ndim);
  int64_t shape[2] = {a->shape[0], a->ndim == 2 ? a->shape[1] : 1};
  if (shape[0] == 0 || shape[1] == 0) gbL_error(L, "%s is empty", what);
  if (shape[1] > 1000000) gbL_error(L, "%s has too many columns", what);
  gb_array *c = gbL_newarray(L, GB_FLOAT64, 2, shape);
  gb_array v = *a;
  if (a->ndim == 1) {
    v.ndim = 2;
    v.shape[1] = 1;
    v.strides[1] = 0;
  }
  gb_copy(gbL_ctx(L), c, &v);
  data out = {(double *)c->data, shape[0], (int)shape[1]};
  for (int64_t i = 0; i < out.n; i++)
    for (int j = 0; j < out.d; j++)
      if (!isfinite(out.x[i * out.d + j]))
        gbL_error(L, "%s has a %s value in row %lld", what,
                  isnan(out.x[i * out.d + j]) ? "NaN" : "infinite", (long long)(i + 1));
  return out;
}

/* The standard deviation of column j (n in the denominator). */
static double column_std(const data *s, int j) {
  double m = 0, v = 0;
  for (int64_t i = 0; i < s->n; i++) m += s->x[i * s->d + j];
  m /= (double)s->n;
  for (int64_t i = 0; i < s->n; i++) {
    double e = s->x[i * s->d + j] - m;
    v += e * e;
  }
  return sqrt(v / (double)s->n);
}

/* Scale each column to unit standard deviation (constant columns stay). */
static void standardize(data *s) {
  for (int j = 0; j < s->d; j++) {
    double sd = column_std(s, j);
    if (sd > 0)
      for (int64_t i = 0; i < s->n; i++) s->x[i * s->d + j] /= sd;
  }
}

/*
** Break ties: add N(0, (1e-10 s_j)^2) noise to column j, s_j its standard
** deviation (1 if constant), from a generator seeded with opts.seed
** (default 0), so results are reproducible.
*/
static void addnoise(data *s, uint64_t seed) {
  gb_rng g;
  gb_rng_seed(&g, seed);
  for (int j = 0; j < s->d; j++) {
    double sd = column_std(s, j);
    double scale = 1e-10 * (sd > 0 ? sd : 1);
    for (int64_t i = 0; i < s->n; i++) s->x[i * s->d + j] += scale * gb_rand_normal(&g);
  }
}

static void prepare(lua_State *L, int iopts, data *s, int stdz_default, int salt) {
  if (optbool(L, iopts, "standardize", stdz_default)) standardize(s);
  if (optbool(L, iopts, "noise", 1)) {
    double seed = optnumber(L, iopts, "seed", 0);
    if (!(seed >= 0 && seed <= 9007199254740992.0) || seed != floor(seed))
      gbL_error(L, "option seed must be a non-negative integer, got %g", seed);
    addnoise(s, (uint64_t)seed * 4 + (uint64_t)salt);
  }
}

static int checkk(lua_State *L, int iopts, int64_t n) {
  int k = optint(L, iopts, "k", 3, 1, 100000);
  if (k >= n)
    gbL_error(L, "k (%d) must be less than the number of points (%lld)", k, (long long)n);
  return k;
}

/* The norm option: "max" (default) or "euclidean". */
static int optnorm(lua_State *L, int iopts) {
  int norm = GB_NORM_MAX;
  if (getopt(L, iopts, "norm") != LUA_TNIL) {
    const char *nm = lua_tostring(L, -1);
    if (nm && strcmp(nm, "euclidean") == 0) norm = GB_NORM_EUCLIDEAN;
    else if (!nm || strcmp(nm, "max") != 0)
      gbL_error(L, "option norm must be \"max\" or \"euclidean\"");
  }
  lua_pop(L, 1);
  return norm;
}

static int coreerror(lua_State *L, int st) {
  if (st == GB_EINVAL)
    return gbL_error(L, "two points coincide, so a neighbour distance is 0 "
                        "(leave the option noise on, or remove duplicates)");
  return gbL_statuserror(L, NULL, st);
}

/* entropy.knn(x [, opts]) */
static int knn(lua_State *L) {
  lua_settop(L, 2);
  data s = getdata(L, 1, "x");
  int k = checkk(L, 2, s.n);
  int norm = optnorm(L, 2);
  prepare(L, 2, &s, 0, 0);
  double h;
  int st = gb_knn_entropy(gbL_ctx(L), s.x, s.n, s.d, k, norm, &h);
  if (st != GB_OK) return coreerror(L, st);
  return pushresult(L, h, 2);
}

/*
** entropy.knn_renyi(x, q [, opts]) and entropy.knn_tsallis(x, q [, opts]):
** Leonenko, Pronzato and Savani (2008).  With zeta_i = (n - 1) C_k V_d
** rho_i^d and C_k = (Gamma(k) / Gamma(k + 1 - q))^(1 / (1 - q)), the mean
** I_q of zeta_i^(1 - q) estimates the integral of f^q; Renyi's entropy is
** log(I_q) / (1 - q) and Tsallis's (1 - I_q) / (q - 1).  Needs q < k + 1.
*/
static int knn_q(lua_State *L, int tsallis_form) {
  lua_settop(L, 3);
  double q = luaL_checknumber(L, 2);
  data s = getdata(L, 1, "x");
  int k = checkk(L, 3, s.n);
  int norm = optnorm(L, 3);
  if (!(q >= 0 && q < k + 1) || isinf(q))
    return gbL_error(L, "q must be >= 0 and below k + 1 (%d), got %g", k + 1, q);
  prepare(L, 3, &s, 0, 0);
  if (q == 1) {
    double h;
    int st = gb_knn_entropy(gbL_ctx(L), s.x, s.n, s.d, k, norm, &h);
    if (st != GB_OK) return coreerror(L, st);
    return pushresult(L, h, 3);
  }
  double *r = lua_newuserdatauv(L, sizeof(double) * (size_t)s.n, 0);
  int st = gb_knn_radii(gbL_ctx(L), s.x, s.n, s.d, k, norm, r);
  if (st != GB_OK) return coreerror(L, st);
  double logc = (gb_gammaln(k) - gb_gammaln(k + 1 - q)) / (1 - q);
  double base = log((double)(s.n - 1)) + logc + gb_ball_logvolume(s.d, norm);
  /* log I_q by log-sum-exp of (1 - q) log zeta_i */
  double mx = -HUGE_VAL;
  for (int64_t i = 0; i < s.n; i++) {
    if (!(r[i] > 0)) return coreerror(L, GB_EINVAL);
    r[i] = (1 - q) * (base + s.d * log(r[i]));
    if (r[i] > mx) mx = r[i];
  }
  double sum = 0;
  for (int64_t i = 0; i < s.n; i++) sum += exp(r[i] - mx);
  double logI = mx + log(sum / (double)s.n);
  if (tsallis_form) {
    lua_pushnumber(L, (1 - exp(logI)) / (q - 1));
    return 1;
  }
  return pushresult(L, logI / (1 - q), 3);
}
static int knn_renyi(lua_State *L) { return knn_q(L, 0); }
static int knn_tsallis(lua_State *L) { return knn_q(L, 1); }

/* entropy.ksg(x, y [, opts]) and entropy.ksg_cmi(x, y, z [, opts]) */
static int ksg_common(lua_State *L, int cond) {
  int iopts = cond ? 4 : 3;
  lua_settop(L, iopts);
  data x = getdata(L, 1, "x"), y = getdata(L, 2, "y"), z = {NULL, 0, 0};
  if (cond) z = getdata(L, 3, "z");
  if (y.n != x.n || (cond && z.n != x.n))
    gbL_error(L, "x, y%s must have the same number of rows (got %lld, %lld%s)", cond ? " and z" : "",
              (long long)x.n, (long long)y.n, cond ? ", ..." : "");
  int k = checkk(L, iopts, x.n);
  int alg = optint(L, iopts, "algorithm", 1, 1, 2);
  prepare(L, iopts, &x, 1, 1);
  prepare(L, iopts, &y, 1, 2);
  if (cond) prepare(L, iopts, &z, 1, 3);
  double mi;
  int st = gb_ksg(gbL_ctx(L), x.x, x.d, y.x, y.d, z.x, z.d, x.n, k, alg, &mi);
  if (st != GB_OK) return coreerror(L, st);
  return pushresult(L, mi, iopts);
}
static int ksg(lua_State *L) { return ksg_common(L, 0); }
static int ksg_cmi(lua_State *L) { return ksg_common(L, 1); }

/* Discrete ------------------------------------------------------------------------ */

static int method(lua_State *L, int iopts) {
  static const char *const names[] = {"plugin", "miller_madow", "grassberger", "chao_shen",
                                      "jackknife", "nsb", NULL};
  int m = GB_H_PLUGIN;
  if (getopt(L, iopts, "method") != LUA_TNIL) {
    const char *s = lua_tostring(L, -1);
    for (m = 0; names[m] && (!s || strcmp(names[m], s) != 0); m++) {}
    if (!names[m])
      gbL_error(L, "option method must be one of plugin, miller_madow, grassberger, "
                   "chao_shen, jackknife, nsb");
  }
  lua_pop(L, 1);
  return m;
}

/* Symbols: int64 samples, one per row (columns of a 2-D array form joint
   symbols).  Returns the counts of the distinct rows, pushed as an array. */
typedef struct symbols {
  const int64_t *x;
  int c;
} symbols;

static _Thread_local const symbols *cmp_sym;
static int cmp_rows(const void *a, const void *b) {
  const int64_t *x = cmp_sym->x;
  int64_t i = *(const int64_t *)a, j = *(const int64_t *)b;
  for (int k = 0; k < cmp_sym->c; k++) {
    int64_t u = x[i * cmp_sym->c + k], v = x[j * cmp_sym->c + k];
    if (u != v) return u < v ? -1 : 1;
  }
  return 0;
}

/* Join the samples at the given stack indices column-wise into one n x c
   int64 table; pushed. */
static symbols getsymbols(lua_State *L, const int *idx, int m, const char *const *what,
                          int64_t *nout) {
  int64_t n = -1;
  int c = 0;
  gb_array *parts[3];
  for (int j = 0; j < m; j++) {
    if (lua_isnoneornil(L, idx[j])) gbL_error(L, "%s is missing", what[j]);
    gb_array *a = gbL_testarray(L, idx[j]);
    if (!a && lua_type(L, idx[j]) != LUA_TTABLE)
      gbL_error(L, "%s must be an int64 array or a table of integers, got %s", what[j],
                luaL_typename(L, idx[j]));
    if (!a) a = gbL_toarray(L, idx[j], -1);
    if (a->dtype != GB_INT64 && a->dtype != GB_BOOL)
      gbL_error(L, "%s must hold integer symbols (int64 or bool), got %s", what[j],
                gb_dtype_name(a->dtype));
    if (a->ndim != 1 && a->ndim != 2) gbL_error(L, "%s must be 1-D or 2-D", what[j]);
    if (n >= 0 && a->shape[0] != n)
      gbL_error(L, "%s has %lld samples but %s has %lld", what[j], (long long)a->shape[0],
                what[0], (long long)n);
    n = a->shape[0];
    parts[j] = a;
    c += a->ndim == 2 ? (int)a->shape[1] : 1;
  }
  if (n == 0) gbL_error(L, "%s is empty", what[0]);
  int64_t shape[2] = {n, c};
  gb_array *out = gbL_newarray(L, GB_INT64, 2, shape);
  int col = 0;
  for (int j = 0; j < m; j++) {
    gb_array v = *parts[j], dst = *out;
    int w = v.ndim == 2 ? (int)v.shape[1] : 1;
    if (v.ndim == 1) { v.ndim = 2; v.shape[1] = 1; v.strides[1] = 0; }
    dst.data = out->data + col * (int64_t)sizeof(int64_t);
    dst.shape[1] = w;
    gb_copy(gbL_ctx(L), &dst, &v);
    col += w;
  }
  *nout = n;
  return (symbols){(const int64_t *)out->data, c};
}

/* Counts of the distinct rows of s (n rows): returns their number. */
static int64_t count_rows(lua_State *L, const symbols *s, int64_t n, double **counts) {
  int64_t *order = lua_newuserdatauv(L, sizeof(int64_t) * (size_t)n, 0);
  double *cnt = lua_newuserdatauv(L, sizeof(double) * (size_t)n, 0);
  for (int64_t i = 0; i < n; i++) order[i] = i;
  cmp_sym = s;
  qsort(order, (size_t)n, sizeof(int64_t), cmp_rows);
  int64_t m = 0;
  for (int64_t i = 0; i < n; i++) {
    if (i == 0 || cmp_rows(&order[i - 1], &order[i]) != 0) cnt[m++] = 0;
    cnt[m - 1] += 1;
  }
  *counts = cnt;
  return m;
}

/* H of the joint symbols of the arguments at idx[0..m) */
static double joint_entropy(lua_State *L, const int *idx, int m, const char *const *what,
                            int meth) {
  int top = lua_gettop(L);
  int64_t n;
  symbols s = getsymbols(L, idx, m, what, &n);
  double *counts;
  int64_t k = count_rows(L, &s, n, &counts);
  double h = gb_entropy_counts(gbL_ctx(L), counts, k, meth);
  lua_settop(L, top);
  return h;
}

/* entropy.discrete(x [, opts]) */
static int discrete(lua_State *L) {
  lua_settop(L, 2);
  int m = method(L, 2);
  static const char *const w[] = {"x"};
  return pushresult(L, joint_entropy(L, (int[]){1}, 1, w, m), 2);
}

/* entropy.discrete_mi(x, y [, opts]) = H(x) + H(y) - H(x, y) */
static int discrete_mi(lua_State *L) {
  lua_settop(L, 3);
  int m = method(L, 3);
  static const char *const w[] = {"x", "y"};
  double hx = joint_entropy(L, (int[]){1}, 1, w, m);
  double hy = joint_entropy(L, (int[]){2}, 1, w + 1, m);
  double hxy = joint_entropy(L, (int[]){1, 2}, 2, w, m);
  return pushresult(L, hx + hy - hxy, 3);
}

/* entropy.discrete_cmi(x, y, z [, opts]) = H(x,z) + H(y,z) - H(z) - H(x,y,z) */
static int discrete_cmi(lua_State *L) {
  lua_settop(L, 4);
  int m = method(L, 4);
  static const char *const w[] = {"x", "y", "z"};
  static const char *const wxz[] = {"x", "z"}, *const wyz[] = {"y", "z"};
  double hxz = joint_entropy(L, (int[]){1, 3}, 2, wxz, m);
  double hyz = joint_entropy(L, (int[]){2, 3}, 2, wyz, m);
  double hz = joint_entropy(L, (int[]){3}, 1, w + 2, m);
  double hxyz = joint_entropy(L, (int[]){1, 2, 3}, 3, w, m);
  return pushresult(L, hxz + hyz - hz - hxyz, 4);
}

/* entropy.conditional(x, y [, opts]) = H(x | y) = H(x, y) - H(y) */
static int conditional(lua_State *L) {
  lua_settop(L, 3);
  int m = method(L, 3);
  static const char *const w[] = {"x", "y"};
  double hxy = joint_entropy(L, (int[]){1, 2}, 2, w, m);
  double hy = joint_entropy(L, (int[]){2}, 1, w + 1, m);
  return pushresult(L, hxy - hy, 3);
}

/* A vector of counts or probabilities at idx, copied; pushed. */
static double *vector(lua_State *L, int idx, const char *what, int64_t *n) {
  gb_array *a = gbL_checkvector(L, idx, what);
  if (a->size == 0) gbL_error(L, "%s is empty", what);
  double *v = (double *)a->data;
  for (int64_t i = 0; i < a->size; i++) {
    if (isnan(v[i])) gbL_error(L, "%s[%lld] is NaN", what, (long long)(i + 1));
    if (v[i] < 0) gbL_error(L, "%s[%lld] is negative (%g)", what, (long long)(i + 1), v[i]);
    if (isinf(v[i])) gbL_error(L, "%s[%lld] is infinite", what, (long long)(i + 1));
  }
  *n = a->size;
  return v;
}

/* entropy.from_counts(counts [, opts]) */
static int from_counts(lua_State *L) {
  lua_settop(L, 2);
  int m = method(L, 2);
  int64_t n;
  double *c = vector(L, 1, "counts", &n);
  double K = optnumber(L, 2, "alphabet", (double)n);
  if (!(K >= (double)n) || K != floor(K) || isinf(K))
    return gbL_error(L, "option alphabet must be an integer at least the number of counts (%lld)",
                     (long long)n);
  double h = m == GB_H_NSB ? gb_entropy_nsb(gbL_ctx(L), c, n, K) : gb_entropy_counts(gbL_ctx(L), c, n, m);
  if (isnan(h)) return gbL_error(L, "counts sum to zero");
  return pushresult(L, h, 2);
}

/* A probability vector: it must sum to 1 (within 1e-9) unless
   opts.normalize is set, in which case it is scaled. */
static double *probs(lua_State *L, int idx, int iopts, const char *what, int64_t *n) {
  double *p = vector(L, idx, what, n), s = 0;
  for (int64_t i = 0; i < *n; i++) s += p[i];
  if (!(s > 0)) gbL_error(L, "%s sums to zero", what);
  if (optbool(L, iopts, "normalize", 0)) {
    for (int64_t i = 0; i < *n; i++) p[i] /= s;
  } else if (fabs(s - 1) > 1e-9) {
    gbL_error(L, "%s sums to %.17g, not 1 (pass {normalize = true} to scale it)", what, s);
  }
  return p;
}

/* entropy.shannon(p [, opts]) */
static int shannon(lua_State *L) {
  lua_settop(L, 2);
  int64_t n;
  double *p = probs(L, 1, 2, "p", &n), h = 0;
  for (int64_t i = 0; i < n; i++) h -= gb_xlogy(p[i], p[i]);
  return pushresult(L, h, 2);
}

static double renyi_of(const double *p, int64_t n, double a) {
  double h = 0;
  if (a == 1) {
    for (int64_t i = 0; i < n; i++) h -= gb_xlogy(p[i], p[i]);
  } else if (a == 0) {
    for (int64_t i = 0; i < n; i++) h += p[i] > 0;
    h = log(h);
  } else if (isinf(a)) {
    double mx = 0;
    for (int64_t i = 0; i < n; i++) if (p[i] > mx) mx = p[i];
    h = -log(mx);
  } else {
    double s = 0;
    for (int64_t i = 0; i < n; i++) if (p[i] > 0) s += pow(p[i], a);
    h = log(s) / (1 - a);
  }
  return h;
}

/* entropy.renyi(p, alpha [, opts]) */
static int renyi(lua_State *L) {
  lua_settop(L, 3);
  int64_t n;
  double *p = probs(L, 1, 3, "p", &n);
  double a = luaL_checknumber(L, 2);
  if (!(a >= 0)) return gbL_error(L, "alpha must be >= 0 (or math.huge), got %g", a);
  return pushresult(L, renyi_of(p, n, a), 3);
}

/* entropy.tsallis(p, q [, opts]): (1 - sum p^q) / (q - 1), in nats' units
   only (base does not apply). */
static int tsallis(lua_State *L) {
  lua_settop(L, 3);
  int64_t n;
  double *p = probs(L, 1, 3, "p", &n);
  double q = luaL_checknumber(L, 2);
  if (!isfinite(q)) return gbL_error(L, "q must be finite, got %g", q);
  if (q == 1) return pushresult(L, renyi_of(p, n, 1), 3);
  double s = 0;
  for (int64_t i = 0; i < n; i++) if (p[i] > 0) s += pow(p[i], q);
  lua_pushnumber(L, (1 - s) / (q - 1));
  return 1;
}

static void samelen(lua_State *L, int64_t a, int64_t b) {
  if (a != b) gbL_error(L, "p has %lld entries but q has %lld", (long long)a, (long long)b);
}

/* entropy.kl(p, q [, opts]) = sum p log(p / q) */
static int kl(lua_State *L) {
  lua_settop(L, 3);
  int64_t n, m;
  double *p = probs(L, 1, 3, "p", &n), *q = probs(L, 2, 3, "q", &m), d = 0;
  samelen(L, n, m);
  for (int64_t i = 0; i < n; i++) {
    if (p[i] == 0) continue;
    if (q[i] == 0) { d = HUGE_VAL; break; }
    d += p[i] * log(p[i] / q[i]);
  }
  return pushresult(L, d, 3);
}

/* entropy.cross_entropy(p, q [, opts]) = -sum p log q */
static int cross_entropy(lua_State *L) {
  lua_settop(L, 3);
  int64_t n, m;
  double *p = probs(L, 1, 3, "p", &n), *q = probs(L, 2, 3, "q", &m), h = 0;
  samelen(L, n, m);
  for (int64_t i = 0; i < n; i++) h -= gb_xlogy(p[i], q[i]);
  return pushresult(L, h, 3);
}

/* entropy.js(ps [, weights [, opts]]): H(sum w_i P_i) - sum w_i H(P_i), ps a
   table of distributions or a 2-D array with one per row. */
static int js(lua_State *L) {
  lua_settop(L, 3);
  int64_t k, n = -1;
  gb_array *rows = gbL_testarray(L, 1);
  if (rows && rows->ndim == 2) {
    k = rows->shape[0];
    lua_createtable(L, (int)k, 0);
    for (int64_t i = 0; i < k; i++) {
      gb_array v = *rows;
      v.ndim = 1;
      v.data += i * rows->strides[0];
      v.shape[0] = rows->shape[1];
      v.strides[0] = rows->strides[1];
      v.size = rows->shape[1];
      gb_array *c = gbL_newarray(L, GB_FLOAT64, 1, v.shape);
      gb_copy(gbL_ctx(L), c, &v);
      lua_rawseti(L, -2, i + 1);
    }
    lua_replace(L, 1);
  } else if (!lua_istable(L, 1) || gbL_testarray(L, 1)) {
    return gbL_error(L, "ps must be a table of probability vectors or a 2-D array");
  }
  k = (int64_t)lua_rawlen(L, 1);
  if (k < 1) return gbL_error(L, "ps is empty");
  double *w = NULL;
  if (!lua_isnil(L, 2)) {
    int64_t nw;
    w = probs(L, 2, 3, "weights", &nw);
    if (nw != k) return gbL_error(L, "%lld weights for %lld distributions", (long long)nw, (long long)k);
  }
  double *mix = NULL, hs = 0;
  for (int64_t i = 0; i < k; i++) {
    int top = lua_gettop(L);
    lua_rawgeti(L, 1, i + 1);
    int64_t m;
    double *p = probs(L, top + 1, 3, "ps[i]", &m);
    if (n >= 0 && m != n) return gbL_error(L, "ps[%lld] has %lld entries, ps[1] has %lld",
                                           (long long)(i + 1), (long long)m, (long long)n);
    if (!mix) {
      /* the mixture lives below this iteration's values on the stack */
      n = m;
      lua_settop(L, top);
      mix = lua_newuserdatauv(L, sizeof(double) * (size_t)n, 0);
      memset(mix, 0, sizeof(double) * (size_t)n);
      top = lua_gettop(L);
      lua_rawgeti(L, 1, i + 1);
      p = probs(L, top + 1, 3, "ps[i]", &m);
    }
    double wi = w ? w[i] : 1.0 / (double)k, h = 0;
    for (int64_t j = 0; j < n; j++) {
      mix[j] += wi * p[j];
      h -= gb_xlogy(p[j], p[j]);
    }
    hs += wi * h;
    lua_settop(L, top);
  }
  double hm = 0;
  for (int64_t j = 0; j < n; j++) hm -= gb_xlogy(mix[j], mix[j]);
  return pushresult(L, hm - hs, 3);
}

/* Time series ------------------------------------------------------------------------ */

/*
** The ordinal-pattern counts of the series at 1 with the options at 2
** (order from minorder to 10, delay), pushed; *nf gets order!.
*/
static double *ordinal_counts(lua_State *L, int minorder, int *order, int64_t *nf) {
  *order = optint(L, 2, "order", 3, minorder, 10);
  int delay = optint(L, 2, "delay", 1, 1, 1 << 30);
  gb_array *a = gbL_checkvector(L, 1, "x");
  int64_t n = a->size;
  const double *x = (const double *)a->data;
  if ((int64_t)(*order - 1) * delay >= n)
    gbL_error(L, "x has %lld values, too few for order %d and delay %d (needs more than %lld)",
              (long long)n, *order, delay, (long long)(*order - 1) * delay);
  for (int64_t i = 0; i < n; i++)
    if (isnan(x[i])) gbL_error(L, "x[%lld] is NaN", (long long)(i + 1));
  *nf = 1;
  for (int i = 2; i <= *order; i++) *nf *= i;
  double *counts = lua_newuserdatauv(L, sizeof(double) * (size_t)*nf, 0);
  int st = gb_ordinal_patterns(gbL_ctx(L), x, n, *order, delay, counts);
  if (st != GB_OK) gbL_statuserror(L, NULL, st);
  return counts;
}

/* entropy.permutation(x [, opts]) */
static int permutation(lua_State *L) {
  lua_settop(L, 2);
  int order, norm = optbool(L, 2, "normalize", 0);
  int64_t nf;
  double *counts = ordinal_counts(L, 1, &order, &nf);
  double h = gb_entropy_counts(gbL_ctx(L), counts, nf, GB_H_PLUGIN);
  if (norm) {
    lua_pushnumber(L, order > 1 ? h / log((double)nf) : 0);
    return 1;
  }
  return pushresult(L, h, 2);
}

/* entropy.complexity(x [, opts]) -> H, C: the normalised permutation
   entropy H and the Jensen-Shannon statistical complexity
   C = Q0 JS(P, U) H (Rosso et al. 2007), U the uniform distribution over
   the N = order! patterns and Q0 = 1 / max JS */
static int complexity(lua_State *L) {
  lua_settop(L, 2);
  int order;
  int64_t nf;
  double *counts = ordinal_counts(L, 2, &order, &nf);
  double N = (double)nf, total = 0, hp = 0, hm = 0;
  for (int64_t i = 0; i < nf; i++) total += counts[i];
  for (int64_t i = 0; i < nf; i++) {
    double p = counts[i] / total, m = 0.5 * (p + 1 / N);
    hp -= gb_xlogy(p, p);
    hm -= gb_xlogy(m, m);
  }
  double H = hp / log(N);
  double jsd = hm - 0.5 * hp - 0.5 * log(N);
  double q0 = -2 / ((N + 1) / N * log(N + 1) - 2 * log(2 * N) + log(N));
  lua_pushnumber(L, H);
  lua_pushnumber(L, q0 * jsd * H);
  return 2;
}

/* 1-D spacing estimators ------------------------------------------------------------- */

/* X_(j) for j in 1..n, clamped at both ends */
static inline double order_stat(const double *x, int64_t n, int64_t j) {
  return x[(j < 1 ? 1 : j > n ? n : j) - 1];
}

/* entropy.spacing(x [, opts]) */
static int spacing(lua_State *L) {
  lua_settop(L, 2);
  static const char *const names[] = {"vasicek", "van_es", "ebrahimi", "correa", NULL};
  int meth = 0;
  if (getopt(L, 2, "method") != LUA_TNIL) {
    const char *nm = lua_tostring(L, -1);
    for (meth = 0; names[meth] && (!nm || strcmp(nm, names[meth]) != 0); meth++) {}
    if (!names[meth])
      gbL_error(L, "option method must be one of vasicek, van_es, ebrahimi, correa");
  }
  lua_pop(L, 1);
  data s = getdata(L, 1, "x");
  if (s.d != 1) return gbL_error(L, "x must be 1-D (one value per sample)");
  int64_t n = s.n;
  if (n < 2) return gbL_error(L, "x needs at least 2 values");
  double defm = floor(sqrt((double)n) + 0.5);
  double mm = optnumber(L, 2, "window", defm);
  if (mm != floor(mm) || mm < 1 || mm >= 0.5 * (double)n)
    return gbL_error(L, "option window must be an integer from 1 to n/2 (%lld values), got %g",
                     (long long)n, mm);
  int64_t m = (int64_t)mm;
  double *x = s.x;
  gb_sort_doubles(x, n);
  double nn = (double)n, h = 0;
  switch (meth) {
    case 0:   /* Vasicek: mean log(n/(2m) (X_(i+m) - X_(i-m))) */
      for (int64_t i = 1; i <= n; i++)
        h += log(nn / (2.0 * (double)m) * (order_stat(x, n, i + m) - order_stat(x, n, i - m)));
      h /= nn;
      break;
    case 1: { /* van Es */
      for (int64_t i = 1; i <= n - m; i++)
        h += log((nn + 1) / (double)m * (x[i + m - 1] - x[i - 1]));
      h /= nn - (double)m;
      for (int64_t j = m; j <= n; j++) h += 1.0 / (double)j;
      h += log((double)m) - log(nn + 1);
      break;
    }
    case 2:   /* Ebrahimi: Vasicek with end weights c_i */
      for (int64_t i = 1; i <= n; i++) {
        double c = i <= m ? 1 + (double)(i - 1) / (double)m
                 : i >= n - m + 1 ? 1 + (double)(n - i) / (double)m : 2;
        h += log(nn * (order_stat(x, n, i + m) - order_stat(x, n, i - m)) / (c * (double)m));
      }
      h /= nn;
      break;
    default:  /* Correa: the local slope of the empirical quantile function */
      for (int64_t i = 1; i <= n; i++) {
        double mean = 0, num = 0, den = 0;
        for (int64_t j = i - m; j <= i + m; j++) mean += order_stat(x, n, j);
        mean /= (double)(2 * m + 1);
        for (int64_t j = i - m; j <= i + m; j++) {
          double e = order_stat(x, n, j) - mean;
          num += (double)(j - i) * e;
          den += e * e;
        }
        h -= log(num / (nn * den));
      }
      h /= nn;
      break;
  }
  if (!isfinite(h))
    return gbL_error(L, "x has repeated values, so a spacing is 0 (add noise or widen the window)");
  return pushresult(L, h, 2);
}

/* Histogram and kernel estimators ---------------------------------------------------- */

/* The q-quantile of sorted values by linear interpolation (NumPy's default). */
static double quantile_sorted(const double *v, int64_t n, double q) {
  double pos = q * (double)(n - 1), f = floor(pos);
  int64_t i = (int64_t)f;
  if (i + 1 >= n) return v[n - 1];
  return v[i] + (pos - f) * (v[i + 1] - v[i]);
}

/*
** entropy.histogram(x [, opts]): -sum p_j log(p_j / w_j) over equal bins
** of width w between min and max of the 1-D sample x.  Option bins: a
** count, or NumPy's rules "sturges" (width = range / (log2 n + 1)),
** "scott" (width = (24 sqrt(pi) / n)^(1/3) sd) or "fd" (Freedman and
** Diaconis, width = 2 IQR n^(-1/3), the default), giving ceil(range /
** width) bins, as numpy.histogram_bin_edges.
*/
static int histogram(lua_State *L) {
  lua_settop(L, 2);
  data s = getdata(L, 1, "x");
  if (s.d != 1) return gbL_error(L, "x must be 1-D (one value per sample)");
  int64_t n = s.n;
  double *v = s.x;
  gb_sort_doubles(v, n);
  double lo = v[0], hi = v[n - 1], range = hi - lo;
  if (!(range > 0)) return gbL_error(L, "x is constant: its histogram has no width");
  int64_t nbins = 0;
  int t = getopt(L, 2, "bins");
  if (t == LUA_TNUMBER) {
    double b = lua_tonumber(L, -1);
    if (b != floor(b) || b < 1 || b > 1e8)
      return gbL_error(L, "option bins must be a positive integer or a rule name, got %g", b);
    nbins = (int64_t)b;
  } else if (t == LUA_TNIL || t == LUA_TSTRING) {
    const char *rule = t == LUA_TNIL ? "fd" : lua_tostring(L, -1);
    double w;
    if (strcmp(rule, "sturges") == 0) w = range / (log2((double)n) + 1);
    else if (strcmp(rule, "scott") == 0)
      w = pow(24 * sqrt(M_PI) / (double)n, 1.0 / 3) * column_std(&(data){v, n, 1}, 0);
    else if (strcmp(rule, "fd") == 0)
      w = 2 * (quantile_sorted(v, n, 0.75) - quantile_sorted(v, n, 0.25)) * pow((double)n, -1.0 / 3);
    else return gbL_error(L, "option bins must be a count or one of fd, scott, sturges");
    nbins = w > 0 ? (int64_t)ceil(range / w) : 1;
  } else {
    return gbL_error(L, "option bins must be a count or a rule name");
  }
  lua_pop(L, 1);
  double *count = lua_newuserdatauv(L, sizeof(double) * (size_t)nbins, 0);
  memset(count, 0, sizeof(double) * (size_t)nbins);
  double step = range / (double)nbins;
  for (int64_t i = 0; i < n; i++) {
    int64_t b = (int64_t)((v[i] - lo) / range * (double)nbins);
    if (b >= nbins) b = nbins - 1;
    /* settle on the edges lo + j step, as linspace makes them */
    if (b > 0 && v[i] < lo + (double)b * step) b--;
    else if (b < nbins - 1 && v[i] >= lo + (double)(b + 1) * step) b++;
    count[b] += 1;
  }
  double h = 0, nn = (double)n;
  for (int64_t b = 0; b < nbins; b++)
    if (count[b] > 0) h -= count[b] / nn * log(count[b] / nn / step);
  return pushresult(L, h, 2);
}

/*
** entropy.kde(x [, opts]): the resubstitution estimate -mean log f(x_i) of
** the kernel density f of the sample x (n x d).  kernel "gaussian"
** (default): bandwidth matrix factor^2 cov, factor n^(-1/(d+4)) (Scott's
** rule, as scipy.stats.gaussian_kde) unless option bandwidth gives the
** factor; "box": f(x) = #{j : |x_j - x|_max <= h} / (n (2h)^d), h the
** option bandwidth (default: the Gaussian factor times the mean column
** standard deviation).  The sample itself is included in its density.
*/
static int kde(lua_State *L) {
  lua_settop(L, 2);
  data s = getdata(L, 1, "x");
  int64_t n = s.n, d = s.d;
  int box = 0;
  if (getopt(L, 2, "kernel") != LUA_TNIL) {
    const char *k = lua_tostring(L, -1);
    if (k && strcmp(k, "box") == 0) box = 1;
    else if (!k || strcmp(k, "gaussian") != 0)
      gbL_error(L, "option kernel must be \"gaussian\" or \"box\"");
  }
  lua_pop(L, 1);
  if (n <= d) return gbL_error(L, "x needs more rows (%lld) than columns (%lld)", (long long)n, (long long)d);
  int given = getopt(L, 2, "bandwidth") != LUA_TNIL;
  lua_pop(L, 1);
  double factor = optnumber(L, 2, "bandwidth", pow((double)n, -1.0 / (double)(d + 4)));
  if (!(factor > 0) || isinf(factor)) return gbL_error(L, "option bandwidth must be finite and > 0");
  double *term = lua_newuserdatauv(L, sizeof(double) * (size_t)n, 0);
  if (box) {
    double h = factor;
    if (!given) {
      double sd = 0;
      for (int j = 0; j < s.d; j++) sd += column_std(&s, j) / (double)d;
      h = factor * sd;
    }
    gb_kdtree t;
    if (gb_kdtree_build(gbL_ctx(L), &t, s.x, n, (int)d) != GB_OK) return gbL_error(L, "out of memory");
    double logv = (double)d * log(2 * h) + log((double)n);
#pragma omp parallel for schedule(dynamic, 256)
    for (int64_t i = 0; i < n; i++)
      term[i] = log((double)gb_kdtree_count(&t, s.x + i * d, h, 0, GB_NORM_MAX, -1)) - logv;
    gb_kdtree_free(gbL_ctx(L), &t);
  } else {
    /* whiten with the Cholesky factor of factor^2 cov (ddof 1, as SciPy) */
    double *c = lua_newuserdatauv(L, sizeof(double) * (size_t)(d * d + d), 0), *mean = c + d * d;
    for (int64_t j = 0; j < d; j++) {
      double m = 0;
      for (int64_t i = 0; i < n; i++) m += s.x[i * d + j];
      mean[j] = m / (double)n;
    }
    for (int64_t a = 0; a < d; a++)
      for (int64_t b = 0; b <= a; b++) {
        double v = 0;
        for (int64_t i = 0; i < n; i++) v += (s.x[i * d + a] - mean[a]) * (s.x[i * d + b] - mean[b]);
        c[a * d + b] = c[b * d + a] = v / (double)(n - 1) * factor * factor;
      }
    if (gb_cholesky_psd(c, d) != GB_OK) return gbL_error(L, "the covariance of x is not positive definite");
    double logdetc = 0;
    for (int64_t j = 0; j < d; j++) {
      if (!(c[j * d + j] > 0)) return gbL_error(L, "the covariance of x is singular");
      logdetc += log(c[j * d + j]);
    }
    /* z = L^-1 x, row by row (forward substitution) */
    for (int64_t i = 0; i < n; i++) {
      double *r = s.x + i * d;
      for (int64_t a = 0; a < d; a++) {
        double v = r[a];
        for (int64_t b = 0; b < a; b++) v -= c[a * d + b] * r[b];
        r[a] = v / c[a * d + a];
      }
    }
    double norm = log((double)n) + 0.5 * (double)d * log(2 * M_PI) + logdetc;
    /* O(n^2): rows in blocks, with an interrupt check between them */
    for (int64_t b = 0; b < n; b += 1024) {
      int64_t e = b + 1024 < n ? b + 1024 : n;
#pragma omp parallel for schedule(dynamic, 16)
      for (int64_t i = b; i < e; i++) {
        double sum = 0;                      /* the j = i term is exp(0) = 1, the largest */
        for (int64_t j = 0; j < n; j++) {
          double q = 0;
          for (int64_t a = 0; a < d; a++) {
            double v = s.x[i * d + a] - s.x[j * d + a];
            q += v * v;
          }
          sum += exp(-0.5 * q);
        }
        term[i] = log(sum) - norm;
      }
      gbL_checkinterrupt(L);
    }
  }
  double h = 0;
  for (int64_t i = 0; i < n; i++) h -= term[i];
  return pushresult(L, h / (double)n, 2);
}

/*
** entropy.spectral(x [, opts]): the Shannon entropy of the normalised
** one-sided periodogram of the 1-D series x (mean removed; bins 0 to n/2,
** the inner ones doubled as in scipy.signal.periodogram).  normalize =
** true divides by the log of the number of bins.
*/
static int spectral(lua_State *L) {
  lua_settop(L, 2);
  data s = getdata(L, 1, "x");
  if (s.d != 1) return gbL_error(L, "x must be a 1-D series");
  int64_t n = s.n;
  if (n < 2) return gbL_error(L, "x needs at least 2 values");
  int norm = optbool(L, 2, "normalize", 0);
  double *im = lua_newuserdatauv(L, sizeof(double) * (size_t)n, 0), mean = 0;
  for (int64_t i = 0; i < n; i++) mean += s.x[i];
  mean /= (double)n;
  for (int64_t i = 0; i < n; i++) { s.x[i] -= mean; im[i] = 0; }
  if (gb_dft(gbL_ctx(L), s.x, im, n) != GB_OK) return gbL_error(L, "out of memory");
  int64_t nb = n / 2 + 1;
  double total = 0;
  for (int64_t k = 0; k < nb; k++) {
    double p = s.x[k] * s.x[k] + im[k] * im[k];
    if (k > 0 && !(n % 2 == 0 && k == n / 2)) p *= 2;
    s.x[k] = p;
    total += p;
  }
  if (!(total > 0)) return gbL_error(L, "x is constant: its spectrum is empty");
  double h = 0;
  for (int64_t k = 0; k < nb; k++) h -= gb_xlogy(s.x[k] / total, s.x[k] / total);
  if (norm) {
    lua_pushnumber(L, h / log((double)nb));
    return 1;
  }
  return pushresult(L, h, 2);
}

/* Information dynamics ---------------------------------------------------------------- */

/*
** Embeddings of series for transfer entropy, active information storage
** and entropy rate.  With target history k, source history l and source
** lag u, the samples are the times t (0-based) from t0 = max(k - 1,
** l + u - 2) to n - 2: the next value x[t + 1], the target's past
** x[t - k + 1 .. t] and the source's past y[t - u - l + 2 .. t - u + 1].
*/
typedef struct embed {
  int k, l, u;
  int64_t t0, count;
} embed;

static embed getembed(lua_State *L, int iopts, int64_t n, int source) {
  embed e;
  e.k = optint(L, iopts, "history", 1, 1, 64);
  e.l = source ? optint(L, iopts, "source_history", 1, 1, 64) : 0;
  e.u = source ? optint(L, iopts, "lag", 1, 1, 1 << 20) : 1;
  e.t0 = e.k - 1;
  if (source && e.l + e.u - 2 > e.t0) e.t0 = e.l + e.u - 2;
  e.count = n - 1 - e.t0;
  if (e.count < 2)
    gbL_error(L, "the series are too short (%lld values) for these histories and lag",
              (long long)n);
  return e;
}

/* Push the count x h array whose row r holds s[end + r - h + 1 .. end + r]
   (elements of size sz); returns its data. */
static char *push_window(lua_State *L, const char *s, int dtype, int64_t end, int64_t count,
                         int h) {
  int64_t shape[2] = {count, h};
  gb_array *a = gbL_newarray(L, dtype, 2, shape);
  size_t sz = gb_dtype_size(dtype);
  for (int64_t r = 0; r < count; r++)
    memcpy(a->data + (size_t)(r * h) * sz, s + (size_t)(end + r - h + 1) * sz, sz * (size_t)h);
  return a->data;
}

/* A discrete series at idx: an n x 1 int64 copy, pushed. */
static const int64_t *int_series(lua_State *L, int idx, const char *what, int64_t *n) {
  const char *w[1] = {what};
  symbols s = getsymbols(L, (int[]){idx}, 1, w, n);
  if (s.c != 1) gbL_error(L, "%s must be a 1-D series", what);
  return s.x;
}

/* entropy.transfer(source, target [, opts]): discrete transfer entropy
   I(x_{t+1}; y past | x past) */
static int transfer(lua_State *L) {
  lua_settop(L, 3);
  int m = method(L, 3);
  int64_t n, n2;
  const int64_t *y = int_series(L, 1, "source", &n);
  const int64_t *x = int_series(L, 2, "target", &n2);
  if (n != n2)
    return gbL_error(L, "source has %lld values but target has %lld", (long long)n, (long long)n2);
  embed e = getembed(L, 3, n, 1);
  int base = lua_gettop(L);
  push_window(L, (const char *)x, GB_INT64, e.t0 + 1, e.count, 1);               /* base+1 */
  push_window(L, (const char *)x, GB_INT64, e.t0, e.count, e.k);                 /* base+2 */
  push_window(L, (const char *)y, GB_INT64, e.t0 - e.u + 1, e.count, e.l);       /* base+3 */
  int nx = base + 1, xh = base + 2, yh = base + 3;
  static const char *const w[] = {"next", "past", "source"};
  double h1 = joint_entropy(L, (int[]){nx, xh}, 2, w, m);
  double h2 = joint_entropy(L, (int[]){xh, yh}, 2, w + 1, m);
  double h3 = joint_entropy(L, (int[]){xh}, 1, w + 1, m);
  double h4 = joint_entropy(L, (int[]){nx, xh, yh}, 3, w, m);
  return pushresult(L, h1 + h2 - h3 - h4, 3);
}

/* For a discrete series x (argument 1, options at 2): the entropies of
   the next value, of the past, and of both together. */
static void memory_entropies(lua_State *L, double *hn, double *hp, double *hj) {
  lua_settop(L, 2);
  int m = method(L, 2);
  int64_t n;
  const int64_t *x = int_series(L, 1, "x", &n);
  embed e = getembed(L, 2, n, 0);
  int base = lua_gettop(L);
  push_window(L, (const char *)x, GB_INT64, e.t0 + 1, e.count, 1);
  push_window(L, (const char *)x, GB_INT64, e.t0, e.count, e.k);
  static const char *const w[] = {"next", "past"};
  *hn = joint_entropy(L, (int[]){base + 1}, 1, w, m);
  *hp = joint_entropy(L, (int[]){base + 2}, 1, w + 1, m);
  *hj = joint_entropy(L, (int[]){base + 1, base + 2}, 2, w, m);
}

/* entropy.active_information(x [, opts]) = I(x_{t+1}; x past), discrete */
static int active_information(lua_State *L) {
  double hn, hp, hj;
  memory_entropies(L, &hn, &hp, &hj);
  return pushresult(L, hn + hp - hj, 2);
}

/* entropy.entropy_rate(x [, opts]) = H(x_{t+1} | x past), discrete */
static int entropy_rate(lua_State *L) {
  double hn, hp, hj;
  memory_entropies(L, &hn, &hp, &hj);
  return pushresult(L, hj - hp, 2);
}

/* entropy.transfer_ksg(source, target [, opts]): KSG estimate of
   I(x_{t+1}; y past | x past) for continuous series */
static int transfer_ksg(lua_State *L) {
  lua_settop(L, 3);
  data y = getdata(L, 1, "source"), x = getdata(L, 2, "target");
  if (x.d != 1 || y.d != 1) return gbL_error(L, "source and target must be 1-D series");
  if (x.n != y.n)
    return gbL_error(L, "source has %lld values but target has %lld", (long long)y.n, (long long)x.n);
  embed e = getembed(L, 3, x.n, 1);
  int k = checkk(L, 3, e.count);
  int alg = optint(L, 3, "algorithm", 1, 1, 2);
  data nx = {(double *)push_window(L, (const char *)x.x, GB_FLOAT64, e.t0 + 1, e.count, 1), e.count, 1};
  data xh = {(double *)push_window(L, (const char *)x.x, GB_FLOAT64, e.t0, e.count, e.k), e.count, e.k};
  data yh = {(double *)push_window(L, (const char *)y.x, GB_FLOAT64, e.t0 - e.u + 1, e.count, e.l),
             e.count, e.l};
  prepare(L, 3, &nx, 1, 1);
  prepare(L, 3, &yh, 1, 2);
  prepare(L, 3, &xh, 1, 3);
  double te;
  int st = gb_ksg(gbL_ctx(L), nx.x, 1, yh.x, yh.d, xh.x, xh.d, e.count, k, alg, &te);
  if (st != GB_OK) return coreerror(L, st);
  return pushresult(L, te, 3);
}

/* entropy.active_information_ksg(x [, opts]) = KSG I(x_{t+1}; x past) */
static int active_information_ksg(lua_State *L) {
  lua_settop(L, 2);
  data x = getdata(L, 1, "x");
  if (x.d != 1) return gbL_error(L, "x must be a 1-D series");
  embed e = getembed(L, 2, x.n, 0);
  int k = checkk(L, 2, e.count);
  int alg = optint(L, 2, "algorithm", 1, 1, 2);
  data nx = {(double *)push_window(L, (const char *)x.x, GB_FLOAT64, e.t0 + 1, e.count, 1), e.count, 1};
  data xh = {(double *)push_window(L, (const char *)x.x, GB_FLOAT64, e.t0, e.count, e.k), e.count, e.k};
  prepare(L, 2, &nx, 1, 1);
  prepare(L, 2, &xh, 1, 2);
  double a;
  int st = gb_ksg(gbL_ctx(L), nx.x, 1, xh.x, xh.d, NULL, 0, e.count, k, alg, &a);
  if (st != GB_OK) return coreerror(L, st);
  return pushresult(L, a, 2);
}

/* Sample and approximate entropy ------------------------------------------------------ */

/* For templates of length m (rows of the n' x m embedding, n' given), the
   number of other templates within r of each one (max norm), summed. */
static int template_matches(gb_ctx *ctx, const double *x, int64_t count, int m, double r, int strict,
                            double *per, double *total) {
  double *emb = malloc(sizeof(double) * (size_t)(count > 0 ? count : 1) * (size_t)m);
  if (!emb) return GB_ENOMEM;
  for (int64_t i = 0; i < count; i++) memcpy(emb + i * m, x + i, sizeof(double) * (size_t)m);
  gb_kdtree t;
  if (gb_kdtree_build(ctx, &t, emb, count, m) != GB_OK) { free(emb); return GB_ENOMEM; }
  double sum = 0;
#pragma omp parallel for schedule(dynamic, 256) reduction(+ : sum)
  for (int64_t i = 0; i < count; i++) {
    double c = (double)gb_kdtree_count(&t, emb + i * m, r, strict, GB_NORM_MAX, i);
    if (per) per[i] = c;
    sum += c;
  }
  gb_kdtree_free(ctx, &t);
  free(emb);
  *total = sum;
  return gb_interrupted(ctx) ? GB_EINTERRUPTED : GB_OK;
}

/* The series, m and r of sample and approximate entropy. */
static data regularity_args(lua_State *L, int *m, double *r, int *strict) {
  data x = getdata(L, 1, "x");
  if (x.d != 1) gbL_error(L, "x must be a 1-D series");
  *m = optint(L, 2, "m", 2, 1, 64);
  if (x.n < *m + 2)
    gbL_error(L, "x has %lld values, too few for templates of length %d", (long long)x.n, *m + 1);
  double sd = column_std(&x, 0);
  *r = optnumber(L, 2, "r", 0.2 * sd);
  if (!(*r >= 0) || isinf(*r)) gbL_error(L, "option r must be finite and >= 0, got %g", *r);
  *strict = optbool(L, 2, "strict", 0);
  return x;
}

/* entropy.sample_entropy(x [, opts]) = -log(A / B) */
static int sample_entropy(lua_State *L) {
  lua_settop(L, 2);
  int m, strict;
  double r, A, B;
  data x = regularity_args(L, &m, &r, &strict);
  int64_t count = x.n - m;            /* the same templates for both lengths */
  int st = template_matches(gbL_ctx(L), x.x, count, m, r, strict, NULL, &B);
  if (st == GB_OK) st = template_matches(gbL_ctx(L), x.x, count, m + 1, r, strict, NULL, &A);
  if (st != GB_OK) return gbL_statuserror(L, NULL, st);
  if (B == 0) return gbL_error(L, "no two templates of length %d match within r = %g", m, r);
  return pushresult(L, A > 0 ? -log(A / B) : HUGE_VAL, 2);
}

/* entropy.approximate_entropy(x [, opts]) = Phi_m - Phi_{m+1} */
static int approximate_entropy(lua_State *L) {
  lua_settop(L, 2);
  int m, strict;
  double r, phi[2];
  data x = regularity_args(L, &m, &r, &strict);
  for (int j = 0; j < 2; j++) {
    int64_t count = x.n - (m + j) + 1;
    double *per = lua_newuserdatauv(L, sizeof(double) * (size_t)count, 0), total;
    int st = template_matches(gbL_ctx(L), x.x, count, m + j, r, strict, per, &total);
    if (st != GB_OK) return gbL_statuserror(L, NULL, st);
    double s = 0;                     /* self-matches count, as Pincus defines it */
    for (int64_t i = 0; i < count; i++) s += log((per[i] + 1) / (double)count);
    phi[j] = s / (double)count;
  }
  return pushresult(L, phi[0] - phi[1], 2);
}

/* Gaussian ------------------------------------------------------------------------------ */

/* log det of the symmetric positive definite submatrix of cov (d x d) on
   the given 0-based columns */
static double logdet(lua_State *L, const double *cov, int64_t d, const int64_t *cols, int64_t m) {
  double *a = malloc(sizeof(double) * (size_t)(m * m));
  if (!a) gbL_statuserror(L, NULL, GB_ENOMEM);
  for (int64_t i = 0; i < m; i++)
    for (int64_t j = 0; j < m; j++) a[i * m + j] = cov[cols[i] * d + cols[j]];
  int st = gb_cholesky_psd(a, m);
  double s = 0;
  for (int64_t i = 0; i < m && st == GB_OK; i++) s += log(a[i * m + i]);
  free(a);
  if (st != GB_OK || !isfinite(s))
    gbL_error(L, "the covariance is not positive definite");
  return 2 * s;
}

static const double *getcov(lua_State *L, int idx, int64_t *d) {
  gb_array *a = gbL_testarray(L, idx);
  if (!a && lua_type(L, idx) != LUA_TTABLE)
    gbL_error(L, "cov must be a square matrix, got %s", luaL_typename(L, idx));
  a = gbL_toarray(L, idx, GB_FLOAT64);
  if (a->ndim != 2 || a->shape[0] != a->shape[1] || a->shape[0] == 0)
    gbL_error(L, "cov must be a non-empty square matrix");
  gb_array *c = gbL_newlike(L, a, GB_FLOAT64);
  gb_copy(gbL_ctx(L), c, a);
  *d = a->shape[0];
  const double *v = (const double *)c->data;
  for (int64_t i = 0; i < *d; i++)
    for (int64_t j = 0; j < *d; j++)
      if (!isfinite(v[i * *d + j]) || v[i * *d + j] != v[j * *d + i])
        gbL_error(L, "cov must be finite and symmetric (entry %lld, %lld)", (long long)(i + 1),
                  (long long)(j + 1));
  return v;
}

/*
** Gaussian estimates from data: the scatter matrix A = sum (x_i - mean)
** (x_i - mean)^T of the columns cols, whose log det estimates log det of
** the covariance as log det(A / (n - 1)); with bias correction the
** unbiased log det A - d log 2 - sum_{i=1..d} psi((n - i) / 2), since A is
** Wishart(n - 1, cov) (Ahmed and Gokhale 1989; Misra et al. 2005).
*/
static double data_logdet(lua_State *L, const data *x, const int64_t *cols, int64_t d, int corr) {
  double *mean = lua_newuserdatauv(L, sizeof(double) * (size_t)(d + d * d), 0), *A = mean + d;
  int64_t n = x->n;
  for (int64_t j = 0; j < d; j++) {
    double m = 0;
    for (int64_t i = 0; i < n; i++) m += x->x[i * x->d + cols[j]];
    mean[j] = m / (double)n;
  }
  for (int64_t a = 0; a < d; a++)
    for (int64_t b = 0; b <= a; b++) {
      double v = 0;
      for (int64_t i = 0; i < n; i++)
        v += (x->x[i * x->d + cols[a]] - mean[a]) * (x->x[i * x->d + cols[b]] - mean[b]);
      A[a * d + b] = A[b * d + a] = v;
    }
  int64_t *all = lua_newuserdatauv(L, sizeof(int64_t) * (size_t)d, 0);
  for (int64_t j = 0; j < d; j++) all[j] = j;
  double ld = logdet(L, A, d, all, d);
  lua_pop(L, 2);
  if (!corr) return ld - (double)d * log((double)(n - 1));
  double s = 0;
  for (int64_t i = 1; i <= d; i++) s += gb_digamma(0.5 * (double)(n - i));
  return ld - (double)d * M_LN2 - s;
}

/* entropy.gaussian_data(x [, opts]) */
static int gaussian_data(lua_State *L) {
  lua_settop(L, 2);
  data x = getdata(L, 1, "x");
  if (x.n <= x.d) return gbL_error(L, "x needs more rows (%lld) than columns (%d)", (long long)x.n, x.d);
  int corr = optbool(L, 2, "bias_correction", 0);
  int64_t *cols = lua_newuserdatauv(L, sizeof(int64_t) * (size_t)x.d, 0);
  for (int j = 0; j < x.d; j++) cols[j] = j;
  double ld = data_logdet(L, &x, cols, x.d, corr);
  return pushresult(L, 0.5 * ((double)x.d * log(2 * M_PI * M_E) + ld), 2);
}

/* entropy.gaussian_mi_data(x, y [, opts]) */
static int gaussian_mi_data(lua_State *L) {
  lua_settop(L, 3);
  data x = getdata(L, 1, "x"), y = getdata(L, 2, "y");
  if (x.n != y.n) return gbL_error(L, "x and y must have the same number of rows");
  int64_t d = x.d + y.d;
  if (x.n <= d) return gbL_error(L, "more rows than columns are needed");
  int corr = optbool(L, 3, "bias_correction", 0);
  int64_t shape[2] = {x.n, d};
  gb_array *j = gbL_newarray(L, GB_FLOAT64, 2, shape);
  data xy = {(double *)j->data, x.n, (int)d};
  for (int64_t i = 0; i < x.n; i++) {
    memcpy(xy.x + i * d, x.x + i * x.d, sizeof(double) * (size_t)x.d);
    memcpy(xy.x + i * d + x.d, y.x + i * y.d, sizeof(double) * (size_t)y.d);
  }
  int64_t *cols = lua_newuserdatauv(L, sizeof(int64_t) * (size_t)d, 0);
  for (int64_t c = 0; c < d; c++) cols[c] = c;
  double lx = data_logdet(L, &xy, cols, x.d, corr);
  double ly = data_logdet(L, &xy, cols + x.d, y.d, corr);
  double lxy = data_logdet(L, &xy, cols, d, corr);
  return pushresult(L, 0.5 * (lx + ly - lxy), 3);
}

/* entropy.gaussian(cov [, opts]) = log det(2 pi e cov) / 2 */
static int gaussian(lua_State *L) {
  lua_settop(L, 2);
  int64_t d;
  const double *cov = getcov(L, 1, &d);
  int64_t *all = lua_newuserdatauv(L, sizeof(int64_t) * (size_t)d, 0);
  for (int64_t i = 0; i < d; i++) all[i] = i;
  double h = 0.5 * ((double)d * log(2 * M_PI * M_E) + logdet(L, cov, d, all, d));
  return pushresult(L, h, 2);
}

/* 1-based column lists to 0-based */
static int64_t getcols(lua_State *L, int idx, int64_t d, const char *what, int64_t *out) {
  if (lua_isnoneornil(L, idx)) return 0;
  if (lua_type(L, idx) == LUA_TNUMBER) {
    lua_createtable(L, 1, 0);
    lua_pushvalue(L, idx);
    lua_rawseti(L, -2, 1);
    lua_replace(L, idx);
  }
  if (!lua_istable(L, idx)) gbL_error(L, "%s must be a column number or a table of them", what);
  int64_t m = (int64_t)lua_rawlen(L, idx);
  if (m == 0 || m > d) gbL_error(L, "%s must list 1 to %lld columns", what, (long long)d);
  for (int64_t i = 0; i < m; i++) {
    lua_rawgeti(L, idx, i + 1);
    lua_Integer c = lua_tointeger(L, -1);
    if (!lua_isinteger(L, -1) || c < 1 || c > d)
      gbL_error(L, "%s[%lld] must be a column from 1 to %lld", what, (long long)(i + 1), (long long)d);
    lua_pop(L, 1);
    out[i] = c - 1;
  }
  return m;
}

/* entropy.gaussian_mi(cov, xcols, ycols [, zcols [, opts]]) */
static int gaussian_mi(lua_State *L) {
  lua_settop(L, 5);
  int64_t d;
  const double *cov = getcov(L, 1, &d);
  int64_t *buf = lua_newuserdatauv(L, sizeof(int64_t) * (size_t)(4 * d + 4), 0);
  int64_t *xc = buf, *yc = buf + d, *zc = buf + 2 * d, *u = buf + 3 * d;
  int64_t nx = getcols(L, 2, d, "xcols", xc), ny = getcols(L, 3, d, "ycols", yc);
  int64_t nz = getcols(L, 4, d, "zcols", zc);
  if (nx == 0 || ny == 0) return gbL_error(L, "xcols and ycols are required");
  if (nx + ny + nz > d) return gbL_error(L, "the column lists overlap or exceed the matrix");
  /* I = (ld(xz) + ld(yz) - ld(z) - ld(xyz)) / 2, ld of the empty set = 0 */
  memcpy(u, xc, sizeof(int64_t) * (size_t)nx);
  memcpy(u + nx, zc, sizeof(int64_t) * (size_t)nz);
  double lxz = logdet(L, cov, d, u, nx + nz);
  memcpy(u, yc, sizeof(int64_t) * (size_t)ny);
  memcpy(u + ny, zc, sizeof(int64_t) * (size_t)nz);
  double lyz = logdet(L, cov, d, u, ny + nz);
  double lz = nz ? logdet(L, cov, d, zc, nz) : 0;
  memcpy(u, xc, sizeof(int64_t) * (size_t)nx);
  memcpy(u + nx, yc, sizeof(int64_t) * (size_t)ny);
  memcpy(u + nx + ny, zc, sizeof(int64_t) * (size_t)nz);
  double lall = logdet(L, cov, d, u, nx + ny + nz);
  return pushresult(L, 0.5 * (lxz + lyz - lz - lall), 5);
}

/* Divergence between samples ----------------------------------------------------------- */

/* entropy.knn_kl(x, y [, opts]): the Wang-Kulkarni-Verdu estimate of
   D(P || Q) from x ~ P (n x d) and y ~ Q (m x d):
   (d/n) sum log(nu_k(i) / rho_k(i)) + log(m / (n - 1)) */
static int knn_kl(lua_State *L) {
  lua_settop(L, 3);
  data x = getdata(L, 1, "x"), y = getdata(L, 2, "y");
  if (x.d != y.d)
    return gbL_error(L, "x has %d columns but y has %d", x.d, y.d);
  int k = checkk(L, 3, x.n);
  if (k > y.n) return gbL_error(L, "k (%d) must be at most the size of y (%lld)", k, (long long)y.n);
  int norm = optnorm(L, 3);
  prepare(L, 3, &x, 0, 1);
  prepare(L, 3, &y, 0, 2);
  gb_kdtree tx, ty;
  if (gb_kdtree_build(gbL_ctx(L), &tx, x.x, x.n, x.d) != GB_OK) return gbL_error(L, "out of memory");
  if (gb_kdtree_build(gbL_ctx(L), &ty, y.x, y.n, y.d) != GB_OK) {
    gb_kdtree_free(gbL_ctx(L), &tx);
    return gbL_error(L, "out of memory");
  }
  double *term = lua_newuserdatauv(L, sizeof(double) * (size_t)x.n, 0);
  int zero = 0;
#pragma omp parallel for schedule(dynamic, 256) reduction(| : zero)
  for (int64_t i = 0; i < x.n; i++) {
    double a[256], b[256];
    if (k > 256) { zero = 1; continue; }
    gb_kdtree_knn(gbL_ctx(L), &tx, x.x + i * x.d, k, norm, i, a, NULL);
    gb_kdtree_knn(gbL_ctx(L), &ty, x.x + i * x.d, k, norm, -1, b, NULL);
    if (!(a[k - 1] > 0) || !(b[k - 1] > 0)) zero = 1;
    else term[i] = log(b[k - 1] / a[k - 1]);
  }
  gb_kdtree_free(gbL_ctx(L), &tx);
  gb_kdtree_free(gbL_ctx(L), &ty);
  if (zero) return coreerror(L, GB_EINVAL);
  double s = 0;
  for (int64_t i = 0; i < x.n; i++) s += term[i];
  double D = (double)x.d * s / (double)x.n + log((double)y.n / (double)(x.n - 1));
  return pushresult(L, D, 3);
}

/* Mixed continuous and discrete ------------------------------------------------------- */

/*
** entropy.mixed_mi(x, c [, opts]): Ross's (2014) kNN estimate of the
** mutual information between continuous x (n x d) and discrete c (n):
**   psi(n) + <psi(k_i)> - <psi(n_c)> - <psi(m_i)>
** where sample i's class has n_c members, its k_i-th neighbour among them
** (k_i = min(k, n_c - 1)) is at distance eps_i, and m_i counts the samples
** of every class within eps_i, the neighbour included and i itself not
** (max norm).  Samples alone in their class are left out, n counts the
** rest.  This is scikit-learn's mutual_info_classif for continuous x.
*/
static int mixed_mi(lua_State *L) {
  lua_settop(L, 3);
  data x = getdata(L, 1, "x");
  int64_t nc;
  const int64_t *c = int_series(L, 2, "c", &nc);
  if (nc != x.n)
    return gbL_error(L, "x has %lld rows but c has %lld", (long long)x.n, (long long)nc);
  int k = optint(L, 3, "k", 3, 1, 256);
  prepare(L, 3, &x, 1, 1);
  int64_t n = x.n, d = x.d;
  /* the samples sorted by class, those alone in theirs dropped */
  int64_t *order = lua_newuserdatauv(L, sizeof(int64_t) * (size_t)n, 0);
  for (int64_t i = 0; i < n; i++) order[i] = i;
  symbols sym = {c, 1};
  cmp_sym = &sym;
  qsort(order, (size_t)n, sizeof(int64_t), cmp_rows);
  int64_t kept = 0;
  for (int64_t a = 0, b; a < n; a = b) {
    for (b = a; b < n && c[order[b]] == c[order[a]]; b++) {}
    if (b - a > 1)
      for (int64_t r = a; r < b; r++) order[kept++] = order[r];
  }
  if (kept < 2) return gbL_error(L, "no class has two samples");
  double *pts = lua_newuserdatauv(L, sizeof(double) * (size_t)(kept * d), 0);
  for (int64_t r = 0; r < kept; r++)
    memcpy(pts + r * d, x.x + order[r] * d, sizeof(double) * (size_t)d);
  gb_kdtree all;
  if (gb_kdtree_build(gbL_ctx(L), &all, pts, kept, (int)d) != GB_OK) return gbL_error(L, "out of memory");
  double sum = 0;
  int st = GB_OK;
  for (int64_t a = 0, b; a < kept && st == GB_OK; a = b) {
    for (b = a; b < kept && c[order[b]] == c[order[a]]; b++) {}
    int64_t nclass = b - a;
    int kc = nclass - 1 < k ? (int)(nclass - 1) : k;
    gb_kdtree t;
    if (gb_kdtree_build(gbL_ctx(L), &t, pts + a * d, nclass, (int)d) != GB_OK) { st = GB_ENOMEM; break; }
    double part = 0;
#pragma omp parallel for schedule(dynamic, 256) reduction(+ : part)
    for (int64_t r = 0; r < nclass; r++) {
      double dist[256];
      gb_kdtree_knn(gbL_ctx(L), &t, pts + (a + r) * d, kc, GB_NORM_MAX, r, dist, NULL);
      double m = (double)gb_kdtree_count(&all, pts + (a + r) * d, dist[kc - 1], 0, GB_NORM_MAX,
                                         a + r);
      part += gb_digamma((double)kc) - gb_digamma((double)nclass) - gb_digamma(m);
    }
    gb_kdtree_free(gbL_ctx(L), &t);
    sum += part;
  }
  gb_kdtree_free(gbL_ctx(L), &all);
  if (st != GB_OK) return gbL_statuserror(L, NULL, st);
  return pushresult(L, gb_digamma((double)kept) + sum / (double)kept, 3);
}

/* Significance ---------------------------------------------------------------------- */

/* Push rows idx (0-based, n of them) of the array at stack index a. */
static void push_rows(lua_State *L, int a, const int64_t *idx, int64_t n) {
  gb_array *ix = gbL_newarray(L, GB_INT64, 1, &n);
  int64_t *p = (int64_t *)ix->data;
  for (int64_t i = 0; i < n; i++) p[i] = idx[i] + 1;
  lua_gettable(L, a);          /* a[ix]: a copy of those rows */
}

static int cmp_index(const void *a, const void *b) {
  int64_t u = *(const int64_t *)a, v = *(const int64_t *)b;
  return (u > v) - (u < v);
}

/*
** entropy.significance(f, x, y [, opts]) -> table: the value f(x, y), its
** p-value against independence from f(x, y permuted), and a confidence
** interval by subsampling (Politis and Romano 1994): f on half-size
** subsamples drawn without replacement, whose spread about their mean,
** scaled by sqrt(1/2), estimates the spread of f at full size.  (The
** ordinary bootstrap duplicates samples, which ruins nearest-neighbour
** estimators.)
*/
static int significance(lua_State *L) {
  lua_settop(L, 4);
  luaL_checktype(L, 1, LUA_TFUNCTION);
  int permutations = optint(L, 4, "permutations", 200, 0, 1000000);
  int boots = optint(L, 4, "subsamples", 200, 0, 1000000);
  double level = optnumber(L, 4, "level", 0.95);
  if (!(level > 0 && level < 1)) return gbL_error(L, "option level must be in (0, 1), got %g", level);
  double seed = optnumber(L, 4, "seed", 0);
  if (!(seed >= 0) || seed != floor(seed)) return gbL_error(L, "option seed must be a non-negative integer");
  gb_array *xa = gbL_toarray(L, 2, -1), *ya = gbL_toarray(L, 3, -1);
  if (xa->ndim < 1 || ya->ndim < 1 || xa->shape[0] != ya->shape[0])
    return gbL_error(L, "x and y must have the same number of samples (rows)");
  int64_t n = xa->shape[0];
  if (n < 4) return gbL_error(L, "at least 4 samples are needed");
  lua_pushvalue(L, 1);
  lua_pushvalue(L, 2);
  lua_pushvalue(L, 3);
  lua_call(L, 2, 1);
  if (lua_type(L, -1) != LUA_TNUMBER) return gbL_error(L, "f must return a number");
  double value = lua_tonumber(L, -1);
  lua_pop(L, 1);
  gb_rng g;
  gb_rng_seed(&g, (uint64_t)seed);
  int64_t *idx = lua_newuserdatauv(L, sizeof(int64_t) * (size_t)n, 0);
  double *stat = lua_newuserdatauv(L, sizeof(double) * (size_t)(permutations + boots + 1), 0);
  int top = lua_gettop(L);
  int64_t exceed = 0;
  double nullsum = 0;
  for (int r = 0; r < permutations; r++) {
    gb_rand_permutation(gbL_ctx(L), &g, n, idx, 0);
    lua_pushvalue(L, 1);
    lua_pushvalue(L, 2);
    push_rows(L, 3, idx, n);
    lua_call(L, 2, 1);
    double v = lua_tonumber(L, -1);
    lua_settop(L, top);
    exceed += v >= value;
    nullsum += v;
    gbL_checkinterrupt(L);
  }
  int64_t half = n / 2;
  double submean = 0;
  for (int r = 0; r < boots; r++) {
    gb_rand_permutation(gbL_ctx(L), &g, n, idx, 0);
    qsort(idx, (size_t)half, sizeof(int64_t), cmp_index);   /* keep the time order */
    lua_pushvalue(L, 1);
    push_rows(L, 2, idx, half);
    push_rows(L, 3, idx, half);
    lua_call(L, 2, 1);
    stat[r] = lua_tonumber(L, -1);
    submean += stat[r] / boots;
    lua_settop(L, top);
    gbL_checkinterrupt(L);
  }
  lua_createtable(L, 0, 5);
  lua_pushnumber(L, value);
  lua_setfield(L, -2, "value");
  if (permutations > 0) {
    lua_pushnumber(L, (double)(exceed + 1) / (double)(permutations + 1));
    lua_setfield(L, -2, "p");
    lua_pushnumber(L, nullsum / permutations);
    lua_setfield(L, -2, "null_mean");
  }
  if (boots > 0) {
    gb_sort_doubles(stat, boots);
    double a = (1 - level) / 2, scale = sqrt((double)half / (double)n);
    int64_t lo = (int64_t)floor(a * (boots - 1)), hi = (int64_t)ceil((1 - a) * (boots - 1));
    lua_createtable(L, 2, 0);
    lua_pushnumber(L, value + (stat[lo] - submean) * scale);
    lua_rawseti(L, -2, 1);
    lua_pushnumber(L, value + (stat[hi] - submean) * scale);
    lua_rawseti(L, -2, 2);
    lua_setfield(L, -2, "ci");
  }
  return 1;
}

/* Spectral entropies -------------------------------------------------------------------- */

/* Eigenvalues (ascending) of the symmetric d x d matrix a, pushed. */
static double *eigenvalues(lua_State *L, const double *a, int64_t d) {
  int64_t shape[2] = {d, d};
  gb_array *A = gbL_newarray(L, GB_FLOAT64, 2, shape);
  memcpy(A->data, a, sizeof(double) * (size_t)(d * d));
  gb_array *w = gbL_newarray(L, GB_FLOAT64, 1, &d);
  int st = gb_eigh(gbL_ctx(L), w, NULL, A);
  if (st != GB_OK) gbL_error(L, "eigenvalues: %s", gb_strstatus(st));
  return (double *)w->data;
}

/* exp of the Renyi entropy of order q of the weights w (normalised here) */
static double hill_number(const double *w, int64_t n, double q) {
  double s = 0;
  for (int64_t i = 0; i < n; i++) s += w[i] > 0 ? w[i] : 0;
  double *p = malloc(sizeof(double) * (size_t)(n > 0 ? n : 1));
  if (!p) return NAN;
  for (int64_t i = 0; i < n; i++) p[i] = w[i] > 0 ? w[i] / s : 0;
  double h = renyi_of(p, n, q);
  free(p);
  return exp(h);
}

static double optq(lua_State *L, int iopts) {
  double q = optnumber(L, iopts, "q", 1);
  if (!(q >= 0)) gbL_error(L, "option q must be >= 0 (or math.huge), got %g", q);
  return q;
}

/* entropy.vendi(K [, opts]): exp(H_q) of the eigenvalues of K / n, K an
   n x n similarity matrix with unit diagonal */
static int vendi(lua_State *L) {
  lua_settop(L, 2);
  double q = optq(L, 2);
  int64_t n;
  const double *K = getcov(L, 1, &n);
  for (int64_t i = 0; i < n; i++)
    if (fabs(K[i * n + i] - 1) > 1e-9)
      return gbL_error(L, "K[%lld][%lld] is %g: a similarity matrix has 1 on its diagonal",
                       (long long)(i + 1), (long long)(i + 1), K[i * n + i]);
  double *w = eigenvalues(L, K, n);
  lua_pushnumber(L, hill_number(w, n, q));
  return 1;
}

/* entropy.vendi_data(x [, opts]): the Vendi score of the rows of x under
   the cosine kernel (through the d x d matrix when d < n) or a Gaussian
   kernel of width sigma */
static int vendi_data(lua_State *L) {
  lua_settop(L, 2);
  double q = optq(L, 2);
  data x = getdata(L, 1, "x");
  int64_t n = x.n, d = x.d;
  int gauss = 0;
  double sigma = 1;
  if (getopt(L, 2, "kernel") != LUA_TNIL) {
    const char *k = lua_tostring(L, -1);
    if (k && strcmp(k, "gaussian") == 0) gauss = 1;
    else if (!k || strcmp(k, "cosine") != 0)
      gbL_error(L, "option kernel must be \"cosine\" or \"gaussian\"");
  }
  lua_pop(L, 1);
  if (gauss) {
    sigma = optnumber(L, 2, "sigma", 1);
    if (!(sigma > 0) || isinf(sigma)) gbL_error(L, "option sigma must be finite and > 0");
  }
  if (!gauss) {
    for (int64_t i = 0; i < n; i++) {
      double s = 0;
      for (int64_t j = 0; j < d; j++) s += x.x[i * d + j] * x.x[i * d + j];
      if (!(s > 0)) gbL_error(L, "row %lld of x is zero: the cosine kernel needs non-zero rows",
                              (long long)(i + 1));
      s = 1 / sqrt(s);
      for (int64_t j = 0; j < d; j++) x.x[i * d + j] *= s;
    }
  }
  int dual = !gauss && d < n;
  int64_t m = dual ? d : n;
  double *K = lua_newuserdatauv(L, sizeof(double) * (size_t)(m * m), 0);
  if (dual) {                /* X^T X / n has the nonzero eigenvalues of X X^T / n */
    for (int64_t a = 0; a < d; a++)
      for (int64_t b = 0; b <= a; b++) {
        double s = 0;
        for (int64_t i = 0; i < n; i++) s += x.x[i * d + a] * x.x[i * d + b];
        K[a * d + b] = K[b * d + a] = s;
      }
  } else {
    for (int64_t i = 0; i < n; i++)
      for (int64_t j = 0; j <= i; j++) {
        double s = 0;
        for (int64_t c = 0; c < d; c++) {
          double v = gauss ? x.x[i * d + c] - x.x[j * d + c] : x.x[i * d + c] * x.x[j * d + c];
          s += gauss ? v * v : v;
        }
        K[i * n + j] = K[j * n + i] = gauss ? exp(-s / (2 * sigma * sigma)) : s;
      }
  }
  double *w = eigenvalues(L, K, m);
  lua_pushnumber(L, hill_number(w, m, q));
  return 1;
}

/* entropy.diffusion(x [, opts]): diffusion spectral entropy -sum a log a,
   a_i = |mu_i|^t / sum |mu_j|^t over the eigenvalues mu of the diffusion
   operator D^-1 K (computed from the symmetric D^-1/2 K D^-1/2) */
static int diffusion(lua_State *L) {
  lua_settop(L, 2);
  data x = getdata(L, 1, "x");
  double sigma = optnumber(L, 2, "sigma", 1), t = optnumber(L, 2, "t", 1);
  if (!(sigma > 0) || isinf(sigma)) return gbL_error(L, "option sigma must be finite and > 0");
  if (!(t > 0) || isinf(t)) return gbL_error(L, "option t must be finite and > 0");
  int64_t n = x.n, d = x.d;
  double *K = lua_newuserdatauv(L, sizeof(double) * (size_t)(n * n), 0);
  double *deg = lua_newuserdatauv(L, sizeof(double) * (size_t)n, 0);
#pragma omp parallel for schedule(dynamic, 16) if (n > 256)
  for (int64_t i = 0; i < n; i++)
    for (int64_t j = 0; j <= i; j++) {
      double s = 0;
      for (int64_t c = 0; c < d; c++) {
        double v = x.x[i * d + c] - x.x[j * d + c];
        s += v * v;
      }
      K[i * n + j] = K[j * n + i] = exp(-s / (2 * sigma * sigma));
    }
  for (int64_t i = 0; i < n; i++) {
    double s = 0;
    for (int64_t j = 0; j < n; j++) s += K[i * n + j];
    deg[i] = 1 / sqrt(s);
  }
  for (int64_t i = 0; i < n; i++)
    for (int64_t j = 0; j < n; j++) K[i * n + j] *= deg[i] * deg[j];
  double *w = eigenvalues(L, K, n), tot = 0, h = 0;
  for (int64_t i = 0; i < n; i++) tot += (w[i] = pow(fabs(w[i]), t));
  for (int64_t i = 0; i < n; i++) h -= gb_xlogy(w[i] / tot, w[i] / tot);
  return pushresult(L, h, 2);
}

static const luaL_Reg funcs[] = {
  {"knn", knn}, {"knn_renyi", knn_renyi}, {"knn_tsallis", knn_tsallis},
  {"ksg", ksg}, {"ksg_cmi", ksg_cmi},
  {"discrete", discrete}, {"discrete_mi", discrete_mi}, {"discrete_cmi", discrete_cmi},
  {"conditional", conditional}, {"from_counts", from_counts},
  {"shannon", shannon}, {"renyi", renyi}, {"tsallis", tsallis}, {"kl", kl},
  {"cross_entropy", cross_entropy}, {"js", js},
  {"permutation", permutation}, {"spacing", spacing},
  {"histogram", histogram}, {"kde", kde}, {"spectral", spectral},
  {"transfer", transfer}, {"transfer_ksg", transfer_ksg},
  {"active_information", active_information}, {"active_information_ksg", active_information_ksg},
  {"entropy_rate", entropy_rate},
  {"sample_entropy", sample_entropy}, {"approximate_entropy", approximate_entropy},
  {"vendi", vendi}, {"vendi_data", vendi_data}, {"diffusion", diffusion},
  {"complexity", complexity}, {"knn_kl", knn_kl}, {"mixed_mi", mixed_mi},
  {"significance", significance},
  {"gaussian", gaussian}, {"gaussian_mi", gaussian_mi},
  {"gaussian_data", gaussian_data}, {"gaussian_mi_data", gaussian_mi_data},
  {NULL, NULL}
};

int luaopen_entropy(lua_State *L) {
  luaL_newlib(L, funcs);
  return 1;
}
