/*
** The elementwise kernels in C: outputs that overlap their inputs, dtype
** conversion on the way in and out, strided and broadcast operands across
** conversion blocks and thread chunks, interruption, and the error codes.
*/
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arrays.h"
#include "check.h"
#include "ufunc.h"

static gb_array scalar(void *data, int dtype) {
  return view(data, dtype, 0, NULL, NULL);
}

TEST(output_shifted_over_its_input) {
  double buf[10];
  double ten = 10;
  for (int i = 0; i < 10; i++) buf[i] = i;
  gb_array in = view(buf, GB_FLOAT64, 1, (int64_t[]){9}, (int64_t[]){1});
  gb_array out = view(buf + 1, GB_FLOAT64, 1, (int64_t[]){9}, (int64_t[]){1});
  gb_array s = scalar(&ten, GB_FLOAT64);
  CHECK(gb_binop(NULL, GB_MUL, -1, &out, &in, &s) == GB_OK);
  CHECK(buf[0] == 0);
  for (int i = 1; i < 10; i++) CHECK(buf[i] == 10.0 * (i - 1));
}

TEST(output_is_the_transpose_of_the_input) {
  int64_t m[9], zero = 0;
  for (int i = 0; i < 9; i++) m[i] = i;
  gb_array a = view(m, GB_INT64, 2, (int64_t[]){3, 3}, (int64_t[]){3, 1});
  gb_array t = view(m, GB_INT64, 2, (int64_t[]){3, 3}, (int64_t[]){1, 3});
  gb_array z = scalar(&zero, GB_INT64);
  CHECK(gb_binop(NULL, GB_ADD, -1, &t, &a, &z) == GB_OK);
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) CHECK(m[3 * i + j] == 3 * j + i);
}

TEST(output_overwrites_a_broadcast_row) {
  double m[9];
  for (int i = 0; i < 9; i++) m[i] = i + 1;
  gb_array a = view(m, GB_FLOAT64, 2, (int64_t[]){3, 3}, (int64_t[]){3, 1});
  gb_array row = view(m, GB_FLOAT64, 1, (int64_t[]){3}, (int64_t[]){1});
  CHECK(gb_binop(NULL, GB_ADD, -1, &a, &a, &row) == GB_OK);
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) CHECK(m[3 * i + j] == (3 * i + j + 1) + (j + 1));
}

TEST(output_is_the_reversed_input) {
  double v[7];
  for (int i = 0; i < 7; i++) v[i] = i;
  gb_array a = view(v, GB_FLOAT64, 1, (int64_t[]){7}, (int64_t[]){1});
  gb_array r = view(v + 6, GB_FLOAT64, 1, (int64_t[]){7}, (int64_t[]){-1});
  CHECK(gb_unop(NULL, GB_NEGATIVE, -1, &r, &a) == GB_OK);
  for (int i = 0; i < 7; i++) CHECK(v[i] == -(6 - i));
}

TEST(in_place_same_view) {
  enum { N = 100000 };
  double *a = malloc(N * sizeof *a), *b = malloc(N * sizeof *b);
  for (int i = 0; i < N; i++) { a[i] = i; b[i] = 0.5 * i; }
  gb_array va = view(a, GB_FLOAT64, 1, (int64_t[]){N}, (int64_t[]){1});
  gb_array vb = view(b, GB_FLOAT64, 1, (int64_t[]){N}, (int64_t[]){1});
  CHECK(gb_binop(NULL, GB_SUB, -1, &va, &va, &vb) == GB_OK);
  int bad = 0;
  for (int i = 0; i < N; i++) bad += a[i] != 0.5 * i;
  CHECK(bad == 0);
  free(a);
  free(b);
}

TEST(converts_inputs_and_output) {
  int64_t x[3] = {1, -2, 3};
  float y[3] = {0.5f, 0.25f, -1.5f};
  float out[3];
  int64_t iout[3];
  gb_array vx = view(x, GB_INT64, 1, (int64_t[]){3}, (int64_t[]){1});
  gb_array vy = view(y, GB_FLOAT32, 1, (int64_t[]){3}, (int64_t[]){1});
  gb_array vo = view(out, GB_FLOAT32, 1, (int64_t[]){3}, (int64_t[]){1});
  gb_array vi = view(iout, GB_INT64, 1, (int64_t[]){3}, (int64_t[]){1});
  CHECK(gb_binop(NULL, GB_ADD, -1, &vo, &vx, &vy) == GB_OK);   /* float64 loop, float32 out */
  CHECK(out[0] == 1.5f && out[1] == -1.75f && out[2] == 1.5f);
  CHECK(gb_binop(NULL, GB_ADD, -1, &vi, &vx, &vy) == GB_EDTYPE);   /* same_kind forbids */
  CHECK(gb_binop(NULL, GB_LT, -1, &vi, &vx, &vy) == GB_OK);         /* bool into int64 */
  CHECK(iout[0] == 0 && iout[1] == 1 && iout[2] == 0);
}

