/*
** Module linalg: dense linear algebra on arrays (the kernels are in
** native/core/matmul.c, lapack.c, expm.c and norm.c).
**
** Arguments are anything array-like (arrays, nested tables, numbers).
** Factorizations compute in float64 and return float32 only for float32
** input, as NumPy does; integer and bool input gives float64 results.
*/
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "linalg.h"
#include "status.h"

/* Arguments ------------------------------------------------------------------ */

static const char *shapestr(const gb_array *a, char *buf, size_t len) {
  gb_format_shape(buf, len, a->ndim, a->shape);
  return buf;
}

/* The array-like argument at idx (replaced by an array in the stack). */
static gb_array *arg(lua_State *L, int idx) {
  luaL_checkany(L, idx);
  return gbL_toarray(L, idx, -1);
}

/* A 2-D argument; square when asked. */
static gb_array *matrix_arg(lua_State *L, int idx, int square) {
  gb_array *a = arg(L, idx);
  char s[128];
  if (a->ndim != 2)
    gbL_error(L, "expected a 2-D matrix, got shape %s", shapestr(a, s, sizeof s));
  if (square && a->shape[0] != a->shape[1])
    gbL_error(L, "expected a square matrix, got shape %s", shapestr(a, s, sizeof s));
  return a;
}

/* The dtype of results computed from a: float32 stays, the rest is float64. */
static int result_dtype(const gb_array *a) {
  return a->dtype == GB_FLOAT32 ? GB_FLOAT32 : GB_FLOAT64;
}

static gb_array *newmatrix(lua_State *L, int dtype, int64_t r, int64_t c) {
  int64_t shape[2] = {r, c};
  return gbL_newarray(L, dtype, 2, shape);
}

static gb_array *newvector(lua_State *L, int dtype, int64_t n) {
  return gbL_newarray(L, dtype, 1, &n);
}

/* Raise the error for a kernel status; info is the pivot or minor order. */
static int check(lua_State *L, int st, int64_t info) {
  switch (st) {
    case GB_OK: return 0;
    case GB_ESINGULAR:
      if (info > 0) return gbL_error(L, "matrix is singular (pivot %lld is exactly zero)", (long long)info);
      return gbL_error(L, "matrix is singular");
    case GB_ENOTPD:
      return gbL_error(L, "matrix is not positive definite (the leading minor of order %lld is not)", (long long)info);
    case GB_ENONFINITE: return gbL_error(L, "input contains NaN or infinity");
    case GB_ENOCONV: return gbL_error(L, "the algorithm did not converge");
    default: return gbL_statuserror(L, NULL, st);
  }
}

/* A 2-D header for a 1-D vector: a row (1, n) or a column (n, 1). */
static gb_array as_matrix(const gb_array *v, int column) {
  gb_array m = *v;
  m.ndim = 2;
  int64_t es = (int64_t)gb_dtype_size(v->dtype);
  if (column) {
    m.shape[0] = v->shape[0]; m.shape[1] = 1;
    m.strides[0] = v->strides[0]; m.strides[1] = es;
  } else {
    m.shape[0] = 1; m.shape[1] = v->shape[0];
    m.strides[0] = es * v->shape[0]; m.strides[1] = v->strides[0];
  }
  return m;
}

/* Products ------------------------------------------------------------------- */

