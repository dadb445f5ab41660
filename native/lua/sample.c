/*
** Module sample: token sampling from logits (the kernels are in
** native/core/sample.c).
**
**   sample.softmax(logits [, T])   ...        distributions from logits
**   sample.top_k(logits, k) ...               filters: logits, -inf outside
**   sample.greedy(logits)  sample.categorical(logits [, g])
**   sample.chain{ {"top_k", 40}, {"temperature", 0.8}, seed = 1 }
**   sample.mirostat{ tau = 5, eta = 0.1 }  sample.mirostat_v2{...}
**
** Logits are float64 or float32 (other dtypes are converted), 1-D (one
** vocabulary) or 2-D (batch x vocabulary, one result per row).  Token ids
** are 1-based.  Batches are split across OpenMP threads; every row has its
** own random stream, so results do not depend on the number of threads.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "internal.h"
#include "sample.h"
#include "status.h"
#include "vmath.h"

#define SAMPLER_MT "gibbs.sampler"
#define MAXSTEPS 32

/* Arguments ------------------------------------------------------------------ */

typedef struct logits {
  gb_array *a;
  int64_t rows, vocab;
  int batched;                 /* 2-D input: results per row */
} logits;

static void checklogits(lua_State *L, int idx, logits *lg) {
  luaL_checkany(L, idx);
  gb_array *a = gbL_toarray(L, idx, -1);
  if (a->dtype != GB_FLOAT64 && a->dtype != GB_FLOAT32) a = gbL_toarray(L, idx, GB_FLOAT64);
  if (a->ndim != 1 && a->ndim != 2) {
    char s[128];
    gb_format_shape(s, sizeof s, a->ndim, a->shape);
    gbL_error(L, "logits must be 1-D (vocabulary) or 2-D (batch x vocabulary), got shape %s", s);
  }
  lg->a = a;
  lg->batched = a->ndim == 2;
  lg->rows = a->ndim == 2 ? a->shape[0] : 1;
  lg->vocab = a->shape[a->ndim - 1];
  if (lg->vocab == 0) gbL_error(L, "the vocabulary is empty");
}

/* Candidates from row r of the logits. */
static int row_cands(const logits *lg, int64_t r, gb_cands *c, void *mem, int64_t *bad) {
  const gb_array *a = lg->a;
  const char *p = a->data + (lg->batched ? r * a->strides[0] : 0);
  int64_t st = a->strides[a->ndim - 1] / (int64_t)gb_dtype_size(a->dtype);
  if (a->dtype == GB_FLOAT64) return gb_cands_init(c, mem, (const double *)p, st, lg->vocab, bad);
  return gb_cands_init_float(c, mem, (const float *)p, st, lg->vocab, bad);
}

/* The error for a row whose logits cannot be sampled. */
static int bad_logits(lua_State *L, const logits *lg, int64_t row, int64_t bad) {
  if (bad < 0) {
    if (lg->batched) return gbL_error(L, "every logit of row %lld is -inf", (long long)row + 1);
    return gbL_error(L, "every logit is -inf");
  }
  if (lg->batched)
    return gbL_error(L, "logit %lld of row %lld is NaN or +inf", (long long)bad + 1, (long long)row + 1);
  return gbL_error(L, "logit %lld is NaN or +inf", (long long)bad + 1);
}

static int nthreads(int64_t rows) {
#ifdef _OPENMP
  int t = omp_get_max_threads();
  return rows < t ? (int)rows : t;
#else
  (void)rows;
  return 1;
#endif
}

static int thread_id(void) {
#ifdef _OPENMP
  return omp_get_thread_num();
#else
  return 0;
#endif
}

/*
** Workspace memory, reused between calls so that a sampler touches warm
** memory: a full userdata kept at upvalue 1 of the module functions (or in
** the sampler's user value), replaced when it is too small.
*/
static char *workspace(lua_State *L, int holder, int uv, size_t bytes) {
  size_t have = 0;
  char *mem = NULL;
  if (lua_getiuservalue(L, holder, uv) == LUA_TUSERDATA) {
    have = lua_rawlen(L, -1);
    mem = lua_touserdata(L, -1);
  }
  lua_pop(L, 1);
  if (have >= bytes && mem) return mem;
  mem = lua_newuserdatauv(L, bytes, 0);
  lua_setiuservalue(L, holder, uv);
  return mem;
}

/* The module's workspace holder: a userdata with one user value. */
static char *module_workspace(lua_State *L, size_t bytes) {
  return workspace(L, lua_upvalueindex(1), 1, bytes);
}

static double checkprob(lua_State *L, int idx, const char *what) {
  double p = luaL_checknumber(L, idx);
  if (isnan(p)) gbL_error(L, "%s must be a number, got NaN", what);
  return p;
}

static int64_t optminkeep(lua_State *L, int idx) {
  lua_Integer m = luaL_optinteger(L, idx, 1);
  if (m < 0) gbL_error(L, "min_keep must be >= 0, got %lld", (long long)m);
  return m;
}

/* Filters as steps -------------------------------------------------------------- */

enum {
  F_TEMPERATURE, F_TOP_K, F_TOP_P, F_MIN_P, F_TYPICAL, F_EPSILON, F_ETA,
  F_TOP_N_SIGMA, F_XTC, F_DYNATEMP, F_PENALTIES, F_NFILTERS
};

static const char *const filter_names[] = {
  "temperature", "top_k", "top_p", "min_p", "typical", "epsilon", "eta",
  "top_n_sigma", "xtc", "dynamic_temperature", "penalties", NULL
};

typedef struct step {
  int kind;
  double a, b, c;              /* the filter's parameters */
  int64_t k, min_keep, last_n;
} step;

/* A token history: the ids accepted so far (0-based). */
typedef struct history {
  int64_t *tok;
  int64_t n, cap;
} history;

static int history_push(history *h, int64_t t) {
  if (h->n == h->cap) {
    int64_t cap = h->cap ? 2 * h->cap : 64;
    int64_t *p = realloc(h->tok, sizeof(int64_t) * (size_t)cap);
    if (!p) return GB_ENOMEM;
    h->tok = p;
    h->cap = cap;
  }
  h->tok[h->n++] = t;
  return GB_OK;
}

static int cmp_i64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

