/*
** Vector and matrix norms.  Entries are read in float64 whatever the
** dtype; the 2-norms use the singular values (gb_svd) like NumPy's.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "linalg.h"
#include "status.h"

/* Visit every element of a as a double. */
#define EACH(a, x, body)                                                      \
  do {                                                                        \
    gb_iter it_;                                                              \
    if (!gb_iter_init(&it_, 1, (const gb_array *[]){a})) break;               \
    do                                                                        \
      for (int64_t i_ = 0; i_ < it_.n; i_++) {                                \
        double x = gb_get_double((a)->dtype, it_.ptr[0] + i_ * it_.stride[0]); \
        body;                                                                 \
      }                                                                       \
    while (gb_iter_next(&it_));                                               \
  } while (0)

int gb_vector_norm(const gb_array *a, double p, double *out) {
  double r = 0.0;
  if (p == INFINITY) {
    EACH(a, x, { double v = fabs(x); if (v > r || isnan(v)) r = isnan(r) ? r : v; });
  } else if (p == -INFINITY) {
    r = a->size ? INFINITY : 0.0;
    EACH(a, x, { double v = fabs(x); if (v < r || isnan(v)) r = isnan(r) ? r : v; });
  } else if (p == 0) {
    EACH(a, x, r += x != 0);
  } else if (p == 1) {
    EACH(a, x, r += fabs(x));
  } else if (p == 2) {
    /* sum of (x / scale)^2 with a running scale, as LAPACK's dnrm2 */
    double scale = 0.0, ssq = 1.0;
    EACH(a, x, {
      double v = fabs(x);
      if (isnan(v)) { scale = NAN; }
      else if (v > scale) { ssq = 1.0 + ssq * (scale / v) * (scale / v); scale = v; }
      else if (v > 0) ssq += (v / scale) * (v / scale);
    });
    r = scale == INFINITY ? INFINITY : scale * sqrt(ssq);
  } else {
    EACH(a, x, r += pow(fabs(x), p));
    r = pow(r, 1.0 / p);
  }
  *out = r;
  return GB_OK;
}

/* Largest (sign > 0) or smallest absolute row (axis 1) or column (axis 0)
   sum. */
static double extreme_sum(const gb_array *a, int axis, int sign) {
  int64_t outer = a->shape[axis], inner = a->shape[1 - axis];
  double best = sign > 0 ? 0.0 : INFINITY;
  for (int64_t i = 0; i < outer; i++) {
    double s = 0.0;
    for (int64_t j = 0; j < inner; j++) {
      int64_t r = axis ? j : i, c = axis ? i : j;
      s += fabs(gb_get_double(a->dtype, a->data + r * a->strides[0] + c * a->strides[1]));
    }
    if (isnan(s) || (sign > 0 ? s > best : s < best)) best = s;
    if (isnan(best)) break;
  }
  return best;
}

int gb_matrix_norm(gb_ctx *ctx, const gb_array *a, const char *ord, double *out) {
  if (a->ndim != 2) return GB_ESHAPE;
  if (!strcmp(ord, "fro")) return gb_vector_norm(a, 2, out);
  if (!strcmp(ord, "1")) { *out = extreme_sum(a, 1, 1); return GB_OK; }
  if (!strcmp(ord, "-1")) { *out = extreme_sum(a, 1, -1); return GB_OK; }
  if (!strcmp(ord, "inf")) { *out = extreme_sum(a, 0, 1); return GB_OK; }
  if (!strcmp(ord, "-inf")) { *out = extreme_sum(a, 0, -1); return GB_OK; }
  int nuc = !strcmp(ord, "nuc"), two = !strcmp(ord, "2"), mtwo = !strcmp(ord, "-2");
  if (!nuc && !two && !mtwo) return GB_EINVAL;
  int64_t k = a->shape[0] < a->shape[1] ? a->shape[0] : a->shape[1];
  if (k == 0) { *out = 0.0; return GB_OK; }
  double *s = gb_alloc(ctx, sizeof(double) * (size_t)k);
  if (!s) return GB_ENOMEM;
  gb_array S;
  memset(&S, 0, sizeof S);
  S.data = (char *)s; S.dtype = GB_FLOAT64; S.ndim = 1; S.size = k;
  S.shape[0] = k; S.strides[0] = sizeof(double);
  int st = gb_svd(ctx, NULL, &S, NULL, a, 0);
  if (st == GB_OK) {
    double r = 0.0;
    for (int64_t i = 0; i < k; i++) r += s[i];
    *out = nuc ? r : two ? s[0] : s[k - 1];
  }
  gb_free(ctx, s);
  return st;
}
