/*
** array: printing, the way NumPy prints.
**
**   tostring(array{{1.5, 2}, {3, 4}})  -->
**   array([[1.5, 2. ],
**          [3. , 4. ]], shape={2, 2}, dtype=float64)
**
** Floats use the shortest representation that reads back to the same
** value, with at most `precision` digits after the point; one notation for
** the whole array (scientific when the magnitudes call for it, as NumPy
** decides), aligned on the decimal point.  Arrays with more than
** `threshold` elements are summarised: `edgeitems` at each end of every
** axis and "..." between, and only the shown elements are ever formatted.
** Lines wrap at `linewidth`.
*/
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

typedef struct printopts {
  int precision, edgeitems, linewidth, suppress;
  int64_t threshold;
} printopts;

/* The options of this Lua state, kept in the registry (each embedded
   state has its own). */
#define OPTS_KEY "gibbs.printopts"

static printopts *getopts(lua_State *L) {
  printopts *o;
  if (lua_getfield(L, LUA_REGISTRYINDEX, OPTS_KEY) == LUA_TUSERDATA) {
    o = lua_touserdata(L, -1);
  } else {
    lua_pop(L, 1);
    o = lua_newuserdatauv(L, sizeof *o, 0);
    *o = (printopts){8, 3, 75, 0, 1000};
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, OPTS_KEY);
  }
  lua_pop(L, 1);                   /* the registry keeps it alive */
  return o;
}

/* How elements are written, decided from every element shown. */
typedef struct format {
  int dtype;
  int summarise;
  int sci;              /* scientific notation for floats */
  int frac;             /* digits after the point (fixed) or in the mantissa (sci) */
  int width;            /* of every element */
  int expw;             /* digits of the exponent (sci): at least 2 */
  printopts o;
} format;

/* Formatting one number ------------------------------------------------------------ */

/* Does text read back to x (in x's precision)? */
static int reads_back(const char *text, double x, int f32) {
  double y = strtod(text, NULL);
  return f32 ? (float)y == (float)x : y == x;
}

/* The fewest digits after the point (at most max) that still read back to
   x in the given notation; when none does, x rounded to max digits with
   its trailing zeros dropped (NumPy's "maxprec"). */
static int digits_needed(double x, int sci, int max, int f32) {
  char buf[64];
  for (int d = 0; d < max; d++) {
    snprintf(buf, sizeof buf, sci ? "%.*e" : "%.*f", d, x);
    if (reads_back(buf, x, f32)) return d;
  }
  snprintf(buf, sizeof buf, sci ? "%.*e" : "%.*f", max, x);
  char *end = sci ? strchr(buf, 'e') : buf + strlen(buf);
  int d = max;
  while (d > 0 && end[-1] == '0') { end--; d--; }
  return d;
}

/* x written with frac digits (fixed) or a frac-digit mantissa (sci),
   NumPy style: "1." for a whole number, "1.5e+10", "nan", "-inf". */
static void write_float(char *buf, size_t n, double x, int sci, int frac, int expw) {
  if (isnan(x)) { snprintf(buf, n, "nan"); return; }
  if (isinf(x)) { snprintf(buf, n, x < 0 ? "-inf" : "inf"); return; }
  if (!sci) {
    snprintf(buf, n, "%.*f", frac, x);
    if (frac == 0) strncat(buf, ".", n - strlen(buf) - 1);
    return;
  }
  char m[64];
  snprintf(m, sizeof m, "%.*e", frac, x);
  char *e = strchr(m, 'e');
  *e = 0;
  int exp = atoi(e + 1);
  snprintf(buf, n, "%s%se%c%0*d", m, frac == 0 ? "." : "", exp < 0 ? '-' : '+', expw, abs(exp));
}

/* Visiting the shown elements ------------------------------------------------------ */

typedef void (*visit_fn)(void *ud, const char *p);

/* Call f on every element shown (all, or the edges when summarising). */
static void visit(const gb_array *a, int axis, const char *p, int sum, int edge,
                  visit_fn f, void *ud) {
  if (axis == a->ndim) { f(ud, p); return; }
  int64_t n = a->shape[axis];
  for (int64_t i = 0; i < n; i++) {
    if (sum && n > 2 * edge && i == edge) i = n - edge;
    visit(a, axis + 1, p + i * a->strides[axis], sum, edge, f, ud);
  }
}

typedef struct stats {
  int dtype, f32, sci, precision;
  double maxabs, minabs;          /* over finite non-zero values */
  int frac, width;
  int any_finite;
} stats;

static void gather(void *ud, const char *p) {
  stats *s = ud;
  double x = gb_get_double(s->dtype, p);
  if (!isfinite(x) || x == 0) return;
  double ax = fabs(x);
  s->any_finite = 1;
  if (ax > s->maxabs) s->maxabs = ax;
  if (ax < s->minabs) s->minabs = ax;
}

