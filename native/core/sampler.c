/*
** Samplers over batches of logits (sampler.h): one driver runs a row
** function over the rows, on the context's threads, each thread with its
** own candidate memory; the kernels and the stateful sampler are row
** functions for it.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "sampler.h"
#include "vmath.h"

const char *const gb_step_names[] = {
  "temperature", "top_k", "top_p", "min_p", "typical", "epsilon", "eta",
  "top_n_sigma", "xtc", "dynamic_temperature", "penalties", NULL
};

int gb_logits_row(const gb_logits *lg, int64_t r, gb_cands *c, void *mem, int64_t *bad) {
  if (lg->single) {
    const float *p = (const float *)lg->data + r * lg->row_stride;
    return gb_cands_init_float(c, mem, p, lg->stride, lg->vocab, bad);
  }
  const double *p = (const double *)lg->data + r * lg->row_stride;
  return gb_cands_init(c, mem, p, lg->stride, lg->vocab, bad);
}

/* The row driver -------------------------------------------------------------- */

/* Work on row r's candidates; a status other than GB_OK is kept (the first
   row's wins) and returned once every row has run. */
typedef int (*row_fn)(gb_ctx *ctx, void *arg, int64_t r, gb_cands *c);

static int thread_id(void) {
#ifdef _OPENMP
  return omp_get_thread_num();
#else
  return 0;
#endif
}

/* Threads for rows x vocab logits: never more than the rows. */
static int row_threads(gb_ctx *ctx, const gb_logits *lg) {
  int nt = gb_threads(ctx, (double)lg->rows * (double)lg->vocab);
  return lg->rows < nt ? (int)lg->rows : nt < 1 ? 1 : nt;
}

/*
** Run fn over the rows: in parallel unless serial (a row function drawing
** from one shared generator must see the rows in order).  mem holds
** gb_cands_bytes(vocab) bytes for each of nt threads.
*/
static int run_rows(gb_ctx *ctx, const gb_logits *lg, int nt, char *mem, row_fn fn, void *arg,
                    gb_badlogit *bad) {
  size_t bytes = gb_cands_bytes(lg->vocab);
  int64_t bad_row = -1, bad_index = 0, err_row = -1;
  int err = GB_OK, stopped = 0;
  #pragma omp parallel for num_threads(nt) schedule(dynamic) if (nt > 1)
  for (int64_t r = 0; r < lg->rows; r++) {
    gb_cands c;
    int64_t b;
    int st;
    if (gb_interrupted(ctx)) {                 /* sticky: the other rows skip too */
      #pragma omp atomic write
      stopped = 1;
      continue;
    }
    if (gb_logits_row(lg, r, &c, mem + bytes * (size_t)thread_id(), &b) != GB_OK) {
      #pragma omp critical (gb_sampler_rows)
      if (bad_row < 0 || r < bad_row) { bad_row = r; bad_index = b; }
      continue;
    }
    if ((st = fn(ctx, arg, r, &c)) != GB_OK) {
      #pragma omp critical (gb_sampler_rows)
      if (err_row < 0 || r < err_row) { err_row = r; err = st; }
    }
  }
  if (bad_row >= 0) {
    if (bad) { bad->row = bad_row; bad->index = bad_index; }
    return GB_EINVAL;
  }
  if (stopped) return gb_ctx_stopped(ctx);
  return err;
}

/* run_rows with scratch from the context. */
static int each_row(gb_ctx *ctx, const gb_logits *lg, int parallel, row_fn fn, void *arg,
                    gb_badlogit *bad) {
  int nt = parallel ? row_threads(ctx, lg) : 1;
  char *mem = gb_alloc_n(ctx, (size_t)nt, gb_cands_bytes(lg->vocab));
  if (!mem) return GB_ENOMEM;
  int st = run_rows(ctx, lg, nt, mem, fn, arg, bad);
  gb_free(ctx, mem);
  return st;
}

/* Steps ----------------------------------------------------------------------- */

static int cmp_i64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

/* Penalties from the last last_n tokens of tok[0..n) (all when last_n <= 0),
   counted as sorted unique ids. */
