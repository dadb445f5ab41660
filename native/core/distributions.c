/*
** Non-uniform distributions on top of xoshiro256++ (see distributions.h).
**
**   normal, exponential  256-layer ziggurat (Marsaglia and Tsang 2000, with
**                        Doornik's 2005 layout: one 64-bit draw gives the
**                        layer, the sign and a 52/53-bit uniform)
**   gamma                Marsaglia and Tsang 2000; shape < 1 by the boost
**                        G(k) = G(k + 1) U^(1/k), done in logarithms
**   beta                 two gammas (in logarithms when a parameter is < 1)
**   chi-square, t,       from gammas and normals
**   lognormal, Cauchy,
**   Laplace
**   Poisson              inversion for lam < 10, PTRS (Hoermann 1993) above
**   binomial             inversion for n min(p, 1-p) < 10, BTRS (Hoermann
**                        1993) above
**   geometric            inversion
**   categorical          Walker/Vose alias table, or inverse CDF by binary
**                        search when drawing few
**   sampling             Floyd's algorithm or a partial Fisher-Yates without
**                        weights; with weights, exponential keys
**                        (Efraimidis and Spirakis 2006)
*/
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "distributions.h"

#define INTERRUPTED(i) \
  (((i) & (GB_CHECK_EVERY - 1)) == GB_CHECK_EVERY - 1 && gb_interrupted(ctx))

/* Deterministic elementary functions ------------------------------------- */

static const double LN2_HI = 6.93147180369123816490e-01;   /* 32 significant bits */
static const double LN2_LO = 1.90821492927058770002e-10;
static const double INV_LN2 = 1.44269504088896338700e+00;

double gb_dexp(double x) {
  if (x != x) return x;
  if (x > 709.782712893384) return HUGE_VAL;
  if (x < -745.2) return 0.0;
  /* x = k ln2 + r, |r| <= ln2/2; k ln2_hi is exact for |k| < 2^21 */
  double k = floor(x * INV_LN2 + 0.5);
  double r = (x - k * LN2_HI) - k * LN2_LO;
  /* Taylor series of exp(r) to r^13: the remainder is below 2^-57 */
  double p = 1.0 / 6227020800.0;
  p = p * r + 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r * r + r;      /* exp(r) - 1, kept apart from the 1 for accuracy */
  return ldexp(1.0 + p, (int)k);
}

double gb_dlog(double x) {
  int e;
  if (x != x || x < 0) return NAN;
  if (x == 0) return -HUGE_VAL;
  if (x == HUGE_VAL) return x;
  double m = frexp(x, &e);                   /* x = m 2^e, m in [1/2, 1) */
  if (m < 0.70710678118654752440) { m *= 2; e--; }
  double f = m - 1.0;                        /* exact, |f| < 0.42 */
  /* log(1 + f) = 2 atanh(s), s = f / (2 + f), |s| < 0.172; written as
     f - (hfsq - s (hfsq + R)) so that f itself is not rounded */
  double s = f / (2.0 + f);
  double z = s * s;
  double R = 1.0 / 25.0;
  R = R * z + 1.0 / 23.0;
  R = R * z + 1.0 / 21.0;
  R = R * z + 1.0 / 19.0;
  R = R * z + 1.0 / 17.0;
  R = R * z + 1.0 / 15.0;
  R = R * z + 1.0 / 13.0;
  R = R * z + 1.0 / 11.0;
  R = R * z + 1.0 / 9.0;
  R = R * z + 1.0 / 7.0;
  R = R * z + 1.0 / 5.0;
  R = R * z + 1.0 / 3.0;
  R = 2.0 * z * R;
  double hfsq = 0.5 * f * f;
  double dk = (double)e;
  return dk * LN2_HI - ((hfsq - (s * (hfsq + R) + dk * LN2_LO)) - f);
}

double gb_dlog1p(double x) {
  if (x != x || x < -1) return NAN;
  double u = 1.0 + x;
  if (u == 1.0) return x;
  if (x == HUGE_VAL) return x;
  /* log(u) plus the first-order correction for the rounding of 1 + x */
  return gb_dlog(u) + (x - (u - 1.0)) / u;
}

/* Tables, built once --------------------------------------------------------- */

#define ZIG_N 256
#define LOGFACT_N 128

/* Layer i of a ziggurat is [0, x[i]) wide; points left of x[i+1] are
   under the curve.  k[i] is x[i+1]/x[i] as a 52- or 53-bit integer, w[i]
   scales such an integer to x, and f[i] = f(x[i]). */
typedef struct zig {
  uint64_t k[ZIG_N];
  double w[ZIG_N];
  double f[ZIG_N + 1];
  double r, inv_r;            /* start of the tail */
} zig;

static zig zig_nor, zig_exp;
static double logfact[LOGFACT_N];
static atomic_int tables_ready;
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static double nor_f(double x) { return gb_dexp(-0.5 * x * x); }
static double nor_finv(double y) { return sqrt(-2.0 * gb_dlog(y)); }
static double exp_f(double x) { return gb_dexp(-x); }
static double exp_finv(double y) { return -gb_dlog(y); }

