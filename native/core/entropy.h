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
*/
#ifndef GB_ENTROPY_H
#define GB_ENTROPY_H

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

#endif