static int matmul(lua_State *L) {
  gb_array *a = arg(L, 1), *b = arg(L, 2);
  char sa[128], sb[128];
  if (a->ndim == 0 || b->ndim == 0)
    return gbL_error(L, "operands must have at least one axis (use * for scalars)");
  int dtype = gb_promote(a->dtype, b->dtype);
  if (a->dtype != dtype) a = gbL_toarray(L, 1, dtype);
  if (b->dtype != dtype) b = gbL_toarray(L, 2, dtype);
  gb_array A = a->ndim == 1 ? as_matrix(a, 0) : *a;
  gb_array B = b->ndim == 1 ? as_matrix(b, 1) : *b;
  int64_t k = A.shape[A.ndim - 1];
  if (B.shape[B.ndim - 2] != k)
    return gbL_error(L, "shapes %s and %s do not align (%lld ~= %lld)",
                     shapestr(a, sa, sizeof sa), shapestr(b, sb, sizeof sb),
                     (long long)k, (long long)B.shape[B.ndim - 2]);
  int64_t batch[GB_MAXDIM], shape[GB_MAXDIM];
  int nb;
  if (gb_broadcast_shapes(A.ndim - 2, A.shape, B.ndim - 2, B.shape, &nb, batch) != GB_OK)
    return gbL_error(L, "batch axes of shapes %s and %s do not broadcast",
                     shapestr(a, sa, sizeof sa), shapestr(b, sb, sizeof sb));
  memcpy(shape, batch, sizeof(int64_t) * (size_t)nb);
  shape[nb] = A.shape[A.ndim - 2];
  shape[nb + 1] = B.shape[B.ndim - 1];
  gb_array *out = gbL_newarray(L, dtype, nb + 2, shape);
  check(L, gb_matmul(gbL_ctx(L), out, &A, &B), 0);
  /* drop the axes that 1-D operands gained, as NumPy does */
  if (a->ndim == 1 && b->ndim == 1) {
    gbL_pushelement(L, dtype, out->data);
    return 1;
  }
  if (a->ndim == 1 || b->ndim == 1) {
    int drop = a->ndim == 1 ? nb : nb + 1;
    for (int d = drop; d < out->ndim - 1; d++) {
      out->shape[d] = out->shape[d + 1];
      out->strides[d] = out->strides[d + 1];
    }
    out->ndim--;
  }
  return 1;
}

static int l_matmul(lua_State *L) { return matmul(L); }
static int m_dot(lua_State *L) { return matmul(L); }

/* outer(a, b): every product a_i b_j of the flattened operands. */
static int l_outer(lua_State *L) {
  gb_array *a = arg(L, 1), *b = arg(L, 2);
  int dtype = gb_promote(a->dtype, b->dtype);
  gb_array *out = newmatrix(L, dtype, a->size, b->size);
  int oi = lua_gettop(L);
  gb_array x = *a, y = *b;
  /* (size, 1) and (1, size) views of contiguous copies */
  if (!gb_is_c_contiguous(a)) { x = *gbL_newlike(L, a, a->dtype); gb_copy(gbL_ctx(L), &x, a); }
  if (!gb_is_c_contiguous(b)) { y = *gbL_newlike(L, b, b->dtype); gb_copy(gbL_ctx(L), &y, b); }
  int64_t ex = (int64_t)gb_dtype_size(x.dtype), ey = (int64_t)gb_dtype_size(y.dtype);
  for (int64_t i = 0; i < a->size; i++)
    for (int64_t j = 0; j < b->size; j++) {
      char *p = out->data + (i * b->size + j) * (int64_t)gb_dtype_size(dtype);
      if (dtype == GB_FLOAT64 || dtype == GB_FLOAT32)
        gb_set_double(dtype, p, gb_get_double(x.dtype, x.data + i * ex) *
                                gb_get_double(y.dtype, y.data + j * ey));
      else
        gb_set_int(dtype, p, (int64_t)((uint64_t)gb_get_int(x.dtype, x.data + i * ex) *
                                       (uint64_t)gb_get_int(y.dtype, y.data + j * ey)));
    }
  lua_pushvalue(L, oi);
  return 1;
}

/* kron(a, b) of two matrices (vectors are rows), as NumPy's kron. */
static int l_kron(lua_State *L) {
  gb_array *a = arg(L, 1), *b = arg(L, 2);
  char sa[128], sb[128];
  if (a->ndim > 2 || b->ndim > 2 || a->ndim == 0 || b->ndim == 0)
    return gbL_error(L, "expected vectors or matrices, got shapes %s and %s",
                     shapestr(a, sa, sizeof sa), shapestr(b, sb, sizeof sb));
  int dtype = gb_promote(a->dtype, b->dtype);
  gb_array A = a->ndim == 1 ? as_matrix(a, 0) : *a;
  gb_array B = b->ndim == 1 ? as_matrix(b, 0) : *b;
  int64_t r = A.shape[0] * B.shape[0], c = A.shape[1] * B.shape[1];
  gb_array *out = a->ndim == 1 && b->ndim == 1 ? newvector(L, dtype, c)
                                              : newmatrix(L, dtype, r, c);
  int64_t es = (int64_t)gb_dtype_size(dtype);
  for (int64_t i = 0; i < A.shape[0]; i++)
    for (int64_t j = 0; j < A.shape[1]; j++) {
      const char *pa = A.data + i * A.strides[0] + j * A.strides[1];
      for (int64_t k = 0; k < B.shape[0]; k++)
        for (int64_t l = 0; l < B.shape[1]; l++) {
          const char *pb = B.data + k * B.strides[0] + l * B.strides[1];
          char *p = out->data + ((i * B.shape[0] + k) * c + j * B.shape[1] + l) * es;
          if (dtype == GB_FLOAT64 || dtype == GB_FLOAT32)
            gb_set_double(dtype, p, gb_get_double(A.dtype, pa) * gb_get_double(B.dtype, pb));
          else
            gb_set_int(dtype, p, (int64_t)((uint64_t)gb_get_int(A.dtype, pa) *
                                           (uint64_t)gb_get_int(B.dtype, pb)));
        }
    }
  return 1;
}

