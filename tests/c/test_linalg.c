/*
** The matmul kernel on strided operands: every layout BLAS can take without
** a copy (row-major, transposed, leading dimension larger than the width),
** layouts it cannot (negative and doubled strides), broadcast batches and
** small and large sizes, each checked against a plain triple loop.  Big
** products go to BLAS in row panels: they stop on an interrupt and, with
** one BLAS thread, have the bits of one dgemm call.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "blas.h"
#include "check.h"
#include "ctx.h"
#include "linalg.h"

/* A float64 matrix view on buf with element strides s0, s1. */
static gb_array view(double *buf, int64_t r, int64_t c, int64_t s0, int64_t s1) {
  gb_array a;
  memset(&a, 0, sizeof a);
  a.data = (char *)buf; a.dtype = GB_FLOAT64; a.ndim = 2; a.size = r * c;
  a.shape[0] = r; a.shape[1] = c;
  a.strides[0] = s0 * 8; a.strides[1] = s1 * 8;
  return a;
}

static double at(const gb_array *a, int64_t i, int64_t j) {
  return *(double *)(a->data + i * a->strides[0] + j * a->strides[1]);
}

/* max |out - a b| over the product, for 2-D views. */
static double product_error(const gb_array *out, const gb_array *a, const gb_array *b) {
  double worst = 0;
  for (int64_t i = 0; i < a->shape[0]; i++)
    for (int64_t j = 0; j < b->shape[1]; j++) {
      double s = 0;
      for (int64_t q = 0; q < a->shape[1]; q++) s += at(a, i, q) * at(b, q, j);
      double e = fabs(s - at(out, i, j));
      if (e > worst) worst = e;
    }
  return worst;
}

static double *filled(int64_t n) {
  double *p = malloc(sizeof(double) * (size_t)n);
  for (int64_t i = 0; i < n; i++) p[i] = (double)((i * 7919) % 23) / 7.0 - 1.5;
  return p;
}

/* Multiply (n x k) by (k x m) with both operands in every layout. */
static int layouts_agree(int64_t n, int64_t k, int64_t m) {
  int ok = 1;
  double *pa = filled(4 * n * k + 8), *pb = filled(4 * k * m + 8);
  double *pc = calloc((size_t)(n * m), sizeof(double));
  gb_array as[4] = {
    view(pa, n, k, k, 1),             /* row-major */
    view(pa, n, k, 1, n),             /* a transposed buffer */
    view(pa, n, k, k + 3, 1),         /* padded rows */
    view(pa + 2 * n * k + 4, n, k, -k, 2)  /* reversed rows, every other column */
  };
  gb_array bs[4] = {
    view(pb, k, m, m, 1), view(pb, k, m, 1, k), view(pb, k, m, m + 2, 1),
    view(pb + 2 * k * m + 4, k, m, -2 * m, 1)
  };
  gb_array c = view(pc, n, m, m, 1);
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 4; j++) {
      memset(pc, 0, sizeof(double) * (size_t)(n * m));
      if (gb_matmul(NULL, &c, &as[i], &bs[j]) != GB_OK) ok = 0;
      else if (product_error(&c, &as[i], &bs[j]) > 1e-12 * (double)k) ok = 0;
    }
  free(pa); free(pb); free(pc);
  return ok;
}

TEST(small_products_in_every_layout) { CHECK(layouts_agree(4, 4, 4)); CHECK(layouts_agree(3, 5, 2)); }
TEST(blas_products_in_every_layout) { CHECK(layouts_agree(40, 30, 50)); CHECK(layouts_agree(33, 64, 1)); }
TEST(row_vector_products) { CHECK(layouts_agree(1, 100, 60)); }

TEST(output_with_a_column_stride) {
  double *pa = filled(60 * 50), *pb = filled(50 * 40);
  double *pc = calloc(40 * 60, sizeof(double));
  gb_array a = view(pa, 60, 50, 50, 1), b = view(pb, 50, 40, 40, 1);
  gb_array c = view(pc, 60, 40, 1, 60);           /* column-major output */
  CHECK(gb_matmul(NULL, &c, &a, &b) == GB_OK);
  CHECK(product_error(&c, &a, &b) < 1e-11);
  free(pa); free(pb); free(pc);
}

TEST(batches_broadcast) {
  /* (3, 1, 2, 2) @ (4, 2, 2) -> (3, 4, 2, 2): a stride-0 batch axis */
  double *pa = filled(12), *pb = filled(16), *pc = calloc(48, sizeof(double));
  gb_array a, b, c;
  int64_t sa[4] = {3, 1, 2, 2}, sb[3] = {4, 2, 2}, sc[4] = {3, 4, 2, 2};
  size_t nb;
  gb_array_init(&a, GB_FLOAT64, 4, sa, &nb); a.data = (char *)pa;
  gb_array_init(&b, GB_FLOAT64, 3, sb, &nb); b.data = (char *)pb;
  gb_array_init(&c, GB_FLOAT64, 4, sc, &nb); c.data = (char *)pc;
  CHECK(gb_matmul(NULL, &c, &a, &b) == GB_OK);
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 4; j++) {
      gb_array x = view(pa + 4 * i, 2, 2, 2, 1), y = view(pb + 4 * j, 2, 2, 2, 1);
      gb_array z = view(pc + 16 * i + 4 * j, 2, 2, 2, 1);
      CHECK(product_error(&z, &x, &y) < 1e-14);
    }
  free(pa); free(pb); free(pc);
}

