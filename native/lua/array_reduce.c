/*
** array: reductions, sorting and selection.
**
** Every reduction takes its axes the same ways:
**   a:sum()                  all elements: a Lua number (integer, boolean)
**   a:sum(axis [, keepdims]) one axis (1-based, negative from the end)
**   a:sum({1, 3})            several axes
**   a:sum{axis = 2, keepdims = true, ...}   an options table
** and array.sum(a, ...) is the same function for any array-like a.
**
** Results are computed in keepdims form (extent 1 on the reduced axes),
** then squeezed into a view or a number.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "reduce.h"
#include "sort.h"

/* Arguments ------------------------------------------------------------------- */

typedef struct redargs {
  int has_axis;                   /* an axis (or list) was given */
  int naxes;                      /* axes reduced */
  int axis;                       /* the first of them, 0-based */
  int axes[GB_MAXDIM];            /* in the order given */
  unsigned char reduce[GB_MAXDIM];
  int keepdims;
  int opts;                       /* stack index of the options table, or 0 */
} redargs;

enum { MULTI = 1 };               /* several axes allowed */

static int toaxis(lua_State *L, int idx, int ndim) {
  int ok;
  lua_Integer ax = lua_tointegerx(L, idx, &ok);
  if (!ok)
    gbL_error(L, "axis must be an integer, got %s",
              lua_type(L, idx) == LUA_TNUMBER ? "a non-integer number" : luaL_typename(L, idx));
  lua_Integer a0 = ax < 0 ? ax + ndim : ax - 1;
  if (ax == 0 || a0 < 0 || a0 >= ndim)
    gbL_error(L, "axis %lld out of range for an array of %d dimension%s",
              (long long)ax, ndim, ndim == 1 ? "" : "s");
  return (int)a0;
}

static void addaxis(lua_State *L, redargs *r, int ax) {
  if (r->reduce[ax]) gbL_error(L, "axis %d given twice", ax + 1);
  r->reduce[ax] = 1;
  r->axes[r->naxes++] = ax;
}

/* The axis argument at idx: nil, an integer or a list of integers. */
static void readaxes(lua_State *L, int idx, const gb_array *a, int flags, redargs *r) {
  if (lua_isnoneornil(L, idx)) return;
  r->has_axis = 1;
  if (lua_type(L, idx) == LUA_TTABLE) {
    lua_Integer n = (lua_Integer)lua_rawlen(L, idx);
    if (!(flags & MULTI)) gbL_error(L, "takes one axis, not a list");
    if (n > a->ndim) gbL_error(L, "%lld axes given for an array of %d dimensions", (long long)n, a->ndim);
    for (lua_Integer i = 1; i <= n; i++) {
      lua_rawgeti(L, idx, i);
      addaxis(L, r, toaxis(L, -1, a->ndim));
      lua_pop(L, 1);
    }
  } else {
    addaxis(L, r, toaxis(L, idx, a->ndim));
  }
  r->axis = r->naxes ? r->axes[0] : 0;
}

/* The keys of the options tables, each list with NULL at the end. */
static const char *const AXIS_KEEPDIMS[] = {"axis", "keepdims", NULL};
static const char *const WITH_DDOF[] = {"axis", "keepdims", "ddof", NULL};
static const char *const WITH_ORD[] = {"axis", "keepdims", "ord", NULL};
static const char *const AXIS_ONLY[] = {"axis", NULL};
static const char *const WITH_LARGEST[] = {"axis", "largest", NULL};

/*
** The axis arguments starting at stack index first: (axis [, keepdims])
** or an options table (keys in the list known).
** Without an axis every axis is reduced.
*/
static void getargs(lua_State *L, const gb_array *a, int first, int flags,
                    const char *const known[], redargs *r) {
  memset(r, 0, sizeof *r);
  if (lua_type(L, first) == LUA_TTABLE && lua_rawlen(L, first) == 0 && !gbL_testarray(L, first)) {
    r->opts = lua_absindex(L, first);
    gbL_opts(L, r->opts, known);
    lua_getfield(L, r->opts, "axis");
    readaxes(L, lua_gettop(L), a, flags, r);
    lua_pop(L, 1);
    r->keepdims = gbL_optbool(L, r->opts, "keepdims", 0);
  } else {
    readaxes(L, first, a, flags, r);
    if (!lua_isnoneornil(L, first + 1)) {
      luaL_checktype(L, first + 1, LUA_TBOOLEAN);
      r->keepdims = lua_toboolean(L, first + 1);
    }
  }
  if (!r->has_axis) {
    r->naxes = a->ndim;
    for (int i = 0; i < a->ndim; i++) r->reduce[i] = 1, r->axes[i] = i;
  }
}

