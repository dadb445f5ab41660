/*
** Array userdata, argument checks and errors shared by every binding.
*/
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include "blas.h"
#include "internal.h"

/* Buffers ------------------------------------------------------------------ */

static int buffer_gc(lua_State *L) {
  gbL_Buffer *b = luaL_checkudata(L, 1, GBL_BUFFER);
  if (b->release) {
    void (*release)(void *, void *) = b->release;
    b->release = NULL;
    release(b->ud, b->data);
  }
  b->data = NULL;
  return 0;
}

static void setbuffermeta(lua_State *L) {
  if (luaL_newmetatable(L, GBL_BUFFER)) {
    lua_pushcfunction(L, buffer_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushliteral(L, "gibbs.buffer");
    lua_setfield(L, -2, "__name");
  }
  lua_setmetatable(L, -2);
}

/*
** Pacing the collector by array bytes.  To Lua an 80 MB buffer is one
** object among many: the generational collector lets dead temporaries of
** `d = a * b + c` pile up to gigabytes before a major collection.  So the
** buffers keep their own count: once the big buffers made since the last
** collection add up to a quarter of the memory in use after it (at least
** 64 MiB), the next big buffer first runs a full collection, whose freed
** blocks the context caches for that very buffer.  30 rounds of
** d = a * b + c on 1e7 doubles peak at 550 MB (NumPy: 423 MB; the
** collector alone: 2.4 GB), and scripts of small objects never reach the
** count.  (Minor generational steps instead free nothing: the temporaries
** have aged by then.)
*/
#define PACED_BUFFER ((size_t)1 << 20)
#define PACE_MIN ((size_t)64 << 20)

typedef struct pace { size_t since, live; } pace;
static const char pace_key = 'p';

static void pace_buffers(lua_State *L, size_t nbytes) {
  pace *pc;
  if (lua_rawgetp(L, LUA_REGISTRYINDEX, &pace_key) == LUA_TNIL) {
    lua_pop(L, 1);
    pc = lua_newuserdatauv(L, sizeof *pc, 0);
    pc->since = pc->live = 0;
    lua_pushvalue(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &pace_key);
  }
  pc = lua_touserdata(L, -1);
  lua_pop(L, 1);
  pc->since += nbytes;
  if (pc->since >= PACE_MIN && pc->since >= pc->live / 4) {
    lua_gc(L, LUA_GCCOLLECT);
    pc->since = 0;
    pc->live = (size_t)lua_gc(L, LUA_GCCOUNT) * 1024;
  }
}

/* Push a buffer userdata with nbytes of aligned storage inside it. */
static gbL_Buffer *newbuffer(lua_State *L, size_t nbytes) {
  if (nbytes > SIZE_MAX - sizeof(gbL_Buffer) - GB_ALIGN)
    gbL_error(L, "array too large (%zu bytes)", nbytes);
  if (nbytes >= PACED_BUFFER) pace_buffers(L, nbytes);
  gbL_Buffer *b = lua_newuserdatauv(L, sizeof(gbL_Buffer) + GB_ALIGN + nbytes, 0);
  uintptr_t p = (uintptr_t)(b + 1);
  p = (p + GB_ALIGN - 1) & ~(uintptr_t)(GB_ALIGN - 1);
  b->data = (char *)p;
  b->nbytes = nbytes;
  b->release = NULL;
  b->ud = NULL;
  /* no metatable: a buffer without a finalizer is freed by the collection
     that finds it dead, not one collection later */
  return b;
}

/* Arrays ------------------------------------------------------------------- */

/* Pops the buffer at the top, pushes the array header that refers to it. */
static gb_array *newheader(lua_State *L, const gb_array *h) {
  gb_array *a = lua_newuserdatauv(L, sizeof(gb_array), 1);
  *a = *h;
  lua_rotate(L, -2, 1);            /* array, buffer */
  lua_setiuservalue(L, -2, 1);
  luaL_setmetatable(L, GBL_ARRAY);
  return a;
}

gb_array *gbL_newarray(lua_State *L, int dtype, int ndim, const int64_t *shape) {
  gb_array h;
  size_t nbytes;
  int st = gb_array_init(&h, dtype, ndim, shape, &nbytes);
  if (st == GB_EOVERFLOW) {
    char buf[256];
    gb_format_shape(buf, sizeof buf, ndim, shape);
    gbL_error(L, "array of shape %s is too large", buf);
  } else if (st != GB_OK) {
    gbL_error(L, ndim > GB_MAXDIM ? "too many dimensions (%d, at most %d)"
                                  : "negative dimension in shape", ndim, GB_MAXDIM);
  }
  gbL_Buffer *b = newbuffer(L, nbytes);
  h.data = b->data;
  return newheader(L, &h);
}

gb_array *gbL_newlike(lua_State *L, const gb_array *a, int dtype) {
  return gbL_newarray(L, dtype < 0 ? a->dtype : dtype, a->ndim, a->shape);
}

gb_array *gbL_wraparray(lua_State *L, void *data, int dtype, int ndim,
                        const int64_t *shape, const int64_t *strides,
                        void (*release)(void *ud, void *data), void *ud) {
  gb_array h;
  size_t nbytes;
  if (dtype < 0 || dtype >= GB_NDTYPE) luaL_error(L, "wrap: bad dtype %d", dtype);
  if (gb_array_init(&h, dtype, ndim, shape, &nbytes) != GB_OK)
    luaL_error(L, "wrap: bad shape");
  gbL_Buffer *b = lua_newuserdatauv(L, sizeof(gbL_Buffer), 0);
  b->data = data;
  b->nbytes = nbytes;
  b->release = release;
  b->ud = ud;
  setbuffermeta(L);
  h.data = data;
  if (strides) memcpy(h.strides, strides, sizeof(int64_t) * (size_t)ndim);
  return newheader(L, &h);
}

gb_array *gbL_pushview(lua_State *L, int base, const gb_array *v) {
  base = lua_absindex(L, base);
  lua_getiuservalue(L, base, 1);
  return newheader(L, v);
}

gb_array *gbL_testarray(lua_State *L, int idx) {
  return luaL_testudata(L, idx, GBL_ARRAY);
}

gb_array *gbL_checkarray(lua_State *L, int idx) {
  gb_array *a = luaL_testudata(L, idx, GBL_ARRAY);
  if (!a) {
    const char *msg = lua_pushfstring(L, "array expected, got %s", luaL_typename(L, idx));
    luaL_argerror(L, idx, msg);
  }
  return a;
}

/* Conversion from Lua values ----------------------------------------------- */

/* Infer the shape by walking first elements, then check every level. */
static int table_shape(lua_State *L, int idx, int64_t *shape) {
  int nd = 0;
  lua_pushvalue(L, idx);
  while (lua_type(L, -1) == LUA_TTABLE && !gbL_testarray(L, -1)) {
    if (nd == GB_MAXDIM) gbL_error(L, "nested table deeper than %d levels", GB_MAXDIM);
    shape[nd++] = (int64_t)lua_rawlen(L, -1);
    if (shape[nd - 1] == 0) break;
    lua_rawgeti(L, -1, 1);
    lua_remove(L, -2);
  }
  lua_pop(L, 1);
  return nd;
}

typedef struct fill_state {
  gb_array *a;
  int64_t pos;               /* next element, in C order */
  int64_t path[GB_MAXDIM];   /* 1-based position, for error messages */
} fill_state;

static void format_path(char *buf, size_t len, const int64_t *path, int depth) {
  size_t used = 0;
  buf[0] = '\0';
  for (int i = 0; i < depth && used < len; i++)
    used += (size_t)snprintf(buf + used, len - used, "[%lld]", (long long)path[i]);
}

static void fill(lua_State *L, fill_state *fs, int depth) {
  gb_array *a = fs->a;
  int64_t n = (int64_t)lua_rawlen(L, -1);
  char where[GB_MAXDIM * 24];
  if (n != a->shape[depth]) {
    format_path(where, sizeof where, fs->path, depth);
    gbL_error(L, "ragged nested table: length %lld at %s, expected %lld",
              (long long)n, depth ? where : "the top level", (long long)a->shape[depth]);
  }
  for (int64_t i = 1; i <= n; i++) {
    fs->path[depth] = i;
    lua_rawgeti(L, -1, (lua_Integer)i);
    if (depth + 1 < a->ndim) {
      if (lua_type(L, -1) != LUA_TTABLE) {
        format_path(where, sizeof where, fs->path, depth + 1);
        gbL_error(L, "ragged nested table: %s at %s where a table was expected",
                  luaL_typename(L, -1), where);
      }
      fill(L, fs, depth + 1);
    } else {
      char *p = a->data + fs->pos * (int64_t)gb_dtype_size(a->dtype);
      int t = lua_type(L, -1);
      if (t == LUA_TBOOLEAN) gb_set_int(a->dtype, p, lua_toboolean(L, -1));
      else if (lua_isinteger(L, -1)) gb_set_int(a->dtype, p, lua_tointeger(L, -1));
      else if (t == LUA_TNUMBER) gb_set_double(a->dtype, p, lua_tonumber(L, -1));
      else {
        format_path(where, sizeof where, fs->path, depth + 1);
        gbL_error(L, "non-numeric value (%s) at %s", luaL_typename(L, -1), where);
      }
      fs->pos++;
    }
    lua_pop(L, 1);
  }
}

/* Smallest dtype that holds every leaf: bool < int64 < float64. */
static int infer_dtype(lua_State *L, int depth, int ndim) {
  int dt = -1;
  int64_t n = (int64_t)lua_rawlen(L, -1);
  for (int64_t i = 1; i <= n; i++) {
    int d;
    lua_rawgeti(L, -1, (lua_Integer)i);
    if (depth + 1 < ndim && lua_type(L, -1) == LUA_TTABLE) d = infer_dtype(L, depth + 1, ndim);
    else if (lua_type(L, -1) == LUA_TBOOLEAN) d = GB_BOOL;
    else if (lua_isinteger(L, -1)) d = GB_INT64;
    else d = GB_FLOAT64;           /* non-numbers are reported by fill() */
    lua_pop(L, 1);
    if (d > dt) dt = d;
    if (dt == GB_FLOAT64) break;
  }
  return dt;
}

gb_array *gbL_fromtable(lua_State *L, int idx, int dtype) {
  int64_t shape[GB_MAXDIM];
  fill_state fs;
  idx = lua_absindex(L, idx);
  int nd = table_shape(L, idx, shape);
  if (dtype < 0) {
    lua_pushvalue(L, idx);
    dtype = nd > 0 && shape[nd - 1] > 0 ? infer_dtype(L, 0, nd) : GB_FLOAT64;
    lua_pop(L, 1);
    if (dtype < 0) dtype = GB_FLOAT64;
  }
  fs.a = gbL_newarray(L, dtype, nd, shape);
  fs.pos = 0;
  if (fs.a->size > 0) {
    lua_pushvalue(L, idx);
    fill(L, &fs, 0);
    lua_pop(L, 1);
  }
  return fs.a;
}

gb_array *gbL_toarray(lua_State *L, int idx, int dtype) {
  gb_array *a;
  idx = lua_absindex(L, idx);
  a = gbL_testarray(L, idx);
  if (a) {
    if (dtype < 0 || dtype == a->dtype) return a;
    gb_array *b = gbL_newlike(L, a, dtype);
    gb_copy(gbL_ctx(L), b, a);
    lua_replace(L, idx);
    return b;
  }
  switch (lua_type(L, idx)) {
    case LUA_TNUMBER: {
      int isint = lua_isinteger(L, idx);
      a = gbL_newarray(L, dtype >= 0 ? dtype : isint ? GB_INT64 : GB_FLOAT64, 0, NULL);
      if (isint) gb_set_int(a->dtype, a->data, lua_tointeger(L, idx));
      else gb_set_double(a->dtype, a->data, lua_tonumber(L, idx));
      break;
    }
    case LUA_TBOOLEAN:
      a = gbL_newarray(L, dtype >= 0 ? dtype : GB_BOOL, 0, NULL);
      gb_set_int(a->dtype, a->data, lua_toboolean(L, idx));
      break;
    case LUA_TTABLE:
      a = gbL_fromtable(L, idx, dtype);
      break;
    default: {
      const char *msg = lua_pushfstring(L, "array, number or table expected, got %s",
                                        luaL_typename(L, idx));
      luaL_argerror(L, idx, msg);
      return NULL;
    }
  }
  lua_replace(L, idx);
  return a;
}

/* Arguments ------------------------------------------------------------------ */

gb_array *gbL_checkvector(lua_State *L, int idx, const char *what) {
  gb_array *src = gbL_testarray(L, idx);
  if (src) {
    if (src->ndim != 1) gbL_error(L, "%s must be 1-D, got %d dimensions", what, src->ndim);
    gb_array *v = gbL_newarray(L, GB_FLOAT64, 1, src->shape);
    gb_copy(gbL_ctx(L), v, src);
    return v;
  }
  if (lua_type(L, idx) != LUA_TTABLE)
    gbL_error(L, "%s must be an array or a table of numbers, got %s", what, luaL_typename(L, idx));
  int64_t n = (int64_t)lua_rawlen(L, idx);
  gb_array *v = gbL_newarray(L, GB_FLOAT64, 1, &n);
  double *d = (double *)v->data;
  for (int64_t i = 0; i < n; i++) {
    lua_rawgeti(L, idx, (lua_Integer)(i + 1));
    if (lua_type(L, -1) != LUA_TNUMBER)
      gbL_error(L, "%s[%lld] must be a number, got %s", what, (long long)(i + 1), luaL_typename(L, -1));
    d[i] = lua_tonumber(L, -1);
    lua_pop(L, 1);
  }
  return v;
}


static int64_t checkextent(lua_State *L, int idx, int isnum) {
  int ok;
  lua_Integer n = lua_tointegerx(L, idx, &ok);
  if (!ok) gbL_error(L, "shape must hold integers, got %s", isnum ? "a non-integer number" : luaL_typename(L, idx));
  if (n < 0) gbL_error(L, "negative dimension %lld in shape", (long long)n);
  return (int64_t)n;
}

int gbL_checkshape(lua_State *L, int idx, int64_t *shape) {
  idx = lua_absindex(L, idx);
  if (lua_type(L, idx) == LUA_TNUMBER) {
    shape[0] = checkextent(L, idx, 1);
    return 1;
  }
  if (lua_type(L, idx) != LUA_TTABLE)
    return luaL_argerror(L, idx, lua_pushfstring(L, "shape (integer or table) expected, got %s",
                                                 luaL_typename(L, idx)));
  lua_Integer n = (lua_Integer)lua_rawlen(L, idx);
  if (n > GB_MAXDIM) gbL_error(L, "too many dimensions (%d, at most %d)", (int)n, GB_MAXDIM);
  for (lua_Integer i = 1; i <= n; i++) {
    lua_rawgeti(L, idx, i);
    shape[i - 1] = checkextent(L, -1, lua_type(L, -1) == LUA_TNUMBER);
    lua_pop(L, 1);
  }
  return (int)n;
}

int gbL_optdtype(lua_State *L, int idx, int def) {
  if (lua_isnoneornil(L, idx)) return def;
  const char *name = luaL_checkstring(L, idx);
  int dt = gb_dtype_from_name(name);
  if (dt < 0) {
    if (strcmp(name, "float") == 0 || strcmp(name, "double") == 0) return GB_FLOAT64;
    if (strcmp(name, "int") == 0) return GB_INT64;
    gbL_error(L, "unknown dtype '%s' (expected float64, float32, int64 or bool)", name);
  }
  return dt;
}

int gbL_checkaxis(lua_State *L, int idx, int ndim) {
  lua_Integer ax = luaL_checkinteger(L, idx);
  lua_Integer a0 = ax < 0 ? ax + ndim : ax - 1;
  if (ax == 0 || a0 < 0 || a0 >= ndim)
    gbL_error(L, "axis %d out of range for an array of %d dimension%s",
              (int)ax, ndim, ndim == 1 ? "" : "s");
  return (int)a0;
}

/* The context ------------------------------------------------------------------ */

static const char ctx_key = 'c';       /* registry: light userdata, the context */
static const char owner_key = 'o';     /* registry: the userdata owning it, if Lua does */
static const char errmsg_key = 'm';    /* registry: the last message raised for a status */
static const char errstatus_key = 's';

static int ctx_gc(lua_State *L) {
  gb_ctx **box = lua_touserdata(L, 1);
  gb_ctx_free(*box);
  *box = NULL;
  return 0;
}

void gbL_setctx(lua_State *L, gb_ctx *ctx) {
  lua_pushlightuserdata(L, ctx);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &ctx_key);
}

