/*
** The .npy header: a strict parser (every size is checked before it is
** trusted, since the input may be any file) and a writer that produces
** NumPy's own bytes.
*/
#include <stdio.h>
#include <string.h>

#include "npy.h"
#include "status.h"

static const unsigned char magic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};

/* A tiny reader for the dict literal. */
typedef struct cursor { const char *p, *end; } cursor;

static void skip_space(cursor *c) {
  while (c->p < c->end && (*c->p == ' ' || *c->p == '\t')) c->p++;
}

static int accept(cursor *c, char ch) {
  skip_space(c);
  if (c->p < c->end && *c->p == ch) { c->p++; return 1; }
  return 0;
}

/* A quoted string ('...' or "...") into out. */
static int read_string(cursor *c, char *out, size_t cap) {
  skip_space(c);
  if (c->p >= c->end || (*c->p != '\'' && *c->p != '"')) return 0;
  char q = *c->p++;
  size_t k = 0;
  while (c->p < c->end && *c->p != q) {
    if (k + 1 >= cap) return 0;
    out[k++] = *c->p++;
  }
  if (c->p >= c->end) return 0;
  c->p++;
  out[k] = 0;
  return 1;
}

static int read_word(cursor *c, const char *w) {
  size_t n = strlen(w);
  skip_space(c);
  if ((size_t)(c->end - c->p) < n || memcmp(c->p, w, n) != 0) return 0;
  c->p += n;
  return 1;
}

static int read_shape(cursor *c, gb_npy *info, char *err, size_t errlen) {
  if (!accept(c, '(')) { snprintf(err, errlen, "shape is not a tuple"); return 0; }
  info->ndim = 0;
  while (!accept(c, ')')) {
    skip_space(c);
    if (info->ndim == GB_MAXDIM) { snprintf(err, errlen, "more than %d dimensions", GB_MAXDIM); return 0; }
    int64_t v = 0;
    int digits = 0;
    while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
      if (v > (INT64_MAX - 9) / 10) { snprintf(err, errlen, "shape extent too large"); return 0; }
      v = v * 10 + (*c->p++ - '0');
      digits++;
    }
    if (c->p < c->end && *c->p == 'L') c->p++;     /* Python 2 longs */
    if (!digits) { snprintf(err, errlen, "bad shape tuple"); return 0; }
    info->shape[info->ndim++] = v;
    if (!accept(c, ',')) {
      if (!accept(c, ')')) { snprintf(err, errlen, "bad shape tuple"); return 0; }
      break;
    }
  }
  return 1;
}

/* The gibbs dtype of a descr, and how the file's elements look. */
static int map_descr(gb_npy *info, char *err, size_t errlen) {
  const char *d = info->descr;
  if (strlen(d) < 3) goto bad;
  char order = d[0], kind = d[1];
  int size = 0;
  for (const char *q = d + 2; *q; q++) {
    if (*q < '0' || *q > '9') goto bad;
    size = size * 10 + (*q - '0');
    if (size > 64) goto bad;
  }
  if (order != '<' && order != '>' && order != '|' && order != '=') goto bad;
  info->kind = kind;
  info->itemsize = size;
  info->swap = order == '>' && size > 1;
  switch (kind) {
    case 'f':
      if (size == 8) info->dtype = GB_FLOAT64;
      else if (size == 4 || size == 2) info->dtype = GB_FLOAT32;
      else goto bad;
      return 1;
    case 'i':
      if (size == 8 || size == 4 || size == 2 || size == 1) { info->dtype = GB_INT64; return 1; }
      goto bad;
    case 'u':
      if (size == 4 || size == 2 || size == 1) { info->dtype = GB_INT64; return 1; }
      goto bad;
    case 'b':
      if (size == 1) { info->dtype = GB_BOOL; return 1; }
      goto bad;
    default:
      goto bad;
  }
bad:
  snprintf(err, errlen, "cannot read element type '%s' (gibbs reads f8 f4 f2 i8 i4 i2 i1 u4 u2 u1 b1)", d);
  return 0;
}

