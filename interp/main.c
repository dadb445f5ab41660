/*
** gibbs: the command line.  Modelled on lua.c: options are handled in
** order, then the script runs with Lua's `arg` table, then (with -i, or
** with no script on a terminal) the REPL.
*/
#include <errno.h>
#include <malloc.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lualib.h>

#include "gibbs.h"
#include "interp.h"

static const char *progname = "gibbs";

static void usage(FILE *out) {
  fprintf(out,
    "usage: %s [options] [script [args]]\n"
    "Options:\n"
    "  -e code            run code\n"
    "  -i                 enter the REPL after running the script\n"
    "  -l mod             require module mod into global 'mod'\n"
    "  -v                 show the version\n"
    "  -h, --help         show this help\n"
    "  --sandbox          no processes, native code, bytecode, debug library, environment,\n"
    "                     finalizers, file writes or reads (see --write-dir, --read-dir)\n"
    "  --write-dir DIR    under --sandbox, allow writing (and reading) files below DIR\n"
    "  --read-dir DIR     under --sandbox, allow reading files below DIR (repeatable)\n"
    "  --mem-limit SIZE   stop the script when it allocates more (e.g. 512M, 2G)\n"
    "  --time-limit SEC   stop each run after SEC seconds\n"
    "  --                 stop handling options\n"
    "  -                  run standard input as the script\n"
    "With no script: the REPL on a terminal, else standard input runs as a script.\n",
    progname);
}

static void print_version(void) {
  printf("gibbs %s (%s)\n", GIBBS_VERSION, LUA_RELEASE);
}

/* Print "gibbs: message" (message already holds file:line and traceback). */
static int report(gibbs_State *G, int status) {
  if (status != GIBBS_OK) {
    fprintf(stderr, "%s: %s\n", progname, gibbs_error(G));
    fflush(stderr);
  }
  return status;
}

/* "512M", "2G", "1000000", "64k" -> bytes; 0 on a malformed size.  strtod
   also reads "nan" and "inf", which are no sizes. */
static size_t parse_size(const char *s) {
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (errno || end == s || !(v > 0) || !isfinite(v)) return 0;
  switch (*end) {
    case 'k': case 'K': v *= 1024.0; end++; break;
    case 'm': case 'M': v *= 1024.0 * 1024.0; end++; break;
    case 'g': case 'G': v *= 1024.0 * 1024.0 * 1024.0; end++; break;
    default: break;
  }
  if ((*end == 'b' || *end == 'B') && end[1] == '\0') end++;
  if (*end != '\0' || v >= 1.8e19) return 0;
  return (size_t)v;
}

typedef struct cli {
  gibbs_Options opt;
  const char **read_dirs;  /* --read-dir values, NULL-terminated */
  int interactive;     /* -i */
  int version;         /* -v */
  int script;          /* argv index of the script (0: none) */
  int first_action;    /* argv index where -e/-l start */
} cli;

static void die_usage(const char *fmt, const char *what) {
  fprintf(stderr, "%s: ", progname);
  fprintf(stderr, fmt, what);
  fprintf(stderr, "\n");
  usage(stderr);
  exit(1);
}

/* The options that take a value (skipped over by the second pass). */
static int takes_value(const char *a) {
  return strcmp(a, "--write-dir") == 0 || strcmp(a, "--read-dir") == 0 ||
         strcmp(a, "--mem-limit") == 0 || strcmp(a, "--time-limit") == 0;
}

static const char *directory(const char *opt, const char *dir) {
  struct stat st;
  if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
    fprintf(stderr, "%s: %s '%s': not a directory\n", progname, opt, dir);
    exit(1);
  }
  return dir;
}

/* First pass: options that shape the state.  -e and -l run in the second. */
static void parse_args(int argc, char **argv, cli *c) {
  int i, nread = 0;
  gibbs_options_init(&c->opt);
  c->opt.interactive = 1;
  c->read_dirs = calloc((size_t)argc, sizeof *c->read_dirs);
  if (!c->read_dirs) exit(1);
  c->opt.read_dirs = c->read_dirs;
  for (i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (a[0] != '-') break;                       /* the script */
    if (strcmp(a, "-") == 0) break;               /* stdin as the script */
    if (strcmp(a, "--") == 0) { i++; break; }
    if (strcmp(a, "-e") == 0 || strcmp(a, "-l") == 0) {
      if (++i >= argc) die_usage("'%s' needs an argument", a);
    } else if (strncmp(a, "-e", 2) == 0 || strncmp(a, "-l", 2) == 0) {
      /* -ecode, -lmod */
    } else if (strcmp(a, "-i") == 0) c->interactive = 1;
    else if (strcmp(a, "-v") == 0) c->version = 1;
    else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) { usage(stdout); exit(0); }
    else if (strcmp(a, "--sandbox") == 0) c->opt.sandbox = 1;
    else if (strcmp(a, "--write-dir") == 0) {
      if (++i >= argc) die_usage("'%s' needs a directory", a);
      c->opt.write_dir = directory(a, argv[i]);
    } else if (strcmp(a, "--read-dir") == 0) {
      if (++i >= argc) die_usage("'%s' needs a directory", a);
      c->read_dirs[nread++] = directory(a, argv[i]);
    } else if (strcmp(a, "--mem-limit") == 0) {
      if (++i >= argc) die_usage("'%s' needs a size", a);
      c->opt.mem_limit = parse_size(argv[i]);
      if (c->opt.mem_limit == 0)
        die_usage("bad --mem-limit '%s': a size in bytes > 0 is expected (e.g. 512M, 2G)", argv[i]);
    } else if (strcmp(a, "--time-limit") == 0) {
      char *end;
      if (++i >= argc) die_usage("'%s' needs a number of seconds", a);
      c->opt.time_limit = strtod(argv[i], &end);
      if (*end || end == argv[i] || !(c->opt.time_limit > 0) || !isfinite(c->opt.time_limit))
        die_usage("bad --time-limit '%s': a finite number of seconds > 0 is expected", argv[i]);
    } else die_usage("unrecognised option '%s'", a);
  }
  c->script = i < argc ? i : 0;
}

