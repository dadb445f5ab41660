/*
** array: arithmetic operators, comparisons, logical operations and
** elementwise math, as operators, module functions with an optional output
** array, and methods.  The kernels are in native/core/ufunc.c; this file
** reads the operands, applies NumPy's promotion (Lua numbers and booleans
** are "weak" scalars that take the array's dtype when they fit its kind,
** as in NumPy 2), checks shapes and the output, and names the function in
** every error.
*/
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"
#include "ufunc.h"

/* What a public function does. */
enum { F_BINARY, F_UNARY, F_CLIP, F_WHERE, F_ROUND };

typedef struct fdesc {
  const char *name;        /* in the module: array.<name> */
  int kind;                /* F_* */
  int op;                  /* gb_binop / gb_unop */
  int method;              /* also a method a:<name>(...) */
} fdesc;

/* Operands ------------------------------------------------------------------ */

enum { S_ARRAY, S_BOOL, S_INT, S_FLOAT };

typedef struct operand {
  gb_array *a;             /* the array, or a 0-d header on buf for a scalar */
  int kind;                /* S_*: arrays are strong, Lua scalars weak */
  lua_Integer i;
  lua_Number d;
  gb_array scalar;
  char buf[8];
} operand;

/* Errors are prefixed with the public name of the function. */
static int fail(lua_State *L, const fdesc *f, const char *fmt, ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return luaL_error(L, "array.%s: %s", f->name, msg);
}

static void getoperand(lua_State *L, const fdesc *f, int idx, operand *o) {
  o->a = gbL_testarray(L, idx);
  o->kind = S_ARRAY;
  if (o->a) return;
  switch (lua_type(L, idx)) {
    case LUA_TNUMBER:
      if (lua_isinteger(L, idx)) {
        o->kind = S_INT;
        o->i = lua_tointeger(L, idx);
      } else {
        o->kind = S_FLOAT;
        o->d = lua_tonumber(L, idx);
      }
      break;
    case LUA_TBOOLEAN:
      o->kind = S_BOOL;
      o->i = lua_toboolean(L, idx);
      break;
    case LUA_TTABLE:
      o->a = gbL_toarray(L, idx, -1);
      break;
    default:
      fail(L, f, "bad argument #%d (array, number or table expected, got %s)", idx,
           luaL_typename(L, idx));
  }
}

static int natural_dtype(const operand *o) {
  switch (o->kind) {
    case S_ARRAY: return o->a->dtype;
    case S_BOOL: return GB_BOOL;
    case S_INT: return GB_INT64;
    default: return GB_FLOAT64;
  }
}

/*
** NumPy 2's promotion: arrays promote among themselves; a Lua number then
** changes the dtype only when it is of a higher kind (an integer with a
** bool array, a float with an int64 or bool array).  Scalars alone take
** their natural dtypes.
*/
static int common_dtype(const operand *o, int n) {
  int d = -1;
  for (int k = 0; k < n; k++)
    if (o[k].kind == S_ARRAY) d = d < 0 ? o[k].a->dtype : gb_promote(d, o[k].a->dtype);
  if (d < 0) {
    d = natural_dtype(&o[0]);
    for (int k = 1; k < n; k++) d = gb_promote(d, natural_dtype(&o[k]));
    return d;
  }
  for (int k = 0; k < n; k++)
    if (o[k].kind == S_INT || o[k].kind == S_FLOAT) d = gb_promote_scalar(d, o[k].kind == S_FLOAT);
  return d;
}

/* Scalars become 0-d headers holding their value in dtype. */
static void settle_scalar(operand *o, int dtype) {
  if (o->kind == S_ARRAY) return;
  memset(&o->scalar, 0, sizeof o->scalar);
  o->scalar.data = o->buf;
  o->scalar.dtype = dtype;
  o->scalar.ndim = 0;
  o->scalar.size = 1;
  if (o->kind == S_FLOAT) gb_set_double(dtype, o->buf, o->d);
  else gb_set_int(dtype, o->buf, o->i);
  o->a = &o->scalar;
}

