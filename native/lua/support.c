/*
** Array userdata, argument checks and errors shared by every binding.
*/
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

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

/* Push a buffer userdata with nbytes of aligned storage inside it. */
static gbL_Buffer *newbuffer(lua_State *L, size_t nbytes) {
  if (nbytes > SIZE_MAX - sizeof(gbL_Buffer) - GB_ALIGN)
    gbL_error(L, "array too large (%zu bytes)", nbytes);
  gbL_Buffer *b = lua_newuserdatauv(L, sizeof(gbL_Buffer) + GB_ALIGN + nbytes, 0);
  uintptr_t p = (uintptr_t)(b + 1);
  p = (p + GB_ALIGN - 1) & ~(uintptr_t)(GB_ALIGN - 1);
  b->data = (char *)p;
  b->nbytes = nbytes;
  b->release = NULL;
  b->ud = NULL;
  setbuffermeta(L);
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
    gb_copy(b, a);
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
    gb_copy(v, src);
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

int gbL_statuserror(lua_State *L, const char *fname, int status) {
  if (fname) return luaL_error(L, "%s: %s", fname, gb_strstatus(status));
  return gbL_error(L, "%s", gb_strstatus(status));
}

void gbL_checkinterrupt(lua_State *L) {
  if (gb_interrupted()) gbL_error(L, "interrupted");
}

void gbL_pushelement(lua_State *L, int dtype, const char *p) {
  switch (dtype) {
    case GB_BOOL: lua_pushboolean(L, *p != 0); break;
    case GB_INT64: lua_pushinteger(L, (lua_Integer)gb_get_int(dtype, p)); break;
    default: lua_pushnumber(L, gb_get_double(dtype, p)); break;
  }
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
  (void)L;
  gb_progress_end();
  return 0;
}

void gbL_progress_begin(lua_State *L, const char *what, double total) {
  lua_newuserdatauv(L, 0, 0);
  if (luaL_newmetatable(L, "gibbs.progress_guard")) {
    lua_pushcfunction(L, progress_close);
    lua_setfield(L, -2, "__close");
  }
  lua_setmetatable(L, -2);
  gb_progress_begin(what, total);
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
