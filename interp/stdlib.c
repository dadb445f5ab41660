/*
** The Lua standard library of gibbs (the stdlib folder), compiled into the
** program: each file becomes a package.preload entry, and the prelude runs
** when a state opens.  The embedded docs are reachable from Lua through
** the "gibbs.files" module (help reads them).
*/
#include <string.h>

#include <lauxlib.h>

#include "interp.h"

static const gibbs_EmbeddedFile *find_file(const char *path) {
  for (const gibbs_EmbeddedFile *f = gibbs_embedded_files; f->path; f++)
    if (strcmp(f->path, path) == 0) return f;
  return NULL;
}

/* package.preload loader: upvalue 1 is the file's index. */
static int load_embedded(lua_State *L) {
  const gibbs_EmbeddedFile *f = &gibbs_embedded_files[lua_tointeger(L, lua_upvalueindex(1))];
  const char *modname = luaL_checkstring(L, 1);
  lua_pushfstring(L, "@%s", f->path);
  if (luaL_loadbufferx(L, f->data, f->len, lua_tostring(L, -1), "t") != LUA_OK)
    return lua_error(L);
  lua_pushstring(L, modname);
  lua_call(L, 1, 1);
  return 1;
}

/* files.read(path) -> contents or nil */
static int files_read(lua_State *L) {
  const gibbs_EmbeddedFile *f = find_file(luaL_checkstring(L, 1));
  if (!f) return 0;
  lua_pushlstring(L, f->data, f->len);
  return 1;
}

/* files.list([prefix]) -> array of paths */
static int files_list(lua_State *L) {
  const char *prefix = luaL_optstring(L, 1, "");
  size_t n = strlen(prefix);
  int i = 0;
  lua_newtable(L);
  for (const gibbs_EmbeddedFile *f = gibbs_embedded_files; f->path; f++)
    if (strncmp(f->path, prefix, n) == 0) {
      lua_pushstring(L, f->path);
      lua_rawseti(L, -2, ++i);
    }
  return 1;
}

static int open_files(lua_State *L) {
  static const luaL_Reg funcs[] = {{"read", files_read}, {"list", files_list}, {NULL, NULL}};
  luaL_newlib(L, funcs);
  return 1;
}

void gibbs_interp_openstdlib(lua_State *L) {
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
  for (int i = 0; gibbs_embedded_files[i].path; i++) {
    const char *path = gibbs_embedded_files[i].path;
    size_t len = strlen(path);
    if (strncmp(path, "stdlib/", 7) != 0 || len < 12) continue;
    lua_pushinteger(L, i);
    lua_pushcclosure(L, load_embedded, 1);
    lua_pushlstring(L, path + 7, len - 11);     /* "stdlib/x.lua" -> "x" */
    lua_insert(L, -2);
    lua_rawset(L, -3);
  }
  lua_pushcfunction(L, open_files);
  lua_setfield(L, -2, "gibbs.files");
  lua_pop(L, 1);
  lua_getglobal(L, "require");
  lua_pushliteral(L, "prelude");
  lua_call(L, 1, 0);
}
