/*
** Module sample: token sampling from logits (the kernels are in
** native/core/sample.c, the samplers and row drivers in native/core/sampler.c).
**
**   sample.softmax(logits [, T])   ...        distributions from logits
**   sample.top_k(logits, k) ...               filters: logits, -inf outside
**   sample.greedy(logits)  sample.categorical(logits [, g])
**   sample.chain{ {"top_k", 40}, {"temperature", 0.8}, seed = 1 }
**   sample.mirostat{ tau = 5, eta = 0.1 }  sample.mirostat_v2{...}
**
** Logits are float64 or float32 (other dtypes are converted), 1-D (one
** vocabulary) or 2-D (batch x vocabulary, one result per row).  Token ids
** are 1-based.  Batches are split across threads in core; every row has its
** own random stream, so results do not depend on the number of threads.
*/
#include <math.h>
#include <string.h>

#include "internal.h"
#include "sampler.h"
#include "status.h"

#define SAMPLER_MT "gibbs.sampler"

/* Arguments ------------------------------------------------------------------ */

typedef struct logits {
  gb_array *a;
  gb_logits lg;
  int batched;                 /* 2-D input: results per row */
} logits;

static void checklogits(lua_State *L, int idx, logits *x) {
  luaL_checkany(L, idx);
  gb_array *a = gbL_toarray(L, idx, -1);
  if (a->dtype != GB_FLOAT64 && a->dtype != GB_FLOAT32) a = gbL_toarray(L, idx, GB_FLOAT64);
  if (a->ndim != 1 && a->ndim != 2) {
    char s[128];
    gb_format_shape(s, sizeof s, a->ndim, a->shape);
    gbL_error(L, "logits must be 1-D (vocabulary) or 2-D (batch x vocabulary), got shape %s", s);
  }
  int64_t size = (int64_t)gb_dtype_size(a->dtype);
  x->a = a;
  x->batched = a->ndim == 2;
  x->lg.data = a->data;
  x->lg.single = a->dtype == GB_FLOAT32;
  x->lg.rows = a->ndim == 2 ? a->shape[0] : 1;
  x->lg.vocab = a->shape[a->ndim - 1];
  x->lg.row_stride = a->ndim == 2 ? a->strides[0] / size : 0;
  x->lg.stride = a->strides[a->ndim - 1] / size;
  if (x->lg.vocab == 0) gbL_error(L, "the vocabulary is empty");
}

/* The error for a kernel's status: unusable logits name the logit and the row. */
static void check(lua_State *L, int batched, int st, const gb_badlogit *bad) {
  if (st == GB_OK) return;
  if (st != GB_EINVAL) gbL_statuserror(L, NULL, st);
  long long row = (long long)bad->row + 1, i = (long long)bad->index + 1;
  if (bad->index < 0) {
    if (batched) gbL_error(L, "every logit of row %lld is -inf", row);
    gbL_error(L, "every logit is -inf");
  }
  if (batched) gbL_error(L, "logit %lld of row %lld is NaN or +inf", i, row);
  gbL_error(L, "logit %lld is NaN or +inf", i);
}

static double checkprob(lua_State *L, int idx, const char *what) {
  double p = luaL_checknumber(L, idx);
  if (isnan(p)) gbL_error(L, "%s must be a number, got NaN", what);
  return p;
}

/* The positional min_keep argument of a filter (1 when absent). */
static int64_t checkminkeep(lua_State *L, int idx) {
  lua_Integer m = luaL_optinteger(L, idx, 1);
  if (m < 0) gbL_error(L, "min_keep must be >= 0, got %lld", (long long)m);
  return m;
}

static double checkbase(lua_State *L, int idx, double def) {
  double base = luaL_optnumber(L, idx, def);
  if (!(base > 0) || base == 1) gbL_error(L, "base must be > 0 and not 1, got %g", base);
  return base;
}

/* A token id: an integer, or a float with an integral value (2.0). */
static lua_Integer checktoken(lua_State *L, int idx) {
  int isint;
  lua_Integer t = lua_tointegerx(L, idx, &isint);
  if (!isint) {
    luaL_checkany(L, idx);
    gbL_error(L, "token id must be an integer, got %s", luaL_tolstring(L, idx, NULL));
  }
  return t;
}

