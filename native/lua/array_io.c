/*
** array: files — .npy (NumPy's binary format) and delimited text.
**
**   array.save(path, a)   array.load(path)
**   array.savetxt(path, a [, opts])   array.loadtxt(path [, opts])
**
** Every write goes to a temporary file in the target's directory, which is
** renamed over the target only once everything is written and flushed, so
** a failure never leaves a half-written file.  A process killed mid-write
** leaves its temporary behind; the name (".<name>.gibbs-tmp.<pid>.XXXXXX")
** says what it is, and the next save of the same target removes it.
** Reads and writes obey the sandbox's policy (gbL_checkread,
** gbL_checkwrite).  No Lua error is raised while a file is open: failures
** are collected, the file closed (and the temporary removed), then
** reported.
*/
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "npy.h"

/* Atomic writes ----------------------------------------------------------------- */

typedef struct outfile {
  FILE *f;
  char tmp[PATH_MAX + 64];
  int failed;
} outfile;

#define TMP_TAG ".gibbs-tmp."
#define TMP_BASE 200        /* bytes of the target's name kept in a temporary's */

/* Remove the temporaries "<prefix><pid>.XXXXXX" in dir whose process is
   gone (those of a live one may be a save in progress). */
static void remove_stale(const char *dir, const char *prefix) {
  DIR *d = opendir(dir);
  size_t n = strlen(prefix);
  struct dirent *e;
  if (!d) return;
  while ((e = readdir(d)) != NULL) {
    char *end;
    if (strncmp(e->d_name, prefix, n) != 0) continue;
    errno = 0;
    long pid = strtol(e->d_name + n, &end, 10);
    if (errno || end == e->d_name + n || *end != '.' || pid <= 0 || pid == (long)getpid())
      continue;
    if (kill((pid_t)pid, 0) != 0 && errno == ESRCH) unlinkat(dirfd(d), e->d_name, 0);
  }
  closedir(d);
}

static int out_open(outfile *o, const char *path) {
  const char *slash = strrchr(path, '/');
  int dirlen = slash ? (int)(slash - path) + 1 : 0;    /* with the slash */
  char dir[PATH_MAX], prefix[TMP_BASE + 32];
  o->failed = 0;
  snprintf(prefix, sizeof prefix, ".%.*s" TMP_TAG, TMP_BASE, path + dirlen);
  if (snprintf(dir, sizeof dir, "%.*s", dirlen ? dirlen : 1, dirlen ? path : ".") >= (int)sizeof dir ||
      snprintf(o->tmp, sizeof o->tmp, "%s%s%ld.XXXXXX", dirlen ? dir : "", prefix,
               (long)getpid()) >= (int)sizeof o->tmp) {
    errno = ENAMETOOLONG;
    return 0;
  }
  remove_stale(dir, prefix);
  int fd = mkstemp(o->tmp);
  if (fd < 0) return 0;
  mode_t mask = umask(0);
  umask(mask);
  fchmod(fd, 0666 & ~mask);                /* as a plain fopen would */
  o->f = fdopen(fd, "wb");
  if (!o->f) { close(fd); unlink(o->tmp); return 0; }
  return 1;
}

/* Close; on success rename into place, else remove.  Returns 1 on success.
   A killed process never leaves a half-written file in place; like NumPy,
   no fsync (which took most of the time of a save). */
static int out_close(outfile *o, const char *path) {
  int ok = !o->failed && fflush(o->f) == 0 && !ferror(o->f);
  ok = (fclose(o->f) == 0) && ok;
  if (ok && rename(o->tmp, path) == 0) return 1;
  int e = errno;
  unlink(o->tmp);
  errno = e;
  return 0;
}

static void out_write(outfile *o, const void *p, size_t n) {
  if (!o->failed && n && fwrite(p, 1, n, o->f) != n) o->failed = 1;
}

/* Reading a whole file ------------------------------------------------------------- */

/* The contents of path in a new userdata (pushed), NUL-terminated.  The
   buffer is made before the file is opened, so that a memory error cannot
   leave the file open. */
