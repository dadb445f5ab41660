/*
** Matrix products: gb_matmul over broadcast batches, through CBLAS for
** float64 and float32 and exact loops for int64 and bool.
**
** A strided matrix goes to BLAS without a copy when one of its axes is
** contiguous (the other becomes the leading dimension, with a transpose
** flag when the contiguous axis is the first); anything else is copied
** into a packed buffer first.  Small products skip BLAS: its call overhead
** dominates for the 4x4 matrices of a big batch.
**
** A big product is cut into row panels, one BLAS call each, so that an
** interrupt or the time limit is seen between them (a 3000 x 3000 product
** is seconds of one uninterruptible call).  The panels are whole multiples
** of PANEL_ALIGN rows, so OpenBLAS runs the same micro-kernels on every row
** as one call would: with one BLAS thread the result has the bits of one
** call.  With several threads, OpenBLAS's own split of a call between its
** threads decides which rows take its remainder kernels, and the last bit
** of a few elements may differ from one call's, as one call's differ
** between thread counts.
*/
#include <limits.h>
#include <stdlib.h>
#include <string.h>


#include "blas.h"
#include "linalg.h"
#include "status.h"

/* Products with at most this many multiply-adds use the direct loop. */
#define SMALL_FLOPS 4096
/* Batches are split across threads when they hold this many flops. */
#define PARALLEL_FLOPS (1 << 20)
/* Multiply-adds per BLAS call of a big product: tens of milliseconds. */
#define PANEL_MADDS ((double)(1 << 28))
/* Panel rows come in multiples of this (a multiple of every OpenBLAS
   kernel's unroll). */
#define PANEL_ALIGN 16

/* One matrix of a batch: base pointer, element strides, extents. */
typedef struct mat {
  char *p;
  int64_t r, c;     /* rows, columns */
  int64_t s0, s1;   /* strides in elements */
} mat;

/* How BLAS can read a matrix in row-major terms: 0 if it cannot. */
static int blas_layout(const mat *m, CBLAS_TRANSPOSE *t, int64_t *ld) {
  int64_t s0 = m->r == 1 ? m->c : m->s0;   /* a size-1 axis may have any stride */
  int64_t s1 = m->c == 1 ? 1 : m->s1;
  if (s1 == 1 && s0 >= (m->c > 1 ? m->c : 1) && s0 <= INT_MAX) {
    *t = CblasNoTrans; *ld = s0; return 1;
  }
  s0 = m->r == 1 ? 1 : m->s0;
  s1 = m->c == 1 ? m->r : m->s1;
  if (s0 == 1 && s1 >= (m->r > 1 ? m->r : 1) && s1 <= INT_MAX) {
    *t = CblasTrans; *ld = s1; return 1;
  }
  return 0;
}

/* Direct loops: c = a b with element strides (the small and exact cases). */
#define SMALL_LOOP(T, ACC, ZERO)                                             \
  for (int64_t i = 0; i < a->r; i++)                                         \
    for (int64_t j = 0; j < b->c; j++) {                                     \
      ACC s = ZERO;                                                          \
      const T *x = (const T *)a->p + i * a->s0;                              \
      const T *y = (const T *)b->p + j * b->s1;                              \
      for (int64_t q = 0; q < a->c; q++)                                     \
        s += (ACC)x[q * a->s1] * (ACC)y[q * b->s0];                          \
      ((T *)c->p)[i * c->s0 + j * c->s1] = (T)s;                             \
    }

static void small_product(int dtype, const mat *a, const mat *b, mat *c) {
  switch (dtype) {
    case GB_FLOAT64: SMALL_LOOP(double, double, 0.0) break;
    case GB_FLOAT32: SMALL_LOOP(float, float, 0.0f) break;
    case GB_INT64:   SMALL_LOOP(int64_t, uint64_t, 0) break;   /* wraps */
    default:                                                   /* bool */
      for (int64_t i = 0; i < a->r; i++)
        for (int64_t j = 0; j < b->c; j++) {
          const unsigned char *x = (unsigned char *)a->p + i * a->s0;
          const unsigned char *y = (unsigned char *)b->p + j * b->s1;
          unsigned char s = 0;
          for (int64_t q = 0; q < a->c && !s; q++)
            s = x[q * a->s1] && y[q * b->s0];
          ((unsigned char *)c->p)[i * c->s0 + j * c->s1] = s;
        }
  }
}

