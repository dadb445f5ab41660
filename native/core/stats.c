/*
** Probability distributions (see stats.h).
**
** Densities are written in log form, through xlogy-style products and
** betaln so that large parameters lose nothing; the discrete pmfs use
** Loader's saddle-point form (stirlerr and bd0), which keeps full relative
** accuracy for large counts.  Distribution functions come from special.c:
** the normal cdf from ndtr, gamma, chi-square and Poisson from the
** incomplete gamma function, beta, Student's t and binomial from the
** incomplete beta function, each tail computed directly rather than as
** 1 minus the other.
**
** Then the statistics of samples: the moments stats.describe reports, the
** Kolmogorov-Smirnov statistics and their exact and asymptotic tails, and
** Pearson's chi-square test.
*/
#include <float.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "distributions.h"
#include "sort.h"
#include "special.h"
#include "stats.h"

#define PI 3.14159265358979323846
#define LOG_SQRT_2PI 0.91893853320467274178

static int bad_q(double q) { return !(q >= 0 && q <= 1); }

/* Discrete quantiles ----------------------------------------------------------- */

typedef double (*distfn)(const double *par, double x);

/* Does k satisfy the quantile condition (cdf(k) >= q, or sf(k) <= q)? */
static int reached(distfn cdf, distfn sf, const double *par, double q, int upper, double k) {
  return upper ? sf(par, k) <= q : cdf(par, k) >= q;
}

/*
** The smallest integer k in [lo, hi] that satisfies the condition, found by
** galloping from a guess and then bisecting; hi itself always qualifies
** (the cdf reaches 1 there), and may be infinite.
*/
static double discrete_quantile(distfn cdf, distfn sf, const double *par, double q, int upper,
                                double guess, double lo, double hi) {
  double k = floor(guess), yes, no;
  if (!(k >= lo)) k = lo;
  if (k > hi) k = hi;
  if (reached(cdf, sf, par, q, upper, k)) {
    yes = k;
    no = lo - 1;
    for (double step = 1;; step *= 2) {
      double c = k - step;
      if (c < lo) break;
      if (!reached(cdf, sf, par, q, upper, c)) { no = c; break; }
      yes = c;
    }
  } else {
    no = k;
    yes = hi;
    for (double step = 1;; step *= 2) {
      double c = k + step;
      if (c >= hi) break;
      if (reached(cdf, sf, par, q, upper, c)) { yes = c; break; }
      no = c;
    }
  }
  while (yes - no > 1) {
    double mid = floor(no + (yes - no) / 2);
    if (reached(cdf, sf, par, q, upper, mid)) yes = mid; else no = mid;
  }
  return yes;
}

/* The entropy of a discrete distribution summed over mean m +- 40 sd. */
static double discrete_entropy(distfn logpmf, const double *par, double m, double sd, double lo,
                               double hi) {
  double a = fmax(lo, floor(m - 40 * sd - 40)), b = fmin(hi, ceil(m + 40 * sd + 40));
  double h = 0;
  for (double k = a; k <= b; k++) {
    double lp = logpmf(par, k);
    if (lp > -HUGE_VAL) h -= exp(lp) * lp;
  }
  return h;
}

/* Uniform(lo, hi) --------------------------------------------------------------- */

static const char *uniform_check(const double *p) {
  if (!isfinite(p[0]) || !isfinite(p[1])) return "lo and hi must be finite";
  if (!(p[0] < p[1])) return "lo must be less than hi";
  if (!isfinite(p[1] - p[0])) return "the range hi - lo overflows";
  return NULL;
}
static double uniform_logpdf(const double *p, double x) {
  if (isnan(x)) return x;
  return x >= p[0] && x <= p[1] ? -log(p[1] - p[0]) : -HUGE_VAL;
}
static double uniform_cdf(const double *p, double x) {
  if (isnan(x)) return x;
  return x <= p[0] ? 0 : x >= p[1] ? 1 : (x - p[0]) / (p[1] - p[0]);
}
static double uniform_sf(const double *p, double x) {
  if (isnan(x)) return x;
  return x <= p[0] ? 1 : x >= p[1] ? 0 : (p[1] - x) / (p[1] - p[0]);
}
static double uniform_ppf(const double *p, double q) {
  return bad_q(q) ? NAN : p[0] + q * (p[1] - p[0]);
}
static double uniform_isf(const double *p, double q) {
  return bad_q(q) ? NAN : p[1] - q * (p[1] - p[0]);
}
static double uniform_mean(const double *p) { return 0.5 * (p[0] + p[1]); }
static double uniform_var(const double *p) { double w = p[1] - p[0]; return w * w / 12; }
static double uniform_entropy(const double *p) { return log(p[1] - p[0]); }

/* Normal(mean, std) ----------------------------------------------------------------- */