/* Penalties from the last last_n tokens of tok[0..n) (all when last_n <= 0). */
static int apply_penalties(gb_cands *c, const step *s, const int64_t *tok, int64_t n) {
  if (s->last_n > 0 && n > s->last_n) { tok += n - s->last_n; n = s->last_n; }
  if (n == 0) return GB_OK;
  int64_t *ids = malloc(sizeof(int64_t) * 2 * (size_t)n);
  if (!ids) return GB_ENOMEM;
  int64_t *counts = ids + n, u = 0;
  memcpy(ids, tok, sizeof(int64_t) * (size_t)n);
  qsort(ids, (size_t)n, sizeof(int64_t), cmp_i64);
  for (int64_t i = 0; i < n; i++) {
    if (u > 0 && ids[u - 1] == ids[i]) { counts[u - 1]++; continue; }
    ids[u] = ids[i];
    counts[u++] = 1;
  }
  /* counts overlap ids beyond u only after u <= i: safe since u <= i + 1 */
  gb_filter_penalties(c, ids, counts, u, s->a, s->b, s->c);
  free(ids);
  return GB_OK;
}

static int apply_step(gb_cands *c, const step *s, gb_rng *g, const history *h) {
  switch (s->kind) {
    case F_TEMPERATURE: gb_filter_temperature(c, s->a); break;
    case F_TOP_K: gb_filter_top_k(c, s->k, s->min_keep); break;
    case F_TOP_P: gb_filter_top_p(c, s->a, s->min_keep); break;
    case F_MIN_P: gb_filter_min_p(c, s->a, s->min_keep); break;
    case F_TYPICAL: gb_filter_typical(c, s->a, s->min_keep); break;
    case F_EPSILON: gb_filter_epsilon(c, s->a, s->min_keep); break;
    case F_ETA: gb_filter_eta(c, s->a, s->min_keep); break;
    case F_TOP_N_SIGMA: gb_filter_top_n_sigma(c, s->a, s->min_keep); break;
    case F_XTC: gb_filter_xtc(c, s->a, s->b, s->min_keep, g); break;
    case F_DYNATEMP: gb_filter_dynamic_temperature(c, s->a, s->b, s->c); break;
    case F_PENALTIES: return h ? apply_penalties(c, s, h->tok, h->n) : GB_OK;
  }
  return GB_OK;
}

/*
** Read a step's parameters from the Lua values at idx.. (positional, as in
** the module functions: sample.top_k(logits, k [, min_keep])).
*/
static void read_step(lua_State *L, step *s, int kind, int idx) {
  memset(s, 0, sizeof *s);
  s->kind = kind;
  s->min_keep = 1;
  switch (kind) {
    case F_TEMPERATURE: s->a = checkprob(L, idx, "temperature"); break;
    case F_TOP_K: s->k = luaL_checkinteger(L, idx); s->min_keep = optminkeep(L, idx + 1); break;
    case F_TOP_P: case F_MIN_P: case F_TYPICAL:
      s->a = checkprob(L, idx, "p"); s->min_keep = optminkeep(L, idx + 1); break;
    case F_EPSILON: case F_ETA:
      s->a = checkprob(L, idx, filter_names[kind]);
      if (s->a < 0 || s->a >= 1) gbL_error(L, "%s must be in [0, 1), got %g", filter_names[kind], s->a);
      s->min_keep = optminkeep(L, idx + 1);
      break;
    case F_TOP_N_SIGMA:
      s->a = checkprob(L, idx, "n");
      if (s->a < 0) gbL_error(L, "n must be >= 0, got %g", s->a);
      s->min_keep = optminkeep(L, idx + 1);
      break;
    case F_XTC:
      s->a = checkprob(L, idx, "threshold");
      s->b = checkprob(L, idx + 1, "probability");
      if (s->b < 0 || s->b > 1) gbL_error(L, "probability must be in [0, 1], got %g", s->b);
      s->min_keep = optminkeep(L, idx + 2);
      break;
    case F_DYNATEMP:
      s->a = checkprob(L, idx, "lo");
      s->b = checkprob(L, idx + 1, "hi");
      s->c = lua_isnoneornil(L, idx + 2) ? 1.0 : checkprob(L, idx + 2, "exponent");
      if (s->a < 0 || s->b < s->a) gbL_error(L, "need 0 <= lo <= hi, got lo %g, hi %g", s->a, s->b);
      break;
    case F_PENALTIES: {
      int t = idx;
      if (lua_isnoneornil(L, t)) { s->a = 1.0; break; }
      luaL_checktype(L, t, LUA_TTABLE);
      s->a = (lua_getfield(L, t, "repetition"), luaL_optnumber(L, -1, 1.0));
      s->b = (lua_getfield(L, t, "frequency"), luaL_optnumber(L, -1, 0.0));
      s->c = (lua_getfield(L, t, "presence"), luaL_optnumber(L, -1, 0.0));
      s->last_n = (lua_getfield(L, t, "last_n"), luaL_optinteger(L, -1, 0));
      lua_pop(L, 4);
      if (!(s->a > 0)) gbL_error(L, "repetition penalty must be > 0, got %g", s->a);
      break;
    }
  }
}

/* Module functions: distributions ------------------------------------------------ */

/* softmax and log_softmax: rows of -inf become errors, like any sampler. */
static int softmax_impl(lua_State *L, int logs) {
  logits lg;
  checklogits(L, 1, &lg);
  double T = luaL_optnumber(L, 2, 1.0);
  if (!(T > 0)) return gbL_error(L, "temperature must be > 0, got %g", T);
  gb_array *out = gbL_newarray(L, GB_FLOAT64, lg.a->ndim, lg.a->shape);
  size_t bytes = gb_cands_bytes(lg.vocab);
  int nt = nthreads(lg.rows);
  char *mem = module_workspace(L, bytes * (size_t)nt);
  int64_t bad_row = -1, bad = 0;
  #pragma omp parallel for num_threads(nt) schedule(dynamic) if (nt > 1)
  for (int64_t r = 0; r < lg.rows; r++) {
    gb_cands c;
    int64_t b;
    double *o = (double *)out->data + r * lg.vocab;
    if (row_cands(&lg, r, &c, mem + bytes * (size_t)thread_id(), &b) != GB_OK) {
      #pragma omp critical
      if (bad_row < 0 || r < bad_row) { bad_row = r; bad = b; }
      continue;
    }
    if (T != 1.0) gb_filter_temperature(&c, T);
    double lse = gb_cands_logsumexp(&c);
    for (int64_t j = 0; j < lg.vocab; j++) o[j] = logs ? -INFINITY : 0.0;
    for (int64_t j = 0; j < c.n; j++)
      o[c.id[j]] = logs ? c.x[j] - lse : exp(c.x[j] - lse);
  }
  if (bad_row >= 0) return bad_logits(L, &lg, bad_row, bad);
  return 1;
}

