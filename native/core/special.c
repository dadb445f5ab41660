/*
** Special functions (see special.h).
**
**   gammaln, gamma, erf, erfc   the C library (glibc: below 2 ulp)
**   digamma                     recurrence up to x >= 10, then the
**                               asymptotic series; a Taylor series around
**                               the positive root 1.4616...; reflection
**                               for x < 0 with cot(pi x) from the exactly
**                               reduced argument
**   zeta, polygamma             Euler-Maclaurin summation; reflection with
**                               the derivatives of cot for x < 0
**   erfinv, erfcinv             Winitzki's approximation refined by
**                               Halley steps on erf or erfc, and by Newton
**                               steps on the asymptotic log erfc in the far
**                               tail
**   ndtri                       Wichura's AS241 rational approximations,
**                               summed in long double
**   gammainc, gammaincc         series for P, Lentz's continued fraction
**                               for Q, a direct series for small Q, and
**                               Stirling's form of the prefactor
**                               x^a e^-x / gamma(a + 1) for large a
**   betainc                     the continued fraction (Lentz), with the
**                               prefactor in Stirling's form for large a, b
**   inverses                    safeguarded Halley iteration
*/
#include <float.h>
#include <math.h>

#include "special.h"

#define PI 3.14159265358979323846
#define LOG_SQRT_2PI 0.91893853320467274178   /* log(sqrt(2 pi)) */
#define SQRT_PI 1.77245385090551602730
#define EULER 0.5772156649015329
#define SQRT1_2_HI 0.7071067811865476         /* sqrt(1/2) = HI + LO */
#define SQRT1_2_LO (-4.833646656726457e-17)
#define TINY 1e-300                           /* Lentz's guard */
#define EPS DBL_EPSILON

/* Gamma and relatives ------------------------------------------------------ */

double gb_gammaln(double x) {
  int sign;
  return lgamma_r(x, &sign);
}

double gb_gamma(double x) {
  if (x == 0) return copysign(HUGE_VAL, x);
  return tgamma(x);
}

/* lgamma(x) - [(x - 1/2) log x - x + log sqrt(2 pi)] for x >= 10: Stirling's
   series, sum of B_2k / (2k (2k - 1) x^(2k - 1)); 8 terms reach 1e-17. */
static double lgamma_corr(double x) {
  static const double c[] = {1.0 / 12, -1.0 / 360, 1.0 / 1260, -1.0 / 1680, 1.0 / 1188,
                             -691.0 / 360360, 1.0 / 156, -3617.0 / 122400};
  double z = 1 / (x * x), s = c[7];
  for (int k = 6; k >= 0; k--) s = s * z + c[k];
  return s / x;
}

/* log gamma(1 + a): for |a| < 0.2 the series -euler a + sum (-1)^k zeta(k)
   a^k / k, which keeps the accuracy that forming 1 + a would lose. */
double gb_lgamma1p(double a) {
  static const double zeta[] = {   /* zeta(2) .. zeta(29) */
    1.6449340668482264, 1.2020569031595942, 1.0823232337111381, 1.03692775514337,
    1.0173430619844492, 1.008349277381923, 1.0040773561979444, 1.0020083928260821,
    1.000994575127818, 1.0004941886041194, 1.000246086553308, 1.0001227133475785,
    1.0000612481350588, 1.000030588236307, 1.0000152822594086, 1.0000076371976379,
    1.000003817293265, 1.0000019082127165, 1.0000009539620338, 1.0000004769329869,
    1.0000002384505027, 1.000000119219926, 1.000000059608189, 1.0000000298035034,
    1.0000000149015549, 1.0000000074507118, 1.000000003725334, 1.0000000018626598};
  if (fabs(a) >= 0.2) return gb_gammaln(1 + a);
  double s = 0;
  for (int k = 29; k >= 2; k--) s = s * -a + zeta[k - 2] / k;
  return a * (a * s - EULER);
}

double gb_stirlerr(double n) {
  if (n <= 0) return 0;
  if (n > 15) return lgamma_corr(n);
  return gb_lgamma1p(n) - (n + 0.5) * log(n) + n - LOG_SQRT_2PI;
}

double gb_log1pmx(double t) {
  if (fabs(t) < 0.5) {
    /* log(1 + t) = 2 (y + y^3/3 + ...) with y = t / (2 + t), and
       t - 2y = y t, so log(1 + t) - t = 2 (y^3/3 + y^5/5 + ...) - y t */
    double y = t / (2 + t), y2 = y * y, term = y * y2, s = 0;
    for (int k = 3; k < 80; k += 2) {
      double d = term / k;
      s += d;
      if (fabs(d) <= 1e-17 * fabs(s)) break;
      term *= y2;
    }
    return 2 * s - y * t;
  }
  return log1p(t) - t;
}

