/*
** Reductions: folds over axes, and kernels along one axis.
**
** gb_reduce broadcasts the output (stride 0 on the reduced axes) against
** the input and walks both in the input's memory order.  Each inner run
** is then one of two things: a run of a reduced axis, folded into one
** output element (sums pairwise there), or a run of kept axes, folded
** element by element into a run of outputs.  Summing the rows of a
** C-contiguous matrix thus adds whole rows into the output vector, and
** summing along its last axis sums each row pairwise, as NumPy does.
*/
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "reduce.h"
#include "sort.h"
#include "vmath.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define PIECE ((int64_t)1 << 20)  /* longest run handed to a kernel at once */
#define CHUNK 512                 /* buffer for input converted to double */

#define AT(T, p, i, s) (*(const T *)((p) + (i) * (s)))

/* Kernels on doubles --------------------------------------------------------- */

/* Fold n doubles at p (byte stride s) starting from the op's identity;
   m is the aux value, pw the power. */
typedef double (*frun_fn)(const char *p, int64_t s, int64_t n, double m, double pw);
/* o[i] = comb(o[i], map(x[i], m[i])) for n elements. */
typedef void (*felem_fn)(char *o, int64_t os, const char *p, int64_t s,
                         const char *m, int64_t ms, int64_t n, double pw);

/*
** Pairwise summation of map(x): runs up to 128 long are summed with 8
** partial sums (so that rounding errors grow with log n, not n), longer
** ones split in halves at a multiple of 8.  One copy for contiguous data,
** where the compiler vectorises the partial sums, one for strided data.
*/
#define PW_FUNC(NAME, S, MAP)                                                   \
  static double NAME(const char *p, int64_t s, int64_t n, double m, double pw) { \
    (void)s; (void)m; (void)pw;                                                 \
    if (n < 8) {                                                                \
      double res = 0.0;                                                         \
      for (int64_t i = 0; i < n; i++) { double x = AT(double, p, i, S); res += (MAP); } \
      return res;                                                               \
    }                                                                           \
    if (n <= 128) {                                                             \
      double r[8], res;                                                         \
      int64_t i;                                                                \
      for (int j = 0; j < 8; j++) { double x = AT(double, p, j, S); r[j] = (MAP); } \
      for (i = 8; i < n - n % 8; i += 8)                                        \
        for (int j = 0; j < 8; j++) { double x = AT(double, p, i + j, S); r[j] += (MAP); } \
      res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7])); \
      for (; i < n; i++) { double x = AT(double, p, i, S); res += (MAP); }      \
      return res;                                                               \
    }                                                                           \
    int64_t h = n / 2;                                                          \
    h -= h % 8;                                                                 \
    return NAME(p, s, h, m, pw) + NAME(p + h * (S), s, n - h, m, pw);           \
  }

#define PAIRWISE(NAME, MAP)                                                     \
  PW_FUNC(NAME##_c, 8, MAP)                                                     \
  PW_FUNC(NAME##_s, s, MAP)                                                     \
  static double NAME##_run(const char *p, int64_t s, int64_t n, double m, double pw) { \
    return s == 8 ? NAME##_c(p, 8, n, m, pw) : NAME##_s(p, s, n, m, pw);        \
  }                                                                             \
  static void NAME##_elem(char *o, int64_t os, const char *p, int64_t s,        \
                          const char *mp, int64_t ms, int64_t n, double pw) {   \
    (void)pw;                                                                   \
    if (os == 8 && s == 8 && ms == 0) {                                         \
      double *restrict O = (double *)o;                                         \
      const double *restrict X = (const double *)p;                             \
      double m = *(const double *)mp;                                           \
      for (int64_t i = 0; i < n; i++) { double x = X[i]; (void)m; O[i] += (MAP); } \
    } else {                                                                    \
      for (int64_t i = 0; i < n; i++) {                                         \
        double x = AT(double, p, i, s), m = AT(double, mp, i, ms);              \
        (void)m;                                                                \
        *(double *)(o + i * os) += (MAP);                                       \
      }                                                                         \
    }                                                                           \
  }

PAIRWISE(sum, x)
PAIRWISE(nansum, x != x ? 0.0 : x)
PAIRWISE(sumsq, (x - m) * (x - m))
PAIRWISE(sumexp, exp(x - m))
PAIRWISE(sumabs, fabs(x))
PAIRWISE(sumpow, pow(fabs(x), pw))

/* sum exp(x - m) over contiguous doubles, in sumexp_c's pairwise order,
   with the exponentials of each leaf taken at once by the vectorised exp
   of vmath.c (within one ulp of libm's, several times faster). */