static int l_softmax(lua_State *L) { return softmax_impl(L, 0); }
static int l_log_softmax(lua_State *L) { return softmax_impl(L, 1); }

/* Push one number per row: a Lua number for 1-D logits, else an array. */
static double *per_row(lua_State *L, const logits *lg, int dtype) {
  if (!lg->batched) return NULL;
  gb_array *o = gbL_newarray(L, dtype, 1, &lg->rows);
  return (double *)o->data;
}

/* sample.entropy(logits [, base]) */
static int l_entropy(lua_State *L) {
  logits lg;
  checklogits(L, 1, &lg);
  double base = luaL_optnumber(L, 2, M_E);
  if (!(base > 0) || base == 1) return gbL_error(L, "base must be > 0 and not 1, got %g", base);
  double scale = 1.0 / log(base), one = 0;
  double *out = per_row(L, &lg, GB_FLOAT64);
  size_t bytes = gb_cands_bytes(lg.vocab);
  char *mem = module_workspace(L, bytes);
  for (int64_t r = 0; r < lg.rows; r++) {
    gb_cands c;
    int64_t bad;
    if (row_cands(&lg, r, &c, mem, &bad) != GB_OK) return bad_logits(L, &lg, r, bad);
    double h = gb_cands_entropy(&c) * scale;
    if (out) out[r] = h; else one = h;
  }
  if (!out) lua_pushnumber(L, one);
  return 1;
}

/* sample.surprise(logits, token [, base]): -log_base p(token), bits by default. */
static int l_surprise(lua_State *L) {
  logits lg;
  checklogits(L, 1, &lg);
  double base = luaL_optnumber(L, 3, 2.0);
  if (!(base > 0) || base == 1) return gbL_error(L, "base must be > 0 and not 1, got %g", base);
  gb_array *tok = NULL;
  lua_Integer t1 = 0;
  if (lg.batched) {
    tok = gbL_toarray(L, 2, GB_INT64);
    if (tok->ndim != 1 || tok->shape[0] != lg.rows)
      return gbL_error(L, "need one token per row (%lld), got %lld", (long long)lg.rows, (long long)tok->size);
  } else {
    t1 = luaL_checkinteger(L, 2);
  }
  double *out = per_row(L, &lg, GB_FLOAT64), one = 0;
  size_t bytes = gb_cands_bytes(lg.vocab);
  char *mem = module_workspace(L, bytes);
  for (int64_t r = 0; r < lg.rows; r++) {
    gb_cands c;
    int64_t bad;
    int64_t t = tok ? *(int64_t *)(tok->data + r * tok->strides[0]) : t1;
    if (t < 1 || t > lg.vocab)
      return gbL_error(L, "token %lld out of range 1..%lld", (long long)t, (long long)lg.vocab);
    if (row_cands(&lg, r, &c, mem, &bad) != GB_OK) return bad_logits(L, &lg, r, bad);
    int64_t j = gb_cands_find(&c, t - 1);
    double s = j < 0 ? HUGE_VAL : -(c.x[j] - gb_cands_logsumexp(&c)) / log(base);
    if (out) out[r] = s; else one = s;
  }
  if (!out) lua_pushnumber(L, one);
  return 1;
}

/* sample.perplexity(logprobs [, base]): base^(-mean log p), the log-probs in
   that base (e by default). */
static int l_perplexity(lua_State *L) {
  gb_array *a = gbL_toarray(L, 1, GB_FLOAT64);
  double base = luaL_optnumber(L, 2, M_E);
  if (!(base > 0) || base == 1) return gbL_error(L, "base must be > 0 and not 1, got %g", base);
  if (a->size == 0) return gbL_error(L, "no log-probabilities given");
  double s = 0;
  gb_iter it;
  gb_iter_init(&it, 1, (const gb_array *[]){a});
  do
    for (int64_t i = 0; i < it.n; i++) {
      double v = *(const double *)(it.ptr[0] + i * it.stride[0]);
      if (isnan(v) || v > 0) return gbL_error(L, "log-probabilities must be <= 0, got %g", v);
      s += v;
    }
  while (gb_iter_next(&it));
  lua_pushnumber(L, pow(base, -s / (double)a->size));
  return 1;
}

/* Module functions: filters ------------------------------------------------------- */

static int filter_impl(lua_State *L, int kind) {
  logits lg;
  step s;
  checklogits(L, 1, &lg);
  if (kind != F_PENALTIES) read_step(L, &s, kind, 2);
  gb_rng *g = kind == F_XTC ? gbL_optrng(L, 5) : NULL;
  history h = {NULL, 0, 0};
  if (kind == F_PENALTIES) {                     /* sample.penalties(logits, history, opts) */
    read_step(L, &s, kind, 3);
    gb_array *t = gbL_toarray(L, 2, GB_INT64);
    if (t->ndim > 1) return gbL_error(L, "history must be a list of token ids");
    h.n = t->size;
    h.tok = lua_newuserdatauv(L, sizeof(int64_t) * (size_t)(h.n + 1), 0);
    for (int64_t i = 0; i < h.n; i++) {
      int64_t v = *(int64_t *)(t->data + i * t->strides[0]);
      if (v < 1 || v > lg.vocab)
        return gbL_error(L, "history token %lld out of range 1..%lld", (long long)v, (long long)lg.vocab);
      h.tok[i] = v - 1;
    }
  }
  gb_array *out = gbL_newarray(L, GB_FLOAT64, lg.a->ndim, lg.a->shape);
  size_t bytes = gb_cands_bytes(lg.vocab);
  char *mem = module_workspace(L, bytes);
  for (int64_t r = 0; r < lg.rows; r++) {
    gb_cands c;
    int64_t bad;
    if (row_cands(&lg, r, &c, mem, &bad) != GB_OK) return bad_logits(L, &lg, r, bad);
    if (apply_step(&c, &s, g, &h) != GB_OK) return gbL_error(L, "not enough memory");
    gb_cands_scatter(&c, (double *)out->data + r * lg.vocab, 1);
  }
  return 1;
}