/* The array argument: an array, or anything array.new accepts. */
static gb_array *checkinput(lua_State *L) {
  return gbL_toarray(L, 1, -1);
}

/* Results --------------------------------------------------------------------- */

static int64_t reduced_count(const gb_array *a, const redargs *r) {
  int64_t n = 1;
  for (int i = 0; i < a->ndim; i++) if (r->reduce[i]) n *= a->shape[i];
  return n;
}

static int64_t kept_count(const gb_array *a, const redargs *r) {
  int64_t n = 1;
  for (int i = 0; i < a->ndim; i++) if (!r->reduce[i]) n *= a->shape[i];
  return n;
}

/* Push a new array of the keepdims shape. */
static gb_array *newout(lua_State *L, const gb_array *a, const redargs *r, int dtype) {
  int64_t shape[GB_MAXDIM];
  for (int i = 0; i < a->ndim; i++) shape[i] = r->reduce[i] ? 1 : a->shape[i];
  return gbL_newarray(L, dtype, a->ndim, shape);
}

static void check(lua_State *L, int st) {
  if (st != GB_OK) gbL_statuserror(L, NULL, st);
}

/* Replace the array on top by a copy of dtype (when it differs). */
static gb_array *convert(lua_State *L, int dtype) {
  gb_array *o = gbL_checkarray(L, -1);
  if (o->dtype == dtype) return o;
  gb_array *c = gbL_newlike(L, o, dtype);
  check(L, gb_copy(gbL_ctx(L), c, o));
  lua_remove(L, -2);
  return c;
}

/* The keepdims result on top, as the caller asked for it: a number, the
   array itself, or a view without the reduced axes. */
static int finish(lua_State *L, const redargs *r) {
  gb_array *o = gbL_checkarray(L, -1), v;
  if (r->keepdims) return 1;
  v = *o;
  v.ndim = 0;
  for (int i = 0; i < o->ndim; i++)
    if (!r->reduce[i]) {
      v.shape[v.ndim] = o->shape[i];
      v.strides[v.ndim++] = o->strides[i];
    }
  if (v.ndim == 0) {             /* every axis reduced: a Lua number, as NumPy's scalar */
    gbL_pushelement(L, o->dtype, o->data);
    return 1;
  }
  gbL_pushview(L, -1, &v);
  return 1;
}

/* out[i] = f(out[i], d) over a new contiguous float64 array. */
static void scale(gb_array *o, double d, int op) {
  double *x = (double *)o->data;
  for (int64_t i = 0; i < o->size; i++) {
    switch (op) {
      case 0: x[i] /= d; break;
      case 1: x[i] = sqrt(x[i] / d); break;
      default: x[i] = pow(x[i], d); break;
    }
  }
}

static int isint(int dtype) { return dtype == GB_INT64 || dtype == GB_BOOL; }

/* The float dtype of results such as means: float32 stays, others float64. */
static int floatof(int dtype) { return dtype == GB_FLOAT32 ? GB_FLOAT32 : GB_FLOAT64; }

static const char *opname(int op) {
  switch (op) {
    case GB_RMIN: case GB_RNANMIN: case GB_RMINABS: return "minimum";
    default: return "maximum";
  }
}

/* NumPy's error for extremes of nothing (when some output needs one). */
static void noidentity(lua_State *L, const gb_array *a, const redargs *r, int op) {
  if (reduced_count(a, r) == 0 && kept_count(a, r) > 0)
    gbL_error(L, "zero-size array to reduction operation %s which has no identity", opname(op));
}

/* sum, prod, min, max and their NaN-ignoring forms -------------------------------- */

