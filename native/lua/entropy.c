/*
** entropy: estimators of entropy, mutual information and divergences.
** The numerics are in native/core (entropy*.c, see entropy.h); this file
** reads the data and options, checks them, calls the kernel and converts
** units: every result is in nats unless opts.base is given.
*/
#include <math.h>
#include <string.h>

#include "entropy.h"
#include "internal.h"
#include "kdtree.h"

/* Options ------------------------------------------------------------------------ */

/* The unit: nats divided by log(base). */
static double unit(lua_State *L, int idx) {
  double b = gbL_optnum(L, idx, "base", M_E);
  if (!(b > 0) || b == 1 || isinf(b)) gbL_error(L, "option base must be positive and not 1, got %g", b);
  return b == M_E ? 1 : log(b);
}

static int pushresult(lua_State *L, double nats, int iopts) {
  lua_pushnumber(L, nats / unit(L, iopts));
  return 1;
}

/* Whether the options at idx set key. */
static int hasopt(lua_State *L, int idx, const char *key) {
  if (lua_isnoneornil(L, idx)) return 0;
  int set = lua_getfield(L, idx, key) != LUA_TNIL;
  lua_pop(L, 1);
  return set;
}

/* Data ------------------------------------------------------------------------------ */

typedef struct data {
  const double *x;  /* n x d, row-major: the argument's own memory or a pushed copy */
  int64_t n;
  int d;
} data;

/* Samples at idx (a 1-D array of n values, a 2-D n x d array, or tables),
   as float64 rows (copied only when they are not already); rows with NaN
   or infinity are errors.  The kernels never write into them. */
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
  const double *x = (const double *)a->data;
  if (a->dtype != GB_FLOAT64 || !gb_is_c_contiguous(a)) {
    gb_array *c = gbL_newarray(L, GB_FLOAT64, 2, shape);
    gb_array v = *a;
    if (a->ndim == 1) {
      v.ndim = 2;
      v.shape[1] = 1;
      v.strides[1] = 0;
    }
    gb_copy(gbL_ctx(L), c, &v);
    x = (const double *)c->data;
  }
  data out = {x, shape[0], (int)shape[1]};
  for (int64_t i = 0; i < out.n; i++)
    for (int j = 0; j < out.d; j++)
      if (!isfinite(out.x[i * out.d + j]))
        gbL_error(L, "%s has a %s value in row %lld", what,
                  isnan(out.x[i * out.d + j]) ? "NaN" : "infinite", (long long)(i + 1));
  return out;
}

/* The kNN options at iopts (k below n); standardize defaults as given. */
static gb_knn_opts knnopts(lua_State *L, int iopts, int64_t n, int standardize) {
  static const char *const norms[] = {"max", "euclidean", NULL};
  gb_knn_opts o = gb_knn_defaults(standardize);
  o.k = (int)gbL_optint(L, iopts, "k", 3, 1, 100000);
  if (o.k >= n)
    gbL_error(L, "k (%d) must be less than the number of points (%lld)", o.k, (long long)n);
  o.norm = gbL_optenum(L, iopts, "norm", "max", norms) == 1 ? GB_NORM_EUCLIDEAN : GB_NORM_MAX;
  o.algorithm = (int)gbL_optint(L, iopts, "algorithm", 1, 1, 2);
  o.standardize = gbL_optbool(L, iopts, "standardize", standardize);
  o.noise = gbL_optbool(L, iopts, "noise", 1);
  o.seed = (uint64_t)gbL_optint(L, iopts, "seed", 0, 0, (lua_Integer)1 << 53);
  return o;
}

/* A kNN kernel's status: EINVAL means a zero neighbour distance. */
static int knnerror(lua_State *L, int st) {
  if (st == GB_EINVAL)
    return gbL_error(L, "two points coincide, so a neighbour distance is 0 "
                        "(leave the option noise on, or remove duplicates)");
  return gbL_statuserror(L, NULL, st);
}

static void check(lua_State *L, int st) {
  if (st != GB_OK) gbL_statuserror(L, NULL, st);
}

#define KNN_KEYS "k", "norm", "standardize", "noise", "seed", "base"
#define KSG_KEYS "k", "algorithm", "standardize", "noise", "seed", "base"

/* kNN estimators -------------------------------------------------------------- */

/* entropy.knn(x [, opts]) */
static int knn(lua_State *L) {
  static const char *const keys[] = {KNN_KEYS, NULL};
  lua_settop(L, 2);
  gbL_opts(L, 2, keys);
  data s = getdata(L, 1, "x");
  gb_knn_opts o = knnopts(L, 2, s.n, 0);
  double h;
  int st = gb_entropy_knn(gbL_ctx(L), s.x, s.n, s.d, &o, &h);
  if (st != GB_OK) return knnerror(L, st);
  return pushresult(L, h, 2);
}

/* entropy.knn_renyi(x, q [, opts]) and entropy.knn_tsallis(x, q [, opts]);
   Tsallis's entropy is in nats' units only unless q = 1. */
