/*
** stats: distribution objects (stats.normal(0, 1), ...) with pdf, cdf,
** quantiles, moments, entropy and sampling; summary statistics; and the
** Kolmogorov-Smirnov and chi-square goodness-of-fit tests.  The numerics
** are in native/core/stats.c and special.c.
*/
#include <math.h>
#include <stdio.h>

#include "internal.h"
#include "stats.h"

typedef struct dist {
  const gb_family *f;
  double par[GB_FAMILY_MAXPAR];
} dist;

static dist *checkdist(lua_State *L, int idx) {
  dist *d = luaL_testudata(L, idx, GBL_DIST);
  if (!d)
    gbL_error(L, "distribution expected as self, got %s (call it as d:name(...))",
              luaL_typename(L, idx));
  return d;
}

/* "normal(mean=0, std=1)" */
static void pushdesc(lua_State *L, const dist *d) {
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  luaL_addstring(&b, d->f->name);
  luaL_addchar(&b, '(');
  for (int i = 0; i < d->f->npar; i++) {
    char num[64];
    snprintf(num, sizeof num, "%s%s=%.17g", i ? ", " : "", d->f->par[i], d->par[i]);
    luaL_addstring(&b, num);
  }
  luaL_addchar(&b, ')');
  luaL_pushresult(&b);
}

/* stats.<family>(par...) */
static int make(lua_State *L) {
  const gb_family *f = lua_touserdata(L, lua_upvalueindex(1));
  if (lua_gettop(L) > f->npar)
    return gbL_error(L, "takes at most %d parameter%s, got %d", f->npar,
                     f->npar == 1 ? "" : "s", lua_gettop(L));
  int nargs = lua_gettop(L);
  dist *d = lua_newuserdatauv(L, sizeof *d, 0);
  d->f = f;
  for (int i = 0; i < f->npar; i++) {
    if (i >= nargs || lua_isnil(L, i + 1)) {
      if (isnan(f->def[i])) return gbL_error(L, "%s is required", f->par[i]);
      d->par[i] = f->def[i];
    } else if (lua_type(L, i + 1) != LUA_TNUMBER) {
      return gbL_error(L, "%s must be a number, got %s", f->par[i], luaL_typename(L, i + 1));
    } else {
      d->par[i] = lua_tonumber(L, i + 1);
    }
  }
  const char *msg = f->check(d->par);
  if (msg) {
    pushdesc(L, d);
    return gbL_error(L, "%s (got %s)", msg, lua_tostring(L, -1));
  }
  luaL_setmetatable(L, GBL_DIST);
  return 1;
}

/* Elementwise methods ---------------------------------------------------------- */

typedef struct call {
  const dist *d;
  double (*fn)(const double *par, double x);
} call;

static double apply(const void *ctx, const double *x) {
  const call *c = ctx;
  return c->fn(c->d->par, x[0]);
}

static double apply_exp(const void *ctx, const double *x) {
  const call *c = ctx;
  return exp(c->fn(c->d->par, x[0]));
}

static int elementwise(lua_State *L, double (*fn)(const double *, double), int exp_of) {
  call c = {checkdist(L, 1), fn};
  return gbL_map(L, 2, 1, 3, exp_of ? apply_exp : apply, &c);
}

/* pdf and logpdf for continuous families, pmf and logpmf for discrete
   ones (all from the family's log density) */