double gb_bd0(double x, double m) {
  if (fabs(x - m) < 0.1 * (x + m)) {
    /* x log(x/m) + m - x = x (log1p(u) - u) ... written as Loader's series
       in v = (x - m) / (x + m), all of whose terms have one sign */
    double v = (x - m) / (x + m), s = (x - m) * v, ej = 2 * x * v, v2 = v * v;
    for (int j = 1; j < 1000; j++) {
      ej *= v2;
      double s1 = s + ej / (2 * j + 1);
      if (s1 == s) return s1;
      s = s1;
    }
    return s;
  }
  return x * log(x / m) + m - x;
}

/* The root of digamma and its Taylor coefficients there:
   psi(x) = sum c[n-1] (x - x0)^n with c[n-1] = (-1)^(n+1) zeta(n + 1, x0). */
static const double PSI_ROOT_HI = 1.4616321449683622;
static const double PSI_ROOT_LO = 9.549995429965697e-17;
static const double psi_root_taylor[] = {
  0.9676722454476212, -0.4427631689835921, 0.258499760955651, -0.16394270544240652,
  0.10782405069126237, -0.07219956125645471, 0.04880428816414311, -0.03316112647484736,
  0.022597648232218104, -0.01542476590494896, 0.010538791616612175, -0.007204534386356869,
  0.004926781395729853, -0.003369801655439328, 0.002305126326734928, -0.0015769367714301972,
  0.0010788252019162967, -0.0007380709389960052, 0.000504953265834602, -0.0003454680251063077,
  0.00023635601564027053, -0.00016170622091974803, 0.0001106337276874741,
  -7.569179582195066e-05, 5.178575795222081e-05};

/* cot(pi x) from the exactly reduced argument, so it stays accurate near
   the poles at the integers. */
static double cotpi(double x) {
  double r = x - nearbyint(x);          /* exact, |r| <= 1/2 */
  if (fabs(r) > 0.25)                   /* cot(pi r) = tan(pi (1/2 - r)) */
    return copysign(tan(PI * (0.5 - fabs(r))), r);
  return 1 / tan(PI * r);
}

double gb_digamma(double x) {
  if (isnan(x) || x == HUGE_VAL) return x;
  if (x == 0) return copysign(HUGE_VAL, -x);
  if (x < 0) {
    if (x == floor(x)) return NAN;
    return gb_digamma(1 - x) - PI * cotpi(x);
  }
  if (fabs(x - PSI_ROOT_HI) < 0.25) {
    double t = (x - PSI_ROOT_HI) - PSI_ROOT_LO, s = 0;
    int n = (int)(sizeof psi_root_taylor / sizeof psi_root_taylor[0]);
    for (int k = n - 1; k >= 0; k--) s = s * t + psi_root_taylor[k];
    return s * t;
  }
  double acc = 0;
  if (x < 10) {
    double x0 = x;
    int n = (int)ceil(10 - x0);
    for (int k = 0; k < n; k++) acc += 1 / (x0 + k);
    x = x0 + n;
  }
  /* log x - 1/(2x) - sum B_2k / (2k x^2k) */
  static const double b[] = {1.0 / 12, -1.0 / 120, 1.0 / 252, -1.0 / 240, 1.0 / 132,
                             -691.0 / 32760, 1.0 / 12, -3617.0 / 8160};
  double z = 1 / (x * x), s = b[7];
  for (int k = 6; k >= 0; k--) s = s * z + b[k];
  return log(x) - 0.5 / x - s * z - acc;
}

/* B_2j / (2j)! for the Euler-Maclaurin tail of zeta. */
static const double bern_fact[] = {
  8.3333333333333333e-2, -1.3888888888888889e-3, 3.3068783068783069e-5,
  -8.2671957671957672e-7, 2.0876756987868099e-8, -5.2841901386874932e-10,
  1.3382536530684679e-11, -3.3896802963225829e-13, 8.5860620562778446e-15,
  -2.1748686985580619e-16, 5.5090028283602295e-18, -1.3954464685812523e-19,
  3.5347070396294675e-21};