static int all_scalars(const operand *o, int n) {
  for (int k = 0; k < n; k++)
    if (o[k].kind == S_ARRAY) return 0;
  return 1;
}

/* Shapes and the output --------------------------------------------------- */

static int broadcast_all(lua_State *L, const fdesc *f, const operand *o, int n,
                         int64_t *shape) {
  int nd = 0;
  for (int k = 0; k < n; k++) {
    int64_t tmp[GB_MAXDIM];
    int ndt;
    if (gb_broadcast_shapes(nd, shape, o[k].a->ndim, o[k].a->shape, &ndt, tmp) != GB_OK) {
      char buf[GB_MAXDIM * 24 * GB_ITER_MAXOP] = "";
      size_t used = 0;
      for (int j = 0; j < n; j++) {
        char s[GB_MAXDIM * 24];
        gb_format_shape(s, sizeof s, o[j].a->ndim, o[j].a->shape);
        used += (size_t)snprintf(buf + used, sizeof buf - used, "%s%s", j ? " " : "", s);
        if (used >= sizeof buf) break;
      }
      fail(L, f, "operands could not be broadcast together with shapes %s", buf);
    }
    nd = ndt;
    memcpy(shape, tmp, sizeof(int64_t) * (size_t)nd);
  }
  return nd;
}

/* Large fresh buffers are asked to live on huge pages, as NumPy does: first
   touching 4 KiB pages costs far more than the arithmetic. */
static void advise_huge(const gb_array *a) {
#ifdef MADV_HUGEPAGE
  size_t nbytes = (size_t)a->size * gb_dtype_size(a->dtype);
  if (nbytes >= ((size_t)4 << 20)) {
    long pg = sysconf(_SC_PAGESIZE);
    uintptr_t page = pg > 0 ? (uintptr_t)pg : 4096;
    uintptr_t lo = ((uintptr_t)a->data + page - 1) & ~(page - 1);
    uintptr_t hi = ((uintptr_t)a->data + nbytes) & ~(page - 1);
    if (hi > lo) madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
  }
#else
  (void)a;
#endif
}

/*
** The output: the array at idx (which must have the broadcast shape and a
** dtype the result casts to under same_kind), or a new one.  Either way it
** is pushed.
*/
static gb_array *getout(lua_State *L, const fdesc *f, int idx, int dtype, int nd,
                        const int64_t *shape) {
  gb_array *out;
  if (idx == 0 || lua_isnoneornil(L, idx)) {
    out = gbL_newarray(L, dtype, nd, shape);
    advise_huge(out);
    return out;
  }
  out = gbL_testarray(L, idx);
  if (!out) fail(L, f, "out must be an array, got %s", luaL_typename(L, idx));
  int same = out->ndim == nd;
  for (int i = 0; same && i < nd; i++) same = out->shape[i] == shape[i];
  if (!same) {
    char want[GB_MAXDIM * 24], got[GB_MAXDIM * 24];
    gb_format_shape(want, sizeof want, nd, shape);
    gb_format_shape(got, sizeof got, out->ndim, out->shape);
    fail(L, f, "out has shape %s but the result has shape %s", got, want);
  }
  if (!gb_can_cast(dtype, out->dtype))
    fail(L, f, "cannot cast the %s result to out's dtype %s (NumPy's same_kind rule)",
         gb_dtype_name(dtype), gb_dtype_name(out->dtype));
  lua_pushvalue(L, idx);
  return out;
}

static int statuserror(lua_State *L, const fdesc *f, int st) {
  if (st == GB_EINVAL && f->kind == F_BINARY && f->op == GB_POW)
    return fail(L, f, "integers to negative integer powers are not allowed");
  if (st == GB_EINVAL && (f->kind == F_BINARY || f->kind == F_UNARY))
    return fail(L, f, "integer division by zero");
  lua_pushfstring(L, "array.%s", f->name);
  return gbL_statuserror(L, lua_tostring(L, -1), st);
}

