/*
** libFuzzer target for the .npy reader (make fuzz): any byte string is
** parsed as a file; a header that parses and a data length that agrees are
** converted, as array.load does.  Crashes, leaks and undefined behaviour
** are what the fuzzer looks for; the corpus it keeps is replayed by
** tests/c/test_npy.c in every `make test`.
*/
#include <stdint.h>
#include <stdlib.h>

#include "npy.h"
#include "status.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  gb_npy info;
  char err[256];
  if (gb_npy_parse(data, size, &info, err, sizeof err) != GB_OK) return 0;
  uint64_t need = (uint64_t)info.size * (uint64_t)info.itemsize;
  if (size - info.header_bytes != need || info.size > (1 << 20)) return 0;
  char *out = malloc((size_t)info.size * 8 + 1);
  if (!out) return 0;
  gb_npy_convert(&info, data + info.header_bytes, out, info.size);
  free(out);
  return 0;
}