double gb_zeta(double s, double q) {
  if (isnan(s) || isnan(q)) return NAN;
  if (s == 1) return HUGE_VAL;
  if (s < 1) return NAN;
  if (q <= 0) return q == floor(q) ? HUGE_VAL : NAN;
  if (q == HUGE_VAL) return 0;
  /* Sum the first terms directly until w = q + N is large enough for the
     Euler-Maclaurin terms to fall fast (their ratio is about
     ((s + 2j) / (2 pi w))^2), or until the rest is negligible. */
  double wmin = fmax(10, 0.64 * (s + 24)), sum = 0, w = q;
  for (int k = 1; w < wmin; k++) {
    double t = pow(w, -s);
    sum += t;
    if (t * w / (s - 1) <= 1e-17 * sum) return sum;
    w = q + k;
  }
  double a = pow(w, -s);
  sum += w * a / (s - 1) + 0.5 * a;
  double fac = s, wp = a / w;
  for (int j = 0; j < 13; j++) {
    double t = bern_fact[j] * fac * wp;
    sum += t;
    if (fabs(t) <= 1e-17 * fabs(sum)) break;
    fac *= (s + 2 * j + 1) * (s + 2 * j + 2);
    wp /= w * w;
  }
  return sum;
}

double gb_polygamma(double n, double x) {
  if (isnan(n) || isnan(x)) return NAN;
  if (n < 0 || n != floor(n)) return NAN;
  if (n == 0) return gb_digamma(x);
  double sign = fmod(n, 2) == 1 ? 1 : -1;     /* (-1)^(n+1) */
  if (x > 0) {
    if (n <= 170) return sign * tgamma(n + 1) * gb_zeta(n + 1, x);
    double z = gb_zeta(n + 1, x);
    return z == 0 ? sign * 0.0 : sign * exp(gb_gammaln(n + 1) + log(z));
  }
  if (x == floor(x)) return sign > 0 ? HUGE_VAL : NAN;
  if (n > 170) return NAN;
  /* Reflection: psi_n(x) = -pi^(n+1) P_n(c) + (-1)^n psi_n(1 - x), where
     c = cot(pi x) and d^n/dx^n cot(pi x) = pi^n P_n(c) with P_0 = c,
     P_{k+1} = -(1 + c^2) P_k'.  P_n has degree n + 1. */
  int m = (int)n;
  double p[173] = {0}, q[173];
  p[1] = 1;
  for (int k = 0; k < m; k++) {
    /* q = -(1 + c^2) p' */
    for (int i = 0; i <= k + 2; i++) q[i] = 0;
    for (int i = 1; i <= k + 1; i++) {
      double d = i * p[i];          /* coefficient of c^(i-1) in p' */
      q[i - 1] -= d;
      q[i + 1] -= d;
    }
    for (int i = 0; i <= k + 2; i++) p[i] = q[i];
  }
  double c = cotpi(x), v = 0;
  for (int i = m + 1; i >= 0; i--) v = v * c + p[i];
  double refl = gb_polygamma(n, 1 - x);
  return -pow(PI, n + 1) * v - sign * refl;
}

double gb_beta(double a, double b) {
  if (isnan(a) || isnan(b)) return NAN;
  if (a > 0 && b > 0) {
    if (a < 10 && b < 10) {
      double big = fmax(a, b), small = fmin(a, b);
      return tgamma(big) / tgamma(big + small) * tgamma(small);
    }
    return exp(gb_betaln(a, b));
  }
  double ga = gb_gamma(a), gb = gb_gamma(b), gab = gb_gamma(a + b);
  if (isinf(gab) && !isinf(ga) && !isinf(gb)) return 0;
  if (isinf(ga) || isinf(gb)) return HUGE_VAL;
  if (isfinite(ga) && isfinite(gb) && isfinite(gab)) return ga / gab * gb;
  return (ga * gb < 0 ? -1 : 1) * exp(gb_betaln(a, b));
}

double gb_betaln(double a, double b) {
  if (isnan(a) || isnan(b)) return NAN;
  double small = fmin(a, b), big = fmax(a, b);
  if (small >= 10) {
    /* Stirling's form: log sqrt(2 pi) - log(a + b)/2 + (a - 1/2) log(a/(a+b))
       + (b - 1/2) log(b/(a+b)) + corr(a) + corr(b) - corr(a + b) */
    double ab = small + big;
    return LOG_SQRT_2PI - 0.5 * log(ab) + (small - 0.5) * log(small / ab)
           + (big - 0.5) * log1p(-small / ab)
           + lgamma_corr(small) + lgamma_corr(big) - lgamma_corr(ab);
  }
  if (small > 0 && big >= 10) {
    /* lgamma(big) - lgamma(big + small) without their large cancelling
       parts: corr(b) - corr(a+b) - (b - 1/2) log1p(a/b) - a log(a+b) + a */
    double ab = small + big;
    return gb_gammaln(small) + lgamma_corr(big) - lgamma_corr(ab)
           - (big - 0.5) * log1p(small / big) - small * log(ab) + small;
  }
  return gb_gammaln(a) + gb_gammaln(b) - gb_gammaln(a + b);
}

