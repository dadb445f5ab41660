/*
** Entropy and mutual-information estimators (nats).
**
** Continuous estimators take row-major float64 samples (n x d), finite
** (the bindings check), and use the kd-tree of kdtree.h; the per-point
** neighbour searches run on OpenMP threads and check the interrupt flag
** between blocks.  Discrete estimators take counts.
**
** Return values are gb_status codes: GB_EINVAL for a sample with two equal
** points where a distance must be positive (gb_knn_entropy), GB_ENOMEM,
** GB_EINTERRUPTED.
**
** The families (one file each; results in nats):
**   entropy.c              Kozachenko-Leonenko and KSG on raw points, counts
**                          estimators, NSB, ordinal patterns
**   entropy_knn.c          the kNN estimators with their preprocessing
**                          (gb_knn_opts): KL, Renyi/Tsallis, KSG, knn_kl,
**                          mixed_mi
**   entropy_discrete.c     joint symbols and probability vectors
**   entropy_series.c       embeddings, transfer entropy, active information,
**                          sample/approximate/permutation entropy
**   entropy_spacing.c      1-D spacing estimators
**   entropy_density.c      histogram, KDE, spectral (periodogram)
**   entropy_gaussian.c     Gaussian log-determinants
**   entropy_matrix.c       Vendi score, diffusion spectral entropy
**   entropy_significance.c permutation p-values and subsampling intervals
**                          of a user statistic
** Inputs are never modified: a kernel that standardises, sorts or whitens
** works on a copy from the context's allocator.
*/
#ifndef GB_ENTROPY_H
#define GB_ENTROPY_H

#include <stddef.h>
#include <stdint.h>

#include "ctx.h"

/* Kozachenko-Leonenko entropy with the k-th neighbour distance in the
   given norm (kdtree.h's GB_NORM_*). */
int gb_knn_entropy(gb_ctx *ctx, const double *x, int64_t n, int d, int k, int norm, double *h);

/* r[i] = the distance from point i to its k-th nearest other point. */
int gb_knn_radii(gb_ctx *ctx, const double *x, int64_t n, int d, int k, int norm, double *r);

/* log of the volume of the unit ball of the norm in d dimensions. */
double gb_ball_logvolume(int d, int norm);

/*
** Kraskov-Stoegbauer-Grassberger mutual information between x (n x dx)
** and y (n x dy), algorithm 1 or 2, with the max norm in the joint space.
** With z (n x dz, dz > 0) the conditional mutual information I(x; y | z)
** (Frenzel and Pompe 2007 for algorithm 1, Wibral et al. 2014 for 2).
*/
int gb_ksg(gb_ctx *ctx, const double *x, int dx, const double *y, int dy, const double *z, int dz,
           int64_t n, int k, int algorithm, double *mi);

/* The NSB estimate from counts c[0..m) (zeros allowed) of an alphabet of
   K >= m symbols (the unlisted K - m have count 0). */
double gb_entropy_nsb(gb_ctx *ctx, const double *c, int64_t m, double K);

/* Estimators of Shannon entropy from counts. */
enum {
  GB_H_PLUGIN, GB_H_MILLER_MADOW, GB_H_GRASSBERGER, GB_H_CHAO_SHEN, GB_H_JACKKNIFE,
  GB_H_NSB,            /* with K = m: every listed bin a possible symbol */
  GB_H_NMETHODS
};

/* The entropy of the counts c[0..m) (non-negative; zeros ignored) by one
   of the methods above.  NaN when the total is 0. */
double gb_entropy_counts(gb_ctx *ctx, const double *c, int64_t m, int method);

/*
** Permutation entropy: counts[0 .. order!) of the ordinal patterns of
** (x[t], x[t + delay], ..., x[t + (order-1) delay]), ties ranked by time,
** indexed by their Lehmer code.  order from 1 to 10.
*/
int gb_ordinal_patterns(gb_ctx *ctx, const double *x, int64_t n, int order, int delay, double *counts);

/* The standard deviation (n in the denominator) of column j of x (n x d). */
double gb_column_std(const double *x, int64_t n, int d, int j);