static void measure(void *ud, const char *p) {
  stats *s = ud;
  char buf[128];
  int w;
  if (s->dtype == GB_INT64) {
    w = snprintf(buf, sizeof buf, "%lld", (long long)gb_get_int(s->dtype, p));
  } else if (s->dtype == GB_BOOL) {
    w = *p ? 4 : 5;
  } else {
    double x = gb_get_double(s->dtype, p);
    if (isfinite(x)) {
      int d = digits_needed(x, s->sci, s->precision, s->f32);
      if (d > s->frac) s->frac = d;
    }
    return;
  }
  if (w > s->width) s->width = w;
}

typedef struct widths { const format *f; int width; } widths;

static void measure_width(void *ud, const char *p) {
  widths *w = ud;
  char buf[128];
  write_float(buf, sizeof buf, gb_get_double(w->f->dtype, p), w->f->sci, w->f->frac, w->f->expw);
  int n = (int)strlen(buf);
  if (n > w->width) w->width = n;
}

static void decide(const gb_array *a, format *f, const printopts *o) {
  stats s = {a->dtype, a->dtype == GB_FLOAT32, 0, o->precision, 0, INFINITY, 0, 0, 0};
  f->dtype = a->dtype;
  f->o = *o;
  f->summarise = a->size > o->threshold;
  f->sci = 0;
  f->frac = 0;
  f->width = 1;
  f->expw = 2;
  if (a->size == 0) return;
  if (a->dtype == GB_FLOAT64 || a->dtype == GB_FLOAT32) {
    visit(a, 0, a->data, f->summarise, o->edgeitems, gather, &s);
    /* NumPy's rule for scientific notation */
    if (s.any_finite && (s.maxabs >= 1e8 ||
        (!o->suppress && (s.minabs < 1e-4 || s.maxabs / s.minabs > 1e3))))
      s.sci = 1;
    visit(a, 0, a->data, f->summarise, o->edgeitems, measure, &s);
    f->sci = s.sci;
    f->frac = s.frac;
    /* NumPy gives every exponent the width of the longest */
    if (s.sci && s.any_finite && (s.maxabs >= 1e100 || s.minabs < 1e-99)) f->expw = 3;
    if (o->suppress && !s.sci) {     /* tiny values print as 0 within precision */
      if (f->frac > o->precision) f->frac = o->precision;
    }
    widths w = {f, 1};
    visit(a, 0, a->data, f->summarise, o->edgeitems, measure_width, &w);
    f->width = w.width;
  } else {
    s.width = 1;
    visit(a, 0, a->data, f->summarise, o->edgeitems, measure, &s);
    f->width = s.width;
  }
}

/* Rendering -------------------------------------------------------------------------- */

/* Fixed notation pads the fraction with spaces after the digits (so that
   points align), scientific notation pads the mantissa with zeros. */
static void element_text(char *buf, size_t n, const format *f, const char *p) {
  char raw[128];
  if (f->dtype == GB_INT64) {
    snprintf(raw, sizeof raw, "%lld", (long long)gb_get_int(f->dtype, p));
  } else if (f->dtype == GB_BOOL) {
    snprintf(raw, sizeof raw, "%s", *p ? "true" : "false");
  } else {
    double x = gb_get_double(f->dtype, p);
    if (!isfinite(x) || f->sci) {
      write_float(raw, sizeof raw, x, f->sci, f->frac, f->expw);
    } else {
      int d = digits_needed(x, 0, f->frac, f->dtype == GB_FLOAT32);
      write_float(raw, sizeof raw, x, 0, d, 2);
      size_t len = strlen(raw);
      for (int k = d; k < f->frac && len + 1 < sizeof raw; k++) raw[len++] = ' ';
      raw[len] = 0;
    }
  }
  snprintf(buf, n, "%*s", f->width, raw);
}

typedef struct out {
  luaL_Buffer *b;
  int col;                  /* characters on the current line */
  int indent;               /* the column of the outermost '[' + 1 */
} out;

static void add(out *o, const char *s) {
  luaL_addstring(o->b, s);
  const char *nl = strrchr(s, '\n');
  o->col = nl ? (int)strlen(nl + 1) : o->col + (int)strlen(s);
}

static void newline(out *o, int spaces, int blank) {
  for (int i = 0; i < blank; i++) luaL_addchar(o->b, '\n');
  luaL_addchar(o->b, '\n');
  for (int i = 0; i < spaces; i++) luaL_addchar(o->b, ' ');
  o->col = spaces;
}