/* Error function and normal distribution --------------------------------- */

double gb_erf(double x) { return erf(x); }
double gb_erfc(double x) { return erfc(x); }

/* log erfc(x) for x >= 25 from its asymptotic series. */
static double log_erfc_tail(double x) {
  double z = 1 / (2 * x * x), t = 1, s = 1;
  for (int k = 1; k <= 12; k++) {
    t *= -(2 * k - 1) * z;
    s += t;
  }
  return -x * x - log(x * SQRT_PI) + log(s);
}

/* Winitzki's approximation of erfinv(y) from L = log(1 - y^2); relative
   error below 2e-3, enough for the Halley steps that follow. */
static double erfinv_guess(double L) {
  const double a = 0.147;
  double t = 2 / (PI * a) + 0.5 * L;
  return sqrt(sqrt(t * t - L / a) - t);
}

/* Halley's method triples the number of correct digits per step, so once
   a step changes x by less than 1e-7 of it the error left is of order
   x^2 1e-21: below an ulp for every x these functions reach (x < 27). */
#define HALLEY_DONE 1e-7

/* x >= 0 with erf(x) = y, 0 <= y <= 0.5 */
static double erfinv_center(double y) {
  if (y == 0) return y;
  double x = erfinv_guess(log1p(-y * y));
  for (int i = 0; i < 8; i++) {
    double dx = (erf(x) - y) / (2 / SQRT_PI * exp(-x * x));
    x -= dx / (1 + x * dx);
    if (fabs(dx) <= HALLEY_DONE * x) break;
  }
  return x;
}

/* x >= 0 with erfc(x) = q, 0 < q <= 0.5 */
static double erfcinv_tail(double q) {
  double x = erfinv_guess(log(q) + log(2 - q));
  if (q < 1e-280) {
    /* Newton on log erfc, whose derivative is close to -2x - 1/x */
    double lq = log(q);
    for (int i = 0; i < 8; i++) {
      double dx = (log_erfc_tail(x) - lq) / (-2 * x - 1 / x);
      x -= dx;
      if (fabs(dx) <= 1e-17 * x) break;
    }
    return x;
  }
  for (int i = 0; i < 8; i++) {
    double dx = (erfc(x) - q) / (-2 / SQRT_PI * exp(-x * x));
    x -= dx / (1 + x * dx);
    if (fabs(dx) <= HALLEY_DONE * x) break;
  }
  return x;
}

double gb_erfinv(double y) {
  if (isnan(y) || y < -1 || y > 1) return NAN;
  if (y == 1) return HUGE_VAL;
  if (y == -1) return -HUGE_VAL;
  if (y < 0) return -gb_erfinv(-y);
  return y <= 0.5 ? erfinv_center(y) : erfcinv_tail(1 - y);
}

double gb_erfcinv(double q) {
  if (isnan(q) || q < 0 || q > 2) return NAN;
  if (q == 0) return HUGE_VAL;
  if (q == 2) return -HUGE_VAL;
  if (q > 1) return -gb_erfcinv(2 - q);
  return q >= 0.5 ? erfinv_center(1 - q) : erfcinv_tail(q);
}

double gb_ndtr(double x) {
  if (isnan(x)) return x;
  /* erfc at z = x / sqrt(2) rounded, corrected by the rounding error e:
     erfc(-(z + e)) = erfc(-z) + e 2/sqrt(pi) exp(-z^2) to first order */
  double z = x * SQRT1_2_HI;
  double e = fma(x, SQRT1_2_HI, -z) + x * SQRT1_2_LO;
  return 0.5 * erfc(-z) + e / SQRT_PI * exp(-z * z);
}

/* Wichura's AS241 (PPND16; Applied Statistics 37, 477, 1988): rational
   approximations of the normal quantile, in r = 0.180625 - q^2 for
   |q| = |p - 1/2| <= 0.425 and beyond in r = sqrt(-log min(p, 1 - p))
   less 1.6 (up to r = 5) or 5.  Their own error is below 0.42 ulp (0.65
   for subnormal p), but evaluated in double they are up to 3.8 ulp off, so
   they are summed in long double: its 11 extra bits (x87 on x86-64; where
   long double is double the 3.8 ulp come back) leave 1.1 ulp in all.  The
   coefficients as published: their mantissas sum to the paper's check sums
   55.88319..., 49.33206... and 47.52583... */