/* kNN estimators with preprocessing (entropy_knn.c) -------------------------- */

/*
** What the kNN estimators do to their copies of the samples before the
** search, and the search's parameters.  entropy.knn, knn_renyi,
** knn_tsallis and knn_kl default to standardize = 0; ksg, ksg_cmi,
** mixed_mi and the transfer/AIS KSG estimators to 1.
*/
typedef struct gb_knn_opts {
  int k;             /* neighbours: 3 */
  int norm;          /* GB_NORM_MAX (KSG and mixed_mi always use it) */
  int algorithm;     /* KSG's 1 or 2: 1 */
  int standardize;   /* scale each column to unit standard deviation */
  int noise;         /* add N(0, (1e-10 s_j)^2) tie-breaking noise: 1 */
  uint64_t seed;     /* of that noise: 0 */
} gb_knn_opts;

gb_knn_opts gb_knn_defaults(int standardize);

/*
** The preprocessing in place on x (n x d): standardise if asked, then add
** the noise from a generator seeded with seed * 4 + salt (the salt tells
** apart the arguments of one call: 0 for a single sample, 1, 2, 3 for x,
** y, z).
*/
void gb_knn_prepare(double *x, int64_t n, int d, const gb_knn_opts *o, int salt);

/* Kozachenko-Leonenko (entropy.knn). */
int gb_entropy_knn(gb_ctx *ctx, const double *x, int64_t n, int d, const gb_knn_opts *o, double *h);

/*
** Leonenko, Pronzato and Savani's (2008) kNN estimates of Renyi's
** (tsallis 0) or Tsallis's entropy of order q, 0 <= q < k + 1.
*/
int gb_entropy_knn_q(gb_ctx *ctx, const double *x, int64_t n, int d, const gb_knn_opts *o,
                     double q, int tsallis, double *h);

/* KSG I(x; y), or I(x; y | z) when dz > 0 (entropy.ksg, entropy.ksg_cmi). */
int gb_mi_ksg(gb_ctx *ctx, const double *x, int dx, const double *y, int dy, const double *z,
              int dz, int64_t n, const gb_knn_opts *o, double *mi);

/* Wang, Kulkarni and Verdu's D(P || Q) from x ~ P (n x d), y ~ Q (m x d);
   k <= min(256, m). */
int gb_knn_kl(gb_ctx *ctx, const double *x, int64_t n, const double *y, int64_t m, int d,
              const gb_knn_opts *o, double *D);

/* Ross's (2014) I(x; c) of continuous x (n x d) and discrete c, k <= 256;
   GB_EINVAL when no class has two samples. */
int gb_mixed_mi(gb_ctx *ctx, const double *x, int64_t n, int d, const int64_t *c,
                const gb_knn_opts *o, double *mi);

/* Discrete symbols and probability vectors (entropy_discrete.c) -------------- */

/* The entropy by method (GB_H_*) of the distinct rows of the n x c table of
   symbols x. */
int gb_entropy_joint(gb_ctx *ctx, const int64_t *x, int64_t n, int c, int method, double *h);

/* Of probability vectors p, q of n entries summing to 1. */
double gb_shannon(const double *p, int64_t n);
double gb_renyi(const double *p, int64_t n, double alpha);   /* alpha >= 0, inf allowed */
double gb_tsallis(const double *p, int64_t n, double q);
double gb_kl(const double *p, const double *q, int64_t n);
double gb_cross_entropy(const double *p, const double *q, int64_t n);

/* Jensen-Shannon divergence of the k rows of p (k x n) with weights w (k;
   NULL: uniform). */
int gb_js(gb_ctx *ctx, const double *p, int64_t k, int64_t n, const double *w, double *js);

/* Time series (entropy_series.c) -------------------------------------------- */