gb_ctx *gbL_ctx(lua_State *L) {
  gb_ctx *ctx;
  lua_rawgetp(L, LUA_REGISTRYINDEX, &ctx_key);
  ctx = lua_touserdata(L, -1);
  lua_pop(L, 1);
  if (ctx) return ctx;
  /* a plain lua_State (gibbs.so in a stock lua5.4): Lua owns the context */
  gb_ctx **box = lua_newuserdatauv(L, sizeof *box, 0);
  *box = NULL;
  lua_newtable(L);
  lua_pushcfunction(L, ctx_gc);
  lua_setfield(L, -2, "__gc");
  lua_setmetatable(L, -2);
  if (!(*box = gb_ctx_new())) luaL_error(L, "not enough memory");
  lua_rawsetp(L, LUA_REGISTRYINDEX, &owner_key);
  gbL_setctx(L, *box);
  return *box;
}

/* Errors that carry a status ------------------------------------------------------- */

int gbL_raise(lua_State *L, int status) {
  lua_pushvalue(L, -1);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &errmsg_key);
  lua_pushinteger(L, status);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &errstatus_key);
  return lua_error(L);
}

int gbL_errstatus(lua_State *L, int idx) {
  int st = GB_OK;
  idx = lua_absindex(L, idx);
  lua_rawgetp(L, LUA_REGISTRYINDEX, &errmsg_key);
  if (!lua_isnil(L, -1) && lua_rawequal(L, -1, idx)) {
    lua_rawgetp(L, LUA_REGISTRYINDEX, &errstatus_key);
    st = (int)lua_tointeger(L, -1);
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  return st;
}

/* The message for a kernel's status, with the context's reason for a stop. */
static const char *status_message(lua_State *L, int status) {
  gb_ctx *ctx = gbL_ctx(L);
  if ((status == GB_EINTERRUPTED || status == GB_ETIMEOUT) &&
      gb_ctx_stopped(ctx) == GB_ETIMEOUT)
    return "time limit exceeded";
  if (status == GB_ENOMEM && gb_ctx_limit_hit(ctx))
    return lua_pushfstring(L, "memory limit of %I bytes exceeded",
                           (lua_Integer)gb_ctx_limit(ctx));
  if (status == GB_ENOLIB) return gb_blas_error();
  return gb_strstatus(status);
}

int gbL_statuserror(lua_State *L, const char *fname, int status) {
  const char *msg = status_message(L, status);
  if (fname) lua_pushfstring(L, "%s: %s", fname, msg);
  else {
    gbL_pushfuncname(L);
    lua_pushfstring(L, "%s: %s", lua_tostring(L, -1), msg);
  }
  return gbL_raise(L, status == GB_ETIMEOUT ? GB_EINTERRUPTED : status);
}

void gbL_checkinterrupt(lua_State *L) {
  int st = gb_ctx_stopped(gbL_ctx(L));
  if (st != GB_OK) gbL_statuserror(L, NULL, st);
}

void gbL_pushelement(lua_State *L, int dtype, const char *p) {
  switch (dtype) {
    case GB_BOOL: lua_pushboolean(L, *p != 0); break;
    case GB_INT64: lua_pushinteger(L, (lua_Integer)gb_get_int(dtype, p)); break;
    default: lua_pushnumber(L, gb_get_double(dtype, p)); break;
  }
}

/* Options tables ------------------------------------------------------------------ */

int gbL_opts(lua_State *L, int idx, const char *const known[]) {
  if (lua_isnoneornil(L, idx)) return 0;
  if (!lua_istable(L, idx) || gbL_testarray(L, idx))
    gbL_error(L, "options must be a table, got %s", luaL_typename(L, idx));
  idx = lua_absindex(L, idx);
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
    int found = 0;
    lua_pop(L, 1);
    for (int i = 0; k && known[i] && !found; i++) found = strcmp(k, known[i]) == 0;
    if (!found) {
      luaL_Buffer b;
      luaL_buffinit(L, &b);
      for (int i = 0; known[i]; i++) {
        if (i) luaL_addstring(&b, ", ");
        luaL_addstring(&b, known[i]);
      }
      luaL_pushresult(&b);
      if (k) gbL_error(L, "unknown option '%s' (expected %s)", k, lua_tostring(L, -1));
      gbL_error(L, "options must have string keys (%s), got a %s key", lua_tostring(L, -1),
                luaL_typename(L, -2));
    }
  }
  return 1;
}