static int apply_penalties(gb_ctx *ctx, gb_cands *c, const gb_step *s, const int64_t *tok,
                           int64_t n) {
  if (s->last_n > 0 && n > s->last_n) { tok += n - s->last_n; n = s->last_n; }
  if (n == 0) return GB_OK;
  int64_t *ids = gb_alloc_n(ctx, 2 * (size_t)n, sizeof(int64_t));
  if (!ids) return GB_ENOMEM;
  int64_t *counts = ids + n, u = 0;
  memcpy(ids, tok, sizeof(int64_t) * (size_t)n);
  qsort(ids, (size_t)n, sizeof(int64_t), cmp_i64);
  for (int64_t i = 0; i < n; i++) {
    if (u > 0 && ids[u - 1] == ids[i]) { counts[u - 1]++; continue; }
    ids[u] = ids[i];
    counts[u++] = 1;
  }
  gb_filter_penalties(c, ids, counts, u, s->a, s->b, s->c);
  gb_free(ctx, ids);
  return GB_OK;
}

int gb_step_apply(gb_ctx *ctx, gb_cands *c, const gb_step *s, gb_rng *g,
                  const int64_t *hist, int64_t nhist) {
  switch (s->kind) {
    case GB_STEP_TEMPERATURE: gb_filter_temperature(c, s->a); break;
    case GB_STEP_TOP_K: gb_filter_top_k(c, s->k, s->min_keep); break;
    case GB_STEP_TOP_P: gb_filter_top_p(c, s->a, s->min_keep); break;
    case GB_STEP_MIN_P: gb_filter_min_p(c, s->a, s->min_keep); break;
    case GB_STEP_TYPICAL: gb_filter_typical(c, s->a, s->min_keep); break;
    case GB_STEP_EPSILON: gb_filter_epsilon(c, s->a, s->min_keep); break;
    case GB_STEP_ETA: gb_filter_eta(c, s->a, s->min_keep); break;
    case GB_STEP_TOP_N_SIGMA: gb_filter_top_n_sigma(c, s->a, s->min_keep); break;
    case GB_STEP_XTC: gb_filter_xtc(c, s->a, s->b, s->min_keep, g); break;
    case GB_STEP_DYNAMIC_TEMPERATURE: gb_filter_dynamic_temperature(c, s->a, s->b, s->c); break;
    case GB_STEP_PENALTIES: return apply_penalties(ctx, c, s, hist, nhist);
    default: return GB_EINVAL;
  }
  return GB_OK;
}

/* Row kernels ----------------------------------------------------------------- */

typedef struct softmax_arg { double T; int logs; int64_t vocab; double *out; } softmax_arg;

static int softmax_row(gb_ctx *ctx, void *arg, int64_t r, gb_cands *c) {
  softmax_arg *a = arg;
  double *o = a->out + r * a->vocab;
  (void)ctx;
  if (a->T != 1.0) gb_filter_temperature(c, a->T);
  double lse = gb_cands_logsumexp(c);
  for (int64_t j = 0; j < a->vocab; j++) o[j] = a->logs ? -INFINITY : 0.0;
  for (int64_t j = 0; j < c->n; j++)
    o[c->id[j]] = a->logs ? c->x[j] - lse : exp(c->x[j] - lse);
  return GB_OK;
}

int gb_logits_softmax(gb_ctx *ctx, const gb_logits *lg, double T, int logs, double *out,
                      gb_badlogit *bad) {
  softmax_arg a = {T, logs, lg->vocab, out};
  return each_row(ctx, lg, 1, softmax_row, &a, bad);
}

typedef struct entropy_arg { double scale; double *out; } entropy_arg;

static int entropy_row(gb_ctx *ctx, void *arg, int64_t r, gb_cands *c) {
  entropy_arg *a = arg;
  (void)ctx;
  a->out[r] = gb_cands_entropy(c) * a->scale;
  return GB_OK;
}