static int knn_q(lua_State *L, int tsallis) {
  static const char *const keys[] = {KNN_KEYS, NULL};
  lua_settop(L, 3);
  gbL_opts(L, 3, keys);
  double q = luaL_checknumber(L, 2);
  data s = getdata(L, 1, "x");
  gb_knn_opts o = knnopts(L, 3, s.n, 0);
  if (!(q >= 0 && q < o.k + 1) || isinf(q))
    return gbL_error(L, "q must be >= 0 and below k + 1 (%d), got %g", o.k + 1, q);
  double h;
  int st = gb_entropy_knn_q(gbL_ctx(L), s.x, s.n, s.d, &o, q, tsallis, &h);
  if (st != GB_OK) return knnerror(L, st);
  if (tsallis && q != 1) {
    lua_pushnumber(L, h);
    return 1;
  }
  return pushresult(L, h, 3);
}
static int knn_renyi(lua_State *L) { return knn_q(L, 0); }
static int knn_tsallis(lua_State *L) { return knn_q(L, 1); }

/* entropy.ksg(x, y [, opts]) and entropy.ksg_cmi(x, y, z [, opts]) */
static int ksg_common(lua_State *L, int cond) {
  static const char *const keys[] = {KSG_KEYS, NULL};
  int iopts = cond ? 4 : 3;
  lua_settop(L, iopts);
  gbL_opts(L, iopts, keys);
  data x = getdata(L, 1, "x"), y = getdata(L, 2, "y"), z = {NULL, 0, 0};
  if (cond) z = getdata(L, 3, "z");
  if (y.n != x.n || (cond && z.n != x.n))
    gbL_error(L, "x, y%s must have the same number of rows (got %lld, %lld%s)", cond ? " and z" : "",
              (long long)x.n, (long long)y.n, cond ? ", ..." : "");
  gb_knn_opts o = knnopts(L, iopts, x.n, 1);
  double mi;
  int st = gb_mi_ksg(gbL_ctx(L), x.x, x.d, y.x, y.d, z.x, z.d, x.n, &o, &mi);
  if (st != GB_OK) return knnerror(L, st);
  return pushresult(L, mi, iopts);
}
static int ksg(lua_State *L) { return ksg_common(L, 0); }
static int ksg_cmi(lua_State *L) { return ksg_common(L, 1); }

/* entropy.knn_kl(x, y [, opts]): D(P || Q) from x ~ P and y ~ Q */
static int knn_kl(lua_State *L) {
  static const char *const keys[] = {KNN_KEYS, NULL};
  lua_settop(L, 3);
  gbL_opts(L, 3, keys);
  data x = getdata(L, 1, "x"), y = getdata(L, 2, "y");
  if (x.d != y.d)
    return gbL_error(L, "x has %d columns but y has %d", x.d, y.d);
  gb_knn_opts o = knnopts(L, 3, x.n, 0);
  if (o.k > y.n) return gbL_error(L, "k (%d) must be at most the size of y (%lld)", o.k, (long long)y.n);
  if (o.k > 256) return gbL_error(L, "k (%d) must be at most 256", o.k);
  double D;
  int st = gb_knn_kl(gbL_ctx(L), x.x, x.n, y.x, y.n, x.d, &o, &D);
  if (st != GB_OK) return knnerror(L, st);
  return pushresult(L, D, 3);
}

/* Discrete ------------------------------------------------------------------------ */

static const char *const methods[] = {"plugin", "miller_madow", "grassberger", "chao_shen",
                                      "jackknife", "nsb", NULL};

static int method(lua_State *L, int iopts) {
  return gbL_optenum(L, iopts, "method", "plugin", methods);
}

/* Join the samples at the given stack indices column-wise into one n x c
   int64 table, pushed; *c gets its width. */
static const int64_t *getsymbols(lua_State *L, const int *idx, int m, const char *const *what,
                                 int64_t *nout, int *cout) {
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
  *cout = c;
  return (const int64_t *)out->data;
}

/* H of the joint symbols of the arguments at idx[0..m) */
static double joint_entropy(lua_State *L, const int *idx, int m, const char *const *what,
                            int meth) {
  int top = lua_gettop(L), c;
  int64_t n;
  const int64_t *s = getsymbols(L, idx, m, what, &n, &c);
  double h;
  check(L, gb_entropy_joint(gbL_ctx(L), s, n, c, meth, &h));
  lua_settop(L, top);
  return h;
}

/* entropy.discrete(x [, opts]) */
static int discrete(lua_State *L) {
  static const char *const keys[] = {"method", "base", NULL};
  lua_settop(L, 2);
  gbL_opts(L, 2, keys);
  int m = method(L, 2);
  static const char *const w[] = {"x"};
  return pushresult(L, joint_entropy(L, (int[]){1}, 1, w, m), 2);
}

/* entropy.discrete_mi(x, y [, opts]) = H(x) + H(y) - H(x, y) */
static int discrete_mi(lua_State *L) {
  static const char *const keys[] = {"method", "base", NULL};
  lua_settop(L, 3);
  gbL_opts(L, 3, keys);
  int m = method(L, 3);
  static const char *const w[] = {"x", "y"};
  double hx = joint_entropy(L, (int[]){1}, 1, w, m);
  double hy = joint_entropy(L, (int[]){2}, 1, w + 1, m);
  double hxy = joint_entropy(L, (int[]){1, 2}, 2, w, m);
  return pushresult(L, hx + hy - hxy, 3);
}

