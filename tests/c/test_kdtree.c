/*
** The kd-tree against brute force: k nearest neighbours, radius counts and
** box counts, strict and not, on random points and on a coarse grid where
** many distances tie exactly (the case that strict/non-strict exists for).
*/
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "check.h"
#include "kdtree.h"
#include "status.h"

/* A small deterministic generator (xorshift64*), uniform in [0, 1). */
static double uniform(uint64_t *s) {
  *s ^= *s >> 12;
  *s ^= *s << 25;
  *s ^= *s >> 27;
  return (double)((*s * 2685821657736338717ULL) >> 11) * 0x1.0p-53;
}

/* n x d points: uniform, or on a grid of 5 values per axis (ties). */
static double *points(int64_t n, int d, int grid, uint64_t seed) {
  double *x = malloc(sizeof(double) * (size_t)(n * d));
  for (int64_t i = 0; i < n * d; i++) {
    double u = uniform(&seed);
    x[i] = grid ? floor(u * 5) * 0.25 : u;
  }
  return x;
}

static double maxdist(const double *a, const double *b, int d) {
  double s = 0;
  for (int j = 0; j < d; j++) s = fmax(s, fabs(a[j] - b[j]));
  return s;
}

static int64_t brute_count(const double *x, int64_t n, int d, int64_t i, double r, int strict) {
  int64_t m = 0;
  for (int64_t j = 0; j < n; j++) {
    if (j == i) continue;
    double v = maxdist(x + i * d, x + j * d, d);
    m += strict ? v < r : v <= r;
  }
  return m;
}

static int64_t brute_box(const double *x, int64_t n, int d, int64_t i, const double *half,
                         int strict) {
  int64_t m = 0;
  for (int64_t j = 0; j < n; j++) {
    if (j == i) continue;
    int in = 1;
    for (int c = 0; c < d && in; c++) {
      double v = fabs(x[i * d + c] - x[j * d + c]);
      in = strict ? v < half[c] : v <= half[c];
    }
    m += in;
  }
  return m;
}

static void check_tree(int64_t n, int d, int grid, uint64_t seed) {
  double *x = points(n, d, grid, seed);
  gb_kdtree t;
  CHECK(gb_kdtree_build(NULL, &t, x, n, d) == GB_OK);
  uint64_t s = seed + 1;
  int k = 4, bad_knn = 0, bad_count = 0, bad_box = 0;
  for (int64_t i = 0; i < n; i += 7) {
    double dist[4];
    int64_t idx[4];
    gb_kdtree_knn(NULL, &t, x + i * d, k, GB_NORM_MAX, i, dist, idx);
    /* the k-th distance: exactly k - 1 points strictly closer is not
       guaranteed with ties, but at most k - 1 are and at least k are within */
    bad_knn += brute_count(x, n, d, i, dist[k - 1], 1) > k - 1;
    bad_knn += brute_count(x, n, d, i, dist[k - 1], 0) < k;
    for (int j = 0; j < k; j++) bad_knn += maxdist(x + i * d, x + idx[j] * d, d) != dist[j];
    for (int strict = 0; strict <= 1; strict++) {
      bad_count += gb_kdtree_count(&t, x + i * d, dist[k - 1], strict, GB_NORM_MAX, i) !=
                   brute_count(x, n, d, i, dist[k - 1], strict);
      double half[4];
      for (int c = 0; c < d; c++) half[c] = grid ? 0.25 * floor(uniform(&s) * 3) : 0.3 * uniform(&s);
      bad_box += gb_kdtree_count_box(&t, x + i * d, half, strict, i) !=
                 brute_box(x, n, d, i, half, strict);
    }
  }
  CHECK(bad_knn == 0);
  CHECK(bad_count == 0);
  CHECK(bad_box == 0);
  gb_kdtree_free(NULL, &t);
  free(x);
}

TEST(uniform_points_match_brute_force) {
  check_tree(3000, 1, 0, 11);
  check_tree(3000, 2, 0, 12);
  check_tree(3000, 4, 0, 13);
}

TEST(tied_grid_points_match_brute_force) {
  check_tree(2000, 2, 1, 21);
  check_tree(2000, 3, 1, 22);
}

TEST(box_count_with_equal_sides_is_the_max_norm_count) {
  double *x = points(1000, 3, 0, 31);
  gb_kdtree t;
  CHECK(gb_kdtree_build(NULL, &t, x, 1000, 3) == GB_OK);
  int bad = 0;
  for (int64_t i = 0; i < 1000; i += 3) {
    double half[3] = {0.1, 0.1, 0.1};
    bad += gb_kdtree_count_box(&t, x + i * 3, half, 0, i) !=
           gb_kdtree_count(&t, x + i * 3, 0.1, 0, GB_NORM_MAX, i);
  }
  CHECK(bad == 0);
  gb_kdtree_free(NULL, &t);
  free(x);
}

int main(void) {
  RUN(uniform_points_match_brute_force);
  RUN(tied_grid_points_match_brute_force);
  RUN(box_count_with_equal_sides_is_the_max_norm_count);
  return check_exit();
}