/* 1-based token ids (one per row, or a history) as 0-based ids in a pushed
   buffer; ids must be from 1 to vocab (no upper bound when vocab < 0). */
static int64_t *checktokens(lua_State *L, int idx, int64_t *n, int64_t vocab, const char *what) {
  int64_t *ids;
  if (lua_type(L, idx) == LUA_TNUMBER) {
    *n = 1;
    ids = lua_newuserdatauv(L, sizeof(int64_t), 0);
    ids[0] = checktoken(L, idx);
  } else {
    gb_array *t = gbL_toarray(L, idx, -1);
    int exact = t->dtype != GB_FLOAT64 && t->dtype != GB_FLOAT32;
    if (t->ndim != 1) gbL_error(L, "token ids must be a number or a list, got a %d-D array", t->ndim);
    *n = t->shape[0];
    ids = lua_newuserdatauv(L, sizeof(int64_t) * (size_t)(*n + 1), 0);
    for (int64_t i = 0; i < *n; i++) {
      const char *p = t->data + i * t->strides[0];
      double v = exact ? 0 : gb_get_double(t->dtype, p);
      if (!exact && !(v == floor(v) && fabs(v) < 0x1p62))
        gbL_error(L, "token id must be an integer, got %g", v);
      ids[i] = exact ? gb_get_int(t->dtype, p) : (int64_t)v;
    }
  }
  for (int64_t i = 0; i < *n; i++) {
    if (ids[i] < 1 || (vocab >= 0 && ids[i] > vocab)) {
      if (vocab < 0) gbL_error(L, "token ids are 1-based, got %lld", (long long)ids[i]);
      gbL_error(L, "%s %lld out of range 1..%lld", what, (long long)ids[i], (long long)vocab);
    }
    ids[i]--;
  }
  return ids;
}

/* Filters as steps -------------------------------------------------------------- */

static const char *const penalty_keys[] = {"repetition", "frequency", "presence", "last_n", NULL};

/* A penalties step from the options table at t (nil: no penalty). */
static void read_penalties(lua_State *L, gb_step *s, int t) {
  gbL_opts(L, t, penalty_keys);
  s->a = gbL_optnum(L, t, "repetition", 1.0);
  s->b = gbL_optnum(L, t, "frequency", 0.0);
  s->c = gbL_optnum(L, t, "presence", 0.0);
  s->last_n = gbL_optint(L, t, "last_n", 0, 0, LUA_MAXINTEGER);
  if (!(s->a > 0)) gbL_error(L, "repetition penalty must be > 0, got %g", s->a);
}

/*
** Read a step's parameters from the Lua values at idx.. (positional, as in
** the module functions: sample.top_k(logits, k [, min_keep])); penalties
** read an options table at idx.
*/
static void read_step(lua_State *L, gb_step *s, int kind, int idx) {
  memset(s, 0, sizeof *s);
  s->kind = kind;
  s->min_keep = 1;
  switch (kind) {
    case GB_STEP_TEMPERATURE: s->a = checkprob(L, idx, "temperature"); break;
    case GB_STEP_TOP_K: s->k = luaL_checkinteger(L, idx); s->min_keep = checkminkeep(L, idx + 1); break;
    case GB_STEP_TOP_P: case GB_STEP_MIN_P: case GB_STEP_TYPICAL:
      s->a = checkprob(L, idx, "p"); s->min_keep = checkminkeep(L, idx + 1); break;
    case GB_STEP_EPSILON: case GB_STEP_ETA:
      s->a = checkprob(L, idx, gb_step_names[kind]);
      if (s->a < 0 || s->a >= 1) gbL_error(L, "%s must be in [0, 1), got %g", gb_step_names[kind], s->a);
      s->min_keep = checkminkeep(L, idx + 1);
      break;
    case GB_STEP_TOP_N_SIGMA:
      s->a = checkprob(L, idx, "n");
      if (s->a < 0) gbL_error(L, "n must be >= 0, got %g", s->a);
      s->min_keep = checkminkeep(L, idx + 1);
      break;
    case GB_STEP_XTC:
      s->a = checkprob(L, idx, "threshold");
      s->b = checkprob(L, idx + 1, "probability");
      if (s->b < 0 || s->b > 1) gbL_error(L, "probability must be in [0, 1], got %g", s->b);
      s->min_keep = checkminkeep(L, idx + 2);
      break;
    case GB_STEP_DYNAMIC_TEMPERATURE:
      s->a = checkprob(L, idx, "lo");
      s->b = checkprob(L, idx + 1, "hi");
      s->c = lua_isnoneornil(L, idx + 2) ? 1.0 : checkprob(L, idx + 2, "exponent");
      if (s->a < 0 || s->b < s->a) gbL_error(L, "need 0 <= lo <= hi, got lo %g, hi %g", s->a, s->b);
      break;
    case GB_STEP_PENALTIES: read_penalties(L, s, idx); break;
  }
}

