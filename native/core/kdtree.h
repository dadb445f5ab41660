/*
** A kd-tree over n points in d dimensions for exact nearest-neighbour
** searches and radius counts, in the maximum norm or the Euclidean norm.
**
** Build: O(n log n) (median splits by quickselect along the widest side).
** Each node keeps its bounding box, so a search skips every node that
** cannot hold a closer point.  Distances are compared exactly: a radius
** count is strict (distance < r) or not (distance <= r) as asked, with no
** epsilon, which the KSG estimators need.
**
** The tree keeps its own reordered copy of the points; queries are
** read-only and may run in parallel.
*/
#ifndef GB_KDTREE_H
#define GB_KDTREE_H

#include <stdint.h>

#include "ctx.h"

enum { GB_NORM_MAX, GB_NORM_EUCLIDEAN };

typedef struct gb_kdnode {
  int64_t lo, hi;            /* points pts[lo .. hi) */
  int64_t left, right;       /* children, -1 for a leaf */
} gb_kdnode;

typedef struct gb_kdtree {
  int64_t n;
  int d;
  double *pts;               /* n x d, in tree order */
  int64_t *idx;              /* original index of each point in tree order */
  int64_t *pos;              /* tree position of each original index */
  gb_kdnode *nodes;
  double *box;               /* per node: d minima then d maxima */
  int64_t nnodes;
} gb_kdtree;

/* Build over x (n x d, row-major, copied).  GB_OK or GB_ENOMEM. */
int gb_kdtree_build(gb_ctx *ctx, gb_kdtree *t, const double *x, int64_t n, int d);
void gb_kdtree_free(gb_ctx *ctx, gb_kdtree *t);

/*
** The k nearest neighbours of q, leaving out the point with original index
** self (-1: none): dist[0..k) ascending (true distances) and their original
** indices in idx (may be NULL).  Needs k <= n - (self >= 0).
*/
void gb_kdtree_knn(gb_ctx *ctx, const gb_kdtree *t, const double *q, int k, int norm, int64_t self,
                   double *dist, int64_t *idx);

/* The number of points within distance r of q (distance < r when strict,
   else <= r), leaving out the point with original index self. */
int64_t gb_kdtree_count(const gb_kdtree *t, const double *q, double r, int strict, int norm,
                        int64_t self);

/* The number of points p inside the box around q: |p_j - q_j| <= half[j]
   for every coordinate j (< when strict), leaving out the point with
   original index self.  KSG's algorithm 2 counts in such boxes. */
int64_t gb_kdtree_count_box(const gb_kdtree *t, const double *q, const double *half, int strict,
                            int64_t self);

#endif