static const char *read_all(lua_State *L, const char *path, size_t *len) {
  struct stat st;
  gbL_checkread(L, path);
  if (stat(path, &st) != 0) gbL_error(L, "cannot open '%s': %s", path, strerror(errno));
  if (!S_ISREG(st.st_mode)) gbL_error(L, "'%s' is not a regular file", path);
  size_t n = (size_t)st.st_size;
  char *buf = lua_newuserdatauv(L, n + 1, 0);
  FILE *f = fopen(path, "rb");
  if (!f) gbL_error(L, "cannot open '%s': %s", path, strerror(errno));
  size_t got = n ? fread(buf, 1, n, f) : 0;
  int err = ferror(f);
  fclose(f);
  if (err || got != n) gbL_error(L, "cannot read '%s' (it changed while being read?)", path);
  buf[n] = 0;
  *len = n;
  return buf;
}

/* .npy ------------------------------------------------------------------------------- */

/* A file open for reading, closed when the C function returns or an error
   unwinds it (the guard is a to-be-closed value left on the stack). */
typedef struct infile { FILE *f; } infile;

static int infile_close(lua_State *L) {
  infile *in = lua_touserdata(L, 1);
  if (in->f) fclose(in->f);
  in->f = NULL;
  return 0;
}

static FILE *open_read(lua_State *L, const char *path, size_t *size) {
  struct stat st;
  gbL_checkread(L, path);
  infile *in = lua_newuserdatauv(L, sizeof *in, 0);
  in->f = NULL;
  if (luaL_newmetatable(L, "gibbs.infile")) {
    lua_pushcfunction(L, infile_close);
    lua_setfield(L, -2, "__close");
    lua_pushcfunction(L, infile_close);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2);
  lua_toclose(L, -1);
  if (!(in->f = fopen(path, "rb"))) gbL_error(L, "cannot open '%s': %s", path, strerror(errno));
  if (fstat(fileno(in->f), &st) != 0) gbL_error(L, "cannot open '%s': %s", path, strerror(errno));
  if (!S_ISREG(st.st_mode)) gbL_error(L, "'%s' is not a regular file", path);
  *size = (size_t)st.st_size;
  return in->f;
}

static void read_exactly(lua_State *L, FILE *f, void *p, size_t n, const char *path) {
  if (n && fread(p, 1, n, f) != n)
    gbL_error(L, "cannot read '%s' (it changed while being read?)", path);
}

/* array.load(path): the header is read first, then the data straight into
   the new array's buffer when the file's element type is the array's own
   (else through a small buffer, converted). */
static int a_load(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  size_t n, hb;
  unsigned char pre[12];
  char err[256];
  gb_npy info;
  FILE *f = open_read(L, path, &n);
  read_exactly(L, f, pre, n < sizeof pre ? n : sizeof pre, path);
  int st = gb_npy_header_length(pre, n < sizeof pre ? n : sizeof pre, &hb, err, sizeof err);
  if (st == GB_OK && hb > n) st = GB_EFORMAT, snprintf(err, sizeof err, "truncated header");
  if (st != GB_OK) return gbL_error(L, "%s: %s", path, err);
  unsigned char *header = lua_newuserdatauv(L, hb, 0);
  memcpy(header, pre, sizeof pre);
  read_exactly(L, f, header + sizeof pre, hb - sizeof pre, path);
  if ((st = gb_npy_parse(header, hb, &info, err, sizeof err)) != GB_OK)
    return gbL_error(L, "%s: %s", path, err);
  lua_pop(L, 1);
  uint64_t need = (uint64_t)info.size * (uint64_t)info.itemsize;
  if ((uint64_t)(n - hb) != need)
    return gbL_error(L, "%s: the data is %zu bytes, but shape and type need %llu", path,
                     n - hb, (unsigned long long)need);
  /* Fortran order: read the transposed C array, then view it transposed */
  int64_t shape[GB_MAXDIM];
  for (int i = 0; i < info.ndim; i++)
    shape[i] = info.fortran ? info.shape[info.ndim - 1 - i] : info.shape[i];
  gb_array *a = gbL_newarray(L, info.dtype, info.ndim, shape);
  size_t es = gb_dtype_size(info.dtype);
  int64_t chunk = ((int64_t)16 << 20) / info.itemsize;   /* 16 MiB a read */
  unsigned char *raw = gb_npy_native(&info) ? NULL : lua_newuserdatauv(L, (size_t)chunk * (size_t)info.itemsize, 0);
  for (int64_t i = 0; i < info.size; i += chunk) {
    int64_t m = info.size - i < chunk ? info.size - i : chunk;
    char *dst = a->data + (size_t)i * es;
    read_exactly(L, f, raw ? raw : (unsigned char *)dst, (size_t)m * (size_t)info.itemsize, path);
    if (raw) gb_npy_convert(&info, raw, dst, m);
    gbL_checkinterrupt(L);
  }
  if (raw) lua_pop(L, 1);
  if (info.fortran && info.ndim > 1) {
    gb_array v = *a;
    for (int i = 0; i < a->ndim; i++) {
      v.shape[i] = a->shape[a->ndim - 1 - i];
      v.strides[i] = a->strides[a->ndim - 1 - i];
    }
    gbL_pushview(L, -1, &v);
  }
  return 1;
}

