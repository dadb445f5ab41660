/*
** special: special functions of native/core/special.c, elementwise on
** numbers and arrays (broadcast together), with an optional output array
** as the last argument: special.gammainc(a, x [, out]).
*/
#include "internal.h"
#include "special.h"

typedef struct sfunc {
  const char *name;
  int nin;
  double (*f1)(double);
  double (*f2)(double, double);
  double (*f3)(double, double, double);
} sfunc;

static double call1(const void *ctx, const double *x) {
  return ((const sfunc *)ctx)->f1(x[0]);
}
static double call2(const void *ctx, const double *x) {
  return ((const sfunc *)ctx)->f2(x[0], x[1]);
}
static double call3(const void *ctx, const double *x) {
  return ((const sfunc *)ctx)->f3(x[0], x[1], x[2]);
}

#define F1(n) {#n, 1, gb_##n, NULL, NULL}
#define F2(n) {#n, 2, NULL, gb_##n, NULL}
#define F3(n) {#n, 3, NULL, NULL, gb_##n}

static const sfunc funcs[] = {
  F1(gammaln), F1(gamma), F1(digamma), F2(polygamma), F2(zeta),
  F2(beta), F2(betaln),
  F1(erf), F1(erfc), F1(erfinv), F1(erfcinv), F1(ndtr), F1(ndtri),
  F2(gammainc), F2(gammaincc), F2(gammaincinv), F2(gammainccinv),
  F3(betainc), F3(betaincc), F3(betaincinv), F3(betainccinv),
  F1(expit), F1(logit), F2(xlogy), F2(xlog1py), F1(log1mexp), F2(logaddexp),
};

static int apply(lua_State *L) {
  const sfunc *f = lua_touserdata(L, lua_upvalueindex(1));
  gbL_mapfn fn = f->nin == 1 ? call1 : f->nin == 2 ? call2 : call3;
  if (lua_gettop(L) > f->nin + 1)
    return gbL_error(L, "expected %d argument%s and an optional out array, got %d",
                     f->nin, f->nin > 1 ? "s" : "", lua_gettop(L));
  return gbL_map(L, 1, f->nin, f->nin + 1, fn, f);
}

int luaopen_special(lua_State *L) {
  int n = (int)(sizeof funcs / sizeof funcs[0]);
  lua_createtable(L, 0, n);
  for (int i = 0; i < n; i++) {
    lua_pushlightuserdata(L, (void *)&funcs[i]);
    lua_pushcclosure(L, apply, 1);
    lua_setfield(L, -2, funcs[i].name);
  }
  return 1;
}