static int density(lua_State *L, int discrete, const char *other, int exp_of) {
  const dist *d = checkdist(L, 1);
  if (d->f->discrete != discrete)
    return gbL_error(L, "%s is %s: use d:%s", d->f->name, discrete ? "continuous" : "discrete",
                     other);
  return elementwise(L, d->f->logpdf, exp_of);
}
static int d_pdf(lua_State *L) { return density(L, 0, "pmf", 1); }
static int d_logpdf(lua_State *L) { return density(L, 0, "logpmf", 0); }
static int d_pmf(lua_State *L) { return density(L, 1, "pdf", 1); }
static int d_logpmf(lua_State *L) { return density(L, 1, "logpdf", 0); }
static int d_cdf(lua_State *L) { return elementwise(L, checkdist(L, 1)->f->cdf, 0); }
static int d_sf(lua_State *L) { return elementwise(L, checkdist(L, 1)->f->sf, 0); }
static int d_ppf(lua_State *L) { return elementwise(L, checkdist(L, 1)->f->ppf, 0); }
static int d_isf(lua_State *L) { return elementwise(L, checkdist(L, 1)->f->isf, 0); }

/* Numbers ------------------------------------------------------------------------ */

static int number(lua_State *L, double (*fn)(const double *par)) {
  const dist *d = checkdist(L, 1);
  lua_pushnumber(L, fn(d->par));
  return 1;
}
static int d_mean(lua_State *L) { return number(L, checkdist(L, 1)->f->mean); }
static int d_var(lua_State *L) { return number(L, checkdist(L, 1)->f->var); }
static int d_entropy(lua_State *L) { return number(L, checkdist(L, 1)->f->entropy); }
static int d_std(lua_State *L) {
  const dist *d = checkdist(L, 1);
  lua_pushnumber(L, sqrt(d->f->var(d->par)));
  return 1;
}
static int d_median(lua_State *L) {
  const dist *d = checkdist(L, 1);
  lua_pushnumber(L, d->f->ppf(d->par, 0.5));
  return 1;
}
static int d_params(lua_State *L) {
  const dist *d = checkdist(L, 1);
  lua_createtable(L, 0, d->f->npar);
  for (int i = 0; i < d->f->npar; i++) {
    lua_pushnumber(L, d->par[i]);
    lua_setfield(L, -2, d->f->par[i]);
  }
  return 1;
}

/* d:sample([g,] [shape]) */
static int d_sample(lua_State *L) {
  const dist *d = checkdist(L, 1);
  int ishape = 2;
  gb_rng *g;
  if (luaL_testudata(L, 2, GBL_RNG)) { g = gbL_optrng(L, 2); ishape = 3; }
  else if (lua_isnil(L, 2) && lua_gettop(L) >= 3) { g = gbL_optrng(L, 0); ishape = 3; }
  else g = gbL_optrng(L, 0);
  if (lua_isnoneornil(L, ishape)) {
    union { double d; int64_t i; } v;
    int st = gb_family_sample(gbL_ctx(L), d->f, d->par, g, &v, 1);
    if (st != GB_OK) return gbL_statuserror(L, NULL, st);
    if (d->f->discrete) lua_pushinteger(L, (lua_Integer)v.i);
    else lua_pushnumber(L, v.d);
    return 1;
  }
  int64_t shape[GB_MAXDIM];
  int nd = gbL_checkshape(L, ishape, shape);
  gb_array *a = gbL_newarray(L, d->f->discrete ? GB_INT64 : GB_FLOAT64, nd, shape);
  int st = gb_family_sample(gbL_ctx(L), d->f, d->par, g, a->data, a->size);
  if (st != GB_OK) return gbL_statuserror(L, NULL, st);
  return 1;
}

static int d_tostring(lua_State *L) {
  const dist *d = checkdist(L, 1);
  lua_pushliteral(L, "stats.");
  pushdesc(L, d);
  lua_concat(L, 2);
  return 1;
}

/* Data helpers ------------------------------------------------------------------- */

/* A 1-D sample at idx as a private float64 copy (pushed). */
static double *vector(lua_State *L, int idx, const char *what, int64_t *n) {
  gb_array *v = gbL_checkvector(L, idx, what);
  *n = v->size;
  return (double *)v->data;
}