/* Copy m into a packed row-major buffer (which m then describes). */
static int pack(gb_ctx *ctx, int dtype, mat *m, void **buf) {
  size_t es = gb_dtype_size(dtype);
  char *p = gb_alloc(ctx, (size_t)(m->r * m->c) * es + 1);
  if (!p) return GB_ENOMEM;
  for (int64_t i = 0; i < m->r; i++)
    for (int64_t j = 0; j < m->c; j++)
      memcpy(p + (i * m->c + j) * es, m->p + (i * m->s0 + j * m->s1) * es, es);
  *buf = p;
  m->p = p; m->s0 = m->c; m->s1 = 1;
  return GB_OK;
}

/* Rows per BLAS call for an (n, k) x (k, m) product. */
static int panel_rows(int n, int k, int m) {
  double per_row = (double)k * (double)m;
  if (per_row * n <= PANEL_MADDS) return n;
  double r = PANEL_MADDS / per_row / PANEL_ALIGN;
  return r < 1 ? PANEL_ALIGN : (int)r * PANEL_ALIGN;
}

/* C = op(A) op(B), row-major, by row panels (see the top of the file). */
static int gemm_panels(gb_ctx *ctx, const gb_blas_api *api, int dtype,
                       CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, int n, int m, int k,
                       const void *A, int lda, const void *B, int ldb, void *C, int ldc) {
  int rows = panel_rows(n, k, m);
  size_t es = gb_dtype_size(dtype);
  for (int i = 0; i < n; i += rows) {
    if (i > 0 && gb_interrupted(ctx)) return GB_EINTERRUPTED;
    int r = n - i < rows ? n - i : rows;
    /* row i of op(A): row i of A, or column i of A when transposed */
    const char *Ai = (const char *)A + (ta == CblasNoTrans ? (size_t)i * (size_t)lda : (size_t)i) * es;
    char *Ci = (char *)C + (size_t)i * (size_t)ldc * es;
    if (dtype == GB_FLOAT64)
      api->dgemm(CblasRowMajor, ta, tb, r, m, k, 1.0, (const double *)Ai, lda,
                 (const double *)B, ldb, 0.0, (double *)Ci, ldc);
    else
      api->sgemm(CblasRowMajor, ta, tb, r, m, k, 1.0f, (const float *)Ai, lda,
                 (const float *)B, ldb, 0.0f, (float *)Ci, ldc);
  }
  return GB_OK;
}