/* A result computed from Lua scalars only is returned as a Lua value. */
static int result(lua_State *L, const operand *o, int n, int has_out) {
  if (!has_out && all_scalars(o, n)) {
    gb_array *r = gbL_checkarray(L, -1);
    gbL_pushelement(L, r->dtype, r->data);
  }
  return 1;
}

/* The dtype the operation does not take, explained. */
static int typeerror(lua_State *L, const fdesc *f, int dtype) {
  const char *hint = "";
  if (dtype == GB_BOOL && f->op == GB_SUB && f->kind == F_BINARY)
    hint = " (use array.logical_xor, or ~ on bool arrays)";
  else if (dtype == GB_BOOL && f->op == GB_NEGATIVE && f->kind == F_UNARY)
    hint = " (use array.logical_not, or ~ on bool arrays)";
  else if (dtype >= GB_FLOAT32)
    hint = " (it needs bool or int64 operands)";
  return fail(L, f, "not supported for %s operands%s", gb_dtype_name(dtype), hint);
}

/* The functions --------------------------------------------------------------- */

/* f(a, b [, out]) */
static int binary(lua_State *L, const fdesc *f, int iout) {
  operand o[2];
  int64_t shape[GB_MAXDIM];
  int loop, res, st, nd;
  getoperand(L, f, 1, &o[0]);
  getoperand(L, f, 2, &o[1]);
  if (gb_binop_types(f->op, common_dtype(o, 2), &loop, &res) != GB_OK)
    return typeerror(L, f, common_dtype(o, 2));
  settle_scalar(&o[0], loop);
  settle_scalar(&o[1], loop);
  nd = broadcast_all(L, f, o, 2, shape);
  gb_array *out = getout(L, f, iout, res, nd, shape);
  if ((st = gb_binop(gbL_ctx(L), f->op, loop, out, o[0].a, o[1].a)) != GB_OK) return statuserror(L, f, st);
  return result(L, o, 2, iout && !lua_isnoneornil(L, iout));
}

/* f(a [, out]) */
static int unary(lua_State *L, const fdesc *f, int iout) {
  operand o;
  int loop, res, st;
  getoperand(L, f, 1, &o);
  if (gb_unop_types(f->op, natural_dtype(&o), &loop, &res) != GB_OK)
    return typeerror(L, f, natural_dtype(&o));
  settle_scalar(&o, natural_dtype(&o));
  gb_array *out = getout(L, f, iout, res, o.a->ndim, o.a->shape);
  if ((st = gb_unop(gbL_ctx(L), f->op, loop, out, o.a)) != GB_OK) return statuserror(L, f, st);
  return result(L, &o, 1, iout && !lua_isnoneornil(L, iout));
}

/*
** clip(a, lo, hi [, out]) = minimum(maximum(a, lo), hi), NaN propagating,
** with lo or hi nil for no bound.  Done in the result dtype, through a
** temporary when out has another one.
*/
static int clip(lua_State *L, const fdesc *f) {
  operand o[3];
  int64_t shape[GB_MAXDIM];
  int n = 0, has_out = !lua_isnoneornil(L, 4), st;
  int bound[2] = {0, 0};
  getoperand(L, f, 1, &o[n++]);
  for (int k = 0; k < 2; k++)
    if (!lua_isnoneornil(L, 2 + k)) {
      getoperand(L, f, 2 + k, &o[n++]);
      bound[k] = n - 1;
    }
  int dt = common_dtype(o, n);
  for (int k = 0; k < n; k++) settle_scalar(&o[k], dt);
  int nd = broadcast_all(L, f, o, n, shape);
  gb_array *out = getout(L, f, has_out ? 4 : 0, dt, nd, shape);
  gb_array *acc = out;
  if (out->dtype != dt) acc = gbL_newarray(L, dt, nd, shape);
  const gb_array *cur = o[0].a;
  st = GB_OK;
  if (bound[0]) {
    st = gb_binop(gbL_ctx(L), GB_MAXIMUM, dt, acc, cur, o[bound[0]].a);
    cur = acc;
  }
  if (st == GB_OK && bound[1]) {
    st = gb_binop(gbL_ctx(L), GB_MINIMUM, dt, acc, cur, o[bound[1]].a);
    cur = acc;
  }
  if (st == GB_OK && cur != acc) st = gb_copy(gbL_ctx(L), acc, cur);
  if (st == GB_OK && acc != out) {
    st = gb_copy(gbL_ctx(L), out, acc);
    lua_pop(L, 1);
  }
  if (st != GB_OK) return statuserror(L, f, st);
  return result(L, o, n, has_out);
}

