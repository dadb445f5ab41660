/*
** Indexing in the array core: reshape as a view when the layout allows,
** mask selection and take/put against element-by-element loops, on every
** dtype, contiguous and strided, with the shape and index errors.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arrays.h"
#include "check.h"
#include "index.h"

TEST(reshape_views_and_refusals) {
  double m[24];
  gb_array a = view(m, GB_FLOAT64, 2, (int64_t[]){4, 6}, (int64_t[]){6, 1}), v;
  CHECK(gb_reshape_view(&a, 3, (int64_t[]){2, 2, 6}, &v) == 1);
  CHECK(v.strides[0] == 96 && v.strides[1] == 48 && v.strides[2] == 8 && v.data == a.data);
  CHECK(gb_reshape_view(&a, 1, (int64_t[]){24}, &v) == 1 && v.strides[0] == 8);
  CHECK(gb_reshape_view(&a, 1, (int64_t[]){23}, &v) == 0);        /* size differs */
  /* the transpose: splitting an axis is a view, flattening is not */
  gb_array t = view(m, GB_FLOAT64, 2, (int64_t[]){6, 4}, (int64_t[]){1, 6});
  CHECK(gb_reshape_view(&t, 3, (int64_t[]){3, 2, 4}, &v) == 1);
  CHECK(v.strides[0] == 16 && v.strides[1] == 8 && v.strides[2] == 48);
  CHECK(gb_reshape_view(&t, 1, (int64_t[]){24}, &v) == 0);
  /* every second row: the rows stay whole, extent-1 axes are free */
  gb_array r = view(m, GB_FLOAT64, 2, (int64_t[]){2, 6}, (int64_t[]){12, 1});
  CHECK(gb_reshape_view(&r, 4, (int64_t[]){2, 1, 3, 2}, &v) == 1);
  CHECK(v.strides[0] == 96 && v.strides[2] == 16 && v.strides[3] == 8);
  CHECK(gb_reshape_view(&r, 1, (int64_t[]){12}, &v) == 0);
  /* an empty array is always a view */
  gb_array e = view(m, GB_FLOAT64, 2, (int64_t[]){0, 3}, (int64_t[]){1, 5});
  CHECK(gb_reshape_view(&e, 3, (int64_t[]){3, 0, 7}, &v) == 1 && v.size == 0);
}

/* a[mask] for a mask on every element, checked against a double loop. */
static void check_full_mask(int dtype, int transposed) {
  enum { R = 37, C = 29 };
  size_t es = gb_dtype_size(dtype);
  char *buf = malloc(R * C * es);
  unsigned char mk[R * C];
  for (int k = 0; k < R * C * (int)es; k++) buf[k] = (char)(k * 7 + 3);
  gb_array a = transposed ? view(buf, dtype, 2, (int64_t[]){R, C}, (int64_t[]){1, R})
                          : view(buf, dtype, 2, (int64_t[]){R, C}, (int64_t[]){C, 1});
  for (int k = 0; k < R * C; k++) mk[k] = (unsigned char)((k * 5) % 7 < 3 ? (k % 3) + 1 : 0);
  if (dtype == GB_BOOL)
    for (int k = 0; k < R * C; k++) buf[k] = (char)(k & 1);
  gb_array m = view(mk, GB_BOOL, 2, (int64_t[]){R, C}, (int64_t[]){C, 1});
  int nd;
  int64_t shape[GB_MAXDIM], want = 0;
  for (int k = 0; k < R * C; k++) want += mk[k] != 0;
  CHECK(gb_mask_shape(&a, &m, &nd, shape) == GB_OK);
  CHECK(nd == 1 && shape[0] == want);
  gb_array o = fresh(dtype, 1, shape);
  CHECK(gb_mask_get(NULL, &a, &m, &o) == GB_OK);
  int64_t j = 0;
  for (int i = 0; i < R; i++)
    for (int c = 0; c < C; c++)
      if (mk[i * C + c]) {
        CHECK(memcmp(o.data + j * (int64_t)es, at2(&a, i, c), es) == 0);
        j++;
      }
  /* and back: a[mask] = o reversed */
  gb_array rev = o;
  rev.data = o.data + (want - 1) * (int64_t)es;
  rev.strides[0] = -(int64_t)es;
  char *copy = malloc(R * C * es);
  memcpy(copy, buf, R * C * es);
  CHECK(gb_mask_set(NULL, &a, &m, &rev) == GB_OK);
  j = want - 1;
  for (int i = 0; i < R; i++)
    for (int c = 0; c < C; c++) {
      char *p = at2(&a, i, c);
      if (mk[i * C + c]) CHECK(memcmp(p, o.data + j-- * (int64_t)es, es) == 0);
      else CHECK(memcmp(p, copy + (p - buf), es) == 0);
    }
  free(copy);
  free(o.data);
  free(buf);
}

TEST(mask_selects_every_dtype_and_layout) {
  for (int dt = 0; dt < GB_NDTYPE; dt++) {
    check_full_mask(dt, 0);
    check_full_mask(dt, 1);
  }
}

