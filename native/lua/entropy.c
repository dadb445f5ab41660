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
#include "internal.h"
#include "kdtree.h"
#include "rng.h"
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
  gb_copy(c, &v);
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

static int coreerror(lua_State *L, int st) {
  if (st == GB_EINVAL)
    return gbL_error(L, "two points coincide, so a neighbour distance is 0 "
                        "(leave the option noise on, or remove duplicates)");
  return gbL_error(L, "%s", gb_strstatus(st));
}

/* entropy.knn(x [, opts]) */
static int knn(lua_State *L) {
  lua_settop(L, 2);
  data s = getdata(L, 1, "x");
  int k = checkk(L, 2, s.n);
  int norm = GB_NORM_MAX;
  if (getopt(L, 2, "norm") != LUA_TNIL) {
    const char *nm = lua_tostring(L, -1);
    if (nm && strcmp(nm, "euclidean") == 0) norm = GB_NORM_EUCLIDEAN;
    else if (!nm || strcmp(nm, "max") != 0)
      gbL_error(L, "option norm must be \"max\" or \"euclidean\"");
  }
  lua_pop(L, 1);
  prepare(L, 2, &s, 0, 0);
  double h;
  int st = gb_knn_entropy(s.x, s.n, s.d, k, norm, &h);
  if (st != GB_OK) return coreerror(L, st);
  return pushresult(L, h, 2);
}

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
  if (cond && alg != 1) gbL_error(L, "the conditional estimator has algorithm 1 only");
  prepare(L, iopts, &x, 1, 1);
  prepare(L, iopts, &y, 1, 2);
  if (cond) prepare(L, iopts, &z, 1, 3);
  double mi;
  int st = gb_ksg(x.x, x.d, y.x, y.d, z.x, z.d, x.n, k, alg, &mi);
  if (st != GB_OK) return coreerror(L, st);
  return pushresult(L, mi, iopts);
}
static int ksg(lua_State *L) { return ksg_common(L, 0); }
static int ksg_cmi(lua_State *L) { return ksg_common(L, 1); }

/* Discrete ------------------------------------------------------------------------ */

static int method(lua_State *L, int iopts) {
  static const char *const names[] = {"plugin", "miller_madow", "grassberger", "chao_shen",
                                      "jackknife", NULL};
  int m = GB_H_PLUGIN;
  if (getopt(L, iopts, "method") != LUA_TNIL) {
    const char *s = lua_tostring(L, -1);
    for (m = 0; names[m] && (!s || strcmp(names[m], s) != 0); m++) {}
    if (!names[m])
      gbL_error(L, "option method must be one of plugin, miller_madow, grassberger, "
                   "chao_shen, jackknife");
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
    gb_copy(&dst, &v);
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
  double h = gb_entropy_counts(counts, k, meth);
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
  if (lua_isnoneornil(L, idx)) gbL_error(L, "%s is missing", what);
  if (!gbL_testarray(L, idx) && lua_type(L, idx) != LUA_TTABLE)
    gbL_error(L, "%s must be an array or a table of numbers, got %s", what, luaL_typename(L, idx));
  gb_array *a = gbL_toarray(L, idx, GB_FLOAT64);
  if (a->ndim != 1) gbL_error(L, "%s must be 1-D, got %d dimensions", what, a->ndim);
  if (a->size == 0) gbL_error(L, "%s is empty", what);
  gb_array *c = gbL_newlike(L, a, GB_FLOAT64);
  gb_copy(c, a);
  double *v = (double *)c->data;
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
  double h = gb_entropy_counts(c, n, m);
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
      gb_copy(c, &v);
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

/* entropy.permutation(x [, opts]) */
static int permutation(lua_State *L) {
  lua_settop(L, 2);
  int order = optint(L, 2, "order", 3, 1, 10);
  int delay = optint(L, 2, "delay", 1, 1, 1 << 30);
  int norm = optbool(L, 2, "normalize", 0);
  int64_t n;
  gb_array *a = gbL_testarray(L, 1);
  if (!a && lua_type(L, 1) != LUA_TTABLE)
    return gbL_error(L, "x must be an array or a table of numbers, got %s", luaL_typename(L, 1));
  a = gbL_toarray(L, 1, GB_FLOAT64);
  if (a->ndim != 1) return gbL_error(L, "x must be 1-D, got %d dimensions", a->ndim);
  n = a->size;
  if ((int64_t)(order - 1) * delay >= n)
    return gbL_error(L, "x has %lld values, too few for order %d and delay %d (needs more than %lld)",
                     (long long)n, order, delay, (long long)(order - 1) * delay);
  gb_array *c = gbL_newlike(L, a, GB_FLOAT64);
  gb_copy(c, a);
  const double *x = (const double *)c->data;
  for (int64_t i = 0; i < n; i++)
    if (isnan(x[i])) return gbL_error(L, "x[%lld] is NaN", (long long)(i + 1));
  int64_t nf = 1;
  for (int i = 2; i <= order; i++) nf *= i;
  double *counts = lua_newuserdatauv(L, sizeof(double) * (size_t)nf, 0);
  int st = gb_ordinal_patterns(x, n, order, delay, counts);
  if (st != GB_OK) return gbL_error(L, "%s", gb_strstatus(st));
  double h = gb_entropy_counts(counts, nf, GB_H_PLUGIN);
  if (norm) {
    lua_pushnumber(L, order > 1 ? h / log((double)nf) : 0);
    return 1;
  }
  return pushresult(L, h, 2);
}

/* 1-D spacing estimators ------------------------------------------------------------- */

static int cmp_double(const void *a, const void *b) {
  double u = *(const double *)a, v = *(const double *)b;
  return (u > v) - (u < v);
}

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
  qsort(x, (size_t)n, sizeof(double), cmp_double);
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

/* Gaussian ------------------------------------------------------------------------------ */

/* log det of the symmetric positive definite submatrix of cov (d x d) on
   the given 0-based columns */
static double logdet(lua_State *L, const double *cov, int64_t d, const int64_t *cols, int64_t m) {
  double *a = malloc(sizeof(double) * (size_t)(m * m));
  if (!a) gbL_error(L, "%s", gb_strstatus(GB_ENOMEM));
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
  gb_copy(c, a);
  *d = a->shape[0];
  const double *v = (const double *)c->data;
  for (int64_t i = 0; i < *d; i++)
    for (int64_t j = 0; j < *d; j++)
      if (!isfinite(v[i * *d + j]) || v[i * *d + j] != v[j * *d + i])
        gbL_error(L, "cov must be finite and symmetric (entry %lld, %lld)", (long long)(i + 1),
                  (long long)(j + 1));
  return v;
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

static const luaL_Reg funcs[] = {
  {"knn", knn}, {"ksg", ksg}, {"ksg_cmi", ksg_cmi},
  {"discrete", discrete}, {"discrete_mi", discrete_mi}, {"discrete_cmi", discrete_cmi},
  {"conditional", conditional}, {"from_counts", from_counts},
  {"shannon", shannon}, {"renyi", renyi}, {"tsallis", tsallis}, {"kl", kl},
  {"cross_entropy", cross_entropy}, {"js", js},
  {"permutation", permutation}, {"spacing", spacing},
  {"gaussian", gaussian}, {"gaussian_mi", gaussian_mi},
  {NULL, NULL}
};

int luaopen_entropy(lua_State *L) {
  luaL_newlib(L, funcs);
  return 1;
}