static int fold(lua_State *L, int op) {
  gb_array *a = checkinput(L), *o;
  redargs r;
  int extreme = op == GB_RMIN || op == GB_RMAX || op == GB_RNANMIN || op == GB_RNANMAX;
  getargs(L, a, 2, MULTI, AXIS_KEEPDIMS, &r);
  if (extreme) noidentity(L, a, &r, op);
  if (isint(a->dtype)) {
    if (op == GB_RNANSUM) op = GB_RSUM;
    if (op == GB_RNANMIN) op = GB_RMIN;
    if (op == GB_RNANMAX) op = GB_RMAX;
  }
  o = newout(L, a, &r, isint(a->dtype) ? GB_INT64 : GB_FLOAT64);
  check(L, gb_reduce(gbL_ctx(L), op, a, o, NULL, 0));
  /* NumPy's dtypes: sums of bool count (int64), extremes keep the dtype */
  convert(L, extreme ? a->dtype : isint(a->dtype) ? GB_INT64 : a->dtype);
  return finish(L, &r);
}

static int r_sum(lua_State *L) { return fold(L, GB_RSUM); }
static int r_prod(lua_State *L) { return fold(L, GB_RPROD); }
static int r_min(lua_State *L) { return fold(L, GB_RMIN); }
static int r_max(lua_State *L) { return fold(L, GB_RMAX); }
static int r_nansum(lua_State *L) { return fold(L, GB_RNANSUM); }
static int r_nanmin(lua_State *L) { return fold(L, GB_RNANMIN); }
static int r_nanmax(lua_State *L) { return fold(L, GB_RNANMAX); }

/* Counts ----------------------------------------------------------------------------- */

static int count(lua_State *L, int op, int dtype) {
  gb_array *a = checkinput(L), *o;
  redargs r;
  getargs(L, a, 2, MULTI, AXIS_KEEPDIMS, &r);
  o = newout(L, a, &r, GB_INT64);
  check(L, gb_reduce(gbL_ctx(L), op, a, o, NULL, 0));
  convert(L, dtype);
  return finish(L, &r);
}

static int r_any(lua_State *L) { return count(L, GB_RANY, GB_BOOL); }
static int r_all(lua_State *L) { return count(L, GB_RALL, GB_BOOL); }
static int r_count_nonzero(lua_State *L) { return count(L, GB_RCOUNT, GB_INT64); }

/* Means and variances ---------------------------------------------------------------- */

/* The mean over r's axes, pushed as a float64 keepdims array. */
static gb_array *pushmean(lua_State *L, const gb_array *a, const redargs *r) {
  gb_array *m = newout(L, a, r, GB_FLOAT64);
  check(L, gb_reduce(gbL_ctx(L), GB_RSUM, a, m, NULL, 0));
  scale(m, (double)reduced_count(a, r), 0);
  return m;
}

static int r_mean(lua_State *L) {
  gb_array *a = checkinput(L);
  redargs r;
  getargs(L, a, 2, MULTI, AXIS_KEEPDIMS, &r);
  pushmean(L, a, &r);
  convert(L, floatof(a->dtype));
  return finish(L, &r);
}

/* Two passes: the mean, then the sum of squared deviations from it. */
static int variance(lua_State *L, int root) {
  gb_array *a = checkinput(L), *m, *o;
  redargs r;
  if (lua_type(L, 3) == LUA_TNUMBER)
    gbL_error(L, "ddof goes in the options table, e.g. a:%s{axis = 1, ddof = 1}", root ? "std" : "var");
  getargs(L, a, 2, MULTI, WITH_DDOF, &r);
  double ddof = r.opts ? gbL_optnum(L, r.opts, "ddof", 0) : 0;
  double d = (double)reduced_count(a, &r) - ddof;
  m = pushmean(L, a, &r);
  o = newout(L, a, &r, GB_FLOAT64);
  check(L, gb_reduce(gbL_ctx(L), GB_RSUMSQ, a, o, m, 0));
  scale(o, d > 0 ? d : 0, root);
  convert(L, floatof(a->dtype));
  return finish(L, &r);
}

static int r_var(lua_State *L) { return variance(L, 0); }
static int r_std(lua_State *L) { return variance(L, 1); }