TEST(mask_over_leading_axes_moves_rows) {
  int64_t m[4 * 3 * 2];
  unsigned char rows[4] = {1, 0, 1, 1};
  for (int k = 0; k < 24; k++) m[k] = k;
  gb_array a = view(m, GB_INT64, 3, (int64_t[]){4, 3, 2}, (int64_t[]){6, 2, 1});
  gb_array mk = view(rows, GB_BOOL, 1, (int64_t[]){4}, (int64_t[]){1});
  int nd;
  int64_t shape[GB_MAXDIM];
  CHECK(gb_mask_shape(&a, &mk, &nd, shape) == GB_OK);
  CHECK(nd == 3 && shape[0] == 3 && shape[1] == 3 && shape[2] == 2);
  gb_array o = fresh(GB_INT64, nd, shape);
  CHECK(gb_mask_get(NULL, &a, &mk, &o) == GB_OK);
  const int64_t *r = (const int64_t *)o.data;
  for (int k = 0; k < 6; k++) CHECK(r[k] == k && r[6 + k] == 12 + k && r[12 + k] == 18 + k);
  /* rows that are not contiguous in a (a transposed view) go through gb_copy */
  gb_array t = view(m, GB_INT64, 3, (int64_t[]){4, 2, 3}, (int64_t[]){6, 1, 2});
  gb_array o2 = fresh(GB_INT64, 3, (int64_t[]){3, 2, 3});
  CHECK(gb_mask_get(NULL, &t, &mk, &o2) == GB_OK);
  CHECK(((int64_t *)o2.data)[1] == 2 && ((int64_t *)o2.data)[3] == 1);
  free(o.data);
  free(o2.data);
}

TEST(mask_errors) {
  double v[6];
  unsigned char b[6] = {1, 1, 1, 0, 0, 0};
  int64_t i6[6];
  int nd;
  int64_t shape[GB_MAXDIM];
  gb_array a = view(v, GB_FLOAT64, 2, (int64_t[]){2, 3}, (int64_t[]){3, 1});
  gb_array wrong = view(b, GB_BOOL, 1, (int64_t[]){3}, (int64_t[]){1});
  gb_array ints = view(i6, GB_INT64, 2, (int64_t[]){2, 3}, (int64_t[]){3, 1});
  gb_array m = view(b, GB_BOOL, 2, (int64_t[]){2, 3}, (int64_t[]){3, 1});
  CHECK(gb_mask_shape(&a, &wrong, &nd, shape) == GB_ESHAPE);
  CHECK(gb_mask_shape(&a, &ints, &nd, shape) == GB_EDTYPE);
  /* a dense side with a row too few or too many */
  double o[4];
  gb_array two = view(o, GB_FLOAT64, 1, (int64_t[]){2}, (int64_t[]){1});
  gb_array four = view(o, GB_FLOAT64, 1, (int64_t[]){4}, (int64_t[]){1});
  CHECK(gb_mask_get(NULL, &a, &m, &two) == GB_ESHAPE);
  CHECK(gb_mask_get(NULL, &a, &m, &four) == GB_ESHAPE);
  gb_array f32 = view(o, GB_FLOAT32, 1, (int64_t[]){3}, (int64_t[]){1});
  CHECK(gb_mask_get(NULL, &a, &m, &f32) == GB_EDTYPE);
}

TEST(take_gathers_single_elements_and_rows) {
  enum { N = 200000 };                      /* several chunks, threads */
  double *x = malloc(N * sizeof *x), *o = malloc(N * sizeof *o);
  float *xf = malloc(N * sizeof *xf), *of = malloc(N * sizeof *of);
  int64_t *ix = malloc(N * sizeof *ix);
  for (int i = 0; i < N; i++) { x[i] = i * 0.5; xf[i] = (float)i; }
  for (int i = 0; i < N; i++) ix[i] = (i * 7919) % N + 1 - (i % 3 == 0 ? N + 1 : 0);
  gb_array a = view(x, GB_FLOAT64, 1, (int64_t[]){N}, (int64_t[]){1});
  gb_array af = view(xf, GB_FLOAT32, 1, (int64_t[]){N}, (int64_t[]){1});
  gb_array k = view(ix, GB_INT64, 1, (int64_t[]){N}, (int64_t[]){1});
  gb_array out = view(o, GB_FLOAT64, 1, (int64_t[]){N}, (int64_t[]){1});
  gb_array outf = view(of, GB_FLOAT32, 1, (int64_t[]){N}, (int64_t[]){1});
  CHECK(gb_take(NULL, &a, &k, &out, NULL) == GB_OK);
  CHECK(gb_take(NULL, &af, &k, &outf, NULL) == GB_OK);
  int okd = 1, okf = 1;
  for (int i = 0; i < N; i++) {
    int64_t j = ix[i] < 0 ? N + ix[i] : ix[i] - 1;
    okd &= o[i] == x[j];
    okf &= of[i] == xf[j];
  }
  CHECK(okd && okf);
  /* rows of a 2-D array, through a strided index array */
  int64_t m[5 * 3], idx2[4] = {5, 99, -5, 99}, r[2 * 3];
  for (int i = 0; i < 15; i++) m[i] = i;
  gb_array a2 = view(m, GB_INT64, 2, (int64_t[]){5, 3}, (int64_t[]){3, 1});
  gb_array k2 = view(idx2, GB_INT64, 1, (int64_t[]){2}, (int64_t[]){2});
  gb_array o2 = view(r, GB_INT64, 2, (int64_t[]){2, 3}, (int64_t[]){3, 1});
  CHECK(gb_take(NULL, &a2, &k2, &o2, NULL) == GB_OK);
  CHECK(r[0] == 12 && r[2] == 14 && r[3] == 0 && r[5] == 2);
  free(x); free(o); free(xf); free(of); free(ix);
}