/*
** r is where the tail starts and v the area of each layer, solved for 256
** layers (r as in Doornik 2005 and NumPy; v = r f(r) + the tail's area,
** computed with SciPy: tests/fixtures/make_rng.py checks both).  bits is
** the width of the uniform integer compared with k[].
*/
static void zig_build(zig *z, double r, double v, double (*f)(double),
                      double (*finv)(double), int bits) {
  double x[ZIG_N + 1];
  double scale = ldexp(1.0, bits);
  x[0] = v / f(r);                 /* the base layer's width, tail included */
  x[1] = r;
  for (int i = 1; i < ZIG_N - 1; i++) x[i + 1] = finv(v / x[i] + f(x[i]));
  x[ZIG_N] = 0;
  for (int i = 0; i < ZIG_N; i++) {
    z->k[i] = (uint64_t)(x[i + 1] / x[i] * scale);
    z->w[i] = x[i] / scale;
    z->f[i] = f(x[i]);
  }
  z->f[ZIG_N] = 1.0;
  z->r = r;
  z->inv_r = 1.0 / r;
}

static void build_tables(void) {
  zig_build(&zig_nor, 3.6541528853610088, 0.004928673233974658, nor_f, nor_finv, 52);
  zig_build(&zig_exp, 7.6971174701310497, 0.0039496598225815571, exp_f, exp_finv, 53);
  logfact[0] = 0;
  for (int i = 1; i < LOGFACT_N; i++) logfact[i] = logfact[i - 1] + gb_dlog((double)i);
  atomic_store_explicit(&tables_ready, 1, memory_order_release);
}

static inline void need_tables(void) {
  if (!atomic_load_explicit(&tables_ready, memory_order_acquire))
    pthread_once(&tables_once, build_tables);
}

double gb_dlogfact(double k) {
  need_tables();
  if (k < LOGFACT_N) return logfact[(int)k];
  /* Stirling's series for log Gamma(x), x = k + 1 >= 129: the first
     omitted term is below 1e-22 */
  double x = k + 1.0, ix = 1.0 / x, ix2 = ix * ix;
  double s = ix * (1.0 / 12.0 - ix2 * (1.0 / 360.0 - ix2 * (1.0 / 1260.0 - ix2 * (1.0 / 1680.0))));
  return (x - 0.5) * gb_dlog(x) - x + 0.91893853320467274178 + s;
}

/* Normal and exponential ---------------------------------------------------------- */

static double normal_slow(gb_rng *g, int i, int neg, double x) {
  const zig *z = &zig_nor;
  for (;;) {
    if (i == 0) {
      /* the tail beyond r: Marsaglia's method */
      double xx, yy;
      do {
        xx = -gb_dlog(gb_rng_uniform_pos(g)) * z->inv_r;
        yy = -gb_dlog(gb_rng_uniform_pos(g));
      } while (yy + yy < xx * xx);
      x = z->r + xx;
      return neg ? -x : x;
    }
    /* the wedge between x[i+1] and x[i] */
    if (z->f[i] + gb_rng_uniform(g) * (z->f[i + 1] - z->f[i]) < nor_f(x))
      return neg ? -x : x;
    /* rejected: start again */
    uint64_t r = gb_rng_next(g);
    i = (int)(r & 0xff);
    neg = (int)((r >> 8) & 1);
    uint64_t j = r >> 12;
    x = (double)(int64_t)j * z->w[i];
    if (j < z->k[i]) return neg ? -x : x;
  }
}

/* -x when bit 8 of r is set, without a branch (the sign is a coin toss,
   which a branch predictor cannot learn) */
static inline double with_sign(double x, uint64_t r) {
  uint64_t b;
  memcpy(&b, &x, sizeof b);
  b ^= (r & 0x100) << 55;
  memcpy(&x, &b, sizeof b);
  return x;
}

static inline double normal_draw(gb_rng *g) {
  uint64_t r = gb_rng_next(g);
  int i = (int)(r & 0xff);
  uint64_t j = r >> 12;
  double x = (double)(int64_t)j * zig_nor.w[i];
  if (j < zig_nor.k[i]) return with_sign(x, r);
  return normal_slow(g, i, (int)((r >> 8) & 1), x);
}

static double exponential_slow(gb_rng *g, int i, double x) {
  const zig *z = &zig_exp;
  double shift = 0;
  for (;;) {
    if (i == 0) {
      shift += z->r;            /* memoryless: the tail is r + Exp(1) */
    } else if (z->f[i] + gb_rng_uniform(g) * (z->f[i + 1] - z->f[i]) < exp_f(x)) {
      return shift + x;
    }
    uint64_t r = gb_rng_next(g);
    i = (int)(r & 0xff);
    uint64_t j = r >> 11;
    x = (double)(int64_t)j * z->w[i];
    if (j < z->k[i]) return shift + x;
  }
}

static inline double exponential_draw(gb_rng *g) {
  uint64_t r = gb_rng_next(g);
  int i = (int)(r & 0xff);
  uint64_t j = r >> 11;
  double x = (double)(int64_t)j * zig_exp.w[i];
  if (j < zig_exp.k[i]) return x;
  return exponential_slow(g, i, x);
}

double gb_rand_normal(gb_rng *g) {
  need_tables();
  return normal_draw(g);
}

double gb_rand_exponential(gb_rng *g) {
  need_tables();
  return exponential_draw(g);
}

/* Gamma and beta --------------------------------------------------------------------- */