static double sumexp_fast(const char *p, int64_t s, int64_t n, double m, double pw) {
  if (s != 8) return sumexp_run(p, s, n, m, pw);
  if (n <= 128) {
    double t[128];
    const double *x = (const double *)p;
    for (int64_t i = 0; i < n; i++) t[i] = x[i] - m;
    gb_vexp(t, t, n);
    return sum_c((const char *)t, 8, n, 0, 0);
  }
  int64_t h = n / 2;
  h -= h % 8;
  return sumexp_fast(p, s, h, m, pw) + sumexp_fast(p + h * 8, s, n - h, m, pw);
}

/* Combining partial results. */
static double c_add(double a, double b) { return a + b; }
static double c_mul(double a, double b) { return a * b; }
static double c_max(double a, double b) { return a != a ? a : (b > a || b != b) ? b : a; }
static double c_min(double a, double b) { return a != a ? a : (b < a || b != b) ? b : a; }
static double c_nanmax(double a, double b) { return (b > a || a != a) ? b : a; }
static double c_nanmin(double a, double b) { return (b < a || a != a) ? b : a; }

static double prod_run(const char *p, int64_t s, int64_t n, double m, double pw) {
  double r = 1.0;
  (void)m; (void)pw;
  for (int64_t i = 0; i < n; i++) r *= AT(double, p, i, s);
  return r;
}

static void prod_elem(char *o, int64_t os, const char *p, int64_t s,
                      const char *mp, int64_t ms, int64_t n, double pw) {
  (void)mp; (void)ms; (void)pw;
  for (int64_t i = 0; i < n; i++) *(double *)(o + i * os) *= AT(double, p, i, s);
}

/*
** The running maximum (want_max) or minimum of n contiguous doubles or of
** their absolute values, ignoring NaN, from init; *check becomes the sum of
** x - x over them, which is NaN only if some x was NaN or infinite.  With
** SSE2, eight lanes at once: x > r ? x : r is exactly MAXPD(x, r), which
** compilers do not find themselves.
*/
static double extreme_f64(const double *x, int64_t n, int want_max, int absval, double init,
                          double *check) {
  double r = init, c = 0;
  int64_t i = 0;
#ifdef __SSE2__
  const __m128d sign = _mm_set1_pd(-0.0);
  __m128d r0 = _mm_set1_pd(init), r1 = r0, r2 = r0, r3 = r0;
  __m128d c0 = _mm_setzero_pd(), c1 = c0, c2 = c0, c3 = c0;
#define EXT_LANE(R, C, OFF)                                                     \
  do {                                                                          \
    __m128d v = _mm_loadu_pd(x + i + OFF);                                      \
    if (absval) v = _mm_andnot_pd(sign, v);                                     \
    R = want_max ? _mm_max_pd(v, R) : _mm_min_pd(v, R);                         \
    C = _mm_add_pd(C, _mm_sub_pd(v, v));                                        \
  } while (0)
  for (; i + 8 <= n; i += 8) {
    EXT_LANE(r0, c0, 0);
    EXT_LANE(r1, c1, 2);
    EXT_LANE(r2, c2, 4);
    EXT_LANE(r3, c3, 6);
  }
#undef EXT_LANE
  double rs[8], cs[8];
  _mm_storeu_pd(rs, r0);
  _mm_storeu_pd(rs + 2, r1);
  _mm_storeu_pd(rs + 4, r2);
  _mm_storeu_pd(rs + 6, r3);
  _mm_storeu_pd(cs, _mm_add_pd(_mm_add_pd(c0, c1), _mm_add_pd(c2, c3)));
  for (int j = 0; j < 8; j++) r = want_max ? (rs[j] > r ? rs[j] : r) : (rs[j] < r ? rs[j] : r);
  c = cs[0] + cs[1];
#endif
  for (; i < n; i++) {
    double v = absval ? fabs(x[i]) : x[i];
    r = want_max ? (v > r ? v : r) : (v < r ? v : r);
    c += v - v;
  }
  *check = c;
  return r;
}

double gb_sum_doubles(const double *x, int64_t n) { return sum_c((const char *)x, 8, n, 0, 0); }

double gb_max_doubles(const double *x, int64_t n) {
  double check;
  return extreme_f64(x, n, 1, 0, -INFINITY, &check);
}