TEST(take_and_put_check_indices) {
  int64_t v[5] = {10, 20, 30, 40, 50}, o[3], src[3] = {-1, -2, -3}, bad = 0;
  int64_t ix[3] = {1, 6, 0};
  gb_array a = view(v, GB_INT64, 1, (int64_t[]){5}, (int64_t[]){1});
  gb_array k = view(ix, GB_INT64, 1, (int64_t[]){3}, (int64_t[]){1});
  gb_array out = view(o, GB_INT64, 1, (int64_t[]){3}, (int64_t[]){1});
  gb_array s = view(src, GB_INT64, 1, (int64_t[]){3}, (int64_t[]){1});
  CHECK(gb_take(NULL, &a, &k, &out, &bad) == GB_EINVAL && bad == 6);
  bad = 0;
  CHECK(gb_put(NULL, &a, &k, &s, &bad) == GB_EINVAL && bad == 6);
  CHECK(v[0] == 10);                            /* nothing written */
  ix[1] = -5;
  ix[2] = 1;                                    /* repeated: the last write wins */
  CHECK(gb_put(NULL, &a, &k, &s, NULL) == GB_OK);
  CHECK(v[0] == -3 && v[1] == 20 && v[4] == 50);
  ix[2] = -6;
  CHECK(gb_take(NULL, &a, &k, &out, &bad) == GB_EINVAL && bad == -6);
}

TEST(take_shape_refuses_too_many_dimensions) {
  double x = 0;
  int64_t one = 1, shape[GB_MAXDIM], ones[GB_MAXDIM], st[GB_MAXDIM];
  int nd;
  for (int i = 0; i < GB_MAXDIM; i++) { ones[i] = 1; st[i] = 0; }
  gb_array a = view(&x, GB_FLOAT64, GB_MAXDIM, ones, st);
  gb_array k3 = view(&one, GB_INT64, 3, ones, st);
  gb_array k1 = view(&one, GB_INT64, 1, ones, st);
  gb_array s0 = view(&x, GB_FLOAT64, 0, NULL, NULL);
  CHECK(gb_take_shape(&a, &k3, &nd, shape) == GB_ESHAPE);
  CHECK(gb_take_shape(&a, &k1, &nd, shape) == GB_OK && nd == GB_MAXDIM);
  CHECK(gb_take_shape(&s0, &k1, &nd, shape) == GB_ESHAPE);
  CHECK(gb_take_shape(&a, &a, &nd, shape) == GB_EDTYPE);
  /* gb_put checks the shape before anything else */
  CHECK(gb_put(NULL, &a, &k3, &a, NULL) == GB_ESHAPE);
}

TEST(selection_stops_when_interrupted) {
  enum { N = 1 << 18 };
  double *x = calloc(N, sizeof *x), *o = malloc(N * sizeof *o);
  unsigned char *mk = malloc(N);
  memset(mk, 1, N);
  gb_ctx *ctx = gb_ctx_new();
  gb_array a = view(x, GB_FLOAT64, 1, (int64_t[]){N}, (int64_t[]){1});
  gb_array m = view(mk, GB_BOOL, 1, (int64_t[]){N}, (int64_t[]){1});
  gb_array out = view(o, GB_FLOAT64, 1, (int64_t[]){N}, (int64_t[]){1});
  gb_ctx_interrupt(ctx);
  CHECK(gb_mask_get(ctx, &a, &m, &out) == GB_EINTERRUPTED);
  gb_ctx_clear(ctx);
  CHECK(gb_mask_get(ctx, &a, &m, &out) == GB_OK);
  gb_ctx_free(ctx);
  free(x); free(o); free(mk);
}

int main(void) {
  RUN(reshape_views_and_refusals);
  RUN(mask_selects_every_dtype_and_layout);
  RUN(mask_over_leading_axes_moves_rows);
  RUN(mask_errors);
  RUN(take_gathers_single_elements_and_rows);
  RUN(take_and_put_check_indices);
  RUN(take_shape_refuses_too_many_dimensions);
  RUN(selection_stops_when_interrupted);
  return check_exit();
}
