/*
** The sandbox: what a script may not do when a state is opened with
** --sandbox or gibbs_Options.sandbox.
**
**  - run processes:           os.execute, io.popen removed
**  - end the host:            os.exit removed
**  - load native code:        package.loadlib removed, C searchers dropped
**  - load bytecode:           load/loadfile/dofile accept text chunks only
**                             (malformed bytecode can crash Lua)
**  - inspect or patch the VM: the debug library removed
**  - write files:             io.open/io.output/os.remove/os.rename/os.tmpname
**                             and every native writer (array.save, ...) only
**                             below write_dir, and nowhere if it is NULL
*/
#include <string.h>

#include <lauxlib.h>

#include "interp.h"
#include "internal.h"

static const char *const removed[][2] = {
  {"os", "execute"}, {"os", "exit"}, {"os", "tmpname"}, {"io", "popen"},
  {"package", "loadlib"}, {NULL, NULL}
};

const char *gibbs_interp_loadmode(lua_State *L) {
  int sandboxed = lua_getfield(L, LUA_REGISTRYINDEX, GBL_WRITEDIR_KEY) != LUA_TNIL;
  lua_pop(L, 1);
  return sandboxed ? "t" : "bt";
}

/* load(chunk [, name [, mode [, env]]]) with mode forced to "t".  env is
   passed on only when given: load tells an absent env (the chunk gets the
   globals) from an explicit nil. */
static int safe_load(lua_State *L) {
  int n = lua_gettop(L) < 4 ? 3 : 4;
  lua_settop(L, n);
  lua_pushliteral(L, "t");
  lua_replace(L, 3);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, n, LUA_MULTRET);
  return lua_gettop(L);
}

static int safe_loadfile(lua_State *L) {
  const char *path = luaL_optstring(L, 1, NULL);
  int hasenv = !lua_isnone(L, 3);
  if (luaL_loadfilex(L, path, "t") != LUA_OK) {
    luaL_pushfail(L);
    lua_insert(L, -2);
    return 2;
  }
  if (hasenv) {
    lua_pushvalue(L, 3);
    if (!lua_setupvalue(L, -2, 1)) lua_pop(L, 1);
  }
  return 1;
}

static int safe_dofile(lua_State *L) {
  const char *path = luaL_optstring(L, 1, NULL);
  lua_settop(L, 1);
  if (luaL_loadfilex(L, path, "t") != LUA_OK) return lua_error(L);
  lua_call(L, 0, LUA_MULTRET);
  return lua_gettop(L) - 1;
}

/* The mode allows writing: "w", "a" or any "+". */
static int writes(const char *mode) {
  return strchr(mode, 'w') || strchr(mode, 'a') || strchr(mode, '+');
}

static int safe_open(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  const char *mode = luaL_optstring(L, 2, "r");
  if (writes(mode)) gbL_checkwrite(L, path);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  return lua_gettop(L);
}

/* io.output(name) opens name for writing; io.output(file) is harmless. */
static int safe_output(lua_State *L) {
  if (lua_type(L, 1) == LUA_TSTRING) gbL_checkwrite(L, lua_tostring(L, 1));
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  return lua_gettop(L);
}

static int safe_remove(lua_State *L) {
  gbL_checkwrite(L, luaL_checkstring(L, 1));
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  return lua_gettop(L);
}

static int safe_rename(lua_State *L) {
  gbL_checkwrite(L, luaL_checkstring(L, 1));
  gbL_checkwrite(L, luaL_checkstring(L, 2));
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  return lua_gettop(L);
}

/* Replace lib.name with f, keeping the original as f's upvalue. */
static void wrap(lua_State *L, const char *lib, const char *name, lua_CFunction f) {
  if (lua_getglobal(L, lib) != LUA_TTABLE) {
    lua_pop(L, 1);
    return;
  }
  lua_getfield(L, -1, name);
  lua_pushcclosure(L, f, 1);
  lua_setfield(L, -2, name);
  lua_pop(L, 1);
}

static int apply(lua_State *L) {
  const char *write_dir = lua_touserdata(L, 1);
  for (int i = 0; removed[i][0]; i++) {
    if (lua_getglobal(L, removed[i][0]) == LUA_TTABLE) {
      lua_pushnil(L);
      lua_setfield(L, -2, removed[i][1]);
    }
    lua_pop(L, 1);
  }
  /* keep only the preload and Lua-file searchers */
  lua_getglobal(L, "package");
  lua_getfield(L, -1, "searchers");
  lua_pushnil(L);
  lua_rawseti(L, -2, 4);
  lua_pushnil(L);
  lua_rawseti(L, -2, 3);
  lua_pop(L, 1);
  lua_pushliteral(L, "");
  lua_setfield(L, -2, "cpath");
  lua_getfield(L, -1, "loaded");
  lua_pushnil(L);
  lua_setfield(L, -2, "debug");
  lua_pop(L, 2);
  lua_pushnil(L);
  lua_setglobal(L, "debug");

  lua_getglobal(L, "load");
  lua_pushcclosure(L, safe_load, 1);
  lua_setglobal(L, "load");
  lua_pushcfunction(L, safe_loadfile);
  lua_setglobal(L, "loadfile");
  lua_pushcfunction(L, safe_dofile);
  lua_setglobal(L, "dofile");

  wrap(L, "io", "open", safe_open);
  wrap(L, "io", "output", safe_output);
  wrap(L, "os", "remove", safe_remove);
  wrap(L, "os", "rename", safe_rename);

  if (write_dir) lua_pushstring(L, write_dir);
  else lua_pushboolean(L, 0);
  lua_setfield(L, LUA_REGISTRYINDEX, GBL_WRITEDIR_KEY);
  return 0;
}

int gibbs_interp_sandbox(lua_State *L, const char *write_dir) {
  lua_pushcfunction(L, apply);
  lua_pushlightuserdata(L, (void *)write_dir);
  if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
    lua_pop(L, 1);
    return -1;
  }
  return 0;
}