/* entropy.discrete_cmi(x, y, z [, opts]) = H(x,z) + H(y,z) - H(z) - H(x,y,z) */
static int discrete_cmi(lua_State *L) {
  static const char *const keys[] = {"method", "base", NULL};
  lua_settop(L, 4);
  gbL_opts(L, 4, keys);
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
  static const char *const keys[] = {"method", "base", NULL};
  lua_settop(L, 3);
  gbL_opts(L, 3, keys);
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
  static const char *const keys[] = {"method", "alphabet", "base", NULL};
  lua_settop(L, 2);
  gbL_opts(L, 2, keys);
  int m = method(L, 2);
  int64_t n;
  double *c = vector(L, 1, "counts", &n);
  double K = gbL_optnum(L, 2, "alphabet", (double)n);
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
  if (gbL_optbool(L, iopts, "normalize", 0)) {
    for (int64_t i = 0; i < *n; i++) p[i] /= s;
  } else if (fabs(s - 1) > 1e-9) {
    gbL_error(L, "%s sums to %.17g, not 1 (pass {normalize = true} to scale it)", what, s);
  }
  return p;
}

static const char *const prob_keys[] = {"normalize", "base", NULL};

/* entropy.shannon(p [, opts]) */
static int shannon(lua_State *L) {
  lua_settop(L, 2);
  gbL_opts(L, 2, prob_keys);
  int64_t n;
  double *p = probs(L, 1, 2, "p", &n);
  return pushresult(L, gb_shannon(p, n), 2);
}

/* entropy.renyi(p, alpha [, opts]) */
static int renyi(lua_State *L) {
  lua_settop(L, 3);
  gbL_opts(L, 3, prob_keys);
  int64_t n;
  double *p = probs(L, 1, 3, "p", &n);
  double a = luaL_checknumber(L, 2);
  if (!(a >= 0)) return gbL_error(L, "alpha must be >= 0 (or math.huge), got %g", a);
  return pushresult(L, gb_renyi(p, n, a), 3);
}

/* entropy.tsallis(p, q [, opts]): in nats' units only (base does not
   apply) unless q = 1 */
static int tsallis(lua_State *L) {
  lua_settop(L, 3);
  gbL_opts(L, 3, prob_keys);
  int64_t n;
  double *p = probs(L, 1, 3, "p", &n);
  double q = luaL_checknumber(L, 2);
  if (!isfinite(q)) return gbL_error(L, "q must be finite, got %g", q);
  if (q == 1) return pushresult(L, gb_tsallis(p, n, q), 3);
  lua_pushnumber(L, gb_tsallis(p, n, q));
  return 1;
}

static void samelen(lua_State *L, int64_t a, int64_t b) {
  if (a != b) gbL_error(L, "p has %lld entries but q has %lld", (long long)a, (long long)b);
}

/* entropy.kl(p, q [, opts]) = sum p log(p / q) */
static int kl(lua_State *L) {
  lua_settop(L, 3);
  gbL_opts(L, 3, prob_keys);
  int64_t n, m;
  double *p = probs(L, 1, 3, "p", &n), *q = probs(L, 2, 3, "q", &m);
  samelen(L, n, m);
  return pushresult(L, gb_kl(p, q, n), 3);
}

/* entropy.cross_entropy(p, q [, opts]) = -sum p log q */
static int cross_entropy(lua_State *L) {
  lua_settop(L, 3);
  gbL_opts(L, 3, prob_keys);
  int64_t n, m;
  double *p = probs(L, 1, 3, "p", &n), *q = probs(L, 2, 3, "q", &m);
  samelen(L, n, m);
  return pushresult(L, gb_cross_entropy(p, q, n), 3);
}

/* entropy.js(ps [, weights [, opts]]): ps a table of distributions or a
   2-D array with one per row. */
static int js(lua_State *L) {
  lua_settop(L, 3);
  gbL_opts(L, 3, prob_keys);
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
  /* the distributions, checked, as the rows of one k x n block */
  double *block = NULL;
  for (int64_t i = 0; i < k; i++) {
    int top = lua_gettop(L);
    lua_rawgeti(L, 1, i + 1);
    int64_t m;
    double *p = probs(L, top + 1, 3, "ps[i]", &m);
    if (n >= 0 && m != n) return gbL_error(L, "ps[%lld] has %lld entries, ps[1] has %lld",
                                           (long long)(i + 1), (long long)m, (long long)n);
    if (!block) {
      int64_t shape[2] = {k, m};
      n = m;
      block = (double *)gbL_newarray(L, GB_FLOAT64, 2, shape)->data;
      lua_replace(L, top + 1);          /* below this iteration's values */
      top++;
      lua_settop(L, top);
      lua_rawgeti(L, 1, i + 1);
      p = probs(L, top + 1, 3, "ps[i]", &m);
    }
    memcpy(block + i * n, p, sizeof(double) * (size_t)n);
    lua_settop(L, top);
  }
  double d;
  check(L, gb_js(gbL_ctx(L), block, k, n, w, &d));
  return pushresult(L, d, 3);
}

/* Ordinal patterns -------------------------------------------------------------------- */

