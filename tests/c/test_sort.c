/*
** Sorting and selection in C against a brute-force stable insertion sort:
** sort, argsort, topk and partition along every axis of a strided 2-D
** array with ties, NaN and signed zeros; stability; every dtype.
*/
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arrays.h"
#include "check.h"
#include "sort.h"

enum { R = 7, C = 9 };

/* NumPy's order: numbers ascending (-0 equal to 0), NaN after them. */
static int before(double x, double y) {
  if (isnan(x)) return 0;
  return isnan(y) || x < y;
}

/* The stable sorting permutation of lane[0..n) into perm (0-based). */
static void brute_argsort(const double *lane, int64_t n, int64_t *perm) {
  for (int64_t i = 0; i < n; i++) {
    int64_t j = i;
    while (j > 0 && before(lane[i], lane[perm[j - 1]])) {
      perm[j] = perm[j - 1];
      j--;
    }
    perm[j] = i;
  }
}

/* Equal values (-0 and 0 tie), or both NaN. */
static int same(double x, double y) {
  return (isnan(x) && isnan(y)) || x == y;
}

/* The test input (R, C) seen transposed in its buffer, with ties, NaN,
   infinities and both zeros. */
static double buf[R * C];
static gb_array input(void) {
  static const double pool[] = {3, -1, 0.0, -0.0, NAN, 2, 3, INFINITY, -INFINITY, 2, -1};
  for (int k = 0; k < R * C; k++) buf[k] = pool[(k * 7) % 11];
  return view(buf, GB_FLOAT64, 2, (int64_t[]){R, C}, (int64_t[]){1, R});
}

/* Lane (i, j) of a along axis: the other index fixed. */
static int64_t get_lane(const gb_array *a, int axis, int64_t fixed, double *lane) {
  int64_t n = a->shape[axis];
  for (int64_t k = 0; k < n; k++)
    lane[k] = *(double *)(axis ? at2(a, fixed, k) : at2(a, k, fixed));
  return n;
}

static char *lane_at(const gb_array *a, int axis, int64_t fixed, int64_t k) {
  return axis ? at2(a, fixed, k) : at2(a, k, fixed);
}

TEST(sort_and_argsort_match_a_stable_sort) {
  gb_array a = input();
  double lane[16];
  int64_t perm[16];
  for (int axis = 0; axis < 2; axis++) {
    gb_array s = fresh(GB_FLOAT64, 2, a.shape), p = fresh(GB_INT64, 2, a.shape);
    CHECK(gb_sort(NULL, &a, axis, &s) == GB_OK);
    CHECK(gb_argsort(NULL, &a, axis, &p) == GB_OK);
    for (int64_t f = 0; f < a.shape[1 - axis]; f++) {
      int64_t n = get_lane(&a, axis, f, lane);
      brute_argsort(lane, n, perm);
      for (int64_t k = 0; k < n; k++) {
        double v = *(double *)lane_at(&s, axis, f, k);
        CHECK(*(int64_t *)lane_at(&p, axis, f, k) == perm[k] + 1);
        CHECK(same(v, lane[perm[k]]));
      }
    }
    free(s.data); free(p.data);
  }
}

TEST(argsort_is_stable_on_many_ties) {
  enum { N = 5000 };
  int64_t *x = malloc(N * sizeof *x), *p = malloc(N * sizeof *p);
  for (int i = 0; i < N; i++) x[i] = (i * 7) % 3;
  gb_array a = view(x, GB_INT64, 1, (int64_t[]){N}, (int64_t[]){1});
  gb_array o = view(p, GB_INT64, 1, (int64_t[]){N}, (int64_t[]){1});
  CHECK(gb_argsort(NULL, &a, 0, &o) == GB_OK);
  int ok = 1;
  for (int i = 1; i < N; i++) {
    int64_t u = p[i - 1] - 1, v = p[i] - 1;
    ok &= x[u] < x[v] || (x[u] == x[v] && u < v);
  }
  CHECK(ok);
  free(x); free(p);
}

TEST(nan_goes_last_in_every_float_dtype) {
  float f[6] = {2, NAN, -1, NAN, 0, -INFINITY}, fs[6];
  gb_array a = view(f, GB_FLOAT32, 1, (int64_t[]){6}, (int64_t[]){1});
  gb_array o = view(fs, GB_FLOAT32, 1, (int64_t[]){6}, (int64_t[]){1});
  CHECK(gb_sort(NULL, &a, 0, &o) == GB_OK);
  CHECK(fs[0] == -INFINITY && fs[1] == -1 && fs[2] == 0 && fs[3] == 2);
  CHECK(isnan(fs[4]) && isnan(fs[5]));
  double d[5] = {NAN, 1, NAN, -2, 5};
  int64_t ix[5];
  gb_array b = view(d, GB_FLOAT64, 1, (int64_t[]){5}, (int64_t[]){1});
  gb_array oi = view(ix, GB_INT64, 1, (int64_t[]){5}, (int64_t[]){1});
  CHECK(gb_argsort(NULL, &b, 0, &oi) == GB_OK);
  CHECK(ix[0] == 4 && ix[1] == 2 && ix[2] == 5 && ix[3] == 1 && ix[4] == 3);
}