static const double ndtri_a[] = {
  3.3871328727963666080e0, 1.3314166789178437745e+2, 1.9715909503065514427e+3,
  1.3731693765509461125e+4, 4.5921953931549871457e+4, 6.7265770927008700853e+4,
  3.3430575583588128105e+4, 2.5090809287301226727e+3};
static const double ndtri_b[] = {
  1, 4.2313330701600911252e+1, 6.8718700749205790830e+2, 5.3941960214247511077e+3,
  2.1213794301586595867e+4, 3.9307895800092710610e+4, 2.8729085735721942674e+4,
  5.2264952788528545610e+3};
static const double ndtri_c[] = {
  1.42343711074968357734e0, 4.63033784615654529590e0, 5.76949722146069140550e0,
  3.64784832476320460504e0, 1.27045825245236838258e0, 2.41780725177450611770e-1,
  2.27238449892691845833e-2, 7.74545014278341407640e-4};
static const double ndtri_d[] = {
  1, 2.05319162663775882187e0, 1.67638483018380384940e0, 6.89767334985100004550e-1,
  1.48103976427480074590e-1, 1.51986665636164571966e-2, 5.47593808499534494600e-4,
  1.05075007164441684324e-9};
static const double ndtri_e[] = {
  6.65790464350110377720e0, 5.46378491116411436990e0, 1.78482653991729133580e0,
  2.96560571828504891230e-1, 2.65321895265761230930e-2, 1.24266094738807843860e-3,
  2.71155556874348757815e-5, 2.01033439929228813265e-7};
static const double ndtri_f[] = {
  1, 5.99832206555887937690e-1, 1.36929880922735805310e-1, 1.48753612908506148525e-2,
  7.86869131145613259100e-4, 1.84631831751005468180e-5, 1.42151175831644588870e-7,
  2.04426310338993978564e-15};

/* n(r) / d(r), both of degree 7, by Horner's rule (Estrin's scheme is
   slower on the x87 stack) */
static long double ratio7(const double *n, const double *d, long double r) {
  long double a = n[7], b = d[7];
  for (int k = 6; k >= 0; k--) {
    a = a * r + n[k];
    b = b * r + d[k];
  }
  return a / b;
}

double gb_ndtri(double p) {
  if (isnan(p) || p < 0 || p > 1) return NAN;
  if (p == 0) return -HUGE_VAL;
  if (p == 1) return HUGE_VAL;
  long double q = (long double)p - 0.5L;   /* exact for p >= 2^-13 */
  if (fabsl(q) <= 0.425L) return (double)(q * ratio7(ndtri_a, ndtri_b, 0.180625L - q * q));
  /* 1 - p is exact for p > 1/2.  An error dL in L = -log p moves |x| by
     dL / (phi(x) / Phi(-|x|)), a relative error below dL / L (half of it
     in the far tail), so log in double will do. */
  long double r = sqrtl(-log(q < 0 ? p : 1 - p));
  long double x = r <= 5 ? ratio7(ndtri_c, ndtri_d, r - 1.6L) : ratio7(ndtri_e, ndtri_f, r - 5);
  return (double)(q < 0 ? -x : x);
}

/* Incomplete gamma ---------------------------------------------------------- */

/* x^a e^-x / gamma(a + 1) */
static double gamma_prefactor(double a, double x) {
  if (a >= 10) {
    /* exp(a log(x/a) + a - x) / (sqrt(2 pi a) e^corr(a)); near the mean the
       exponent is a log1pmx((x - a)/a), free of cancellation */
    double t = (x - a) / a;
    double e = fabs(t) < 0.5 ? a * gb_log1pmx(t) : a * log(x / a) + (a - x);
    return exp(e - lgamma_corr(a)) / sqrt(2 * PI * a);
  }
  if (x < 700 && a > 0.2) return pow(x, a) * exp(-x) / tgamma(a + 1);
  return exp(a * log(x) - x - gb_lgamma1p(a));
}

#define MAXITER 100000000

/* P and Q, each computed directly where it is the smaller or where the
   other would lose digits. */