static const char *loc_scale_check(const double *p) {
  if (!isfinite(p[0])) return "the location must be finite";
  if (!(p[1] > 0) || !isfinite(p[1])) return "the scale must be finite and > 0";
  return NULL;
}
static double normal_logpdf(const double *p, double x) {
  double z = (x - p[0]) / p[1];
  return -0.5 * z * z - log(p[1]) - LOG_SQRT_2PI;
}
static double normal_cdf(const double *p, double x) { return gb_ndtr((x - p[0]) / p[1]); }
static double normal_sf(const double *p, double x) { return gb_ndtr((p[0] - x) / p[1]); }
static double normal_ppf(const double *p, double q) { return p[0] + p[1] * gb_ndtri(q); }
static double normal_isf(const double *p, double q) { return p[0] - p[1] * gb_ndtri(q); }
static double first_par(const double *p) { return p[0]; }
static double normal_var(const double *p) { return p[1] * p[1]; }
static double normal_entropy(const double *p) { return 0.5 + LOG_SQRT_2PI + log(p[1]); }

/* Exponential(scale) --------------------------------------------------------------- */

static const char *scale_check(const double *p) {
  if (!(p[0] > 0) || !isfinite(p[0])) return "scale must be finite and > 0";
  return NULL;
}
static double exponential_logpdf(const double *p, double x) {
  if (isnan(x)) return x;
  return x < 0 ? -HUGE_VAL : -log(p[0]) - x / p[0];
}
static double exponential_cdf(const double *p, double x) {
  if (isnan(x)) return x;
  return x <= 0 ? 0 : -expm1(-x / p[0]);
}
static double exponential_sf(const double *p, double x) {
  if (isnan(x)) return x;
  return x <= 0 ? 1 : exp(-x / p[0]);
}
static double exponential_ppf(const double *p, double q) {
  return bad_q(q) ? NAN : -p[0] * log1p(-q);
}
static double exponential_isf(const double *p, double q) {
  return bad_q(q) ? NAN : -p[0] * log(q);
}
static double exponential_var(const double *p) { return p[0] * p[0]; }
static double exponential_entropy(const double *p) { return 1 + log(p[0]); }

/* Gamma(shape, scale) ------------------------------------------------------------------ */

static const char *gamma_check(const double *p) {
  if (!(p[0] > 0) || !isfinite(p[0])) return "shape must be finite and > 0";
  if (!(p[1] > 0) || !isfinite(p[1])) return "scale must be finite and > 0";
  return NULL;
}
static double gamma_logpdf(const double *p, double x) {
  if (isnan(x)) return x;
  if (x < 0) return -HUGE_VAL;
  double k = p[0], y = x / p[1];
  if (k >= 10 && y > 0)
    /* Loader's form of log(y^k e^-y / gamma(k + 1)) + log(k / y): the large
       terms k log y, y and log gamma(k) never meet */
    return -gb_stirlerr(k) - gb_bd0(k, y) - 0.5 * log(2 * PI * k) + log(k / y) - log(p[1]);
  return gb_xlogy(k - 1, y) - y - gb_gammaln(k) - log(p[1]);
}
static double gamma_cdf(const double *p, double x) {
  if (isnan(x)) return x;
  return x <= 0 ? 0 : gb_gammainc(p[0], x / p[1]);
}
static double gamma_sf(const double *p, double x) {
  if (isnan(x)) return x;
  return x <= 0 ? 1 : gb_gammaincc(p[0], x / p[1]);
}
static double gamma_ppf(const double *p, double q) { return p[1] * gb_gammaincinv(p[0], q); }
static double gamma_isf(const double *p, double q) { return p[1] * gb_gammainccinv(p[0], q); }
static double gamma_mean(const double *p) { return p[0] * p[1]; }
static double gamma_var(const double *p) { return p[0] * p[1] * p[1]; }
static double gamma_entropy(const double *p) {
  return p[0] + log(p[1]) + gb_gammaln(p[0]) + (1 - p[0]) * gb_digamma(p[0]);
}

/* Beta(a, b) ------------------------------------------------------------------------- */

static const char *beta_check(const double *p) {
  if (!(p[0] > 0) || !isfinite(p[0])) return "a must be finite and > 0";
  if (!(p[1] > 0) || !isfinite(p[1])) return "b must be finite and > 0";
  return NULL;
}
static double beta_logpdf(const double *p, double x) {
  if (isnan(x)) return x;
  if (x < 0 || x > 1) return -HUGE_VAL;
  return gb_xlogy(p[0] - 1, x) + gb_xlog1py(p[1] - 1, -x) - gb_betaln(p[0], p[1]);
}
static double beta_cdf(const double *p, double x) {
  if (isnan(x)) return x;
  return x <= 0 ? 0 : x >= 1 ? 1 : gb_betainc(p[0], p[1], x);
}
static double beta_sf(const double *p, double x) {
  if (isnan(x)) return x;
  return x <= 0 ? 1 : x >= 1 ? 0 : gb_betaincc(p[0], p[1], x);
}
static double beta_ppf(const double *p, double q) { return gb_betaincinv(p[0], p[1], q); }
static double beta_isf(const double *p, double q) { return gb_betainccinv(p[0], p[1], q); }
static double beta_mean(const double *p) { return p[0] / (p[0] + p[1]); }
static double beta_var(const double *p) {
  double s = p[0] + p[1];
  return p[0] * p[1] / (s * s * (s + 1));
}
static double beta_entropy(const double *p) {
  double a = p[0], b = p[1];
  return gb_betaln(a, b) - (a - 1) * gb_digamma(a) - (b - 1) * gb_digamma(b)
         + (a + b - 2) * gb_digamma(a + b);
}

