/*
** The REPL, after lua.c's doREPL: read a line with GNU readline, try it as
** an expression ("return <line>"), else as a statement; an incomplete
** chunk continues on the next line.  Results are printed by the stdlib's
** pretty printer, kept in `_`, and a trailing ';' keeps them quiet.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include <lauxlib.h>

#include "gibbs.h"
#include "interp.h"

#define PROMPT  "> "
#define PROMPT2 ">> "
#define EOFMARK "<eof>"

static int is_incomplete(lua_State *L, int status) {
  if (status == LUA_ERRSYNTAX) {
    size_t lmsg;
    const char *msg = lua_tolstring(L, -1, &lmsg);
    size_t lmark = sizeof(EOFMARK) - 1;
    if (lmsg >= lmark && strcmp(msg + lmsg - lmark, EOFMARK) == 0) {
      lua_pop(L, 1);
      return 1;
    }
  }
  return 0;
}

/* Does the line end with ';' (ignoring trailing blanks)? */
static int quiet(const char *s) {
  size_t n = strlen(s);
  while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n')) n--;
  return n > 0 && s[n - 1] == ';';
}

static char *read_line(const char *prompt) {
  if (isatty(STDIN_FILENO)) return readline(prompt);
  /* not a terminal (tests, pipes): plain reads, no echo of the prompt */
  static char buf[8192];
  fputs(prompt, stdout);
  fflush(stdout);
  if (!fgets(buf, sizeof buf, stdin)) return NULL;
  buf[strcspn(buf, "\n")] = '\0';
  return strdup(buf);
}

/* Compile the first line as "return <line>"; pushes the function on success. */
static int try_expression(lua_State *L, const char *line) {
  const char *code = lua_pushfstring(L, "return %s;", line);
  int st = luaL_loadbufferx(L, code, strlen(code), "=stdin", "t");
  lua_remove(L, -2);
  if (st != LUA_OK) lua_pop(L, 1);
  return st;
}

/* Read lines until a chunk compiles (or fails for a reason other than an
   unfinished statement).  Pushes the function or an error message; the
   whole text is left in *text (malloc'ed).  Returns -1 at end of input. */
static int read_chunk(lua_State *L, char **text) {
  char *line = read_line(PROMPT);
  if (!line) return -1;
  size_t len = strlen(line);
  char *buf = malloc(len + 2);
  memcpy(buf, line, len + 1);
  free(line);
  if (try_expression(L, buf) == LUA_OK) {
    *text = buf;
    return LUA_OK;
  }
  for (;;) {
    int st = luaL_loadbufferx(L, buf, strlen(buf), "=stdin", "t");
    if (!is_incomplete(L, st)) {
      *text = buf;
      return st;
    }
    char *more = read_line(PROMPT2);
    if (!more) {
      *text = buf;
      return luaL_loadbufferx(L, buf, strlen(buf), "=stdin", "t");
    }
    size_t n = strlen(buf), m = strlen(more);
    buf = realloc(buf, n + m + 2);
    buf[n] = '\n';
    memcpy(buf + n + 1, more, m + 1);
    free(more);
  }
}

/* Print the values on the stack above base with the stdlib's repl_print. */
static void print_results(gibbs_State *G, int base) {
  lua_State *L = gibbs_lua(G);
  int n = lua_gettop(L) - base;
  if (n == 0) return;
  lua_pushvalue(L, base + 1);
  lua_setglobal(L, "_");
  lua_getglobal(L, "require");
  lua_pushliteral(L, "pretty");
  if (lua_pcall(L, 1, 1, 0) != LUA_OK || lua_getfield(L, -1, "repl_print") != LUA_TFUNCTION) {
    lua_settop(L, base + n);
    for (int i = 1; i <= n; i++) {
      printf("%s%s", i > 1 ? "\t" : "", luaL_tolstring(L, base + i, NULL));
      lua_pop(L, 1);
    }
    printf("\n");
    lua_settop(L, base);
    return;
  }
  lua_remove(L, -2);
  lua_insert(L, base + 1);
  if (gibbs_interp_pcall(G, n, 0) != GIBBS_OK)
    fprintf(stderr, "(error printing result: %s)\n", gibbs_error(G));
  fflush(stdout);
  lua_settop(L, base);
}

/* Completion through readline: candidates from complete.c. */
static lua_State *completion_state;
static char **candidates;
static int ncandidates;

static char *generator(const char *text, int state) {
  static int next;
  if (state == 0) {
    for (int i = 0; candidates && i < ncandidates; i++) free(candidates[i]);
    free(candidates);
    candidates = gibbs_completions(completion_state, text, &ncandidates);
    next = 0;
  }
  if (!candidates || next >= ncandidates) return NULL;
  char *s = candidates[next];
  candidates[next++] = NULL;           /* readline frees what we return */
  return s;
}

static char **complete(const char *text, int start, int end) {
  (void)start; (void)end;
  rl_completion_append_character = '\0';
  return rl_completion_matches(text, generator);
}

/* The history file: GIBBS_HISTORY, else ~/.gibbs_history. */
static char history_path[4096];

static void history_open(void) {
  const char *env = getenv("GIBBS_HISTORY"), *home = getenv("HOME");
  if (env && *env) snprintf(history_path, sizeof history_path, "%s", env);
  else if (home) snprintf(history_path, sizeof history_path, "%s/.gibbs_history", home);
  else return;
  stifle_history(1000);
  read_history(history_path);
}

static void history_add(const char *line) {
  add_history(line);
  if (!history_path[0]) return;
  if (append_history(1, history_path) != 0) write_history(history_path);
  history_truncate_file(history_path, 1000);
}

int gibbs_repl(gibbs_State *G) {
  lua_State *L = gibbs_lua(G);
  char *text;
  int st;
  if (isatty(STDIN_FILENO)) {
    printf("gibbs %s (%s)  help() for help, Ctrl-D to quit\n", GIBBS_VERSION, LUA_RELEASE);
    completion_state = L;
    rl_readline_name = "gibbs";
    rl_basic_word_break_characters = " \t\n\"\\'`@$><=;|&{(,+-*/%^#~[]";
    rl_attempted_completion_function = complete;
    history_open();
  }
  while ((st = read_chunk(L, &text)) != -1) {
    int base = lua_gettop(L) - 1;
    if (text[0] && isatty(STDIN_FILENO)) history_add(text);
    if (st == LUA_OK) {
      st = gibbs_interp_pcall(G, 0, LUA_MULTRET);
      if (st == GIBBS_OK) {
        if (!quiet(text)) print_results(G, base);
      } else {
        fprintf(stderr, "%s\n", gibbs_error(G));
      }
    } else {
      fprintf(stderr, "%s\n", lua_tostring(L, -1));
    }
    lua_settop(L, base);
    free(text);
    fflush(stderr);
  }
  printf("\n");
  return GIBBS_OK;
}