static void gamma_ratios(double a, double x, double *P, double *Q) {
  if (isnan(a) || isnan(x) || a < 0 || x < 0) { *P = *Q = NAN; return; }
  if (a == 0) {
    if (x > 0) { *P = 1; *Q = 0; } else { *P = *Q = NAN; }
    return;
  }
  if (x == 0) { *P = 0; *Q = 1; return; }
  if (x == HUGE_VAL) { *P = 1; *Q = 0; return; }
  if (a == HUGE_VAL) { *P = 0; *Q = 1; return; }
  if (x < a + 1) {
    /* P = x^a e^-x / gamma(a+1) * sum x^n / ((a+1)...(a+n)) */
    double sum = 1, term = 1;
    for (long n = 1; n < MAXITER; n++) {
      term *= x / (a + n);
      sum += term;
      if (term <= EPS / 4 * sum) break;
    }
    *P = gamma_prefactor(a, x) * sum;
    if (a < 1) {
      /* Q = 1 - u - u a S with u = x^a / gamma(a+1) and
         S = sum_{n>=1} (-1)^n x^n / (n! (a + n)): no cancellation while
         u < 1, little while u < 2, much less than in 1 - P */
      double lu = a * log(x) - gb_lgamma1p(a);
      if (lu <= 0.7) {
        double S = 0, t = 1;
        for (int n = 1; n < 200; n++) {
          t *= -x / n;
          double d = t / (a + n);
          S += d;
          if (fabs(d) <= EPS / 4 * fabs(S)) break;
        }
        *Q = -expm1(lu) - exp(lu) * a * S;
        return;
      }
    }
    *Q = 1 - *P;
    return;
  }
  /* Q by Lentz's method on the continued fraction
     Q = x^a e^-x / gamma(a) * 1/(x+1-a- 1(1-a)/(x+3-a- 2(2-a)/(x+5-a- ...))) */
  double b = x + 1 - a, c = 1 / TINY, d = 1 / b, h = d;
  for (long i = 1; i < MAXITER; i++) {
    double an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (fabs(d) < TINY) d = TINY;
    c = b + an / c;
    if (fabs(c) < TINY) c = TINY;
    d = 1 / d;
    double del = d * c;
    h *= del;
    if (fabs(del - 1) <= EPS) break;
  }
  *Q = gamma_prefactor(a, x) * a * h;
  *P = 1 - *Q;
}

double gb_gammainc(double a, double x) {
  double P, Q;
  gamma_ratios(a, x, &P, &Q);
  return P;
}

double gb_gammaincc(double a, double x) {
  double P, Q;
  gamma_ratios(a, x, &P, &Q);
  return Q;
}

/*
** Safeguarded Halley iteration for the inverses: f is increasing on
** (lo, hi), f'' / f' is known, and a step that leaves the bracket is
** replaced by bisection (geometric when the bracket spans magnitudes).
*/
typedef struct inverse {
  double lo, hi, x;
} inverse;

static int inverse_step(inverse *s, double f, double fp, double ratio) {
  if (f == 0) return 1;
  if (f < 0) s->lo = s->x; else s->hi = s->x;
  double x = s->x, nx = NAN;
  if (fp > 0 && isfinite(fp)) {
    double dx = f / fp, den = 1 - 0.5 * dx * ratio;
    nx = x - (den > 0.5 && den < 2 ? dx / den : dx);
  }
  if (!(nx > s->lo && nx < s->hi)) {
    if (s->hi == HUGE_VAL) nx = x > 0 ? 2 * x : 1;
    else if (s->lo > 0 && s->hi / s->lo > 4) nx = sqrt(s->lo * s->hi);
    else if (s->lo == 0 && s->hi > 1e-300) nx = s->hi / 16;
    else nx = 0.5 * (s->lo + s->hi);
  }
  s->x = nx;
  return fabs(nx - x) <= 2 * EPS * fabs(nx) || s->hi - s->lo <= 2 * EPS * fabs(nx);
}

/* x with P(a, x) = p, given p and q = 1 - p; the smaller one is matched. */
static double gamma_inverse(double a, double p, double q) {
  if (isnan(a) || isnan(p) || isnan(q) || a <= 0 || p < 0 || q < 0) return NAN;
  if (p == 0) return 0;
  if (q == 0) return HUGE_VAL;
  int lower = p <= q;
  /* Wilson-Hilferty, or the small-x and large-x behaviour of P and Q */
  double z = lower ? gb_ndtri(p) : -gb_ndtri(q);
  double x = a * pow(1 - 1 / (9 * a) + z / (3 * sqrt(a)), 3);
  if (!(x > 0) || a < 1) {
    if (lower) x = exp((log(p) + gb_lgamma1p(a)) / a);
    else {
      x = -log(q) - gb_gammaln(a);
      if (x > 1) x += (a - 1) * log(x);
      if (!(x > 0)) x = 1;
    }
  }
  inverse s = {0, HUGE_VAL, x};
  for (int i = 0; i < 200; i++) {
    double P, Q;
    gamma_ratios(a, s.x, &P, &Q);
    double f = lower ? P - p : q - Q;
    double fp = gamma_prefactor(a, s.x) * a / s.x;
    if (inverse_step(&s, f, fp, (a - 1) / s.x - 1)) break;
  }
  return s.x;
}

