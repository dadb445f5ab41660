/*
** Elementwise kernels: the inner loops of every arithmetic, comparison,
** logical and math operation, the driver that broadcasts operands, converts
** dtypes block by block, resolves aliasing of the output with an input and
** splits large arrays across threads, and NumPy's type resolution.
**
** Loops see a run of n elements with one byte stride per operand (args[0]
** is the output).  Each has fast paths for the cases that matter: every
** operand contiguous, and one input a broadcast scalar (stride 0); these
** are plain loops that the compiler vectorises.  The rest go element by
** element through memcpy, so unaligned host buffers are safe too.
*/
#include <math.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ufunc.h"
#include "vmath.h"

#ifdef _OPENMP
#include <omp.h>
#define SIMD _Pragma("omp simd")
#else
#define SIMD
#endif

typedef unsigned char gb_bool;

typedef int (*loop_fn)(char **args, const int64_t *st, int64_t n, const void *ctx);

#define ALIGNED(p, T) (((uintptr_t)(p) & (sizeof(T) - 1)) == 0)

/* Scalar helpers ----------------------------------------------------------- */

/* Integer arithmetic wraps around like NumPy's (and is defined in C). */
static inline int64_t wrap_add(int64_t x, int64_t y) { return (int64_t)((uint64_t)x + (uint64_t)y); }
static inline int64_t wrap_sub(int64_t x, int64_t y) { return (int64_t)((uint64_t)x - (uint64_t)y); }
static inline int64_t wrap_mul(int64_t x, int64_t y) { return (int64_t)((uint64_t)x * (uint64_t)y); }

/* Floor division and its remainder (sign of the divisor); y != 0.
   INT64_MIN // -1 wraps to INT64_MIN, as in NumPy and Lua. */
static inline int64_t int_floordiv(int64_t x, int64_t y) {
  if (y == -1) return wrap_sub(0, x);
  int64_t q = x / y;
  if (x % y != 0 && ((x < 0) != (y < 0))) q--;
  return q;
}

static inline int64_t int_mod(int64_t x, int64_t y) {
  if (y == -1) return 0;
  int64_t r = x % y;
  if (r != 0 && ((r < 0) != (y < 0))) r += y;
  return r;
}

/* x^e for e >= 0 by repeated squaring, wrapping on overflow. */
static inline int64_t int_pow(int64_t x, int64_t e) {
  uint64_t r = 1, b = (uint64_t)x;
  while (e > 0) {
    if (e & 1) r *= b;
    b *= b;
    e >>= 1;
  }
  return (int64_t)r;
}

/*
** Python's and NumPy's float floor division and remainder: both come from
** one divmod so that x == q*y + r holds as closely as rounding allows, the
** remainder takes the divisor's sign, and the quotient is the floor of the
** exact quotient even where fmod and the division round.  Division by zero
** gives x/y and fmod's NaN.
*/
#define DEFINE_DIVMOD(NAME, T, FMOD, FLOOR, COPYSIGN)                          \
  static inline T NAME(T x, T y, T *modp) {                                   \
    T mod = FMOD(x, y), div, q;                                               \
    if (y == 0) {                                                             \
      *modp = mod;                                                            \
      return x / y;                                                           \
    }                                                                         \
    div = (x - mod) / y;                                                      \
    if (mod != 0) {                                                           \
      if ((y < 0) != (mod < 0)) {                                             \
        mod += y;                                                             \
        div -= 1;                                                             \
      }                                                                       \
    } else {                                                                  \
      mod = COPYSIGN((T)0, y);                                                \
    }                                                                         \
    if (div != 0) {                                                           \
      q = FLOOR(div);                                                         \
      if (div - q > (T)0.5) q += 1;                                           \
    } else {                                                                  \
      q = COPYSIGN((T)0, x / y);                                              \
    }                                                                         \
    *modp = mod;                                                              \
    return q;                                                                 \
  }

DEFINE_DIVMOD(divmod_f64, double, fmod, floor, copysign)
DEFINE_DIVMOD(divmod_f32, float, fmodf, floorf, copysignf)

static inline double floordiv_f64(double x, double y) { double m; return divmod_f64(x, y, &m); }
static inline float floordiv_f32(float x, float y) { float m; return divmod_f32(x, y, &m); }
static inline double mod_f64(double x, double y) {
  double m;
  if (y == 0) return fmod(x, y);
  divmod_f64(x, y, &m);
  return m;
}
static inline float mod_f32(float x, float y) {
  float m;
  if (y == 0) return fmodf(x, y);
  divmod_f32(x, y, &m);
  return m;
}

/* NumPy's sign: NaN stays NaN, both zeros give +0. */
static inline double sign_f64(double x) { return x > 0 ? 1.0 : x < 0 ? -1.0 : x == 0 ? 0.0 : x; }
static inline float sign_f32(float x) { return x > 0 ? 1.0f : x < 0 ? -1.0f : x == 0 ? 0.0f : x; }

/* Loop templates ------------------------------------------------------------ */

/* A binary loop computing EXPR from x and y of type TI into TO. */
#define BINARY(NAME, TI, TO, EXPR)                                            \
  static int NAME(char **args, const int64_t *st, int64_t n, const void *ctx) { \
    char *po = args[0];                                                       \
    const char *pa = args[1], *pb = args[2];                                  \
    (void)ctx;                                                                \
    if (st[0] == (int64_t)sizeof(TO) && ALIGNED(po, TO) && ALIGNED(pa, TI) &&  \
        ALIGNED(pb, TI)) {                                                    \
      TO *o = (TO *)po;                                                       \
      const TI *A = (const TI *)pa, *B = (const TI *)pb;                      \
      if (st[1] == (int64_t)sizeof(TI) && st[2] == (int64_t)sizeof(TI)) {     \
        SIMD for (int64_t i = 0; i < n; i++) {                                \
          TI x = A[i], y = B[i];                                              \
          o[i] = (TO)(EXPR);                                                  \
        }                                                                     \
        return GB_OK;                                                         \
      }                                                                       \
      if (st[1] == (int64_t)sizeof(TI) && st[2] == 0) {                       \
        const TI y = *B;                                                      \
        SIMD for (int64_t i = 0; i < n; i++) {                                \
          TI x = A[i];                                                        \
          o[i] = (TO)(EXPR);                                                  \
        }                                                                     \
        return GB_OK;                                                         \
      }                                                                       \
      if (st[1] == 0 && st[2] == (int64_t)sizeof(TI)) {                       \
        const TI x = *A;                                                      \
        SIMD for (int64_t i = 0; i < n; i++) {                                \
          TI y = B[i];                                                        \
          o[i] = (TO)(EXPR);                                                  \
        }                                                                     \
        return GB_OK;                                                         \
      }                                                                       \
    }                                                                         \
    for (int64_t i = 0; i < n; i++) {                                         \
      TI x, y;                                                                \
      TO r;                                                                   \
      memcpy(&x, pa + i * st[1], sizeof x);                                   \
      memcpy(&y, pb + i * st[2], sizeof y);                                   \
      r = (TO)(EXPR);                                                         \
      memcpy(po + i * st[0], &r, sizeof r);                                   \
    }                                                                         \
    return GB_OK;                                                             \
  }

