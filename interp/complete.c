/*
** Tab completion for the REPL: the candidates for a word such as "pri",
** "array.ze", "string.f" or "a:su".  Globals complete from _G; "x.y."
** walks table fields; "v:" offers the methods of v's type: the array,
** generator and sampler method tables (their metatables' __methods or a
** table __index) and, for strings, the string library.  Only raw table
** reads are used, so completing never runs a script's metamethods.
*/
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "interp.h"

/* Push the value the dotted path names (e.g. "array" or "a.b"), or nil. */
static void push_path(lua_State *L, const char *path, size_t len) {
  lua_pushglobaltable(L);
  size_t i = 0;
  while (i < len) {
    size_t j = i;
    while (j < len && path[j] != '.') j++;
    if (!lua_istable(L, -1)) { lua_pop(L, 1); lua_pushnil(L); return; }
    lua_pushlstring(L, path + i, j - i);
    lua_rawget(L, -2);
    lua_remove(L, -2);
    i = j + 1;
  }
}

/* Push the table of methods of the value on top (which is popped), or nil. */
static void push_methods(lua_State *L) {
  if (lua_type(L, -1) == LUA_TSTRING) {
    lua_pop(L, 1);
    lua_getglobal(L, "string");
    return;
  }
  if (!lua_getmetatable(L, -1)) { lua_pop(L, 1); lua_pushnil(L); return; }
  lua_remove(L, -2);
  lua_pushliteral(L, "__methods");
  if (lua_rawget(L, -2) == LUA_TTABLE) { lua_remove(L, -2); return; }
  lua_pop(L, 1);
  lua_pushliteral(L, "__index");
  lua_rawget(L, -2);
  lua_remove(L, -2);
  if (!lua_istable(L, -1)) { lua_pop(L, 1); lua_pushnil(L); }
}

static int cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

char **gibbs_completions(lua_State *L, const char *word, int *count) {
  int top = lua_gettop(L);
  size_t wlen = strlen(word), split = 0;
  char sep = 0;
  for (size_t i = wlen; i > 0; i--)
    if (word[i - 1] == '.' || word[i - 1] == ':') { split = i - 1; sep = word[i - 1]; break; }
  const char *partial = sep ? word + split + 1 : word;
  size_t plen = strlen(partial);
  if (!sep) lua_pushglobaltable(L);
  else {
    push_path(L, word, split);
    if (sep == ':') push_methods(L);
  }
  int n = 0, cap = 16;
  char **out = malloc(sizeof(char *) * (size_t)cap);
  if (out && lua_istable(L, -1)) {
    lua_pushnil(L);
    while (lua_next(L, -2)) {
      size_t klen;
      const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tolstring(L, -2, &klen) : NULL;
      int callable = lua_isfunction(L, -1);
      lua_pop(L, 1);
      if (!k || klen < plen || strncmp(k, partial, plen) != 0 || k[0] == '_') continue;
      if (sep == ':' && !callable) continue;
      if (n + 1 >= cap) {
        char **grown = realloc(out, sizeof(char *) * (size_t)(cap *= 2));
        if (!grown) break;
        out = grown;
      }
      size_t head = sep ? split + 1 : 0;
      char *s = malloc(head + klen + 1);
      if (!s) break;
      memcpy(s, word, head);
      memcpy(s + head, k, klen + 1);
      out[n++] = s;
    }
  }
  lua_settop(L, top);
  if (out) {
    qsort(out, (size_t)n, sizeof *out, cmp);
    out[n] = NULL;
  }
  *count = n;
  return out;
}