/* exp of every other element of an int64 array: strided input converted
   through several blocks and, at this size, split across threads. */
TEST(strided_converted_input_across_blocks) {
  enum { N = 40000 };
  int64_t *x = malloc(2 * N * sizeof *x);
  double *y = malloc(N * sizeof *y);
  for (int i = 0; i < 2 * N; i++) x[i] = (i % 41) - 20;
  gb_array vx = view(x, GB_INT64, 1, (int64_t[]){N}, (int64_t[]){2});
  gb_array vy = view(y, GB_FLOAT64, 1, (int64_t[]){N}, (int64_t[]){1});
  CHECK(gb_unop(NULL, GB_EXP, -1, &vy, &vx) == GB_OK);
  int bad = 0;
  for (int i = 0; i < N; i++) {
    double want = exp((double)x[2 * i]);
    bad += fabs(y[i] - want) > 2.3e-16 * want;     /* within 1 ulp */
  }
  CHECK(bad == 0);
  free(x);
  free(y);
}

/* A (600, 1000) matrix plus a row: many outer runs, grouped into chunks
   that threads start in the middle of the iteration. */
TEST(broadcast_rows_across_chunks) {
  enum { R = 600, K = 1000 };
  double *m = malloc(R * K * sizeof *m), *row = malloc(K * sizeof *row);
  double *out = malloc(R * K * sizeof *out);
  for (int i = 0; i < R * K; i++) m[i] = i;
  for (int j = 0; j < K; j++) row[j] = -j;
  gb_array vm = view(m, GB_FLOAT64, 2, (int64_t[]){R, K}, (int64_t[]){K, 1});
  gb_array vr = view(row, GB_FLOAT64, 1, (int64_t[]){K}, (int64_t[]){1});
  gb_array vo = view(out, GB_FLOAT64, 2, (int64_t[]){R, K}, (int64_t[]){K, 1});
  CHECK(gb_binop(NULL, GB_ADD, -1, &vo, &vm, &vr) == GB_OK);
  int bad = 0;
  for (int i = 0; i < R; i++)
    for (int j = 0; j < K; j++) bad += out[i * K + j] != (double)(i * K);
  CHECK(bad == 0);
  /* a column instead: the scalar-operand path of every run */
  gb_array vc = view(row, GB_FLOAT64, 2, (int64_t[]){R, 1}, (int64_t[]){1, 1});
  CHECK(gb_binop(NULL, GB_MUL, -1, &vo, &vm, &vc) == GB_OK);
  bad = 0;
  for (int i = 0; i < R; i++)
    for (int j = 0; j < K; j++) bad += out[i * K + j] != (double)(i * K + j) * -i;
  CHECK(bad == 0);
  free(m);
  free(row);
  free(out);
}

/* Vector body and scalar tail give the same bits, so a value's exp does not
   depend on where it sits (block, chunk or thread boundaries). */
TEST(exp_does_not_depend_on_position) {
  enum { N = 1000 };
  double x[N + 3], y0[N + 3], y1[N + 3];
  for (int i = 0; i < N + 3; i++)      /* some beyond the fast path's range */
    x[i] = i % 17 == 0 ? (i % 2 ? 720.5 : -745.25) : (i * 7919 % 2000) * 0.37 - 370;
  for (int shift = 1; shift <= 3; shift++) {
    gb_array a0 = view(x, GB_FLOAT64, 1, (int64_t[]){N}, (int64_t[]){1});
    gb_array a1 = view(x + shift, GB_FLOAT64, 1, (int64_t[]){N}, (int64_t[]){1});
    gb_array o0 = view(y0, GB_FLOAT64, 1, (int64_t[]){N}, (int64_t[]){1});
    gb_array o1 = view(y1, GB_FLOAT64, 1, (int64_t[]){N}, (int64_t[]){1});
    CHECK(gb_unop(NULL, GB_EXP, -1, &o0, &a0) == GB_OK);
    CHECK(gb_unop(NULL, GB_EXP, -1, &o1, &a1) == GB_OK);
    int bad = 0;
    for (int i = 0; i + shift < N; i++) bad += memcmp(&y0[i + shift], &y1[i], sizeof(double)) != 0;
    CHECK(bad == 0);
  }
}

