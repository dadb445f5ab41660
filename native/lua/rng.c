/*
** Module rng: random number generators and distributions.
**
**   local g = rng.new(seed)     a generator (xoshiro256++, see core/rng.h)
**   g:normal(mean, std, shape)  ...  every method draws from g
**   rng.normal(...)  ...        the same functions on the default generator
**
** A generator is a userdata "gibbs.rng" holding a gb_rng.  Methods are
** closures in the metatable's __index whose upvalue is the metatable; the
** module functions are closures whose upvalue is the default generator, so
** neither path looks anything up beyond its own arguments.  Other bindings that draw numbers
** find the default generator in the registry under GBL_RNG_DEFAULT.
**
** Arguments follow NumPy's Generator: the distribution's parameters first,
** then the shape, then an options table ({dtype = "float32"}).  Draws
** without a shape return a Lua number (an integer for integer-valued
** distributions); with a shape (an integer or a table), a float64, float32
** or int64 array filled in C order from one stream.
*/
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "internal.h"
#include "distributions.h"
#include "rng.h"

/* Errors ------------------------------------------------------------------ */

static int status_error(lua_State *L, int st) {
  return gbL_statuserror(L, NULL, st);
}

/* Arguments ------------------------------------------------------------------ */

/* Methods have the generator metatable as upvalue 1: comparing with it
   is cheaper than luaL_testudata's lookup in the registry. */
static gb_rng *checkself(lua_State *L) {
  gb_rng *g = lua_touserdata(L, 1);
  if (g && lua_getmetatable(L, 1)) {
    int same = lua_rawequal(L, -1, lua_upvalueindex(1));
    lua_pop(L, 1);
    if (same) return g;
  }
  gbL_error(L, "generator expected as self, got %s (call it as g:name(...))",
            luaL_typename(L, 1));
  return NULL;
}

static gb_rng *defgen(lua_State *L) {
  return lua_touserdata(L, lua_upvalueindex(1));
}

static double checknum(lua_State *L, int idx, const char *what) {
  if (lua_type(L, idx) != LUA_TNUMBER)
    gbL_error(L, "%s must be a number, got %s", what, luaL_typename(L, idx));
  return lua_tonumber(L, idx);
}

static double optnum(lua_State *L, int idx, const char *what, double def) {
  return lua_isnoneornil(L, idx) ? def : checknum(L, idx, what);
}

/* An integer, or a float with an integral value. */
static int64_t checkint(lua_State *L, int idx, const char *what) {
  int ok;
  lua_Integer v = lua_tointegerx(L, idx, &ok);
  if (!ok) {
    if (lua_type(L, idx) == LUA_TNUMBER)
      gbL_error(L, "%s must be an integer, got %g", what, (double)lua_tonumber(L, idx));
    gbL_error(L, "%s must be an integer, got %s", what, luaL_typename(L, idx));
  }
  return (int64_t)v;
}

static double checkfinite(lua_State *L, double v, const char *what) {
  if (!isfinite(v)) gbL_error(L, "%s must be finite, got %g", what, v);
  return v;
}

/* A scale-like parameter: finite and >= 0. */
static double checkscale(lua_State *L, double v, const char *what) {
  if (!(v >= 0) || !isfinite(v)) gbL_error(L, "%s must be finite and >= 0, got %g", what, v);
  return v;
}

static double checkpositive(lua_State *L, double v, const char *what) {
  if (!(v > 0) || !isfinite(v)) gbL_error(L, "%s must be finite and > 0, got %g", what, v);
  return v;
}

/* The optional shape at idx: -1 when absent (nil), else ndim. */
static int optshape(lua_State *L, int idx, int64_t *shape) {
  int t = lua_type(L, idx);
  if (t == LUA_TNONE || t == LUA_TNIL) return -1;
  if (t == LUA_TNUMBER) {
    shape[0] = checkint(L, idx, "shape");
    if (shape[0] < 0) gbL_error(L, "shape must not be negative, got %lld", (long long)shape[0]);
    return 1;
  }
  if (t != LUA_TTABLE || gbL_testarray(L, idx))
    gbL_error(L, "shape must be an integer or a table of integers, got %s", luaL_typename(L, idx));
  lua_Integer n = (lua_Integer)lua_rawlen(L, idx);
  if (n > GB_MAXDIM) gbL_error(L, "shape has %d dimensions, at most %d allowed", (int)n, GB_MAXDIM);
  for (lua_Integer i = 1; i <= n; i++) {
    int ok;
    lua_rawgeti(L, idx, i);
    lua_Integer v = lua_tointegerx(L, -1, &ok);
    if (!ok || lua_type(L, -1) != LUA_TNUMBER)
      gbL_error(L, "shape[%d] must be an integer, got %s", (int)i,
                lua_type(L, -1) == LUA_TNUMBER ? "a float" : luaL_typename(L, -1));
    if (v < 0) gbL_error(L, "shape[%d] must not be negative, got %lld", (int)i, (long long)v);
    shape[i - 1] = (int64_t)v;
    lua_pop(L, 1);
  }
  return (int)n;
}