/* Chi-square(df): gamma(df/2, 2) ------------------------------------------------------ */

static const char *df_check(const double *p) {
  if (!(p[0] > 0) || !isfinite(p[0])) return "df must be finite and > 0";
  return NULL;
}
#define AS_GAMMA(p) ((const double[]){0.5 * (p)[0], 2})
static double chi2_logpdf(const double *p, double x) { return gamma_logpdf(AS_GAMMA(p), x); }
static double chi2_cdf(const double *p, double x) { return gamma_cdf(AS_GAMMA(p), x); }
static double chi2_sf(const double *p, double x) { return gamma_sf(AS_GAMMA(p), x); }
static double chi2_ppf(const double *p, double q) { return gamma_ppf(AS_GAMMA(p), q); }
static double chi2_isf(const double *p, double q) { return gamma_isf(AS_GAMMA(p), q); }
static double chi2_var(const double *p) { return 2 * p[0]; }
static double chi2_entropy(const double *p) { return gamma_entropy(AS_GAMMA(p)); }

/* Student's t(df) ---------------------------------------------------------------------- */

static double t_logpdf(const double *p, double x) {
  double v = p[0];
  /* log Gamma((v+1)/2) - log Gamma(v/2) - log sqrt(v pi) = -log sqrt(v) - betaln(v/2, 1/2) */
  return -0.5 * log(v) - gb_betaln(0.5 * v, 0.5) - 0.5 * (v + 1) * log1p(x * x / v);
}
/* P(T > |x|) */
static double t_tail(double v, double x) {
  double x2 = x * x;
  if (x2 < v) return 0.5 * gb_betaincc(0.5, 0.5 * v, x2 / (v + x2));
  return 0.5 * gb_betainc(0.5 * v, 0.5, v / (v + x2));
}
static double t_cdf(const double *p, double x) {
  if (isnan(x)) return x;
  double t = t_tail(p[0], x);
  return x < 0 ? t : 1 - t;
}
static double t_sf(const double *p, double x) {
  if (isnan(x)) return x;
  double t = t_tail(p[0], x);
  return x > 0 ? t : 1 - t;
}
/* x > 0 with P(T > x) = tail, 0 < tail <= 1/2 */
static double t_tail_inverse(double v, double tail) {
  if (tail == 0) return HUGE_VAL;
  if (v == 1) return 1 / tan(PI * tail);               /* Cauchy */
  if (2 * tail > 0.5) {
    double z = gb_betainccinv(0.5, 0.5 * v, 2 * tail); /* z = x^2 / (v + x^2) */
    return sqrt(v * z / (1 - z));
  }
  double w = gb_betaincinv(0.5 * v, 0.5, 2 * tail);    /* w = v / (v + x^2) */
  return sqrt(v * ((1 - w) / w));
}
static double t_ppf(const double *p, double q) {
  if (bad_q(q)) return NAN;
  if (q == 0.5) return 0;
  return q < 0.5 ? -t_tail_inverse(p[0], q) : t_tail_inverse(p[0], 1 - q);
}
static double t_isf(const double *p, double q) { return -t_ppf(p, q); }
static double t_mean(const double *p) { return p[0] > 1 ? 0 : NAN; }
static double t_var(const double *p) {
  return p[0] > 2 ? p[0] / (p[0] - 2) : p[0] > 1 ? HUGE_VAL : NAN;
}
static double t_entropy(const double *p) {
  double v = p[0];
  return 0.5 * (v + 1) * (gb_digamma(0.5 * (v + 1)) - gb_digamma(0.5 * v))
         + 0.5 * log(v) + gb_betaln(0.5 * v, 0.5);
}

/* Lognormal(mean, sigma) of the logarithm ------------------------------------------------- */

static double lognormal_logpdf(const double *p, double x) {
  if (isnan(x)) return x;
  if (x <= 0) return -HUGE_VAL;
  double lx = log(x), z = (lx - p[0]) / p[1];
  return -0.5 * z * z - log(p[1]) - lx - LOG_SQRT_2PI;
}
static double lognormal_cdf(const double *p, double x) {
  if (isnan(x)) return x;
  return x <= 0 ? 0 : gb_ndtr((log(x) - p[0]) / p[1]);
}
static double lognormal_sf(const double *p, double x) {
  if (isnan(x)) return x;
  return x <= 0 ? 1 : gb_ndtr((p[0] - log(x)) / p[1]);
}
static double lognormal_ppf(const double *p, double q) { return exp(p[0] + p[1] * gb_ndtri(q)); }
static double lognormal_isf(const double *p, double q) { return exp(p[0] - p[1] * gb_ndtri(q)); }
static double lognormal_mean(const double *p) { return exp(p[0] + 0.5 * p[1] * p[1]); }
static double lognormal_var(const double *p) {
  double s2 = p[1] * p[1];
  return expm1(s2) * exp(2 * p[0] + s2);
}
static double lognormal_entropy(const double *p) {
  return p[0] + 0.5 + LOG_SQRT_2PI + log(p[1]);
}