/* Marsaglia-Tsang for shape k >= 1. */
static double gamma_mt(gb_rng *g, double k) {
  double d = k - 1.0 / 3.0, c = 1.0 / sqrt(9.0 * d);
  for (;;) {
    double x, v, u;
    do {
      x = normal_draw(g);
      v = 1.0 + c * x;
    } while (v <= 0);
    v = v * v * v;
    u = gb_rng_uniform(g);
    double x2 = x * x;
    if (u < 1.0 - 0.0331 * x2 * x2) return d * v;
    if (gb_dlog(u) < 0.5 * x2 + d * (1.0 - v + gb_dlog(v))) return d * v;
  }
}

double gb_rand_loggamma(gb_rng *g, double k) {
  need_tables();
  if (k >= 1) return gb_dlog(gamma_mt(g, k));
  if (k <= 0) return -HUGE_VAL;
  double lg = gb_dlog(gamma_mt(g, k + 1.0));
  return lg + gb_dlog(gb_rng_uniform_pos(g)) / k;
}

double gb_rand_gamma(gb_rng *g, double k) {
  need_tables();
  if (k >= 1) return gamma_mt(g, k);
  if (k <= 0) return 0;
  return gb_dexp(gb_rand_loggamma(g, k));
}

double gb_rand_beta(gb_rng *g, double a, double b) {
  need_tables();
  if (a >= 1 && b >= 1) {
    double x = gamma_mt(g, a), y = gamma_mt(g, b);
    return x / (x + y);
  }
  /* small shapes: gammas may underflow, their logarithms do not */
  double la = gb_rand_loggamma(g, a), lb = gb_rand_loggamma(g, b);
  if (la >= lb) return 1.0 / (1.0 + gb_dexp(lb - la));
  double t = gb_dexp(la - lb);
  return t / (1.0 + t);
}

/* Poisson ------------------------------------------------------------------------------ */

typedef struct poisson {
  double lam;
  double p0;                                /* inversion: exp(-lam) */
  double slam, loglam, a, b, invalpha, vr;  /* PTRS */
  double log_invalpha;
} poisson;

static void poisson_init(poisson *P, double lam) {
  memset(P, 0, sizeof *P);
  P->lam = lam;
  if (lam < 10) {
    P->p0 = gb_dexp(-lam);
    return;
  }
  P->slam = sqrt(lam);
  P->loglam = gb_dlog(lam);
  P->b = 0.931 + 2.53 * P->slam;
  P->a = -0.059 + 0.02483 * P->b;
  P->invalpha = 1.1239 + 1.1328 / (P->b - 3.4);
  P->vr = 0.9277 - 3.6224 / (P->b - 2);
  P->log_invalpha = gb_dlog(P->invalpha);
}

static int64_t poisson_draw(gb_rng *g, const poisson *P) {
  if (P->lam < 10) {
    if (P->lam == 0) return 0;
    for (;;) {
      double u = gb_rng_uniform(g), p = P->p0, s = p;
      int64_t k = 0;
      while (u >= s && k < 400) {    /* beyond 400 only rounding is left */
        k++;
        p *= P->lam / (double)k;
        s += p;
      }
      if (u < s) return k;
    }
  }
  for (;;) {
    double U = gb_rng_uniform(g) - 0.5;
    double V = gb_rng_uniform(g);
    double us = 0.5 - fabs(U);
    double k = floor((2 * P->a / us + P->b) * U + P->lam + 0.43);
    if (us >= 0.07 && V <= P->vr) return (int64_t)k;
    if (k < 0 || k > 9.2e18 || (us < 0.013 && V > us)) continue;
    if (gb_dlog(V) + P->log_invalpha - gb_dlog(P->a / (us * us) + P->b) <=
        -P->lam + k * P->loglam - gb_dlogfact(k))
      return (int64_t)k;
  }
}

/* Binomial ----------------------------------------------------------------------------- */

typedef struct binomial {
  double n, p;            /* p <= 1/2; flip says the draw is n - k */
  int flip;
  double qn, r;           /* inversion: (1-p)^n, p/(1-p) */
  double a, b, c, vr, alpha, lpq, m, h;   /* BTRS */
} binomial;

static void binomial_init(binomial *B, double n, double p) {
  memset(B, 0, sizeof *B);
  B->flip = p > 0.5;
  if (B->flip) p = 1 - p;
  B->n = n;
  B->p = p;
  double q = 1 - p;
  if (n * p < 10) {
    B->qn = gb_dexp(n * gb_dlog1p(-p));
    B->r = p / q;
    return;
  }
  double spq = sqrt(n * p * q);
  B->b = 1.15 + 2.53 * spq;
  B->a = -0.0873 + 0.0248 * B->b + 0.01 * p;
  B->c = n * p + 0.5;
  B->vr = 0.92 - 4.2 / B->b;
  B->alpha = (2.83 + 5.1 / B->b) * spq;
  B->lpq = gb_dlog(p / q);
  B->m = floor((n + 1) * p);
  B->h = gb_dlogfact(B->m) + gb_dlogfact(n - B->m);
}