/*
** Ask for transparent huge pages on a large buffer that is about to be
** written for the first time (as NumPy does): a fresh 80 MB array otherwise
** costs 20000 page faults, which take longer than filling it.
*/
static void hugepages(char *p, size_t n) {
#ifdef MADV_HUGEPAGE
  if (n < ((size_t)4 << 20)) return;
  uintptr_t a = ((uintptr_t)p + 4095) & ~(uintptr_t)4095;
  uintptr_t e = ((uintptr_t)p + n) & ~(uintptr_t)4095;
  if (e > a) madvise((void *)a, e - a, MADV_HUGEPAGE);
#else
  (void)p; (void)n;
#endif
}

/* Push a new C-contiguous array, with a named error if it is too large. */
static gb_array *newresult(lua_State *L, int dtype, int nd, const int64_t *shape) {
  gb_array h;
  size_t nbytes;
  if (gb_array_init(&h, dtype, nd, shape, &nbytes) != GB_OK) {
    char buf[256];
    gb_format_shape(buf, sizeof buf, nd, shape);
    gbL_error(L, "an array of shape %s is too large", buf);
  }
  gb_array *a = gbL_newarray(L, dtype, nd, shape);
  hugepages(a->data, nbytes);
  return a;
}

/* shape followed by one more axis of length d. */
static int appendaxis(lua_State *L, int nd, int64_t *shape, int64_t d) {
  if (nd < 0) nd = 0;
  if (nd >= GB_MAXDIM) gbL_error(L, "shape has too many dimensions");
  shape[nd] = d;
  return nd + 1;
}

/*
** Check weights (non-negative, finite, positive sum), or turn log-weights
** into weights in place.
*/
static void checkweights(lua_State *L, double *w, int64_t k, const char *what, int logs) {
  double total = 0;
  if (k == 0) gbL_error(L, "%s must not be empty", what);
  for (int64_t i = 0; i < k; i++) {
    if (w[i] != w[i]) gbL_error(L, "%s[%lld] is NaN", what, (long long)(i + 1));
    if (logs) {
      if (w[i] == HUGE_VAL) gbL_error(L, "%s[%lld] is +inf", what, (long long)(i + 1));
      continue;
    }
    if (w[i] < 0) gbL_error(L, "%s[%lld] is negative (%g)", what, (long long)(i + 1), w[i]);
    if (w[i] == HUGE_VAL) gbL_error(L, "%s[%lld] is infinite", what, (long long)(i + 1));
    total += w[i];
  }
  if (logs) {
    gb_weights_from_log(w, k, w);
    for (int64_t i = 0; i < k; i++) total += w[i];
    if (!(total > 0)) gbL_error(L, "%s: every log-weight is -inf", what);
    return;
  }
  if (!(total > 0)) gbL_error(L, "%s sums to zero", what);
  if (total == HUGE_VAL) gbL_error(L, "%s sums to infinity", what);
}

/* Distributions with scalar parameters --------------------------------------------- */

/* Is the value at idx an options table rather than a shape?  A shape table
   is a sequence; options have the key dtype. */
static int isopts(lua_State *L, int idx) {
  if (lua_type(L, idx) != LUA_TTABLE || gbL_testarray(L, idx)) return 0;
  int has = lua_getfield(L, idx, "dtype") != LUA_TNIL;
  lua_pop(L, 1);
  return has;
}

/* The dtype of a draw from the options at idx: "float64" (default) or
   "float32" for continuous distributions, int64 for integer ones. */
static int drawdtype(lua_State *L, int idx, int isint) {
  static const char *const known[] = {"dtype", NULL};
  static const char *const names[] = {"float64", "float32", NULL};
  if (!gbL_opts(L, idx, known)) return isint ? GB_INT64 : GB_FLOAT64;
  if (isint) {
    const char *d = gbL_optstr(L, idx, "dtype", "int64");
    if (strcmp(d, "int64") != 0)
      gbL_error(L, "option dtype must be 'int64' for an integer distribution, got '%s'", d);
    return GB_INT64;
  }
  return gbL_optenum(L, idx, "dtype", "float64", names) == 1 ? GB_FLOAT32 : GB_FLOAT64;
}

/*
** One draw (no shape at shapeidx) or an array of them, NumPy's order: the
** parameters, then the shape, then an options table {dtype = ...} (which
** may also stand in the shape's place).
*/
static int draw(lua_State *L, gb_rng *g, int dist, const double *par, int shapeidx) {
  int64_t shape[GB_MAXDIM];
  int isint = gb_dist_is_integer(dist);
  int nd, st;
  if (isopts(L, shapeidx)) {
    nd = -1;
    if (!lua_isnoneornil(L, shapeidx + 1))
      gbL_error(L, "nothing may follow the options table (argument #%d)", shapeidx + 1);
  } else {
    nd = optshape(L, shapeidx, shape);
    shapeidx++;
  }
  int dtype = drawdtype(L, shapeidx, isint);
  if (nd < 0) {
    if (isint) {
      int64_t v;
      st = gb_rand_fill(gbL_ctx(L), g, dist, par, &v, 1);
      lua_pushinteger(L, (lua_Integer)v);
    } else if (dtype == GB_FLOAT32) {
      float v;
      st = gb_rand_fill_float(gbL_ctx(L), g, dist, par, &v, 1);
      lua_pushnumber(L, v);
    } else {
      double v;
      st = gb_rand_fill(gbL_ctx(L), g, dist, par, &v, 1);
      lua_pushnumber(L, v);
    }
  } else {
    gb_array *a = newresult(L, dtype, nd, shape);
    st = dtype == GB_FLOAT32 ? gb_rand_fill_float(gbL_ctx(L), g, dist, par, (float *)a->data, a->size)
                             : gb_rand_fill(gbL_ctx(L), g, dist, par, a->data, a->size);
  }
  if (st != GB_OK) status_error(L, st);
  return 1;
}