/* Cauchy(loc, scale) ----------------------------------------------------------------------- */

static double cauchy_logpdf(const double *p, double x) {
  double z = (x - p[0]) / p[1];
  return -log(PI * p[1]) - log1p(z * z);
}
/* atan2 keeps the far tails accurate: cdf(z) = atan2(1, -z) / pi */
static double cauchy_cdf(const double *p, double x) { return atan2(1, (p[0] - x) / p[1]) / PI; }
static double cauchy_sf(const double *p, double x) { return atan2(1, (x - p[0]) / p[1]) / PI; }
/* x with upper-tail probability q: loc + scale cot(pi q), written with
   tan of the smaller of q and 1 - q (exact for q >= 1/2) */
static double cauchy_isf(const double *p, double q) {
  if (bad_q(q)) return NAN;
  if (q == 0.5) return p[0];
  return q < 0.5 ? p[0] + p[1] / tan(PI * q) : p[0] - p[1] / tan(PI * (1 - q));
}
static double cauchy_ppf(const double *p, double q) {
  if (bad_q(q)) return NAN;
  if (q == 0.5) return p[0];
  return q < 0.5 ? p[0] - p[1] / tan(PI * q) : p[0] + p[1] / tan(PI * (1 - q));
}
static double nan_moment(const double *p) { (void)p; return NAN; }
static double cauchy_entropy(const double *p) { return log(4 * PI * p[1]); }

/* Laplace(loc, scale) ----------------------------------------------------------------------- */

static double laplace_logpdf(const double *p, double x) {
  return -log(2 * p[1]) - fabs(x - p[0]) / p[1];
}
static double laplace_cdf(const double *p, double x) {
  double z = (x - p[0]) / p[1];
  return z < 0 ? 0.5 * exp(z) : 1 - 0.5 * exp(-z);
}
static double laplace_sf(const double *p, double x) {
  double z = (x - p[0]) / p[1];
  return z > 0 ? 0.5 * exp(-z) : 1 - 0.5 * exp(z);
}
static double laplace_ppf(const double *p, double q) {
  if (bad_q(q)) return NAN;
  return q < 0.5 ? p[0] + p[1] * log(2 * q) : p[0] - p[1] * log(2 * (1 - q));
}
static double laplace_isf(const double *p, double q) {
  if (bad_q(q)) return NAN;
  return q < 0.5 ? p[0] - p[1] * log(2 * q) : p[0] + p[1] * log(2 * (1 - q));
}
static double laplace_var(const double *p) { return 2 * p[1] * p[1]; }
static double laplace_entropy(const double *p) { return 1 + log(2 * p[1]); }

/* Poisson(lam) ------------------------------------------------------------------------------- */

static const char *poisson_check(const double *p) {
  if (!(p[0] >= 0 && p[0] <= 1e18)) return "lam must be between 0 and 1e18";
  return NULL;
}
static double poisson_logpdf(const double *p, double k) {
  double lam = p[0];
  if (isnan(k)) return k;
  if (k < 0 || k != floor(k) || isinf(k)) return -HUGE_VAL;
  if (lam == 0) return k == 0 ? 0 : -HUGE_VAL;
  if (k == 0) return -lam;
  /* Loader: -stirlerr(k) - bd0(k, lam) - log sqrt(2 pi k) */
  return -gb_stirlerr(k) - gb_bd0(k, lam) - 0.5 * log(2 * PI * k);
}
static double poisson_cdf(const double *p, double x) {
  if (isnan(x)) return x;
  if (x < 0) return 0;
  if (p[0] == 0 || isinf(x)) return 1;
  return gb_gammaincc(floor(x) + 1, p[0]);
}
static double poisson_sf(const double *p, double x) {
  if (isnan(x)) return x;
  if (x < 0) return 1;
  if (p[0] == 0 || isinf(x)) return 0;
  return gb_gammainc(floor(x) + 1, p[0]);
}
static double poisson_quantile(const double *p, double q, int upper) {
  if (bad_q(q)) return NAN;
  if (upper ? q == 1 : q == 0) return -1;
  if (upper ? q == 0 : q == 1) return p[0] == 0 ? 0 : HUGE_VAL;
  double z = upper ? -gb_ndtri(q) : gb_ndtri(q);
  return discrete_quantile(poisson_cdf, poisson_sf, p, q, upper, p[0] + sqrt(p[0]) * z, 0, HUGE_VAL);
}
static double poisson_ppf(const double *p, double q) { return poisson_quantile(p, q, 0); }
static double poisson_isf(const double *p, double q) { return poisson_quantile(p, q, 1); }
static double poisson_entropy(const double *p) {
  double lam = p[0];
  if (lam == 0) return 0;
  if (lam > 4e8) {   /* the asymptotic series; the sum would take too long */
    double r = 1 / lam;
    return 0.5 * log(2 * PI * M_E * lam) - r / 12 - r * r / 24 - 19 * r * r * r / 360;
  }
  return discrete_entropy(poisson_logpdf, p, p[0], sqrt(p[0]), 0, HUGE_VAL);
}