/*
** Extremes.  Contiguous runs go to extreme_f64, strided ones to a plain
** loop with the same check (x - x summed).  Only when the check is NaN is
** the run scanned again, to tell NaN from infinity.  NaN wins (NANMODE 0)
** or is skipped, an all-NaN run giving NaN (NANMODE 1).
*/
#define EXTREME(NAME, MAP, BETTER, NANMODE, COMB, WANTMAX, ABSVAL)              \
  static double NAME##_run(const char *p, int64_t s, int64_t n, double m, double pw) { \
    const double init = WANTMAX ? -INFINITY : INFINITY;                         \
    double r = init, check = 0;                                                 \
    (void)m; (void)pw;                                                          \
    if (s == 8) {                                                               \
      r = extreme_f64((const double *)p, n, WANTMAX, ABSVAL, init, &check);     \
    } else {                                                                    \
      for (int64_t i = 0; i < n; i++) {                                         \
        double x = AT(double, p, i, s), v = (MAP);                              \
        r = BETTER(v, r) ? v : r;                                               \
        check += v - v;                                                         \
      }                                                                         \
    }                                                                           \
    if (check != check || (NANMODE == 1 && r == init)) {                        \
      int nan = 0, num = 0;                                                     \
      for (int64_t i = 0; i < n; i++) {                                         \
        double x = AT(double, p, i, s), v = (MAP);                              \
        if (v != v) nan = 1; else num = 1;                                      \
      }                                                                         \
      if (NANMODE == 0 ? nan : !num) return NAN;                                \
    }                                                                           \
    return r;                                                                   \
  }                                                                             \
  static void NAME##_elem(char *o, int64_t os, const char *p, int64_t s,        \
                          const char *mp, int64_t ms, int64_t n, double pw) {   \
    (void)mp; (void)ms; (void)pw;                                               \
    for (int64_t i = 0; i < n; i++) {                                           \
      double x = AT(double, p, i, s), *q = (double *)(o + i * os);              \
      *q = COMB(*q, (MAP));                                                     \
    }                                                                           \
  }

#define GT(a, b) ((a) > (b))
#define LT(a, b) ((a) < (b))
EXTREME(max, x, GT, 0, c_max, 1, 0)
EXTREME(min, x, LT, 0, c_min, 0, 0)
EXTREME(nanmax, x, GT, 1, c_nanmax, 1, 0)
EXTREME(nanmin, x, LT, 1, c_nanmin, 0, 0)
EXTREME(maxabs, fabs(x), GT, 0, c_max, 1, 1)
EXTREME(minabs, fabs(x), LT, 0, c_min, 0, 1)

typedef struct fop {
  double init;
  frun_fn run;
  felem_fn elem;
  double (*comb)(double, double);
} fop;

static const fop fops[GB_NREDOP] = {
  [GB_RSUM] = {0.0, sum_run, sum_elem, c_add},
  [GB_RPROD] = {1.0, prod_run, prod_elem, c_mul},
  [GB_RMIN] = {INFINITY, min_run, min_elem, c_min},
  [GB_RMAX] = {-INFINITY, max_run, max_elem, c_max},
  [GB_RNANSUM] = {0.0, nansum_run, nansum_elem, c_add},
  [GB_RNANMIN] = {NAN, nanmin_run, nanmin_elem, c_nanmin},
  [GB_RNANMAX] = {NAN, nanmax_run, nanmax_elem, c_nanmax},
  [GB_RSUMSQ] = {0.0, sumsq_run, sumsq_elem, c_add},
  [GB_RSUMEXP] = {0.0, sumexp_fast, sumexp_elem, c_add},
  [GB_RSUMABS] = {0.0, sumabs_run, sumabs_elem, c_add},
  [GB_RSUMPOW] = {0.0, sumpow_run, sumpow_elem, c_add},
  [GB_RMAXABS] = {0.0, maxabs_run, maxabs_elem, c_max},
  [GB_RMINABS] = {INFINITY, minabs_run, minabs_elem, c_min},
};

/* n elements of dtype dt at p (stride s) as doubles into buf. */
static void to_double(int dt, const char *p, int64_t s, int64_t n, double *buf) {
  switch (dt) {
    case GB_FLOAT32: for (int64_t i = 0; i < n; i++) buf[i] = AT(float, p, i, s); break;
    case GB_INT64: for (int64_t i = 0; i < n; i++) buf[i] = (double)AT(int64_t, p, i, s); break;
    case GB_BOOL: for (int64_t i = 0; i < n; i++) buf[i] = AT(unsigned char, p, i, s) != 0; break;
    default: for (int64_t i = 0; i < n; i++) buf[i] = AT(double, p, i, s); break;
  }
}

/* Kernels with int64 accumulators --------------------------------------------- */

typedef int64_t (*irun_fn)(const char *p, int64_t s, int64_t n);
typedef void (*ielem_fn)(char *o, int64_t os, const char *p, int64_t s, int64_t n);

/* Integer sums and products wrap around, as in NumPy (unsigned arithmetic
   keeps that defined). */
static int64_t i_add(int64_t a, int64_t b) { return (int64_t)((uint64_t)a + (uint64_t)b); }
static int64_t i_mul(int64_t a, int64_t b) { return (int64_t)((uint64_t)a * (uint64_t)b); }
static int64_t i_max(int64_t a, int64_t b) { return b > a ? b : a; }
static int64_t i_min(int64_t a, int64_t b) { return b < a ? b : a; }