#define FILTER(name, kind) static int l_##name(lua_State *L) { return filter_impl(L, kind); }
FILTER(temperature, F_TEMPERATURE)
FILTER(top_k, F_TOP_K)
FILTER(top_p, F_TOP_P)
FILTER(min_p, F_MIN_P)
FILTER(typical, F_TYPICAL)
FILTER(epsilon, F_EPSILON)
FILTER(eta, F_ETA)
FILTER(top_n_sigma, F_TOP_N_SIGMA)
FILTER(xtc, F_XTC)
FILTER(dynamic_temperature, F_DYNATEMP)
FILTER(penalties, F_PENALTIES)

/* Module functions: selection ----------------------------------------------------- */

/* Push the drawn ids (0-based in ids[]) as a 1-based number or int64 array. */
static void push_tokens(lua_State *L, const logits *lg, const int64_t *ids) {
  if (!lg->batched) { lua_pushinteger(L, ids[0] + 1); return; }
  gb_array *o = gbL_newarray(L, GB_INT64, 1, &lg->rows);
  for (int64_t r = 0; r < lg->rows; r++) ((int64_t *)o->data)[r] = ids[r] + 1;
}

static int l_greedy(lua_State *L) {
  logits lg;
  checklogits(L, 1, &lg);
  int64_t *ids = lua_newuserdatauv(L, sizeof(int64_t) * (size_t)lg.rows, 0);
  char *mem = module_workspace(L, gb_cands_bytes(lg.vocab));
  for (int64_t r = 0; r < lg.rows; r++) {
    gb_cands c;
    int64_t bad;
    if (row_cands(&lg, r, &c, mem, &bad) != GB_OK) return bad_logits(L, &lg, r, bad);
    ids[r] = c.id[gb_cands_argmax(&c)];
  }
  push_tokens(L, &lg, ids);
  return 1;
}

/*
** n draws from one distribution: the cumulative weights once, then a
** 53-bit uniform scaled by their double sum located by binary search, the
** same exact inverse CDF as a single draw.
*/
static int categorical_many(lua_State *L, const logits *lg, gb_rng *g, int64_t n) {
  gb_cands c;
  int64_t bad;
  if (row_cands(lg, 0, &c, module_workspace(L, gb_cands_bytes(lg->vocab)), &bad) != GB_OK)
    return bad_logits(L, lg, 0, bad);
  gb_array *out = gbL_newarray(L, GB_INT64, 1, &n);
  double *cdf = c.work, m = -INFINITY;
  for (int64_t j = 0; j < c.n; j++) if (c.x[j] > m) m = c.x[j];
  for (int64_t j = 0; j < c.n; j++) cdf[j] = c.x[j] - m;
  gb_vexp(cdf, cdf, c.n);
  for (int64_t j = 1; j < c.n; j++) cdf[j] += cdf[j - 1];
  double total = cdf[c.n - 1];
  int64_t *o = (int64_t *)out->data;
  for (int64_t i = 0; i < n; i++) {
    double u = gb_rng_uniform(g) * total;
    int64_t lo = 0, hi = c.n - 1;            /* the first j with cdf[j] > u */
    while (lo < hi) {
      int64_t mid = lo + (hi - lo) / 2;
      if (cdf[mid] > u) hi = mid; else lo = mid + 1;
    }
    while (lo > 0 && cdf[lo] == cdf[lo - 1]) lo--;   /* never a zero-weight token */
    o[i] = c.id[lo] + 1;
    if ((i & 0xfffff) == 0xfffff) gbL_checkinterrupt(L);
  }
  return 1;
}

/* sample.categorical(logits [, g [, n]]): rows of a batch draw from children
   of g, spawned in row order, so the draws do not depend on the thread
   count; n draws from 1-D logits give an int64 array. */
static int l_categorical(lua_State *L) {
  logits lg;
  checklogits(L, 1, &lg);
  gb_rng *g = gbL_optrng(L, 2);
  if (!lua_isnoneornil(L, 3)) {
    lua_Integer n = luaL_checkinteger(L, 3);
    if (lg.batched) return gbL_error(L, "n draws need 1-D logits");
    if (n < 0) return gbL_error(L, "n must be >= 0, got %lld", (long long)n);
    return categorical_many(L, &lg, g, n);
  }
  int64_t *ids = lua_newuserdatauv(L, (sizeof(int64_t) + sizeof(gb_rng)) * (size_t)lg.rows, 0);
  gb_rng *rows = (gb_rng *)(ids + lg.rows);
  if (lg.batched) for (int64_t r = 0; r < lg.rows; r++) gb_rng_spawn(g, &rows[r]);
  size_t bytes = gb_cands_bytes(lg.vocab);
  int nt = nthreads(lg.rows);
  char *mem = module_workspace(L, bytes * (size_t)nt);
  int64_t bad_row = -1, bad = 0;
  #pragma omp parallel for num_threads(nt) schedule(dynamic) if (nt > 1)
  for (int64_t r = 0; r < lg.rows; r++) {
    gb_cands c;
    int64_t b;
    if (row_cands(&lg, r, &c, mem + bytes * (size_t)thread_id(), &b) != GB_OK) {
      #pragma omp critical
      if (bad_row < 0 || r < bad_row) { bad_row = r; bad = b; }
      continue;
    }
    ids[r] = c.id[gb_cands_draw(&c, lg.batched ? &rows[r] : g, NULL)];
  }
  if (bad_row >= 0) return bad_logits(L, &lg, bad_row, bad);
  push_tokens(L, &lg, ids);
  return 1;
}

/* Samplers: chains and Mirostat ---------------------------------------------------- */

enum { S_CHAIN, S_MIROSTAT, S_MIROSTAT2 };

typedef struct sampler {
  int kind;
  int nsteps;
  step steps[MAXSTEPS];
  double tau, eta, temperature;   /* Mirostat */
  int64_t m;
  int surprise_full;              /* Mirostat's feedback: untruncated surprise */
  gb_rng rng;                     /* rows' generators are spawned from it */
  int64_t rows;                   /* fixed by the first call (0 before) */
  gb_rng *row_rng;
  history *hist;
  double *mu, *last_s;
  int64_t *last_k, *last_kept, *last_token;
  double *last_surprise;          /* bits, of the last draw per row */
  double *surprises;              /* Mirostat: steps x rows, bits */
  int64_t nsurp, capsurp;         /* in rows-sized records */
} sampler;

static void free_rows(sampler *s) {
  if (s->hist) for (int64_t r = 0; r < s->rows; r++) free(s->hist[r].tok);
  free(s->hist); free(s->row_rng); free(s->mu); free(s->last_s);
  free(s->last_k); free(s->last_kept); free(s->last_token); free(s->last_surprise);
  free(s->surprises);
  s->hist = NULL; s->row_rng = NULL; s->mu = s->last_s = s->last_surprise = s->surprises = NULL;
  s->last_k = s->last_kept = s->last_token = NULL;
  s->rows = s->nsurp = s->capsurp = 0;
}