TEST(shape_and_dtype_errors) {
  double a[3] = {1, 2, 3}, b[2] = {1, 2}, o[3];
  unsigned char flags[3];
  gb_array va = view(a, GB_FLOAT64, 1, (int64_t[]){3}, (int64_t[]){1});
  gb_array vb = view(b, GB_FLOAT64, 1, (int64_t[]){2}, (int64_t[]){1});
  gb_array vo = view(o, GB_FLOAT64, 1, (int64_t[]){3}, (int64_t[]){1});
  gb_array vf = view(flags, GB_BOOL, 1, (int64_t[]){3}, (int64_t[]){1});
  CHECK(gb_binop(NULL, GB_ADD, -1, &vo, &va, &vb) == GB_ESHAPE);
  CHECK(gb_binop(NULL, GB_BITAND, -1, &vo, &va, &va) == GB_EDTYPE);
  CHECK(gb_unop(NULL, GB_NEGATIVE, -1, &vf, &vf) == GB_EDTYPE);
  CHECK(gb_binop(NULL, GB_SUB, -1, &vf, &vf, &vf) == GB_EDTYPE);
}

TEST(integer_division_by_zero_and_negative_powers) {
  int64_t a[3] = {7, -7, 1}, b[3] = {2, 0, 1}, e[3] = {2, -1, 0}, o[3];
  gb_array va = view(a, GB_INT64, 1, (int64_t[]){3}, (int64_t[]){1});
  gb_array vb = view(b, GB_INT64, 1, (int64_t[]){3}, (int64_t[]){1});
  gb_array ve = view(e, GB_INT64, 1, (int64_t[]){3}, (int64_t[]){1});
  gb_array vo = view(o, GB_INT64, 1, (int64_t[]){3}, (int64_t[]){1});
  CHECK(gb_binop(NULL, GB_FLOORDIV, -1, &vo, &va, &vb) == GB_EINVAL);
  CHECK(gb_binop(NULL, GB_MOD, -1, &vo, &va, &vb) == GB_EINVAL);
  CHECK(gb_binop(NULL, GB_POW, -1, &vo, &va, &ve) == GB_EINVAL);
  CHECK(gb_unop(NULL, GB_RECIPROCAL, -1, &vo, &vb) == GB_EINVAL);
}

TEST(where_counts_nonzero_and_nan_as_true) {
  double mask[4] = {0.5, 0.0, NAN, -0.0}, x = 1, y = 2, out[4];
  gb_array vm = view(mask, GB_FLOAT64, 1, (int64_t[]){4}, (int64_t[]){1});
  gb_array vx = scalar(&x, GB_FLOAT64), vy = scalar(&y, GB_FLOAT64);
  gb_array vo = view(out, GB_FLOAT64, 1, (int64_t[]){4}, (int64_t[]){1});
  CHECK(gb_where(NULL, &vo, &vm, &vx, &vy) == GB_OK);
  CHECK(out[0] == 1 && out[1] == 2 && out[2] == 1 && out[3] == 2);
}

TEST(interrupt_stops_a_kernel) {
  enum { N = 1 << 18 };
  double *a = calloc(N, sizeof *a);
  gb_array va = view(a, GB_FLOAT64, 1, (int64_t[]){N}, (int64_t[]){1});
  gb_ctx *ctx = gb_ctx_new();
  gb_ctx_interrupt(ctx);
  CHECK(gb_unop(ctx, GB_EXP, -1, &va, &va) == GB_EINTERRUPTED);
  gb_ctx_clear(ctx);
  CHECK(gb_unop(ctx, GB_EXP, -1, &va, &va) == GB_OK);
  CHECK(a[0] == 1 && a[N - 1] == 1);
  gb_ctx_free(ctx);
  free(a);
}

TEST(empty_arrays_do_nothing) {
  double a[1] = {5};
  gb_array va = view(a, GB_FLOAT64, 2, (int64_t[]){0, 3}, (int64_t[]){3, 1});
  CHECK(gb_unop(NULL, GB_SIN, -1, &va, &va) == GB_OK);
  CHECK(gb_binop(NULL, GB_ADD, -1, &va, &va, &va) == GB_OK);
  CHECK(a[0] == 5);
}

/* gb_map ------------------------------------------------------------------------ */

static double fma3(const void *ud, const double *x) {
  return *(const double *)ud * x[0] + x[1] * x[2];
}

