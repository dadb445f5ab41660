/*
** Reductions in C against brute force: sum, min, max, argmax, cumsum and
** quantile along every axis of a strided 3-D array (integer values, so
** that every sum is exact whatever the summation order), and the order in
** which gb_for_lanes visits lanes.
*/
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arrays.h"
#include "check.h"
#include "reduce.h"

enum { D0 = 4, D1 = 5, D2 = 6, N = D0 * D1 * D2 };

static double *at(const gb_array *a, const int64_t *i) {
  char *p = a->data;
  for (int d = 0; d < a->ndim; d++) p += i[d] * a->strides[d];
  return (double *)p;
}

/* The test input: (D0, D1, D2) seen through a transposed buffer, so that
   no axis is contiguous in the order of the shape. */
static double buf[N];
static gb_array input(void) {
  for (int k = 0; k < N; k++) buf[k] = (double)((k * 37) % 19 - 9);
  return view(buf, GB_FLOAT64, 3, (int64_t[]){D0, D1, D2}, (int64_t[]){1, D0 * D2, D0});
}

/* The shape of a with extent e along axis. */
static void shape_with(const gb_array *a, int axis, int64_t e, int64_t *shape) {
  memcpy(shape, a->shape, sizeof(int64_t) * (size_t)a->ndim);
  shape[axis] = e;
}

/* The next lane position (i[axis] stays 0) in C order; 0 after the last. */
static int next_lane(const gb_array *a, int axis, int64_t *i) {
  for (int d = a->ndim - 1; d >= 0; d--) {
    if (d == axis) continue;
    if (++i[d] < a->shape[d]) return 1;
    i[d] = 0;
  }
  return 0;
}

/* The lane of a along axis at position i, copied into lane; its length. */
static int64_t get_lane(const gb_array *a, int axis, const int64_t *i, double *lane) {
  int64_t p[3] = {i[0], i[1], i[2]};
  for (int64_t k = 0; k < a->shape[axis]; k++) {
    p[axis] = k;
    lane[k] = *at(a, p);
  }
  return a->shape[axis];
}

TEST(folds_along_each_axis_and_all) {
  gb_array a = input();
  double lane[16];
  for (int axis = 0; axis < 3; axis++) {
    int64_t shape[3];
    shape_with(&a, axis, 1, shape);
    gb_array s = fresh(GB_FLOAT64, 3, shape), lo = fresh(GB_FLOAT64, 3, shape),
             hi = fresh(GB_FLOAT64, 3, shape);
    CHECK(gb_reduce(NULL, GB_RSUM, &a, &s, NULL, 0) == GB_OK);
    CHECK(gb_reduce(NULL, GB_RMIN, &a, &lo, NULL, 0) == GB_OK);
    CHECK(gb_reduce(NULL, GB_RMAX, &a, &hi, NULL, 0) == GB_OK);
    int64_t i[3] = {0, 0, 0};
    do {
      int64_t n = get_lane(&a, axis, i, lane);
      double sum = 0, mn = INFINITY, mx = -INFINITY;
      for (int64_t k = 0; k < n; k++) {
        sum += lane[k];
        mn = fmin(mn, lane[k]);
        mx = fmax(mx, lane[k]);
      }
      CHECK(*at(&s, i) == sum && *at(&lo, i) == mn && *at(&hi, i) == mx);
    } while (next_lane(&a, axis, i));
    free(s.data); free(lo.data); free(hi.data);
  }
  gb_array all = fresh(GB_FLOAT64, 3, (int64_t[]){1, 1, 1});
  double total = 0;
  for (int k = 0; k < N; k++) total += buf[k];
  CHECK(gb_reduce(NULL, GB_RSUM, &a, &all, NULL, 0) == GB_OK && *(double *)all.data == total);
  free(all.data);
}