static int sampler_gc(lua_State *L) {
  free_rows(luaL_checkudata(L, 1, SAMPLER_MT));
  return 0;
}

static sampler *checksampler(lua_State *L) {
  sampler *s = luaL_testudata(L, 1, SAMPLER_MT);
  if (!s) gbL_error(L, "sampler expected as self, got %s (call it as s:name(...))", luaL_typename(L, 1));
  return s;
}

/* Allocate the per-row state for rows rows (first use, or after reset). */
static int setup_rows(sampler *s, int64_t rows) {
  size_t n = (size_t)rows;
  s->hist = calloc(n, sizeof(history));
  s->row_rng = malloc(n * sizeof(gb_rng));
  s->mu = malloc(n * sizeof(double));
  s->last_s = calloc(n, sizeof(double));
  s->last_surprise = calloc(n, sizeof(double));
  s->last_k = calloc(n, sizeof(int64_t));
  s->last_kept = calloc(n, sizeof(int64_t));
  s->last_token = calloc(n, sizeof(int64_t));
  s->rows = rows;
  if (!s->hist || !s->row_rng || !s->mu || !s->last_s || !s->last_surprise ||
      !s->last_k || !s->last_kept || !s->last_token) {
    free_rows(s);
    return GB_ENOMEM;
  }
  for (int64_t r = 0; r < rows; r++) {
    gb_rng_spawn(&s->rng, &s->row_rng[r]);
    s->mu[r] = 2 * s->tau;                       /* Basu et al.: mu starts at 2 tau */
  }
  return GB_OK;
}

/* The row count of this call must match the sampler's. */
static void checkrows(lua_State *L, sampler *s, const logits *lg) {
  if (s->rows == 0) {
    if (setup_rows(s, lg->rows) != GB_OK) gbL_error(L, "not enough memory");
  } else if (s->rows != lg->rows) {
    gbL_error(L, "this sampler keeps state for %lld row(s), got %lld (use s:clone() or s:reset())",
              (long long)s->rows, (long long)lg->rows);
  }
}