int gb_logits_entropy(gb_ctx *ctx, const gb_logits *lg, double base, double *out,
                      gb_badlogit *bad) {
  entropy_arg a = {1.0 / log(base), out};
  return each_row(ctx, lg, 1, entropy_row, &a, bad);
}

typedef struct surprise_arg { const int64_t *tok; double lnbase; double *out; } surprise_arg;

static int surprise_row(gb_ctx *ctx, void *arg, int64_t r, gb_cands *c) {
  surprise_arg *a = arg;
  int64_t j = gb_cands_find(c, a->tok[r]);
  (void)ctx;
  a->out[r] = j < 0 ? HUGE_VAL : -(c->x[j] - gb_cands_logsumexp(c)) / a->lnbase;
  return GB_OK;
}

int gb_logits_surprise(gb_ctx *ctx, const gb_logits *lg, const int64_t *tok, double base,
                       double *out, gb_badlogit *bad) {
  surprise_arg a = {tok, log(base), out};
  return each_row(ctx, lg, 1, surprise_row, &a, bad);
}

typedef struct filter_arg {
  const gb_step *s;
  gb_rng *g;
  const int64_t *hist;
  int64_t nhist, vocab;
  double *out;
} filter_arg;

static int filter_row(gb_ctx *ctx, void *arg, int64_t r, gb_cands *c) {
  filter_arg *a = arg;
  int st = gb_step_apply(ctx, c, a->s, a->g, a->hist, a->nhist);
  if (st == GB_OK) gb_cands_scatter(c, a->out + r * a->vocab, 1);
  return st;
}

int gb_logits_filter(gb_ctx *ctx, const gb_logits *lg, const gb_step *s, gb_rng *g,
                     const int64_t *hist, int64_t nhist, double *out, gb_badlogit *bad) {
  filter_arg a = {s, g, hist, nhist, lg->vocab, out};
  /* xtc draws from the one generator: the rows in order */
  return each_row(ctx, lg, s->kind != GB_STEP_XTC, filter_row, &a, bad);
}

static int argmax_row(gb_ctx *ctx, void *arg, int64_t r, gb_cands *c) {
  (void)ctx;
  ((int64_t *)arg)[r] = c->id[gb_cands_argmax(c)];
  return GB_OK;
}

int gb_logits_argmax(gb_ctx *ctx, const gb_logits *lg, int64_t *out, gb_badlogit *bad) {
  return each_row(ctx, lg, 1, argmax_row, out, bad);
}

typedef struct categorical_arg { gb_rng *g; int per_row; int64_t *out; } categorical_arg;

static int categorical_row(gb_ctx *ctx, void *arg, int64_t r, gb_cands *c) {
  categorical_arg *a = arg;
  (void)ctx;
  a->out[r] = c->id[gb_cands_draw(c, a->per_row ? &a->g[r] : a->g, NULL)];
  return GB_OK;
}

int gb_logits_categorical(gb_ctx *ctx, const gb_logits *lg, gb_rng *g, int per_row,
                          int64_t *out, gb_badlogit *bad) {
  categorical_arg a = {g, per_row, out};
  if (!per_row) return each_row(ctx, lg, 0, categorical_row, &a, bad);
  gb_rng *rows = gb_alloc_n(ctx, (size_t)lg->rows, sizeof(gb_rng));
  if (!rows) return GB_ENOMEM;
  for (int64_t r = 0; r < lg->rows; r++) gb_rng_spawn(g, &rows[r]);
  a.g = rows;
  int st = each_row(ctx, lg, 1, categorical_row, &a, bad);
  gb_free(ctx, rows);
  return st;
}

/* Row 0's candidates in fresh scratch (*mem to free). */
static int first_row(gb_ctx *ctx, const gb_logits *lg, gb_cands *c, void **mem,
                     gb_badlogit *bad) {
  int64_t b;
  if (!(*mem = gb_alloc(ctx, gb_cands_bytes(lg->vocab)))) return GB_ENOMEM;
  if (gb_logits_row(lg, 0, c, *mem, &b) != GB_OK) {
    gb_free(ctx, *mem);
    if (bad) { bad->row = 0; bad->index = b; }
    return GB_EINVAL;
  }
  return GB_OK;
}