/* A unary loop computing EXPR from x of type TI into TO. */
#define UNARY(NAME, TI, TO, EXPR)                                             \
  static int NAME(char **args, const int64_t *st, int64_t n, const void *ctx) { \
    char *po = args[0];                                                       \
    const char *pa = args[1];                                                 \
    (void)ctx;                                                                \
    if (st[0] == (int64_t)sizeof(TO) && st[1] == (int64_t)sizeof(TI) &&       \
        ALIGNED(po, TO) && ALIGNED(pa, TI)) {                                 \
      TO *o = (TO *)po;                                                       \
      const TI *A = (const TI *)pa;                                           \
      SIMD for (int64_t i = 0; i < n; i++) {                                  \
        TI x = A[i];                                                          \
        (void)x;                                                              \
        o[i] = (TO)(EXPR);                                                    \
      }                                                                       \
      return GB_OK;                                                           \
    }                                                                         \
    for (int64_t i = 0; i < n; i++) {                                         \
      TI x;                                                                   \
      TO r;                                                                   \
      memcpy(&x, pa + i * st[1], sizeof x);                                   \
      (void)x;                                                                \
      r = (TO)(EXPR);                                                         \
      memcpy(po + i * st[0], &r, sizeof r);                                   \
    }                                                                         \
    return GB_OK;                                                             \
  }

/* Integer loops that can fail: BAD(x, y) is checked before EXPR. */
#define BINARY_CHECKED(NAME, T, BAD, EXPR)                                    \
  static int NAME(char **args, const int64_t *st, int64_t n, const void *ctx) { \
    (void)ctx;                                                                \
    for (int64_t i = 0; i < n; i++) {                                         \
      T x, y, r;                                                              \
      memcpy(&x, args[1] + i * st[1], sizeof x);                              \
      memcpy(&y, args[2] + i * st[2], sizeof y);                              \
      if (BAD) return GB_EINVAL;                                              \
      r = (EXPR);                                                             \
      memcpy(args[0] + i * st[0], &r, sizeof r);                              \
    }                                                                         \
    return GB_OK;                                                             \
  }

/* The loops ------------------------------------------------------------------ */

/* Booleans are bytes; any non-zero byte counts as true. */
#define B(v) ((v) != 0)

/* add, subtract, multiply */
BINARY(add_b, gb_bool, gb_bool, B(x) | B(y))
BINARY(add_i, int64_t, int64_t, wrap_add(x, y))
BINARY(add_f, float, float, x + y)
BINARY(add_d, double, double, x + y)
BINARY(sub_i, int64_t, int64_t, wrap_sub(x, y))
BINARY(sub_f, float, float, x - y)
BINARY(sub_d, double, double, x - y)
BINARY(mul_b, gb_bool, gb_bool, B(x) & B(y))
BINARY(mul_i, int64_t, int64_t, wrap_mul(x, y))
BINARY(mul_f, float, float, x * y)
BINARY(mul_d, double, double, x * y)
BINARY(div_f, float, float, x / y)
BINARY(div_d, double, double, x / y)

/* floor division, remainder, power */
BINARY_CHECKED(floordiv_i, int64_t, y == 0, int_floordiv(x, y))
BINARY_CHECKED(mod_i, int64_t, y == 0, int_mod(x, y))
BINARY_CHECKED(pow_i, int64_t, y < 0, int_pow(x, y))
BINARY(floordiv_f, float, float, floordiv_f32(x, y))
BINARY(floordiv_d, double, double, floordiv_f64(x, y))
BINARY(mod_f, float, float, mod_f32(x, y))
BINARY(mod_d, double, double, mod_f64(x, y))
/* float32 math is done in double and rounded once (see gb_unop_types) */
BINARY(pow_f_any, float, float, pow((double)x, (double)y))
BINARY(pow_d_any, double, double, pow(x, y))
UNARY(square_f, float, float, x * x)
UNARY(square_d, double, double, x * x)

/* x^2 is x*x (pow is correctly rounded there, so nothing changes but time) */
static int pow_f(char **args, const int64_t *st, int64_t n, const void *ctx) {
  float y;
  memcpy(&y, args[2], sizeof y);
  if (st[2] == 0 && y == 2) return square_f(args, st, n, ctx);
  return pow_f_any(args, st, n, ctx);
}

static int pow_d(char **args, const int64_t *st, int64_t n, const void *ctx) {
  double y;
  memcpy(&y, args[2], sizeof y);
  if (st[2] == 0 && y == 2) return square_d(args, st, n, ctx);
  return pow_d_any(args, st, n, ctx);
}

