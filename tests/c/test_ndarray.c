/*
** The array header kernels in C: sizes, promotion, broadcasting, the
** strided iterator and conversions, checked against hand-computed values.
*/
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "ndarray.h"

TEST(init_computes_c_strides) {
  gb_array a;
  size_t nbytes;
  int64_t shape[3] = {2, 3, 4};
  CHECK(gb_array_init(&a, GB_FLOAT64, 3, shape, &nbytes) == GB_OK);
  CHECK(a.size == 24 && nbytes == 192);
  CHECK(a.strides[0] == 96 && a.strides[1] == 32 && a.strides[2] == 8);
  CHECK(gb_is_c_contiguous(&a) && !gb_is_f_contiguous(&a));
}

TEST(init_rejects_overflow_and_negative) {
  gb_array a;
  size_t nbytes;
  int64_t big[2] = {INT64_C(1) << 40, INT64_C(1) << 40};
  int64_t neg[1] = {-1};
  int64_t zero_then_big[2] = {0, INT64_MAX};
  CHECK(gb_array_init(&a, GB_FLOAT64, 2, big, &nbytes) == GB_EOVERFLOW);
  CHECK(gb_array_init(&a, GB_FLOAT64, 1, neg, &nbytes) == GB_EINVAL);
  CHECK(gb_array_init(&a, GB_FLOAT64, GB_MAXDIM + 1, neg, &nbytes) == GB_EINVAL);
  CHECK(gb_array_init(&a, GB_BOOL, 2, zero_then_big, &nbytes) == GB_OK && a.size == 0);
}

TEST(promotion_follows_numpy) {
  CHECK(gb_promote(GB_INT64, GB_FLOAT32) == GB_FLOAT64);
  CHECK(gb_promote(GB_BOOL, GB_INT64) == GB_INT64);
  CHECK(gb_promote(GB_FLOAT32, GB_FLOAT32) == GB_FLOAT32);
  CHECK(gb_promote(GB_BOOL, GB_FLOAT32) == GB_FLOAT32);
  CHECK(gb_promote_scalar(GB_FLOAT32, 1) == GB_FLOAT32);   /* f32 * 0.5 stays f32 */
  CHECK(gb_promote_scalar(GB_INT64, 1) == GB_FLOAT64);
  CHECK(gb_promote_scalar(GB_INT64, 0) == GB_INT64);
  CHECK(gb_promote_scalar(GB_BOOL, 0) == GB_INT64);
}

TEST(broadcast_shapes) {
  int64_t a[2] = {3, 1}, b[3] = {2, 1, 4}, out[GB_MAXDIM];
  int nd;
  CHECK(gb_broadcast_shapes(2, a, 3, b, &nd, out) == GB_OK);
  CHECK(nd == 3 && out[0] == 2 && out[1] == 3 && out[2] == 4);
  int64_t c[1] = {5};
  CHECK(gb_broadcast_shapes(2, a, 1, c, &nd, out) == GB_OK && out[1] == 5);
  int64_t d[1] = {2};
  CHECK(gb_broadcast_shapes(3, b, 1, d, &nd, out) == GB_ESHAPE);
}

TEST(format_shape) {
  char buf[64];
  int64_t s[2] = {2, 3};
  gb_format_shape(buf, sizeof buf, 2, s);
  CHECK(strcmp(buf, "(2, 3)") == 0);
  gb_format_shape(buf, sizeof buf, 1, s);
  CHECK(strcmp(buf, "(2,)") == 0);
  gb_format_shape(buf, sizeof buf, 0, s);
  CHECK(strcmp(buf, "()") == 0);
}

/* Iterating a transposed 3x4 view visits elements in the view's C order. */
TEST(iterator_walks_a_transposed_view) {
  double data[12];
  for (int i = 0; i < 12; i++) data[i] = i;
  gb_array a, t;
  int64_t shape[2] = {3, 4};
  gb_array_init(&a, GB_FLOAT64, 2, shape, NULL);
  a.data = (char *)data;
  t = a;
  t.shape[0] = 4; t.shape[1] = 3;
  t.strides[0] = 8; t.strides[1] = 32;
  double seen[12];
  int n = 0;
  gb_iter it;
  CHECK(gb_iter_init(&it, 1, (const gb_array *[]){&t}));
  do
    for (int64_t i = 0; i < it.n; i++) seen[n++] = *(double *)(it.ptr[0] + i * it.stride[0]);
  while (gb_iter_next(&it));
  CHECK(n == 12);
  for (int r = 0; r < 4; r++)
    for (int c = 0; c < 3; c++) CHECK(seen[r * 3 + c] == data[c * 4 + r]);
}

TEST(iterator_merges_contiguous_axes) {
  float data[24];
  gb_array a;
  int64_t shape[3] = {2, 3, 4};
  gb_array_init(&a, GB_FLOAT32, 3, shape, NULL);
  a.data = (char *)data;
  gb_iter it;
  CHECK(gb_iter_init(&it, 1, (const gb_array *[]){&a}));
  CHECK(it.n == 24 && it.ndim == 0 && it.stride[0] == 4);
  CHECK(!gb_iter_next(&it));
}

TEST(broadcast_to_and_copy_convert) {
  int64_t row[3] = {1, 2, 3};
  double out[6];
  gb_array src, dst, view;
  int64_t s1[1] = {3}, s2[2] = {2, 3};
  gb_array_init(&src, GB_INT64, 1, s1, NULL);
  src.data = (char *)row;
  gb_array_init(&dst, GB_FLOAT64, 2, s2, NULL);
  dst.data = (char *)out;
  CHECK(gb_broadcast_to(&src, 2, s2, &view) == GB_OK && view.strides[0] == 0);
  CHECK(gb_copy(NULL, &dst, &view) == GB_OK);
  for (int i = 0; i < 6; i++) CHECK(out[i] == (double)(i % 3 + 1));
}

TEST(copy_handles_overlap) {
  /* reversing in place: dst is src walked backwards */
  double d[5] = {1, 2, 3, 4, 5};
  gb_array fwd, rev;
  int64_t s[1] = {5};
  gb_array_init(&fwd, GB_FLOAT64, 1, s, NULL);
  fwd.data = (char *)d;
  rev = fwd;
  rev.data = (char *)(d + 4);
  rev.strides[0] = -8;
  CHECK(gb_copy(NULL, &fwd, &rev) == GB_OK);
  for (int i = 0; i < 5; i++) CHECK(d[i] == 5 - i);
}

TEST(float_to_int_saturates_and_nan_is_zero) {
  int64_t v;
  gb_set_double(GB_INT64, (char *)&v, 1e300);
  CHECK(v == INT64_MAX);
  gb_set_double(GB_INT64, (char *)&v, -1e300);
  CHECK(v == INT64_MIN);
  gb_set_double(GB_INT64, (char *)&v, 0.0 / 0.0);
  CHECK(v == 0);
  gb_set_double(GB_INT64, (char *)&v, -2.7);
  CHECK(v == -2);     /* truncation, like C and NumPy */
}

int main(void) {
  RUN(init_computes_c_strides);
  RUN(init_rejects_overflow_and_negative);
  RUN(promotion_follows_numpy);
  RUN(broadcast_shapes);
  RUN(format_shape);
  RUN(iterator_walks_a_transposed_view);
  RUN(iterator_merges_contiguous_axes);
  RUN(broadcast_to_and_copy_convert);
  RUN(copy_handles_overlap);
  RUN(float_to_int_saturates_and_nan_is_zero);
  return check_exit();
}