int gb_logits_categorical_n(gb_ctx *ctx, const gb_logits *lg, gb_rng *g, int64_t n,
                            int64_t *out, gb_badlogit *bad) {
  gb_cands c;
  void *mem;
  int st = first_row(ctx, lg, &c, &mem, bad);
  if (st != GB_OK) return st;
  double *cdf = c.work, m = -INFINITY;
  for (int64_t j = 0; j < c.n; j++) if (c.x[j] > m) m = c.x[j];
  for (int64_t j = 0; j < c.n; j++) cdf[j] = c.x[j] - m;
  gb_vexp(cdf, cdf, c.n);
  for (int64_t j = 1; j < c.n; j++) cdf[j] += cdf[j - 1];
  double total = cdf[c.n - 1];
  for (int64_t i = 0; i < n; i++) {
    double u = gb_rng_uniform(g) * total;
    int64_t lo = 0, hi = c.n - 1;            /* the first j with cdf[j] > u */
    while (lo < hi) {
      int64_t mid = lo + (hi - lo) / 2;
      if (cdf[mid] > u) hi = mid; else lo = mid + 1;
    }
    while (lo > 0 && cdf[lo] == cdf[lo - 1]) lo--;   /* never a zero-weight token */
    out[i] = c.id[lo];
    if ((i & 0xfffff) == 0xfffff && gb_interrupted(ctx)) { st = gb_ctx_stopped(ctx); break; }
  }
  gb_free(ctx, mem);
  return st;
}

int gb_logits_zipf_exponent(gb_ctx *ctx, const gb_logits *lg, int64_t m, double *out,
                            gb_badlogit *bad) {
  gb_cands c;
  void *mem;
  int st = first_row(ctx, lg, &c, &mem, bad);
  if (st != GB_OK) return st;
  *out = gb_mirostat_s(&c, m);
  gb_free(ctx, mem);
  return GB_OK;
}

int gb_perplexity(const double *logp, int64_t n, double base, double *out, int64_t *bad) {
  double s = 0;
  for (int64_t i = 0; i < n; i++) {
    if (isnan(logp[i]) || logp[i] > 0) { if (bad) *bad = i; return GB_EINVAL; }
    s += logp[i];
  }
  *out = pow(base, -s / (double)n);
  return GB_OK;
}

/* Histories -------------------------------------------------------------------- */

static int history_push(gb_ctx *ctx, gb_history *h, int64_t t) {
  if (h->n == h->cap) {
    int64_t cap = h->cap ? 2 * h->cap : 64;
    int64_t *p = gb_alloc_n(ctx, (size_t)cap, sizeof(int64_t));
    if (!p) return GB_ENOMEM;
    if (h->n) memcpy(p, h->tok, sizeof(int64_t) * (size_t)h->n);
    gb_free(ctx, h->tok);
    h->tok = p;
    h->cap = cap;
  }
  h->tok[h->n++] = t;
  return GB_OK;
}

/* Samplers --------------------------------------------------------------------- */

static int new_sampler(gb_ctx *ctx, gb_sampler **out, int kind, uint64_t seed) {
  gb_sampler *s = gb_zalloc_n(ctx, 1, sizeof *s);
  *out = s;
  if (!s) return GB_ENOMEM;
  s->kind = kind;
  gb_rng_seed(&s->rng, seed);
  return GB_OK;
}

int gb_sampler_new_chain(gb_ctx *ctx, gb_sampler **out, const gb_step *steps, int n,
                         uint64_t seed) {
  *out = NULL;
  if (n < 0 || n > GB_SAMPLER_MAXSTEPS) return GB_EINVAL;
  for (int i = 0; i < n; i++) if (steps[i].kind < 0 || steps[i].kind >= GB_NSTEPS) return GB_EINVAL;
  int st = new_sampler(ctx, out, GB_SAMPLER_CHAIN, seed);
  if (st != GB_OK) return st;
  if (n) memcpy((*out)->steps, steps, sizeof(gb_step) * (size_t)n);
  (*out)->nsteps = n;
  return GB_OK;
}