/*
** The named part of a table that mixes a list with named keys (a chain, a
** penalties step): its entries other than t[1..#t] copied into a table
** pushed on the stack, whose keys gbL_opts checks against known.  Returns
** the new table's index.
*/
static int named_part(lua_State *L, int t, const char *const known[]) {
  lua_Integer n = (lua_Integer)lua_rawlen(L, t);
  t = lua_absindex(L, t);
  lua_newtable(L);
  lua_pushnil(L);
  while (lua_next(L, t)) {
    int isint;
    lua_Integer i = lua_tointegerx(L, -2, &isint);
    if (lua_type(L, -2) == LUA_TNUMBER && isint && i >= 1 && i <= n) { lua_pop(L, 1); continue; }
    lua_pushvalue(L, -2);
    lua_insert(L, -2);
    lua_rawset(L, -4);
  }
  gbL_opts(L, -1, known);
  return lua_gettop(L);
}

/* Module functions: distributions ------------------------------------------------ */

/* softmax and log_softmax: rows of -inf become errors, like any sampler. */
static int softmax_impl(lua_State *L, int logs) {
  logits x;
  gb_badlogit bad;
  checklogits(L, 1, &x);
  double T = luaL_optnumber(L, 2, 1.0);
  if (!(T > 0)) return gbL_error(L, "temperature must be > 0, got %g", T);
  gb_array *out = gbL_newarray(L, GB_FLOAT64, x.a->ndim, x.a->shape);
  check(L, x.batched, gb_logits_softmax(gbL_ctx(L), &x.lg, T, logs, (double *)out->data, &bad), &bad);
  return 1;
}

static int l_softmax(lua_State *L) { return softmax_impl(L, 0); }
static int l_log_softmax(lua_State *L) { return softmax_impl(L, 1); }

/* Room for one number per row: an array pushed for 2-D logits, else one. */
static double *per_row(lua_State *L, const logits *x, double *one) {
  if (!x->batched) return one;
  gb_array *o = gbL_newarray(L, GB_FLOAT64, 1, &x->lg.rows);
  return (double *)o->data;
}

/* sample.entropy(logits [, base]) */
static int l_entropy(lua_State *L) {
  logits x;
  gb_badlogit bad;
  double one;
  checklogits(L, 1, &x);
  double base = checkbase(L, 2, M_E);
  double *out = per_row(L, &x, &one);
  check(L, x.batched, gb_logits_entropy(gbL_ctx(L), &x.lg, base, out, &bad), &bad);
  if (!x.batched) lua_pushnumber(L, one);
  return 1;
}

/* sample.surprise(logits, token [, base]): -log_base p(token), bits by default. */
static int l_surprise(lua_State *L) {
  logits x;
  gb_badlogit bad;
  double one;
  int64_t n;
  checklogits(L, 1, &x);
  double base = checkbase(L, 3, 2.0);
  int64_t *tok = checktokens(L, 2, &n, x.lg.vocab, "token");
  if (n != x.lg.rows)
    return gbL_error(L, "need one token per row (%lld), got %lld", (long long)x.lg.rows, (long long)n);
  double *out = per_row(L, &x, &one);
  check(L, x.batched, gb_logits_surprise(gbL_ctx(L), &x.lg, tok, base, out, &bad), &bad);
  if (!x.batched) lua_pushnumber(L, one);
  return 1;
}