TEST(argmax_argmin_first_extreme_and_nan) {
  gb_array a = input();
  double lane[16];
  for (int axis = 0; axis < 3; axis++) {
    int64_t shape[3];
    shape_with(&a, axis, 1, shape);
    gb_array mx = fresh(GB_INT64, 3, shape), mn = fresh(GB_INT64, 3, shape);
    CHECK(gb_argmax(NULL, &a, axis, &mx) == GB_OK);
    CHECK(gb_argmin(NULL, &a, axis, &mn) == GB_OK);
    int64_t i[3] = {0, 0, 0};
    do {
      int64_t n = get_lane(&a, axis, i, lane);
      int64_t bx = 0, bn = 0;
      for (int64_t k = 1; k < n; k++) {
        if (lane[k] > lane[bx]) bx = k;
        if (lane[k] < lane[bn]) bn = k;
      }
      CHECK(*(int64_t *)at(&mx, i) == bx + 1 && *(int64_t *)at(&mn, i) == bn + 1);
    } while (next_lane(&a, axis, i));
    free(mx.data); free(mn.data);
  }
  double v[5] = {1, NAN, 7, NAN, 7};
  int64_t r;
  gb_array x = view(v, GB_FLOAT64, 1, (int64_t[]){5}, (int64_t[]){1});
  gb_array o = view(&r, GB_INT64, 1, (int64_t[]){1}, (int64_t[]){1});
  CHECK(gb_argmax(NULL, &x, 0, &o) == GB_OK && r == 2);
  CHECK(gb_argmin(NULL, &x, 0, &o) == GB_OK && r == 2);
  v[1] = v[3] = 0;
  CHECK(gb_argmax(NULL, &x, 0, &o) == GB_OK && r == 3);
}

TEST(cumsum_along_each_axis) {
  gb_array a = input();
  double lane[16];
  for (int axis = 0; axis < 3; axis++) {
    gb_array c = fresh(GB_FLOAT64, 3, a.shape);
    CHECK(gb_cumsum(NULL, &a, axis, &c) == GB_OK);
    int64_t i[3] = {0, 0, 0};
    do {
      int64_t n = get_lane(&a, axis, i, lane);
      double run = 0;
      int64_t p[3] = {i[0], i[1], i[2]};
      for (int64_t k = 0; k < n; k++) {
        run += lane[k];
        p[axis] = k;
        CHECK(*at(&c, p) == run);
      }
    } while (next_lane(&a, axis, i));
    free(c.data);
  }
}

static int cmp_double(const void *x, const void *y) {
  double a = *(const double *)x, b = *(const double *)y;
  return (a > b) - (a < b);
}

TEST(quantiles_and_median_along_each_axis) {
  gb_array a = input();
  double lane[16], q[3] = {0, 0.25, 1};
  for (int axis = 0; axis < 3; axis++) {
    int64_t shape[3];
    shape_with(&a, axis, 3, shape);
    gb_array o = fresh(GB_FLOAT64, 3, shape);
    shape_with(&a, axis, 1, shape);
    gb_array med = fresh(GB_FLOAT64, 3, shape);
    CHECK(gb_quantile(NULL, &a, axis, 3, q, 0, &o) == GB_OK);
    CHECK(gb_quantile(NULL, &a, axis, 1, (double[]){0.5}, 1, &med) == GB_OK);
    int64_t i[3] = {0, 0, 0};
    do {
      int64_t n = get_lane(&a, axis, i, lane);
      int64_t p[3] = {i[0], i[1], i[2]};
      qsort(lane, (size_t)n, sizeof *lane, cmp_double);
      for (int j = 0; j < 3; j++) {
        double pos = q[j] * (double)(n - 1), f = floor(pos);
        int64_t l = (int64_t)f, h = l + 1 < n ? l + 1 : l;
        p[axis] = j;
        CHECK_NEAR(*at(&o, p), lane[l] + (pos - f) * (lane[h] - lane[l]), 1e-12);
      }
      double m = n % 2 ? lane[n / 2] : (lane[n / 2 - 1] + lane[n / 2]) / 2;
      CHECK(*at(&med, i) == m);
    } while (next_lane(&a, axis, i));
    free(o.data); free(med.data);
  }
  double v[4] = {3, NAN, 1, 2}, r;
  gb_array x = view(v, GB_FLOAT64, 1, (int64_t[]){4}, (int64_t[]){1});
  gb_array o = view(&r, GB_FLOAT64, 1, (int64_t[]){1}, (int64_t[]){1});
  CHECK(gb_quantile(NULL, &x, 0, 1, (double[]){0.5}, 1, &o) == GB_OK && isnan(r));
}