static void render(out *o, const gb_array *a, const format *f, int axis, const char *p) {
  int64_t n = a->shape[axis];
  int edge = f->o.edgeitems, col0 = o->indent + axis;
  add(o, "[");
  for (int64_t i = 0; i < n; i++) {
    if (f->summarise && n > 2 * edge && i == edge) {
      if (axis == a->ndim - 1) {
        if (o->col + 5 > f->o.linewidth) newline(o, col0 + 1, 0);
        else add(o, " ");
        add(o, "...,");
      } else {
        add(o, "...,");
        newline(o, col0 + 1, a->ndim - axis - 2);
      }
      i = n - edge;
    }
    const char *q = p + i * a->strides[axis];
    if (axis == a->ndim - 1) {
      char buf[160];
      element_text(buf, sizeof buf, f, q);
      int last = i == n - 1;
      if (i > 0) {
        if (o->col + 1 + (int)strlen(buf) + (last ? 1 : 1) > f->o.linewidth) newline(o, col0 + 1, 0);
        else add(o, " ");
      }
      add(o, buf);
      if (!last) add(o, ",");
    } else {
      render(o, a, f, axis + 1, q);
      if (i < n - 1) {
        add(o, ",");
        newline(o, col0 + 1, a->ndim - axis - 2);
      }
    }
  }
  add(o, "]");
}

/* Push the text of a under the given options. */
static void push_text(lua_State *L, const gb_array *a, const printopts *po) {
  format f;
  luaL_Buffer b;
  char tail[256], shape[128];
  decide(a, &f, po);
  luaL_buffinit(L, &b);
  out o = {&b, 0, 6};
  add(&o, "array(");
  if (a->ndim == 0) {
    char buf[160];
    element_text(buf, sizeof buf, &f, a->data);
    add(&o, buf);
  } else if (a->size == 0) {
    add(&o, "[]");
  } else {
    render(&o, a, &f, 0, a->data);
  }
  /* the shape as gibbs writes shapes: {2, 3} */
  size_t used = 0;
  shape[0] = 0;
  for (int d = 0; d < a->ndim && used < sizeof shape - 24; d++)
    used += (size_t)snprintf(shape + used, sizeof shape - used, d ? ", %lld" : "%lld",
                             (long long)a->shape[d]);
  snprintf(tail, sizeof tail, ", shape={%s}, dtype=%s)", shape, gb_dtype_name(a->dtype));
  if (o.col + (int)strlen(tail) > po->linewidth) {
    add(&o, ",");
    newline(&o, 6, 0);
    add(&o, tail + 2);
  } else {
    add(&o, tail);
  }
  luaL_pushresult(&b);
}

static int mt_tostring(lua_State *L) {
  gb_array *a = gbL_checkarray(L, 1);
  printopts o = *getopts(L);
  push_text(L, a, &o);
  return 1;
}

/* Options ---------------------------------------------------------------------------- */

/* array.set_printoptions{precision=, threshold=, edgeitems=, linewidth=, suppress=} */
static int a_set_printoptions(lua_State *L) {
  static const char *const known[] = {"precision", "threshold", "edgeitems", "linewidth",
                                      "suppress", NULL};
  luaL_checktype(L, 1, LUA_TTABLE);
  gbL_opts(L, 1, known);
  printopts *cur = getopts(L), o = *cur;
  o.precision = (int)gbL_optint(L, 1, "precision", o.precision, 0, 17);
  o.edgeitems = (int)gbL_optint(L, 1, "edgeitems", o.edgeitems, 1, 1000);
  o.linewidth = (int)gbL_optint(L, 1, "linewidth", o.linewidth, 20, 100000);
  double t = gbL_optnum(L, 1, "threshold", (double)o.threshold);
  if (!(t >= 0)) return gbL_error(L, "threshold must be >= 0");
  o.threshold = t >= 9e18 ? INT64_MAX : (int64_t)t;
  o.suppress = gbL_optbool(L, 1, "suppress", o.suppress);
  *cur = o;
  return 0;
}

/* array.get_printoptions(): the current options as a table. */
static int a_get_printoptions(lua_State *L) {
  printopts opts = *getopts(L);
  lua_createtable(L, 0, 5);
  lua_pushinteger(L, opts.precision); lua_setfield(L, -2, "precision");
  lua_pushinteger(L, (lua_Integer)opts.threshold); lua_setfield(L, -2, "threshold");
  lua_pushinteger(L, opts.edgeitems); lua_setfield(L, -2, "edgeitems");
  lua_pushinteger(L, opts.linewidth); lua_setfield(L, -2, "linewidth");
  lua_pushboolean(L, opts.suppress); lua_setfield(L, -2, "suppress");
  return 1;
}

static const luaL_Reg module_funcs[] = {
  {"set_printoptions", a_set_printoptions},
  {"get_printoptions", a_get_printoptions},
  {NULL, NULL}
};

void gbL_array_print(lua_State *L, int mod, int meth) {
  (void)meth;
  gbL_setfuncs(L, mod, module_funcs);
  luaL_getmetatable(L, GBL_ARRAY);
  lua_pushcfunction(L, mt_tostring);
  lua_setfield(L, -2, "__tostring");
  lua_pop(L, 1);
}