static double binomial_core(gb_rng *g, const binomial *B) {
  if (B->p == 0) return 0;
  if (B->n * B->p < 10) {
    for (;;) {
      double u = gb_rng_uniform(g), pk = B->qn, s = pk, k = 0;
      while (u >= s && k < B->n) {
        k++;
        pk *= (B->n - k + 1) / k * B->r;
        s += pk;
      }
      if (u < s) return k;
    }
  }
  for (;;) {
    double U = gb_rng_uniform(g) - 0.5;
    double V = gb_rng_uniform(g);
    double us = 0.5 - fabs(U);
    double k = floor((2 * B->a / us + B->b) * U + B->c);
    if (us >= 0.07 && V <= B->vr) return k;
    if (k < 0 || k > B->n) continue;
    V = gb_dlog(V * B->alpha / (B->a / (us * us) + B->b));
    if (V <= B->h - gb_dlogfact(k) - gb_dlogfact(B->n - k) + (k - B->m) * B->lpq)
      return k;
  }
}

static int64_t binomial_draw(gb_rng *g, const binomial *B) {
  double k = binomial_core(g, B);
  return (int64_t)(B->flip ? B->n - k : k);
}

/* von Mises by Best and Fisher's wrapped-Cauchy envelope (Appl. Stat. 28,
   1979); near-uniform for tiny kappa, a wrapped normal for huge kappa where
   the envelope's arithmetic cancels.  Result in [-pi, pi). */
static double vonmises_draw(gb_rng *g, double mu, double kappa) {
  double x;
  if (kappa < 1e-8) {
    x = M_PI * (2 * gb_rng_uniform(g) - 1);
  } else if (kappa > 1e6) {
    x = normal_draw(g) / sqrt(kappa);
  } else {
    double s;
    if (kappa < 1e-5) {
      s = 1 / kappa + kappa;
    } else {
      double r = 1 + sqrt(1 + 4 * kappa * kappa);
      double rho = (r - sqrt(2 * r)) / (2 * kappa);
      s = (1 + rho * rho) / (2 * rho);
    }
    double w;
    for (;;) {
      double z = cos(M_PI * gb_rng_uniform(g));
      w = (1 + s * z) / (s + z);
      double y = kappa * (s - w), v = gb_rng_uniform_pos(g);
      if (y * (2 - y) - v >= 0 || gb_dlog(y / v) + 1 - y >= 0) break;
    }
    x = acos(fmax(-1.0, fmin(1.0, w)));
    if (gb_rng_uniform(g) < 0.5) x = -x;
  }
  x = fmod(x + mu + M_PI, 2 * M_PI);
  if (x < 0) x += 2 * M_PI;
  return x - M_PI;
}

/* Zipf by Devroye's rejection from the continuous Pareto (Non-Uniform Random
   Variate Generation, X.6.1); a > 1. */
static int64_t zipf_draw(gb_rng *g, double a) {
  double am1 = a - 1, b = pow(2.0, am1);
  for (;;) {
    double u = gb_rng_uniform_pos(g), v = gb_rng_uniform(g);
    double x = floor(pow(u, -1 / am1));
    if (!(x >= 1) || x >= 9.2e18) continue;
    double t = pow(1 + 1 / x, am1);
    if (v * x * (t - 1) / (b - 1) <= t / b) return (int64_t)x;
  }
}

/* Filling arrays ------------------------------------------------------------------------- */

int gb_dist_is_integer(int dist) {
  return dist == GB_D_POISSON || dist == GB_D_BINOMIAL || dist == GB_D_GEOMETRIC ||
         dist == GB_D_ZIPF;
}

static int64_t geometric_draw(gb_rng *g, double p, double logq) {
  if (p == 1) return 1;
  double k = floor(gb_dlog(gb_rng_uniform_pos(g)) / logq);
  return k >= 9.2e18 ? INT64_MAX : 1 + (int64_t)k;
}

#define FILL(expr) \
  for (int64_t i = 0; i < n; i++) { \
    if (INTERRUPTED(i)) return GB_EINTERRUPTED; \
    o[i] = (expr); \
  } \
  return GB_OK

static int fill_double(gb_ctx *ctx, gb_rng *g, int dist, const double *par, double *o, int64_t n) {
  double p0 = par[0], p1 = par[1];
  switch (dist) {
    case GB_D_UNIFORM: return gb_rng_fill_uniform(ctx, g, o, n, p0, p1);
    case GB_D_NORMAL: FILL(p0 + p1 * normal_draw(g));
    case GB_D_EXPONENTIAL: FILL(p0 * exponential_draw(g));
    case GB_D_GAMMA:
      if (p0 >= 1) { FILL(p1 * gamma_mt(g, p0)); }
      FILL(p1 * gb_rand_gamma(g, p0));
    case GB_D_BETA: FILL(gb_rand_beta(g, p0, p1));
    case GB_D_CHISQUARE: FILL(2.0 * gb_rand_gamma(g, 0.5 * p0));
    case GB_D_T:
      for (int64_t i = 0; i < n; i++) {
        if (INTERRUPTED(i)) return GB_EINTERRUPTED;
        double z = normal_draw(g);      /* draws in a fixed order */
        o[i] = z / sqrt(2.0 * gb_rand_gamma(g, 0.5 * p0) / p0);
      }
      return GB_OK;
    case GB_D_LOGNORMAL: FILL(gb_dexp(p0 + p1 * normal_draw(g)));
    case GB_D_CAUCHY:
      for (int64_t i = 0; i < n; i++) {
        double y;
        if (INTERRUPTED(i)) return GB_EINTERRUPTED;
        double x = normal_draw(g);
        do y = normal_draw(g); while (y == 0);
        o[i] = x / y;
      }
      return GB_OK;
    case GB_D_LAPLACE:
      for (int64_t i = 0; i < n; i++) {
        if (INTERRUPTED(i)) return GB_EINTERRUPTED;
        double e = exponential_draw(g);
        o[i] = (gb_rng_next(g) >> 63) ? p0 - p1 * e : p0 + p1 * e;
      }
      return GB_OK;
    case GB_D_GUMBEL: FILL(p0 - p1 * gb_dlog(exponential_draw(g)));
    case GB_D_WEIBULL:
      if (p0 == 0) { FILL(0.0); }
      FILL(pow(exponential_draw(g), 1 / p0));
    case GB_D_PARETO: FILL(expm1(exponential_draw(g) / p0));
    case GB_D_F:
      for (int64_t i = 0; i < n; i++) {
        if (INTERRUPTED(i)) return GB_EINTERRUPTED;
        double num = 2.0 * gb_rand_gamma(g, 0.5 * p0) / p0;   /* draws in a fixed order */
        o[i] = num / (2.0 * gb_rand_gamma(g, 0.5 * p1) / p1);
      }
      return GB_OK;
    case GB_D_VONMISES: FILL(vonmises_draw(g, p0, p1));
    default: return GB_EINVAL;
  }
}