/* opts[key] pushed (nil when there is no table); returns its type. */
static int optfield(lua_State *L, int idx, const char *key) {
  if (lua_isnoneornil(L, idx)) {
    lua_pushnil(L);
    return LUA_TNIL;
  }
  return lua_getfield(L, idx, key);
}

static int opttypeerror(lua_State *L, const char *key, const char *what) {
  return gbL_error(L, "option %s must be %s, got %s", key, what, luaL_typename(L, -1));
}

double gbL_optnum(lua_State *L, int idx, const char *key, double def) {
  int t = optfield(L, idx, key);
  double v = def;
  if (t == LUA_TNUMBER) v = lua_tonumber(L, -1);
  else if (t != LUA_TNIL) opttypeerror(L, key, "a number");
  lua_pop(L, 1);
  return v;
}

lua_Integer gbL_optint(lua_State *L, int idx, const char *key, lua_Integer def,
                       lua_Integer lo, lua_Integer hi) {
  int t = optfield(L, idx, key);
  lua_Integer v = def;
  if (t == LUA_TNUMBER) {
    int isint;
    v = lua_tointegerx(L, -1, &isint);
    if (!isint || v < lo || v > hi) {
      if (hi == LUA_MAXINTEGER)
        gbL_error(L, "option %s must be an integer of at least %lld, got %s", key,
                  (long long)lo, lua_tostring(L, -1));
      gbL_error(L, "option %s must be an integer from %lld to %lld, got %s", key,
                (long long)lo, (long long)hi, lua_tostring(L, -1));
    }
  } else if (t != LUA_TNIL) {
    opttypeerror(L, key, "an integer");
  }
  lua_pop(L, 1);
  return v;
}