/* g:uniform([lo [, hi [, shape [, opts]]]]) */
static int uniform_impl(lua_State *L, gb_rng *g, int a) {
  double par[2];
  par[0] = checkfinite(L, optnum(L, a, "lo", 0), "lo");
  par[1] = checkfinite(L, optnum(L, a + 1, "hi", 1), "hi");
  if (par[0] > par[1]) gbL_error(L, "lo (%g) must not exceed hi (%g)", par[0], par[1]);
  if (!isfinite(par[1] - par[0])) gbL_error(L, "the range [%g, %g) is too wide", par[0], par[1]);
  return draw(L, g, GB_D_UNIFORM, par, a + 2);
}

/* g:random([shape [, opts]]): uniform on [0, 1) */
static int random_impl(lua_State *L, gb_rng *g, int a) {
  double par[2] = {0, 1};
  return draw(L, g, GB_D_UNIFORM, par, a);
}

/* g:normal([mean [, std [, shape [, opts]]]]) */
static int normal_impl(lua_State *L, gb_rng *g, int a) {
  double par[2];
  par[0] = checkfinite(L, optnum(L, a, "mean", 0), "mean");
  par[1] = checkscale(L, optnum(L, a + 1, "std", 1), "std");
  return draw(L, g, GB_D_NORMAL, par, a + 2);
}

/* g:standard_normal([shape [, opts]]) */
static int standard_normal_impl(lua_State *L, gb_rng *g, int a) {
  double par[2] = {0, 1};
  return draw(L, g, GB_D_NORMAL, par, a);
}

/* g:exponential([scale [, shape [, opts]]]) */
static int exponential_impl(lua_State *L, gb_rng *g, int a) {
  double par[2] = {0, 0};
  par[0] = checkscale(L, optnum(L, a, "scale", 1), "scale");
  return draw(L, g, GB_D_EXPONENTIAL, par, a + 1);
}

/* g:lognormal([mean [, sigma [, shape [, opts]]]]) */
static int lognormal_impl(lua_State *L, gb_rng *g, int a) {
  double par[2];
  par[0] = checkfinite(L, optnum(L, a, "mean", 0), "mean");
  par[1] = checkscale(L, optnum(L, a + 1, "sigma", 1), "sigma");
  return draw(L, g, GB_D_LOGNORMAL, par, a + 2);
}

/* g:laplace([loc [, scale [, shape [, opts]]]]) */
static int laplace_impl(lua_State *L, gb_rng *g, int a) {
  double par[2];
  par[0] = checkfinite(L, optnum(L, a, "loc", 0), "loc");
  par[1] = checkscale(L, optnum(L, a + 1, "scale", 1), "scale");
  return draw(L, g, GB_D_LAPLACE, par, a + 2);
}

/* g:gumbel([loc [, scale [, shape [, opts]]]]) */
static int gumbel_impl(lua_State *L, gb_rng *g, int a) {
  double par[2];
  par[0] = checkfinite(L, optnum(L, a, "loc", 0), "loc");
  par[1] = checkscale(L, optnum(L, a + 1, "scale", 1), "scale");
  return draw(L, g, GB_D_GUMBEL, par, a + 2);
}

/* g:weibull(a [, shape [, opts]]) */
static int weibull_impl(lua_State *L, gb_rng *g, int a) {
  double par[2] = {0, 0};
  par[0] = checkscale(L, checknum(L, a, "a"), "a");
  return draw(L, g, GB_D_WEIBULL, par, a + 1);
}

/* g:pareto(a [, shape [, opts]]) */
static int pareto_impl(lua_State *L, gb_rng *g, int a) {
  double par[2] = {0, 0};
  par[0] = checkpositive(L, checknum(L, a, "a"), "a");
  return draw(L, g, GB_D_PARETO, par, a + 1);
}

/* g:f(dfnum, dfden [, shape [, opts]]) */
static int f_impl(lua_State *L, gb_rng *g, int a) {
  double par[2];
  par[0] = checkpositive(L, checknum(L, a, "dfnum"), "dfnum");
  par[1] = checkpositive(L, checknum(L, a + 1, "dfden"), "dfden");
  return draw(L, g, GB_D_F, par, a + 2);
}

/* g:vonmises(mu, kappa [, shape [, opts]]) */
static int vonmises_impl(lua_State *L, gb_rng *g, int a) {
  double par[2];
  par[0] = checkfinite(L, checknum(L, a, "mu"), "mu");
  par[1] = checkscale(L, checknum(L, a + 1, "kappa"), "kappa");
  return draw(L, g, GB_D_VONMISES, par, a + 2);
}