/* array.save(path, a): .npy version 1.0 (2.0 for huge headers), C order,
   byte for byte what NumPy writes for the same array. */
static int a_save(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  luaL_checkany(L, 2);
  gb_array *a = gbL_toarray(L, 2, -1);
  gbL_checkwrite(L, path);
  /* a Fortran-ordered array (a transposed view) is written as it lies, as
     NumPy does; anything else not C-contiguous as a C-ordered copy */
  int fortran = !gb_is_c_contiguous(a) && gb_is_f_contiguous(a);
  if (!gb_is_c_contiguous(a) && !fortran) {
    gb_array *c = gbL_newlike(L, a, -1);
    gb_copy(gbL_ctx(L), c, a);
    a = c;
  }
  char header[512 + 24 * GB_MAXDIM];
  size_t h = gb_npy_header(header, sizeof header, a->dtype, a->ndim, a->shape, fortran);
  outfile o;
  if (!out_open(&o, path)) return gbL_error(L, "cannot write '%s': %s", path, strerror(errno));
  out_write(&o, header, h);
  size_t nbytes = (size_t)a->size * gb_dtype_size(a->dtype);
  size_t step = (size_t)1 << 24;
  const char *base = a->data;
  if (fortran)                               /* the lowest address of the block */
    for (int i = 0; i < a->ndim; i++) if (a->strides[i] < 0) base += (a->shape[i] - 1) * a->strides[i];
  for (size_t off = 0; off < nbytes && !o.failed; off += step)
    out_write(&o, base + off, nbytes - off < step ? nbytes - off : step);
  if (!out_close(&o, path)) return gbL_error(L, "cannot write '%s': %s", path, strerror(errno));
  return 0;
}

/* Text --------------------------------------------------------------------------------- */

#define MAXFIELDS 4096      /* fields a line may have */

typedef struct textopts {
  char delim;               /* 0: any run of spaces and tabs */
  char comments;
  lua_Integer skiprows;
  int ncols_sel;
  int cols[256];            /* 0-based selected columns */
  int dtype;
} textopts;

static const char *const LOADTXT_OPTS[] = {"delimiter", "comments", "skiprows", "usecols",
                                           "dtype", NULL};

/* A one-character option (def when absent). */
static char optchar(lua_State *L, int idx, const char *key, char def) {
  const char *s = gbL_optstr(L, idx, key, NULL);
  if (!s) return def;
  if (strlen(s) != 1) gbL_error(L, "%s must be one character, got '%s'", key, s);
  return *s;
}

/* A usecols entry at the top, as a 0-based column: checked before it is
   narrowed to an int, so that 2^32 + 1 does not become column 1. */