/*
** One draw for row r from the candidates: the chain's filters or Mirostat's
** truncation, then the categorical draw.  full_lse: the log normaliser of the
** untruncated candidates (needed for Mirostat's default surprise and when
** recording).  Returns the token (0-based) or -1 on memory failure.
*/
static int64_t sample_row(sampler *s, int64_t r, gb_cands *c) {
  gb_rng *g = &s->row_rng[r];
  double lse = 0, logp;
  if (s->kind != S_CHAIN) {
    if (s->temperature != 1.0) gb_filter_temperature(c, s->temperature);
    lse = gb_cands_logsumexp(c);
  }
  if (s->kind == S_CHAIN) {
    for (int i = 0; i < s->nsteps; i++)
      if (apply_step(c, &s->steps[i], g, &s->hist[r]) != GB_OK) return -1;
  } else if (s->kind == S_MIROSTAT) {
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
  double nats = s->kind != S_CHAIN && s->surprise_full ? -(c->x[j] - lse) : -logp;
  s->last_surprise[r] = nats / M_LN2;
  if (s->kind != S_CHAIN) s->mu[r] -= s->eta * (s->last_surprise[r] - s->tau);
  if (history_push(&s->hist[r], tok) != GB_OK) return -1;
  s->last_token[r] = tok;
  return tok;
}

/* Append the rows' last surprises to the Mirostat record. */
static int record_surprises(sampler *s) {
  if (s->nsurp == s->capsurp) {
    int64_t cap = s->capsurp ? 2 * s->capsurp : 256;
    double *p = realloc(s->surprises, sizeof(double) * (size_t)(cap * s->rows));
    if (!p) return GB_ENOMEM;
    s->surprises = p;
    s->capsurp = cap;
  }
  memcpy(s->surprises + s->nsurp * s->rows, s->last_surprise, sizeof(double) * (size_t)s->rows);
  s->nsurp++;
  return GB_OK;
}

/* Draw one token per row; leaves the tokens (0-based) in s->last_token. */
static void sampler_draw(lua_State *L, sampler *s, const logits *lg) {
  checkrows(L, s, lg);
  size_t bytes = gb_cands_bytes(lg->vocab);
  int nt = nthreads(lg->rows);
  char *mem = workspace(L, 1, 1, bytes * (size_t)nt);
  int64_t bad_row = -1, bad = 0;
  int nomem = 0;
  #pragma omp parallel for num_threads(nt) schedule(dynamic) if (nt > 1)
  for (int64_t r = 0; r < lg->rows; r++) {
    gb_cands c;
    int64_t b;
    if (row_cands(lg, r, &c, mem + bytes * (size_t)thread_id(), &b) != GB_OK) {
      #pragma omp critical
      if (bad_row < 0 || r < bad_row) { bad_row = r; bad = b; }
      continue;
    }
    if (sample_row(s, r, &c) < 0) {
      #pragma omp atomic write
      nomem = 1;
    }
  }
  if (bad_row >= 0) bad_logits(L, lg, bad_row, bad);
  if (nomem) gbL_error(L, "not enough memory");
  if (s->kind != S_CHAIN && record_surprises(s) != GB_OK) gbL_error(L, "not enough memory");
}

/* s:sample(logits): a token id, or one per row. */
static int s_sample(lua_State *L) {
  sampler *s = checksampler(L);
  logits lg;
  checklogits(L, 2, &lg);
  sampler_draw(L, s, &lg);
  push_tokens(L, &lg, s->last_token);
  return 1;
}

/* s:accept(token): add tokens to the history (sample() adds its own). */
static int s_accept(lua_State *L) {
  sampler *s = checksampler(L);
  if (s->rows == 0 && setup_rows(s, 1) != GB_OK) return gbL_error(L, "not enough memory");
  if (s->rows == 1 && lua_isinteger(L, 2)) {
    lua_Integer t = lua_tointeger(L, 2);
    if (t < 1) return gbL_error(L, "token ids are 1-based, got %lld", (long long)t);
    if (history_push(&s->hist[0], t - 1) != GB_OK) return gbL_error(L, "not enough memory");
    return 0;
  }
  gb_array *t = gbL_toarray(L, 2, GB_INT64);
  if (t->ndim != 1 || t->shape[0] != s->rows)
    return gbL_error(L, "need one token per row (%lld)", (long long)s->rows);
  for (int64_t r = 0; r < s->rows; r++) {
    int64_t v = *(int64_t *)(t->data + r * t->strides[0]);
    if (v < 1) return gbL_error(L, "token ids are 1-based, got %lld", (long long)v);
    if (history_push(&s->hist[r], v - 1) != GB_OK) return gbL_error(L, "not enough memory");
  }
  return 0;
}

/* s:reset(): forget the history, Mirostat's mu and the row count (the
   generator goes on where it was). */
static int s_reset(lua_State *L) {
  free_rows(checksampler(L));
  return 0;
}

static sampler *newsampler(lua_State *L) {
  sampler *s = lua_newuserdatauv(L, sizeof(sampler), 1);
  memset(s, 0, sizeof *s);
  luaL_setmetatable(L, SAMPLER_MT);
  return s;
}

/* s:clone(): an independent copy with the same state, generator included. */
static int s_clone(lua_State *L) {
  sampler *s = checksampler(L);
  sampler *t = newsampler(L);
  *t = *s;
  t->rows = 0;
  t->hist = NULL; t->row_rng = NULL; t->mu = t->last_s = t->last_surprise = t->surprises = NULL;
  t->last_k = t->last_kept = t->last_token = NULL;
  t->nsurp = t->capsurp = 0;
  if (s->rows == 0) return 1;
  gb_rng saved = t->rng;
  if (setup_rows(t, s->rows) != GB_OK) return gbL_error(L, "not enough memory");
  t->rng = saved;
  size_t n = (size_t)s->rows;
  memcpy(t->row_rng, s->row_rng, n * sizeof(gb_rng));
  memcpy(t->mu, s->mu, n * sizeof(double));
  memcpy(t->last_s, s->last_s, n * sizeof(double));
  memcpy(t->last_surprise, s->last_surprise, n * sizeof(double));
  memcpy(t->last_k, s->last_k, n * sizeof(int64_t));
  memcpy(t->last_kept, s->last_kept, n * sizeof(int64_t));
  memcpy(t->last_token, s->last_token, n * sizeof(int64_t));
  for (int64_t r = 0; r < s->rows; r++)
    for (int64_t i = 0; i < s->hist[r].n; i++)
      if (history_push(&t->hist[r], s->hist[r].tok[i]) != GB_OK) return gbL_error(L, "not enough memory");
  if (s->nsurp) {
    t->surprises = malloc(sizeof(double) * (size_t)(s->capsurp * s->rows));
    if (!t->surprises) return gbL_error(L, "not enough memory");
    memcpy(t->surprises, s->surprises, sizeof(double) * (size_t)(s->nsurp * s->rows));
    t->nsurp = s->nsurp;
    t->capsurp = s->capsurp;
  }
  return 1;
}

/* Push a per-row value: a number for one row, else an array. */
static void push_rows_d(lua_State *L, const sampler *s, const double *v) {
  if (s->rows <= 1) { lua_pushnumber(L, s->rows ? v[0] : 0.0); return; }
  gb_array *o = gbL_newarray(L, GB_FLOAT64, 1, &s->rows);
  memcpy(o->data, v, sizeof(double) * (size_t)s->rows);
}

static void push_rows_i(lua_State *L, const sampler *s, const int64_t *v) {
  if (s->rows <= 1) { lua_pushinteger(L, s->rows ? v[0] : 0); return; }
  gb_array *o = gbL_newarray(L, GB_INT64, 1, &s->rows);
  memcpy(o->data, v, sizeof(int64_t) * (size_t)s->rows);
}

/* Fields: mu, k, s, kept, surprise, surprises, history, tau, eta, kind. */
static int s_index(lua_State *L) {
  sampler *s = luaL_checkudata(L, 1, SAMPLER_MT);
  const char *k = luaL_checkstring(L, 2);
  if (luaL_getmetafield(L, 1, "__methods") == LUA_TTABLE && lua_getfield(L, -1, k) != LUA_TNIL)
    return 1;
  if (!strcmp(k, "mu")) {
    if (s->rows == 0) lua_pushnumber(L, 2 * s->tau); else push_rows_d(L, s, s->mu);
  } else if (!strcmp(k, "k")) push_rows_i(L, s, s->last_k);
  else if (!strcmp(k, "s")) push_rows_d(L, s, s->last_s);
  else if (!strcmp(k, "kept")) push_rows_i(L, s, s->last_kept);
  else if (!strcmp(k, "surprise")) push_rows_d(L, s, s->last_surprise);
  else if (!strcmp(k, "tau")) lua_pushnumber(L, s->tau);
  else if (!strcmp(k, "eta")) lua_pushnumber(L, s->eta);
  else if (!strcmp(k, "surprises")) {
    int64_t shape[2] = {s->nsurp, s->rows};
    gb_array *o = gbL_newarray(L, GB_FLOAT64, s->rows > 1 ? 2 : 1, shape);
    if (s->nsurp) memcpy(o->data, s->surprises, sizeof(double) * (size_t)(s->nsurp * s->rows));
  } else if (!strcmp(k, "history")) {
    /* an int64 array of 1-based ids; a table of them for a batch */
    if (s->rows > 1) lua_createtable(L, (int)s->rows, 0);
    for (int64_t r = 0; r < (s->rows ? s->rows : 1); r++) {
      int64_t n = s->rows ? s->hist[r].n : 0;
      gb_array *o = gbL_newarray(L, GB_INT64, 1, &n);
      for (int64_t i = 0; i < n; i++) ((int64_t *)o->data)[i] = s->hist[r].tok[i] + 1;
      if (s->rows > 1) lua_rawseti(L, -2, r + 1);
    }
  } else lua_pushnil(L);
  return 1;
}

static int s_tostring(lua_State *L) {
  sampler *s = luaL_checkudata(L, 1, SAMPLER_MT);
  if (s->kind == S_CHAIN) {
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    luaL_addstring(&b, "sample.chain{");
    for (int i = 0; i < s->nsteps; i++) {
      if (i) luaL_addstring(&b, ", ");
      luaL_addstring(&b, filter_names[s->steps[i].kind]);
    }
    luaL_addstring(&b, "}");
    luaL_pushresult(&b);
  } else {
    lua_pushfstring(L, "sample.mirostat%s{tau = %f, eta = %f}", s->kind == S_MIROSTAT2 ? "_v2" : "",
                    s->tau, s->eta);
  }
  return 1;
}

/* Construction ------------------------------------------------------------------------ */

static uint64_t opt_seed(lua_State *L, int t) {
  uint64_t seed;
  if (lua_getfield(L, t, "seed") == LUA_TNIL) {
    /* no seed: a child of the default generator (itself seeded from the
       clock unless rng.seed was called) */
    lua_pop(L, 1);
    gb_rng child;
    gb_rng_spawn(gbL_optrng(L, 0), &child);
    return gb_rng_next(&child) >> 1;
  }
  if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 0)
    gbL_error(L, "seed must be a non-negative integer, got %s", luaL_tolstring(L, -1, NULL));
  seed = (uint64_t)lua_tointeger(L, -1);
  lua_pop(L, 1);
  return seed;
}

