/*
** The sandbox: what a script may not do when a state is opened with
** --sandbox or gibbs_Options.sandbox.
**
**  - run processes:           os.execute, io.popen removed
**  - end the host:            os.exit removed
**  - load native code:        package.loadlib removed, C searchers dropped
**  - load bytecode:           load/loadfile/dofile/require accept text
**                             chunks only (malformed bytecode can crash Lua)
**  - inspect or patch the VM: the debug library removed
**  - run endless finalizers:  no __gc in setmetatable, and the metatables of
**                             built-in objects are read-only (see below)
**  - write files:             io.open/io.output/os.remove/os.rename and
**                             every native writer (array.save, ...) only
**                             below write_dir, and nowhere if it is NULL;
**                             never through a symbolic link or into a file
**                             with other hard links; os.tmpname and
**                             io.tmpfile removed
**  - read files:              io.open/io.lines/io.input, loadfile/dofile,
**                             require and every native reader (array.load,
**                             ...) only inside read_dirs and write_dir
**  - read the environment or change the process's locale: os.getenv and
**                             os.setlocale removed
**
** The files a host runs (the script named on the command line,
** gibbs_run_file) are the host's choice, outside this policy.
*/
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lauxlib.h>

#include "interp.h"
#include "internal.h"

static const char *const removed[][2] = {
  {"os", "execute"}, {"os", "exit"}, {"os", "tmpname"}, {"os", "getenv"},
  {"os", "setlocale"}, {"io", "popen"}, {"io", "tmpfile"}, {"package", "loadlib"},
  {NULL, NULL}
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

/* loadfile and dofile read standard input when given no file name. */
static int safe_loadfile(lua_State *L) {
  const char *path = luaL_optstring(L, 1, NULL);
  int hasenv = !lua_isnone(L, 3);
  if (path) gbL_checkread(L, path);
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
  if (path) gbL_checkread(L, path);
  if (luaL_loadfilex(L, path, "t") != LUA_OK) return lua_error(L);
  lua_call(L, 0, LUA_MULTRET);
  return lua_gettop(L) - 1;
}

/* Modules -------------------------------------------------------------------- */

static int readable(lua_State *L, const char *file) {
  if (!gbL_mayread(L, file)) return 0;
  FILE *f = fopen(file, "r");
  if (!f) return 0;
  fclose(f);
  return 1;
}

/* The first file on path (templates separated by ';', '?' standing for
   name with each sep replaced by rep) that exists and that the sandbox
   lets scripts read, pushed; or NULL,
   with the message listing the files tried pushed, as package.searchpath
   words it. */
static const char *findfile(lua_State *L, const char *name, const char *path,
                            const char *sep, const char *rep) {
  int tried = 0;
  if (*sep && strchr(name, *sep)) name = luaL_gsub(L, name, sep, rep);
  for (const char *p = path;; p++) {
    const char *e = strchr(p, *LUA_PATH_SEP);
    size_t len = e ? (size_t)(e - p) : strlen(p);
    if (len > 0) {
      lua_pushlstring(L, p, len);
      const char *file = luaL_gsub(L, lua_tostring(L, -1), LUA_PATH_MARK, name);
      lua_remove(L, -2);
      if (readable(L, file)) return file;
      lua_pushfstring(L, "%sno file '%s'", tried++ ? "\n\t" : "", file);
      lua_remove(L, -2);
      if (tried > 1) lua_concat(L, 2);
    }
    if (!e) break;
    p = e;
  }
  if (!tried) lua_pushliteral(L, "");
  return NULL;
}

/* package.searchpath(name, path [, sep [, rep]]) */
static int safe_searchpath(lua_State *L) {
  const char *name = luaL_checkstring(L, 1);
  const char *path = luaL_checkstring(L, 2);
  const char *sep = luaL_optstring(L, 3, ".");
  const char *rep = luaL_optstring(L, 4, LUA_DIRSEP);
  if (findfile(L, name, path, sep, rep)) return 1;
  luaL_pushfail(L);
  lua_insert(L, -2);
  return 2;
}

/* package.searchers[2]: a Lua file on package.path in the readable
   directories, loaded as text only.  Upvalue 1 is the package table. */
static int search_lua(lua_State *L) {
  const char *name = luaL_checkstring(L, 1);
  if (lua_getfield(L, lua_upvalueindex(1), "path") != LUA_TSTRING)
    return luaL_error(L, "'package.path' must be a string");
  const char *file = findfile(L, name, lua_tostring(L, -1), ".", LUA_DIRSEP);
  if (!file) return 1;                       /* the files tried */
  if (luaL_loadfilex(L, file, "t") != LUA_OK)
    return luaL_error(L, "error loading module '%s' from file '%s':\n\t%s",
                      name, file, lua_tostring(L, -1));
  lua_pushstring(L, file);
  return 2;
}

/* Only the preload searcher and search_lua: no C modules, no bytecode. */
static void set_searchers(lua_State *L) {
  lua_getglobal(L, "package");
  lua_getfield(L, -1, "searchers");
  lua_pushnil(L);
  lua_rawseti(L, -2, 4);
  lua_pushnil(L);
  lua_rawseti(L, -2, 3);
  lua_pushvalue(L, -2);
  lua_pushcclosure(L, search_lua, 1);
  lua_rawseti(L, -2, 2);
  lua_pop(L, 1);
  lua_pushcfunction(L, safe_searchpath);
  lua_setfield(L, -2, "searchpath");
  lua_pushliteral(L, "");
  lua_setfield(L, -2, "cpath");
  lua_pop(L, 1);
}

/* Files ---------------------------------------------------------------------- */

/* The mode allows writing: "w", "a" or any "+". */
static int writes(const char *mode) {
  return strchr(mode, 'w') || strchr(mode, 'a') || strchr(mode, '+');
}

/* The open(2) flags of a mode that writes, or -1 if io.open would not take
   the mode ("r", "w" or "a", then an optional "+", then only "b"s). */
static int open_flags(const char *mode) {
  int plus = mode[0] && mode[1] == '+';
  const char *rest = mode + (mode[0] ? 1 : 0) + plus;
  int rw = plus ? O_RDWR : O_WRONLY;
  if (strspn(rest, "b") != strlen(rest)) return -1;
  switch (mode[0]) {
    case 'r': return plus ? O_RDWR : -1;
    case 'w': return rw | O_CREAT | O_TRUNC;
    case 'a': return rw | O_CREAT | O_APPEND;
    default: return -1;
  }
}

static int close_stream(lua_State *L) {
  luaL_Stream *p = luaL_checkudata(L, 1, LUA_FILEHANDLE);
  return luaL_fileresult(L, fclose(p->f) == 0, NULL);
}

/* Open path for writing as io.open does, pushing the file or fail, message
   and errno.  The last component is not followed if it is a symbolic link
   (gbL_checkwrite has resolved the directories), and the file must be a
   regular one with no other hard link: no name in the write directory may
   lead to a file outside it.  Truncation waits for those checks, and
   O_NONBLOCK keeps a FIFO from blocking the open. */
static int open_write(lua_State *L, const char *path, const char *mode) {
  int flags = open_flags(mode);
  struct stat st;
  luaL_argcheck(L, flags >= 0, 2, "invalid mode");
  gbL_checkwrite(L, path);
  luaL_Stream *p = lua_newuserdatauv(L, sizeof *p, 0);
  p->closef = NULL;                        /* not open yet */
  luaL_setmetatable(L, LUA_FILEHANDLE);
  int fd = open(path, (flags & ~O_TRUNC) | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0666);
  if (fd < 0) return luaL_fileresult(L, 0, path);
  if (fstat(fd, &st) != 0) st.st_mode = 0;
  if (!S_ISREG(st.st_mode) || st.st_nlink > 1) {
    close(fd);
    return gbL_error(L, "sandbox: writing '%s' is not allowed: %s", path,
                     S_ISREG(st.st_mode) ? "it has other hard links" : "not a regular file");
  }
  if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0 ||
      ((flags & O_TRUNC) && ftruncate(fd, 0) != 0) || !(p->f = fdopen(fd, mode))) {
    int e = errno;
    close(fd);
    errno = e;
    return luaL_fileresult(L, 0, path);
  }
  p->closef = close_stream;
  return 1;
}