/* stats.describe(x) */
static int describe(lua_State *L) {
  gb_moments m;
  lua_settop(L, 1);
  if (!gbL_testarray(L, 1) && lua_type(L, 1) != LUA_TTABLE)
    return gbL_error(L, "x must be an array or a table of numbers, got %s", luaL_typename(L, 1));
  gb_array *a = gbL_toarray(L, 1, GB_FLOAT64);
  gb_array *flat = gbL_newlike(L, a, GB_FLOAT64);     /* C order: any shape, flattened */
  gb_copy(gbL_ctx(L), flat, a);
  if (flat->size == 0) return gbL_error(L, "x is empty");
  int st = gb_describe(gbL_ctx(L), (const double *)flat->data, flat->size, &m);
  if (st != GB_OK) return gbL_statuserror(L, NULL, st);
  lua_createtable(L, 0, 7);
  lua_pushinteger(L, (lua_Integer)m.n);
  lua_setfield(L, -2, "nobs");
  lua_pushnumber(L, m.min);
  lua_setfield(L, -2, "min");
  lua_pushnumber(L, m.max);
  lua_setfield(L, -2, "max");
  lua_pushnumber(L, m.mean);
  lua_setfield(L, -2, "mean");
  lua_pushnumber(L, m.variance);
  lua_setfield(L, -2, "variance");
  lua_pushnumber(L, m.skewness);
  lua_setfield(L, -2, "skewness");
  lua_pushnumber(L, m.kurtosis);
  lua_setfield(L, -2, "kurtosis");
  return 1;
}

/* The cdf of ks_test as a Lua function: called under protection; a result
   that is not a number fails the test with a message of our own. */
static int lua_cdf(void *ud, double x, double *F) {
  gbL_callback *cb = ud;
  lua_State *L = cb->L;
  lua_pushnumber(L, x);
  int st = gbL_callback_call(cb, 1, 1);
  if (st != GB_OK) return st;
  if (lua_type(L, -1) != LUA_TNUMBER) {
    char msg[160];
    snprintf(msg, sizeof msg, "the cdf returned %s for %g, not a number", luaL_typename(L, -1), x);
    gbL_pushfuncname(L);
    lua_pushfstring(L, "%s: %s", lua_tostring(L, -1), msg);
    lua_replace(L, cb->err);
    lua_pop(L, 2);
    return GB_ECALLBACK;
  }
  *F = lua_tonumber(L, -1);
  lua_pop(L, 1);
  return GB_OK;
}

/* stats.ks_test(x, dist or cdf [, opts]) -> statistic, pvalue;
   opts.alternative: "two-sided" (default), "less" or "greater" */
static int ks_test(lua_State *L) {
  static const char *const known[] = {"alternative", NULL};
  static const char *const alternatives[] = {"two-sided", "less", "greater", NULL};
  int64_t n;
  lua_settop(L, 3);
  gbL_opts(L, 3, known);
  int alt = gbL_optenum(L, 3, "alternative", "two-sided", alternatives);
  double *x = vector(L, 1, "x", &n);
  if (n == 0) return gbL_error(L, "x is empty");
  for (int64_t i = 0; i < n; i++)
    if (x[i] != x[i]) return gbL_error(L, "x[%lld] is NaN", (long long)(i + 1));
  const dist *d = luaL_testudata(L, 2, GBL_DIST);
  if (!d && !lua_isfunction(L, 2))
    return gbL_error(L, "the second argument must be a distribution (stats.normal(...)) "
                        "or a cdf function, got %s", luaL_typename(L, 2));
  if (d && d->f->discrete)
    return gbL_error(L, "the Kolmogorov-Smirnov test needs a continuous distribution, "
                        "and %s is discrete (use stats.chisquare)", d->f->name);
  gb_ks ks;
  gbL_callback cb;
  gb_family_cdf fc;
  int st;
  if (d) {
    fc.f = d->f;
    fc.par = d->par;
    st = gb_ks_statistic(gbL_ctx(L), x, n, gb_family_cdf_fn, &fc, &ks);
  } else {
    gbL_callback_init(L, &cb, 2);
    st = gb_ks_statistic(gbL_ctx(L), x, n, lua_cdf, &cb, &ks);
    if (st != GB_OK && st != GB_EINVAL) return gbL_callback_fail(&cb, NULL, st);
  }
  if (st == GB_EINVAL)
    return gbL_error(L, "the cdf at %g is %g, outside [0, 1]", ks.x, ks.F);
  if (st != GB_OK) return gbL_statuserror(L, NULL, st);
  if (alt == 0) {
    lua_pushnumber(L, ks.d);
    lua_pushnumber(L, gb_kolmogorov_sf(gbL_ctx(L), n, ks.d));
  } else {
    double D = alt == 1 ? ks.dminus : ks.dplus;
    lua_pushnumber(L, D);
    lua_pushnumber(L, gb_smirnov_sf(gbL_ctx(L), n, D));
  }
  return 2;
}