static int fill_integer(gb_ctx *ctx, gb_rng *g, int dist, const double *par, int64_t *o, int64_t n) {
  switch (dist) {
    case GB_D_POISSON: {
      poisson P;
      poisson_init(&P, par[0]);
      FILL(poisson_draw(g, &P));
    }
    case GB_D_BINOMIAL: {
      binomial B;
      binomial_init(&B, par[0], par[1]);
      FILL(binomial_draw(g, &B));
    }
    case GB_D_GEOMETRIC: {
      double logq = gb_dlog1p(-par[0]);
      FILL(geometric_draw(g, par[0], logq));
    }
    case GB_D_ZIPF: FILL(zipf_draw(g, par[0]));
    default: return GB_EINVAL;
  }
}

/* Parameters in their domains (NaN fails every test). */
static int valid(int dist, const double *par) {
  double p0 = par[0], p1 = par[1];
  switch (dist) {
    case GB_D_UNIFORM: return isfinite(p0) && isfinite(p1) && p0 <= p1 && isfinite(p1 - p0);
    case GB_D_NORMAL: case GB_D_LOGNORMAL: case GB_D_LAPLACE:
      return isfinite(p0) && isfinite(p1) && p1 >= 0;
    case GB_D_EXPONENTIAL: return isfinite(p0) && p0 >= 0;
    case GB_D_GAMMA: return isfinite(p0) && p0 >= 0 && isfinite(p1) && p1 >= 0;
    case GB_D_BETA: return isfinite(p0) && p0 > 0 && isfinite(p1) && p1 > 0;
    case GB_D_CHISQUARE: case GB_D_T: return isfinite(p0) && p0 > 0;
    case GB_D_CAUCHY: return 1;
    case GB_D_POISSON: return p0 >= 0 && p0 <= 1e18;
    case GB_D_BINOMIAL: return p0 >= 0 && p0 <= 9.2e18 && p0 == floor(p0) && p1 >= 0 && p1 <= 1;
    case GB_D_GEOMETRIC: return p0 > 0 && p0 <= 1;
    case GB_D_GUMBEL: return isfinite(p0) && isfinite(p1) && p1 >= 0;
    case GB_D_WEIBULL: return isfinite(p0) && p0 >= 0;
    case GB_D_PARETO: return isfinite(p0) && p0 > 0;
    case GB_D_F: return isfinite(p0) && p0 > 0 && isfinite(p1) && p1 > 0;
    case GB_D_VONMISES: return isfinite(p0) && isfinite(p1) && p1 >= 0;
    case GB_D_ZIPF: return isfinite(p0) && p0 > 1;
    default: return 0;
  }
}

int gb_rand_fill(gb_ctx *ctx, gb_rng *g, int dist, const double *par, void *out, int64_t n) {
  if (dist < 0 || dist >= GB_D_NDIST || !valid(dist, par)) return GB_EINVAL;
  need_tables();
  if (gb_dist_is_integer(dist)) return fill_integer(ctx, g, dist, par, out, n);
  return fill_double(ctx, g, dist, par, out, n);
}

int gb_rand_fill_float(gb_ctx *ctx, gb_rng *g, int dist, const double *par, float *out, int64_t n) {
  if (dist < 0 || dist >= GB_D_NDIST || gb_dist_is_integer(dist) || !valid(dist, par))
    return GB_EINVAL;
  need_tables();
  if (dist == GB_D_UNIFORM) {
    float lo = (float)par[0], hi = (float)par[1];
    double width = par[1] - par[0];
    float top = hi > lo ? nextafterf(hi, -INFINITY) : lo;
    for (int64_t i = 0; i < n; i++) {
      if (INTERRUPTED(i)) return GB_EINTERRUPTED;
      float u = (float)(gb_rng_next(g) >> 40) * 0x1p-24f;
      float v = (float)(par[0] + width * u);
      out[i] = v < lo ? lo : v > top ? top : v;
    }
    return GB_OK;
  }
  double block[1024];
  for (int64_t i = 0; i < n; i += 1024) {
    int64_t m = n - i < 1024 ? n - i : 1024;
    int st = fill_double(ctx, g, dist, par, block, m);
    if (st != GB_OK) return st;
    if (gb_interrupted(ctx)) return GB_EINTERRUPTED;
    for (int64_t j = 0; j < m; j++) out[i + j] = (float)block[j];
  }
  return GB_OK;
}