int gb_sampler_new_mirostat(gb_ctx *ctx, gb_sampler **out, int version, double tau,
                            double eta, int64_t m, double temperature, int surprise_full,
                            uint64_t seed) {
  *out = NULL;
  if ((version != 1 && version != 2) || !(tau > 0) || !(eta > 0) || m < 2) return GB_EINVAL;
  int st = new_sampler(ctx, out, version == 1 ? GB_SAMPLER_MIROSTAT : GB_SAMPLER_MIROSTAT2, seed);
  if (st != GB_OK) return st;
  gb_sampler *s = *out;
  s->tau = tau;
  s->eta = eta;
  s->m = m;
  s->temperature = temperature;
  s->surprise_full = surprise_full;
  return GB_OK;
}

/* Free the per-row state. */
static void free_rows(gb_ctx *ctx, gb_sampler *s) {
  if (s->hist) for (int64_t r = 0; r < s->rows; r++) gb_free(ctx, s->hist[r].tok);
  gb_free(ctx, s->hist); gb_free(ctx, s->row_rng); gb_free(ctx, s->mu); gb_free(ctx, s->last_s);
  gb_free(ctx, s->last_k); gb_free(ctx, s->last_kept); gb_free(ctx, s->last_token);
  gb_free(ctx, s->last_surprise); gb_free(ctx, s->surprises);
  s->hist = NULL; s->row_rng = NULL; s->mu = s->last_s = s->last_surprise = s->surprises = NULL;
  s->last_k = s->last_kept = s->last_token = NULL;
  s->rows = s->nsurp = s->capsurp = 0;
}

void gb_sampler_reset(gb_ctx *ctx, gb_sampler *s) { free_rows(ctx, s); }

void gb_sampler_free(gb_ctx *ctx, gb_sampler *s) {
  if (!s) return;
  free_rows(ctx, s);
  gb_free(ctx, s->work);
  gb_free(ctx, s);
}

/* Allocate the per-row state for rows rows (first use, or after reset). */
static int setup_rows(gb_ctx *ctx, gb_sampler *s, int64_t rows) {
  size_t n = (size_t)rows;
  s->hist = gb_zalloc_n(ctx, n, sizeof(gb_history));
  s->row_rng = gb_alloc_n(ctx, n, sizeof(gb_rng));
  s->mu = gb_alloc_n(ctx, n, sizeof(double));
  s->last_s = gb_zalloc_n(ctx, n, sizeof(double));
  s->last_surprise = gb_zalloc_n(ctx, n, sizeof(double));
  s->last_k = gb_zalloc_n(ctx, n, sizeof(int64_t));
  s->last_kept = gb_zalloc_n(ctx, n, sizeof(int64_t));
  s->last_token = gb_zalloc_n(ctx, n, sizeof(int64_t));
  s->rows = rows;
  if (!s->hist || !s->row_rng || !s->mu || !s->last_s || !s->last_surprise ||
      !s->last_k || !s->last_kept || !s->last_token) {
    free_rows(ctx, s);
    return GB_ENOMEM;
  }
  for (int64_t r = 0; r < rows; r++) {
    gb_rng_spawn(&s->rng, &s->row_rng[r]);
    s->mu[r] = 2 * s->tau;                       /* Basu et al.: mu starts at 2 tau */
  }
  return GB_OK;
}

