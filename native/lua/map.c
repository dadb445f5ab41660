/*
** gbL_map: a scalar function of a few doubles applied to every element of
** broadcast arguments, as the special functions and the distributions'
** methods need.  Numbers in, a number out, with no array made on the way;
** otherwise a float64 array (or the given output array).  The broadcasting,
** dtype conversion and threads are gb_map's (native/core/ufunc.c).
*/
#include <string.h>

#include "internal.h"
#include "ufunc.h"

/* The inputs as arrays (numbers and tables converted in the stack). */
static void getinputs(lua_State *L, int first, int nin, const gb_array **in) {
  for (int k = 0; k < nin; k++) {
    int idx = first + k;
    if (lua_isnoneornil(L, idx))
      gbL_error(L, "argument %d is missing (a number or an array expected)", idx);
    gb_array *a = gbL_testarray(L, idx);
    if (!a) {
      int t = lua_type(L, idx);
      if (t != LUA_TNUMBER && t != LUA_TTABLE)
        gbL_error(L, "argument %d must be a number or an array, got %s", idx,
                  luaL_typename(L, idx));
      a = gbL_toarray(L, idx, GB_FLOAT64);
    }
    in[k] = a;
  }
}

static int broadcast(lua_State *L, const gb_array **in, int nin, int64_t *shape) {
  int nd = 0;
  for (int k = 0; k < nin; k++) {
    int64_t tmp[GB_MAXDIM];
    int ndt;
    if (gb_broadcast_shapes(nd, shape, in[k]->ndim, in[k]->shape, &ndt, tmp) != GB_OK) {
      char a[GB_MAXDIM * 24], b[GB_MAXDIM * 24];
      gb_format_shape(a, sizeof a, nd, shape);
      gb_format_shape(b, sizeof b, in[k]->ndim, in[k]->shape);
      gbL_error(L, "arguments could not be broadcast together (shapes %s and %s)", a, b);
    }
    nd = ndt;
    memcpy(shape, tmp, sizeof(int64_t) * (size_t)nd);
  }
  return nd;
}

/* The output: the array at iout, or a new float64 array; pushed. */
static gb_array *getoutput(lua_State *L, int iout, int nd, const int64_t *shape) {
  if (iout == 0 || lua_isnoneornil(L, iout)) return gbL_newarray(L, GB_FLOAT64, nd, shape);
  gb_array *out = gbL_testarray(L, iout);
  if (!out) gbL_error(L, "out must be an array, got %s", luaL_typename(L, iout));
  int same = out->ndim == nd;
  for (int i = 0; same && i < nd; i++) same = out->shape[i] == shape[i];
  if (!same) {
    char want[GB_MAXDIM * 24], got[GB_MAXDIM * 24];
    gb_format_shape(want, sizeof want, nd, shape);
    gb_format_shape(got, sizeof got, out->ndim, out->shape);
    gbL_error(L, "out has shape %s but the result has shape %s", got, want);
  }
  if (out->dtype != GB_FLOAT64 && out->dtype != GB_FLOAT32)
    gbL_error(L, "out must be float64 or float32, got %s", gb_dtype_name(out->dtype));
  lua_pushvalue(L, iout);
  return out;
}

int gbL_map(lua_State *L, int first, int nin, int iout, gbL_mapfn fn, const void *ctx) {
  int allnum = iout == 0 || lua_isnoneornil(L, iout);
  for (int k = 0; k < nin && allnum; k++) allnum = lua_type(L, first + k) == LUA_TNUMBER;
  if (allnum) {
    double x[GBL_MAPMAX];
    for (int k = 0; k < nin; k++) x[k] = lua_tonumber(L, first + k);
    lua_pushnumber(L, fn(ctx, x));
    return 1;
  }
  const gb_array *in[GBL_MAPMAX];
  int64_t shape[GB_MAXDIM];
  getinputs(L, first, nin, in);
  int nd = broadcast(L, in, nin, shape);
  gb_array *out = getoutput(L, iout, nd, shape);
  int st = gb_map(gbL_ctx(L), fn, ctx, nin, out, in);
  if (st != GB_OK) gbL_statuserror(L, NULL, st);
  return 1;
}