/* trace(a [, offset]): the sum of a diagonal of a matrix (0 for a diagonal
   outside it). */
static int l_trace(lua_State *L) {
  gb_array *a = matrix_arg(L, 1, 0);
  lua_Integer k = luaL_optinteger(L, 2, 0);
  /* offsets past the matrix leave nothing to sum, and are never negated,
     so that math.mininteger does not overflow */
  int64_t i0 = 0, j0 = 0;
  if (k < 0) { if (k > -a->shape[0]) i0 = -k; else i0 = a->shape[0]; }
  else if (k > 0) { if (k < a->shape[1]) j0 = k; else j0 = a->shape[1]; }
  if (a->dtype == GB_INT64 || a->dtype == GB_BOOL) {
    uint64_t s = 0;
    for (int64_t i = i0, j = j0; i < a->shape[0] && j < a->shape[1]; i++, j++)
      s += (uint64_t)gb_get_int(a->dtype, a->data + i * a->strides[0] + j * a->strides[1]);
    lua_pushinteger(L, (lua_Integer)s);
  } else {
    double s = 0.0;
    for (int64_t i = i0, j = j0; i < a->shape[0] && j < a->shape[1]; i++, j++)
      s += gb_get_double(a->dtype, a->data + i * a->strides[0] + j * a->strides[1]);
    lua_pushnumber(L, s);
  }
  return 1;
}

/* Solvers -------------------------------------------------------------------- */

static int l_solve(lua_State *L) {
  gb_array *A = matrix_arg(L, 1, 1), *b = arg(L, 2);
  char sa[128], sb[128];
  if ((b->ndim != 1 && b->ndim != 2) || b->shape[0] != A->shape[0])
    return gbL_error(L, "shapes %s and %s do not match: b needs %lld rows",
                     shapestr(A, sa, sizeof sa), shapestr(b, sb, sizeof sb),
                     (long long)A->shape[0]);
  int dtype = A->dtype == GB_FLOAT32 && b->dtype == GB_FLOAT32 ? GB_FLOAT32 : GB_FLOAT64;
  gb_array B = b->ndim == 1 ? as_matrix(b, 1) : *b;
  gb_array *x = b->ndim == 1 ? newvector(L, dtype, b->shape[0])
                             : newmatrix(L, dtype, b->shape[0], b->shape[1]);
  gb_array X = b->ndim == 1 ? as_matrix(x, 1) : *x;
  int64_t info = 0;
  int st = gb_solve(gbL_ctx(L), &X, A, &B, &info);
  check(L, st, info);
  return 1;
}

static int l_inv(lua_State *L) {
  gb_array *A = matrix_arg(L, 1, 1);
  gb_array *out = newmatrix(L, result_dtype(A), A->shape[0], A->shape[0]);
  int64_t info = 0;
  int st = gb_inv(gbL_ctx(L), out, A, &info);
  check(L, st, info);
  return 1;
}

static int l_det(lua_State *L) {
  gb_array *A = matrix_arg(L, 1, 1);
  double d;
  check(L, gb_det(gbL_ctx(L), A, &d), 0);
  lua_pushnumber(L, d);
  return 1;
}

static int l_slogdet(lua_State *L) {
  gb_array *A = matrix_arg(L, 1, 1);
  double sign, logabs;
  check(L, gb_slogdet(gbL_ctx(L), A, &sign, &logabs), 0);
  lua_pushnumber(L, sign);
  lua_pushnumber(L, logabs);
  return 2;
}