int gbL_optbool(lua_State *L, int idx, const char *key, int def) {
  int t = optfield(L, idx, key), v = def;
  if (t == LUA_TBOOLEAN) v = lua_toboolean(L, -1);
  else if (t != LUA_TNIL) opttypeerror(L, key, "a boolean");
  lua_pop(L, 1);
  return v;
}

const char *gbL_optstr(lua_State *L, int idx, const char *key, const char *def) {
  int t = optfield(L, idx, key);
  const char *v = def;
  if (t == LUA_TSTRING) v = lua_tostring(L, -1);   /* kept alive by the table */
  else if (t != LUA_TNIL) opttypeerror(L, key, "a string");
  lua_pop(L, 1);
  return v;
}

/* The index of s in names, or an error listing them; what names the value. */
static int findname(lua_State *L, const char *s, const char *const names[], const char *what) {
  luaL_Buffer b;
  for (int i = 0; names[i]; i++)
    if (strcmp(s, names[i]) == 0) return i;
  luaL_buffinit(L, &b);
  for (int i = 0; names[i]; i++) {
    if (i) luaL_addstring(&b, ", ");
    luaL_addchar(&b, '"');
    luaL_addstring(&b, names[i]);
    luaL_addchar(&b, '"');
  }
  luaL_pushresult(&b);
  return gbL_error(L, "%s must be one of %s, got \"%s\"", what, lua_tostring(L, -1), s);
}