/* Binomial(n, p) ------------------------------------------------------------------------------ */

static const char *binomial_check(const double *p) {
  if (!(p[0] >= 0 && p[0] <= 9007199254740992.0) || p[0] != floor(p[0]))
    return "n must be an integer from 0 to 2^53";
  if (!(p[1] >= 0 && p[1] <= 1)) return "p must be between 0 and 1";
  return NULL;
}
static double binomial_logpdf(const double *p, double k) {
  double n = p[0], pr = p[1];
  if (isnan(k)) return k;
  if (k < 0 || k > n || k != floor(k)) return -HUGE_VAL;
  if (pr == 0) return k == 0 ? 0 : -HUGE_VAL;
  if (pr == 1) return k == n ? 0 : -HUGE_VAL;
  if (k == 0) return n * log1p(-pr);
  if (k == n) return n * log(pr);
  /* Loader's saddle-point form */
  double lc = gb_stirlerr(n) - gb_stirlerr(k) - gb_stirlerr(n - k)
              - gb_bd0(k, n * pr) - gb_bd0(n - k, n * (1 - pr));
  return lc + 0.5 * log(n / (2 * PI * k * (n - k)));
}
static double binomial_cdf(const double *p, double x) {
  if (isnan(x)) return x;
  double k = floor(x);
  if (k < 0) return 0;
  if (k >= p[0]) return 1;
  return gb_betaincc(k + 1, p[0] - k, p[1]);
}
static double binomial_sf(const double *p, double x) {
  if (isnan(x)) return x;
  double k = floor(x);
  if (k < 0) return 1;
  if (k >= p[0]) return 0;
  return gb_betainc(k + 1, p[0] - k, p[1]);
}
static double binomial_quantile(const double *p, double q, int upper) {
  if (bad_q(q)) return NAN;
  if (upper ? q == 1 : q == 0) return -1;
  double m = p[0] * p[1], sd = sqrt(m * (1 - p[1]));
  double z = upper ? -gb_ndtri(q) : gb_ndtri(q);
  if (isinf(z)) z = z > 0 ? 40 : -40;
  return discrete_quantile(binomial_cdf, binomial_sf, p, q, upper, m + sd * z, 0, p[0]);
}
static double binomial_ppf(const double *p, double q) { return binomial_quantile(p, q, 0); }
static double binomial_isf(const double *p, double q) { return binomial_quantile(p, q, 1); }
static double binomial_mean(const double *p) { return p[0] * p[1]; }
static double binomial_var(const double *p) { return p[0] * p[1] * (1 - p[1]); }
static double binomial_entropy(const double *p) {
  double v = binomial_var(p);
  if (v == 0) return 0;
  if (v > 4e8) return 0.5 * log(2 * PI * M_E * v);   /* error below 1e-9 */
  return discrete_entropy(binomial_logpdf, p, binomial_mean(p), sqrt(v), 0, p[0]);
}

/* Geometric(p), on 1, 2, ... ------------------------------------------------------------------- */

static const char *geometric_check(const double *p) {
  if (!(p[0] > 0 && p[0] <= 1)) return "p must be in (0, 1]";
  return NULL;
}
static double geometric_logpdf(const double *p, double k) {
  if (isnan(k)) return k;
  if (k < 1 || k != floor(k) || isinf(k)) return -HUGE_VAL;
  return gb_xlog1py(k - 1, -p[0]) + log(p[0]);
}
static double geometric_cdf(const double *p, double x) {
  if (isnan(x)) return x;
  if (x < 1) return 0;
  return -expm1(gb_xlog1py(floor(x), -p[0]));
}
static double geometric_sf(const double *p, double x) {
  if (isnan(x)) return x;
  if (x < 1) return 1;
  return exp(gb_xlog1py(floor(x), -p[0]));
}
static double geometric_ppf(const double *p, double q) {
  if (bad_q(q)) return NAN;
  if (q == 0) return 0;
  if (p[0] == 1) return 1;
  if (q == 1) return HUGE_VAL;
  return discrete_quantile(geometric_cdf, geometric_sf, p, q, 0, log1p(-q) / log1p(-p[0]), 1, HUGE_VAL);
}
static double geometric_isf(const double *p, double q) {
  if (bad_q(q)) return NAN;
  if (q == 1) return 0;
  if (p[0] == 1) return 1;
  if (q == 0) return HUGE_VAL;
  return discrete_quantile(geometric_cdf, geometric_sf, p, q, 1, log(q) / log1p(-p[0]), 1, HUGE_VAL);
}
static double geometric_mean(const double *p) { return 1 / p[0]; }
static double geometric_var(const double *p) { return (1 - p[0]) / (p[0] * p[0]); }
static double geometric_entropy(const double *p) {
  double q = p[0];
  return -(gb_xlog1py(1 - q, -q) + gb_xlogy(q, q)) / q;
}