/* g:zipf(a [, shape]) */
static int zipf_impl(lua_State *L, gb_rng *g, int a) {
  double par[2] = {0, 0};
  par[0] = checknum(L, a, "a");
  if (!(par[0] > 1) || !isfinite(par[0])) gbL_error(L, "a must be finite and > 1, got %g", par[0]);
  return draw(L, g, GB_D_ZIPF, par, a + 1);
}

/* g:standard_cauchy([shape [, opts]]) */
static int standard_cauchy_impl(lua_State *L, gb_rng *g, int a) {
  double par[2] = {0, 0};
  return draw(L, g, GB_D_CAUCHY, par, a);
}

/* g:gamma(k [, scale [, shape]]) */
static int gamma_impl(lua_State *L, gb_rng *g, int a) {
  double par[2];
  par[0] = checknum(L, a, "k");
  if (!(par[0] >= 0) || !isfinite(par[0])) gbL_error(L, "k must be finite and >= 0, got %g", par[0]);
  par[1] = checkscale(L, optnum(L, a + 1, "scale", 1), "scale");
  return draw(L, g, GB_D_GAMMA, par, a + 2);
}

/* g:beta(a, b [, shape]) */
static int beta_impl(lua_State *L, gb_rng *g, int a) {
  double par[2];
  par[0] = checkpositive(L, checknum(L, a, "a"), "a");
  par[1] = checkpositive(L, checknum(L, a + 1, "b"), "b");
  return draw(L, g, GB_D_BETA, par, a + 2);
}

/* g:chisquare(df [, shape]) */
static int chisquare_impl(lua_State *L, gb_rng *g, int a) {
  double par[2] = {0, 0};
  par[0] = checkpositive(L, checknum(L, a, "df"), "df");
  return draw(L, g, GB_D_CHISQUARE, par, a + 1);
}

/* g:standard_t(df [, shape]) */
static int standard_t_impl(lua_State *L, gb_rng *g, int a) {
  double par[2] = {0, 0};
  par[0] = checkpositive(L, checknum(L, a, "df"), "df");
  return draw(L, g, GB_D_T, par, a + 1);
}

/* g:poisson(lam [, shape]) */
static int poisson_impl(lua_State *L, gb_rng *g, int a) {
  double par[2] = {0, 0};
  par[0] = checknum(L, a, "lam");
  if (!(par[0] >= 0) || par[0] > 1e18) gbL_error(L, "lam must be between 0 and 1e18, got %g", par[0]);
  return draw(L, g, GB_D_POISSON, par, a + 1);
}

/* g:binomial(n, p [, shape]) */
static int binomial_impl(lua_State *L, gb_rng *g, int a) {
  double par[2];
  int64_t n = checkint(L, a, "n");
  if (n < 0) gbL_error(L, "n must be >= 0, got %lld", (long long)n);
  if (n > (int64_t)1 << 53) gbL_error(L, "n must be at most 2^53, got %lld", (long long)n);
  par[0] = (double)n;
  par[1] = checknum(L, a + 1, "p");
  if (!(par[1] >= 0 && par[1] <= 1)) gbL_error(L, "p must be between 0 and 1, got %g", par[1]);
  return draw(L, g, GB_D_BINOMIAL, par, a + 2);
}

/* g:geometric(p [, shape]) */
static int geometric_impl(lua_State *L, gb_rng *g, int a) {
  double par[2] = {0, 0};
  par[0] = checknum(L, a, "p");
  if (!(par[0] > 0 && par[0] <= 1)) gbL_error(L, "p must be in (0, 1], got %g", par[0]);
  return draw(L, g, GB_D_GEOMETRIC, par, a + 1);
}

/* g:integers(lo, hi [, shape]): inclusive of hi, like math.random(lo, hi) */
static int integers_impl(lua_State *L, gb_rng *g, int a) {
  int64_t shape[GB_MAXDIM];
  int64_t lo = checkint(L, a, "lo"), hi = checkint(L, a + 1, "hi");
  if (lo > hi) gbL_error(L, "lo (%lld) must not exceed hi (%lld)", (long long)lo, (long long)hi);
  int nd = optshape(L, a + 2, shape);
  uint64_t range = (uint64_t)hi - (uint64_t)lo;
  if (nd < 0) {
    lua_pushinteger(L, (lua_Integer)((uint64_t)lo + gb_rng_bounded(g, range)));
    return 1;
  }
  gb_array *r = newresult(L, GB_INT64, nd, shape);
  int st = gb_rng_fill_integers(gbL_ctx(L), g, (int64_t *)r->data, r->size, lo, hi);
  if (st != GB_OK) status_error(L, st);
  return 1;
}

/* Finite sets -------------------------------------------------------------------------- */

/* g:categorical(p [, shape [, opts]]): 1-based indices; opts.log: p holds
   log-weights */