int gbL_optenum(lua_State *L, int idx, const char *key, const char *def,
                const char *const names[]) {
  const char *s = gbL_optstr(L, idx, key, def);
  char what[96];
  snprintf(what, sizeof what, "option %s", key);
  return findname(L, s, names, what);
}

int gbL_checkenum(lua_State *L, int arg, const char *def, const char *const names[]) {
  const char *s = def ? luaL_optstring(L, arg, def) : luaL_checkstring(L, arg);
  char what[32];
  snprintf(what, sizeof what, "argument %d", arg);
  return findname(L, s, names, what);
}

/* Calling Lua from a kernel ----------------------------------------------------- */

void gbL_callback_init(lua_State *L, gbL_callback *cb, int fn) {
  cb->L = L;
  cb->ctx = gbL_ctx(L);
  cb->fn = lua_absindex(L, fn);
  lua_pushnil(L);                  /* the slot that keeps a failed call's error */
  cb->err = lua_gettop(L);
}

int gbL_callback_call(gbL_callback *cb, int nargs, int nresults) {
  lua_State *L = cb->L;
  int st;
  lua_pushvalue(L, cb->fn);
  lua_insert(L, -1 - nargs);
  if (lua_pcall(L, nargs, nresults, 0) == LUA_OK) return GB_OK;
  lua_replace(L, cb->err);
  /* an interrupt or a time limit that ended the callback ends the kernel too */
  st = gb_ctx_stopped(cb->ctx);
  return st != GB_OK ? st : GB_ECALLBACK;
}