static int r_nanmean(lua_State *L) {
  gb_array *a = checkinput(L), *s, *n;
  redargs r;
  getargs(L, a, 2, MULTI, AXIS_KEEPDIMS, &r);
  s = newout(L, a, &r, GB_FLOAT64);
  check(L, gb_reduce(gbL_ctx(L), GB_RNANSUM, a, s, NULL, 0));
  n = newout(L, a, &r, GB_INT64);
  check(L, gb_reduce(gbL_ctx(L), GB_RCOUNTNUM, a, n, NULL, 0));
  for (int64_t i = 0; i < s->size; i++)
    ((double *)s->data)[i] /= (double)((int64_t *)n->data)[i];
  lua_pop(L, 1);
  convert(L, floatof(a->dtype));
  return finish(L, &r);
}

/* log(sum(exp(x))), shifted by the maximum so that nothing overflows. */
static int r_logsumexp(lua_State *L) {
  gb_array *a = checkinput(L), *m, *o;
  redargs r;
  getargs(L, a, 2, MULTI, AXIS_KEEPDIMS, &r);
  m = newout(L, a, &r, GB_FLOAT64);
  check(L, gb_reduce(gbL_ctx(L), GB_RMAX, a, m, NULL, 0));
  double *mx = (double *)m->data;
  for (int64_t i = 0; i < m->size; i++) if (!isfinite(mx[i])) mx[i] = 0;   /* as SciPy */
  o = newout(L, a, &r, GB_FLOAT64);
  check(L, gb_reduce(gbL_ctx(L), GB_RSUMEXP, a, o, m, 0));
  double *s = (double *)o->data;
  for (int64_t i = 0; i < o->size; i++) s[i] = log(s[i]) + mx[i];
  convert(L, floatof(a->dtype));
  return finish(L, &r);
}

/* Norms ------------------------------------------------------------------------------- */

/* ord: 'F' Frobenius (or the default), 'N' nuclear, or a number. */
static double getord(lua_State *L, int idx, int *kind) {
  *kind = 0;
  switch (lua_type(L, idx)) {
    case LUA_TNONE: case LUA_TNIL: *kind = 'D'; return 2;
    case LUA_TNUMBER: {
      double p = lua_tonumber(L, idx);
      if (p != p) gbL_error(L, "ord must not be NaN");
      return p;
    }
    case LUA_TSTRING: {
      const char *s = lua_tostring(L, idx);
      if (strcmp(s, "fro") == 0) { *kind = 'F'; return 2; }
      if (strcmp(s, "nuc") == 0) { *kind = 'N'; return 1; }
      if (strcmp(s, "inf") == 0) return HUGE_VAL;
      if (strcmp(s, "-inf") == 0) return -HUGE_VAL;
      return gbL_error(L, "unknown ord '%s' (expected a number, \"fro\", \"nuc\", \"inf\" or \"-inf\")", s);
    }
    default:
      return gbL_error(L, "ord must be a number or a string, got %s", luaL_typename(L, idx));
  }
}

/* Vector p-norm over r's axes into a new float64 keepdims array. */
static void vecnorm(lua_State *L, const gb_array *a, const redargs *r, double p) {
  gb_array *o = newout(L, a, r, GB_FLOAT64);
  if (p == HUGE_VAL || p == -HUGE_VAL) {
    noidentity(L, a, r, p > 0 ? GB_RMAXABS : GB_RMINABS);
    check(L, gb_reduce(gbL_ctx(L), p > 0 ? GB_RMAXABS : GB_RMINABS, a, o, NULL, 0));
  } else if (p == 0) {
    gb_array *c = newout(L, a, r, GB_INT64);
    check(L, gb_reduce(gbL_ctx(L), GB_RCOUNT, a, c, NULL, 0));
    check(L, gb_copy(gbL_ctx(L), o, c));
    lua_pop(L, 1);
  } else if (p == 1) {
    check(L, gb_reduce(gbL_ctx(L), GB_RSUMABS, a, o, NULL, 0));
  } else if (p == 2) {
    check(L, gb_reduce(gbL_ctx(L), GB_RSUMSQ, a, o, NULL, 0));
    scale(o, 1.0, 1);
  } else {
    check(L, gb_reduce(gbL_ctx(L), GB_RSUMPOW, a, o, NULL, p));
    scale(o, 1.0 / p, 2);
  }
}