int gb_npy_header_length(const unsigned char *buf, size_t n, size_t *length, char *err,
                         size_t errlen) {
  if (n < 8 || memcmp(buf, magic, 6) != 0) {
    snprintf(err, errlen, "not an .npy file (wrong magic)");
    return GB_EFORMAT;
  }
  int major = buf[6], minor = buf[7];
  if (major < 1 || major > 3 || minor != 0) {
    snprintf(err, errlen, "unsupported .npy version %d.%d", major, minor);
    return GB_EFORMAT;
  }
  size_t pre = major == 1 ? 10 : 12;
  if (n < pre) { snprintf(err, errlen, "truncated header"); return GB_EFORMAT; }
  size_t hlen = major == 1 ? (size_t)buf[8] | (size_t)buf[9] << 8
              : (size_t)buf[8] | (size_t)buf[9] << 8 | (size_t)buf[10] << 16 | (size_t)buf[11] << 24;
  if (hlen > (1u << 24)) { snprintf(err, errlen, "header length %zu is absurd", hlen); return GB_EFORMAT; }
  *length = pre + hlen;
  return GB_OK;
}

int gb_npy_parse(const unsigned char *buf, size_t n, gb_npy *info, char *err, size_t errlen) {
  size_t total;
  memset(info, 0, sizeof *info);
  int st = gb_npy_header_length(buf, n, &total, err, errlen);
  if (st != GB_OK) return st;
  info->major = buf[6];
  info->minor = buf[7];
  size_t pre = info->major == 1 ? 10 : 12, hlen = total - pre;
  if (n < total) { snprintf(err, errlen, "truncated header"); return GB_EFORMAT; }
  info->header_bytes = total;
  cursor c = {(const char *)buf + pre, (const char *)buf + pre + hlen};
  int have_descr = 0, have_order = 0, have_shape = 0;
  if (!accept(&c, '{')) { snprintf(err, errlen, "header is not a dict"); return GB_EFORMAT; }
  while (!accept(&c, '}')) {
    char key[32];
    if (!read_string(&c, key, sizeof key) || !accept(&c, ':')) {
      snprintf(err, errlen, "malformed header dict");
      return GB_EFORMAT;
    }
    if (!strcmp(key, "descr")) {
      if (!read_string(&c, info->descr, sizeof info->descr)) {
        snprintf(err, errlen, "descr is not a simple type string");
        return GB_EDTYPE;
      }
      have_descr = 1;
    } else if (!strcmp(key, "fortran_order")) {
      if (read_word(&c, "True")) info->fortran = 1;
      else if (read_word(&c, "False")) info->fortran = 0;
      else { snprintf(err, errlen, "fortran_order is not True or False"); return GB_EFORMAT; }
      have_order = 1;
    } else if (!strcmp(key, "shape")) {
      if (!read_shape(&c, info, err, errlen)) return GB_EFORMAT;
      have_shape = 1;
    } else {
      snprintf(err, errlen, "unknown header key '%s'", key);
      return GB_EFORMAT;
    }
    if (!accept(&c, ',')) {
      if (!accept(&c, '}')) { snprintf(err, errlen, "malformed header dict"); return GB_EFORMAT; }
      break;
    }
  }
  while (c.p < c.end && (*c.p == ' ' || *c.p == '\n' || *c.p == '\r' || *c.p == '\t' || *c.p == 0)) c.p++;
  if (c.p != c.end) { snprintf(err, errlen, "junk after the header dict"); return GB_EFORMAT; }
  if (!have_descr || !have_order || !have_shape) {
    snprintf(err, errlen, "header lacks %s", !have_descr ? "descr" : !have_order ? "fortran_order" : "shape");
    return GB_EFORMAT;
  }
  if (!map_descr(info, err, errlen)) return GB_EDTYPE;
  size_t nbytes;
  gb_array probe;
  if (gb_array_init(&probe, info->dtype, info->ndim, info->shape, &nbytes) != GB_OK ||
      (probe.size > 0 && (uint64_t)probe.size > UINT64_MAX / 64 / (uint64_t)info->itemsize)) {
    snprintf(err, errlen, "shape too large");
    return GB_EFORMAT;
  }
  info->size = probe.size;
  return GB_OK;
}

static uint64_t load_le(const unsigned char *p, int n, int swap) {
  uint64_t v = 0;
  for (int i = 0; i < n; i++) v |= (uint64_t)p[swap ? n - 1 - i : i] << (8 * i);
  return v;
}