int gbL_callback_fail(gbL_callback *cb, const char *fname, int status) {
  lua_State *L = cb->L;
  if (status == GB_ECALLBACK) {
    lua_pushvalue(L, cb->err);
    return lua_error(L);           /* the callback's own error, as it raised it */
  }
  return gbL_statuserror(L, fname, status);
}

/* Errors naming the function ------------------------------------------------- */

/* Search t (at the top) for the value at fidx; push "prefix.key" if found. */
static int findfield(lua_State *L, int fidx, const char *prefix, const char *sep) {
  lua_pushnil(L);
  while (lua_next(L, -2)) {
    if (lua_type(L, -2) == LUA_TSTRING && lua_rawequal(L, -1, fidx)) {
      lua_pop(L, 1);
      lua_pushfstring(L, "%s%s%s", prefix, sep, lua_tostring(L, -1));
      lua_remove(L, -2);   /* key */
      return 1;
    }
    lua_pop(L, 1);
  }
  return 0;
}

void gbL_pushfuncname(lua_State *L) {
  lua_Debug ar;
  int top = lua_gettop(L);
  if (!lua_getstack(L, 0, &ar) || !lua_getinfo(L, "nf", &ar)) {
    lua_pushliteral(L, "?");
    return;
  }
  int fidx = lua_gettop(L);
  /* methods of gibbs's object types, named as their reference pages do */
  static const struct { const char *mt, *field, *prefix; } kinds[] = {
    {GBL_ARRAY, "__methods", "array"},
    {GBL_RNG, "__index", "g"},
    {GBL_DIST, "__index", "d"},
    {"gibbs.sampler", "__methods", "s"},
  };
  for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
    if (luaL_getmetatable(L, kinds[i].mt) == LUA_TTABLE &&
        lua_getfield(L, -1, kinds[i].field) == LUA_TTABLE &&
        findfield(L, fidx, kinds[i].prefix, ":")) {
      lua_replace(L, top + 1);
      lua_settop(L, top + 1);
      return;
    }
    lua_settop(L, fidx);
  }
  /* module functions: package.loaded[mod][name] */
  if (luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE)) {
    lua_pushnil(L);
    while (lua_next(L, -2)) {
      if (lua_type(L, -2) == LUA_TSTRING && lua_type(L, -1) == LUA_TTABLE &&
          strcmp(lua_tostring(L, -2), "_G") != 0 &&
          findfield(L, fidx, lua_tostring(L, -2), ".")) {
        lua_replace(L, top + 1);
        lua_settop(L, top + 1);
        return;
      }
      lua_pop(L, 1);
    }
  }
  lua_settop(L, top);
  /* metamethods of arrays: a[k] and a[k] = v */
  if (ar.namewhat && strcmp(ar.namewhat, "metamethod") == 0 && ar.name) {
    if (strcmp(ar.name, "index") == 0) { lua_pushliteral(L, "array indexing"); return; }
    if (strcmp(ar.name, "newindex") == 0) { lua_pushliteral(L, "array assignment"); return; }
  }
  if (ar.name) lua_pushstring(L, ar.name);
  else lua_pushliteral(L, "?");
}