static int checkcol(lua_State *L) {
  lua_Integer c = luaL_checkinteger(L, -1);
  if (c < 1 || c > MAXFIELDS)
    gbL_error(L, "usecols are 1-based column numbers from 1 to %d, got %lld", MAXFIELDS, (long long)c);
  return (int)c - 1;
}

static void read_textopts(lua_State *L, int idx, textopts *t) {
  memset(t, 0, sizeof *t);
  t->comments = '#';
  t->dtype = GB_FLOAT64;
  if (!gbL_opts(L, idx, LOADTXT_OPTS)) return;
  t->delim = optchar(L, idx, "delimiter", ' ');
  if (t->delim == ' ') t->delim = 0;
  t->comments = optchar(L, idx, "comments", '#');
  t->skiprows = gbL_optint(L, idx, "skiprows", 0, 0, LUA_MAXINTEGER);
  if (lua_getfield(L, idx, "usecols") != LUA_TNIL) {     /* an integer or a list */
    if (lua_isinteger(L, -1)) {
      t->ncols_sel = 1;
      t->cols[0] = checkcol(L);
    } else {
      luaL_checktype(L, -1, LUA_TTABLE);
      int n = (int)lua_rawlen(L, -1);
      if (n < 1 || n > 256) gbL_error(L, "usecols must list 1 to 256 columns");
      t->ncols_sel = n;
      for (int i = 0; i < n; i++) {
        lua_rawgeti(L, -1, i + 1);
        t->cols[i] = checkcol(L);
        lua_pop(L, 1);
      }
    }
  }
  lua_getfield(L, idx, "dtype");
  t->dtype = gbL_optdtype(L, -1, GB_FLOAT64);
  lua_pop(L, 2);
}

/* Split one line into fields (modifies it); returns the count. */
static int split(char *line, const textopts *t, char **fields, int max) {
  int n = 0;
  char *p = line;
  if (!t->delim) {
    while (*p) {
      while (*p == ' ' || *p == '\t') p++;
      if (!*p) break;
      if (n == max) return -1;
      fields[n++] = p;
      while (*p && *p != ' ' && *p != '\t') p++;
      if (*p) *p++ = 0;
    }
    return n;
  }
  for (;;) {
    if (n == max) return -1;
    fields[n++] = p;
    char *d = strchr(p, t->delim);
    if (!d) break;
    *d = 0;
    p = d + 1;
  }
  return n;
}

/* Parse a field as the dtype into dst; 0 if it is not a number. */
static int parse_field(char *s, int dtype, char *dst) {
  while (*s == ' ' || *s == '\t') s++;
  char *end;
  size_t len = strlen(s);
  while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r')) s[--len] = 0;
  if (!len) return 0;
  if (dtype == GB_INT64 || dtype == GB_BOOL) {
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (*end || errno) return 0;
    gb_set_int(dtype, dst, v);
    return 1;
  }
  double v = strtod(s, &end);
  if (*end) return 0;
  gb_set_double(dtype, dst, v);
  return 1;
}