/* IEEE half to float. */
static float half_to_float(uint16_t h) {
  uint32_t sign = (uint32_t)(h >> 15) << 31, exp = (h >> 10) & 31, man = h & 1023, bits;
  if (exp == 0) {
    if (man == 0) bits = sign;
    else {                                   /* subnormal: normalise */
      exp = 127 - 15 + 1;
      while (!(man & 1024)) { man <<= 1; exp--; }
      bits = sign | exp << 23 | (man & 1023) << 13;
    }
  } else if (exp == 31) {
    bits = sign | 0xff << 23 | man << 13;
  } else {
    bits = sign | (exp + 127 - 15) << 23 | man << 13;
  }
  float f;
  memcpy(&f, &bits, 4);
  return f;
}

int gb_npy_native(const gb_npy *info) {
  if (info->swap || info->kind == 'b') return 0;       /* bools are made 0 or 1 */
  switch (info->dtype) {
    case GB_FLOAT64: return info->kind == 'f' && info->itemsize == 8;
    case GB_FLOAT32: return info->kind == 'f' && info->itemsize == 4;
    case GB_INT64: return info->kind == 'i' && info->itemsize == 8;
    default: return 0;
  }
}

void gb_npy_convert(const gb_npy *info, const unsigned char *src, char *dst, int64_t count) {
  int n = info->itemsize;
  if (gb_npy_native(info)) {
    memcpy(dst, src, (size_t)count * (size_t)n);
    return;
  }
  for (int64_t i = 0; i < count; i++, src += n) {
    uint64_t v = load_le(src, n, info->swap);
    switch (info->dtype) {
      case GB_FLOAT64: memcpy(dst + i * 8, &v, 8); break;
      case GB_FLOAT32: {
        float f;
        if (n == 2) f = half_to_float((uint16_t)v);
        else { uint32_t u = (uint32_t)v; memcpy(&f, &u, 4); }
        memcpy(dst + i * 4, &f, 4);
        break;
      }
      case GB_INT64: {
        int64_t x;
        if (info->kind == 'u') x = (int64_t)v;
        else if (n == 8) x = (int64_t)v;
        else {                                   /* sign-extend */
          uint64_t m = (uint64_t)1 << (8 * n - 1);
          x = (int64_t)((v ^ m) - m);
        }
        memcpy(dst + i * 8, &x, 8);
        break;
      }
      default: dst[i] = v != 0; break;
    }
  }
}

static const char *descr_of(int dtype) {
  switch (dtype) {
    case GB_FLOAT64: return "<f8";
    case GB_FLOAT32: return "<f4";
    case GB_INT64: return "<i8";
    default: return "|b1";
  }
}

size_t gb_npy_header(char *out, size_t cap, int dtype, int ndim, const int64_t *shape,
                     int fortran) {
  char dict[64 + 24 * GB_MAXDIM], tuple[24 * GB_MAXDIM + 8];
  size_t k = 0;
  tuple[k++] = '(';
  for (int i = 0; i < ndim; i++)
    k += (size_t)snprintf(tuple + k, sizeof tuple - k, i ? ", %lld" : "%lld", (long long)shape[i]);
  if (ndim == 1) tuple[k++] = ',';
  tuple[k++] = ')';
  tuple[k] = 0;
  int len = snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }",
                     descr_of(dtype), fortran ? "True" : "False", tuple);
  /* NumPy's room for growing the first (C) or last (Fortran) axis in place */
  int grow = 0;
  if (ndim > 0) {
    char d0[24];
    grow = 21 - snprintf(d0, sizeof d0, "%lld", (long long)shape[fortran ? ndim - 1 : 0]);
    if (grow < 0) grow = 0;
  }
  size_t hlen = (size_t)len + (size_t)grow + 1;          /* and the newline */
  int major = 1;
  size_t pre = 10;
  if (hlen + pre + 64 > 65535) { major = 2; pre = 12; }
  size_t pad = 64 - (pre + hlen) % 64;    /* 64, not 0, when already aligned: as NumPy */
  size_t total = pre + hlen + pad;
  if (total > cap) return 0;
  memcpy(out, magic, 6);
  out[6] = (char)major;
  out[7] = 0;
  size_t h = hlen + pad;
  out[8] = (char)(h & 255);
  out[9] = (char)((h >> 8) & 255);
  if (major == 2) { out[10] = (char)((h >> 16) & 255); out[11] = (char)((h >> 24) & 255); }
  memcpy(out + pre, dict, (size_t)len);
  memset(out + pre + len, ' ', (size_t)grow + pad);
  out[total - 1] = '\n';
  return total;
}