/* Lua's arg table: script at 0, its arguments at 1.., options below 0. */
static void create_arg_table(lua_State *L, int argc, char **argv, int script) {
  int base = script ? script : argc;
  lua_createtable(L, argc - base, base);
  for (int i = 0; i < argc; i++) {
    lua_pushstring(L, argv[i]);
    lua_rawseti(L, -2, i - base);
  }
  lua_setglobal(L, "arg");
}

static int run_option_actions(gibbs_State *G, int argc, char **argv, int upto) {
  lua_State *L = gibbs_lua(G);
  for (int i = 1; i < upto && i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--") == 0) break;
    if (a[0] != '-' || (a[1] != 'e' && a[1] != 'l')) {
      if (takes_value(a)) i++;
      continue;
    }
    const char *val = a[2] ? a + 2 : argv[++i];
    int st;
    if (a[1] == 'e') {
      st = gibbs_run_string(G, val, "=(command line)");
    } else {
      lua_getglobal(L, "require");
      lua_pushstring(L, val);
      st = gibbs_interp_pcall(G, 1, 1);
      if (st == GIBBS_OK) {
        /* a module name like "a.b" becomes global "a" only if simple */
        if (!strchr(val, '.') && !strchr(val, '-')) lua_setglobal(L, val);
        else lua_pop(L, 1);
      }
    }
    if (report(G, st) != GIBBS_OK) return st;
  }
  return GIBBS_OK;
}

static int run_script(gibbs_State *G, int argc, char **argv, int script) {
  lua_State *L = gibbs_lua(G);
  const char *path = strcmp(argv[script], "-") == 0 ? NULL : argv[script];
  int st;
  st = luaL_loadfilex(L, path, gibbs_interp_loadmode(L));
  if (st != LUA_OK) {
    fprintf(stderr, "%s: %s\n", progname, lua_tostring(L, -1));
    lua_pop(L, 1);
    return GIBBS_ERROR;
  }
  int n = argc - script - 1;
  luaL_checkstack(L, n + 3, "too many arguments to script");
  for (int i = script + 1; i < argc; i++) lua_pushstring(L, argv[i]);
  return report(G, gibbs_interp_pcall(G, n, 0));
}

/* Was there a -e or -l (before the script)? */
static int has_action(int argc, char **argv, int upto) {
  for (int i = 1; i < upto && i < argc; i++) {
    if (strcmp(argv[i], "--") == 0) break;
    if (argv[i][0] == '-' && (argv[i][1] == 'e' || argv[i][1] == 'l')) return 1;
    if (takes_value(argv[i])) i++;
  }
  return 0;
}

/*
** glibc serves blocks above 128 KiB (a threshold it raises as they are
** freed) with fresh mmaps and returns freed memory to the system, so every
** call of a kernel that allocates work arrays of a few MiB (kd-trees,
** sorts, copies) pays for page faults again, and with several threads the
** faults serialise in the kernel: KSG on 2 x 10^5 points took half again
** as long.  The program keeps blocks up to 32 MiB on the heap and keeps up
** to 128 MiB of freed memory for reuse.  (Hosts that embed gibbs keep
** their own policy.)
*/
static void tune_malloc(void) {
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 128 << 20);
}

int main(int argc, char **argv) {
  cli c = {0};
  int st = GIBBS_OK;
  tune_malloc();
  parse_args(argc, argv, &c);
  if (c.version) print_version();
  gibbs_State *G = gibbs_open(&c.opt);
  if (!G) {
    fprintf(stderr, "%s: cannot create state: not enough memory\n", progname);
    free(c.read_dirs);
    return 1;
  }
  gibbs_progress_install(G);
  lua_State *L = gibbs_lua(G);
  create_arg_table(L, argc, argv, c.script);
  st = run_option_actions(G, argc, argv, c.script ? c.script : argc);
  if (st == GIBBS_OK && c.script) {
    st = run_script(G, argc, argv, c.script);
  } else if (st == GIBBS_OK && !c.interactive && !c.version && !has_action(argc, argv, argc)) {
    if (isatty(STDIN_FILENO)) c.interactive = 1;
    else {
      int s = luaL_loadfilex(L, NULL, gibbs_interp_loadmode(L));
      if (s != LUA_OK) {
        fprintf(stderr, "%s: %s\n", progname, lua_tostring(L, -1));
        st = GIBBS_ERROR;
      } else {
        st = report(G, gibbs_interp_pcall(G, 0, 0));
      }
    }
  }
  if (c.interactive && st == GIBBS_OK) st = gibbs_repl(G);
  gibbs_close(G);
  free(c.read_dirs);
  return st == GIBBS_OK ? 0 : 1;
}