/* The table ------------------------------------------------------------------------------------- */

#define REQ NAN

const gb_family gb_families[] = {
  {"uniform", 2, {"lo", "hi"}, {0, 1}, 0, GB_D_UNIFORM, uniform_check, uniform_logpdf, uniform_cdf,
   uniform_sf, uniform_ppf, uniform_isf, uniform_mean, uniform_var, uniform_entropy},
  {"normal", 2, {"mean", "std"}, {0, 1}, 0, GB_D_NORMAL, loc_scale_check, normal_logpdf, normal_cdf,
   normal_sf, normal_ppf, normal_isf, first_par, normal_var, normal_entropy},
  {"exponential", 1, {"scale"}, {1}, 0, GB_D_EXPONENTIAL, scale_check, exponential_logpdf, exponential_cdf,
   exponential_sf, exponential_ppf, exponential_isf, first_par, exponential_var,
   exponential_entropy},
  {"gamma", 2, {"shape", "scale"}, {REQ, 1}, 0, GB_D_GAMMA, gamma_check, gamma_logpdf, gamma_cdf, gamma_sf,
   gamma_ppf, gamma_isf, gamma_mean, gamma_var, gamma_entropy},
  {"beta", 2, {"a", "b"}, {REQ, REQ}, 0, GB_D_BETA, beta_check, beta_logpdf, beta_cdf, beta_sf, beta_ppf,
   beta_isf, beta_mean, beta_var, beta_entropy},
  {"chi2", 1, {"df"}, {REQ}, 0, GB_D_CHISQUARE, df_check, chi2_logpdf, chi2_cdf, chi2_sf, chi2_ppf,
   chi2_isf, first_par, chi2_var, chi2_entropy},
  {"t", 1, {"df"}, {REQ}, 0, GB_D_T, df_check, t_logpdf, t_cdf, t_sf, t_ppf, t_isf, t_mean, t_var,
   t_entropy},
  {"lognormal", 2, {"mean", "sigma"}, {0, 1}, 0, GB_D_LOGNORMAL, loc_scale_check, lognormal_logpdf,
   lognormal_cdf, lognormal_sf, lognormal_ppf, lognormal_isf, lognormal_mean, lognormal_var,
   lognormal_entropy},
  {"cauchy", 2, {"loc", "scale"}, {0, 1}, 0, GB_D_CAUCHY, loc_scale_check, cauchy_logpdf, cauchy_cdf,
   cauchy_sf, cauchy_ppf, cauchy_isf, nan_moment, nan_moment, cauchy_entropy},
  {"laplace", 2, {"loc", "scale"}, {0, 1}, 0, GB_D_LAPLACE, loc_scale_check, laplace_logpdf, laplace_cdf,
   laplace_sf, laplace_ppf, laplace_isf, first_par, laplace_var, laplace_entropy},
  {"poisson", 1, {"lam"}, {REQ}, 1, GB_D_POISSON, poisson_check, poisson_logpdf, poisson_cdf, poisson_sf,
   poisson_ppf, poisson_isf, first_par, first_par, poisson_entropy},
  {"binomial", 2, {"n", "p"}, {REQ, REQ}, 1, GB_D_BINOMIAL, binomial_check, binomial_logpdf, binomial_cdf,
   binomial_sf, binomial_ppf, binomial_isf, binomial_mean, binomial_var, binomial_entropy},
  {"geometric", 1, {"p"}, {REQ}, 1, GB_D_GEOMETRIC, geometric_check, geometric_logpdf, geometric_cdf,
   geometric_sf, geometric_ppf, geometric_isf, geometric_mean, geometric_var,
   geometric_entropy},
  {NULL, 0, {NULL}, {0}, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL},
};

/* Sampling: the generators of distributions.c, whose parameters are the
   same but for Cauchy's location and scale. */
int gb_family_sample(gb_ctx *ctx, const gb_family *f, const double *par, gb_rng *g, void *out, int64_t n) {
  int st = gb_rand_fill(ctx, g, f->dist, par, out, n);
  if (st == GB_OK && f->dist == GB_D_CAUCHY) {
    double *x = out;
    for (int64_t j = 0; j < n; j++) x[j] = par[0] + par[1] * x[j];
  }
  return st;
}

/* Summary statistics ------------------------------------------------------------------------------ */