static int categorical_impl(lua_State *L, gb_rng *g, int a) {
  static const char *const known[] = {"log", NULL};
  int64_t shape[GB_MAXDIM];
  gbL_opts(L, a + 2, known);
  int logs = gbL_optbool(L, a + 2, "log", 0);
  int nd = optshape(L, a + 1, shape);
  gb_array *w = gbL_checkvector(L, a, "p");
  checkweights(L, (double *)w->data, w->size, "p", logs);
  int64_t one;
  int64_t *out = &one, n = 1;
  if (nd >= 0) {
    gb_array *r = newresult(L, GB_INT64, nd, shape);
    out = (int64_t *)r->data;
    n = r->size;
  }
  int st = gb_rand_categorical(gbL_ctx(L), g, (double *)w->data, w->size, out, n, 1);
  if (st != GB_OK) status_error(L, st);
  if (nd < 0) lua_pushinteger(L, (lua_Integer)one);
  return 1;
}

/* A contiguous copy of array a, pushed. */
static gb_array *contiguous_copy(lua_State *L, const gb_array *a) {
  gb_array *c = gbL_newlike(L, a, -1);
  gb_copy(gbL_ctx(L), c, a);
  return c;
}

/* Push rows idx[0..k) of the contiguous array src as an array of shape
   shape ++ src.shape[2..]. */
static void gather_rows(lua_State *L, const gb_array *src, const int64_t *idx, int64_t k,
                        int nd, const int64_t *shape) {
  int64_t full[GB_MAXDIM];
  int n = 0;
  for (int i = 0; i < nd; i++) full[n++] = shape[i];
  for (int i = 1; i < src->ndim; i++) {
    if (n >= GB_MAXDIM) gbL_error(L, "the result has too many dimensions");
    full[n++] = src->shape[i];
  }
  gb_array *r = newresult(L, src->dtype, n, full);
  size_t rowbytes = src->shape[0] > 0 ?
      (size_t)(src->size / src->shape[0]) * gb_dtype_size(src->dtype) : 0;
  for (int64_t i = 0; i < k; i++)
    memcpy(r->data + (size_t)i * rowbytes, src->data + (size_t)idx[i] * rowbytes, rowbytes);
}

/* g:choice(a [, shape [, replace [, p]]]) */
static int choice_impl(lua_State *L, gb_rng *g, int a) {
  int64_t shape[GB_MAXDIM];
  int64_t n;
  int nd = optshape(L, a + 1, shape);
  int replace = 1;
  if (!lua_isnoneornil(L, a + 2)) {
    if (lua_type(L, a + 2) != LUA_TBOOLEAN)
      gbL_error(L, "replace must be a boolean, got %s", luaL_typename(L, a + 2));
    replace = lua_toboolean(L, a + 2);
  }
  gb_array *pop = NULL;
  int poptable = 0;
  if (lua_type(L, a) == LUA_TNUMBER) {
    n = checkint(L, a, "a");
    if (n < 0) gbL_error(L, "a must be >= 0, got %lld", (long long)n);
  } else if ((pop = gbL_testarray(L, a)) != NULL) {
    if (pop->ndim == 0) gbL_error(L, "a must have at least one dimension");
    n = pop->shape[0];
  } else if (lua_type(L, a) == LUA_TTABLE) {
    poptable = 1;
    n = (int64_t)lua_rawlen(L, a);
  } else {
    return gbL_error(L, "a must be an integer, an array or a table, got %s", luaL_typename(L, a));
  }
  /* how many, and the weights */
  int64_t k = 1;
  for (int i = 0; i < nd; i++) {
    if (shape[i] != 0 && k > INT64_MAX / shape[i]) gbL_error(L, "shape is too large");
    k *= shape[i];
  }
  double *w = NULL;
  if (!lua_isnoneornil(L, a + 3)) {
    gb_array *wa = gbL_checkvector(L, a + 3, "p");
    if (wa->size != n)
      gbL_error(L, "p has %lld entries but a has %lld", (long long)wa->size, (long long)n);
    w = (double *)wa->data;
    checkweights(L, w, n, "p", 0);
  }
  if (k > 0 && n == 0) gbL_error(L, "cannot choose from an empty population");
  if (!replace && k > n)
    gbL_error(L, "cannot take %lld items from %lld without replacement", (long long)k, (long long)n);
  if (!replace && w) {
    int64_t positive = 0;
    for (int64_t i = 0; i < n; i++) positive += w[i] > 0;
    if (k > positive)
      gbL_error(L, "cannot take %lld items without replacement: only %lld have nonzero weight",
                (long long)k, (long long)positive);
  }
  /* the indices (0-based), into an int64 array left on the stack */
  int64_t kk = k;
  gb_array *ix = newresult(L, GB_INT64, 1, &kk);
  int64_t *idx = (int64_t *)ix->data;
  int st;
  if (replace && w) st = gb_rand_categorical(gbL_ctx(L), g, w, n, idx, k, 0);
  else if (replace) st = gb_rng_fill_integers(gbL_ctx(L), g, idx, k, 0, n - 1);
  else if (w) st = gb_rand_sample_weighted(gbL_ctx(L), g, w, n, k, idx, 0);
  else st = gb_rand_sample(gbL_ctx(L), g, n, k, idx, 0);
  if (st != GB_OK) status_error(L, st);
  /* the result */
  if (!pop && !poptable) {
    if (nd < 0) {
      lua_pushinteger(L, (lua_Integer)(idx[0] + 1));
      return 1;
    }
    gb_array *r = newresult(L, GB_INT64, nd, shape);
    for (int64_t i = 0; i < k; i++) ((int64_t *)r->data)[i] = idx[i] + 1;
    return 1;
  }
  if (poptable && nd < 0) {
    lua_rawgeti(L, a, (lua_Integer)(idx[0] + 1));     /* any Lua value */
    return 1;
  }
  if (poptable) {
    lua_pushvalue(L, a);
    pop = gbL_toarray(L, -1, -1);
  } else if (!gb_is_c_contiguous(pop)) {
    pop = contiguous_copy(L, pop);
  }
  if (nd < 0 && pop->ndim == 1) {
    gbL_pushelement(L, pop->dtype, pop->data + (size_t)idx[0] * gb_dtype_size(pop->dtype));
    return 1;
  }
  gather_rows(L, pop, idx, k, nd < 0 ? 0 : nd, shape);
  return 1;
}