/* One {"name", params...} entry of a chain table, at the top of the stack. */
static void read_chain_step(lua_State *L, step *s, int i) {
  int e = lua_gettop(L);
  if (!lua_istable(L, e)) gbL_error(L, "step %d must be a table like {\"top_k\", 40}", i);
  lua_rawgeti(L, e, 1);
  const char *name = lua_tostring(L, -1);
  int kind = -1;
  for (int j = 0; name && filter_names[j]; j++) if (!strcmp(name, filter_names[j])) kind = j;
  if (kind < 0) gbL_error(L, "step %d: unknown sampler %s", i, name ? name : "(no name)");
  if (kind == F_PENALTIES) {                 /* {"penalties", repetition = ...} */
    read_step(L, s, kind, e);
  } else {
    int n = (int)lua_rawlen(L, e);
    for (int j = 2; j <= n; j++) lua_rawgeti(L, e, j);
    read_step(L, s, kind, e + 2);
  }
  lua_settop(L, e);
}

/* Presets: the order of llama.cpp's default sampler chain and of Hugging
   Face transformers' logits warpers, with their default parameters. */
typedef struct preset_step { const char *param; int kind; double def; } preset_step;

static const preset_step llama_order[] = {
  {"penalties", F_PENALTIES, 0}, {"top_k", F_TOP_K, 40}, {"typical", F_TYPICAL, 1.0},
  {"top_p", F_TOP_P, 0.95}, {"min_p", F_MIN_P, 0.05}, {"xtc", F_XTC, 0},
  {"temperature", F_TEMPERATURE, 0.8}, {NULL, 0, 0}
};

static const preset_step hf_order[] = {
  {"penalties", F_PENALTIES, 0}, {"temperature", F_TEMPERATURE, 1.0}, {"top_k", F_TOP_K, 50},
  {"top_p", F_TOP_P, 1.0}, {"min_p", F_MIN_P, 0}, {"typical", F_TYPICAL, 1.0},
  {"epsilon", F_EPSILON, 0}, {"eta", F_ETA, 0}, {NULL, 0, 0}
};

static void build_preset(lua_State *L, sampler *s, int t, const char *name) {
  const preset_step *order = !strcmp(name, "llama.cpp") ? llama_order
                           : !strcmp(name, "huggingface") ? hf_order : NULL;
  if (!order) gbL_error(L, "unknown preset %s (use \"llama.cpp\" or \"huggingface\")", name);
  for (const preset_step *p = order; p->param; p++) {
    step *st = &s->steps[s->nsteps];
    memset(st, 0, sizeof *st);
    st->kind = p->kind;
    st->min_keep = 1;
    int type = lua_getfield(L, t, p->param);
    if (p->kind == F_PENALTIES || p->kind == F_XTC) {
      if (type == LUA_TNIL) { lua_pop(L, 1); continue; }   /* off unless given */
      luaL_checktype(L, -1, LUA_TTABLE);
      if (p->kind == F_PENALTIES) {
        read_step(L, st, F_PENALTIES, lua_gettop(L));
      } else {
        lua_getfield(L, -1, "threshold");
        lua_getfield(L, -2, "probability");
        read_step(L, st, F_XTC, lua_gettop(L) - 1);
        lua_pop(L, 2);
      }
    } else {
      double v = type == LUA_TNIL ? p->def : luaL_checknumber(L, -1);
      if (p->kind == F_TOP_K) st->k = (int64_t)v; else st->a = v;
    }
    lua_pop(L, 1);
    s->nsteps++;
  }
}

/* sample.chain{ {"name", params...}, ..., seed = n } or
   sample.chain{ preset = "llama.cpp" | "huggingface", top_k = 40, ... }. */
static int l_chain(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  sampler *s = newsampler(L);
  s->kind = S_CHAIN;
  s->tau = 0;
  if (lua_getfield(L, 1, "preset") != LUA_TNIL) {
    const char *name = luaL_checkstring(L, -1);
    lua_pop(L, 1);
    build_preset(L, s, 1, name);
  } else {
    lua_pop(L, 1);
    int n = (int)lua_rawlen(L, 1);
    if (n > MAXSTEPS) return gbL_error(L, "at most %d steps, got %d", MAXSTEPS, n);
    for (int i = 1; i <= n; i++) {
      lua_rawgeti(L, 1, i);
      read_chain_step(L, &s->steps[s->nsteps++], i);
      lua_pop(L, 1);
    }
  }
  gb_rng_seed(&s->rng, opt_seed(L, 1));
  return 1;
}

static double field_number(lua_State *L, int t, const char *k, double def) {
  lua_getfield(L, t, k);
  double v = luaL_optnumber(L, -1, def);
  lua_pop(L, 1);
  if (isnan(v)) gbL_error(L, "%s must be a number, got NaN", k);
  return v;
}

static int mirostat_new(lua_State *L, int kind) {
  if (lua_isnoneornil(L, 1)) { lua_settop(L, 0); lua_newtable(L); }
  luaL_checktype(L, 1, LUA_TTABLE);
  sampler *s = newsampler(L);
  s->kind = kind;
  s->tau = field_number(L, 1, "tau", 5.0);
  s->eta = field_number(L, 1, "eta", 0.1);
  s->m = (int64_t)field_number(L, 1, "m", 100);
  s->temperature = field_number(L, 1, "temperature", 1.0);
  if (!(s->tau > 0)) return gbL_error(L, "tau must be > 0, got %g", s->tau);
  if (!(s->eta > 0)) return gbL_error(L, "eta must be > 0, got %g", s->eta);
  if (s->m < 2) return gbL_error(L, "m must be at least 2, got %lld", (long long)s->m);
  lua_getfield(L, 1, "surprise");
  const char *how = luaL_optstring(L, -1, "full");
  if (strcmp(how, "full") && strcmp(how, "truncated"))
    return gbL_error(L, "surprise must be \"full\" or \"truncated\", got %s", how);
  s->surprise_full = !strcmp(how, "full");
  lua_pop(L, 1);
  gb_rng_seed(&s->rng, opt_seed(L, 1));
  return 1;
}