/*
** Embeddings for transfer entropy and active information storage: target
** history k, source history l (0: no source) and source lag u.  The
** samples are the times t from t0 = max(k - 1, l + u - 2) to n - 2: the
** next value x[t + 1], the target's past x[t - k + 1 .. t] and the
** source's past y[t - u - l + 2 .. t - u + 1].
*/
typedef struct gb_embedding {
  int k, l, u;
  int64_t t0, count;
} gb_embedding;

/* GB_EINVAL when there are fewer than 2 samples. */
int gb_embedding_init(gb_embedding *e, int64_t n, int k, int l, int u);

/* Discrete transfer entropy source -> target, active information storage
   and entropy rate of n-value series. */
int gb_transfer_discrete(gb_ctx *ctx, const int64_t *source, const int64_t *target, int64_t n,
                         const gb_embedding *e, int method, double *te);
int gb_active_information_discrete(gb_ctx *ctx, const int64_t *x, int64_t n,
                                   const gb_embedding *e, int method, double *ais);
int gb_entropy_rate_discrete(gb_ctx *ctx, const int64_t *x, int64_t n, const gb_embedding *e,
                             int method, double *rate);

/* Their KSG forms for continuous series (standardize usually on). */
int gb_transfer_ksg(gb_ctx *ctx, const double *source, const double *target, int64_t n,
                    const gb_embedding *e, const gb_knn_opts *o, double *te);
int gb_active_information_ksg(gb_ctx *ctx, const double *x, int64_t n, const gb_embedding *e,
                              const gb_knn_opts *o, double *ais);

/*
** Sample entropy -log(A / B) and approximate entropy Phi_m - Phi_{m+1} of
** the series x with templates of length m, tolerance r (max norm; NaN:
** 0.2 times the standard deviation of x), matches within r or strictly
** closer.  n >= m + 2.  Sample entropy: GB_EINVAL when no two templates of
** length m match (B = 0), infinity when none of length m + 1 do.
*/
int gb_sample_entropy(gb_ctx *ctx, const double *x, int64_t n, int m, double r, int strict,
                      double *h);
int gb_approximate_entropy(gb_ctx *ctx, const double *x, int64_t n, int m, double r, int strict,
                           double *h);

/* The permutation entropy (normalised: divided by log order!) and Rosso's
   complexity C = Q0 JS(P, U) H with the normalised entropy H (order >= 2). */
int gb_permutation_entropy(gb_ctx *ctx, const double *x, int64_t n, int order, int delay,
                           int normalize, double *h);
int gb_complexity(gb_ctx *ctx, const double *x, int64_t n, int order, int delay, double *H,
                  double *C);

/* 1-D spacing estimators (entropy_spacing.c) --------------------------------- */

enum { GB_SPACING_VASICEK, GB_SPACING_VAN_ES, GB_SPACING_EBRAHIMI, GB_SPACING_CORREA };

/* window m from 1 to n/2 (exclusive); GB_EINVAL when a spacing is 0.  The
   usual window is gb_spacing_window(n) = round(sqrt(n)). */
int64_t gb_spacing_window(int64_t n);
int gb_entropy_spacing(gb_ctx *ctx, const double *x, int64_t n, int method, int64_t m, double *h);

/* Density estimates (entropy_density.c) -------------------------------------- */

/* Bin rules of numpy.histogram_bin_edges, or a count. */
enum { GB_BINS_COUNT, GB_BINS_FD, GB_BINS_SCOTT, GB_BINS_STURGES };
#define GB_BINS_MAX 100000000

/*
** -sum p_j log(p_j / w_j) over equal bins between the minimum and maximum
** of x.  GB_EINVAL when x is constant; GB_EOVERFLOW when its range
** overflows or the rule asks for more than GB_BINS_MAX bins.
*/
int gb_entropy_histogram(gb_ctx *ctx, const double *x, int64_t n, int rule, int64_t bins,
                         double *h);

enum { GB_KDE_GAUSSIAN, GB_KDE_BOX };