/* The series at 1 and its order (from minorder to 10) and delay at 2. */
static const double *ordinal_args(lua_State *L, int minorder, int *order, int *delay,
                                  int64_t *n) {
  *order = (int)gbL_optint(L, 2, "order", 3, minorder, 10);
  *delay = (int)gbL_optint(L, 2, "delay", 1, 1, 1 << 30);
  gb_array *a = gbL_checkvector(L, 1, "x");
  const double *x = (const double *)a->data;
  *n = a->size;
  if ((int64_t)(*order - 1) * *delay >= *n)
    gbL_error(L, "x has %lld values, too few for order %d and delay %d (needs more than %lld)",
              (long long)*n, *order, *delay, (long long)(*order - 1) * *delay);
  for (int64_t i = 0; i < *n; i++)
    if (isnan(x[i])) gbL_error(L, "x[%lld] is NaN", (long long)(i + 1));
  return x;
}

/* entropy.permutation(x [, opts]) */
static int permutation(lua_State *L) {
  static const char *const keys[] = {"order", "delay", "normalize", "base", NULL};
  lua_settop(L, 2);
  gbL_opts(L, 2, keys);
  int order, delay, norm = gbL_optbool(L, 2, "normalize", 0);
  int64_t n;
  const double *x = ordinal_args(L, 1, &order, &delay, &n);
  double h;
  check(L, gb_permutation_entropy(gbL_ctx(L), x, n, order, delay, norm, &h));
  if (norm) {
    lua_pushnumber(L, h);
    return 1;
  }
  return pushresult(L, h, 2);
}

/* entropy.complexity(x [, opts]) -> H, C */
static int complexity(lua_State *L) {
  static const char *const keys[] = {"order", "delay", NULL};
  lua_settop(L, 2);
  gbL_opts(L, 2, keys);
  int order, delay;
  int64_t n;
  const double *x = ordinal_args(L, 2, &order, &delay, &n);
  double H, C;
  check(L, gb_complexity(gbL_ctx(L), x, n, order, delay, &H, &C));
  lua_pushnumber(L, H);
  lua_pushnumber(L, C);
  return 2;
}

/* 1-D spacing estimators ------------------------------------------------------------- */

/* entropy.spacing(x [, opts]) */
static int spacing(lua_State *L) {
  static const char *const keys[] = {"method", "window", "base", NULL};
  static const char *const names[] = {"vasicek", "van_es", "ebrahimi", "correa", NULL};
  lua_settop(L, 2);
  gbL_opts(L, 2, keys);
  int meth = gbL_optenum(L, 2, "method", "vasicek", names);
  data s = getdata(L, 1, "x");
  if (s.d != 1) return gbL_error(L, "x must be 1-D (one value per sample)");
  int64_t n = s.n;
  if (n < 2) return gbL_error(L, "x needs at least 2 values");
  double mm = gbL_optnum(L, 2, "window", (double)gb_spacing_window(n));
  if (mm != floor(mm) || mm < 1 || mm >= 0.5 * (double)n)
    return gbL_error(L, "option window must be an integer from 1 to n/2 (%lld values), got %g",
                     (long long)n, mm);
  double h;
  int st = gb_entropy_spacing(gbL_ctx(L), s.x, n, meth, (int64_t)mm, &h);
  if (st == GB_EINVAL)
    return gbL_error(L, "x has repeated values, so a spacing is 0 (add noise or widen the window)");
  check(L, st);
  return pushresult(L, h, 2);
}

/* Histogram and kernel estimators ---------------------------------------------------- */

/* entropy.histogram(x [, opts]): option bins a count or a rule */
static int histogram(lua_State *L) {
  static const char *const keys[] = {"bins", "base", NULL};
  static const char *const rules[] = {"fd", "scott", "sturges", NULL};
  static const int rule_of[] = {GB_BINS_FD, GB_BINS_SCOTT, GB_BINS_STURGES};
  lua_settop(L, 2);
  gbL_opts(L, 2, keys);
  data s = getdata(L, 1, "x");
  if (s.d != 1) return gbL_error(L, "x must be 1-D (one value per sample)");
  int rule = GB_BINS_FD;
  int64_t nbins = 0;
  int t = lua_isnil(L, 2) ? LUA_TNIL : lua_getfield(L, 2, "bins");
  if (t == LUA_TNUMBER) {
    double b = lua_tonumber(L, -1);
    if (b != floor(b) || b < 1 || b > GB_BINS_MAX)
      return gbL_error(L, "option bins must be a positive integer or a rule name, got %g", b);
    nbins = (int64_t)b;
    rule = GB_BINS_COUNT;
  } else if (t == LUA_TSTRING) {
    rule = rule_of[gbL_optenum(L, 2, "bins", "fd", rules)];
  } else if (t != LUA_TNIL) {
    return gbL_error(L, "option bins must be a count or a rule name");
  }
  double h;
  int st = gb_entropy_histogram(gbL_ctx(L), s.x, s.n, rule, nbins, &h);
  if (st == GB_EINVAL) return gbL_error(L, "x is constant: its histogram has no width");
  if (st == GB_EOVERFLOW)
    return gbL_error(L, "the range of x overflows, or its rule asks for more than %d bins",
                     GB_BINS_MAX);
  check(L, st);
  return pushresult(L, h, 2);
}