/* g:permutation(n | a): 1..n in random order, or a shuffled copy of a */
static int permutation_impl(lua_State *L, gb_rng *g, int a) {
  int st;
  if (lua_type(L, a) == LUA_TNUMBER) {
    int64_t n = checkint(L, a, "n");
    if (n < 0) gbL_error(L, "n must be >= 0, got %lld", (long long)n);
    gb_array *r = newresult(L, GB_INT64, 1, &n);
    st = gb_rand_permutation(gbL_ctx(L), g, n, (int64_t *)r->data, 1);
  } else {
    gb_array *src = gbL_testarray(L, a);
    if (!src) {
      if (lua_type(L, a) != LUA_TTABLE)
        gbL_error(L, "n must be an integer, an array or a table, got %s", luaL_typename(L, a));
      lua_pushvalue(L, a);
      src = gbL_toarray(L, -1, -1);
    }
    if (src->ndim == 0) gbL_error(L, "cannot permute a 0-d array");
    gb_array *r = contiguous_copy(L, src);
    st = gb_rand_shuffle(gbL_ctx(L), g, r);
  }
  if (st != GB_OK) status_error(L, st);
  return 1;
}

/* g:shuffle(a): in place along the first axis (arrays and Lua tables) */
static int shuffle_impl(lua_State *L, gb_rng *g, int a) {
  gb_array *arr = gbL_testarray(L, a);
  if (arr) {
    if (arr->ndim == 0) gbL_error(L, "cannot shuffle a 0-d array");
    int st = gb_rand_shuffle(gbL_ctx(L), g, arr);
    if (st != GB_OK) status_error(L, st);
    return 0;
  }
  if (lua_type(L, a) != LUA_TTABLE)
    gbL_error(L, "a must be an array or a table, got %s", luaL_typename(L, a));
  /* the same Fisher-Yates order as for arrays */
  for (lua_Integer i = (lua_Integer)lua_rawlen(L, a); i > 1; i--) {
    lua_Integer j = (lua_Integer)gb_rng_bounded(g, (uint64_t)(i - 1)) + 1;
    if (j == i) continue;
    lua_rawgeti(L, a, i);
    lua_rawgeti(L, a, j);
    lua_rawseti(L, a, i);
    lua_rawseti(L, a, j);
  }
  return 0;
}

/* Vector-valued distributions ------------------------------------------------------------- */

/* g:multivariate_normal(mean, cov [, shape]) */
static int multivariate_normal_impl(lua_State *L, gb_rng *g, int a) {
  int64_t shape[GB_MAXDIM];
  int nd = optshape(L, a + 2, shape);
  gb_array *mean = gbL_checkvector(L, a, "mean");
  int64_t d = mean->size;
  if (d == 0) gbL_error(L, "mean must not be empty");
  for (int64_t i = 0; i < d; i++)
    if (!isfinite(((double *)mean->data)[i]))
      gbL_error(L, "mean[%lld] is not finite", (long long)(i + 1));
  if (!gbL_testarray(L, a + 1) && lua_type(L, a + 1) != LUA_TTABLE)
    gbL_error(L, "cov must be an array or a table of tables, got %s", luaL_typename(L, a + 1));
  lua_pushvalue(L, a + 1);
  gb_array *c = gbL_toarray(L, -1, -1);
  if (c->ndim != 2 || c->shape[0] != d || c->shape[1] != d)
    gbL_error(L, "cov must be %lld x %lld to match mean", (long long)d, (long long)d);
  gb_array *Lc = gbL_newarray(L, GB_FLOAT64, 2, c->shape);
  gb_copy(gbL_ctx(L), Lc, c);
  double *m = (double *)Lc->data, big = 0;
  for (int64_t i = 0; i < d * d; i++) {
    if (!isfinite(m[i]))
      gbL_error(L, "cov[%lld][%lld] is not finite", (long long)(i / d + 1), (long long)(i % d + 1));
    if (fabs(m[i]) > big) big = fabs(m[i]);
  }
  for (int64_t i = 0; i < d; i++)
    for (int64_t j = 0; j < i; j++)
      if (fabs(m[i * d + j] - m[j * d + i]) > 1e-10 * big)
        gbL_error(L, "cov is not symmetric (cov[%lld][%lld] = %g, cov[%lld][%lld] = %g)",
                  (long long)(i + 1), (long long)(j + 1), m[i * d + j],
                  (long long)(j + 1), (long long)(i + 1), m[j * d + i]);
  if (gb_cholesky_psd(m, d) != GB_OK) gbL_error(L, "cov is not positive semi-definite");
  nd = appendaxis(L, nd, shape, d);
  gb_array *r = newresult(L, GB_FLOAT64, nd, shape);
  int st = gb_rand_mvnormal(gbL_ctx(L), g, (double *)mean->data, m, d, (double *)r->data, r->size / d);
  if (st != GB_OK) status_error(L, st);
  return 1;
}