/* The message is formatted with vsnprintf, so C's conversions (%lld, %zu,
   %g) work, unlike lua_pushfstring's. */
int gbL_error(lua_State *L, const char *fmt, ...) {
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  gbL_pushfuncname(L);
  lua_pushfstring(L, "%s: %s", lua_tostring(L, -1), msg);
  return lua_error(L);
}

/* Sandbox file policy ---------------------------------------------------------- */

#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>

/* The canonical form of path's directory followed by its last component, so
   that "allowed/../../etc/x" is seen for what it is. */
static int canonical(const char *path, char *out, size_t len) {
  char dir[PATH_MAX], real[PATH_MAX];
  const char *slash = strrchr(path, '/');
  const char *base = slash ? slash + 1 : path;
  if (slash) {
    size_t n = (size_t)(slash - path);
    if (n == 0) n = 1;   /* "/x" */
    if (n >= sizeof dir) return 0;
    memcpy(dir, path, n);
    dir[n] = '\0';
  } else {
    strcpy(dir, ".");
  }
  if (!realpath(dir, real)) return 0;
  if (strcmp(base, "..") == 0 || strcmp(base, ".") == 0 || *base == '\0') return 0;
  return snprintf(out, len, "%s/%s", strcmp(real, "/") ? real : "", base) < (int)len;
}

