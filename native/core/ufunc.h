/*
** Elementwise kernels ("ufuncs" in NumPy's words): arithmetic, comparison,
** logical and math functions applied to every element of broadcast arrays.
**
** Each operation computes in one "loop" dtype and gives a result dtype,
** both found from the operands' common dtype by gb_binop_types or
** gb_unop_types (NumPy's type resolution restricted to gibbs's dtypes).
** Operands of other dtypes are converted block by block, so no full-size
** temporary is made; the output may have any dtype the result can be cast
** to under NumPy's "same_kind" rule.  An output that overlaps an input in
** any way other than being the very same view is handled by copying that
** input first.  Large arrays are split across OpenMP threads; every
** element is computed the same way whatever the number of threads.
**
** Return values are gb_status codes: GB_ESHAPE (an operand does not
** broadcast to the output's shape), GB_EDTYPE (dtype not supported by the
** operation, or a cast that same_kind forbids), GB_EINVAL (integer
** division or remainder by zero, integer to a negative integer power),
** GB_ENOMEM, GB_EINTERRUPTED.  On an error the output may be partly
** written.
*/
#ifndef GB_UFUNC_H
#define GB_UFUNC_H

#include "ndarray.h"

enum gb_binop {
  GB_ADD, GB_SUB, GB_MUL, GB_DIV, GB_FLOORDIV, GB_MOD, GB_POW,
  GB_MAXIMUM, GB_MINIMUM, GB_FMAX, GB_FMIN, GB_ATAN2, GB_HYPOT,
  GB_LT, GB_LE, GB_GT, GB_GE, GB_EQ, GB_NE,
  GB_LOGICAL_AND, GB_LOGICAL_OR, GB_LOGICAL_XOR,
  GB_BITAND, GB_BITOR, GB_BITXOR,
  GB_NBINOP
};

enum gb_unop {
  GB_NEGATIVE, GB_ABS, GB_SIGN, GB_SQUARE, GB_RECIPROCAL,
  GB_SQRT, GB_CBRT, GB_EXP, GB_EXP2, GB_EXPM1,
  GB_LOG, GB_LOG2, GB_LOG10, GB_LOG1P,
  GB_SIN, GB_COS, GB_TAN, GB_ASIN, GB_ACOS, GB_ATAN,
  GB_SINH, GB_COSH, GB_TANH, GB_ASINH, GB_ACOSH, GB_ATANH,
  GB_FLOOR, GB_CEIL, GB_TRUNC, GB_RINT,
  GB_ISNAN, GB_ISINF, GB_ISFINITE, GB_LOGICAL_NOT, GB_INVERT,
  GB_NUNOP
};

/*
** The loop and result dtypes of op when its operands' common dtype is
** dtype; GB_EDTYPE when op does not take that dtype (bool subtraction or
** negation, bitwise operations on floats, ...).
*/
int gb_binop_types(int op, int dtype, int *loop, int *result);
int gb_unop_types(int op, int dtype, int *loop, int *result);

/* NumPy's same_kind casting: bool -> int64 -> float32/float64 only upwards
   in kind, any float to any float. */
int gb_can_cast(int from, int to);

/*
** out = op(a, b) with a and b broadcast to out's shape.  loop is the dtype
** to compute in (a valid loop dtype of op), or -1 for the one that
** gb_promote(a->dtype, b->dtype) gives.
*/
int gb_binop(gb_ctx *ctx, int op, int loop, gb_array *out, const gb_array *a, const gb_array *b);

/* out = op(a); loop as for gb_binop (-1: from a's dtype). */
int gb_unop(gb_ctx *ctx, int op, int loop, gb_array *out, const gb_array *a);

/*
** out = mask ? x : y elementwise, all broadcast to out's shape.  x and y
** are converted to out's dtype (which must be reachable by same_kind);
** a mask that is not bool counts non-zero (and NaN) as true.
*/
int gb_where(gb_ctx *ctx, gb_array *out, const gb_array *mask, const gb_array *x, const gb_array *y);

/*
** out = a rounded to `decimals` decimal places, halves to even (NumPy's
** round): floats as x * 10^d, rint, / 10^d (or / and * for d < 0) in their
** own dtype; int64 exactly (unchanged for d >= 0); bool unchanged.
** out must have a's dtype or one it casts to.
*/
int gb_round(gb_ctx *ctx, gb_array *out, const gb_array *a, int decimals);

/*
** out = fn(ud, x) for every element, x holding the nin (1..GB_MAPMAX)
** inputs' values as doubles, the inputs broadcast to out's shape: the
** engine behind scalar functions of a few arguments (special functions,
** distributions' methods).  Inputs of any dtype are read as doubles; out is
** float64 or float32 (GB_EDTYPE otherwise).  fn is called from several
** threads at once on large arrays, so it must not write shared state.
*/
#define GB_MAPMAX 3
typedef double (*gb_mapfn)(const void *ud, const double *x);
int gb_map(gb_ctx *ctx, gb_mapfn fn, const void *ud, int nin, gb_array *out,
           const gb_array *const *in);

#endif