int gb_sampler_clone(gb_ctx *ctx, const gb_sampler *s, gb_sampler **out) {
  gb_sampler *t = gb_alloc(ctx, sizeof *t);
  int st = GB_OK;
  *out = NULL;
  if (!t) return GB_ENOMEM;
  *t = *s;
  t->rows = t->nsurp = t->capsurp = 0;
  t->hist = NULL; t->row_rng = NULL; t->mu = t->last_s = t->last_surprise = t->surprises = NULL;
  t->last_k = t->last_kept = t->last_token = NULL;
  t->work = NULL;
  t->workbytes = 0;
  if (s->rows > 0 && (st = setup_rows(ctx, t, s->rows)) == GB_OK) {
    size_t n = (size_t)s->rows;
    t->rng = s->rng;                  /* setup_rows spawned from the copy */
    memcpy(t->row_rng, s->row_rng, n * sizeof(gb_rng));
    memcpy(t->mu, s->mu, n * sizeof(double));
    memcpy(t->last_s, s->last_s, n * sizeof(double));
    memcpy(t->last_surprise, s->last_surprise, n * sizeof(double));
    memcpy(t->last_k, s->last_k, n * sizeof(int64_t));
    memcpy(t->last_kept, s->last_kept, n * sizeof(int64_t));
    memcpy(t->last_token, s->last_token, n * sizeof(int64_t));
    for (int64_t r = 0; r < s->rows && st == GB_OK; r++)
      for (int64_t i = 0; i < s->hist[r].n && st == GB_OK; i++)
        st = history_push(ctx, &t->hist[r], s->hist[r].tok[i]);
    if (st == GB_OK && s->nsurp) {
      if (!(t->surprises = gb_alloc_n(ctx, (size_t)(s->capsurp * s->rows), sizeof(double)))) {
        st = GB_ENOMEM;
      } else {
        memcpy(t->surprises, s->surprises, sizeof(double) * (size_t)(s->nsurp * s->rows));
        t->nsurp = s->nsurp;
        t->capsurp = s->capsurp;
      }
    }
  }
  if (st != GB_OK) { gb_sampler_free(ctx, t); return st; }
  *out = t;
  return GB_OK;
}

/*
** One draw for row r from its candidates: the chain's filters or
** Mirostat's truncation, then the categorical draw; the surprise, Mirostat's
** mu update and the history.
*/
static int sample_row(gb_ctx *ctx, void *arg, int64_t r, gb_cands *c) {
  gb_sampler *s = arg;
  gb_rng *g = &s->row_rng[r];
  double lse = 0, logp;
  if (s->kind != GB_SAMPLER_CHAIN) {
    if (s->temperature != 1.0) gb_filter_temperature(c, s->temperature);
    lse = gb_cands_logsumexp(c);
  }
  if (s->kind == GB_SAMPLER_CHAIN) {
    for (int i = 0; i < s->nsteps; i++) {
      int st = gb_step_apply(ctx, c, &s->steps[i], g, s->hist[r].tok, s->hist[r].n);
      if (st != GB_OK) return st;
    }
  } else if (s->kind == GB_SAMPLER_MIROSTAT) {
    double est = gb_mirostat_s(c, s->m);
    int64_t k = gb_mirostat_k(est, s->mu[r], c->vocab);
    s->last_s[r] = est;
    s->last_k[r] = k;
    gb_filter_top_k(c, k, 1);
  } else {
    gb_filter_surprise(c, s->mu[r]);
    s->last_k[r] = c->n;
  }
  s->last_kept[r] = c->n;
  int64_t j = gb_cands_draw(c, g, &logp);
  int64_t tok = c->id[j];
  /* chains: the surprise under the distribution drawn from; Mirostat: its
     feedback signal, untruncated (the default) or truncated */
  double nats = s->kind != GB_SAMPLER_CHAIN && s->surprise_full ? -(c->x[j] - lse) : -logp;
  s->last_surprise[r] = nats / M_LN2;
  if (s->kind != GB_SAMPLER_CHAIN) s->mu[r] -= s->eta * (s->last_surprise[r] - s->tau);
  s->last_token[r] = tok;
  return history_push(ctx, &s->hist[r], tok);
}

/* Append the rows' last surprises to the Mirostat record. */
static int record_surprises(gb_ctx *ctx, gb_sampler *s) {
  if (s->nsurp == s->capsurp) {
    int64_t cap = s->capsurp ? 2 * s->capsurp : 256;
    double *p = gb_alloc_n(ctx, (size_t)(cap * s->rows), sizeof(double));
    if (!p) return GB_ENOMEM;
    if (s->nsurp) memcpy(p, s->surprises, sizeof(double) * (size_t)(s->nsurp * s->rows));
    gb_free(ctx, s->surprises);
    s->surprises = p;
    s->capsurp = cap;
  }
  memcpy(s->surprises + s->nsurp * s->rows, s->last_surprise, sizeof(double) * (size_t)s->rows);
  s->nsurp++;
  return GB_OK;
}