static int l_lstsq(lua_State *L) {
  gb_array *A = matrix_arg(L, 1, 0), *b = arg(L, 2);
  double rcond = luaL_optnumber(L, 3, -1.0);
  char sa[128], sb[128];
  if ((b->ndim != 1 && b->ndim != 2) || b->shape[0] != A->shape[0])
    return gbL_error(L, "shapes %s and %s do not match: b needs %lld rows",
                     shapestr(A, sa, sizeof sa), shapestr(b, sb, sizeof sb),
                     (long long)A->shape[0]);
  int64_t m = A->shape[0], n = A->shape[1], nrhs = b->ndim == 1 ? 1 : b->shape[1];
  int dtype = result_dtype(A);
  gb_array B = b->ndim == 1 ? as_matrix(b, 1) : *b;
  gb_array *x = b->ndim == 1 ? newvector(L, dtype, n) : newmatrix(L, dtype, n, nrhs);
  gb_array X = b->ndim == 1 ? as_matrix(x, 1) : *x;
  gb_array *res = newvector(L, dtype, nrhs);
  int ri = lua_gettop(L);
  gb_array *S = newvector(L, dtype, m < n ? m : n);
  int64_t rank = 0;
  int have;
  check(L, gb_lstsq(gbL_ctx(L), &X, res, &have, S, &rank, A, &B, rcond), 0);
  if (!have) {                 /* NumPy gives empty residuals then */
    newvector(L, dtype, 0);
    lua_replace(L, ri);
  }
  lua_pushinteger(L, (lua_Integer)rank);
  lua_insert(L, -2);           /* x, residuals, rank, S */
  return 4;
}

static int l_pinv(lua_State *L) {
  gb_array *A = matrix_arg(L, 1, 0);
  double rcond = luaL_optnumber(L, 2, 1e-15);
  if (!(rcond >= 0)) return gbL_error(L, "rcond must be >= 0, got %g", rcond);
  gb_array *out = newmatrix(L, result_dtype(A), A->shape[1], A->shape[0]);
  check(L, gb_pinv(gbL_ctx(L), out, A, rcond), 0);
  return 1;
}

/* Factorizations -------------------------------------------------------------- */

static int l_cholesky(lua_State *L) {
  gb_array *A = matrix_arg(L, 1, 1);
  gb_array *out = newmatrix(L, result_dtype(A), A->shape[0], A->shape[0]);
  int64_t info = 0;
  int st = gb_cholesky(gbL_ctx(L), out, A, &info);
  check(L, st, info);
  return 1;
}

/* qr(A [, mode]): mode "reduced" (default), "complete" or "r". */
static int l_qr(lua_State *L) {
  static const char *const modes[] = {"reduced", "complete", "r", NULL};
  gb_array *A = matrix_arg(L, 1, 0);
  int mode = gbL_checkenum(L, 2, "reduced", modes);
  int64_t m = A->shape[0], n = A->shape[1], k = m < n ? m : n;
  int dtype = result_dtype(A), complete = mode == 1;
  gb_array *Q = mode == 2 ? NULL : newmatrix(L, dtype, m, complete ? m : k);
  gb_array *R = newmatrix(L, dtype, complete ? m : k, n);
  check(L, gb_qr(gbL_ctx(L), Q, R, A, complete), 0);
  return mode == 2 ? 1 : 2;
}

/* svd(A [, opts]): opts.full (default true, as NumPy) and opts.uv. */
static int l_svd(lua_State *L) {
  static const char *const known[] = {"full", "uv", NULL};
  gb_array *A = matrix_arg(L, 1, 0);
  gbL_opts(L, 2, known);
  int full = gbL_optbool(L, 2, "full", 1), uv = gbL_optbool(L, 2, "uv", 1);
  int64_t m = A->shape[0], n = A->shape[1], k = m < n ? m : n;
  int dtype = result_dtype(A);
  if (!uv) {
    gb_array *S = newvector(L, dtype, k);
    check(L, gb_svd(gbL_ctx(L), NULL, S, NULL, A, 0), 0);
    return 1;
  }
  gb_array *U = newmatrix(L, dtype, m, full ? m : k);
  gb_array *S = newvector(L, dtype, k);
  gb_array *Vt = newmatrix(L, dtype, full ? n : k, n);
  check(L, gb_svd(gbL_ctx(L), U, S, Vt, A, full), 0);
  return 3;
}