/* c = a b through BLAS (float64 and float32); c must be row-major. */
static int blas_product(gb_ctx *ctx, int dtype, mat a, mat b, const mat *c) {
  GB_NEED_BLAS(api);
  CBLAS_TRANSPOSE ta = CblasNoTrans, tb = CblasNoTrans;
  int64_t lda = 1, ldb = 1;
  void *ba = NULL, *bb = NULL;
  int st = GB_OK;
  if (!blas_layout(&a, &ta, &lda)) {
    if ((st = pack(ctx, dtype, &a, &ba)) != GB_OK) goto done;
    blas_layout(&a, &ta, &lda);
  }
  if (!blas_layout(&b, &tb, &ldb)) {
    if ((st = pack(ctx, dtype, &b, &bb)) != GB_OK) goto done;
    blas_layout(&b, &tb, &ldb);
  }
  int n = (int)a.r, k = (int)a.c, m = (int)b.c, ldc = (int)(c->r == 1 ? m : c->s0);
  if (ldc < 1) ldc = 1;
  if (dtype == GB_FLOAT64) {
    const double *A = (const double *)a.p, *B = (const double *)b.p;
    double *C = (double *)c->p;
    if (m == 1) {            /* matrix-vector: y = op(A) x, x a column of B */
      int incx = (int)(b.r == 1 ? 1 : b.s0), incy = (int)(n == 1 ? 1 : c->s0);
      if (ta == CblasNoTrans) api->dgemv(CblasRowMajor, CblasNoTrans, n, k, 1.0, A, (int)lda, (const double *)b.p, incx, 0.0, C, incy);
      else api->dgemv(CblasRowMajor, CblasTrans, k, n, 1.0, A, (int)lda, (const double *)b.p, incx, 0.0, C, incy);
    } else {
      st = gemm_panels(ctx, api, dtype, ta, tb, n, m, k, A, (int)lda, B, (int)ldb, C, ldc);
    }
  } else {
    const float *A = (const float *)a.p, *B = (const float *)b.p;
    float *C = (float *)c->p;
    if (m == 1) {
      int incx = (int)(b.r == 1 ? 1 : b.s0), incy = (int)(n == 1 ? 1 : c->s0);
      if (ta == CblasNoTrans) api->sgemv(CblasRowMajor, CblasNoTrans, n, k, 1.0f, A, (int)lda, (const float *)b.p, incx, 0.0f, C, incy);
      else api->sgemv(CblasRowMajor, CblasTrans, k, n, 1.0f, A, (int)lda, (const float *)b.p, incx, 0.0f, C, incy);
    } else {
      st = gemm_panels(ctx, api, dtype, ta, tb, n, m, k, A, (int)lda, B, (int)ldb, C, ldc);
    }
  }
done:
  gb_free(ctx, ba);
  gb_free(ctx, bb);
  return st;
}

/* Zero an (r, c) output matrix: the product over an empty inner axis. */
static void zero_matrix(int dtype, const mat *c) {
  size_t es = gb_dtype_size(dtype);
  for (int64_t i = 0; i < c->r; i++)
    for (int64_t j = 0; j < c->c; j++)
      memset(c->p + (i * c->s0 + j * c->s1) * (int64_t)es, 0, es);
}

static int one_product(gb_ctx *ctx, int dtype, const mat *a, const mat *b, mat *c) {
  if (c->r == 0 || c->c == 0) return GB_OK;
  if (a->c == 0) { zero_matrix(dtype, c); return GB_OK; }
  int blas = dtype == GB_FLOAT64 || dtype == GB_FLOAT32;
  if (!blas || a->r * a->c * b->c <= SMALL_FLOPS) {
    small_product(dtype, a, b, c);
    return GB_OK;
  }
  if (a->r > INT_MAX || a->c > INT_MAX || b->c > INT_MAX) return GB_EOVERFLOW;
  /* BLAS writes row-major output with a stride of at least m; otherwise
     compute into a packed buffer and scatter. */
  int64_t cs0 = c->r == 1 ? c->c : c->s0, cs1 = c->c == 1 ? 1 : c->s1;
  if (cs1 == 1 && cs0 >= c->c && cs0 <= INT_MAX) {
    mat cc = *c; cc.s0 = cs0; cc.s1 = 1;
    return blas_product(ctx, dtype, *a, *b, &cc);
  }
  size_t es = gb_dtype_size(dtype);
  char *tmp = gb_alloc(ctx, (size_t)(c->r * c->c) * es);
  if (!tmp) return GB_ENOMEM;
  mat t = {tmp, c->r, c->c, c->c, 1};
  int st = blas_product(ctx, dtype, *a, *b, &t);
  for (int64_t i = 0; st == GB_OK && i < c->r; i++)
    for (int64_t j = 0; j < c->c; j++)
      memcpy(c->p + (i * c->s0 + j * c->s1) * (int64_t)es, tmp + (i * c->c + j) * (int64_t)es, es);
  gb_free(ctx, tmp);
  return st;
}