#define IFOLD(NAME, T, INIT, MAP, COMB)                                         \
  static int64_t NAME##_run(const char *p, int64_t s, int64_t n) {              \
    int64_t r = (INIT);                                                         \
    for (int64_t i = 0; i < n; i++) { T x = AT(T, p, i, s); r = COMB(r, (int64_t)(MAP)); } \
    return r;                                                                   \
  }                                                                             \
  static void NAME##_elem(char *o, int64_t os, const char *p, int64_t s, int64_t n) { \
    for (int64_t i = 0; i < n; i++) {                                           \
      T x = AT(T, p, i, s);                                                     \
      int64_t *q = (int64_t *)(o + i * os);                                     \
      *q = COMB(*q, (int64_t)(MAP));                                            \
    }                                                                           \
  }

typedef unsigned char gb_bool_t;

IFOLD(isum_i, int64_t, 0, x, i_add)
IFOLD(isum_b, gb_bool_t, 0, x != 0, i_add)
IFOLD(iprod_i, int64_t, 1, x, i_mul)
IFOLD(iprod_b, gb_bool_t, 1, x != 0, i_mul)
IFOLD(imin_i, int64_t, INT64_MAX, x, i_min)
IFOLD(imin_b, gb_bool_t, 1, x != 0, i_min)
IFOLD(imax_i, int64_t, INT64_MIN, x, i_max)
IFOLD(imax_b, gb_bool_t, 0, x != 0, i_max)