/*
** maximum/minimum propagate NaN; fmax/fmin ignore it.  Equal operands
** (+0 and -0) give the second one, as NumPy's SIMD loops do.
*/
BINARY(maximum_b, gb_bool, gb_bool, B(x) | B(y))
BINARY(maximum_i, int64_t, int64_t, x > y ? x : y)
BINARY(maximum_f, float, float, (x > y || x != x) ? x : y)
BINARY(maximum_d, double, double, (x > y || x != x) ? x : y)
BINARY(minimum_b, gb_bool, gb_bool, B(x) & B(y))
BINARY(minimum_i, int64_t, int64_t, x < y ? x : y)
BINARY(minimum_f, float, float, (x < y || x != x) ? x : y)
BINARY(minimum_d, double, double, (x < y || x != x) ? x : y)
BINARY(fmax_f, float, float, (x > y || y != y) ? x : y)
BINARY(fmax_d, double, double, (x > y || y != y) ? x : y)
BINARY(fmin_f, float, float, (x < y || y != y) ? x : y)
BINARY(fmin_d, double, double, (x < y || y != y) ? x : y)
BINARY(atan2_f, float, float, atan2((double)x, (double)y))
BINARY(atan2_d, double, double, atan2(x, y))
BINARY(hypot_f, float, float, hypot((double)x, (double)y))
BINARY(hypot_d, double, double, hypot(x, y))