/* Is the canonical path full in the directory dir (strictly below it if
   below is set)? */
static int inside(const char *full, const char *dir, int below) {
  char root[PATH_MAX];
  if (!realpath(dir, root)) return 0;
  size_t n = strlen(root);
  if (strncmp(full, root, n) != 0) return 0;
  if (root[n - 1] == '/') return !below || full[n] != '\0';    /* "/" */
  return full[n] == '/' || (!below && full[n] == '\0');
}

/* The directories are resolved; a symbolic link as the last component is
   refused, as it could lead anywhere (writers also open with O_NOFOLLOW or
   replace the name by rename, so a link made after the check is not
   followed either). */
void gbL_checkwrite(lua_State *L, const char *path) {
  char full[PATH_MAX];
  struct stat st;
  int t = lua_getfield(L, LUA_REGISTRYINDEX, GBL_WRITEDIR_KEY);
  if (t == LUA_TNIL) { lua_pop(L, 1); return; }          /* not sandboxed */
  const char *dir = t == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
  int ok = dir && canonical(path, full, sizeof full) && inside(full, dir, 1);
  lua_pop(L, 1);
  if (!ok) gbL_error(L, "sandbox: writing '%s' is not allowed%s", path,
                     dir ? " outside the write directory" : "");
  if (lstat(full, &st) == 0 && S_ISLNK(st.st_mode))
    gbL_error(L, "sandbox: writing '%s' is not allowed: it is a symbolic link", path);
}

/* Reads resolve the whole path, links included, so that a link inside may
   lead only inside.  A path that does not resolve (no such file) is judged
   by its directory, so that a refusal does not tell whether a file exists
   outside. */
int gbL_mayread(lua_State *L, const char *path) {
  char full[PATH_MAX];
  int ok = 0;
  if (lua_getfield(L, LUA_REGISTRYINDEX, GBL_READDIRS_KEY) != LUA_TTABLE) {
    lua_pop(L, 1);
    return 1;                                            /* not sandboxed */
  }
  if (realpath(path, full) || canonical(path, full, sizeof full)) {
    lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
    for (lua_Integer i = 1; i <= n && !ok; i++) {
      if (lua_rawgeti(L, -1, i) == LUA_TSTRING) ok = inside(full, lua_tostring(L, -1), 0);
      lua_pop(L, 1);
    }
  }
  lua_pop(L, 1);
  return ok;
}

void gbL_checkread(lua_State *L, const char *path) {
  if (!gbL_mayread(L, path))
    gbL_error(L, "sandbox: reading '%s' is not allowed outside the read directories", path);
}

void gbL_setfuncs(lua_State *L, int idx, const luaL_Reg *l) {
  idx = lua_absindex(L, idx);
  for (; l->name; l++) {
    lua_pushcfunction(L, l->func);
    lua_setfield(L, idx, l->name);
  }
}

/* Progress reports that end with the C function that began them ---------------- */

static int progress_close(lua_State *L) {
  gb_progress_end(gbL_ctx(L));
  return 0;
}

void gbL_progress_begin(lua_State *L, const char *what, double total) {
  lua_newuserdatauv(L, 0, 0);
  if (luaL_newmetatable(L, "gibbs.progress_guard")) {
    lua_pushcfunction(L, progress_close);
    lua_setfield(L, -2, "__close");
  }
  lua_setmetatable(L, -2);
  gb_progress_begin(gbL_ctx(L), what, total);
  lua_toclose(L, -1);
}

/* Generators ------------------------------------------------------------------- */

struct gb_rng *gbL_optrng(lua_State *L, int idx) {
  if (idx == 0 || lua_isnoneornil(L, idx)) {
    lua_getfield(L, LUA_REGISTRYINDEX, GBL_RNG_DEFAULT);
    struct gb_rng *g = luaL_testudata(L, -1, GBL_RNG);
    lua_pop(L, 1);
    if (!g) gbL_error(L, "the rng module is not loaded");
    return g;
  }
  struct gb_rng *g = luaL_testudata(L, idx, GBL_RNG);
  if (!g) gbL_error(L, "argument %d must be a generator (rng.new), got %s", idx,
                    luaL_typename(L, idx));
  return g;
}