/* The sampler's candidate memory for nt threads, kept between draws. */
static char *sampler_work(gb_ctx *ctx, gb_sampler *s, size_t bytes) {
  if (s->workbytes >= bytes) return s->work;
  gb_free(ctx, s->work);
  s->work = gb_alloc(ctx, bytes);
  s->workbytes = s->work ? bytes : 0;
  return s->work;
}

int gb_sampler_draw(gb_ctx *ctx, gb_sampler *s, const gb_logits *lg, int64_t *tokens,
                    gb_badlogit *bad) {
  int st;
  if (s->rows == 0) {
    if ((st = setup_rows(ctx, s, lg->rows)) != GB_OK) return st;
  } else if (s->rows != lg->rows) {
    if (bad) { bad->row = -1; bad->index = 0; }
    return GB_EINVAL;
  }
  int nt = row_threads(ctx, lg);
  char *mem = sampler_work(ctx, s, gb_cands_bytes(lg->vocab) * (size_t)nt);
  if (!mem) return GB_ENOMEM;
  if ((st = run_rows(ctx, lg, nt, mem, sample_row, s, bad)) != GB_OK) return st;
  if (s->kind != GB_SAMPLER_CHAIN && (st = record_surprises(ctx, s)) != GB_OK) return st;
  if (tokens) memcpy(tokens, s->last_token, sizeof(int64_t) * (size_t)s->rows);
  return GB_OK;
}

int gb_sampler_accept(gb_ctx *ctx, gb_sampler *s, const int64_t *tokens, int64_t n) {
  int st;
  if (s->rows == 0) {
    if (n < 1) return GB_EINVAL;
    if ((st = setup_rows(ctx, s, n)) != GB_OK) return st;
  } else if (n != s->rows) {
    return GB_EINVAL;
  }
  for (int64_t r = 0; r < n; r++) if (tokens[r] < 0) return GB_EINVAL;
  for (int64_t r = 0; r < n; r++)
    if ((st = history_push(ctx, &s->hist[r], tokens[r])) != GB_OK) return st;
  return GB_OK;
}

int gb_sampler_simulate(gb_ctx *ctx, gb_sampler *s, const gb_logits *lg, int64_t *tokens,
                        double *surprises, int64_t *kept, double *perplexity,
                        gb_badlogit *bad) {
  gb_logits row = *lg;
  double total = 0;
  int st = GB_OK;
  row.rows = 1;
  gb_progress_begin(ctx, "simulate", (double)lg->rows);
  for (int64_t t = 0; t < lg->rows; t++) {
    gb_cands c;
    int64_t b;
    row.data = lg->single ? (const void *)((const float *)lg->data + t * lg->row_stride)
                          : (const void *)((const double *)lg->data + t * lg->row_stride);
    if ((st = gb_sampler_draw(ctx, s, &row, NULL, bad)) != GB_OK) {
      if (st == GB_EINVAL && bad && bad->row == 0) bad->row = t;
      break;
    }
    tokens[t] = s->last_token[0];
    kept[t] = s->last_kept[0];
    /* the surprise under the untransformed logits of this step */
    gb_logits_row(&row, 0, &c, s->work, &b);
    double bits = -(c.x[gb_cands_find(&c, s->last_token[0])] - gb_cands_logsumexp(&c)) / M_LN2;
    surprises[t] = bits;
    total += bits;
    if ((t & 255) == 255) {
      gb_progress_step(ctx, (double)t);
      if (gb_interrupted(ctx)) { st = gb_ctx_stopped(ctx); break; }
    }
  }
  gb_progress_end(ctx);
  if (st == GB_OK) *perplexity = lg->rows ? pow(2.0, total / (double)lg->rows) : NAN;
  return st;
}