double gb_gammaincinv(double a, double p) {
  if (p < 0 || p > 1) return NAN;
  return gamma_inverse(a, p, 1 - p);
}

double gb_gammainccinv(double a, double q) {
  if (q < 0 || q > 1) return NAN;
  return gamma_inverse(a, 1 - q, q);
}

/* Incomplete beta ------------------------------------------------------------ */

/*
** x^a y^b / B(a, b), with y = 1 - x given.  One of x and y is the caller's
** exact argument and the other 1 minus it, rounded; each logarithm is taken
** from the exact one (log1p(-x) for log y when x is small, and so on).
*/
static double beta_prefactor(double a, double b, double x, double y) {
  double lx = x < 0.5 ? log(x) : log1p(-y), ly = y < 0.5 ? log(y) : log1p(-x);
  if (a >= 10 && b >= 10) {
    /* Stirling's form: exp(a log(x/x0) + b log(y/y0)) sqrt(ab / (2 pi (a+b)))
       e^(corr(a+b) - corr(a) - corr(b)) with x0 = a/(a+b), y0 = b/(a+b).
       Near the mean, with u = x/x0 - 1 and v = y/y0 - 1 (a u + b v = 0),
       the exponent is a log1pmx(u) + b log1pmx(v), free of cancellation. */
    double ab = a + b, u, v, e;
    if (x <= y) { u = (x * ab - a) / a; v = -a / b * u; }
    else { v = (y * ab - b) / b; u = -b / a * v; }
    if (fabs(u) < 0.5 && fabs(v) < 0.5) e = a * gb_log1pmx(u) + b * gb_log1pmx(v);
    else e = a * (lx - log(a / ab)) + b * (ly - log(b / ab));
    return exp(e + lgamma_corr(ab) - lgamma_corr(a) - lgamma_corr(b))
           * sqrt(a * b / (2 * PI * ab));
  }
  return exp(a * lx + b * ly - gb_betaln(a, b));
}