/* entropy.kde(x [, opts]) */
static int kde(lua_State *L) {
  static const char *const keys[] = {"kernel", "bandwidth", "base", NULL};
  static const char *const kernels[] = {"gaussian", "box", NULL};
  lua_settop(L, 2);
  gbL_opts(L, 2, keys);
  data s = getdata(L, 1, "x");
  int kernel = gbL_optenum(L, 2, "kernel", "gaussian", kernels) ? GB_KDE_BOX : GB_KDE_GAUSSIAN;
  if (s.n <= s.d)
    return gbL_error(L, "x needs more rows (%lld) than columns (%lld)", (long long)s.n, (long long)s.d);
  double factor = NAN;              /* the kernel's default */
  if (hasopt(L, 2, "bandwidth")) {
    factor = gbL_optnum(L, 2, "bandwidth", NAN);
    if (!(factor > 0) || isinf(factor)) return gbL_error(L, "option bandwidth must be finite and > 0");
  }
  double h;
  int st = gb_entropy_kde(gbL_ctx(L), s.x, s.n, s.d, kernel, factor, &h);
  if (st == GB_ENOTPD) return gbL_error(L, "the covariance of x is not positive definite");
  if (st == GB_ESINGULAR) return gbL_error(L, "the covariance of x is singular");
  check(L, st);
  return pushresult(L, h, 2);
}

/* entropy.spectral(x [, opts]) */
static int spectral(lua_State *L) {
  static const char *const keys[] = {"normalize", "base", NULL};
  lua_settop(L, 2);
  gbL_opts(L, 2, keys);
  data s = getdata(L, 1, "x");
  if (s.d != 1) return gbL_error(L, "x must be a 1-D series");
  if (s.n < 2) return gbL_error(L, "x needs at least 2 values");
  int norm = gbL_optbool(L, 2, "normalize", 0);
  double h;
  int st = gb_entropy_spectral(gbL_ctx(L), s.x, s.n, norm, &h);
  if (st == GB_EINVAL) return gbL_error(L, "x is constant: its spectrum is empty");
  check(L, st);
  if (norm) {
    lua_pushnumber(L, h);
    return 1;
  }
  return pushresult(L, h, 2);
}

/* Information dynamics ---------------------------------------------------------------- */

/* The embedding of n-value series by the options at iopts. */
static gb_embedding getembed(lua_State *L, int iopts, int64_t n, int source) {
  gb_embedding e;
  int k = (int)gbL_optint(L, iopts, "history", 1, 1, 64);
  int l = source ? (int)gbL_optint(L, iopts, "source_history", 1, 1, 64) : 0;
  int u = source ? (int)gbL_optint(L, iopts, "lag", 1, 1, 1 << 20) : 1;
  if (gb_embedding_init(&e, n, k, l, u) != GB_OK)
    gbL_error(L, "the series are too short (%lld values) for these histories and lag",
              (long long)n);
  return e;
}

/* A discrete series at idx: an int64 copy, pushed. */
static const int64_t *int_series(lua_State *L, int idx, const char *what, int64_t *n) {
  const char *w[1] = {what};
  int c;
  const int64_t *s = getsymbols(L, (int[]){idx}, 1, w, n, &c);
  if (c != 1) gbL_error(L, "%s must be a 1-D series", what);
  return s;
}

/* entropy.transfer(source, target [, opts]) */
static int transfer(lua_State *L) {
  static const char *const keys[] = {"method", "history", "source_history", "lag", "base", NULL};
  lua_settop(L, 3);
  gbL_opts(L, 3, keys);
  int m = method(L, 3);
  int64_t n, n2;
  const int64_t *y = int_series(L, 1, "source", &n);
  const int64_t *x = int_series(L, 2, "target", &n2);
  if (n != n2)
    return gbL_error(L, "source has %lld values but target has %lld", (long long)n, (long long)n2);
  gb_embedding e = getembed(L, 3, n, 1);
  double te;
  check(L, gb_transfer_discrete(gbL_ctx(L), y, x, n, &e, m, &te));
  return pushresult(L, te, 3);
}

/* entropy.active_information(x [, opts]) and entropy.entropy_rate(x [, opts]) */
static int memory(lua_State *L, int rate) {
  static const char *const keys[] = {"method", "history", "base", NULL};
  lua_settop(L, 2);
  gbL_opts(L, 2, keys);
  int m = method(L, 2);
  int64_t n;
  const int64_t *x = int_series(L, 1, "x", &n);
  gb_embedding e = getembed(L, 2, n, 0);
  double v;
  check(L, rate ? gb_entropy_rate_discrete(gbL_ctx(L), x, n, &e, m, &v)
                : gb_active_information_discrete(gbL_ctx(L), x, n, &e, m, &v));
  return pushresult(L, v, 2);
}
static int active_information(lua_State *L) { return memory(L, 0); }
static int entropy_rate(lua_State *L) { return memory(L, 1); }

/* entropy.transfer_ksg(source, target [, opts]) */
static int transfer_ksg(lua_State *L) {
  static const char *const keys[] = {"history", "source_history", "lag", KSG_KEYS, NULL};
  lua_settop(L, 3);
  gbL_opts(L, 3, keys);
  data y = getdata(L, 1, "source"), x = getdata(L, 2, "target");
  if (x.d != 1 || y.d != 1) return gbL_error(L, "source and target must be 1-D series");
  if (x.n != y.n)
    return gbL_error(L, "source has %lld values but target has %lld", (long long)y.n, (long long)x.n);
  gb_embedding e = getembed(L, 3, x.n, 1);
  gb_knn_opts o = knnopts(L, 3, e.count, 1);
  double te;
  int st = gb_transfer_ksg(gbL_ctx(L), y.x, x.x, x.n, &e, &o, &te);
  if (st != GB_OK) return knnerror(L, st);
  return pushresult(L, te, 3);
}