/* where(mask, x, y): x where mask is true, else y. */
static int where(lua_State *L, const fdesc *f) {
  operand o[3];
  int64_t shape[GB_MAXDIM];
  int st;
  getoperand(L, f, 1, &o[0]);
  getoperand(L, f, 2, &o[1]);
  getoperand(L, f, 3, &o[2]);
  settle_scalar(&o[0], GB_BOOL);
  int dt = common_dtype(o + 1, 2);
  settle_scalar(&o[1], dt);
  settle_scalar(&o[2], dt);
  int nd = broadcast_all(L, f, o, 3, shape);
  gb_array *out = getout(L, f, 0, dt, nd, shape);
  if ((st = gb_where(gbL_ctx(L), out, o[0].a, o[1].a, o[2].a)) != GB_OK) return statuserror(L, f, st);
  return result(L, o, 3, 0);
}

/* round(a [, decimals] [, out]) */
static int round_(lua_State *L, const fdesc *f) {
  operand o;
  int iout = 2, st;
  lua_Integer decimals = 0;
  getoperand(L, f, 1, &o);
  if (lua_type(L, 2) == LUA_TNUMBER) {
    int ok;
    decimals = lua_tointegerx(L, 2, &ok);
    if (!ok) fail(L, f, "decimals must be an integer");
    if (decimals < -1000 || decimals > 1000) fail(L, f, "decimals out of range");
    iout = 3;
  } else if (!lua_isnoneornil(L, 2) && !gbL_testarray(L, 2)) {
    fail(L, f, "bad argument #2 (decimals or out expected, got %s)", luaL_typename(L, 2));
  }
  settle_scalar(&o, natural_dtype(&o));
  gb_array *out = getout(L, f, iout, o.a->dtype, o.a->ndim, o.a->shape);
  if ((st = gb_round(gbL_ctx(L), out, o.a, (int)decimals)) != GB_OK) {
    if (st == GB_EINVAL) fail(L, f, "decimals %d is out of range for int64 (at least -18)",
                              (int)decimals);
    return statuserror(L, f, st);
  }
  return result(L, &o, 1, !lua_isnoneornil(L, iout));
}

static int call(lua_State *L) {
  const fdesc *f = lua_touserdata(L, lua_upvalueindex(1));
  /* fixed argument slots, so that absent ones read as nil */
  switch (f->kind) {
    case F_BINARY: lua_settop(L, 3); return binary(L, f, 3);
    case F_UNARY: lua_settop(L, 2); return unary(L, f, 2);
    case F_CLIP: lua_settop(L, 4); return clip(L, f);
    case F_WHERE: lua_settop(L, 3); return where(L, f);
    default: lua_settop(L, 3); return round_(L, f);
  }
}

/* Operators: two operands (Lua passes unary ones twice). */
static int metabinary(lua_State *L) {
  lua_settop(L, 2);
  return binary(L, lua_touserdata(L, lua_upvalueindex(1)), 0);
}