/* sample.perplexity(logprobs [, base]): base^(-mean log p), the log-probs in
   that base (e by default). */
static int l_perplexity(lua_State *L) {
  gb_array *a = gbL_toarray(L, 1, GB_FLOAT64);
  double base = checkbase(L, 2, M_E), p;
  int64_t bad;
  if (a->size == 0) return gbL_error(L, "no log-probabilities given");
  if (!gb_is_c_contiguous(a)) {
    gb_array *b = gbL_newlike(L, a, GB_FLOAT64);
    int st = gb_copy(gbL_ctx(L), b, a);
    if (st != GB_OK) return gbL_statuserror(L, NULL, st);
    a = b;
  }
  const double *v = (const double *)a->data;
  if (gb_perplexity(v, a->size, base, &p, &bad) != GB_OK)
    return gbL_error(L, "log-probabilities must be <= 0, got %g", v[bad]);
  lua_pushnumber(L, p);
  return 1;
}

/* Module functions: filters ------------------------------------------------------- */

static int filter_impl(lua_State *L, int kind) {
  logits x;
  gb_step s;
  gb_badlogit bad;
  int64_t *hist = NULL, nhist = 0;
  checklogits(L, 1, &x);
  if (kind == GB_STEP_PENALTIES) {       /* sample.penalties(logits, history, opts) */
    read_step(L, &s, kind, 3);
    luaL_checkany(L, 2);
    hist = checktokens(L, 2, &nhist, x.lg.vocab, "history token");
  } else {
    read_step(L, &s, kind, 2);
  }
  gb_rng *g = kind == GB_STEP_XTC ? gbL_optrng(L, 5) : NULL;
  gb_array *out = gbL_newarray(L, GB_FLOAT64, x.a->ndim, x.a->shape);
  int st = gb_logits_filter(gbL_ctx(L), &x.lg, &s, g, hist, nhist, (double *)out->data, &bad);
  check(L, x.batched, st, &bad);
  return 1;
}

#define FILTER(name, kind) static int l_##name(lua_State *L) { return filter_impl(L, kind); }
FILTER(temperature, GB_STEP_TEMPERATURE)
FILTER(top_k, GB_STEP_TOP_K)
FILTER(top_p, GB_STEP_TOP_P)
FILTER(min_p, GB_STEP_MIN_P)
FILTER(typical, GB_STEP_TYPICAL)
FILTER(epsilon, GB_STEP_EPSILON)
FILTER(eta, GB_STEP_ETA)
FILTER(top_n_sigma, GB_STEP_TOP_N_SIGMA)
FILTER(xtc, GB_STEP_XTC)
FILTER(dynamic_temperature, GB_STEP_DYNAMIC_TEMPERATURE)
FILTER(penalties, GB_STEP_PENALTIES)

/* Module functions: selection ----------------------------------------------------- */

/* Push the drawn ids (0-based in ids[]) as a 1-based number or int64 array. */
static void push_tokens(lua_State *L, const logits *x, const int64_t *ids) {
  if (!x->batched) { lua_pushinteger(L, ids[0] + 1); return; }
  gb_array *o = gbL_newarray(L, GB_INT64, 1, &x->lg.rows);
  for (int64_t r = 0; r < x->lg.rows; r++) ((int64_t *)o->data)[r] = ids[r] + 1;
}

static int l_greedy(lua_State *L) {
  logits x;
  gb_badlogit bad;
  checklogits(L, 1, &x);
  int64_t *ids = lua_newuserdatauv(L, sizeof(int64_t) * (size_t)x.lg.rows, 0);
  check(L, x.batched, gb_logits_argmax(gbL_ctx(L), &x.lg, ids, &bad), &bad);
  push_tokens(L, &x, ids);
  return 1;
}

/* sample.categorical(logits [, g [, n]]): rows of a batch draw from children
   of g, spawned in row order; n draws from 1-D logits give an int64 array. */