static int l_eigh(lua_State *L) {
  gb_array *A = matrix_arg(L, 1, 1);
  int vectors = lua_isnoneornil(L, 2) ? 1 : lua_toboolean(L, 2);
  int64_t n = A->shape[0];
  gb_array *w = newvector(L, result_dtype(A), n);
  gb_array *V = vectors ? newmatrix(L, result_dtype(A), n, n) : NULL;
  check(L, gb_eigh(gbL_ctx(L), w, V, A), 0);
  return vectors ? 2 : 1;
}

/* eig(A): wr, wi, Vr, Vi (real and imaginary parts, until complex dtypes). */
static int l_eig(lua_State *L) {
  gb_array *A = matrix_arg(L, 1, 1);
  int vectors = lua_isnoneornil(L, 2) ? 1 : lua_toboolean(L, 2);
  int64_t n = A->shape[0];
  int dtype = result_dtype(A);
  gb_array *wr = newvector(L, dtype, n), *wi = newvector(L, dtype, n);
  gb_array *Vr = vectors ? newmatrix(L, dtype, n, n) : NULL;
  gb_array *Vi = vectors ? newmatrix(L, dtype, n, n) : NULL;
  check(L, gb_eig(gbL_ctx(L), wr, wi, Vr, Vi, A), 0);
  return vectors ? 4 : 2;
}

static int l_expm(lua_State *L) {
  gb_array *A = matrix_arg(L, 1, 1);
  gb_array *out = newmatrix(L, result_dtype(A), A->shape[0], A->shape[0]);
  check(L, gb_expm(gbL_ctx(L), out, A), 0);
  return 1;
}

/* Norms and derived measures ------------------------------------------------ */

/* The matrix ord at idx as kernel name: numbers 1 -1 2 -2 +-inf, or strings. */
static const char *matrix_ord(lua_State *L, int idx) {
  static const char *const names[] = {"fro", "nuc", NULL};
  if (lua_type(L, idx) == LUA_TSTRING) return names[gbL_checkenum(L, idx, NULL, names)];
  if (lua_type(L, idx) == LUA_TNUMBER) {
    double p = lua_tonumber(L, idx);
    if (p == 1) return "1";
    if (p == -1) return "-1";
    if (p == 2) return "2";
    if (p == -2) return "-2";
    if (p == HUGE_VAL) return "inf";
    if (p == -HUGE_VAL) return "-inf";
  }
  gbL_error(L, "invalid matrix norm order %s (use \"fro\", \"nuc\", 1, -1, 2, -2, math.huge or -math.huge)",
            luaL_tolstring(L, idx, NULL));
  return NULL;
}

/* norm(x [, ord]): the 2-norm of all elements by default. */
static int l_norm(lua_State *L) {
  gb_array *a = arg(L, 1);
  double r;
  if (lua_isnoneornil(L, 2) || (a->ndim == 2 && lua_type(L, 2) == LUA_TSTRING &&
                                !strcmp(lua_tostring(L, 2), "fro"))) {
    check(L, gb_vector_norm(a, 2, &r), 0);
  } else if (a->ndim == 2) {
    check(L, gb_matrix_norm(gbL_ctx(L), a, matrix_ord(L, 2), &r), 0);
  } else if (a->ndim == 1) {
    if (lua_type(L, 2) != LUA_TNUMBER)
      return gbL_error(L, "vector norm order must be a number, got %s", luaL_typename(L, 2));
    check(L, gb_vector_norm(a, lua_tonumber(L, 2), &r), 0);
  } else {
    char s[128];
    return gbL_error(L, "an order needs a vector or a matrix, got shape %s",
                     shapestr(a, s, sizeof s));
  }
  lua_pushnumber(L, r);
  return 1;
}

/* cond(A [, ord]): |A| |A^-1|; the 2-norm one (default) from the singular
   values, so a singular matrix gives inf rather than an error. */