static int metaunary(lua_State *L) {
  lua_settop(L, 1);
  return unary(L, lua_touserdata(L, lua_upvalueindex(1)), 0);
}

static int metacompare(lua_State *L) {
  return luaL_error(L, "array: arrays are compared elementwise with a:lt(b), a:le(b), "
                    "a:gt(b), a:ge(b), a:eq(b), a:ne(b), which return bool arrays");
}

/* Registration ---------------------------------------------------------------- */

static const fdesc funcs[] = {
  /* arithmetic */
  {"add", F_BINARY, GB_ADD, 0},
  {"sub", F_BINARY, GB_SUB, 0},
  {"subtract", F_BINARY, GB_SUB, 0},
  {"mul", F_BINARY, GB_MUL, 0},
  {"multiply", F_BINARY, GB_MUL, 0},
  {"div", F_BINARY, GB_DIV, 0},
  {"divide", F_BINARY, GB_DIV, 0},
  {"floor_divide", F_BINARY, GB_FLOORDIV, 0},
  {"mod", F_BINARY, GB_MOD, 0},
  {"remainder", F_BINARY, GB_MOD, 0},
  {"pow", F_BINARY, GB_POW, 0},
  {"power", F_BINARY, GB_POW, 0},
  {"negative", F_UNARY, GB_NEGATIVE, 0},
  /* comparison and logic */
  {"lt", F_BINARY, GB_LT, 1},
  {"le", F_BINARY, GB_LE, 1},
  {"gt", F_BINARY, GB_GT, 1},
  {"ge", F_BINARY, GB_GE, 1},
  {"eq", F_BINARY, GB_EQ, 1},
  {"ne", F_BINARY, GB_NE, 1},
  {"less", F_BINARY, GB_LT, 0},
  {"less_equal", F_BINARY, GB_LE, 0},
  {"greater", F_BINARY, GB_GT, 0},
  {"greater_equal", F_BINARY, GB_GE, 0},
  {"equal", F_BINARY, GB_EQ, 0},
  {"not_equal", F_BINARY, GB_NE, 0},
  {"logical_and", F_BINARY, GB_LOGICAL_AND, 0},
  {"logical_or", F_BINARY, GB_LOGICAL_OR, 0},
  {"logical_xor", F_BINARY, GB_LOGICAL_XOR, 0},
  {"logical_not", F_UNARY, GB_LOGICAL_NOT, 0},
  {"bitwise_and", F_BINARY, GB_BITAND, 0},
  {"bitwise_or", F_BINARY, GB_BITOR, 0},
  {"bitwise_xor", F_BINARY, GB_BITXOR, 0},
  {"invert", F_UNARY, GB_INVERT, 0},
  {"where", F_WHERE, 0, 0},
  /* elementwise math */
  {"abs", F_UNARY, GB_ABS, 1},
  {"absolute", F_UNARY, GB_ABS, 0},
  {"sign", F_UNARY, GB_SIGN, 1},
  {"square", F_UNARY, GB_SQUARE, 1},
  {"reciprocal", F_UNARY, GB_RECIPROCAL, 1},
  {"sqrt", F_UNARY, GB_SQRT, 1},
  {"cbrt", F_UNARY, GB_CBRT, 1},
  {"exp", F_UNARY, GB_EXP, 1},
  {"exp2", F_UNARY, GB_EXP2, 1},
  {"expm1", F_UNARY, GB_EXPM1, 1},
  {"log", F_UNARY, GB_LOG, 1},
  {"log2", F_UNARY, GB_LOG2, 1},
  {"log10", F_UNARY, GB_LOG10, 1},
  {"log1p", F_UNARY, GB_LOG1P, 1},
  {"sin", F_UNARY, GB_SIN, 1},
  {"cos", F_UNARY, GB_COS, 1},
  {"tan", F_UNARY, GB_TAN, 1},
  {"arcsin", F_UNARY, GB_ASIN, 1},
  {"arccos", F_UNARY, GB_ACOS, 1},
  {"arctan", F_UNARY, GB_ATAN, 1},
  {"asin", F_UNARY, GB_ASIN, 0},
  {"acos", F_UNARY, GB_ACOS, 0},
  {"atan", F_UNARY, GB_ATAN, 0},
  {"sinh", F_UNARY, GB_SINH, 1},
  {"cosh", F_UNARY, GB_COSH, 1},
  {"tanh", F_UNARY, GB_TANH, 1},
  {"arcsinh", F_UNARY, GB_ASINH, 1},
  {"arccosh", F_UNARY, GB_ACOSH, 1},
  {"arctanh", F_UNARY, GB_ATANH, 1},
  {"asinh", F_UNARY, GB_ASINH, 0},
  {"acosh", F_UNARY, GB_ACOSH, 0},
  {"atanh", F_UNARY, GB_ATANH, 0},
  {"floor", F_UNARY, GB_FLOOR, 1},
  {"ceil", F_UNARY, GB_CEIL, 1},
  {"trunc", F_UNARY, GB_TRUNC, 1},
  {"rint", F_UNARY, GB_RINT, 1},
  {"round", F_ROUND, 0, 1},
  {"isnan", F_UNARY, GB_ISNAN, 1},
  {"isinf", F_UNARY, GB_ISINF, 1},
  {"isfinite", F_UNARY, GB_ISFINITE, 1},
  {"maximum", F_BINARY, GB_MAXIMUM, 1},
  {"minimum", F_BINARY, GB_MINIMUM, 1},
  {"fmax", F_BINARY, GB_FMAX, 1},
  {"fmin", F_BINARY, GB_FMIN, 1},
  {"arctan2", F_BINARY, GB_ATAN2, 1},
  {"atan2", F_BINARY, GB_ATAN2, 0},
  {"hypot", F_BINARY, GB_HYPOT, 1},
  {"clip", F_CLIP, 0, 1},
  {NULL, 0, 0, 0}
};