int gb_describe(gb_ctx *ctx, const double *x, int64_t n, gb_moments *out) {
  if (n < 1) return GB_EINVAL;
  double mn = HUGE_VAL, mx = -HUGE_VAL, s = 0, c = 0;
  int hasnan = 0;
  for (int64_t i = 0; i < n; i++) {
    double v = x[i];
    if (v != v) hasnan = 1;
    if (v < mn) mn = v;
    if (v > mx) mx = v;
    double y = v - c, t = s + y;           /* compensated sum */
    c = (t - s) - y;
    s = t;
    if ((i & (GB_CHECK_EVERY - 1)) == GB_CHECK_EVERY - 1 && gb_interrupted(ctx))
      return GB_EINTERRUPTED;
  }
  if (hasnan) mn = mx = NAN;               /* NaN propagates, as in NumPy */
  double mean = s / (double)n, m2 = 0, m3 = 0, m4 = 0;
  for (int64_t i = 0; i < n; i++) {
    double d = x[i] - mean, d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
    if ((i & (GB_CHECK_EVERY - 1)) == GB_CHECK_EVERY - 1 && gb_interrupted(ctx))
      return GB_EINTERRUPTED;
  }
  m2 /= (double)n;
  m3 /= (double)n;
  m4 /= (double)n;
  out->n = n;
  out->min = mn;
  out->max = mx;
  out->mean = mean;
  out->variance = n > 1 ? m2 * (double)n / (double)(n - 1) : NAN;
  out->skewness = m3 / pow(m2, 1.5);
  out->kurtosis = m4 / (m2 * m2) - 3;
  return GB_OK;
}

/* Kolmogorov-Smirnov ----------------------------------------------------------------------------- */

double gb_smirnov_sf(gb_ctx *ctx, int64_t n, double d) {
  if (isnan(d)) return d;
  if (d <= 0) return 1;
  if (d >= 1) return 0;
  /* Birnbaum and Tingey (1951): P(D+ >= d) = d sum_{j=0}^{floor(n(1-d))}
     C(n, j) (1 - d - j/n)^(n-j) (d + j/n)^(j-1); every term is positive. */
  double nn = (double)n, nd = nn * d, lgn = gb_gammaln(nn + 1);
  int64_t jmax = (int64_t)floor(nn - nd);
  double *lt = gb_alloc(ctx, sizeof(double) * (size_t)(jmax + 1));
  if (!lt) return NAN;
  double top = -HUGE_VAL;
  for (int64_t j = 0; j <= jmax; j++) {
    double a = (nn - j - nd) / nn, b = (nd + j) / nn;
    double l = -HUGE_VAL;
    if (a > 0 || j == n)
      l = lgn - gb_gammaln(j + 1.0) - gb_gammaln(nn - j + 1) + gb_xlogy(nn - j, a)
          + (j - 1) * log(b);
    lt[j] = l;
    if (l > top) top = l;
  }
  double s = 0;
  for (int64_t j = 0; j <= jmax; j++) s += exp(lt[j] - top);
  gb_free(ctx, lt);
  double p = d * exp(top) * s;
  return p > 1 ? 1 : p;
}

/* The limit distribution: P(sqrt(n) D_n >= x) as n grows. */
static double kolmogorov_limit_sf(double x) {
  if (x <= 0) return 1;
  if (x < 1) {
    /* cdf = sqrt(2 pi)/x sum_k exp(-(2k-1)^2 pi^2 / (8 x^2)) */
    double s = 0, w = PI * PI / (8 * x * x);
    for (int k = 1; k < 20; k++) s += exp(-(2 * k - 1) * (2 * k - 1) * w);
    return 1 - sqrt(2 * PI) / x * s;
  }
  double s = 0;
  for (int k = 1; k < 100; k++) {
    double t = exp(-2.0 * k * k * x * x);
    s += (k % 2 ? t : -t);
    if (t < 1e-300) break;
  }
  return 2 * s;
}

static void matmul(const double *a, const double *b, double *c, int m) {
  for (int i = 0; i < m; i++)
    for (int j = 0; j < m; j++) {
      double s = 0;
      for (int k = 0; k < m; k++) s += a[i * m + k] * b[k * m + j];
      c[i * m + j] = s;
    }
}

/* Keep a matrix power in range: scale by 2^-e when its centre grows. */
static void rescale(double *a, int m, int centre, int *e) {
  int ex;
  frexp(a[centre * m + centre], &ex);
  if (ex > 400) {
    for (int i = 0; i < m * m; i++) a[i] = ldexp(a[i], -ex);
    *e += ex;
  }
}