TEST(topk_best_first_ties_by_position) {
  gb_array a = input();
  double lane[16];
  int64_t perm[16];
  for (int axis = 0; axis < 2; axis++)
    for (int largest = 0; largest < 2; largest++) {
      int64_t k = 4, shape[2] = {a.shape[0], a.shape[1]};
      shape[axis] = k;
      gb_array v = fresh(GB_FLOAT64, 2, shape), ix = fresh(GB_INT64, 2, shape);
      CHECK(gb_topk(NULL, &a, axis, k, largest, &v, &ix) == GB_OK);
      for (int64_t f = 0; f < a.shape[1 - axis]; f++) {
        int64_t n = get_lane(&a, axis, f, lane);
        /* brute force: pick the best remaining, lowest position on ties */
        int used[16] = {0};
        for (int64_t r = 0; r < k; r++) {
          int64_t best = -1;
          for (int64_t t = 0; t < n; t++) {
            if (used[t]) continue;
            if (best < 0 || (largest ? before(lane[best], lane[t]) : before(lane[t], lane[best])))
              best = t;
          }
          used[best] = 1;
          perm[r] = best;
        }
        for (int64_t r = 0; r < k; r++) {
          CHECK(*(int64_t *)lane_at(&ix, axis, f, r) == perm[r] + 1);
          CHECK(same(*(double *)lane_at(&v, axis, f, r), lane[perm[r]]));
        }
      }
      free(v.data); free(ix.data);
    }
}

TEST(partition_puts_kth_in_place) {
  gb_array a = input();
  double lane[16], sorted[16];
  int64_t perm[16], kth[2] = {1, 5};
  gb_array v = fresh(GB_FLOAT64, 2, a.shape), ix = fresh(GB_INT64, 2, a.shape);
  CHECK(gb_partition(NULL, &a, 1, 2, kth, &v, &ix) == GB_OK);
  for (int64_t f = 0; f < R; f++) {
    int64_t n = get_lane(&a, 1, f, lane);
    brute_argsort(lane, n, perm);
    for (int64_t k = 0; k < n; k++) sorted[k] = lane[perm[k]];
    for (int j = 0; j < 2; j++) {
      double x = *(double *)at2(&v, f, kth[j]);
      CHECK(isnan(x) ? isnan(sorted[kth[j]]) : x == sorted[kth[j]]);
      for (int64_t k = 0; k < n; k++) {
        double y = *(double *)at2(&v, f, k);
        if (k < kth[j]) CHECK(!before(x, y));
        if (k > kth[j]) CHECK(!before(y, x));
        /* the positions point at the values */
        CHECK(same(lane[*(int64_t *)at2(&ix, f, k) - 1], y));
      }
    }
  }
  free(v.data); free(ix.data);
}

TEST(sort_stops_when_interrupted) {
  enum { N = 1 << 20 };
  double *x = malloc(N * sizeof *x), *o = malloc(N * sizeof *o);
  for (int64_t i = 0; i < N; i++) x[i] = (double)((i * 7919) % N);
  gb_ctx *ctx = gb_ctx_new();
  gb_array a = view(x, GB_FLOAT64, 1, (int64_t[]){N}, (int64_t[]){1});
  gb_array b = view(o, GB_FLOAT64, 1, (int64_t[]){N}, (int64_t[]){1});
  gb_ctx_interrupt(ctx);
  CHECK(gb_sort(ctx, &a, 0, &b) == GB_EINTERRUPTED);
  gb_ctx_clear(ctx);
  CHECK(gb_sort(ctx, &a, 0, &b) == GB_OK && o[0] == 0 && o[N - 1] == N - 1);
  gb_ctx_free(ctx);
  free(x); free(o);
}

int main(void) {
  RUN(sort_and_argsort_match_a_stable_sort);
  RUN(argsort_is_stable_on_many_ties);
  RUN(nan_goes_last_in_every_float_dtype);
  RUN(topk_best_first_ties_by_position);
  RUN(partition_puts_kth_in_place);
  RUN(sort_stops_when_interrupted);
  return check_exit();
}