int gb_rand_multinomial(gb_ctx *ctx, gb_rng *g, int64_t ntrials, const double *p, int64_t k,
                        int64_t *out, int64_t m) {
  if (ntrials < 0 || k < 1) return GB_EINVAL;
  need_tables();
  for (int64_t r = 0; r < m; r++) {
    int64_t left = ntrials, *row = out + r * k;
    double mass = 1.0;
    if (INTERRUPTED(r)) return GB_EINTERRUPTED;
    for (int64_t j = 0; j < k - 1; j++) {
      double q = mass > 0 ? p[j] / mass : 1.0;
      q = q < 0 ? 0 : q > 1 ? 1 : q;
      int64_t x = 0;
      if (left > 0 && q > 0) {
        binomial B;
        binomial_init(&B, (double)left, q);
        x = binomial_draw(g, &B);
      }
      row[j] = x;
      left -= x;
      mass -= p[j];
    }
    row[k - 1] = left;
  }
  return GB_OK;
}

/* Categorical ----------------------------------------------------------------------------- */

void gb_weights_from_log(const double *lw, int64_t k, double *w) {
  double m = -HUGE_VAL;
  for (int64_t i = 0; i < k; i++) if (lw[i] > m) m = lw[i];
  for (int64_t i = 0; i < k; i++)
    w[i] = m == -HUGE_VAL || lw[i] == -HUGE_VAL ? 0.0 : gb_dexp(lw[i] - m);
}

typedef struct alias_entry {
  double prob;            /* keep this column with probability prob */
  int64_t other;          /* otherwise take this one */
} alias_entry;

/* Vose's alias table for weights w with sum total. */
static int alias_build(gb_ctx *ctx, const double *w, int64_t k, double total, alias_entry *t) {
  int64_t *small = gb_alloc(ctx, sizeof(int64_t) * (size_t)k);
  int64_t *large = gb_alloc(ctx, sizeof(int64_t) * (size_t)k);
  int64_t ns = 0, nl = 0, best = 0;
  if (!small || !large) {
    gb_free(ctx, small);
    gb_free(ctx, large);
    return GB_ENOMEM;
  }
  double scale = (double)k / total;
  for (int64_t i = 0; i < k; i++) {
    t[i].prob = w[i] * scale;
    t[i].other = i;
    if (t[i].prob < 1.0) small[ns++] = i;
    else large[nl++] = i;
    if (w[i] > w[best]) best = i;
  }
  while (ns > 0 && nl > 0) {
    int64_t s = small[--ns], l = large[nl - 1];
    t[s].other = l;
    t[l].prob -= 1.0 - t[s].prob;
    if (t[l].prob < 1.0) {
      nl--;
      small[ns++] = l;
    }
  }
  /* what is left is 1 up to rounding, except that a zero weight must
     never be drawn */
  while (nl > 0) t[large[--nl]].prob = 1.0;
  while (ns > 0) {
    int64_t s = small[--ns];
    if (w[s] > 0) t[s].prob = 1.0;
    else { t[s].prob = 0.0; t[s].other = best; }
  }
  gb_free(ctx, small);
  gb_free(ctx, large);
  return GB_OK;
}

