/*
** The .npy reader in C: every file of the fuzzer's corpus
** (tests/fuzz/corpus_npy, crash-free inputs kept by `make fuzz`) is parsed
** and, when valid, converted, so that a regression that crashes on any of
** them fails `make test` (under SANITIZE=1 too).  Plus the header writer
** against the bytes NumPy wrote.
*/
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "npy.h"
#include "status.h"

static unsigned char *slurp(const char *path, size_t *n) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long len = ftell(f);
  fseek(f, 0, SEEK_SET);
  unsigned char *buf = malloc((size_t)len + 1);
  *n = fread(buf, 1, (size_t)len, f);
  fclose(f);
  return buf;
}

TEST(corpus_replays_without_crashing) {
  DIR *d = opendir("tests/fuzz/corpus_npy");
  CHECK(d != NULL);
  if (!d) return;
  int files = 0, valid = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    char path[512];
    snprintf(path, sizeof path, "tests/fuzz/corpus_npy/%s", e->d_name);
    size_t n;
    unsigned char *buf = slurp(path, &n);
    if (!buf) continue;
    files++;
    gb_npy info;
    char err[256];
    if (gb_npy_parse(buf, n, &info, err, sizeof err) == GB_OK &&
        n - info.header_bytes == (size_t)info.size * (size_t)info.itemsize && info.size < (1 << 20)) {
      char *out = malloc((size_t)info.size * 8 + 1);
      gb_npy_convert(&info, buf + info.header_bytes, out, info.size);
      free(out);
      valid++;
    } else {
      CHECK(err[0] != 0);          /* every refusal says why */
    }
    free(buf);
  }
  closedir(d);
  CHECK(files > 10);
  CHECK(valid >= 1);
}

TEST(header_matches_numpy_bytes) {
  size_t n;
  unsigned char *ref = slurp("tests/fixtures/npy/ref_save_f8.npy", &n);
  CHECK(ref != NULL);
  if (!ref) return;
  char h[1024];
  int64_t shape[2] = {3, 4};
  size_t len = gb_npy_header(h, sizeof h, GB_FLOAT64, 2, shape, 0);
  CHECK(len == 128 && len + 96 == n && memcmp(h, ref, len) == 0);
  free(ref);
}

TEST(malformed_headers_are_refused) {
  gb_npy info;
  char err[256];
  const char *notnpy = "hello world, not numpy";
  CHECK(gb_npy_parse((const unsigned char *)notnpy, strlen(notnpy), &info, err, sizeof err) == GB_EFORMAT);
  CHECK(strstr(err, "magic") != NULL);
  unsigned char shortbuf[9] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 100};
  CHECK(gb_npy_parse(shortbuf, sizeof shortbuf, &info, err, sizeof err) == GB_EFORMAT);
  CHECK(strstr(err, "truncated") != NULL);
}

/* The reader fetches the header's length from the first 12 bytes, then
   reads native element types straight into the array. */
TEST(header_length_and_native_types) {
  static const struct { const char *descr; int native; } cases[] = {
    {"<f8", 1}, {"<f4", 1}, {"<i8", 1}, {">f8", 0}, {">i8", 0}, {"<f2", 0},
    {"<i4", 0}, {"|b1", 0}, {"|u1", 0},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char h[256];
    int hl = snprintf(h, sizeof h, "{'descr': '%s', 'fortran_order': False, 'shape': (3,), }",
                      cases[i].descr);
    unsigned char buf[512] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
    size_t len = 0;
    char err[128];
    buf[8] = (unsigned char)(hl + 1);
    memcpy(buf + 10, h, (size_t)hl);
    buf[10 + hl] = '\n';
    CHECK(gb_npy_header_length(buf, 12, &len, err, sizeof err) == GB_OK);
    CHECK(len == (size_t)hl + 11);
    gb_npy info;
    CHECK(gb_npy_parse(buf, len, &info, err, sizeof err) == GB_OK);
    CHECK(gb_npy_native(&info) == cases[i].native);
  }
  size_t len;
  char err[128];
  CHECK(gb_npy_header_length((const unsigned char *)"\x93NUMPX\x01\x00\x00\x00", 10, &len,
                             err, sizeof err) == GB_EFORMAT);
}

int main(void) {
  RUN(corpus_replays_without_crashing);
  RUN(header_matches_numpy_bytes);
  RUN(malformed_headers_are_refused);
  RUN(header_length_and_native_types);
  return check_exit();
}