TEST(shape_and_dtype_mismatches_are_refused) {
  double buf[16] = {0};
  gb_array a = view(buf, 2, 3, 3, 1), b = view(buf, 2, 3, 3, 1), c = view(buf, 2, 3, 3, 1);
  CHECK(gb_matmul(NULL, &c, &a, &b) == GB_ESHAPE);
  gb_array b2 = view(buf, 3, 3, 3, 1);
  b2.dtype = GB_FLOAT32;
  CHECK(gb_matmul(NULL, &c, &a, &b2) == GB_EDTYPE);
}

TEST(factorizations_refuse_nonfinite_input) {
  double buf[4] = {1, NAN, 0, 1}, out[4];
  gb_array a = view(buf, 2, 2, 2, 1), o = view(out, 2, 2, 2, 1);
  int64_t info = 0;
  CHECK(gb_inv(NULL, &o, &a, &info) == GB_ENONFINITE);
  CHECK(gb_cholesky(NULL, &o, &a, &info) == GB_ENONFINITE);
  CHECK(gb_expm(NULL, &o, &a) == GB_ENONFINITE);
}


/* Uniform numbers in [-1, 1) from a fixed LCG. */
static double *random_matrix(int64_t n, uint64_t seed) {
  double *p = malloc(sizeof(double) * (size_t)n);
  for (int64_t i = 0; i < n; i++) {
    seed = seed * 6364136223846793005u + 1442695040888963407u;
    p[i] = (double)(seed >> 11) * 0x1p-52 - 1.0;
  }
  return p;
}

/* gb_matmul of a big product (row panels) against one dgemm call on the
   same operands, a taken as stored (ta 0) or transposed (ta 1); returns
   the number of elements whose bits differ, *rel the largest difference
   relative to the sum of |a_iq b_qj| (bounded by k). */
static int64_t panels_vs_one_call(int64_t n, int64_t k, int64_t m, int ta, double *rel) {
  const gb_blas_api *api = gb_blas();
  double *pa = random_matrix(n * k, 1), *pb = random_matrix(k * m, 2);
  double *pc = malloc(sizeof(double) * (size_t)(n * m)), *pd = malloc(sizeof(double) * (size_t)(n * m));
  gb_array a = ta ? view(pa, n, k, 1, n) : view(pa, n, k, k, 1);
  gb_array b = view(pb, k, m, m, 1), c = view(pc, n, m, m, 1);
  int64_t differ = -1;
  if (gb_matmul(NULL, &c, &a, &b) == GB_OK) {
    api->dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, CblasNoTrans, (int)n, (int)m, (int)k,
               1.0, pa, ta ? (int)n : (int)k, pb, (int)m, 0.0, pd, (int)m);
    differ = 0;
    *rel = 0;
    for (int64_t i = 0; i < n * m; i++) {
      differ += memcmp(&pc[i], &pd[i], sizeof(double)) != 0;
      double e = fabs(pc[i] - pd[i]) / (double)k;
      if (e > *rel) *rel = e;
    }
  }
  free(pa); free(pb); free(pc); free(pd);
  return differ;
}

TEST(big_products_in_row_panels_match_one_blas_call) {
  if (!gb_blas()) return;
  int threads = gb_blas_threads();
  /* 1500 x 1500 x 700: panels of 240 rows and a remainder of 60; k = 1500
     is where OpenBLAS's single- and multi-threaded drivers block k
     differently, so a panel that took the other driver would show */
  for (int ta = 0; ta < 2; ta++) {
    double rel = 1;
    gb_blas_set_threads(1);
    int64_t differ = panels_vs_one_call(1500, 1500, 700, ta, &rel);
    printf("    one BLAS thread, a%s: %lld elements differ\n", ta ? "^T" : "", (long long)differ);
    CHECK(differ == 0);
    gb_blas_set_threads(threads);
    differ = panels_vs_one_call(1500, 1500, 700, ta, &rel);
    printf("    %d BLAS threads, a%s: %lld elements differ in their last bits, "
           "by %.2g of k\n", threads, ta ? "^T" : "", (long long)differ, rel);
    CHECK(differ >= 0 && rel < 1e-15);
  }
}

TEST(big_products_stop_on_an_interrupt) {
  int64_t n = 1024;
  double *pa = filled(n * n), *pc = calloc((size_t)(n * n), sizeof(double));
  gb_array a = view(pa, n, n, n, 1), c = view(pc, n, n, n, 1);
  gb_ctx *ctx = gb_ctx_new();
  gb_ctx_interrupt(ctx);
  /* the first panel runs, the flag is seen before the next */
  CHECK(gb_matmul(ctx, &c, &a, &a) == GB_EINTERRUPTED || !gb_blas());
  CHECK(pc[(n - 1) * n] == 0);
  gb_ctx_clear(ctx);
  CHECK(gb_matmul(ctx, &c, &a, &a) == GB_OK || !gb_blas());
  gb_ctx_free(ctx);
  free(pa); free(pc);
}

int main(void) {
  RUN(small_products_in_every_layout);
  RUN(blas_products_in_every_layout);
  RUN(row_vector_products);
  RUN(output_with_a_column_stride);
  RUN(batches_broadcast);
  RUN(shape_and_dtype_mismatches_are_refused);
  RUN(factorizations_refuse_nonfinite_input);
  RUN(big_products_in_row_panels_match_one_blas_call);
  RUN(big_products_stop_on_an_interrupt);
  return check_exit();
}