static int l_categorical(lua_State *L) {
  logits x;
  gb_badlogit bad;
  checklogits(L, 1, &x);
  gb_rng *g = gbL_optrng(L, 2);
  if (!lua_isnoneornil(L, 3)) {
    int64_t n = luaL_checkinteger(L, 3);
    if (x.batched) return gbL_error(L, "n draws need 1-D logits");
    if (n < 0) return gbL_error(L, "n must be >= 0, got %lld", (long long)n);
    gb_array *out = gbL_newarray(L, GB_INT64, 1, &n);
    int64_t *o = (int64_t *)out->data;
    check(L, 0, gb_logits_categorical_n(gbL_ctx(L), &x.lg, g, n, o, &bad), &bad);
    for (int64_t i = 0; i < n; i++) o[i]++;
    return 1;
  }
  int64_t *ids = lua_newuserdatauv(L, sizeof(int64_t) * (size_t)x.lg.rows, 0);
  check(L, x.batched, gb_logits_categorical(gbL_ctx(L), &x.lg, g, x.batched, ids, &bad), &bad);
  push_tokens(L, &x, ids);
  return 1;
}

/* Samplers: chains and Mirostat ---------------------------------------------------- */

static gb_sampler *checksampler(lua_State *L) {
  gb_sampler **box = luaL_testudata(L, 1, SAMPLER_MT);
  if (!box || !*box)
    gbL_error(L, "sampler expected as self, got %s (call it as s:name(...))", luaL_typename(L, 1));
  return *box;
}

/*
** A new sampler userdata, empty until the core sampler is made into it.
** The context is fetched first: when Lua owns it, it is then finalized
** after the sampler, whose __gc frees into it.
*/
static gb_sampler **newbox(lua_State *L) {
  gbL_ctx(L);
  gb_sampler **box = lua_newuserdatauv(L, sizeof *box, 0);
  *box = NULL;
  luaL_setmetatable(L, SAMPLER_MT);
  return box;
}

static int sampler_gc(lua_State *L) {
  gb_sampler **box = luaL_checkudata(L, 1, SAMPLER_MT);
  gb_sampler_free(gbL_ctx(L), *box);
  *box = NULL;
  return 0;
}

/* The row count of this call must match the sampler's. */
static void checkrows(lua_State *L, const gb_sampler *s, int64_t rows) {
  if (s->rows != 0 && s->rows != rows)
    gbL_error(L, "this sampler keeps state for %lld row(s), got %lld (use s:clone() or s:reset())",
              (long long)s->rows, (long long)rows);
}

/* s:sample(logits): a token id, or one per row. */
static int s_sample(lua_State *L) {
  gb_sampler *s = checksampler(L);
  logits x;
  gb_badlogit bad;
  checklogits(L, 2, &x);
  checkrows(L, s, x.lg.rows);
  check(L, x.batched, gb_sampler_draw(gbL_ctx(L), s, &x.lg, NULL, &bad), &bad);
  push_tokens(L, &x, s->last_token);
  return 1;
}

/* s:accept(token): add tokens to the history (sample() adds its own); the
   first tokens given to a fresh sampler fix its row count. */
static int s_accept(lua_State *L) {
  gb_sampler *s = checksampler(L);
  int64_t n;
  luaL_checkany(L, 2);
  int64_t *tok = checktokens(L, 2, &n, -1, "token");
  if (n == 0 || (s->rows && n != s->rows))
    return gbL_error(L, "need one token per row (%lld), got %lld", (long long)(s->rows ? s->rows : 1),
                     (long long)n);
  int st = gb_sampler_accept(gbL_ctx(L), s, tok, n);
  if (st != GB_OK) return gbL_statuserror(L, NULL, st);
  return 0;
}

/* s:reset(): forget the history, Mirostat's mu and the row count (the
   generator goes on where it was). */
static int s_reset(lua_State *L) {
  gb_sampler_reset(gbL_ctx(L), checksampler(L));
  return 0;
}

/* s:clone(): an independent copy with the same state, generator included. */
static int s_clone(lua_State *L) {
  gb_sampler *s = checksampler(L);
  gb_sampler **box = newbox(L);
  int st = gb_sampler_clone(gbL_ctx(L), s, box);
  if (st != GB_OK) return gbL_statuserror(L, NULL, st);
  return 1;
}