/* entropy.active_information_ksg(x [, opts]) */
static int active_information_ksg(lua_State *L) {
  static const char *const keys[] = {"history", KSG_KEYS, NULL};
  lua_settop(L, 2);
  gbL_opts(L, 2, keys);
  data x = getdata(L, 1, "x");
  if (x.d != 1) return gbL_error(L, "x must be a 1-D series");
  gb_embedding e = getembed(L, 2, x.n, 0);
  gb_knn_opts o = knnopts(L, 2, e.count, 1);
  double a;
  int st = gb_active_information_ksg(gbL_ctx(L), x.x, x.n, &e, &o, &a);
  if (st != GB_OK) return knnerror(L, st);
  return pushresult(L, a, 2);
}

/* Sample and approximate entropy ------------------------------------------------------ */

static const char *const regularity_keys[] = {"m", "r", "strict", "base", NULL};

/* The series, m, r (NaN: the kernel's default) and strict at 1 and 2. */
static data regularity_args(lua_State *L, int *m, double *r, int *strict) {
  gbL_opts(L, 2, regularity_keys);
  data x = getdata(L, 1, "x");
  if (x.d != 1) gbL_error(L, "x must be a 1-D series");
  *m = (int)gbL_optint(L, 2, "m", 2, 1, 64);
  if (x.n < *m + 2)
    gbL_error(L, "x has %lld values, too few for templates of length %d", (long long)x.n, *m + 1);
  *r = NAN;
  if (hasopt(L, 2, "r")) {
    *r = gbL_optnum(L, 2, "r", 0);
    if (!(*r >= 0) || isinf(*r)) gbL_error(L, "option r must be finite and >= 0, got %g", *r);
  }
  *strict = gbL_optbool(L, 2, "strict", 0);
  return x;
}

/* entropy.sample_entropy(x [, opts]) = -log(A / B) */
static int sample_entropy(lua_State *L) {
  lua_settop(L, 2);
  int m, strict;
  double r, h;
  data x = regularity_args(L, &m, &r, &strict);
  int st = gb_sample_entropy(gbL_ctx(L), x.x, x.n, m, r, strict, &h);
  if (st == GB_EINVAL) return gbL_error(L, "no two templates of length %d match within r", m);
  check(L, st);
  return pushresult(L, h, 2);
}

/* entropy.approximate_entropy(x [, opts]) = Phi_m - Phi_{m+1} */
static int approximate_entropy(lua_State *L) {
  lua_settop(L, 2);
  int m, strict;
  double r, h;
  data x = regularity_args(L, &m, &r, &strict);
  check(L, gb_approximate_entropy(gbL_ctx(L), x.x, x.n, m, r, strict, &h));
  return pushresult(L, h, 2);
}

/* Gaussian ------------------------------------------------------------------------------ */

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

/* A Gaussian kernel's status: ENOTPD named. */
static void gaussian_check(lua_State *L, int st) {
  if (st == GB_ENOTPD) gbL_error(L, "the covariance is not positive definite");
  check(L, st);
}

static const char *const data_keys[] = {"bias_correction", "base", NULL};
static const char *const base_key[] = {"base", NULL};

/* entropy.gaussian_data(x [, opts]) */
static int gaussian_data(lua_State *L) {
  lua_settop(L, 2);
  gbL_opts(L, 2, data_keys);
  data x = getdata(L, 1, "x");
  if (x.n <= x.d) return gbL_error(L, "x needs more rows (%lld) than columns (%d)", (long long)x.n, x.d);
  int corr = gbL_optbool(L, 2, "bias_correction", 0);
  double h;
  gaussian_check(L, gb_gaussian_entropy_data(gbL_ctx(L), x.x, x.n, x.d, corr, &h));
  return pushresult(L, h, 2);
}

/* entropy.gaussian_mi_data(x, y [, opts]) */
static int gaussian_mi_data(lua_State *L) {
  lua_settop(L, 3);
  gbL_opts(L, 3, data_keys);
  data x = getdata(L, 1, "x"), y = getdata(L, 2, "y");
  if (x.n != y.n) return gbL_error(L, "x and y must have the same number of rows");
  if (x.n <= (int64_t)x.d + y.d) return gbL_error(L, "more rows than columns are needed");
  int corr = gbL_optbool(L, 3, "bias_correction", 0);
  double mi;
  gaussian_check(L, gb_gaussian_mi_data(gbL_ctx(L), x.x, x.d, y.x, y.d, x.n, corr, &mi));
  return pushresult(L, mi, 3);
}

/* entropy.gaussian(cov [, opts]) = log det(2 pi e cov) / 2 */
static int gaussian(lua_State *L) {
  lua_settop(L, 2);
  gbL_opts(L, 2, base_key);
  int64_t d;
  const double *cov = getcov(L, 1, &d);
  double h;
  gaussian_check(L, gb_gaussian_entropy(gbL_ctx(L), cov, d, &h));
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
  gbL_opts(L, 5, base_key);
  int64_t d;
  const double *cov = getcov(L, 1, &d);
  int64_t *buf = lua_newuserdatauv(L, sizeof(int64_t) * (size_t)(3 * d + 3), 0);
  int64_t *xc = buf, *yc = buf + d, *zc = buf + 2 * d;
  int64_t nx = getcols(L, 2, d, "xcols", xc), ny = getcols(L, 3, d, "ycols", yc);
  int64_t nz = getcols(L, 4, d, "zcols", zc);
  if (nx == 0 || ny == 0) return gbL_error(L, "xcols and ycols are required");
  if (nx + ny + nz > d) return gbL_error(L, "the column lists overlap or exceed the matrix");
  double mi;
  gaussian_check(L, gb_gaussian_mi(gbL_ctx(L), cov, d, xc, nx, yc, ny, zc, nz, &mi));
  return pushresult(L, mi, 5);
}