/* stats.chisquare(observed [, expected [, ddof]]) -> statistic, pvalue */
static int chisquare(lua_State *L) {
  int64_t k, ke;
  lua_settop(L, 3);
  double *o = vector(L, 1, "observed", &k);
  if (k < 1) return gbL_error(L, "observed is empty");
  double so = 0;
  for (int64_t i = 0; i < k; i++) {
    if (!(o[i] >= 0) || isinf(o[i]))
      return gbL_error(L, "observed[%lld] must be finite and >= 0, got %g", (long long)(i + 1), o[i]);
    so += o[i];
  }
  double *e = NULL;
  if (!lua_isnoneornil(L, 2)) {
    e = vector(L, 2, "expected", &ke);
    if (ke != k)
      return gbL_error(L, "observed has %lld categories but expected has %lld",
                       (long long)k, (long long)ke);
    double se = 0;
    for (int64_t i = 0; i < k; i++) {
      if (!(e[i] > 0) || isinf(e[i]))
        return gbL_error(L, "expected[%lld] must be finite and > 0, got %g", (long long)(i + 1), e[i]);
      se += e[i];
    }
    if (fabs(so - se) > 1e-8 * fmax(so, se))
      return gbL_error(L, "the sums of observed (%.17g) and expected (%.17g) differ; "
                          "scale expected to the same total", so, se);
  }
  lua_Integer ddof = luaL_optinteger(L, 3, 0);
  double stat, p;
  if (gb_chisquare(o, e, k, (int64_t)ddof, &stat, &p) != GB_OK)
    return gbL_error(L, "no degrees of freedom left (%lld categories, ddof %lld)",
                     (long long)k, (long long)ddof);
  lua_pushnumber(L, stat);
  lua_pushnumber(L, p);
  return 2;
}

/* Registration ----------------------------------------------------------------------- */

static const luaL_Reg methods[] = {
  {"pdf", d_pdf}, {"logpdf", d_logpdf}, {"pmf", d_pmf}, {"logpmf", d_logpmf},
  {"cdf", d_cdf}, {"sf", d_sf}, {"ppf", d_ppf}, {"isf", d_isf},
  {"mean", d_mean}, {"var", d_var}, {"std", d_std}, {"median", d_median},
  {"entropy", d_entropy}, {"params", d_params}, {"sample", d_sample},
  {NULL, NULL}
};

static const luaL_Reg funcs[] = {
  {"describe", describe}, {"ks_test", ks_test}, {"chisquare", chisquare},
  {NULL, NULL}
};

int luaopen_stats(lua_State *L) {
  luaL_newmetatable(L, GBL_DIST);
  lua_newtable(L);
  luaL_setfuncs(L, methods, 0);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, d_tostring);
  lua_setfield(L, -2, "__tostring");
  lua_pop(L, 1);
  luaL_newlib(L, funcs);
  for (const gb_family *f = gb_families; f->name; f++) {
    lua_pushlightuserdata(L, (void *)f);
    lua_pushcclosure(L, make, 1);
    lua_setfield(L, -2, f->name);
  }
  return 1;
}