/* array.loadtxt(path [, opts]) */
static int a_loadtxt(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  textopts t;
  read_textopts(L, 2, &t);
  lua_settop(L, 2);
  size_t n;
  char *text = (char *)read_all(L, path, &n);
  int bufidx = lua_gettop(L);
  /* the lines are C strings: a NUL would silently end the file early */
  const char *nul = memchr(text, '\0', n);
  if (nul) {
    int64_t at = 1;
    for (const char *p = text; p < nul; p++) at += *p == '\n';
    return gbL_error(L, "%s:%lld: a NUL byte (not a text file?)", path, (long long)at);
  }
  /* pass 1: count the data rows and check they have one column count */
  char *copy = lua_newuserdatauv(L, n + 1, 0);
  char *fields[MAXFIELDS];
  int64_t rows = 0, line = 0;
  int cols = -1;
  memcpy(copy, text, n + 1);
  for (char *p = copy; p && *p;) {
    char *nl = strchr(p, '\n');
    if (nl) *nl = 0;
    line++;
    char *c = strchr(p, t.comments);
    if (c) *c = 0;
    if (line > t.skiprows) {
      int k = split(p, &t, fields, MAXFIELDS);
      if (k < 0) return gbL_error(L, "%s:%lld: more than %d columns", path, (long long)line, MAXFIELDS);
      int blank = k == 0 || (k == 1 && strspn(fields[0], " \t\r") == strlen(fields[0]));
      if (!blank) {
        if (cols >= 0 && k != cols)
          return gbL_error(L, "%s:%lld: %d columns, but earlier lines have %d", path, (long long)line, k, cols);
        cols = k;
        rows++;
      }
    }
    p = nl ? nl + 1 : NULL;
  }
  if (cols < 0) cols = 0;
  int ncols = t.ncols_sel ? t.ncols_sel : cols;
  for (int i = 0; i < t.ncols_sel; i++)
    if (rows && t.cols[i] >= cols)
      return gbL_error(L, "%s: column %d requested, but lines have %d", path, t.cols[i] + 1, cols);
  int64_t shape[2] = {rows, ncols};
  gb_array *a = gbL_newarray(L, t.dtype, 2, shape);
  size_t es = gb_dtype_size(t.dtype);
  /* pass 2: parse */
  text = lua_touserdata(L, bufidx);
  int64_t r = 0;
  line = 0;
  for (char *p = text; p && *p;) {
    char *nl = strchr(p, '\n');
    if (nl) *nl = 0;
    line++;
    char *c = strchr(p, t.comments);
    if (c) *c = 0;
    if (line > t.skiprows) {
      int k = split(p, &t, fields, MAXFIELDS);
      int blank = k == 0 || (k == 1 && strspn(fields[0], " \t\r") == strlen(fields[0]));
      if (!blank) {
        for (int j = 0; j < ncols; j++) {
          int src = t.ncols_sel ? t.cols[j] : j;
          char *dst = a->data + (size_t)(r * ncols + j) * es;
          if (!parse_field(fields[src], t.dtype, dst))
            return gbL_error(L, "%s:%lld: column %d: cannot parse '%s' as %s", path, (long long)line,
                             src + 1, fields[src], t.dtype == GB_FLOAT64 || t.dtype == GB_FLOAT32 ?
                             "a number" : "an integer");
        }
        r++;
        if ((r & 4095) == 0) gbL_checkinterrupt(L);
      }
    }
    p = nl ? nl + 1 : NULL;
  }
  /* NumPy's loadtxt squeezes a single row or column */
  if (rows == 1 || ncols == 1) {
    gb_array v = *a;
    v.ndim = 1;
    v.shape[0] = rows == 1 ? ncols : rows;
    v.strides[0] = (int64_t)es;
    gbL_pushview(L, -1, &v);
  }
  return 1;
}

/* The largest width and precision of a savetxt format: a number is then
   at most 309 digits, a point, 100 decimals and a sign (FMT_BUF).  The
   format itself is at most FMT_LEN characters. */
#define FMT_MAX 100
#define FMT_BUF 512
#define FMT_LEN 32

/* A decimal field of a format (width or precision): its value, or
   FMT_MAX + 1 when it is larger. */
static int fmt_field(const char **f) {
  int v = 0;
  for (; **f >= '0' && **f <= '9'; (*f)++)
    if (v <= FMT_MAX) v = v * 10 + (**f - '0');
  return v;
}

/* A printf conversion for one number: %[flags][width][.precision] then one
   of e f g E G (floats) or d i (integers), nothing else; width and
   precision at most FMT_MAX, so one number cannot take gigabytes or
   seconds to print.  Returns NULL and the format to give snprintf in out
   (integers are printed as long long), or what is wrong. */