static int safe_open(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  const char *mode = luaL_optstring(L, 2, "r");
  if (writes(mode)) return open_write(L, path, mode);
  gbL_checkread(L, path);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  return lua_gettop(L);
}

/* io.output(name) opens name for writing; io.output(file) is harmless. */
static int safe_output(lua_State *L) {
  if (lua_type(L, 1) == LUA_TSTRING) {
    const char *path = lua_tostring(L, 1);
    if (open_write(L, path, "w") != 1)      /* fail, message, errno */
      return luaL_error(L, "cannot open file '%s' (%s)", path,
                        strerror((int)lua_tointeger(L, -1)));
    lua_replace(L, 1);
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  return lua_gettop(L);
}

/* io.lines(name) and io.input(name) read name; without one, or with a
   file, they read what is already open. */
static int safe_readname(lua_State *L) {
  if (lua_type(L, 1) == LUA_TSTRING) gbL_checkread(L, lua_tostring(L, 1));
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

/* Finalizers ------------------------------------------------------------------
** Lua runs __gc with hooks off, so no budget could stop one that loops.
** Scripts may not set a metatable with __gc, and the metatables of the
** built-in objects (arrays, generators, files, ...), whose __gc runs for
** every such object, reach scripts as read-only views.  (Lua marks an
** object for finalization only if its metatable has __gc when set, so a
** __gc added later to a script's metatable is never run.)
*/

static int safe_setmetatable(lua_State *L) {
  if (lua_type(L, 2) == LUA_TTABLE) {
    int gc = lua_getfield(L, 2, "__gc") != LUA_TNIL;
    lua_pop(L, 1);
    if (gc) return luaL_error(L, "setmetatable: __gc is not allowed in the sandbox");
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  return lua_gettop(L);
}

static int view_newindex(lua_State *L) {
  return luaL_error(L, "sandbox: the metatables of built-in objects are read-only");
}

/* The iterator of pairs(view): the metatable's keys (upvalue 1). */
static int view_next(lua_State *L) {
  lua_settop(L, 2);
  if (lua_next(L, lua_upvalueindex(1))) return 2;
  lua_pushnil(L);
  return 1;
}

static int view_pairs(lua_State *L) {
  lua_getmetatable(L, 1);
  lua_getfield(L, -1, "__index");          /* the metatable viewed */
  lua_pushcclosure(L, view_next, 1);
  lua_pushvalue(L, 1);
  lua_pushnil(L);
  return 3;
}

/* Push a new read-only view of the table at the top. */
static void newview(lua_State *L) {
  int mt = lua_gettop(L);
  lua_newtable(L);
  lua_createtable(L, 0, 4);
  lua_pushvalue(L, mt);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, view_newindex);
  lua_setfield(L, -2, "__newindex");
  lua_pushcfunction(L, view_pairs);
  lua_setfield(L, -2, "__pairs");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, -2);
}

/* getmetatable(x); a userdata's metatable comes as a view, one per
   metatable (kept in upvalue 2, weak-keyed), so that views compare equal
   as the metatables do. */
static int safe_getmetatable(lua_State *L) {
  luaL_checkany(L, 1);
  lua_settop(L, 1);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_pushvalue(L, 1);
  lua_call(L, 1, 1);                       /* 2: what getmetatable says */
  if (lua_type(L, 1) != LUA_TUSERDATA || !lua_getmetatable(L, 1) || !lua_rawequal(L, 2, 3)) {
    lua_settop(L, 2);                      /* not one, or __metatable hides it */
    return 1;
  }
  lua_pushvalue(L, 3);
  if (lua_rawget(L, lua_upvalueindex(2)) == LUA_TNIL) {
    lua_pop(L, 1);
    newview(L);
    lua_pushvalue(L, 3);
    lua_pushvalue(L, -2);
    lua_rawset(L, lua_upvalueindex(2));
  }
  return 1;
}

static void guard_finalizers(lua_State *L) {
  lua_getglobal(L, "setmetatable");
  lua_pushcclosure(L, safe_setmetatable, 1);
  lua_setglobal(L, "setmetatable");
  lua_getglobal(L, "getmetatable");
  lua_newtable(L);                         /* the views */
  lua_createtable(L, 0, 1);
  lua_pushliteral(L, "k");
  lua_setfield(L, -2, "__mode");
  lua_setmetatable(L, -2);
  lua_pushcclosure(L, safe_getmetatable, 2);
  lua_setglobal(L, "getmetatable");
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

typedef struct policy {
  const char *write_dir;
  const char *const *read_dirs;
} policy;

/* The directories, in the registry for gbL_checkwrite and gbL_checkread:
   the write directory is readable too. */
static void set_policy(lua_State *L, const policy *p) {
  int n = 0;
  lua_newtable(L);
  for (int i = 0; p->read_dirs && p->read_dirs[i]; i++) {
    lua_pushstring(L, p->read_dirs[i]);
    lua_rawseti(L, -2, ++n);
  }
  if (p->write_dir) {
    lua_pushstring(L, p->write_dir);
    lua_rawseti(L, -2, ++n);
  }
  lua_setfield(L, LUA_REGISTRYINDEX, GBL_READDIRS_KEY);
  if (p->write_dir) lua_pushstring(L, p->write_dir);
  else lua_pushboolean(L, 0);
  lua_setfield(L, LUA_REGISTRYINDEX, GBL_WRITEDIR_KEY);
}

static int apply(lua_State *L) {
  const policy *p = lua_touserdata(L, 1);
  for (int i = 0; removed[i][0]; i++) {
    if (lua_getglobal(L, removed[i][0]) == LUA_TTABLE) {
      lua_pushnil(L);
      lua_setfield(L, -2, removed[i][1]);
    }
    lua_pop(L, 1);
  }
  set_searchers(L);
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
  lua_pushnil(L);
  lua_setfield(L, -2, "debug");
  lua_pop(L, 1);
  lua_pushnil(L);
  lua_setglobal(L, "debug");

  lua_getglobal(L, "load");
  lua_pushcclosure(L, safe_load, 1);
  lua_setglobal(L, "load");
  lua_pushcfunction(L, safe_loadfile);
  lua_setglobal(L, "loadfile");
  lua_pushcfunction(L, safe_dofile);
  lua_setglobal(L, "dofile");

  guard_finalizers(L);

  wrap(L, "io", "open", safe_open);
  wrap(L, "io", "output", safe_output);
  wrap(L, "io", "lines", safe_readname);
  wrap(L, "io", "input", safe_readname);
  wrap(L, "os", "remove", safe_remove);
  wrap(L, "os", "rename", safe_rename);

  set_policy(L, p);
  return 0;
}

int gibbs_interp_sandbox(lua_State *L, const char *write_dir, const char *const *read_dirs) {
  policy p = {write_dir, read_dirs};
  lua_pushcfunction(L, apply);
  lua_pushlightuserdata(L, &p);
  if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
    lua_pop(L, 1);
    return -1;
  }
  return 0;
}