/* Matrix norm over the axis pair (rows, cols) of r. */
static void matnorm(lua_State *L, const gb_array *a, const redargs *r, double p, int kind) {
  int row = r->axes[0], col = r->axes[1];
  if (kind == 'F' || kind == 'D') {
    vecnorm(L, a, r, 2);
    return;
  }
  if (kind == 'N' || p == 2 || p == -2)
    gbL_error(L, "this matrix norm needs singular values: use linalg.norm");
  if (p != 1 && p != -1 && p != HUGE_VAL && p != -HUGE_VAL)
    gbL_error(L, "invalid ord %g for a matrix norm (expected \"fro\", 1, -1, inf or -inf)", p);
  /* 1-norms: largest column sum, so sum over rows, then the extreme over columns */
  int first = (p == 1 || p == -1) ? row : col, second = first == row ? col : row;
  int op = p > 0 ? GB_RMAX : GB_RMIN;
  redargs r1 = *r;
  r1.reduce[second] = 0;
  noidentity(L, a, r, op);
  gb_array *s = newout(L, a, &r1, GB_FLOAT64);
  check(L, gb_reduce(gbL_ctx(L), GB_RSUMABS, a, s, NULL, 0));
  gb_array *o = newout(L, a, r, GB_FLOAT64);
  check(L, gb_reduce(gbL_ctx(L), op, s, o, NULL, 0));
  lua_remove(L, -2);
}

static int r_norm(lua_State *L) {
  gb_array *a = checkinput(L);
  redargs r;
  int kind, ordidx = 2, argidx = 3;
  if (lua_type(L, 2) == LUA_TTABLE && lua_rawlen(L, 2) == 0) {
    getargs(L, a, 2, MULTI, WITH_ORD, &r);
    lua_getfield(L, 2, "ord");
    ordidx = lua_gettop(L);
  } else {
    getargs(L, a, argidx, MULTI, WITH_ORD, &r);
  }
  double p = getord(L, ordidx, &kind);
  if (r.has_axis ? r.naxes == 2 : (kind != 'D' && a->ndim == 2)) {
    if (!r.has_axis) r.axes[0] = 0, r.axes[1] = 1;
    matnorm(L, a, &r, p, kind);
  } else if (r.has_axis ? r.naxes == 1 : (kind == 'D' || a->ndim == 1)) {
    if (kind == 'F' || kind == 'N') gbL_error(L, "ord '%s' needs a matrix (two axes)", kind == 'F' ? "fro" : "nuc");
    vecnorm(L, a, &r, p);
  } else if (r.has_axis) {
    gbL_error(L, "takes one axis (vector norm) or two (matrix norm), got %d", r.naxes);
  } else {
    gbL_error(L, "ord needs a 1-D or 2-D array, or an axis (got %d dimensions)", a->ndim);
  }
  convert(L, floatof(a->dtype));
  return finish(L, &r);
}

/* Positions of extremes ----------------------------------------------------------------- */

/* a as a 1-D view in C order, copied when not C-contiguous; pushes the
   array that holds the data. */
static gb_array flatten(lua_State *L, gb_array *a) {
  gb_array v;
  if (!gb_is_c_contiguous(a)) {
    gb_array *c = gbL_newlike(L, a, -1);
    check(L, gb_copy(gbL_ctx(L), c, a));
    a = c;
  } else {
    lua_pushvalue(L, 1);
  }
  v = *a;
  v.ndim = 1;
  v.shape[0] = a->size;
  v.strides[0] = (int64_t)gb_dtype_size(a->dtype);
  return v;
}

static int argext(lua_State *L, int max) {
  gb_array *a = checkinput(L), *o;
  redargs r;
  getargs(L, a, 2, 0, AXIS_KEEPDIMS, &r);
  if (reduced_count(a, &r) == 0 && kept_count(a, &r) > 0)
    gbL_error(L, "attempt to get %s of an empty sequence", max ? "argmax" : "argmin");
  if (r.has_axis) {
    o = newout(L, a, &r, GB_INT64);
    check(L, (max ? gb_argmax : gb_argmin)(gbL_ctx(L), a, r.axis, o));
    return finish(L, &r);
  }
  gb_array v = flatten(L, a);
  o = newout(L, a, &r, GB_INT64);
  gb_array ov = *o;
  ov.ndim = 1;
  ov.shape[0] = 1;
  ov.strides[0] = sizeof(int64_t);
  check(L, (max ? gb_argmax : gb_argmin)(gbL_ctx(L), &v, 0, &ov));
  return finish(L, &r);
}

