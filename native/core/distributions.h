/*
** Non-uniform random numbers drawn from a gb_rng (rng.h).
**
** Reproducibility: every algorithm here uses only integer arithmetic,
** IEEE + - * / and sqrt (all correctly rounded), floor, ldexp, and the
** elementary functions below (gb_dexp, gb_dlog, ...), which are written
** in terms of those operations instead of calling libm, whose exp and log
** may differ in the last bit between C libraries and CPU code paths.  So a
** seed gives the same numbers on every machine and build, provided the
** compiler neither contracts a*b+c into a fused multiply-add nor reorders
** floating-point arithmetic: the Makefile compiles with -std=c11 (which
** implies -ffp-contract=off in GCC) and never with -ffast-math.
**
** Parameters are assumed valid (the Lua bindings check them and report
** errors by name); fill functions return GB_OK, GB_EINVAL for a parameter
** out of its domain, GB_ENOMEM, or GB_EINTERRUPTED.
*/
#ifndef GB_DISTRIBUTIONS_H
#define GB_DISTRIBUTIONS_H

#include <stdint.h>

#include "dense.h"      /* gb_cholesky_psd, the factor gb_rand_mvnormal takes */
#include "ndarray.h"
#include "rng.h"

/* Deterministic elementary functions (relative error below 2^-52). */
double gb_dexp(double x);
double gb_dlog(double x);
double gb_dlog1p(double x);
double gb_dlogfact(double k);      /* log(k!) for integer-valued k >= 0 */

/* Standard distributions, one draw each. */
double gb_rand_normal(gb_rng *g);             /* mean 0, std 1: ziggurat */
double gb_rand_exponential(gb_rng *g);        /* rate 1: ziggurat */
double gb_rand_gamma(gb_rng *g, double k);    /* shape k >= 0, scale 1 */
double gb_rand_loggamma(gb_rng *g, double k); /* log of a gamma(k) draw */
double gb_rand_beta(gb_rng *g, double a, double b);

/*
** Every scalar-parameter distribution, for filling arrays.  The parameters
** par[] are, in order:
*/
typedef enum gb_dist {
  GB_D_UNIFORM,        /* lo, hi             */
  GB_D_NORMAL,         /* mean, std          */
  GB_D_EXPONENTIAL,    /* scale              */
  GB_D_GAMMA,          /* shape, scale       */
  GB_D_BETA,           /* a, b               */
  GB_D_CHISQUARE,      /* df                 */
  GB_D_T,              /* df                 */
  GB_D_LOGNORMAL,      /* mean, sigma (of the logarithm) */
  GB_D_CAUCHY,         /* (none)             */
  GB_D_LAPLACE,        /* loc, scale         */
  GB_D_POISSON,        /* lam     -> int64   */
  GB_D_BINOMIAL,       /* n, p    -> int64   */
  GB_D_GEOMETRIC,      /* p       -> int64   */
  GB_D_GUMBEL,         /* loc, scale         */
  GB_D_WEIBULL,        /* a (shape; scale 1) */
  GB_D_PARETO,         /* a (Pareto II / Lomax, as NumPy) */
  GB_D_F,              /* dfnum, dfden       */
  GB_D_VONMISES,       /* mu, kappa          */
  GB_D_ZIPF,           /* a > 1   -> int64   */
  GB_D_NDIST
} gb_dist;

/* Is the distribution integer-valued (fills int64_t rather than double)? */
int gb_dist_is_integer(int dist);

/* Fill out[0..n) (double or int64_t, see gb_dist_is_integer). */
int gb_rand_fill(gb_ctx *ctx, gb_rng *g, int dist, const double *par, void *out, int64_t n);
/* The same as float32, for a continuous distribution: the float64 draws
   rounded, except the uniform, which takes 24 random bits so that a draw
   stays strictly below hi (a rounded double reaches 1.0 about 3 times in
   10^8 draws, and -log(-log(u)) is then infinite). */
int gb_rand_fill_float(gb_ctx *ctx, gb_rng *g, int dist, const double *par, float *out, int64_t n);

/* Multinomial: m draws of counts over k categories summing to ntrials, by
   conditional binomials; p[] non-negative summing to 1 (up to rounding).
   out is m x k. */
int gb_rand_multinomial(gb_ctx *ctx, gb_rng *g, int64_t ntrials, const double *p, int64_t k,
                        int64_t *out, int64_t m);

/*
** Categorical draws from k non-negative weights w (finite, positive sum):
** Walker/Vose alias tables when drawing many, otherwise the inverse CDF
** with binary search on running sums.  out gets indices base .. base+k-1.
*/
int gb_rand_categorical(gb_ctx *ctx, gb_rng *g, const double *w, int64_t k,
                        int64_t *out, int64_t n, int64_t base);

/* w[i] = exp(lw[i] - max lw) for log-weights (-inf allowed: weight 0). */
void gb_weights_from_log(const double *lw, int64_t k, double *w);

/* k distinct indices from base .. base+n-1, uniformly, in random order. */
int gb_rand_sample(gb_ctx *ctx, gb_rng *g, int64_t n, int64_t k, int64_t *out, int64_t base);

/* k distinct indices drawn one after another with probability proportional
   to w among those not drawn yet (needs k <= number of positive weights). */
int gb_rand_sample_weighted(gb_ctx *ctx, gb_rng *g, const double *w, int64_t n, int64_t k,
                            int64_t *out, int64_t base);

/* out = a random permutation of base .. base+n-1 (Fisher-Yates). */
int gb_rand_permutation(gb_ctx *ctx, gb_rng *g, int64_t n, int64_t *out, int64_t base);

/* Shuffle a in place along its first axis (any strides). */
int gb_rand_shuffle(gb_ctx *ctx, gb_rng *g, gb_array *a);

/* n draws (rows of out, n x d) of mean + L z, z standard normal; L is
   row-major lower triangular (gb_cholesky_psd of the covariance). */
int gb_rand_mvnormal(gb_ctx *ctx, gb_rng *g, const double *mean, const double *L, int64_t d,
                     double *out, int64_t n);

/* n draws (rows of out, n x k) from Dirichlet(alpha). */
int gb_rand_dirichlet(gb_ctx *ctx, gb_rng *g, const double *alpha, int64_t k, double *out, int64_t n);

#endif