/* Mixed continuous and discrete ------------------------------------------------------- */

/* entropy.mixed_mi(x, c [, opts]): continuous x, discrete c */
static int mixed_mi(lua_State *L) {
  static const char *const keys[] = {"k", "standardize", "noise", "seed", "base", NULL};
  lua_settop(L, 3);
  gbL_opts(L, 3, keys);
  data x = getdata(L, 1, "x");
  int64_t nc;
  const int64_t *c = int_series(L, 2, "c", &nc);
  if (nc != x.n)
    return gbL_error(L, "x has %lld rows but c has %lld", (long long)x.n, (long long)nc);
  gb_knn_opts o = gb_knn_defaults(1);
  o.k = (int)gbL_optint(L, 3, "k", 3, 1, 256);
  o.standardize = gbL_optbool(L, 3, "standardize", 1);
  o.noise = gbL_optbool(L, 3, "noise", 1);
  o.seed = (uint64_t)gbL_optint(L, 3, "seed", 0, 0, (lua_Integer)1 << 53);
  double mi;
  int st = gb_mixed_mi(gbL_ctx(L), x.x, x.n, x.d, c, &o, &mi);
  if (st == GB_EINVAL) return gbL_error(L, "no class has two samples");
  check(L, st);
  return pushresult(L, mi, 3);
}

/* Significance ---------------------------------------------------------------------- */

/* Rows of one argument of the statistic: its dtype and shape past the
   first axis, and where the kernel's rows are for the current call. */
typedef struct rowsof {
  int dtype, ndim;
  int64_t shape[GB_MAXDIM];
  size_t rowbytes;
  const void *rows;
} rowsof;

typedef struct statistic {
  gbL_callback cb;
  rowsof x, y;
  int64_t m;
  int notnumber;        /* stack index of the "must return a number" message */
} statistic;

static void push_rows(lua_State *L, const rowsof *r, int64_t m) {
  int64_t shape[GB_MAXDIM];
  memcpy(shape, r->shape, sizeof shape);
  shape[0] = m;
  gb_array *a = gbL_newarray(L, r->dtype, r->ndim, shape);
  if (m > 0 && r->rowbytes > 0) memcpy(a->data, r->rows, (size_t)m * r->rowbytes);
}

/* Under protection: the rows of the call as two fresh arrays. */
static int rows_to_arrays(lua_State *L) {
  statistic *s = lua_touserdata(L, 1);
  push_rows(L, &s->x, s->m);
  push_rows(L, &s->y, s->m);
  return 2;
}

/* The trampoline: f(x rows, y rows) -> *out; a Lua error (or a stop) is
   kept by the callback and comes back as a status. */
static int call_statistic(void *ud, const void *x, const void *y, int64_t m, double *out) {
  statistic *s = ud;
  lua_State *L = s->cb.L;
  s->x.rows = x;
  s->y.rows = y;
  s->m = m;
  lua_pushcfunction(L, rows_to_arrays);
  lua_pushlightuserdata(L, s);
  int rc = lua_pcall(L, 1, 2, 0);
  if (rc != LUA_OK) {
    lua_replace(L, s->cb.err);
    return rc == LUA_ERRMEM ? GB_ENOMEM : GB_ECALLBACK;
  }
  int st = gbL_callback_call(&s->cb, 2, 1);
  if (st != GB_OK) return st;
  int isnum = lua_type(L, -1) == LUA_TNUMBER;
  *out = lua_tonumber(L, -1);
  lua_pop(L, 1);
  if (!isnum) {
    lua_pushvalue(L, s->notnumber);
    lua_replace(L, s->cb.err);
    return GB_ECALLBACK;
  }
  return GB_OK;
}

/* The argument at idx as C-contiguous rows; pushed when copied. */
static rowsof getrows(lua_State *L, int idx) {
  rowsof r;
  gb_array *a = gbL_toarray(L, idx, -1);
  if (a->ndim >= 1 && !gb_is_c_contiguous(a)) {
    gb_array *c = gbL_newlike(L, a, a->dtype);
    gb_copy(gbL_ctx(L), c, a);
    lua_replace(L, idx);
    a = c;
  }
  r.dtype = a->dtype;
  r.ndim = a->ndim;
  memcpy(r.shape, a->shape, sizeof r.shape);
  r.rowbytes = a->ndim >= 1 && a->shape[0] > 0 ? (size_t)(a->size / a->shape[0]) * gb_dtype_size(a->dtype) : 0;
  r.rows = a->data;
  return r;
}