static int r_argmax(lua_State *L) { return argext(L, 1); }
static int r_argmin(lua_State *L) { return argext(L, 0); }

/* Cumulative sums and products ------------------------------------------------------------ */

static int cumulative(lua_State *L, int prod) {
  gb_array *a = checkinput(L), v, *o;
  redargs r;
  if (!lua_isnoneornil(L, 3)) gbL_error(L, "takes only an axis");
  getargs(L, a, 2, 0, AXIS_ONLY, &r);
  int acc = isint(a->dtype) ? GB_INT64 : GB_FLOAT64;
  if (r.has_axis) {
    v = *a;
    lua_pushvalue(L, 1);
  } else {
    v = flatten(L, a);
    r.axis = 0;
  }
  o = gbL_newlike(L, &v, acc);
  check(L, (prod ? gb_cumprod : gb_cumsum)(gbL_ctx(L), &v, r.axis, o));
  convert(L, isint(a->dtype) ? GB_INT64 : a->dtype);
  return 1;
}

static int r_cumsum(lua_State *L) { return cumulative(L, 0); }
static int r_cumprod(lua_State *L) { return cumulative(L, 1); }

/* Quantiles ------------------------------------------------------------------------------- */

/*
** The lanes to reduce: a itself with its one reduced axis, or a copy of a
** with the kept axes first and the reduced ones merged into the last.
** Pushes the array holding the data; returns the lane axis.
*/
static int laneform(lua_State *L, const gb_array *a, const redargs *r, gb_array *b) {
  gb_array p;
  int nk = 0;
  if (r->has_axis && r->naxes == 1) {
    *b = *a;
    lua_pushvalue(L, 1);
    return r->axis;
  }
  p = *a;
  for (int i = 0; i < a->ndim; i++)
    if (!r->reduce[i]) p.shape[nk] = a->shape[i], p.strides[nk++] = a->strides[i];
  for (int j = 0, k = nk; j < a->ndim; j++)
    if (r->reduce[j]) p.shape[k] = a->shape[j], p.strides[k++] = a->strides[j];
  gb_array *c = gbL_newarray(L, a->dtype, a->ndim, p.shape);
  check(L, gb_copy(gbL_ctx(L), c, &p));
  *b = *c;
  b->ndim = nk + 1;
  b->shape[nk] = reduced_count(a, r);
  b->strides[nk] = (int64_t)gb_dtype_size(a->dtype);
  for (int i = nk - 1; i >= 0; i--)
    b->strides[i] = b->strides[i + 1] * (b->shape[i + 1] ? b->shape[i + 1] : 1);
  return nk;
}

/* Probabilities: a number (scalar result) or a list/array of them. */
static int getq(lua_State *L, int idx, double scalefac, double **q, int *isarray) {
  int nq;
  if (lua_type(L, idx) == LUA_TNUMBER) {
    *isarray = 0;
    nq = 1;
    *q = lua_newuserdatauv(L, sizeof(double), 0);
    (*q)[0] = lua_tonumber(L, idx) / scalefac;
  } else if (lua_type(L, idx) == LUA_TTABLE || gbL_testarray(L, idx)) {
    lua_pushvalue(L, idx);
    gb_array *qa = gbL_toarray(L, -1, GB_FLOAT64);
    if (qa->ndim != 1) gbL_error(L, "q must be a number or a 1-D list, got %d dimensions", qa->ndim);
    if (qa->shape[0] == 0) gbL_error(L, "q is empty");
    if (qa->shape[0] > 1 << 20) gbL_error(L, "too many quantiles (%lld)", (long long)qa->shape[0]);
    nq = (int)qa->shape[0];
    *isarray = 1;
    *q = lua_newuserdatauv(L, sizeof(double) * (size_t)nq, 0);
    for (int i = 0; i < nq; i++) (*q)[i] = gb_get_double(GB_FLOAT64, qa->data + i * qa->strides[0]) / scalefac;
    lua_remove(L, -2);
  } else {
    return gbL_error(L, "q must be a number or a list of numbers, got %s", luaL_typename(L, idx));
  }
  for (int i = 0; i < nq; i++)
    if (!((*q)[i] >= 0 && (*q)[i] <= 1))
      gbL_error(L, scalefac == 1 ? "quantiles must be in [0, 1], got %g"
                                 : "percentiles must be in [0, 100], got %g", (*q)[i] * scalefac);
  return nq;
}