/* I_x(a, b) by the continued fraction, for x < (a + 1) / (a + b + 2) */
static double beta_cf(double a, double b, double x, double y) {
  double qab = a + b, qap = a + 1, qam = a - 1, c = 1, d = 1 - qab * x / qap;
  if (fabs(d) < TINY) d = TINY;
  d = 1 / d;
  double h = d;
  for (long m = 1; m < MAXITER; m++) {
    double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (fabs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (fabs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (fabs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (fabs(c) < TINY) c = TINY;
    d = 1 / d;
    double del = d * c;
    h *= del;
    if (fabs(del - 1) <= EPS) break;
  }
  return beta_prefactor(a, b, x, y) * h / a;
}

/*
** I_x(a, b) by its power series x^a / (a B(a, b)) (1 + a sum_{n>=1}
** (1 - b)_n x^n / (n! (a + n))), for b x <= 1 and x <= 0.95, where it
** converges; its terms have one sign when b < 1.
*/
static double beta_series(double a, double b, double x, double y) {
  double lx = x < 0.5 ? log(x) : log1p(-y), t = 1, sum = 0;
  for (long n = 1; n < 100000; n++) {
    t *= (n - b) * x / n;
    double d = t / (a + n);
    sum += d;
    if (fabs(d) <= EPS / 4 * fabs(sum)) break;
  }
  return exp(a * lx - gb_betaln(a, b)) / a * (1 + a * sum);
}

/* I = I_x(a, b) and J = 1 - I, with y = 1 - x */
static void beta_ratios(double a, double b, double x, double y, double *I, double *J) {
  if (isnan(a) || isnan(b) || isnan(x) || a < 0 || b < 0 || x < 0 || x > 1
      || (a == 0 && b == 0) || isinf(a) || isinf(b)) {
    *I = *J = NAN;
    return;
  }
  /* the limits a -> 0 (all mass at 0) and b -> 0 (all mass at 1) */
  if (a == 0 || y == 0) { *I = 1; *J = 0; return; }
  if (b == 0 || x == 0) { *I = 0; *J = 1; return; }
  /* The continued fraction where it converges fast gives one of I and J;
     the other is 1 minus it, unless that is small and the power series
     can give it without the cancellation. */
  if (x < (a + 1) / (a + b + 2)) {
    *I = beta_cf(a, b, x, y);
    *J = 1 - *I;
    if (*J < 0.3 && a * y <= 1 && y <= 0.95) *J = beta_series(b, a, y, x);
  } else {
    *J = beta_cf(b, a, y, x);
    *I = 1 - *J;
    if (*I < 0.3 && b * x <= 1 && x <= 0.95) *I = beta_series(a, b, x, y);
  }
}

double gb_betainc(double a, double b, double x) {
  double I, J;
  beta_ratios(a, b, x, 1 - x, &I, &J);
  return I;
}

double gb_betaincc(double a, double b, double x) {
  double I, J;
  beta_ratios(a, b, x, 1 - x, &I, &J);
  return J;
}

/* x with I_x(a, b) = p, given p and q = 1 - p */
static double beta_inverse(double a, double b, double p, double q) {
  if (isnan(a) || isnan(b) || isnan(p) || isnan(q) || !(a > 0) || !(b > 0)
      || isinf(a) || isinf(b) || p < 0 || q < 0)
    return NAN;
  if (p == 0) return 0;
  if (q == 0) return 1;
  int lower = p <= q;
  double x;
  if (a >= 1 && b >= 1) {
    /* the normal approximation of Abramowitz and Stegun 26.5.22 */
    double z = lower ? -gb_ndtri(p) : gb_ndtri(q);   /* upper-tail quantile */
    double l = (z * z - 3) / 6, h = 2 / (1 / (2 * a - 1) + 1 / (2 * b - 1));
    double w = z * sqrt(h + l) / h - (1 / (2 * b - 1) - 1 / (2 * a - 1)) * (l + 5.0 / 6 - 2 / (3 * h));
    x = a / (a + b * exp(2 * w));
  } else {
    /* the two power-law ends of I_x */
    double t = exp(a * log(a / (a + b))) / a, u = exp(b * log(b / (a + b))) / b, w = t + u;
    if (lower ? p < t / w : q > u / w) x = pow(a * w * p, 1 / a);
    else x = 1 - pow(b * w * q, 1 / b);
  }
  if (!(x > 0 && x < 1)) x = 0.5;
  inverse s = {0, 1, x};
  for (int i = 0; i < 300; i++) {
    double I, J, y = 1 - s.x;
    beta_ratios(a, b, s.x, y, &I, &J);
    double f = lower ? I - p : q - J;
    double fp = beta_prefactor(a, b, s.x, y) / (s.x * y);
    if (inverse_step(&s, f, fp, (a - 1) / s.x - (b - 1) / y)) break;
  }
  return s.x;
}

double gb_betaincinv(double a, double b, double p) {
  if (p < 0 || p > 1) return NAN;
  return beta_inverse(a, b, p, 1 - p);
}

double gb_betainccinv(double a, double b, double q) {
  if (q < 0 || q > 1) return NAN;
  return beta_inverse(a, b, 1 - q, q);
}

/* Logistic and logarithmic helpers ------------------------------------------ */

double gb_expit(double x) {
  if (x >= 0) return 1 / (1 + exp(-x));
  double e = exp(x);
  return e / (1 + e);
}

double gb_logit(double p) {
  if (isnan(p) || p < 0 || p > 1) return NAN;
  if (p < 0.3 || p > 0.7) return log(p / (1 - p));
  return log1p((2 * p - 1) / (1 - p));   /* 2p - 1 is exact here */
}

double gb_xlogy(double x, double y) {
  if (x == 0 && !isnan(y)) return 0;
  return x * log(y);
}

double gb_xlog1py(double x, double y) {
  if (x == 0 && !isnan(y)) return 0;
  return x * log1p(y);
}

double gb_log1mexp(double x) {
  if (isnan(x) || x > 0) return NAN;
  /* Maechler's switch at -log 2 keeps both forms accurate */
  return x > -M_LN2 ? log(-expm1(x)) : log1p(-exp(x));
}

double gb_logaddexp(double x, double y) {
  if (x == y) return x + M_LN2;       /* also both infinite with one sign */
  double m = fmax(x, y), d = -fabs(x - y);
  if (isnan(d)) return x + y;
  return m + log1p(exp(d));
}