/* Push a per-row value: a number for one row, else an array. */
static void push_rows_d(lua_State *L, const gb_sampler *s, const double *v) {
  if (s->rows <= 1) { lua_pushnumber(L, s->rows ? v[0] : 0.0); return; }
  gb_array *o = gbL_newarray(L, GB_FLOAT64, 1, &s->rows);
  memcpy(o->data, v, sizeof(double) * (size_t)s->rows);
}

static void push_rows_i(lua_State *L, const gb_sampler *s, const int64_t *v) {
  if (s->rows <= 1) { lua_pushinteger(L, s->rows ? v[0] : 0); return; }
  gb_array *o = gbL_newarray(L, GB_INT64, 1, &s->rows);
  memcpy(o->data, v, sizeof(int64_t) * (size_t)s->rows);
}

/* Fields: mu, k, s, kept, surprise, surprises, history, tau, eta. */
static int s_index(lua_State *L) {
  gb_sampler *s = *(gb_sampler **)luaL_checkudata(L, 1, SAMPLER_MT);
  const char *k = luaL_checkstring(L, 2);
  if (luaL_getmetafield(L, 1, "__methods") == LUA_TTABLE && lua_getfield(L, -1, k) != LUA_TNIL)
    return 1;
  if (!s) lua_pushnil(L);
  else if (!strcmp(k, "mu")) {
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
  gb_sampler *s = *(gb_sampler **)luaL_checkudata(L, 1, SAMPLER_MT);
  if (!s) {
    lua_pushliteral(L, "sampler (not made)");
  } else if (s->kind == GB_SAMPLER_CHAIN) {
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    luaL_addstring(&b, "sample.chain{");
    for (int i = 0; i < s->nsteps; i++) {
      if (i) luaL_addstring(&b, ", ");
      luaL_addstring(&b, gb_step_names[s->steps[i].kind]);
    }
    luaL_addstring(&b, "}");
    luaL_pushresult(&b);
  } else {
    lua_pushfstring(L, "sample.mirostat%s{tau = %f, eta = %f}",
                    s->kind == GB_SAMPLER_MIROSTAT2 ? "_v2" : "", s->tau, s->eta);
  }
  return 1;
}

/* Construction ------------------------------------------------------------------------ */

/* Option seed of the table at t; without it, a child of the default
   generator (itself seeded from the clock unless rng.seed was called). */
static uint64_t optseed(lua_State *L, int t) {
  lua_Integer seed = gbL_optint(L, t, "seed", -1, 0, LUA_MAXINTEGER);
  if (seed >= 0) return (uint64_t)seed;
  gb_rng child;
  gb_rng_spawn(gbL_optrng(L, 0), &child);
  return gb_rng_next(&child) >> 1;
}

/* One {"name", params...} entry of a chain table, at the top of the stack. */
static void read_chain_step(lua_State *L, gb_step *s, int i) {
  int e = lua_gettop(L);
  if (!lua_istable(L, e)) gbL_error(L, "step %d must be a table like {\"top_k\", 40}", i);
  lua_rawgeti(L, e, 1);
  const char *name = lua_tostring(L, -1);
  int kind = -1;
  for (int j = 0; name && gb_step_names[j]; j++) if (!strcmp(name, gb_step_names[j])) kind = j;
  if (kind < 0) gbL_error(L, "step %d: unknown sampler %s", i, name ? name : "(no name)");
  int n = (int)lua_rawlen(L, e);
  if (kind == GB_STEP_PENALTIES) {            /* {"penalties", repetition = ...} */
    if (n > 1) gbL_error(L, "step %d: penalties take named parameters (repetition = ...)", i);
    read_step(L, s, kind, named_part(L, e, penalty_keys));
  } else {
    lua_pushnil(L);                           /* positional only */
    while (lua_next(L, e)) {
      int isint;
      lua_Integer j = lua_tointegerx(L, -2, &isint);
      if (lua_type(L, -2) != LUA_TNUMBER || !isint || j < 1 || j > n)
        gbL_error(L, "step %d: %s takes positional parameters, got key %s", i, name,
                  luaL_tolstring(L, -2, NULL));
      lua_pop(L, 1);
    }
    for (int j = 2; j <= n; j++) lua_rawgeti(L, e, j);
    read_step(L, s, kind, e + 2);
  }
  lua_settop(L, e);
}

/* Presets: the order of llama.cpp's default sampler chain and of Hugging
   Face transformers' logits warpers, with their default parameters. */
typedef struct preset_step { const char *param; int kind; double def; } preset_step;

static const preset_step llama_order[] = {
  {"penalties", GB_STEP_PENALTIES, 0}, {"top_k", GB_STEP_TOP_K, 40}, {"typical", GB_STEP_TYPICAL, 1.0},
  {"top_p", GB_STEP_TOP_P, 0.95}, {"min_p", GB_STEP_MIN_P, 0.05}, {"xtc", GB_STEP_XTC, 0},
  {"temperature", GB_STEP_TEMPERATURE, 0.8}, {NULL, 0, 0}
};

static const preset_step hf_order[] = {
  {"penalties", GB_STEP_PENALTIES, 0}, {"temperature", GB_STEP_TEMPERATURE, 1.0},
  {"top_k", GB_STEP_TOP_K, 50}, {"top_p", GB_STEP_TOP_P, 1.0}, {"min_p", GB_STEP_MIN_P, 0},
  {"typical", GB_STEP_TYPICAL, 1.0}, {"epsilon", GB_STEP_EPSILON, 0}, {"eta", GB_STEP_ETA, 0},
  {NULL, 0, 0}
};

static const char *const preset_names[] = {"llama.cpp", "huggingface", NULL};
static const char *const chain_keys[] = {"seed", "preset", NULL};
static const char *const llama_keys[] = {
  "seed", "preset", "penalties", "top_k", "typical", "top_p", "min_p", "xtc", "temperature", NULL
};
static const char *const hf_keys[] = {
  "seed", "preset", "penalties", "temperature", "top_k", "top_p", "min_p", "typical", "epsilon",
  "eta", NULL
};
static const char *const xtc_keys[] = {"threshold", "probability", NULL};

/* The steps of a preset, their parameters from the table at t. */
static int build_preset(lua_State *L, gb_step *steps, int t, int which) {
  int n = 0;
  if (lua_rawlen(L, t) > 0) gbL_error(L, "a preset chain takes no steps of its own");
  named_part(L, t, which == 0 ? llama_keys : hf_keys);
  for (const preset_step *p = which == 0 ? llama_order : hf_order; p->param; p++) {
    gb_step *st = &steps[n];
    memset(st, 0, sizeof *st);
    st->kind = p->kind;
    st->min_keep = 1;
    if (p->kind == GB_STEP_PENALTIES || p->kind == GB_STEP_XTC) {
      if (lua_getfield(L, t, p->param) == LUA_TNIL) { lua_pop(L, 1); continue; }  /* off unless given */
      int o = lua_gettop(L);
      if (p->kind == GB_STEP_PENALTIES) {
        read_step(L, st, GB_STEP_PENALTIES, o);
      } else {
        gbL_opts(L, o, xtc_keys);
        lua_getfield(L, o, "threshold");
        lua_getfield(L, o, "probability");
        read_step(L, st, GB_STEP_XTC, o + 1);
      }
      lua_settop(L, o - 1);
    } else if (p->kind == GB_STEP_TOP_K) {
      st->k = gbL_optint(L, t, p->param, (lua_Integer)p->def, 0, LUA_MAXINTEGER);
    } else {
      st->a = gbL_optnum(L, t, p->param, p->def);
    }
    n++;
  }
  return n;
}

/* sample.chain{ {"name", params...}, ..., seed = n } or
   sample.chain{ preset = "llama.cpp" | "huggingface", top_k = 40, ... }. */
static int l_chain(lua_State *L) {
  gb_step steps[GB_SAMPLER_MAXSTEPS];
  int n = 0;
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 1);
  if (gbL_optstr(L, 1, "preset", NULL)) {
    n = build_preset(L, steps, 1, gbL_optenum(L, 1, "preset", NULL, preset_names));
  } else {
    named_part(L, 1, chain_keys);
    n = (int)lua_rawlen(L, 1);
    if (n > GB_SAMPLER_MAXSTEPS) return gbL_error(L, "at most %d steps, got %d", GB_SAMPLER_MAXSTEPS, n);
    for (int i = 1; i <= n; i++) {
      lua_rawgeti(L, 1, i);
      read_chain_step(L, &steps[i - 1], i);
      lua_pop(L, 1);
    }
  }
  uint64_t seed = optseed(L, 1);
  gb_sampler **box = newbox(L);
  int st = gb_sampler_new_chain(gbL_ctx(L), box, steps, n, seed);
  if (st != GB_OK) return gbL_statuserror(L, NULL, st);
  return 1;
}