/* comparisons */
#define COMPARISONS(S, T, V)                                                  \
  BINARY(lt_##S, T, gb_bool, V(x) < V(y))                                     \
  BINARY(le_##S, T, gb_bool, V(x) <= V(y))                                    \
  BINARY(gt_##S, T, gb_bool, V(x) > V(y))                                     \
  BINARY(ge_##S, T, gb_bool, V(x) >= V(y))                                    \
  BINARY(eq_##S, T, gb_bool, V(x) == V(y))                                    \
  BINARY(ne_##S, T, gb_bool, V(x) != V(y))
#define SAME(v) (v)
COMPARISONS(b, gb_bool, B)
COMPARISONS(i, int64_t, SAME)
COMPARISONS(f, float, SAME)
COMPARISONS(d, double, SAME)

/* logical operations: any non-zero value (NaN too) is true */
#define LOGICALS(S, T)                                                        \
  BINARY(land_##S, T, gb_bool, (x != 0) & (y != 0))                           \
  BINARY(lor_##S, T, gb_bool, (x != 0) | (y != 0))                            \
  BINARY(lxor_##S, T, gb_bool, (x != 0) ^ (y != 0))                           \
  UNARY(lnot_##S, T, gb_bool, x == 0)
LOGICALS(b, gb_bool)
LOGICALS(i, int64_t)
LOGICALS(f, float)
LOGICALS(d, double)

/* bitwise operations (bool and int64 only) */
BINARY(band_b, gb_bool, gb_bool, B(x) & B(y))
BINARY(band_i, int64_t, int64_t, x & y)
BINARY(bor_b, gb_bool, gb_bool, B(x) | B(y))
BINARY(bor_i, int64_t, int64_t, x | y)
BINARY(bxor_b, gb_bool, gb_bool, B(x) ^ B(y))
BINARY(bxor_i, int64_t, int64_t, x ^ y)
UNARY(invert_b, gb_bool, gb_bool, !B(x))
UNARY(invert_i, int64_t, int64_t, ~x)

/* sign, magnitude, powers */
UNARY(neg_i, int64_t, int64_t, wrap_sub(0, x))
UNARY(neg_f, float, float, -x)
UNARY(neg_d, double, double, -x)
UNARY(copy_b, gb_bool, gb_bool, B(x))
UNARY(copy_i, int64_t, int64_t, x)
UNARY(abs_i, int64_t, int64_t, x < 0 ? wrap_sub(0, x) : x)
UNARY(abs_f, float, float, fabsf(x))
UNARY(abs_d, double, double, fabs(x))
UNARY(sign_i, int64_t, int64_t, (x > 0) - (x < 0))
UNARY(sign_f, float, float, sign_f32(x))
UNARY(sign_d, double, double, sign_f64(x))
UNARY(square_i, int64_t, int64_t, wrap_mul(x, x))
UNARY(recip_f, float, float, 1 / x)
UNARY(recip_d, double, double, 1 / x)
UNARY(sqrt_f, float, float, sqrtf(x))
UNARY(sqrt_d, double, double, sqrt(x))

/* 1/x for integers truncates: 1, -1 and 0 for the rest; 1/0 fails. */
static int recip_i(char **args, const int64_t *st, int64_t n, const void *ctx) {
  (void)ctx;
  for (int64_t i = 0; i < n; i++) {
    int64_t x, r;
    memcpy(&x, args[1] + i * st[1], sizeof x);
    if (x == 0) return GB_EINVAL;
    r = x == 1 ? 1 : x == -1 ? -1 : 0;
    memcpy(args[0] + i * st[0], &r, sizeof r);
  }
  return GB_OK;
}

/* functions of libm, float32 in double precision then rounded once */
#define LIBM(NAME, F)                                                         \
  UNARY(NAME##_f, float, float, F((double)x))                                 \
  UNARY(NAME##_d, double, double, F(x))

/* glibc's cbrt and tanh are up to 3 and 2 ulps off; where long double has
   more precision (x87), its versions round correctly in practice. */
static inline double cbrt_ld(double x) { return (double)cbrtl((long double)x); }
static inline double tanh_ld(double x) { return (double)tanhl((long double)x); }
LIBM(cbrt, cbrt_ld)
LIBM(exp2, exp2)
LIBM(expm1, expm1)
LIBM(log2, log2)
LIBM(log10, log10)
LIBM(log1p, log1p)
LIBM(tan, tan)
LIBM(asin, asin)
LIBM(acos, acos)
LIBM(atan, atan)
LIBM(sinh, sinh)
LIBM(cosh, cosh)
LIBM(tanh, tanh_ld)
LIBM(asinh, asinh)
LIBM(acosh, acosh)
LIBM(atanh, atanh)

/* rounding to integers (exact in either precision) */
UNARY(floor_f, float, float, floorf(x))
UNARY(floor_d, double, double, floor(x))
UNARY(ceil_f, float, float, ceilf(x))
UNARY(ceil_d, double, double, ceil(x))
UNARY(trunc_f, float, float, truncf(x))
UNARY(trunc_d, double, double, trunc(x))
UNARY(rint_f, float, float, rintf(x))
UNARY(rint_d, double, double, rint(x))

/* classification */
UNARY(false_b, gb_bool, gb_bool, 0)
UNARY(false_i, int64_t, gb_bool, 0)
UNARY(true_b, gb_bool, gb_bool, 1)
UNARY(true_i, int64_t, gb_bool, 1)
UNARY(isnan_f, float, gb_bool, x != x)
UNARY(isnan_d, double, gb_bool, x != x)
UNARY(isinf_f, float, gb_bool, fabsf(x) == INFINITY)
UNARY(isinf_d, double, gb_bool, fabs(x) == INFINITY)
UNARY(isfinite_f, float, gb_bool, fabsf(x) < INFINITY)
UNARY(isfinite_d, double, gb_bool, fabs(x) < INFINITY)

/* exp, log, sin and cos --------------------------------------------------------- */

/* F (gb_vexp, gb_vlog, gb_vsin or gb_vcos) over a strided run of T (double or float), in
   blocks converted to doubles on the stack. */
#define VBLOCK 256
#define VMATH_RUN(NAME, T, F)                                                 \
  static int NAME(char **args, const int64_t *st, int64_t n, const void *ctx) { \
    double x[VBLOCK], y[VBLOCK];                                              \
    (void)ctx;                                                                \
    for (int64_t s = 0; s < n; s += VBLOCK) {                                 \
      int m = n - s < VBLOCK ? (int)(n - s) : VBLOCK;                         \
      const char *in = args[1] + s * st[1];                                   \
      char *out = args[0] + s * st[0];                                        \
      const double *xs = x;                                                   \
      if (sizeof(T) == sizeof(double) && st[1] == 8 && ALIGNED(in, double)) {  \
        xs = (const double *)in;                                              \
      } else {                                                                \
        for (int i = 0; i < m; i++) {                                         \
          T v;                                                                \
          memcpy(&v, in + i * st[1], sizeof v);                               \
          x[i] = v;                                                           \
        }                                                                     \
      }                                                                       \
      F(y, xs, m);                                                            \
      if (st[0] == (int64_t)sizeof(T) && ALIGNED(out, T)) {                   \
        T *O = (T *)out;                                                      \
        for (int i = 0; i < m; i++) O[i] = (T)y[i];                           \
      } else {                                                                \
        for (int i = 0; i < m; i++) {                                         \
          T v = (T)y[i];                                                      \
          memcpy(out + i * st[0], &v, sizeof v);                              \
        }                                                                     \
      }                                                                       \
    }                                                                         \
    return GB_OK;                                                             \
  }

VMATH_RUN(exp_d, double, gb_vexp)
VMATH_RUN(exp_f, float, gb_vexp)
VMATH_RUN(log_d, double, gb_vlog)
VMATH_RUN(log_f, float, gb_vlog)
VMATH_RUN(sin_d, double, gb_vsin)
VMATH_RUN(sin_f, float, gb_vsin)
VMATH_RUN(cos_d, double, gb_vcos)
VMATH_RUN(cos_f, float, gb_vcos)

/* Loop tables ------------------------------------------------------------------ */

/* Indexed by the loop dtype: bool, int64, float32, float64. */
static const loop_fn binary_loops[GB_NBINOP][GB_NDTYPE] = {
  [GB_ADD] = {add_b, add_i, add_f, add_d},
  [GB_SUB] = {NULL, sub_i, sub_f, sub_d},
  [GB_MUL] = {mul_b, mul_i, mul_f, mul_d},
  [GB_DIV] = {NULL, NULL, div_f, div_d},
  [GB_FLOORDIV] = {NULL, floordiv_i, floordiv_f, floordiv_d},
  [GB_MOD] = {NULL, mod_i, mod_f, mod_d},
  [GB_POW] = {NULL, pow_i, pow_f, pow_d},
  [GB_MAXIMUM] = {maximum_b, maximum_i, maximum_f, maximum_d},
  [GB_MINIMUM] = {minimum_b, minimum_i, minimum_f, minimum_d},
  [GB_FMAX] = {maximum_b, maximum_i, fmax_f, fmax_d},
  [GB_FMIN] = {minimum_b, minimum_i, fmin_f, fmin_d},
  [GB_ATAN2] = {NULL, NULL, atan2_f, atan2_d},
  [GB_HYPOT] = {NULL, NULL, hypot_f, hypot_d},
  [GB_LT] = {lt_b, lt_i, lt_f, lt_d},
  [GB_LE] = {le_b, le_i, le_f, le_d},
  [GB_GT] = {gt_b, gt_i, gt_f, gt_d},
  [GB_GE] = {ge_b, ge_i, ge_f, ge_d},
  [GB_EQ] = {eq_b, eq_i, eq_f, eq_d},
  [GB_NE] = {ne_b, ne_i, ne_f, ne_d},
  [GB_LOGICAL_AND] = {land_b, land_i, land_f, land_d},
  [GB_LOGICAL_OR] = {lor_b, lor_i, lor_f, lor_d},
  [GB_LOGICAL_XOR] = {lxor_b, lxor_i, lxor_f, lxor_d},
  [GB_BITAND] = {band_b, band_i, NULL, NULL},
  [GB_BITOR] = {bor_b, bor_i, NULL, NULL},
  [GB_BITXOR] = {bxor_b, bxor_i, NULL, NULL},
};

static const loop_fn unary_loops[GB_NUNOP][GB_NDTYPE] = {
  [GB_NEGATIVE] = {NULL, neg_i, neg_f, neg_d},
  [GB_ABS] = {copy_b, abs_i, abs_f, abs_d},
  [GB_SIGN] = {NULL, sign_i, sign_f, sign_d},
  [GB_SQUARE] = {NULL, square_i, square_f, square_d},
  [GB_RECIPROCAL] = {NULL, recip_i, recip_f, recip_d},
  [GB_SQRT] = {NULL, NULL, sqrt_f, sqrt_d},
  [GB_CBRT] = {NULL, NULL, cbrt_f, cbrt_d},
  [GB_EXP] = {NULL, NULL, exp_f, exp_d},
  [GB_EXP2] = {NULL, NULL, exp2_f, exp2_d},
  [GB_EXPM1] = {NULL, NULL, expm1_f, expm1_d},
  [GB_LOG] = {NULL, NULL, log_f, log_d},
  [GB_LOG2] = {NULL, NULL, log2_f, log2_d},
  [GB_LOG10] = {NULL, NULL, log10_f, log10_d},
  [GB_LOG1P] = {NULL, NULL, log1p_f, log1p_d},
  [GB_SIN] = {NULL, NULL, sin_f, sin_d},
  [GB_COS] = {NULL, NULL, cos_f, cos_d},
  [GB_TAN] = {NULL, NULL, tan_f, tan_d},
  [GB_ASIN] = {NULL, NULL, asin_f, asin_d},
  [GB_ACOS] = {NULL, NULL, acos_f, acos_d},
  [GB_ATAN] = {NULL, NULL, atan_f, atan_d},
  [GB_SINH] = {NULL, NULL, sinh_f, sinh_d},
  [GB_COSH] = {NULL, NULL, cosh_f, cosh_d},
  [GB_TANH] = {NULL, NULL, tanh_f, tanh_d},
  [GB_ASINH] = {NULL, NULL, asinh_f, asinh_d},
  [GB_ACOSH] = {NULL, NULL, acosh_f, acosh_d},
  [GB_ATANH] = {NULL, NULL, atanh_f, atanh_d},
  [GB_FLOOR] = {copy_b, copy_i, floor_f, floor_d},
  [GB_CEIL] = {copy_b, copy_i, ceil_f, ceil_d},
  [GB_TRUNC] = {copy_b, copy_i, trunc_f, trunc_d},
  [GB_RINT] = {NULL, NULL, rint_f, rint_d},
  [GB_ISNAN] = {false_b, false_i, isnan_f, isnan_d},
  [GB_ISINF] = {false_b, false_i, isinf_f, isinf_d},
  [GB_ISFINITE] = {true_b, true_i, isfinite_f, isfinite_d},
  [GB_LOGICAL_NOT] = {lnot_b, lnot_i, lnot_f, lnot_d},
  [GB_INVERT] = {invert_b, invert_i, NULL, NULL},
};

/* Type resolution ------------------------------------------------------------- */

/* The float dtype NumPy computes bool and int64 math in: int64 needs
   float64 to be safe; bool would get float16, which gibbs lacks, so the
   smallest float here, float32. */
static int float_of(int dtype) {
  return dtype == GB_FLOAT64 || dtype == GB_INT64 ? GB_FLOAT64 : GB_FLOAT32;
}

static int check_dtype(int dtype) { return dtype >= 0 && dtype < GB_NDTYPE; }

int gb_binop_types(int op, int dtype, int *loop, int *result) {
  int l = dtype, r = dtype;
  if (op < 0 || op >= GB_NBINOP || !check_dtype(dtype)) return GB_EINVAL;
  switch (op) {
    case GB_DIV:       /* true division: int64 and bool give float64 */
      l = r = dtype == GB_FLOAT32 ? GB_FLOAT32 : GB_FLOAT64;
      break;
    case GB_FLOORDIV: case GB_MOD: case GB_POW:   /* NumPy: bool -> int8 */
      if (dtype == GB_BOOL) l = r = GB_INT64;
      break;
    case GB_ATAN2: case GB_HYPOT:
      l = r = float_of(dtype);
      break;
    case GB_LT: case GB_LE: case GB_GT: case GB_GE: case GB_EQ: case GB_NE:
    case GB_LOGICAL_AND: case GB_LOGICAL_OR: case GB_LOGICAL_XOR:
      r = GB_BOOL;
      break;
    default:
      break;
  }
  if (!binary_loops[op][l]) return GB_EDTYPE;
  *loop = l;
  *result = r;
  return GB_OK;
}

int gb_unop_types(int op, int dtype, int *loop, int *result) {
  int l = dtype, r = dtype;
  if (op < 0 || op >= GB_NUNOP || !check_dtype(dtype)) return GB_EINVAL;
  switch (op) {
    case GB_SQUARE: case GB_RECIPROCAL:           /* NumPy: bool -> int8 */
      if (dtype == GB_BOOL) l = r = GB_INT64;
      break;
    case GB_ISNAN: case GB_ISINF: case GB_ISFINITE: case GB_LOGICAL_NOT:
      r = GB_BOOL;
      break;
    case GB_NEGATIVE: case GB_ABS: case GB_SIGN: case GB_FLOOR: case GB_CEIL:
    case GB_TRUNC: case GB_INVERT:
      break;
    default:                                      /* math functions, rint */
      l = r = float_of(dtype);
      break;
  }
  if (!unary_loops[op][l]) return GB_EDTYPE;
  *loop = l;
  *result = r;
  return GB_OK;
}

static int kind(int dtype) {
  return dtype == GB_BOOL ? 0 : dtype == GB_INT64 ? 1 : 2;
}

int gb_can_cast(int from, int to) {
  return check_dtype(from) && check_dtype(to) && kind(to) >= kind(from);
}

/* Which operations are worth threads at smaller sizes: compute-bound ones. */
static int heavy_binop(int op, int loop) {
  return op == GB_POW || op == GB_ATAN2 || op == GB_HYPOT ||
         ((op == GB_FLOORDIV || op == GB_MOD) && loop != GB_BOOL);
}

static int heavy_unop(int op) {
  return op >= GB_CBRT && op <= GB_RINT;
}

/* The driver -------------------------------------------------------------------- */

#define CHUNK 65536          /* elements per work item (one interrupt check) */
#define CHUNK_HEAVY 8192     /* the same for compute-bound loops (about 50 us) */
#define BLOCK 1024           /* elements per dtype-conversion block */
#define MAXIN (GB_ITER_MAXOP - 1)

typedef struct plan {
  loop_fn fn;
  const void *ctx;
  int nop;                       /* the output and the inputs */
  int dt[GB_ITER_MAXOP];         /* the dtype the loop reads or writes */
  gb_array v[GB_ITER_MAXOP];     /* out, then the inputs broadcast to it */
  int conv;                      /* some operand needs converting */
  int heavy;
  char *tmp[MAXIN];              /* copies of inputs that overlap out */
} plan;

static void plan_free(gb_ctx *ctx, plan *p) {
  for (int k = 0; k < MAXIN; k++) {
    gb_free(ctx, p->tmp[k]);
    p->tmp[k] = NULL;
  }
}

/* Broadcast the inputs to out's shape; inputs that overlap out otherwise
   than as the same view are copied first. */
static int plan_operands(gb_ctx *ctx, plan *p, gb_array *out, const gb_array *const *in, int nin) {
  p->nop = nin + 1;
  p->v[0] = *out;
  for (int k = 0; k < MAXIN; k++) p->tmp[k] = NULL;
  for (int k = 0; k < nin; k++) {
    const gb_array *a = in[k];
    gb_array *v = &p->v[k + 1];
    if (gb_broadcast_to(a, out->ndim, out->shape, v) != GB_OK) return GB_ESHAPE;
    if (out->size > 0 && gb_overlaps(out, v) && !gb_same_view(out, v)) {
      gb_array c;
      size_t nbytes;
      int st = gb_array_init(&c, a->dtype, a->ndim, a->shape, &nbytes);
      if (st != GB_OK) return st;
      c.data = p->tmp[k] = gb_alloc(ctx, nbytes ? nbytes : 1);
      if (!c.data) return GB_ENOMEM;
      if ((st = gb_copy(ctx, &c, a)) != GB_OK) return st;
      gb_broadcast_to(&c, out->ndim, out->shape, v);
    }
  }
  p->conv = 0;
  for (int k = 0; k < p->nop; k++)
    if (p->v[k].dtype != p->dt[k]) p->conv = 1;
  return GB_OK;
}

/* n elements of src (stride ss, dtype sdt) into dst (stride ds, dtype ddt). */
static int convert(gb_ctx *ctx, char *dst, int ddt, int64_t ds, const char *src, int sdt,
                   int64_t ss, int64_t n) {
  gb_array d, s;
  d.data = dst; d.dtype = ddt; d.ndim = 1; d.size = n; d.shape[0] = n; d.strides[0] = ds;
  s.data = (char *)src; s.dtype = sdt; s.ndim = 1; s.size = n; s.shape[0] = n; s.strides[0] = ss;
  return gb_copy(ctx, &d, &s);
}

/* One run of n elements: straight to the loop, or through conversion
   buffers of BLOCK elements when some operand has another dtype. */
static int run_span(gb_ctx *ctx, const plan *p, char *const *ptr, const int64_t *stride, int64_t n) {
  _Alignas(64) char buf[GB_ITER_MAXOP][BLOCK * 8];
  char *args[GB_ITER_MAXOP];
  int64_t steps[GB_ITER_MAXOP];
  int st;
  if (!p->conv) {
    for (int k = 0; k < p->nop; k++) args[k] = ptr[k];
    return p->fn(args, stride, n, p->ctx);
  }
  for (int64_t s = 0; s < n; s += BLOCK) {
    int64_t m = n - s < BLOCK ? n - s : BLOCK;
    for (int k = 0; k < p->nop; k++) {
      char *at = ptr[k] + s * stride[k];
      if (p->v[k].dtype == p->dt[k]) {
        args[k] = at;
        steps[k] = stride[k];
      } else if (k == 0) {
        args[0] = buf[0];
        steps[0] = (int64_t)gb_dtype_size(p->dt[0]);
      } else {
        /* a broadcast scalar is converted once */
        int64_t cnt = stride[k] == 0 ? 1 : m;
        steps[k] = stride[k] == 0 ? 0 : (int64_t)gb_dtype_size(p->dt[k]);
        if ((st = convert(ctx, buf[k], p->dt[k], steps[k], at, p->v[k].dtype, stride[k], cnt)))
          return st;
        args[k] = buf[k];
      }
    }
    if ((st = p->fn(args, steps, m, p->ctx)) != GB_OK) return st;
    if (args[0] == buf[0] &&
        (st = convert(ctx, ptr[0] + s * stride[0], p->v[0].dtype, stride[0], buf[0], p->dt[0],
                      steps[0], m)))
      return st;
  }
  return GB_OK;
}

/* Put a copy of the iterator at the start of outer run k. */
static void iter_seek(gb_iter *it, int64_t k) {
  for (int j = 0; j < it->nop; j++) it->ptr[j] = it->base[j];
  for (int i = it->ndim - 1; i >= 0; i--) {
    it->idx[i] = k % it->shape[i];
    k /= it->shape[i];
    for (int j = 0; j < it->nop; j++) it->ptr[j] += it->idx[i] * it->ostride[j][i];
  }
}

/* Work item c: a piece of the single run, or a group of whole runs. */
static int run_chunk(gb_ctx *ctx, const plan *p, const gb_iter *tmpl, int64_t c, int64_t per,
                     int64_t outer) {
  if (outer == 1) {
    char *ptr[GB_ITER_MAXOP];
    int64_t lo = c * per, len = tmpl->n - lo < per ? tmpl->n - lo : per;
    for (int k = 0; k < p->nop; k++) ptr[k] = tmpl->ptr[k] + lo * tmpl->stride[k];
    return run_span(ctx, p, ptr, tmpl->stride, len);
  }
  gb_iter it = *tmpl;
  int64_t k0 = c * per, k1 = outer - k0 < per ? outer : k0 + per;
  iter_seek(&it, k0);
  for (int64_t k = k0; k < k1; k++) {
    int st = run_span(ctx, p, it.ptr, it.stride, it.n);
    if (st != GB_OK) return st;
    gb_iter_next(&it);
  }
  return GB_OK;
}

/* Work item c; status is shared with the other threads. */
static void run_chunks(gb_ctx *ctx, const plan *p, const gb_iter *it, int64_t c, int64_t per,
                       int64_t outer, atomic_int *status) {
  int st;
  if (atomic_load_explicit(status, memory_order_relaxed) != GB_OK) return;
  st = gb_interrupted(ctx) ? GB_EINTERRUPTED : run_chunk(ctx, p, it, c, per, outer);
  if (st != GB_OK) {
    int expect = GB_OK;
    atomic_compare_exchange_strong(status, &expect, st);
  }
}

static int run_plan(gb_ctx *ctx, plan *p) {
  gb_iter it;
  const gb_array *ops[GB_ITER_MAXOP];
  int64_t outer = 1, per, nchunks, total;
  atomic_int status = GB_OK;
  for (int k = 0; k < p->nop; k++) ops[k] = &p->v[k];
  if (!gb_iter_init(&it, p->nop, ops)) return GB_OK;
  for (int i = 0; i < it.ndim; i++) outer *= it.shape[i];
  total = outer * it.n;
  int64_t chunk = p->heavy ? CHUNK_HEAVY : CHUNK;
  if (outer == 1) {
    per = chunk;
    nchunks = (it.n + chunk - 1) / chunk;
  } else {
    per = it.n >= chunk ? 1 : chunk / it.n;
    nchunks = (outer + per - 1) / per;
  }
#ifdef _OPENMP
  /* Threads pay off above about a millisecond of work; below that even an
     idle parallel region costs more than the arithmetic. */
  if (nchunks > 1 && total >= (p->heavy ? (1 << 14) : (1 << 18))) {
#pragma omp parallel for schedule(dynamic)
    for (int64_t c = 0; c < nchunks; c++) run_chunks(ctx, p, &it, c, per, outer, &status);
    return atomic_load(&status);
  }
#endif
  for (int64_t c = 0; c < nchunks; c++) run_chunks(ctx, p, &it, c, per, outer, &status);
  return atomic_load(&status);
}

static int run(gb_ctx *ctx, plan *p, gb_array *out, const gb_array *const *in, int nin) {
  int st = plan_operands(ctx, p, out, in, nin);
  if (st == GB_OK) st = run_plan(ctx, p);
  plan_free(ctx, p);
  return st;
}

/* Public entry points ---------------------------------------------------------- */

int gb_binop(gb_ctx *ctx, int op, int loop, gb_array *out, const gb_array *a, const gb_array *b) {
  plan p;
  int l, r, st;
  if (loop < 0) loop = gb_promote(a->dtype, b->dtype);
  if ((st = gb_binop_types(op, loop, &l, &r)) != GB_OK) return st;
  if (l != loop || !gb_can_cast(r, out->dtype)) return GB_EDTYPE;
  p.fn = binary_loops[op][l];
  p.ctx = NULL;
  p.dt[0] = r;
  p.dt[1] = p.dt[2] = l;
  p.heavy = heavy_binop(op, l);
  return run(ctx, &p, out, (const gb_array *[]){a, b}, 2);
}

int gb_unop(gb_ctx *ctx, int op, int loop, gb_array *out, const gb_array *a) {
  plan p;
  int l, r, st;
  if (loop < 0) {
    if ((st = gb_unop_types(op, a->dtype, &loop, &r)) != GB_OK) return st;
  }
  if ((st = gb_unop_types(op, loop, &l, &r)) != GB_OK) return st;
  if (l != loop || !gb_can_cast(r, out->dtype)) return GB_EDTYPE;
  p.fn = unary_loops[op][l];
  p.ctx = NULL;
  p.dt[0] = r;
  p.dt[1] = l;
  p.heavy = heavy_unop(op);
  return run(ctx, &p, out, (const gb_array *[]){a}, 1);
}

/* where ----------------------------------------------------------------------- */

#define WHERE(NAME, T)                                                        \
  static int NAME(char **args, const int64_t *st, int64_t n, const void *ctx) { \
    (void)ctx;                                                                \
    if (st[0] == (int64_t)sizeof(T) && st[1] == 1 &&                          \
        (st[2] == (int64_t)sizeof(T) || st[2] == 0) &&                        \
        (st[3] == (int64_t)sizeof(T) || st[3] == 0) && ALIGNED(args[0], T) &&  \
        ALIGNED(args[2], T) && ALIGNED(args[3], T)) {                         \
      T *o = (T *)args[0];                                                    \
      const gb_bool *M = (const gb_bool *)args[1];                            \
      const T *X = (const T *)args[2], *Y = (const T *)args[3];               \
      int64_t ix = st[2] != 0, iy = st[3] != 0;                               \
      SIMD for (int64_t i = 0; i < n; i++) o[i] = M[i] ? X[i * ix] : Y[i * iy]; \
      return GB_OK;                                                           \
    }                                                                         \
    for (int64_t i = 0; i < n; i++) {                                         \
      const char *src = args[1][i * st[1]] ? args[2] + i * st[2] : args[3] + i * st[3]; \
      memcpy(args[0] + i * st[0], src, sizeof(T));                            \
    }                                                                         \
    return GB_OK;                                                             \
  }

WHERE(where_b, gb_bool)
WHERE(where_i, int64_t)
WHERE(where_f, float)
WHERE(where_d, double)

static const loop_fn where_loops[GB_NDTYPE] = {where_b, where_i, where_f, where_d};

int gb_where(gb_ctx *ctx, gb_array *out, const gb_array *mask, const gb_array *x, const gb_array *y) {
  plan p;
  gb_array m = *mask;
  char *mbuf = NULL;
  int st;
  if (!check_dtype(out->dtype) || !check_dtype(mask->dtype) ||
      !gb_can_cast(x->dtype, out->dtype) || !gb_can_cast(y->dtype, out->dtype))
    return GB_EDTYPE;
  if (mask->dtype != GB_BOOL) {
    /* truth values first: non-zero and NaN are true */
    gb_array zero;
    char zbuf[8] = {0};
    size_t nbytes;
    zero.data = zbuf;
    zero.dtype = mask->dtype;
    zero.ndim = 0;
    zero.size = 1;
    if ((st = gb_array_init(&m, GB_BOOL, mask->ndim, mask->shape, &nbytes)) != GB_OK) return st;
    m.data = mbuf = gb_alloc(ctx, nbytes ? nbytes : 1);
    if (!mbuf) return GB_ENOMEM;
    if ((st = gb_binop(ctx, GB_NE, mask->dtype, &m, mask, &zero)) != GB_OK) {
      gb_free(ctx, mbuf);
      return st;
    }
  }
  p.fn = where_loops[out->dtype];
  p.ctx = NULL;
  p.dt[0] = p.dt[2] = p.dt[3] = out->dtype;
  p.dt[1] = GB_BOOL;
  p.heavy = 0;
  st = run(ctx, &p, out, (const gb_array *[]){&m, x, y}, 3);
  gb_free(ctx, mbuf);
  return st;
}

/* round ------------------------------------------------------------------------- */

typedef struct round_ctx {
  int decimals;
  double f;          /* 10^|decimals| */
  int64_t q;         /* the same for integers (decimals < 0) */
} round_ctx;

/* 10^d: exact up to 22, then by repeated multiplication (as NumPy does). */
static double power_of_ten(int d) {
  double r = 1;
  for (int i = 0; i < d && i < 22; i++) r *= 10;
  for (int i = 22; i < d; i++) r *= 10;
  return r;
}

/* NumPy's round: x * 10^d, rint, / 10^d (or /, rint, * for d < 0), each in
   the array's own precision. */
#define ROUND_FLOAT(NAME, T, RINT)                                            \
  static int NAME(char **args, const int64_t *st, int64_t n, const void *ctx) { \
    const round_ctx *rc = ctx;                                                \
    const T f = (T)rc->f;                                                     \
    for (int64_t i = 0; i < n; i++) {                                         \
      T x;                                                                    \
      memcpy(&x, args[1] + i * st[1], sizeof x);                              \
      if (rc->decimals > 0) x = RINT(x * f) / f;                              \
      else if (rc->decimals < 0) x = RINT(x / f) * f;                         \
      else x = RINT(x);                                                       \
      memcpy(args[0] + i * st[0], &x, sizeof x);                              \
    }                                                                         \
    return GB_OK;                                                             \
  }

ROUND_FLOAT(round_f, float, rintf)
ROUND_FLOAT(round_d, double, rint)

/* Integers to a multiple of q = 10^-d, halves to even, exactly. */
static int round_i(char **args, const int64_t *st, int64_t n, const void *ctx) {
  const round_ctx *rc = ctx;
  for (int64_t i = 0; i < n; i++) {
    int64_t x, r, down, up;
    memcpy(&x, args[1] + i * st[1], sizeof x);
    if (rc->decimals < 0) {
      /* the multiples of q below and above x: near the ends of int64 one
         of them is not an int64 and wraps, the other is the answer */
      r = int_mod(x, rc->q);                 /* 0 <= r < q */
      down = wrap_sub(x, r);
      up = wrap_add(down, rc->q);
      x = r > rc->q - r || (r == rc->q - r && (int_floordiv(x, rc->q) & 1)) ? up : down;
    }
    memcpy(args[0] + i * st[0], &x, sizeof x);
  }
  return GB_OK;
}

static int round_b(char **args, const int64_t *st, int64_t n, const void *ctx) {
  return copy_b(args, st, n, ctx);
}

static const loop_fn round_loops[GB_NDTYPE] = {round_b, round_i, round_f, round_d};

int gb_round(gb_ctx *ctx, gb_array *out, const gb_array *a, int decimals) {
  plan p;
  round_ctx rc;
  if (!check_dtype(a->dtype) || !gb_can_cast(a->dtype, out->dtype)) return GB_EDTYPE;
  rc.decimals = decimals;
  rc.f = power_of_ten(decimals < 0 ? -decimals : decimals);
  rc.q = 1;
  if (a->dtype == GB_INT64 && decimals < 0) {
    if (decimals < -18) return GB_EINVAL;     /* 10^19 is not an int64 */
    for (int i = 0; i < -decimals; i++) rc.q *= 10;
  }
  p.fn = round_loops[a->dtype];
  p.ctx = &rc;
  p.dt[0] = p.dt[1] = a->dtype;
  p.heavy = a->dtype >= GB_FLOAT32;
  return run(ctx, &p, out, (const gb_array *[]){a}, 1);
}

/* map ---------------------------------------------------------------------------- */

typedef struct map_ctx {
  gb_mapfn fn;
  const void *ud;
  int nin;
} map_ctx;

/* Inputs and output as doubles (the plan converts other dtypes). */
static int map_loop(char **args, const int64_t *st, int64_t n, const void *ctx) {
  const map_ctx *m = ctx;
  double x[GB_MAPMAX];
  int contig = st[0] == (int64_t)sizeof(double) && ALIGNED(args[0], double);
  for (int k = 1; k <= m->nin; k++)
    contig = contig && (st[k] == (int64_t)sizeof(double) || st[k] == 0) && ALIGNED(args[k], double);
  if (contig) {
    double *o = (double *)args[0];
    for (int64_t i = 0; i < n; i++) {
      for (int k = 0; k < m->nin; k++) x[k] = ((const double *)args[k + 1])[st[k + 1] ? i : 0];
      o[i] = m->fn(m->ud, x);
    }
    return GB_OK;
  }
  for (int64_t i = 0; i < n; i++) {
    double r;
    for (int k = 0; k < m->nin; k++) memcpy(&x[k], args[k + 1] + i * st[k + 1], sizeof(double));
    r = m->fn(m->ud, x);
    memcpy(args[0] + i * st[0], &r, sizeof r);
  }
  return GB_OK;
}

int gb_map(gb_ctx *ctx, gb_mapfn fn, const void *ud, int nin, gb_array *out,
           const gb_array *const *in) {
  plan p;
  map_ctx m = {fn, ud, nin};
  if (nin < 1 || nin > GB_MAPMAX) return GB_EINVAL;
  if (out->dtype != GB_FLOAT64 && out->dtype != GB_FLOAT32) return GB_EDTYPE;
  for (int k = 0; k < nin; k++)
    if (!check_dtype(in[k]->dtype)) return GB_EDTYPE;
  p.fn = map_loop;
  p.ctx = &m;
  for (int k = 0; k <= nin; k++) p.dt[k] = GB_FLOAT64;
  p.heavy = 1;
  return run(ctx, &p, out, in, nin);
}