static int l_cond(lua_State *L) {
  gb_array *A = matrix_arg(L, 1, 0);
  const char *ord = lua_isnoneornil(L, 2) ? "2" : matrix_ord(L, 2);
  double r;
  if (!strcmp(ord, "2") || !strcmp(ord, "-2")) {
    int64_t k = A->shape[0] < A->shape[1] ? A->shape[0] : A->shape[1];
    if (k == 0) return gbL_error(L, "the matrix is empty");
    gb_array *S = newvector(L, GB_FLOAT64, k);
    check(L, gb_svd(gbL_ctx(L), NULL, S, NULL, A, 0), 0);
    const double *s = (const double *)S->data;
    r = ord[0] == '2' ? s[0] / s[k - 1] : s[k - 1] / s[0];
  } else {
    if (A->shape[0] != A->shape[1])
      return gbL_error(L, "norm %s needs a square matrix", ord);
    gb_array *inv = newmatrix(L, GB_FLOAT64, A->shape[0], A->shape[0]);
    double na, ni;
    int st = gb_inv(gbL_ctx(L), inv, A, NULL);
    if (st == GB_ESINGULAR) r = HUGE_VAL;
    else {
      check(L, st, 0);
      check(L, gb_matrix_norm(gbL_ctx(L), A, ord, &na), 0);
      check(L, gb_matrix_norm(gbL_ctx(L), inv, ord, &ni), 0);
      r = na * ni;
    }
  }
  lua_pushnumber(L, r);
  return 1;
}

/* matrix_rank(A [, tol]): singular values above tol (default
   max(S) * max(m, n) * eps). */
static int l_matrix_rank(lua_State *L) {
  gb_array *A = arg(L, 1);
  char sh[128];
  int have_tol = !lua_isnoneornil(L, 2);
  double tol = have_tol ? luaL_checknumber(L, 2) : 0.0;
  lua_settop(L, 1);
  if (A->ndim < 2) {                       /* NumPy: 1 unless all zeros */
    double r;
    check(L, gb_vector_norm(A, INFINITY, &r), 0);
    lua_pushinteger(L, r != 0);
    return 1;
  }
  if (A->ndim != 2)
    return gbL_error(L, "expected a 2-D matrix, got shape %s", shapestr(A, sh, sizeof sh));
  int64_t m = A->shape[0], n = A->shape[1], k = m < n ? m : n;
  gb_array *S = newvector(L, GB_FLOAT64, k);
  check(L, gb_svd(gbL_ctx(L), NULL, S, NULL, A, 0), 0);
  const double *s = (const double *)S->data;
  if (!have_tol) tol = k ? s[0] * (double)(m > n ? m : n) * DBL_EPSILON : 0.0;
  lua_Integer rank = 0;
  for (int64_t i = 0; i < k; i++) rank += s[i] > tol;
  lua_pushinteger(L, rank);
  return 1;
}

/* Threads ---------------------------------------------------------------------- */

static int l_set_num_threads(lua_State *L) {
  lua_Integer n = luaL_checkinteger(L, 1);
  if (n < 1 || n > 1024) return gbL_error(L, "thread count must be 1..1024, got %lld", (long long)n);
  check(L, gb_blas_set_threads((int)n), 0);
  return 0;
}

static int l_get_num_threads(lua_State *L) {
  lua_pushinteger(L, gb_blas_threads());
  return 1;
}

static const luaL_Reg funcs[] = {
  {"matmul", l_matmul},
  {"outer", l_outer},
  {"kron", l_kron},
  {"trace", l_trace},
  {"solve", l_solve},
  {"inv", l_inv},
  {"det", l_det},
  {"slogdet", l_slogdet},
  {"lstsq", l_lstsq},
  {"pinv", l_pinv},
  {"cholesky", l_cholesky},
  {"qr", l_qr},
  {"svd", l_svd},
  {"eigh", l_eigh},
  {"eig", l_eig},
  {"expm", l_expm},
  {"norm", l_norm},
  {"cond", l_cond},
  {"matrix_rank", l_matrix_rank},
  {"set_num_threads", l_set_num_threads},
  {"get_num_threads", l_get_num_threads},
  {NULL, NULL}
};

int luaopen_linalg(lua_State *L) {
  /* OpenBLAS itself is loaded on first use (native/core/blas.c), which
     also applies GIBBS_NUM_THREADS */
  luaL_newlib(L, funcs);
  /* a:dot(b) is linalg.matmul(a, b) */
  if (luaL_getmetatable(L, GBL_ARRAY) == LUA_TTABLE &&
      lua_getfield(L, -1, "__methods") == LUA_TTABLE) {
    lua_pushcfunction(L, m_dot);
    lua_setfield(L, -2, "dot");
  }
  lua_pop(L, 2);
  return 1;
}