/* Smallest i with cum[i] > u (cum non-decreasing, u < cum[k-1]). */
static int64_t search(const double *cum, int64_t k, double u) {
  int64_t lo = 0, hi = k - 1;
  while (lo < hi) {
    int64_t mid = lo + (hi - lo) / 2;
    if (cum[mid] > u) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

int gb_rand_categorical(gb_ctx *ctx, gb_rng *g, const double *w, int64_t k,
                        int64_t *out, int64_t n, int64_t base) {
  double total = 0;
  if (k <= 0) return GB_EINVAL;
  for (int64_t i = 0; i < k; i++) {
    if (!(w[i] >= 0) || w[i] == HUGE_VAL) return GB_EINVAL;
    total += w[i];
  }
  if (!(total > 0) || total == HUGE_VAL) return GB_EINVAL;
  if (n >= 64 && 8 * n >= k) {
    alias_entry *t = gb_alloc(ctx, sizeof(alias_entry) * (size_t)k);
    if (!t) return GB_ENOMEM;
    int st = alias_build(ctx, w, k, total, t);
    if (st != GB_OK) { gb_free(ctx, t); return st; }
    for (int64_t i = 0; i < n; i++) {
      if (INTERRUPTED(i)) { gb_free(ctx, t); return GB_EINTERRUPTED; }
      int64_t c = (int64_t)gb_rng_bounded(g, (uint64_t)(k - 1));
      out[i] = base + (gb_rng_uniform(g) < t[c].prob ? c : t[c].other);
    }
    gb_free(ctx, t);
    return GB_OK;
  }
  double *cum = gb_alloc(ctx, sizeof(double) * (size_t)k);
  if (!cum) return GB_ENOMEM;
  double s = 0;
  for (int64_t i = 0; i < k; i++) cum[i] = s += w[i];
  for (int64_t i = 0; i < n; i++) {
    double u;
    if (INTERRUPTED(i)) { gb_free(ctx, cum); return GB_EINTERRUPTED; }
    do u = gb_rng_uniform(g) * s; while (u >= s);   /* rounding up to s */
    out[i] = base + search(cum, k, u);
  }
  gb_free(ctx, cum);
  return GB_OK;
}

/* Sampling without replacement ----------------------------------------------------------------- */

int gb_rand_permutation(gb_ctx *ctx, gb_rng *g, int64_t n, int64_t *out, int64_t base) {
  for (int64_t i = 0; i < n; i++) out[i] = base + i;
  for (int64_t i = n - 1; i > 0; i--) {
    if (INTERRUPTED(i)) return GB_EINTERRUPTED;
    int64_t j = (int64_t)gb_rng_bounded(g, (uint64_t)i);
    int64_t t = out[i];
    out[i] = out[j];
    out[j] = t;
  }
  return GB_OK;
}

/* An open-addressing set of non-negative integers, for Floyd's algorithm. */
typedef struct intset {
  int64_t *slot;         /* -1: empty */
  uint64_t mask;
} intset;

static uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  return z ^ (z >> 31);
}

/* Insert v; returns 0 if it was there already. */
static int intset_add(intset *s, int64_t v) {
  uint64_t h = mix64((uint64_t)v) & s->mask;
  while (s->slot[h] >= 0) {
    if (s->slot[h] == v) return 0;
    h = (h + 1) & s->mask;
  }
  s->slot[h] = v;
  return 1;
}

int gb_rand_sample(gb_ctx *ctx, gb_rng *g, int64_t n, int64_t k, int64_t *out, int64_t base) {
  if (k < 0 || k > n) return GB_EINVAL;
  if (n <= 4096 || k > n / 16) {
    /* the first k steps of a Fisher-Yates shuffle of 0..n-1 */
    int64_t *idx = gb_alloc(ctx, sizeof(int64_t) * (size_t)(n > 0 ? n : 1));
    if (!idx) return GB_ENOMEM;
    for (int64_t i = 0; i < n; i++) idx[i] = i;
    for (int64_t i = 0; i < k; i++) {
      if (INTERRUPTED(i)) { gb_free(ctx, idx); return GB_EINTERRUPTED; }
      int64_t j = i + (int64_t)gb_rng_bounded(g, (uint64_t)(n - 1 - i));
      int64_t t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
      out[i] = base + idx[i];
    }
    gb_free(ctx, idx);
    return GB_OK;
  }
  /* Floyd's algorithm: k draws and O(k) memory, then a shuffle, since the
     order it produces is not uniform */
  intset s;
  uint64_t cap = 16;
  while (cap < 2 * (uint64_t)k) cap *= 2;
  s.slot = gb_alloc(ctx, sizeof(int64_t) * cap);
  if (!s.slot) return GB_ENOMEM;
  memset(s.slot, 0xff, sizeof(int64_t) * cap);
  s.mask = cap - 1;
  for (int64_t j = n - k, m = 0; j < n; j++, m++) {
    if (INTERRUPTED(m)) { gb_free(ctx, s.slot); return GB_EINTERRUPTED; }
    int64_t t = (int64_t)gb_rng_bounded(g, (uint64_t)j);
    if (!intset_add(&s, t)) {
      t = j;
      intset_add(&s, t);
    }
    out[m] = t;
  }
  gb_free(ctx, s.slot);
  for (int64_t i = k - 1; i > 0; i--) {
    int64_t j = (int64_t)gb_rng_bounded(g, (uint64_t)i);
    int64_t t = out[i];
    out[i] = out[j];
    out[j] = t;
  }
  for (int64_t i = 0; i < k; i++) out[i] += base;
  return GB_OK;
}

typedef struct keyed {
  double key;
  int64_t idx;
} keyed;

static int keyed_less(const keyed *a, const keyed *b) {
  return a->key < b->key || (a->key == b->key && a->idx < b->idx);
}

static int keyed_cmp(const void *pa, const void *pb) {
  const keyed *a = pa, *b = pb;
  return keyed_less(a, b) ? -1 : keyed_less(b, a) ? 1 : 0;
}

/* Move the k smallest of v[0..n) to the front (Hoare's selection). */
static void select_smallest(keyed *v, int64_t n, int64_t k) {
  int64_t lo = 0, hi = n - 1;
  while (lo < hi) {
    keyed pivot = v[lo + (hi - lo) / 2];
    int64_t i = lo, j = hi;
    while (i <= j) {
      while (keyed_less(&v[i], &pivot)) i++;
      while (keyed_less(&pivot, &v[j])) j--;
      if (i <= j) {
        keyed t = v[i];
        v[i] = v[j];
        v[j] = t;
        i++;
        j--;
      }
    }
    if (k - 1 <= j) hi = j;
    else if (k - 1 >= i) lo = i;
    else break;
  }
}

int gb_rand_sample_weighted(gb_ctx *ctx, gb_rng *g, const double *w, int64_t n, int64_t k,
                            int64_t *out, int64_t base) {
  int64_t positive = 0;
  if (k < 0 || k > n) return GB_EINVAL;
  for (int64_t i = 0; i < n; i++) {
    if (!(w[i] >= 0) || w[i] == HUGE_VAL) return GB_EINVAL;
    positive += w[i] > 0;
  }
  if (k > positive) return GB_EINVAL;
  need_tables();
  keyed *v = gb_alloc(ctx, sizeof(keyed) * (size_t)(n > 0 ? n : 1));
  if (!v) return GB_ENOMEM;
  /* item i rings at an Exp(w[i]) time; the order in which the first k
     ring is the order of successive weighted draws */
  for (int64_t i = 0; i < n; i++) {
    if (INTERRUPTED(i)) { gb_free(ctx, v); return GB_EINTERRUPTED; }
    v[i].key = w[i] > 0 ? exponential_draw(g) / w[i] : HUGE_VAL;
    v[i].idx = i;
  }
  if (k < n) select_smallest(v, n, k);
  qsort(v, (size_t)k, sizeof(keyed), keyed_cmp);
  for (int64_t i = 0; i < k; i++) out[i] = base + v[i].idx;
  gb_free(ctx, v);
  return GB_OK;
}

/* Shuffling arrays ----------------------------------------------------------------------------- */

/* Swap two sub-arrays of the same shape and strides, element by element. */
static void swap_strided(char *p, char *q, int nd, const int64_t *shape,
                         const int64_t *strides, size_t es) {
  if (nd == 0) {
    char t[16];
    memcpy(t, p, es);
    memcpy(p, q, es);
    memcpy(q, t, es);
    return;
  }
  for (int64_t i = 0; i < shape[0]; i++)
    swap_strided(p + i * strides[0], q + i * strides[0], nd - 1, shape + 1, strides + 1, es);
}

int gb_rand_shuffle(gb_ctx *ctx, gb_rng *g, gb_array *a) {
  if (a->ndim < 1) return GB_EINVAL;
  int64_t n = a->shape[0], rowsize = 1;
  size_t es = gb_dtype_size(a->dtype);
  int contiguous = 1;
  int64_t expect = (int64_t)es;
  for (int d = a->ndim - 1; d >= 1; d--) {
    if (a->shape[d] != 1 && a->strides[d] != expect) contiguous = 0;
    expect *= a->shape[d];
    rowsize *= a->shape[d];
  }
  if (n < 2 || rowsize == 0) return GB_OK;
  size_t rowbytes = (size_t)rowsize * es;
  char *tmp = contiguous ? gb_alloc(ctx, rowbytes) : NULL;
  if (contiguous && !tmp) return GB_ENOMEM;
  for (int64_t i = n - 1; i > 0; i--) {
    if (INTERRUPTED(i)) { gb_free(ctx, tmp); return GB_EINTERRUPTED; }
    int64_t j = (int64_t)gb_rng_bounded(g, (uint64_t)i);
    if (j == i) continue;
    char *p = a->data + i * a->strides[0], *q = a->data + j * a->strides[0];
    if (contiguous) {
      memcpy(tmp, p, rowbytes);
      memcpy(p, q, rowbytes);
      memcpy(q, tmp, rowbytes);
    } else {
      swap_strided(p, q, a->ndim - 1, a->shape + 1, a->strides + 1, es);
    }
  }
  gb_free(ctx, tmp);
  return GB_OK;
}

/* Multivariate normal and Dirichlet --------------------------------------------------------------- */

int gb_rand_mvnormal(gb_ctx *ctx, gb_rng *g, const double *mean, const double *L, int64_t d,
                     double *out, int64_t n) {
  need_tables();
  for (int64_t r = 0; r < n; r++) {
    double *x = out + r * d;
    if (INTERRUPTED(r * d) || (d > GB_CHECK_EVERY && gb_interrupted(ctx))) return GB_EINTERRUPTED;
    for (int64_t j = 0; j < d; j++) x[j] = normal_draw(g);
    /* x = mean + L z in place, from the last row up: row i reads z[0..i] */
    for (int64_t i = d - 1; i >= 0; i--) {
      const double *l = L + i * d;
      double s = 0;
      for (int64_t j = 0; j <= i; j++) s += l[j] * x[j];
      x[i] = mean[i] + s;
    }
  }
  return GB_OK;
}

int gb_rand_dirichlet(gb_ctx *ctx, gb_rng *g, const double *alpha, int64_t k, double *out, int64_t n) {
  int small = 0;
  for (int64_t i = 0; i < k; i++) {
    if (!(alpha[i] > 0) || !isfinite(alpha[i])) return GB_EINVAL;
    if (alpha[i] < 1) small = 1;
  }
  need_tables();
  for (int64_t r = 0; r < n; r++) {
    double *x = out + r * k, s = 0;
    if (INTERRUPTED(r)) return GB_EINTERRUPTED;
    if (!small) {
      for (int64_t i = 0; i < k; i++) s += x[i] = gamma_mt(g, alpha[i]);
    } else {
      /* gammas of small shape underflow: normalise their logarithms */
      double m = -HUGE_VAL;
      for (int64_t i = 0; i < k; i++) {
        x[i] = gb_rand_loggamma(g, alpha[i]);
        if (x[i] > m) m = x[i];
      }
      for (int64_t i = 0; i < k; i++) s += x[i] = gb_dexp(x[i] - m);
    }
    for (int64_t i = 0; i < k; i++) x[i] /= s;
  }
  return GB_OK;
}