static int l_mirostat(lua_State *L) { return mirostat_new(L, S_MIROSTAT); }
static int l_mirostat_v2(lua_State *L) { return mirostat_new(L, S_MIROSTAT2); }

/* sample.mirostat_k(s, mu, n) and sample.zipf_exponent(logits [, m]): the
   estimates Mirostat uses, for analysis. */
static int l_mirostat_k(lua_State *L) {
  double s = luaL_checknumber(L, 1), mu = luaL_checknumber(L, 2);
  lua_Integer n = luaL_checkinteger(L, 3);
  if (n < 1) return gbL_error(L, "vocabulary size must be >= 1, got %lld", (long long)n);
  lua_pushinteger(L, gb_mirostat_k(s, mu, n));
  return 1;
}

static int l_zipf_exponent(lua_State *L) {
  logits lg;
  checklogits(L, 1, &lg);
  lua_Integer m = luaL_optinteger(L, 2, 100);
  if (lg.batched) return gbL_error(L, "expects 1-D logits");
  if (m < 2) return gbL_error(L, "m must be at least 2, got %lld", (long long)m);
  gb_cands c;
  int64_t bad;
  if (row_cands(&lg, 0, &c, module_workspace(L, gb_cands_bytes(lg.vocab)), &bad) != GB_OK)
    return bad_logits(L, &lg, 0, bad);
  lua_pushnumber(L, gb_mirostat_s(&c, m));
  return 1;
}

/*
** sample.simulate(sampler, steps): decode over a steps x vocab array of
** logits, one token per step, and report tokens, surprises (bits, under
** the untransformed logits), kept-set sizes and the realised perplexity
** (2^mean surprise).
*/
static int l_simulate(lua_State *L) {
  sampler *s = luaL_testudata(L, 1, SAMPLER_MT);
  if (!s) return gbL_error(L, "argument 1 must be a sampler, got %s", luaL_typename(L, 1));
  luaL_checkany(L, 2);
  gb_array *a = gbL_toarray(L, 2, -1);
  if (a->dtype != GB_FLOAT64 && a->dtype != GB_FLOAT32) a = gbL_toarray(L, 2, GB_FLOAT64);
  if (a->ndim != 2) return gbL_error(L, "logits must be 2-D (steps x vocabulary)");
  int64_t steps = a->shape[0];
  gbL_progress_begin(L, "simulate", (double)steps);
  gb_array *tok = gbL_newarray(L, GB_INT64, 1, &steps);
  gb_array *sur = gbL_newarray(L, GB_FLOAT64, 1, &steps);
  gb_array *kept = gbL_newarray(L, GB_INT64, 1, &steps);
  double total = 0;
  for (int64_t t = 0; t < steps; t++) {
    gb_array row = *a;
    row.ndim = 1;
    row.data = a->data + t * a->strides[0];
    row.shape[0] = a->shape[1];
    row.strides[0] = a->strides[1];
    row.size = a->shape[1];
    logits lg = {&row, 1, a->shape[1], 0};
    sampler_draw(L, s, &lg);
    ((int64_t *)tok->data)[t] = s->last_token[0] + 1;
    ((int64_t *)kept->data)[t] = s->last_kept[0];
    /* the surprise under the untransformed logits of this step */
    gb_cands c;
    int64_t bad;
    row_cands(&lg, 0, &c, workspace(L, 1, 1, gb_cands_bytes(lg.vocab)), &bad);
    double bits = -(c.x[gb_cands_find(&c, s->last_token[0])] - gb_cands_logsumexp(&c)) / M_LN2;
    ((double *)sur->data)[t] = bits;
    total += bits;
    if ((t & 255) == 255) {
      gb_progress_step(gbL_ctx(L), (double)t);
      gbL_checkinterrupt(L);
    }
  }
  lua_createtable(L, 0, 4);
  lua_pushvalue(L, -4); lua_setfield(L, -2, "tokens");
  lua_pushvalue(L, -3); lua_setfield(L, -2, "surprises");
  lua_pushvalue(L, -2); lua_setfield(L, -2, "kept");
  lua_pushnumber(L, steps ? pow(2.0, total / (double)steps) : NAN);
  lua_setfield(L, -2, "perplexity");
  return 1;
}

static const luaL_Reg sampler_methods[] = {
  {"sample", s_sample},
  {"accept", s_accept},
  {"reset", s_reset},
  {"clone", s_clone},
  {NULL, NULL}
};

static const luaL_Reg funcs[] = {
  {"softmax", l_softmax},
  {"log_softmax", l_log_softmax},
  {"entropy", l_entropy},
  {"surprise", l_surprise},
  {"perplexity", l_perplexity},
  {"temperature", l_temperature},
  {"top_k", l_top_k},
  {"top_p", l_top_p},
  {"min_p", l_min_p},
  {"typical", l_typical},
  {"epsilon", l_epsilon},
  {"eta", l_eta},
  {"top_n_sigma", l_top_n_sigma},
  {"xtc", l_xtc},
  {"dynamic_temperature", l_dynamic_temperature},
  {"penalties", l_penalties},
  {"greedy", l_greedy},
  {"categorical", l_categorical},
  {"chain", l_chain},
  {"mirostat", l_mirostat},
  {"mirostat_v2", l_mirostat_v2},
  {"mirostat_k", l_mirostat_k},
  {"zipf_exponent", l_zipf_exponent},
  {"simulate", l_simulate},
  {NULL, NULL}
};

int luaopen_sample(lua_State *L) {
  if (luaL_newmetatable(L, SAMPLER_MT)) {
    lua_pushcfunction(L, sampler_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, s_index);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, s_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pushliteral(L, "sampler");
    lua_setfield(L, -2, "__name");
    luaL_newlib(L, sampler_methods);
    lua_setfield(L, -2, "__methods");
  }
  lua_pop(L, 1);
  luaL_newlibtable(L, funcs);
  lua_newuserdatauv(L, 0, 1);            /* the shared workspace holder */
  luaL_setfuncs(L, funcs, 1);
  return 1;
}