static const char *const mirostat_keys[] = {"tau", "eta", "m", "temperature", "surprise", "seed", NULL};
static const char *const surprise_names[] = {"full", "truncated", NULL};

static int mirostat_new(lua_State *L, int version) {
  if (!lua_isnoneornil(L, 1)) luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 1);
  gbL_opts(L, 1, mirostat_keys);
  double tau = gbL_optnum(L, 1, "tau", 5.0);
  double eta = gbL_optnum(L, 1, "eta", 0.1);
  lua_Integer m = gbL_optint(L, 1, "m", 100, 2, LUA_MAXINTEGER);
  double temperature = gbL_optnum(L, 1, "temperature", 1.0);
  if (!(tau > 0)) return gbL_error(L, "tau must be > 0, got %g", tau);
  if (!(eta > 0)) return gbL_error(L, "eta must be > 0, got %g", eta);
  if (isnan(temperature)) return gbL_error(L, "temperature must be a number, got NaN");
  int full = gbL_optenum(L, 1, "surprise", "full", surprise_names) == 0;
  uint64_t seed = optseed(L, 1);
  gb_sampler **box = newbox(L);
  int st = gb_sampler_new_mirostat(gbL_ctx(L), box, version, tau, eta, m, temperature, full, seed);
  if (st != GB_OK) return gbL_statuserror(L, NULL, st);
  return 1;
}

