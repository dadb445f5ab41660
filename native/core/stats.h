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
int gb_family_sample(const gb_family *f, const double *par, gb_rng *g, void *out, int64_t n);

/*
** Goodness-of-fit helpers.
**   gb_kolmogorov_sf: P(D_n >= d) for the two-sided one-sample
**   Kolmogorov-Smirnov statistic of n points from a continuous
**   distribution.
**   gb_smirnov_sf: P(D+_n >= d), the one-sided statistic (exact).
*/
double gb_kolmogorov_sf(int64_t n, double d);
double gb_smirnov_sf(int64_t n, double d);

#endif