/* g:dirichlet(alpha [, shape]) */
static int dirichlet_impl(lua_State *L, gb_rng *g, int a) {
  int64_t shape[GB_MAXDIM];
  int nd = optshape(L, a + 1, shape);
  gb_array *al = gbL_checkvector(L, a, "alpha");
  int64_t k = al->size;
  if (k == 0) gbL_error(L, "alpha must not be empty");
  for (int64_t i = 0; i < k; i++) {
    double v = ((double *)al->data)[i];
    if (!(v > 0) || !isfinite(v))
      gbL_error(L, "alpha[%lld] must be finite and > 0, got %g", (long long)(i + 1), v);
  }
  nd = appendaxis(L, nd, shape, k);
  gb_array *r = newresult(L, GB_FLOAT64, nd, shape);
  int st = gb_rand_dirichlet(gbL_ctx(L), g, (double *)al->data, k, (double *)r->data, r->size / k);
  if (st != GB_OK) status_error(L, st);
  return 1;
}

/* g:multinomial(n, pvals [, shape]): counts over the categories, shape + {k};
   as NumPy, the last probability is whatever the others leave. */
static int multinomial_impl(lua_State *L, gb_rng *g, int a) {
  int64_t shape[GB_MAXDIM];
  int64_t n = checkint(L, a, "n");
  if (n < 0 || n > ((int64_t)1 << 53))
    gbL_error(L, "n must be between 0 and 2^53, got %lld", (long long)n);
  int nd = optshape(L, a + 2, shape);     /* before pvals pushes its array */
  gb_array *pv = gbL_checkvector(L, a + 1, "pvals");
  int64_t k = pv->size;
  const double *p = (const double *)pv->data;
  double head = 0;
  if (k == 0) gbL_error(L, "pvals must not be empty");
  for (int64_t i = 0; i < k; i++) {
    if (!(p[i] >= 0) || !isfinite(p[i]))
      gbL_error(L, "pvals[%lld] must be finite and >= 0, got %g", (long long)(i + 1), p[i]);
    if (i < k - 1) head += p[i];
  }
  if (head > 1 + 1e-12) gbL_error(L, "pvals[1..%lld] sum to %.17g, more than 1", (long long)(k - 1), head);
  nd = appendaxis(L, nd, shape, k);
  gb_array *r = newresult(L, GB_INT64, nd, shape);
  int st = gb_rand_multinomial(gbL_ctx(L), g, n, p, k, (int64_t *)r->data, r->size / k);
  if (st != GB_OK) status_error(L, st);
  return 1;
}

/* Generators ------------------------------------------------------------------------------ */

static gb_rng *newgen(lua_State *L) {
  gb_rng *g = lua_newuserdatauv(L, sizeof(gb_rng), 0);
  luaL_setmetatable(L, GBL_RNG);
  return g;
}

/* A seed argument: an integer 0 .. 2^63 - 1, or absent for the clock. */
static uint64_t checkseed(lua_State *L, int idx) {
  if (lua_isnoneornil(L, idx)) return gb_rng_clock_seed();
  if (lua_type(L, idx) != LUA_TNUMBER)
    gbL_error(L, "seed must be an integer, got %s", luaL_typename(L, idx));
  if (!lua_isinteger(L, idx))
    gbL_error(L, "seed must be an integer, got the float %g", (double)lua_tonumber(L, idx));
  lua_Integer s = lua_tointeger(L, idx);
  if (s < 0) gbL_error(L, "seed must be between 0 and 2^63-1, got %lld", (long long)s);
  return (uint64_t)s;
}

/* rng.new([seed]) */
static int rng_new(lua_State *L) {
  uint64_t seed = checkseed(L, 1);
  gb_rng_seed(newgen(L), seed);
  return 1;
}

/* rng.seed([seed]): reseed the default generator */
static int rng_seed(lua_State *L) {
  gb_rng_seed(defgen(L), checkseed(L, 1));
  return 0;
}

/* g:spawn(n): a table of n child generators */
static int spawn_impl(lua_State *L, gb_rng *g, int a) {
  int64_t n = checkint(L, a, "n");
  if (n < 0 || n > 100000000) gbL_error(L, "n must be between 0 and 1e8, got %lld", (long long)n);
  lua_createtable(L, (int)n, 0);
  for (int64_t i = 1; i <= n; i++) {
    gb_rng_spawn(g, newgen(L));
    lua_rawseti(L, -2, (lua_Integer)i);
  }
  return 1;
}