/*
** P(D_n < d) exactly, by Durbin's matrix formula as Marsaglia, Tsang and
** Wang (2003) compute it: the (k, k) element of H^n times n!/n^n, with
** k = floor(n d) + 1 and H of order 2k - 1.
*/
static double durbin_cdf(gb_ctx *ctx, int64_t n, double d) {
  double nd = (double)n * d;
  int k = (int)floor(nd) + 1, m = 2 * k - 1;
  double h = k - nd;
  size_t sz = sizeof(double) * (size_t)m * (size_t)m;
  double *H = gb_zalloc_n(ctx, 1, sz), *R = gb_zalloc_n(ctx, 1, sz), *T = gb_zalloc_n(ctx, 1, sz);
  if (!H || !R || !T) { gb_free(ctx, H); gb_free(ctx, R); gb_free(ctx, T); return NAN; }
  for (int i = 0; i < m; i++)
    for (int j = 0; j < m; j++) H[i * m + j] = i - j + 1 < 0 ? 0 : 1;
  for (int i = 0; i < m; i++) {
    H[i * m] -= pow(h, i + 1);
    H[(m - 1) * m + i] -= pow(h, m - i);
  }
  H[(m - 1) * m] += 2 * h - 1 > 0 ? pow(2 * h - 1, m) : 0;
  for (int i = 0; i < m; i++)
    for (int j = 0; j < m; j++)
      for (int g = 1; g <= i - j + 1; g++) H[i * m + j] /= g;
  /* R = H^n by squaring, with binary exponents eR and eH kept apart */
  int eR = 0, eH = 0, first = 1;
  for (int64_t e = n; e > 0; e >>= 1) {
    if (e & 1) {
      if (first) { memcpy(R, H, sz); eR = eH; first = 0; }
      else { matmul(R, H, T, m); memcpy(R, T, sz); eR += eH; rescale(R, m, k - 1, &eR); }
    }
    if (e > 1) { matmul(H, H, T, m); memcpy(H, T, sz); eH *= 2; rescale(H, m, k - 1, &eH); }
  }
  double s = R[(k - 1) * m + (k - 1)];
  gb_free(ctx, H); gb_free(ctx, R); gb_free(ctx, T);
  for (int64_t i = 1; i <= n; i++) {
    s = s * (double)i / (double)n;
    int ex;
    frexp(s, &ex);
    if (ex < -400) { s = ldexp(s, -ex); eR += ex; }
  }
  return ldexp(s, eR);
}

double gb_kolmogorov_sf(gb_ctx *ctx, int64_t n, double d) {
  if (isnan(d) || n < 1) return NAN;
  if (d <= 0) return 1;
  if (d >= 1) return 0;
  /* Above 1/2 the two one-sided events are disjoint, so the two-sided tail
     is twice the one-sided one; in the far tail it is so to within about
     p^2 (relative error below p). */
  double one = n <= 10000000 ? gb_smirnov_sf(ctx, n, d) : NAN;
  if (d > 0.5 || (one == one && 2 * one < 1e-3)) return fmin(1, 2 * one);
  double nd = (double)n * d;
  if (nd < 100 && n <= 1000000) {
    double p = 1 - durbin_cdf(ctx, n, d);
    return p < 0 ? 0 : p;
  }
  /* Stephens' (1970) finite-n correction of the limit law */
  double sn = sqrt((double)n);
  return kolmogorov_limit_sf((sn + 0.12 + 0.11 / sn) * d);
}

int gb_family_cdf_fn(void *ud, double x, double *F) {
  const gb_family_cdf *c = ud;
  *F = c->f->cdf(c->par, x);
  return GB_OK;
}

int gb_ks_statistic(gb_ctx *ctx, double *x, int64_t n, gb_cdf_fn cdf, void *ud, gb_ks *out) {
  if (n < 1) return GB_EINVAL;
  for (int64_t i = 0; i < n; i++)
    if (x[i] != x[i]) return GB_EINVAL;
  gb_sort_doubles(x, n);
  double up = 0, down = 0, nn = (double)n;
  for (int64_t i = 0; i < n; i++) {
    double F;
    int st = cdf(ud, x[i], &F);
    if (st != GB_OK) return st;
    if (!(F >= 0 && F <= 1)) {
      out->x = x[i];
      out->F = F;
      return GB_EINVAL;
    }
    double u = (double)(i + 1) / nn - F, w = F - (double)i / nn;
    if (u > up) up = u;
    if (w > down) down = w;
    if ((i & (GB_CHECK_EVERY - 1)) == GB_CHECK_EVERY - 1 && gb_interrupted(ctx))
      return GB_EINTERRUPTED;
  }
  out->dplus = up;
  out->dminus = down;
  out->d = up > down ? up : down;
  return GB_OK;
}

/* Chi-square ------------------------------------------------------------------------------------- */

int gb_chisquare(const double *o, const double *e, int64_t k, int64_t ddof,
                 double *stat, double *p) {
  int64_t dof;
  if (k < 1 || __builtin_sub_overflow(k - 1, ddof, &dof) || dof < 1) return GB_EINVAL;
  double so = 0;
  for (int64_t i = 0; i < k; i++) so += o[i];
  double s = 0, mean = so / (double)k;
  for (int64_t i = 0; i < k; i++) {
    double ei = e ? e[i] : mean, r = o[i] - ei;
    s += r * r / ei;
  }
  *stat = s;
  *p = gb_gammaincc(0.5 * (double)dof, 0.5 * s);
  return GB_OK;
}