/* Operators share the descriptions of their module functions. */
static const struct { const char *event, *func; lua_CFunction fn; } operators[] = {
  {"__add", "add", metabinary},
  {"__sub", "sub", metabinary},
  {"__mul", "mul", metabinary},
  {"__div", "div", metabinary},
  {"__idiv", "floor_divide", metabinary},
  {"__mod", "mod", metabinary},
  {"__pow", "pow", metabinary},
  {"__unm", "negative", metaunary},
  {"__band", "bitwise_and", metabinary},
  {"__bor", "bitwise_or", metabinary},
  {"__bxor", "bitwise_xor", metabinary},
  {"__bnot", "invert", metaunary},
  {NULL, NULL, NULL}
};

static const fdesc *find(const char *name) {
  for (const fdesc *f = funcs; f->name; f++)
    if (strcmp(f->name, name) == 0) return f;
  return NULL;
}

void gbL_array_math(lua_State *L, int mod, int meth) {
  mod = lua_absindex(L, mod);
  meth = lua_absindex(L, meth);
  for (const fdesc *f = funcs; f->name; f++) {
    lua_pushlightuserdata(L, (void *)f);
    lua_pushcclosure(L, call, 1);
    if (f->method) {
      lua_pushvalue(L, -1);
      lua_setfield(L, meth, f->name);
    }
    lua_setfield(L, mod, f->name);
  }
  luaL_getmetatable(L, GBL_ARRAY);
  for (int i = 0; operators[i].event; i++) {
    lua_pushlightuserdata(L, (void *)find(operators[i].func));
    lua_pushcclosure(L, operators[i].fn, 1);
    lua_setfield(L, -2, operators[i].event);
  }
  lua_pushcfunction(L, metacompare);
  lua_setfield(L, -2, "__lt");
  lua_pushcfunction(L, metacompare);
  lua_setfield(L, -2, "__le");
  lua_pop(L, 1);
}