static int l_mirostat(lua_State *L) { return mirostat_new(L, 1); }
static int l_mirostat_v2(lua_State *L) { return mirostat_new(L, 2); }

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
  logits x;
  gb_badlogit bad;
  double s;
  checklogits(L, 1, &x);
  lua_Integer m = luaL_optinteger(L, 2, 100);
  if (x.batched) return gbL_error(L, "expects 1-D logits");
  if (m < 2) return gbL_error(L, "m must be at least 2, got %lld", (long long)m);
  check(L, 0, gb_logits_zipf_exponent(gbL_ctx(L), &x.lg, m, &s, &bad), &bad);
  lua_pushnumber(L, s);
  return 1;
}

/*
** sample.simulate(sampler, steps): decode over a steps x vocab array of
** logits, one token per step, and report tokens, surprises (bits, under
** the untransformed logits), kept-set sizes and the realised perplexity
** (2^mean surprise).
*/
static int l_simulate(lua_State *L) {
  gb_sampler **box = luaL_testudata(L, 1, SAMPLER_MT);
  logits x;
  gb_badlogit bad;
  double perplexity;
  if (!box || !*box) return gbL_error(L, "argument 1 must be a sampler, got %s", luaL_typename(L, 1));
  checklogits(L, 2, &x);
  if (!x.batched) return gbL_error(L, "logits must be 2-D (steps x vocabulary)");
  checkrows(L, *box, 1);
  int64_t steps = x.lg.rows;
  gb_array *tok = gbL_newarray(L, GB_INT64, 1, &steps);
  gb_array *sur = gbL_newarray(L, GB_FLOAT64, 1, &steps);
  gb_array *kept = gbL_newarray(L, GB_INT64, 1, &steps);
  int64_t *t = (int64_t *)tok->data;
  int st = gb_sampler_simulate(gbL_ctx(L), *box, &x.lg, t, (double *)sur->data,
                               (int64_t *)kept->data, &perplexity, &bad);
  check(L, 0, st, &bad);
  for (int64_t i = 0; i < steps; i++) t[i]++;
  lua_createtable(L, 0, 4);
  lua_pushvalue(L, -4); lua_setfield(L, -2, "tokens");
  lua_pushvalue(L, -3); lua_setfield(L, -2, "surprises");
  lua_pushvalue(L, -2); lua_setfield(L, -2, "kept");
  lua_pushnumber(L, perplexity);
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
  luaL_newlib(L, funcs);
  return 1;
}