static int quantile(lua_State *L, int median, double scalefac) {
  gb_array *a = checkinput(L), b, o;
  redargs r;
  double med = 0.5, *q = &med;
  int nq = 1, qarray = 0, first = median ? 2 : 3;
  lua_settop(L, first + 1);       /* temporaries go above the arguments */
  if (!median) {
    luaL_checkany(L, 2);
    nq = getq(L, 2, scalefac, &q, &qarray);   /* userdata kept on the stack */
  }
  getargs(L, a, first, MULTI, AXIS_KEEPDIMS, &r);
  /* result: [nq] followed by the kept (or keepdims) shape */
  int64_t shape[GB_MAXDIM + 1];
  int nd = 0, raxis[GB_MAXDIM];
  if (qarray) shape[nd++] = nq;
  for (int i = 0; i < a->ndim; i++) {
    raxis[i] = r.reduce[i] && !r.keepdims ? -1 : nd;
    if (raxis[i] >= 0) shape[nd++] = r.reduce[i] ? 1 : a->shape[i];
  }
  if (nd > GB_MAXDIM) gbL_error(L, "too many dimensions");
  gb_array *res = gbL_newarray(L, GB_FLOAT64, nd, shape);
  int ax = laneform(L, a, &r, &b);
  /* the kernel's view of res: b's shape, nq along the lane axis */
  o = b;
  o.data = res->data;
  o.dtype = GB_FLOAT64;
  o.shape[ax] = nq;
  o.strides[ax] = qarray ? res->strides[0] : 0;
  for (int i = 0, j = 0; i < a->ndim; i++) {
    if (r.reduce[i]) continue;
    int bi = (r.has_axis && r.naxes == 1) ? i : j++;
    o.strides[bi] = res->strides[raxis[i]];
  }
  check(L, gb_quantile(gbL_ctx(L), &b, ax, nq, q, median, &o));
  lua_pop(L, 1);
  convert(L, floatof(a->dtype));
  gb_array *x = gbL_checkarray(L, -1);
  if (x->ndim == 0) gbL_pushelement(L, x->dtype, x->data);   /* a number, as NumPy's scalar */
  return 1;
}

static int r_median(lua_State *L) { return quantile(L, 1, 1); }
static int r_quantile(lua_State *L) { return quantile(L, 0, 1); }
static int r_percentile(lua_State *L) { return quantile(L, 0, 100); }

/* Sorting and selection ----------------------------------------------------------------- */

/* The axis of sort-like functions at idx: default the last; pushes
   nothing.  Options: axis, and `extra` keys. */
static int sortaxis(lua_State *L, const gb_array *a, int idx, const char *const known[],
                    int *opts) {
  int axis;
  *opts = 0;
  if (a->ndim == 0) gbL_error(L, "cannot work on a 0-d array");
  if (lua_type(L, idx) == LUA_TTABLE && !gbL_testarray(L, idx)) {
    *opts = lua_absindex(L, idx);
    gbL_opts(L, *opts, known);
    lua_getfield(L, idx, "axis");
    axis = lua_isnil(L, -1) ? a->ndim - 1 : toaxis(L, -1, a->ndim);
    lua_pop(L, 1);
    return axis;
  }
  if (lua_isnoneornil(L, idx)) return a->ndim - 1;
  return toaxis(L, idx, a->ndim);
}

static int r_sort(lua_State *L) {
  gb_array *a = checkinput(L);
  int opts, axis = sortaxis(L, a, 2, AXIS_ONLY, &opts);
  gb_array *o = gbL_newlike(L, a, -1);
  check(L, gb_sort(gbL_ctx(L), a, axis, o));
  return 1;
}

static int r_argsort(lua_State *L) {
  gb_array *a = checkinput(L);
  int opts, axis = sortaxis(L, a, 2, AXIS_ONLY, &opts);
  gb_array *o = gbL_newlike(L, a, GB_INT64);
  check(L, gb_argsort(gbL_ctx(L), a, axis, o));
  return 1;
}