TEST(map_broadcasts_three_inputs_of_any_dtype) {
  enum { R = 300, C = 500 };
  double scale = 2, *col = malloc(R * sizeof *col), *out = malloc(R * C * sizeof *out);
  int64_t *row = malloc(C * sizeof *row);
  float half = 0.5f;
  for (int i = 0; i < R; i++) col[i] = i;
  for (int j = 0; j < C; j++) row[j] = j - 7;
  gb_array a = view(col, GB_FLOAT64, 2, (int64_t[]){R, 1}, (int64_t[]){1, 1});
  gb_array b = view(row, GB_INT64, 1, (int64_t[]){C}, (int64_t[]){1});
  gb_array h = scalar(&half, GB_FLOAT32);
  gb_array o = view(out, GB_FLOAT64, 2, (int64_t[]){R, C}, (int64_t[]){C, 1});
  CHECK(gb_map(NULL, fma3, &scale, 3, &o, (const gb_array *[]){&a, &b, &h}) == GB_OK);
  for (int i = 0; i < R; i++)
    for (int j = 0; j < C; j++) CHECK(out[i * C + j] == 2.0 * i + (j - 7) * 0.5);
  free(col); free(row); free(out);
}

static double twice(const void *ud, const double *x) { (void)ud; return 2 * x[0]; }

TEST(map_into_float32_strided_and_in_place) {
  double v[10];
  float f[20];
  for (int i = 0; i < 10; i++) v[i] = i + 0.1;
  gb_array a = view(v, GB_FLOAT64, 1, (int64_t[]){10}, (int64_t[]){1});
  gb_array o = view(f, GB_FLOAT32, 1, (int64_t[]){10}, (int64_t[]){2});
  CHECK(gb_map(NULL, twice, NULL, 1, &o, (const gb_array *[]){&a}) == GB_OK);
  for (int i = 0; i < 10; i++) CHECK(f[2 * i] == (float)(2 * (i + 0.1)));
  /* out shifted over its own input: read before written */
  gb_array in = view(v, GB_FLOAT64, 1, (int64_t[]){9}, (int64_t[]){1});
  gb_array sh = view(v + 1, GB_FLOAT64, 1, (int64_t[]){9}, (int64_t[]){1});
  CHECK(gb_map(NULL, twice, NULL, 1, &sh, (const gb_array *[]){&in}) == GB_OK);
  for (int i = 1; i < 10; i++) CHECK(v[i] == 2 * (i - 1 + 0.1));
}

TEST(map_errors) {
  double x = 1;
  int64_t i = 1;
  double big[6];
  gb_array d = scalar(&x, GB_FLOAT64), n = scalar(&i, GB_INT64);
  gb_array o3 = view(big, GB_FLOAT64, 1, (int64_t[]){3}, (int64_t[]){1});
  gb_array in2 = view(big + 3, GB_FLOAT64, 1, (int64_t[]){2}, (int64_t[]){1});
  CHECK(gb_map(NULL, twice, NULL, 1, &n, (const gb_array *[]){&d}) == GB_EDTYPE);
  CHECK(gb_map(NULL, twice, NULL, 1, &o3, (const gb_array *[]){&in2}) == GB_ESHAPE);
  CHECK(gb_map(NULL, twice, NULL, 0, &o3, (const gb_array *[]){&d}) == GB_EINVAL);
  CHECK(gb_map(NULL, twice, NULL, GB_MAPMAX + 1, &o3,
               (const gb_array *[]){&d, &d, &d, &d}) == GB_EINVAL);
}

TEST(map_stops_when_interrupted) {
  enum { N = 1 << 20 };
  double *v = calloc(N, sizeof *v);
  gb_ctx *ctx = gb_ctx_new();
  gb_array a = view(v, GB_FLOAT64, 1, (int64_t[]){N}, (int64_t[]){1});
  gb_ctx_interrupt(ctx);
  CHECK(gb_map(ctx, twice, NULL, 1, &a, (const gb_array *[]){&a}) == GB_EINTERRUPTED);
  gb_ctx_free(ctx);
  free(v);
}

int main(void) {
  RUN(output_shifted_over_its_input);
  RUN(output_is_the_transpose_of_the_input);
  RUN(output_overwrites_a_broadcast_row);
  RUN(output_is_the_reversed_input);
  RUN(in_place_same_view);
  RUN(converts_inputs_and_output);
  RUN(strided_converted_input_across_blocks);
  RUN(broadcast_rows_across_chunks);
  RUN(exp_does_not_depend_on_position);
  RUN(shape_and_dtype_errors);
  RUN(integer_division_by_zero_and_negative_powers);
  RUN(where_counts_nonzero_and_nan_as_true);
  RUN(interrupt_stops_a_kernel);
  RUN(empty_arrays_do_nothing);
  RUN(map_broadcasts_three_inputs_of_any_dtype);
  RUN(map_into_float32_strided_and_in_place);
  RUN(map_errors);
  RUN(map_stops_when_interrupted);
  return check_exit();
}