/* Lanes ------------------------------------------------------------------------ */

typedef struct visits {
  const char *base, *obase;
  int64_t count;
  const char *last;
  int ok;
} visits;

static int record(gb_ctx *ctx, void *ud, const char *in, int64_t is, int64_t n, char *out,
                  int64_t os, int64_t on) {
  visits *v = ud;
  (void)ctx;
  int64_t off = (in - v->base) / 8;         /* in elements of the (2, 3, 4) buffer */
  int64_t i0 = off % 4, i2 = off / 12;      /* the lane's position in the view */
  v->ok &= is == 32 && n == 3 && os == 8 && on == 1;
  v->ok &= out == v->obase + 8 * (i0 * 2 + i2);
  v->ok &= v->last == NULL || in > v->last;
  v->last = in;
  v->count++;
  return GB_OK;
}

TEST(lanes_are_visited_in_memory_order) {
  /* a (2, 3, 4) buffer seen as its full transpose (4, 3, 2), lanes along
     the middle axis: memory order is the last view axis outermost */
  double m[24], o[8];
  gb_array t = view(m, GB_FLOAT64, 3, (int64_t[]){4, 3, 2}, (int64_t[]){1, 4, 12});
  gb_array out = view(o, GB_FLOAT64, 3, (int64_t[]){4, 1, 2}, (int64_t[]){2, 1, 1});
  visits v = {(const char *)m, (const char *)o, 0, NULL, 1};
  CHECK(gb_for_lanes(NULL, &t, &out, 1, record, &v) == GB_OK);
  CHECK(v.count == 8 && v.ok);
  /* shapes that do not match, and an axis out of range */
  gb_array bad = view(o, GB_FLOAT64, 3, (int64_t[]){2, 1, 4}, (int64_t[]){4, 1, 1});
  CHECK(gb_for_lanes(NULL, &t, &bad, 1, record, &v) == GB_ESHAPE);
  CHECK(gb_for_lanes(NULL, &t, &out, 3, record, &v) == GB_ESHAPE);
}

static int stop_at_third(gb_ctx *ctx, void *ud, const char *in, int64_t is, int64_t n,
                         char *o1, int64_t s1, char *o2, int64_t s2, int64_t on) {
  int *calls = ud;
  (void)ctx; (void)in; (void)is; (void)n; (void)s1; (void)s2; (void)on;
  *(double *)o1 = 1;
  *(double *)o2 = 2;
  return ++*calls == 3 ? GB_EINVAL : GB_OK;
}

TEST(lanes2_fills_two_outputs_and_stops_on_a_status) {
  double m[12] = {0}, o1[4] = {0}, o2[4] = {0};
  int calls = 0;
  gb_array a = view(m, GB_FLOAT64, 2, (int64_t[]){4, 3}, (int64_t[]){3, 1});
  gb_array x = view(o1, GB_FLOAT64, 2, (int64_t[]){4, 1}, (int64_t[]){1, 1});
  gb_array y = view(o2, GB_FLOAT64, 2, (int64_t[]){4, 1}, (int64_t[]){1, 1});
  CHECK(gb_for_lanes2(NULL, &a, &x, &y, 1, stop_at_third, &calls) == GB_EINVAL);
  CHECK(calls == 3 && o1[2] == 1 && o2[2] == 2 && o1[3] == 0 && o2[3] == 0);
}

int main(void) {
  RUN(folds_along_each_axis_and_all);
  RUN(argmax_argmin_first_extreme_and_nan);
  RUN(cumsum_along_each_axis);
  RUN(quantiles_and_median_along_each_axis);
  RUN(lanes_are_visited_in_memory_order);
  RUN(lanes2_fills_two_outputs_and_stops_on_a_status);
  return check_exit();
}