/*
** entropy.significance(f, x, y [, opts]) -> table: the value f(x, y), its
** p-value against independence from f(x, y permuted), and a confidence
** interval by subsampling (gb_significance).
*/
static int significance(lua_State *L) {
  static const char *const keys[] = {"permutations", "subsamples", "level", "seed", NULL};
  lua_settop(L, 4);
  luaL_checktype(L, 1, LUA_TFUNCTION);
  gbL_opts(L, 4, keys);
  gb_significance_opts o = gb_significance_defaults();
  o.permutations = (int)gbL_optint(L, 4, "permutations", 200, 0, 1000000);
  o.subsamples = (int)gbL_optint(L, 4, "subsamples", 200, 0, 1000000);
  o.level = gbL_optnum(L, 4, "level", 0.95);
  if (!(o.level > 0 && o.level < 1)) return gbL_error(L, "option level must be in (0, 1), got %g", o.level);
  o.seed = (uint64_t)gbL_optint(L, 4, "seed", 0, 0, LUA_MAXINTEGER);
  statistic s;
  s.x = getrows(L, 2);
  s.y = getrows(L, 3);
  if (s.x.ndim < 1 || s.y.ndim < 1 || s.x.shape[0] != s.y.shape[0])
    return gbL_error(L, "x and y must have the same number of samples (rows)");
  int64_t n = s.x.shape[0];
  if (n < 4) return gbL_error(L, "at least 4 samples are needed");
  lua_pushliteral(L, "entropy.significance: f must return a number");
  s.notnumber = lua_gettop(L);
  gbL_callback_init(L, &s.cb, 1);
  gb_significance_result r;
  int st = gb_significance(gbL_ctx(L), s.x.rows, s.x.rowbytes, s.y.rows, s.y.rowbytes, n,
                           call_statistic, &s, &o, &r);
  if (st != GB_OK) return gbL_callback_fail(&s.cb, NULL, st);
  lua_createtable(L, 0, 5);
  lua_pushnumber(L, r.value);
  lua_setfield(L, -2, "value");
  if (o.permutations > 0) {
    lua_pushnumber(L, r.p);
    lua_setfield(L, -2, "p");
    lua_pushnumber(L, r.null_mean);
    lua_setfield(L, -2, "null_mean");
  }
  if (o.subsamples > 0) {
    lua_createtable(L, 2, 0);
    lua_pushnumber(L, r.lo);
    lua_rawseti(L, -2, 1);
    lua_pushnumber(L, r.hi);
    lua_rawseti(L, -2, 2);
    lua_setfield(L, -2, "ci");
  }
  return 1;
}

/* Spectral entropies -------------------------------------------------------------------- */

static double optq(lua_State *L, int iopts) {
  double q = gbL_optnum(L, iopts, "q", 1);
  if (!(q >= 0)) gbL_error(L, "option q must be >= 0 (or math.huge), got %g", q);
  return q;
}

/* entropy.vendi(K [, opts]): K an n x n similarity matrix with unit diagonal */
static int vendi(lua_State *L) {
  static const char *const keys[] = {"q", NULL};
  lua_settop(L, 2);
  gbL_opts(L, 2, keys);
  double q = optq(L, 2);
  int64_t n;
  const double *K = getcov(L, 1, &n);
  for (int64_t i = 0; i < n; i++)
    if (fabs(K[i * n + i] - 1) > 1e-9)
      return gbL_error(L, "K[%lld][%lld] is %g: a similarity matrix has 1 on its diagonal",
                       (long long)(i + 1), (long long)(i + 1), K[i * n + i]);
  double v;
  check(L, gb_vendi(gbL_ctx(L), K, n, q, &v));
  lua_pushnumber(L, v);
  return 1;
}

/* entropy.vendi_data(x [, opts]): cosine or Gaussian kernel */
static int vendi_data(lua_State *L) {
  static const char *const keys[] = {"q", "kernel", "sigma", NULL};
  static const char *const kernels[] = {"cosine", "gaussian", NULL};
  lua_settop(L, 2);
  gbL_opts(L, 2, keys);
  double q = optq(L, 2);
  data x = getdata(L, 1, "x");
  int gauss = gbL_optenum(L, 2, "kernel", "cosine", kernels) == 1;
  double sigma = 1;
  if (gauss) {
    sigma = gbL_optnum(L, 2, "sigma", 1);
    if (!(sigma > 0) || isinf(sigma)) gbL_error(L, "option sigma must be finite and > 0");
  }
  double v;
  int st = gb_vendi_data(gbL_ctx(L), x.x, x.n, x.d, gauss ? GB_VENDI_GAUSSIAN : GB_VENDI_COSINE,
                         sigma, q, &v);
  if (st == GB_EINVAL) return gbL_error(L, "a row of x is zero: the cosine kernel needs non-zero rows");
  check(L, st);
  lua_pushnumber(L, v);
  return 1;
}

/* entropy.diffusion(x [, opts]): diffusion spectral entropy */
static int diffusion(lua_State *L) {
  static const char *const keys[] = {"sigma", "t", "base", NULL};
  lua_settop(L, 2);
  gbL_opts(L, 2, keys);
  data x = getdata(L, 1, "x");
  double sigma = gbL_optnum(L, 2, "sigma", 1), t = gbL_optnum(L, 2, "t", 1);
  if (!(sigma > 0) || isinf(sigma)) return gbL_error(L, "option sigma must be finite and > 0");
  if (!(t > 0) || isinf(t)) return gbL_error(L, "option t must be finite and > 0");
  double h;
  check(L, gb_diffusion_entropy(gbL_ctx(L), x.x, x.n, x.d, sigma, t, &h));
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
