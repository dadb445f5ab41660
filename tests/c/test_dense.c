/*
** The raw-buffer LU and Cholesky of dense.h: solutions against known
** ones, singular and indefinite matrices reported as such, factors that
** reproduce their matrix, and the semi-definite factor of multivariate
** normals on a covariance with zero pivots.
*/
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "dense.h"

/* Column-major element (i, j) with leading dimension ld. */
#define AT(a, ld, i, j) ((a)[(i) + (j) * (ld)])

TEST(lu_solves_a_known_system) {
  /* A (3 x 3, leading dimension 5) and X (3 x 2) with B = A X */
  const double A[3][3] = {{2, 1, -1}, {-3, -1, 2}, {-2, 1, 2}};
  const double X[3][2] = {{2, -1}, {3, 0.5}, {-1, 4}};
  double a[5 * 3], b[3 * 2];
  int ipiv[3];
  for (int i = 0; i < 5 * 3; i++) a[i] = NAN;      /* padding stays unread */
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) AT(a, 5, i, j) = A[i][j];
  for (int i = 0; i < 3; i++)
    for (int c = 0; c < 2; c++) {
      double s = 0;
      for (int k = 0; k < 3; k++) s += A[i][k] * X[k][c];
      AT(b, 3, i, c) = s;
    }
  CHECK(gb_lu_factor(NULL, a, 3, 5, ipiv) == GB_OK);
  for (int i = 0; i < 3; i++) CHECK(ipiv[i] >= 1 && ipiv[i] <= 3);
  CHECK(gb_lu_solve(a, 3, 5, ipiv, b, 2) == GB_OK);
  for (int i = 0; i < 3; i++)
    for (int c = 0; c < 2; c++) CHECK_NEAR(AT(b, 3, i, c), X[i][c], 1e-14);
}

TEST(lu_reports_a_singular_matrix) {
  /* rows 1 and 2 proportional: U gets an exact zero on its diagonal */
  double a[4] = {1, 2, 2, 4};                       /* [[1, 2], [2, 4]] */
  int ipiv[2];
  CHECK(gb_lu_factor(NULL, a, 2, 2, ipiv) == GB_ESINGULAR);
  CHECK(AT(a, 2, 1, 1) == 0.0);
  double z[9] = {0};
  int p3[3];
  CHECK(gb_lu_factor(NULL, z, 3, 3, p3) == GB_ESINGULAR);
}

TEST(lu_checks_its_arguments) {
  double a[4] = {1, 0, 0, 1}, b[2] = {1, 2};
  int ipiv[2];
  CHECK(gb_lu_factor(NULL, a, 2, 1, ipiv) == GB_EINVAL);        /* lda < n */
  CHECK(gb_lu_factor(NULL, a, -1, 2, ipiv) == GB_EINVAL);
  CHECK(gb_lu_factor(NULL, a, 0, 1, ipiv) == GB_OK);            /* nothing to do */
  CHECK(gb_lu_factor(NULL, a, 2, 2, ipiv) == GB_OK);
  CHECK(gb_lu_solve(a, 2, 2, ipiv, b, 0) == GB_OK);
  CHECK(b[0] == 1 && b[1] == 2);
  double nan[4] = {1, NAN, 0, 1};
  CHECK(gb_lu_factor(NULL, nan, 2, 2, ipiv) == GB_ENONFINITE);
}

TEST(cholesky_of_an_spd_matrix_reproduces_it) {
  enum { N = 6 };
  double m[N * N], a[N * N], l[N * N];
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) m[i + j * N] = sin(1.0 + i * N + j);
  /* A = M M^T + N I */
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      double s = i == j ? N : 0;
      for (int k = 0; k < N; k++) s += AT(m, N, i, k) * AT(m, N, j, k);
      AT(a, N, i, j) = s;
    }
  memcpy(l, a, sizeof l);
  for (int j = 1; j < N; j++)
    for (int i = 0; i < j; i++) AT(l, N, i, j) = -7;   /* not read, not written */
  CHECK(gb_cholesky_factor(NULL, l, N, N) == GB_OK);
  for (int j = 1; j < N; j++)
    for (int i = 0; i < j; i++) CHECK(AT(l, N, i, j) == -7);
  double worst = 0;
  for (int i = 0; i < N; i++) {
    CHECK(AT(l, N, i, i) > 0);
    for (int j = 0; j <= i; j++) {
      double s = 0;
      for (int k = 0; k <= j; k++) s += AT(l, N, i, k) * AT(l, N, j, k);
      worst = fmax(worst, fabs(s - AT(a, N, i, j)));
    }
  }
  CHECK(worst < 1e-13);
  /* and solves A x = A e_1 + 2 A e_2 */
  double b[N];
  for (int i = 0; i < N; i++) b[i] = AT(a, N, i, 0) + 2 * AT(a, N, i, 1);
  CHECK(gb_cholesky_solve(l, N, N, b, 1) == GB_OK);
  for (int i = 0; i < N; i++) CHECK_NEAR(b[i], i == 0 ? 1 : i == 1 ? 2 : 0, 1e-13);
}

TEST(cholesky_reports_an_indefinite_matrix) {
  double a[4] = {1, 2, 2, 1};                       /* eigenvalues 3 and -1 */
  CHECK(gb_cholesky_factor(NULL, a, 2, 2) == GB_ENOTPD);
  double b[4] = {1, 0, 0, 0};                       /* semi-definite */
  CHECK(gb_cholesky_factor(NULL, b, 2, 2) == GB_ENOTPD);
}

TEST(psd_cholesky_with_zero_pivots) {
  /* v v^T + w w^T: rank 2 in 4 dimensions, with a zero pivot in the middle
     (row-major; v and w vanish at index 1) */
  const double v[4] = {1, 0, 2, -1}, w[4] = {0, 0, 1, 3};
  double a[16], c[16];
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 4; j++) a[i * 4 + j] = c[i * 4 + j] = v[i] * v[j] + w[i] * w[j];
  CHECK(gb_cholesky_psd(a, 4) == GB_OK);
  for (int i = 0; i < 4; i++)
    for (int j = i + 1; j < 4; j++) CHECK(a[i * 4 + j] == 0);   /* lower triangular */
  for (int i = 0; i < 4; i++) CHECK(a[i * 4 + 1] == 0);          /* the zero column */
  CHECK(a[3 * 4 + 3] == 0);                                      /* rank 2: last pivot 0 */
  double worst = 0;
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 4; j++) {
      double s = 0;
      for (int k = 0; k < 4; k++) s += a[i * 4 + k] * a[j * 4 + k];
      worst = fmax(worst, fabs(s - c[i * 4 + j]));
    }
  CHECK(worst < 1e-14);
  /* an indefinite matrix, and a zero pivot whose column does not vanish */
  double ind[4] = {1, 2, 2, 1};
  CHECK(gb_cholesky_psd(ind, 2) == GB_ENOTPD);
  double off[4] = {0, 1, 1, 1};
  CHECK(gb_cholesky_psd(off, 2) == GB_ENOTPD);
  double neg[1] = {-1};
  CHECK(gb_cholesky_psd(neg, 1) == GB_ENOTPD);
}

int main(void) {
  RUN(lu_solves_a_known_system);
  RUN(lu_reports_a_singular_matrix);
  RUN(lu_checks_its_arguments);
  RUN(cholesky_of_an_spd_matrix_reproduces_it);
  RUN(cholesky_reports_an_indefinite_matrix);
  RUN(psd_cholesky_with_zero_pivots);
  return check_exit();
}
