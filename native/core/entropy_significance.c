/*
** The significance of a statistic of paired samples (entropy.h): its
** p-value against independence from the statistic of x against permuted
** y, and a confidence interval by subsampling (Politis and Romano 1994):
** the statistic on half-size subsamples drawn without replacement, whose
** spread about their mean, scaled by sqrt(1/2), estimates the spread at
** full size.  (The ordinary bootstrap duplicates samples, which ruins
** nearest-neighbour estimators.)
**
** The statistic is a callback (a Lua function behind the binding's
** trampoline): every status it returns ends the kernel, which frees its
** scratch first.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "distributions.h"
#include "entropy.h"
#include "rng.h"
#include "sort.h"

gb_significance_opts gb_significance_defaults(void) {
  gb_significance_opts o = {200, 200, 0.95, 0};
  return o;
}

static int cmp_index(const void *a, const void *b) {
  int64_t u = *(const int64_t *)a, v = *(const int64_t *)b;
  return (u > v) - (u < v);
}

/* out gets the rows idx[0..m) of src (rows of sz bytes). */
static void gather(char *out, const char *src, size_t sz, const int64_t *idx, int64_t m) {
  for (int64_t i = 0; i < m; i++) memcpy(out + (size_t)i * sz, src + (size_t)idx[i] * sz, sz);
}

int gb_significance(gb_ctx *ctx, const void *x, size_t xrow, const void *y, size_t yrow,
                    int64_t n, gb_statistic stat, void *ud, const gb_significance_opts *o,
                    gb_significance_result *r) {
  int perms = o->permutations, boots = o->subsamples;
  if (n < 4 || perms < 0 || boots < 0 || !(o->level > 0 && o->level < 1)) return GB_EINVAL;
  double value;
  int st = stat(ud, x, y, n, &value);
  if (st != GB_OK) return st;
  int64_t *idx = gb_alloc_n(ctx, (size_t)n, sizeof(int64_t));
  double *sub = gb_alloc_n(ctx, (size_t)boots + 1, sizeof(double));
  char *xs = gb_alloc_n(ctx, (size_t)n, xrow > 0 ? xrow : 1);
  char *ys = gb_alloc_n(ctx, (size_t)n, yrow > 0 ? yrow : 1);
  if (!idx || !sub || !xs || !ys) st = GB_ENOMEM;
  gb_rng g;
  gb_rng_seed(&g, o->seed);
  int64_t exceed = 0;
  double nullsum = 0;
  for (int k = 0; k < perms && st == GB_OK; k++) {
    double v = 0;
    st = gb_rand_permutation(ctx, &g, n, idx, 0);
    if (st != GB_OK) break;
    gather(ys, y, yrow, idx, n);
    st = stat(ud, x, ys, n, &v);
    exceed += v >= value;
    nullsum += v;
    if (st == GB_OK && gb_interrupted(ctx)) st = gb_ctx_stopped(ctx);
  }
  int64_t half = n / 2;
  double submean = 0;
  for (int k = 0; k < boots && st == GB_OK; k++) {
    st = gb_rand_permutation(ctx, &g, n, idx, 0);
    if (st != GB_OK) break;
    qsort(idx, (size_t)half, sizeof(int64_t), cmp_index);   /* keep the time order */
    gather(xs, x, xrow, idx, half);
    gather(ys, y, yrow, idx, half);
    st = stat(ud, xs, ys, half, &sub[k]);
    submean += sub[k] / boots;
    if (st == GB_OK && gb_interrupted(ctx)) st = gb_ctx_stopped(ctx);
  }
  if (st == GB_OK) {
    r->value = value;
    r->p = perms > 0 ? (double)(exceed + 1) / (double)(perms + 1) : NAN;
    r->null_mean = perms > 0 ? nullsum / perms : NAN;
    r->lo = r->hi = NAN;
    if (boots > 0) {
      gb_sort_doubles(sub, boots);
      double a = (1 - o->level) / 2, scale = sqrt((double)half / (double)n);
      int64_t lo = (int64_t)floor(a * (boots - 1)), hi = (int64_t)ceil((1 - a) * (boots - 1));
      r->lo = value + (sub[lo] - submean) * scale;
      r->hi = value + (sub[hi] - submean) * scale;
    }
  }
  gb_free(ctx, idx);
  gb_free(ctx, sub);
  gb_free(ctx, xs);
  gb_free(ctx, ys);
  return st;
}