static int r_topk(lua_State *L) {
  gb_array *a = checkinput(L);
  lua_Integer k = luaL_checkinteger(L, 2);
  int opts, largest = 1, axis = sortaxis(L, a, 3, WITH_LARGEST, &opts);
  int64_t shape[GB_MAXDIM];
  if (opts) largest = gbL_optbool(L, opts, "largest", 1);
  if (k < 0 || k > a->shape[axis])
    gbL_error(L, "k = %lld out of range for an axis of length %lld", (long long)k,
              (long long)a->shape[axis]);
  memcpy(shape, a->shape, sizeof(int64_t) * (size_t)a->ndim);
  shape[axis] = k;
  gb_array *v = gbL_newarray(L, a->dtype, a->ndim, shape);
  gb_array *i = gbL_newarray(L, GB_INT64, a->ndim, shape);
  check(L, gb_topk(gbL_ctx(L), a, axis, k, largest, v, i));
  return 2;
}

static int cmpkth(const void *x, const void *y) {
  int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
  return (a > b) - (a < b);
}

static int partition(lua_State *L, int args) {
  gb_array *a = checkinput(L);
  int opts, axis = sortaxis(L, a, 3, AXIS_ONLY, &opts), nk;
  int64_t n = a->shape[axis], *kth;
  luaL_checkany(L, 2);
  if (lua_type(L, 2) == LUA_TTABLE) {
    nk = (int)lua_rawlen(L, 2);
    if (nk == 0) gbL_error(L, "k is an empty list");
  } else {
    nk = 1;
  }
  kth = lua_newuserdatauv(L, sizeof(int64_t) * (size_t)nk, 0);
  for (int j = 0; j < nk; j++) {
    int ok;
    if (lua_type(L, 2) == LUA_TTABLE) lua_rawgeti(L, 2, j + 1);
    else lua_pushvalue(L, 2);
    lua_Integer k = lua_tointegerx(L, -1, &ok);
    if (!ok) gbL_error(L, "k must be an integer or a list of integers, got %s", luaL_typename(L, -1));
    lua_pop(L, 1);
    if (k == 0 || k > n || k < -n)
      gbL_error(L, "k = %lld out of range for an axis of length %lld", (long long)k, (long long)n);
    kth[j] = k > 0 ? k - 1 : n + k;
  }
  qsort(kth, (size_t)nk, sizeof *kth, cmpkth);
  gb_array *o = gbL_newlike(L, a, args ? GB_INT64 : -1);
  check(L, gb_partition(gbL_ctx(L), a, axis, nk, kth, args ? NULL : o, args ? o : NULL));
  return 1;
}

static int r_partition(lua_State *L) { return partition(L, 0); }
static int r_argpartition(lua_State *L) { return partition(L, 1); }

/* Registration ---------------------------------------------------------------------------- */

static const luaL_Reg funcs[] = {
  {"sum", r_sum},
  {"prod", r_prod},
  {"mean", r_mean},
  {"var", r_var},
  {"std", r_std},
  {"min", r_min},
  {"max", r_max},
  {"argmin", r_argmin},
  {"argmax", r_argmax},
  {"cumsum", r_cumsum},
  {"cumprod", r_cumprod},
  {"logsumexp", r_logsumexp},
  {"norm", r_norm},
  {"any", r_any},
  {"all", r_all},
  {"count_nonzero", r_count_nonzero},
  {"median", r_median},
  {"quantile", r_quantile},
  {"percentile", r_percentile},
  {"nansum", r_nansum},
  {"nanmean", r_nanmean},
  {"nanmin", r_nanmin},
  {"nanmax", r_nanmax},
  {"sort", r_sort},
  {"argsort", r_argsort},
  {"topk", r_topk},
  {"partition", r_partition},
  {"argpartition", r_argpartition},
  {NULL, NULL}
};

/* Methods are the plain functions; the module forms are closures (one
   upvalue) so that they are distinct values and errors name them
   "array.sum" rather than "array:sum". */
void gbL_array_reduce(lua_State *L, int mod, int meth) {
  mod = lua_absindex(L, mod);
  gbL_setfuncs(L, meth, funcs);
  for (const luaL_Reg *l = funcs; l->name; l++) {
    lua_pushboolean(L, 1);
    lua_pushcclosure(L, l->func, 1);
    lua_setfield(L, mod, l->name);
  }
}
