/*
** Probability distributions: density, distribution and quantile functions,
** moments and entropy of the families that distributions.h draws from,
** with the same parameters (SciPy's definitions otherwise).
**
** A family is a table of functions of (par, x).  Parameters are checked
** once, by check(), when a distribution is made; the functions then assume
** them valid.  Outside the support the density is 0 (logpdf -inf) and the
** cdf 0 or 1; a probability outside [0, 1] given to a quantile function
** gives NaN.  Discrete families take any real x and use floor(x), as
** SciPy does; their quantiles are the smallest k with cdf(k) >= q (ppf)
** or sf(k) <= q (isf).
**
** Below the families: summary statistics of a sample and the
** goodness-of-fit tests (Kolmogorov-Smirnov, Pearson's chi-square), on
** plain double buffers.
*/
#ifndef GB_STATS_H
#define GB_STATS_H

#include <stdint.h>

#include "rng.h"

#define GB_FAMILY_MAXPAR 3

typedef struct gb_family {
  const char *name;
  int npar;
  const char *par[GB_FAMILY_MAXPAR];     /* parameter names, in order */
  double def[GB_FAMILY_MAXPAR];          /* defaults (NaN: required) */
  int discrete;                          /* integer-valued */
  int dist;                              /* its gb_dist, for drawing */
  /* NULL when par is valid, else a message naming the parameter */
  const char *(*check)(const double *par);
  double (*logpdf)(const double *par, double x);   /* log pmf if discrete */
  double (*cdf)(const double *par, double x);
  double (*sf)(const double *par, double x);
  double (*ppf)(const double *par, double q);
  double (*isf)(const double *par, double q);
  double (*mean)(const double *par);
  double (*var)(const double *par);
  double (*entropy)(const double *par);            /* nats */
} gb_family;

/* The families, terminated by an entry whose name is NULL. */
extern const gb_family gb_families[];

/* n draws into out (double, or int64_t when discrete); a gb_status. */
int gb_family_sample(gb_ctx *ctx, const gb_family *f, const double *par, gb_rng *g, void *out, int64_t n);

/*
** Summary statistics of the n values of x, as SciPy's describe: min and
** max (NaN when x holds a NaN), the mean from a compensated sum, the
** unbiased variance (NaN for n = 1), and skewness and excess kurtosis
** from the biased central moments m2, m3, m4.  GB_EINVAL when n is 0.
*/
typedef struct gb_moments {
  int64_t n;
  double min, max, mean, variance, skewness, kurtosis;
} gb_moments;

int gb_describe(gb_ctx *ctx, const double *x, int64_t n, gb_moments *out);

/*
** The one-sample Kolmogorov-Smirnov statistics of the n points of x
** (sorted in place) against a continuous cdf, given as a callback that
** writes F(x) and returns a status (a failing status ends the test and is
** returned): with F_n the empirical cdf, dplus = max_i (i/n - F(x_i)),
** dminus = max_i (F(x_i) - (i-1)/n) and d = max(dplus, dminus), the
** two-sided sup |F_n - F|.  GB_EINVAL when x is empty or holds a NaN, and
** when the cdf leaves [0, 1]: then x and F say where.
*/
typedef int (*gb_cdf_fn)(void *ud, double x, double *F);

typedef struct gb_ks {
  double d, dplus, dminus;
  double x, F;              /* on GB_EINVAL from the cdf: the bad value */
} gb_ks;

int gb_ks_statistic(gb_ctx *ctx, double *x, int64_t n, gb_cdf_fn cdf, void *ud, gb_ks *out);

/* A gb_cdf_fn for a family: ud points to a gb_family_cdf. */
typedef struct gb_family_cdf {
  const gb_family *f;
  const double *par;
} gb_family_cdf;

int gb_family_cdf_fn(void *ud, double x, double *F);

/*
** The p-values of the statistics above.
**   gb_kolmogorov_sf: P(D_n >= d) for the two-sided statistic of n points
**   from a continuous distribution.
**   gb_smirnov_sf: P(D+_n >= d), the one-sided statistic (exact); D-_n
**   has the same law.
** NaN when scratch memory runs out.
*/
double gb_kolmogorov_sf(gb_ctx *ctx, int64_t n, double d);
double gb_smirnov_sf(gb_ctx *ctx, int64_t n, double d);

/*
** Pearson's chi-square test of the k observed counts o against the
** expected counts e (NULL: equal, with o's total), with k - 1 - ddof
** degrees of freedom: the statistic sum (o - e)^2 / e and its upper-tail
** p-value.  The caller checks the counts (o finite and >= 0, e finite and
** > 0, equal totals); GB_EINVAL when k is 0 or no degree of freedom is
** left.
*/
int gb_chisquare(const double *o, const double *e, int64_t k, int64_t ddof,
                 double *stat, double *p);

#endif