/* The matrix number `index` of a batch view (batch axes 0..nb-1). */
static mat nth(const gb_array *v, int nb, int64_t index) {
  int64_t off = 0, es = (int64_t)gb_dtype_size(v->dtype);
  for (int d = nb - 1; d >= 0; d--) {
    off += (index % v->shape[d]) * v->strides[d];
    index /= v->shape[d];
  }
  mat m = {v->data + off, v->shape[nb], v->shape[nb + 1],
           v->strides[nb] / es, v->strides[nb + 1] / es};
  return m;
}

int gb_matmul(gb_ctx *ctx, gb_array *out, const gb_array *a, const gb_array *b) {
  int nd = out->ndim, nb = nd - 2;
  if (a->ndim < 2 || b->ndim < 2 || nd < 2 || a->ndim > nd || b->ndim > nd)
    return GB_ESHAPE;
  if (a->dtype != out->dtype || b->dtype != out->dtype) return GB_EDTYPE;
  int64_t es = (int64_t)gb_dtype_size(out->dtype);
  int64_t n = a->shape[a->ndim - 2], k = a->shape[a->ndim - 1];
  int64_t m = b->shape[b->ndim - 1];
  if (b->shape[b->ndim - 2] != k || out->shape[nb] != n || out->shape[nb + 1] != m)
    return GB_ESHAPE;
  for (int d = 0; d < a->ndim; d++)
    if (a->strides[d] % es) return GB_EINVAL;     /* misaligned view */
  for (int d = 0; d < b->ndim; d++)
    if (b->strides[d] % es) return GB_EINVAL;
  int64_t sa[GB_MAXDIM], sb[GB_MAXDIM];
  memcpy(sa, out->shape, sizeof(int64_t) * (size_t)nb);
  memcpy(sb, out->shape, sizeof(int64_t) * (size_t)nb);
  sa[nb] = n; sa[nb + 1] = k;
  sb[nb] = k; sb[nb + 1] = m;
  gb_array av, bv;
  if (gb_broadcast_to(a, nd, sa, &av) != GB_OK) return GB_ESHAPE;
  if (gb_broadcast_to(b, nd, sb, &bv) != GB_OK) return GB_ESHAPE;

  int64_t count = 1;
  for (int d = 0; d < nb; d++) count *= out->shape[d];
  if (count == 0) return GB_OK;
  double flops = (double)n * (double)k * (double)m;
  int small = flops <= SMALL_FLOPS;
  int st = GB_OK;
  if (small && count > 1 && flops * (double)count >= PARALLEL_FLOPS) {
    int interrupted = 0;
    #pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < count; i++) {
      int stop;
      #pragma omp atomic read
      stop = interrupted;
      if (stop) continue;
      if (i % GB_CHECK_EVERY == 0 && gb_interrupted(ctx)) {
        #pragma omp atomic write
        interrupted = 1;
        continue;
      }
      mat x = nth(&av, nb, i), y = nth(&bv, nb, i), z = nth(out, nb, i);
      one_product(ctx, out->dtype, &x, &y, &z);
    }
    return interrupted ? GB_EINTERRUPTED : GB_OK;
  }
  for (int64_t i = 0; i < count && st == GB_OK; i++) {
    /* every product of a batch of big ones may take a while */
    if ((i % 1024 == 1023 || (i > 0 && !small)) && gb_interrupted(ctx)) return GB_EINTERRUPTED;
    mat x = nth(&av, nb, i), y = nth(&bv, nb, i), z = nth(out, nb, i);
    st = one_product(ctx, out->dtype, &x, &y, &z);
  }
  return st;
}

int gb_blas_set_threads(int n) {
  GB_NEED_BLAS(api);
  api->set_num_threads(n);
  return GB_OK;
}

int gb_blas_threads(void) {
  const gb_blas_api *api = gb_blas();
  return api ? api->get_num_threads() : 0;
}