/* g:jump([k]): advance by k * 2^128 draws; returns g */
static int jump_impl(lua_State *L, gb_rng *g, int a) {
  int64_t k = lua_isnoneornil(L, a) ? 1 : checkint(L, a, "k");
  if (k < 0) gbL_error(L, "k must be >= 0, got %lld", (long long)k);
  for (int64_t i = 0; i < k; i++) {
    if ((i & 1023) == 1023) gbL_checkinterrupt(L);
    gb_rng_jump(g);
  }
  if (a == 1) lua_pushvalue(L, lua_upvalueindex(1));
  else lua_pushvalue(L, 1);
  return 1;
}

/* g:state(): {algorithm = "xoshiro256++", state = {s1, s2, s3, s4}} */
static int state_impl(lua_State *L, gb_rng *g, int a) {
  (void)a;
  lua_createtable(L, 0, 2);
  lua_pushliteral(L, GB_RNG_ALGORITHM);
  lua_setfield(L, -2, "algorithm");
  lua_createtable(L, 4, 0);
  for (int i = 0; i < 4; i++) {
    lua_pushinteger(L, (lua_Integer)g->s[i]);
    lua_rawseti(L, -2, i + 1);
  }
  lua_setfield(L, -2, "state");
  return 1;
}

/* g:set_state(t): restore what g:state() returned */
static int set_state_impl(lua_State *L, gb_rng *g, int a) {
  uint64_t s[4];
  if (lua_type(L, a) != LUA_TTABLE)
    gbL_error(L, "state must be a table from state(), got %s", luaL_typename(L, a));
  lua_getfield(L, a, "algorithm");
  const char *alg = lua_tostring(L, -1);
  if (!alg || strcmp(alg, GB_RNG_ALGORITHM) != 0)
    gbL_error(L, "state.algorithm must be '%s', got %s", GB_RNG_ALGORITHM, alg ? alg : "nothing");
  if (lua_getfield(L, a, "state") != LUA_TTABLE || lua_rawlen(L, -1) != 4)
    gbL_error(L, "state.state must be a table of 4 integers");
  for (int i = 0; i < 4; i++) {
    lua_rawgeti(L, -1, i + 1);
    if (!lua_isinteger(L, -1)) gbL_error(L, "state.state[%d] must be an integer", i + 1);
    s[i] = (uint64_t)lua_tointeger(L, -1);
    lua_pop(L, 1);
  }
  if (gb_rng_set_state(g, s) != GB_OK) gbL_error(L, "the state must not be all zero");
  return 0;
}

static int gen_tostring(lua_State *L) {
  gb_rng *g = luaL_checkudata(L, 1, GBL_RNG);
  lua_pushfstring(L, "rng.generator (" GB_RNG_ALGORITHM "): %p", (void *)g);
  return 1;
}

/* Registration ------------------------------------------------------------------------------ */

/* Every function that is both a method g:name and a module function
   rng.name acting on the default generator. */
#define RNG_FUNCS(X)                                                         \
  X(uniform) X(random) X(normal) X(standard_normal) X(exponential)          \
  X(lognormal) X(laplace) X(gumbel) X(weibull) X(pareto) X(f) X(vonmises)    \
  X(zipf) X(multinomial) X(standard_cauchy) X(gamma) X(beta) X(chisquare) X(standard_t)            \
  X(poisson) X(binomial) X(geometric) X(integers) X(categorical) X(choice)   \
  X(permutation) X(shuffle) X(multivariate_normal) X(dirichlet) X(spawn)     \
  X(jump) X(state) X(set_state)

#define WRAP(name)                                                          \
  static int m_##name(lua_State *L) { return name##_impl(L, checkself(L), 2); } \
  static int f_##name(lua_State *L) { return name##_impl(L, defgen(L), 1); }
RNG_FUNCS(WRAP)
#undef WRAP

#define METHOD(name) {#name, m_##name},
#define FUNCTION(name) {#name, f_##name},

static const luaL_Reg gen_methods[] = {
  RNG_FUNCS(METHOD)
  {NULL, NULL}
};

static const luaL_Reg rng_funcs[] = {       /* upvalue: the default generator */
  RNG_FUNCS(FUNCTION)
  {"seed", rng_seed},
  {NULL, NULL}
};

int luaopen_rng(lua_State *L) {
  if (luaL_newmetatable(L, GBL_RNG)) {
    luaL_newlibtable(L, gen_methods);
    lua_pushvalue(L, -2);
    luaL_setfuncs(L, gen_methods, 1);     /* upvalue: the metatable */
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, gen_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pushliteral(L, "rng.generator");
    lua_setfield(L, -2, "__name");
  }
  lua_pop(L, 1);
  lua_newtable(L);
  lua_pushcfunction(L, rng_new);
  lua_setfield(L, -2, "new");
  gb_rng_seed(newgen(L), gb_rng_clock_seed());
  lua_pushvalue(L, -1);
  lua_setfield(L, LUA_REGISTRYINDEX, GBL_RNG_DEFAULT);
  luaL_setfuncs(L, rng_funcs, 1);
  return 1;
}