/*
** The resubstitution estimate -mean log f(x_i) of the kernel density of x
** (n x d, n > d).  Gaussian: bandwidth matrix factor^2 cov (factor NaN:
** Scott's n^(-1/(d+4)), as scipy.stats.gaussian_kde); box: half-width
** factor (NaN: Scott's factor times the mean column standard deviation),
** max norm.  GB_ENOTPD or GB_ESINGULAR for a degenerate covariance.
*/
int gb_entropy_kde(gb_ctx *ctx, const double *x, int64_t n, int d, int kernel, double factor,
                   double *h);

/* The entropy of the normalised one-sided periodogram of x (n >= 2),
   divided by the log of the number of bins when normalize; GB_EINVAL when
   x is constant. */
int gb_entropy_spectral(gb_ctx *ctx, const double *x, int64_t n, int normalize, double *h);

/* Gaussian (entropy_gaussian.c) ---------------------------------------------- */

/* log det of cov (d x d) restricted to the m columns cols; GB_ENOTPD. */
int gb_logdet_sub(gb_ctx *ctx, const double *cov, int64_t d, const int64_t *cols, int64_t m,
                  double *ld);
int gb_gaussian_entropy(gb_ctx *ctx, const double *cov, int64_t d, double *h);
/* I(x; y | z) of columns of cov (nz = 0: I(x; y)). */
int gb_gaussian_mi(gb_ctx *ctx, const double *cov, int64_t d, const int64_t *xc, int64_t nx,
                   const int64_t *yc, int64_t ny, const int64_t *zc, int64_t nz, double *mi);
/* From samples (n > d rows), with the Wishart bias correction if asked. */
int gb_gaussian_entropy_data(gb_ctx *ctx, const double *x, int64_t n, int d, int correct,
                             double *h);
int gb_gaussian_mi_data(gb_ctx *ctx, const double *x, int dx, const double *y, int dy, int64_t n,
                        int correct, double *mi);

/* Spectral entropies of matrices (entropy_matrix.c) -------------------------- */

/* The Vendi score exp(H_q) of the eigenvalues of K / n (K n x n). */
int gb_vendi(gb_ctx *ctx, const double *K, int64_t n, double q, double *v);

enum { GB_VENDI_COSINE, GB_VENDI_GAUSSIAN };
/* Of the rows of x under the cosine kernel (GB_EINVAL for a zero row) or a
   Gaussian one of width sigma. */
int gb_vendi_data(gb_ctx *ctx, const double *x, int64_t n, int d, int kernel, double sigma,
                  double q, double *v);

/* Diffusion spectral entropy with a Gaussian kernel of width sigma, t steps. */
int gb_diffusion_entropy(gb_ctx *ctx, const double *x, int64_t n, int d, double sigma, double t,
                         double *h);

/* Significance of a statistic (entropy_significance.c) ----------------------- */

/*
** A statistic of paired samples: m rows of x (xrow bytes each) and the m
** matching rows of y, contiguous.  It writes its value and returns GB_OK,
** or returns a status (GB_ECALLBACK, an interrupt) that stops the kernel.
*/
typedef int (*gb_statistic)(void *ud, const void *x, const void *y, int64_t m, double *out);

typedef struct gb_significance_opts {
  int permutations;   /* of y, for the p-value: 200 */
  int subsamples;     /* half-size, for the interval: 200 */
  double level;       /* of the interval: 0.95 */
  uint64_t seed;      /* 0 */
} gb_significance_opts;

typedef struct gb_significance_result {
  double value;       /* the statistic on all the rows */
  double p;           /* (#{null >= value} + 1) / (permutations + 1) */
  double null_mean;
  double lo, hi;      /* the interval (subsamples > 0) */
} gb_significance_result;

gb_significance_opts gb_significance_defaults(void);

/*
** The statistic on x and y (n >= 4 rows), on x against permuted y, and on
** half-size subsamples drawn without replacement in time order (Politis
** and Romano 1994).  The rows handed to the statistic live in scratch the
** kernel frees before it returns, whatever the status.
*/
int gb_significance(gb_ctx *ctx, const void *x, size_t xrow, const void *y, size_t yrow,
                    int64_t n, gb_statistic stat, void *ud, const gb_significance_opts *o,
                    gb_significance_result *r);

#endif