static const char *check_fmt(const char *f, char out[FMT_LEN + 3], int *is_int) {
  static const char *const one = "must be one printf conversion such as %.6g or %d";
  const char *start = f;
  size_t len = strlen(f);
  if (len > FMT_LEN) return "must be at most 32 characters";
  if (*f++ != '%') return one;
  f += strspn(f, "-+ #0");
  if (fmt_field(&f) > FMT_MAX) return "width must be at most 100";
  if (*f == '.') {
    f++;
    if (fmt_field(&f) > FMT_MAX) return "precision must be at most 100";
  }
  if (!*f || f[1] || !strchr("efgEGdi", *f)) return one;
  *is_int = *f == 'd' || *f == 'i';
  memcpy(out, start, len - 1);
  if (*is_int) memcpy(out + len - 1, "ll", 2), len += 2;
  out[len - 1] = *f;
  out[len] = '\0';
  return NULL;
}

/* array.savetxt(path, a [, opts]): opts.delimiter (" "), opts.fmt,
   opts.header (written as comment lines), opts.comments ("# "). */
static int a_savetxt(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  luaL_checkany(L, 2);
  gb_array *a = gbL_toarray(L, 2, -1);
  const char *delim = " ", *fmt = NULL, *header = NULL, *comments = "# ";
  static const char *const known[] = {"delimiter", "fmt", "header", "comments", NULL};
  if (gbL_opts(L, 3, known)) {
    delim = gbL_optstr(L, 3, "delimiter", delim);
    fmt = gbL_optstr(L, 3, "fmt", fmt);
    header = gbL_optstr(L, 3, "header", header);
    comments = gbL_optstr(L, 3, "comments", comments);
  }
  if (a->ndim > 2 || a->ndim == 0) return gbL_error(L, "expects a 1-D or 2-D array, got %d dimensions", a->ndim);
  int fmt_int = 0;
  char cfmt[FMT_LEN + 3];
  const char *bad = fmt ? check_fmt(fmt, cfmt, &fmt_int) : NULL;
  if (bad)
    return gbL_error(L, "fmt %s, got '%s'", bad, fmt);
  gbL_checkwrite(L, path);
  int64_t rows = a->shape[0], cols = a->ndim == 2 ? a->shape[1] : 1;
  outfile o;
  if (!out_open(&o, path)) return gbL_error(L, "cannot write '%s': %s", path, strerror(errno));
  if (header) {
    const char *p = header;
    while (*p && !o.failed) {
      const char *nl = strchr(p, '\n');
      size_t len = nl ? (size_t)(nl - p) : strlen(p);
      out_write(&o, comments, strlen(comments));
      out_write(&o, p, len);
      out_write(&o, "\n", 1);
      p += len + (nl ? 1 : 0);
    }
  }
  char buf[FMT_BUF];
  for (int64_t i = 0; i < rows && !o.failed; i++) {
    for (int64_t j = 0; j < cols; j++) {
      const char *p = a->data + i * a->strides[0] + (a->ndim == 2 ? j * a->strides[1] : 0);
      int len;
      if (fmt) {
        if (fmt_int) len = snprintf(buf, sizeof buf, cfmt, (long long)gb_get_int(a->dtype, p));
        else len = snprintf(buf, sizeof buf, cfmt, gb_get_double(a->dtype, p));
      } else if (a->dtype == GB_FLOAT64 || a->dtype == GB_FLOAT32) {
        len = snprintf(buf, sizeof buf, a->dtype == GB_FLOAT32 ? "%.9g" : "%.17g", gb_get_double(a->dtype, p));
      } else {
        len = snprintf(buf, sizeof buf, "%lld", (long long)gb_get_int(a->dtype, p));
      }
      if (j) out_write(&o, delim, strlen(delim));
      out_write(&o, buf, (size_t)(len < (int)sizeof buf ? len : (int)sizeof buf - 1));
    }
    out_write(&o, "\n", 1);
  }
  if (!out_close(&o, path)) return gbL_error(L, "cannot write '%s': %s", path, strerror(errno));
  return 0;
}

static const luaL_Reg module_funcs[] = {
  {"load", a_load},
  {"save", a_save},
  {"loadtxt", a_loadtxt},
  {"savetxt", a_savetxt},
  {NULL, NULL}
};

void gbL_array_io(lua_State *L, int mod, int meth) {
  (void)meth;
  gbL_setfuncs(L, mod, module_funcs);
}