/* Counts, for every input dtype. */
#define COUNTS(SUF, T)                                                          \
  IFOLD(count_##SUF, T, 0, x != 0, i_add)                                       \
  IFOLD(countnum_##SUF, T, 0, x == x, i_add)                                    \
  IFOLD(any_##SUF, T, 0, x != 0, i_max)                                         \
  IFOLD(all_##SUF, T, 1, x != 0, i_min)

COUNTS(b, gb_bool_t)
COUNTS(i, int64_t)
COUNTS(f, float)
COUNTS(d, double)

typedef struct iop {
  int64_t init;
  irun_fn run[GB_NDTYPE];         /* by input dtype; NULL: not supported */
  ielem_fn elem[GB_NDTYPE];
  int64_t (*comb)(int64_t, int64_t);
} iop;

#define BYDT(NAME) {NAME##_b_run, NAME##_i_run, NAME##_f_run, NAME##_d_run}, \
                   {NAME##_b_elem, NAME##_i_elem, NAME##_f_elem, NAME##_d_elem}
#define INTONLY(NAME) {NAME##_b_run, NAME##_i_run, NULL, NULL}, \
                      {NAME##_b_elem, NAME##_i_elem, NULL, NULL}

static const iop iops[GB_NREDOP] = {
  [GB_RSUM] = {0, INTONLY(isum), i_add},
  [GB_RPROD] = {1, INTONLY(iprod), i_mul},
  [GB_RMIN] = {INT64_MAX, INTONLY(imin), i_min},
  [GB_RMAX] = {INT64_MIN, INTONLY(imax), i_max},
  [GB_RCOUNT] = {0, BYDT(count), i_add},
  [GB_RCOUNTNUM] = {0, BYDT(countnum), i_add},
  [GB_RANY] = {0, BYDT(any), i_max},
  [GB_RALL] = {1, BYDT(all), i_min},
};

/* The engine ------------------------------------------------------------------ */

/* out seen with a's shape: stride 0 along the axes it reduces. */
static void spread(gb_array *v, const gb_array *out, const gb_array *a) {
  *v = *out;
  v->size = a->size;
  for (int i = 0; i < a->ndim; i++) {
    v->shape[i] = a->shape[i];
    if (out->shape[i] == 1) v->strides[i] = 0;
  }
}

static void fill(gb_array *out, double d, int64_t i) {
  gb_iter it;
  if (!gb_iter_init(&it, 1, (const gb_array *[]){out})) return;
  do
    for (int64_t j = 0; j < it.n; j++) {
      char *q = it.ptr[0] + j * it.stride[0];
      if (out->dtype == GB_FLOAT64) memcpy(q, &d, sizeof d);
      else memcpy(q, &i, sizeof i);
    }
  while (gb_iter_next(&it));
}

typedef struct engine {
  const fop *f;                   /* one of these two */
  const iop *i;
  int dtype;                      /* input dtype */
  double pw;
  int64_t work;                   /* elements since the last interrupt check */
} engine;

static int tick(gb_ctx *ctx, engine *e, int64_t n) {
  e->work += n;
  if (e->work < GB_CHECK_EVERY) return GB_OK;
  e->work = 0;
  return gb_interrupted(ctx) ? GB_EINTERRUPTED : GB_OK;
}

/*
** A long run of doubles folded into one output: its pieces are folded on
** all threads and combined in order afterwards, so the result is the one
** a single thread gets.  Returns 0 (and does nothing) when it cannot
** allocate the pieces' results.
*/
static int run_pieces(gb_ctx *ctx, engine *e, double *q, const char *x, int64_t xs, double m, int64_t n,
                      int *st) {
  int64_t np = (n + PIECE - 1) / PIECE;
  double *part = gb_alloc(ctx, sizeof(double) * (size_t)np);
  if (!part) return 0;
  atomic_int stop = 0;
#pragma omp parallel for schedule(static)
  for (int64_t k = 0; k < np; k++) {
    /* an interrupt is looked for before each piece; the rest are skipped */
    if (atomic_load_explicit(&stop, memory_order_relaxed)) continue;
    if (gb_interrupted(ctx)) { atomic_store(&stop, 1); continue; }
    int64_t off = k * PIECE, len = n - off < PIECE ? n - off : PIECE;
    part[k] = e->f->run(x + off * xs, xs, len, m, e->pw);
  }
  if (!stop)
    for (int64_t k = 0; k < np; k++) *q = e->f->comb(*q, part[k]);
  gb_free(ctx, part);
  *st = stop ? GB_EINTERRUPTED : tick(ctx, e, n);
  return 1;
}

/* One inner run: out o (stride os, 0 when the run is reduced), input x,
   aux m. */
static int run(gb_ctx *ctx, engine *e, char *o, int64_t os, const char *x, int64_t xs,
               const char *m, int64_t ms, int64_t n) {
  double buf[CHUNK];
  int conv = e->f && e->dtype != GB_FLOAT64, st;
  int64_t piece = conv ? CHUNK : PIECE;
  if (e->f && !conv && os == 0 && n >= 4 * PIECE &&
      run_pieces(ctx, e, (double *)o, x, xs, *(const double *)m, n, &st))
    return st;
  for (int64_t off = 0; off < n; off += piece) {
    int64_t len = n - off < piece ? n - off : piece;
    const char *src = x + off * xs;
    int64_t ss = xs;
    if (e->f) {
      if (conv) {
        to_double(e->dtype, src, xs, len, buf);
        src = (const char *)buf;
        ss = sizeof(double);
      }
      if (os == 0) {
        double *q = (double *)o;
        *q = e->f->comb(*q, e->f->run(src, ss, len, *(const double *)m, e->pw));
      } else {
        e->f->elem(o + off * os, os, src, ss, m + off * ms, ms, len, e->pw);
      }
    } else if (os == 0) {
      int64_t *q = (int64_t *)o;
      *q = e->i->comb(*q, e->i->run[e->dtype](src, ss, len));
    } else {
      e->i->elem[e->dtype](o + off * os, os, src, ss, len);
    }
    if (tick(ctx, e, len)) return GB_EINTERRUPTED;
  }
  return GB_OK;
}

/* Fold a into out (already holding the identity), one thread. */
static int reduce_serial(gb_ctx *ctx, engine *e, const gb_array *a, const gb_array *out, const gb_array *aux) {
  static const double zero = 0.0;
  gb_array v[3];
  gb_iter it;
  spread(&v[0], out, a);
  v[1] = *a;
  if (aux) spread(&v[2], aux, a);
  else {
    v[2] = *a;
    v[2].data = (char *)&zero;
    for (int i = 0; i < a->ndim; i++) v[2].strides[i] = 0;
  }
  gb_axes_in_memory_order(v, 3, 1);
  if (!gb_iter_init(&it, 3, (const gb_array *[]){&v[0], &v[1], &v[2]})) return GB_OK;
  do {
    int st = run(ctx, e, it.ptr[0], it.stride[0], it.ptr[1], it.stride[1],
                 it.ptr[2], it.stride[2], it.n);
    if (st) return st;
  } while (gb_iter_next(&it));
  return GB_OK;
}

/* The part [lo, hi) of v along axis ax (0 <= lo < hi <= its length). */
static gb_array slab(const gb_array *v, int ax, int64_t lo, int64_t hi) {
  gb_array s = *v;
  s.data += lo * v->strides[ax];
  s.shape[ax] = hi - lo;
  s.size = v->shape[ax] ? v->size / v->shape[ax] * (hi - lo) : 0;
  return s;
}

int gb_reduce(gb_ctx *ctx, int op, const gb_array *a, gb_array *out, const gb_array *aux, double p) {
  engine e = {NULL, NULL, a->dtype, p, 0};
  if (op < 0 || op >= GB_NREDOP) return GB_EINVAL;
  if (out->ndim != a->ndim) return GB_ESHAPE;
  for (int i = 0; i < a->ndim; i++)
    if (out->shape[i] != a->shape[i] && out->shape[i] != 1) return GB_ESHAPE;
  if (aux) {
    if (aux->dtype != GB_FLOAT64) return GB_EDTYPE;
    if (aux->ndim != out->ndim) return GB_ESHAPE;
    for (int i = 0; i < out->ndim; i++)
      if (aux->shape[i] != out->shape[i]) return GB_ESHAPE;
  }
  if (out->dtype == GB_FLOAT64 && fops[op].run) e.f = &fops[op];
  else if (out->dtype == GB_INT64 && iops[op].comb && iops[op].run[a->dtype]) e.i = &iops[op];
  else return GB_EDTYPE;
  fill(out, e.f ? e.f->init : 0.0, e.i ? e.i->init : 0);
  if (a->size == 0) return GB_OK;
#ifdef _OPENMP
  /* A large fold with a kept axis: slabs along the longest kept axis are
     folded on their own threads.  Each output element still sees its
     inputs in the same order, so the result does not depend on the
     number of threads. */
  int ax = -1, nt = omp_get_max_threads();
  for (int i = 0; i < a->ndim; i++)
    if (out->shape[i] == a->shape[i] && a->shape[i] > 1 && (ax < 0 || a->shape[i] > a->shape[ax]))
      ax = i;
  if (ax >= 0 && nt > 1 && a->size >= 4 * PIECE) {
    int64_t len = a->shape[ax], parts = len < nt ? len : nt;
    atomic_int status = GB_OK;
#pragma omp parallel for schedule(static)
    for (int64_t k = 0; k < parts; k++) {
      int64_t lo = len * k / parts, hi = len * (k + 1) / parts;
      gb_array as = slab(a, ax, lo, hi), os = slab(out, ax, lo, hi), xs;
      if (aux) xs = slab(aux, ax, lo, hi);
      engine ek = e;
      int st = reduce_serial(ctx, &ek, &as, &os, aux ? &xs : NULL);
      int expect = GB_OK;
      if (st != GB_OK) atomic_compare_exchange_strong(&status, &expect, st);
    }
    return atomic_load(&status);
  }
#endif
  return reduce_serial(ctx, &e, a, out, aux);
}

/* argmin and argmax ------------------------------------------------------------- */

/*
** Contiguous doubles, in blocks: the extreme of each block is found by
** extreme_f64, and only the block that holds the final extreme (or a NaN)
** is scanned again for its position.  Long runs are cut into pieces
** searched on all threads; the first NaN, else the first of the extremes
** of the pieces taken in order, is the same answer one thread gives.
*/
#define ARGBLOCK 256
static int64_t argext_piece(const double *x, int64_t n, int want_max) {
  double best = x[0], init = want_max ? -INFINITY : INFINITY;
  int64_t bb = 0;
  for (int64_t b = 0; b < n; b += ARGBLOCK) {
    int64_t len = n - b < ARGBLOCK ? n - b : ARGBLOCK;
    double check, r = extreme_f64(x + b, len, want_max, 0, init, &check);
    if (check != check)
      for (int64_t i = 0; i < len; i++) if (x[b + i] != x[b + i]) return b + i;
    if (want_max ? r > best : r < best) { best = r; bb = b; }
  }
  for (int64_t i = bb;; i++) if (x[i] == best) return i;
}

static int64_t argext_f64c(gb_ctx *ctx, const double *x, int64_t n, int want_max) {
  int64_t np = (n + PIECE - 1) / PIECE, *at;
  if (n < 4 * PIECE || !(at = gb_alloc(ctx, sizeof(int64_t) * (size_t)np)))
    return argext_piece(x, n, want_max);
#pragma omp parallel for schedule(static)
  for (int64_t k = 0; k < np; k++) {
    int64_t off = k * PIECE, len = n - off < PIECE ? n - off : PIECE;
    at[k] = off + argext_piece(x + off, len, want_max);
  }
  int64_t best = at[0];
  for (int64_t k = 0; k < np && x[best] == x[best]; k++) {
    double v = x[at[k]];
    if (v != v || (want_max ? v > x[best] : v < x[best])) best = at[k];
  }
  gb_free(ctx, at);
  return best;
}

/* Any dtype and stride: the first extreme, or the first NaN. */
#define ARGEXT(NAME, T, BETTER)                                                 \
  static int64_t NAME(const char *p, int64_t s, int64_t n) {                    \
    T best = AT(T, p, 0, s);                                                    \
    int64_t bi = 0;                                                             \
    if (best != best) return 0;                                                 \
    for (int64_t i = 1; i < n; i++) {                                           \
      T x = AT(T, p, i, s);                                                     \
      if (BETTER(x, best)) { best = x; bi = i; }                                \
      else if (x != x) return i;                                                \
    }                                                                           \
    return bi;                                                                  \
  }

ARGEXT(argmax_d, double, GT)
ARGEXT(argmin_d, double, LT)
ARGEXT(argmax_f, float, GT)
ARGEXT(argmin_f, float, LT)
ARGEXT(argmax_i, int64_t, GT)
ARGEXT(argmin_i, int64_t, LT)

typedef struct argctx { int dtype, max; } argctx;

static int arg_lane(gb_ctx *ctx, void *ud, const char *in, int64_t is, int64_t n,
                    char *out, int64_t os, int64_t on) {
  const argctx *c = ud;
  int64_t k;
  (void)os; (void)on;
  if (n == 0) return GB_EINVAL;
  switch (c->dtype) {
    case GB_FLOAT64:
      if (is == sizeof(double))
        k = argext_f64c(ctx, (const double *)in, n, c->max);
      else
        k = c->max ? argmax_d(in, is, n) : argmin_d(in, is, n);
      break;
    case GB_FLOAT32: k = c->max ? argmax_f(in, is, n) : argmin_f(in, is, n); break;
    case GB_INT64: k = c->max ? argmax_i(in, is, n) : argmin_i(in, is, n); break;
    default: {
      /* bool: the first true (false), else the first element */
      k = 0;
      for (int64_t i = 0; i < n; i++)
        if ((AT(gb_bool_t, in, i, is) != 0) == c->max) { k = i; break; }
    }
  }
  k += 1;
  memcpy(out, &k, sizeof k);
  return GB_OK;
}

static int argext(gb_ctx *ctx, const gb_array *a, int axis, gb_array *out, int max) {
  argctx c = {a->dtype, max};
  if (out->dtype != GB_INT64 || out->shape[axis] != 1) return GB_EDTYPE;
  if (a->shape[axis] == 0) {
    for (int i = 0; i < a->ndim; i++)
      if (i != axis && a->shape[i] == 0) return GB_OK;   /* no lanes */
    return GB_EINVAL;
  }
  return gb_for_lanes(ctx, a, out, axis, arg_lane, &c);
}

int gb_argmax(gb_ctx *ctx, const gb_array *a, int axis, gb_array *out) { return argext(ctx, a, axis, out, 1); }
int gb_argmin(gb_ctx *ctx, const gb_array *a, int axis, gb_array *out) { return argext(ctx, a, axis, out, 0); }

/* Cumulative sums and products ------------------------------------------------- */

typedef struct cumctx { int dtype, odtype, prod; } cumctx;

static int cum_lane(gb_ctx *ctx, void *ud, const char *in, int64_t is, int64_t n,
                    char *out, int64_t os, int64_t on) {
  const cumctx *c = ud;
  (void)ctx; (void)on;
  if (c->odtype == GB_FLOAT64) {
    double acc = c->prod ? 1.0 : 0.0;
    if (c->dtype == GB_FLOAT64) {
      for (int64_t i = 0; i < n; i++) {
        double x = AT(double, in, i, is);
        acc = c->prod ? acc * x : acc + x;
        *(double *)(out + i * os) = acc;
      }
    } else {
      for (int64_t i = 0; i < n; i++) {
        double x = gb_get_double(c->dtype, in + i * is);
        acc = c->prod ? acc * x : acc + x;
        *(double *)(out + i * os) = acc;
      }
    }
  } else {
    int64_t acc = c->prod ? 1 : 0;
    for (int64_t i = 0; i < n; i++) {
      int64_t x = gb_get_int(c->dtype, in + i * is);
      acc = c->prod ? i_mul(acc, x) : i_add(acc, x);
      *(int64_t *)(out + i * os) = acc;
    }
  }
  return GB_OK;
}

static int cumulative(gb_ctx *ctx, const gb_array *a, int axis, gb_array *out, int prod) {
  cumctx c = {a->dtype, out->dtype, prod};
  if (out->dtype != GB_FLOAT64 &&
      !(out->dtype == GB_INT64 && (a->dtype == GB_INT64 || a->dtype == GB_BOOL)))
    return GB_EDTYPE;
  if (out->shape[axis] != a->shape[axis]) return GB_ESHAPE;
  return gb_for_lanes(ctx, a, out, axis, cum_lane, &c);
}

int gb_cumsum(gb_ctx *ctx, const gb_array *a, int axis, gb_array *out) { return cumulative(ctx, a, axis, out, 0); }
int gb_cumprod(gb_ctx *ctx, const gb_array *a, int axis, gb_array *out) { return cumulative(ctx, a, axis, out, 1); }

/* Quantiles ------------------------------------------------------------------- */

typedef struct qctx {
  int dtype, nq, median;
  const double *q;
  uint64_t *key, *tmp;            /* lane length each */
  int64_t *need;                  /* 2 nq order statistics */
} qctx;

/* NumPy's _lerp: a + (b - a) t, computed from b's side when t >= 1/2. */
static double lerp(double a, double b, double t) {
  double d = b - a;
  return t >= 0.5 ? b - d * (1.0 - t) : a + d * t;
}

/* NumPy's 'linear' method: virtual index n q + (1 - q) - 1, clamped. */
static void qindex(int64_t n, double q, int64_t *lo, int64_t *hi, double *gamma) {
  double h = (double)n * q + (1.0 + q * (1.0 - 1.0 - 1.0)) - 1.0;
  double prev = floor(h);
  if (h >= (double)(n - 1)) {
    *lo = *hi = n - 1;
    prev = -1.0;                  /* NumPy's index -1, which shapes gamma */
  } else if (h < 0) {
    *lo = *hi = 0;
    prev = 0.0;
  } else {
    *lo = (int64_t)prev;
    *hi = *lo + 1;
  }
  *gamma = h - prev;
}

static void sort_small(int64_t *v, int n) {
  for (int i = 1; i < n; i++)
    for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
      int64_t t = v[j]; v[j] = v[j - 1]; v[j - 1] = t;
    }
}

static int q_lane(gb_ctx *ctx, void *ud, const char *in, int64_t is, int64_t n,
                  char *out, int64_t os, int64_t on) {
  qctx *c = ud;
  int nneed = 0, nan = 0;
  (void)on;
  for (int64_t i = 0; i < n; i++) {
    double x = gb_get_double(c->dtype, in + i * is);
    nan |= x != x;
    c->key[i] = gb_key_f64(x);
  }
  if (n == 0 || nan) {
    for (int k = 0; k < c->nq; k++) *(double *)(out + k * os) = NAN;
    return GB_OK;
  }
  /* Put the order statistics needed in place: selections from left to
     right, each in what the previous one left on its right; or one sort
     when many are needed. */
  if (c->median) {
    c->need[nneed++] = (n - 1) / 2;
    c->need[nneed++] = n / 2;
  } else {
    for (int k = 0; k < c->nq; k++) {
      int64_t lo, hi;
      double g;
      qindex(n, c->q[k], &lo, &hi, &g);
      c->need[nneed++] = lo;
      c->need[nneed++] = hi;
    }
  }
  if (nneed > 32) {
    int st = gb_radix_sort(ctx, c->key, NULL, n, c->tmp, NULL);
    if (st) return st;
  } else {
    int64_t start = 0;
    sort_small(c->need, nneed);
    for (int k = 0; k < nneed; k++) {
      if (c->need[k] < start) continue;
      gb_select(c->key + start, NULL, n - start, c->need[k] - start);
      start = c->need[k] + 1;
    }
  }
  if (c->median) {
    double a = gb_unkey_f64(c->key[(n - 1) / 2]), b = gb_unkey_f64(c->key[n / 2]);
    *(double *)out = n % 2 ? a : (a + b) / 2.0;
    return GB_OK;
  }
  for (int k = 0; k < c->nq; k++) {
    int64_t lo, hi;
    double g;
    qindex(n, c->q[k], &lo, &hi, &g);
    *(double *)(out + k * os) = lerp(gb_unkey_f64(c->key[lo]), gb_unkey_f64(c->key[hi]), g);
  }
  return GB_OK;
}

int gb_quantile(gb_ctx *ctx, const gb_array *a, int axis, int nq, const double *q, int median,
                gb_array *out) {
  qctx c = {a->dtype, median ? 1 : nq, median, q, NULL, NULL, NULL};
  int64_t n = a->shape[axis];
  int st;
  if (out->dtype != GB_FLOAT64) return GB_EDTYPE;
  if (out->shape[axis] != c.nq || c.nq < 1) return GB_ESHAPE;
  for (int k = 0; !median && k < nq; k++)
    if (!(q[k] >= 0.0 && q[k] <= 1.0)) return GB_EINVAL;
  c.key = gb_alloc(ctx, sizeof(uint64_t) * (size_t)(n ? n : 1));
  c.tmp = gb_alloc(ctx, sizeof(uint64_t) * (size_t)(n ? n : 1));
  c.need = gb_alloc(ctx, sizeof(int64_t) * 2 * (size_t)c.nq);
  if (!c.key || !c.tmp || !c.need) st = GB_ENOMEM;
  else st = gb_for_lanes(ctx, a, out, axis, q_lane, &c);
  gb_free(ctx, c.key);
  gb_free(ctx, c.tmp);
  gb_free(ctx, c.need);
  return st;
}
