/*
** Samplers over batches of logits: the stateless row kernels (softmax,
** entropy, surprise, one filter, greedy, categorical draws) and the
** stateful sampler (a chain of filters, or Mirostat 1.0 / 2.0), with a
** token history per row, Mirostat's mu per row and a generator per row.
**
** Rows are split across OpenMP threads (the context's count).  Every row
** of a sampler draws from its own generator, spawned in row order from the
** sampler's seed, so the tokens never depend on the number of threads.
** Token ids are 0-based here.  Memory comes from the context's allocator.
*/
#ifndef GB_SAMPLER_H
#define GB_SAMPLER_H

#include <stdint.h>

#include "ctx.h"
#include "rng.h"
#include "sample.h"

/* Logits ----------------------------------------------------------------------- */

/* rows x vocab logits, float64 or float32, strides in elements. */
typedef struct gb_logits {
  const void *data;
  int single;                  /* 1: float32, 0: float64 */
  int64_t rows, vocab;
  int64_t row_stride, stride;  /* between rows, between the tokens of a row */
} gb_logits;

/* Where a kernel found a row it cannot sample (GB_EINVAL): the first such
   row, and the index of its NaN or +inf logit, -1 when every logit is -inf. */
typedef struct gb_badlogit { int64_t row, index; } gb_badlogit;

/* Candidates from row r (mem: gb_cands_bytes(lg->vocab) bytes). */
int gb_logits_row(const gb_logits *lg, int64_t r, gb_cands *c, void *mem, int64_t *bad);

/* Filter steps ----------------------------------------------------------------- */

enum {
  GB_STEP_TEMPERATURE, GB_STEP_TOP_K, GB_STEP_TOP_P, GB_STEP_MIN_P, GB_STEP_TYPICAL,
  GB_STEP_EPSILON, GB_STEP_ETA, GB_STEP_TOP_N_SIGMA, GB_STEP_XTC,
  GB_STEP_DYNAMIC_TEMPERATURE, GB_STEP_PENALTIES, GB_NSTEPS
};

/* The steps' names, indexed by kind, NULL-terminated: "temperature", ... */
extern const char *const gb_step_names[];

/*
** One filter with its parameters (see sample.h for each filter):
**   temperature a = T                 top_k k, min_keep
**   top_p, min_p, typical, epsilon, eta, top_n_sigma  a = p, min_keep
**   xtc a = threshold, b = probability, min_keep
**   dynamic_temperature a = lo, b = hi, c = exponent
**   penalties a = repetition, b = frequency, c = presence, last_n (<= 0: all)
*/
typedef struct gb_step {
  int kind;
  double a, b, c;
  int64_t k, min_keep, last_n;
} gb_step;

/* Apply a step to candidates; xtc draws from g, penalties read the token
   history hist[0..nhist).  GB_ENOMEM only from penalties' scratch. */
int gb_step_apply(gb_ctx *ctx, gb_cands *c, const gb_step *s, gb_rng *g,
                  const int64_t *hist, int64_t nhist);

/* Row kernels ----------------------------------------------------------------- */

/* softmax (logs 0) or log_softmax (logs 1) at temperature T of every row
   into out (rows x vocab, contiguous). */
int gb_logits_softmax(gb_ctx *ctx, const gb_logits *lg, double T, int logs, double *out,
                      gb_badlogit *bad);

/* The entropy of each row's softmax, in units of base (e: nats), into
   out[rows]. */
int gb_logits_entropy(gb_ctx *ctx, const gb_logits *lg, double base, double *out,
                      gb_badlogit *bad);

/* -log_base p(tok[r]) of each row (tok in range; +inf for a -inf logit). */
int gb_logits_surprise(gb_ctx *ctx, const gb_logits *lg, const int64_t *tok, double base,
                       double *out, gb_badlogit *bad);

/* Every row through one step into out (rows x vocab, -inf outside). */
int gb_logits_filter(gb_ctx *ctx, const gb_logits *lg, const gb_step *s, gb_rng *g,
                     const int64_t *hist, int64_t nhist, double *out, gb_badlogit *bad);

/* The most probable token of each row (the lowest id on ties). */
int gb_logits_argmax(gb_ctx *ctx, const gb_logits *lg, int64_t *out, gb_badlogit *bad);

/*
** One categorical draw per row (gb_cands_draw).  per_row 0: row 0 draws
** from g itself (one row); per_row 1: row r draws from the r-th child
** spawned from g, so the draws do not depend on the thread count.
*/
int gb_logits_categorical(gb_ctx *ctx, const gb_logits *lg, gb_rng *g, int per_row,
                          int64_t *out, gb_badlogit *bad);

/* n draws from row 0: the cumulative weights once, then the same exact
   inverse CDF as gb_cands_draw, by binary search. */
int gb_logits_categorical_n(gb_ctx *ctx, const gb_logits *lg, gb_rng *g, int64_t n,
                            int64_t *out, gb_badlogit *bad);

/* Mirostat's Zipf exponent estimate of row 0 (gb_mirostat_s). */
int gb_logits_zipf_exponent(gb_ctx *ctx, const gb_logits *lg, int64_t m, double *out,
                            gb_badlogit *bad);

/* base^(-mean log p) of n log-probabilities in that base; GB_EINVAL when
   one is NaN or positive (*bad: its index). */
int gb_perplexity(const double *logp, int64_t n, double base, double *out, int64_t *bad);

/* Samplers -------------------------------------------------------------------- */

enum { GB_SAMPLER_CHAIN, GB_SAMPLER_MIROSTAT, GB_SAMPLER_MIROSTAT2 };
#define GB_SAMPLER_MAXSTEPS 32

typedef struct gb_history { int64_t *tok; int64_t n, cap; } gb_history;

/*
** A sampler.  Fields are for reading; change it only through the functions
** below.  The per-row arrays exist once rows > 0: the first draw (or
** accept) fixes the row count, reset forgets it.
*/
typedef struct gb_sampler {
  int kind;
  int nsteps;
  gb_step steps[GB_SAMPLER_MAXSTEPS];
  double tau, eta, temperature;   /* Mirostat: target (bits), rate, T */
  int64_t m;                      /* Mirostat 1.0: top probabilities for s */
  int surprise_full;              /* Mirostat's feedback: untruncated surprise */
  gb_rng rng;                     /* the rows' generators are spawned from it */
  int64_t rows;
  gb_rng *row_rng;
  gb_history *hist;
  double *mu;                     /* Mirostat's mu per row, bits */
  double *last_s;                 /* Mirostat 1.0's estimate s */
  int64_t *last_k, *last_kept, *last_token;
  double *last_surprise;          /* bits, of the last draw per row */
  double *surprises;              /* Mirostat: draws x rows, bits */
  int64_t nsurp, capsurp;         /* in rows-sized records */
  char *work;                     /* per-thread candidate memory, kept warm */
  size_t workbytes;
} gb_sampler;

/* A chain of n steps (at most GB_SAMPLER_MAXSTEPS), seeded. */
int gb_sampler_new_chain(gb_ctx *ctx, gb_sampler **out, const gb_step *steps, int n,
                         uint64_t seed);

/*
** Mirostat (version 1 or 2) with target surprise tau (bits), learning rate
** eta, m top probabilities for the Zipf estimate (1.0), a temperature
** applied first, and the feedback surprise untruncated (surprise_full 1)
** or under the truncated distribution.  mu starts at 2 tau.
*/
int gb_sampler_new_mirostat(gb_ctx *ctx, gb_sampler **out, int version, double tau,
                            double eta, int64_t m, double temperature, int surprise_full,
                            uint64_t seed);

void gb_sampler_free(gb_ctx *ctx, gb_sampler *s);

/* An independent copy with the same state, generators included. */
int gb_sampler_clone(gb_ctx *ctx, const gb_sampler *s, gb_sampler **out);

/* Forget the rows: history, mu, records (the generator goes on). */
void gb_sampler_reset(gb_ctx *ctx, gb_sampler *s);

/*
** One token per row of lg into s->last_token (and tokens when not NULL),
** each added to its row's history; Mirostat updates mu by
** mu -= eta (surprise - tau) and records the surprises.  GB_EINVAL when
** the row count differs from the sampler's (bad->row = -1) or a row has
** unusable logits.
*/
int gb_sampler_draw(gb_ctx *ctx, gb_sampler *s, const gb_logits *lg, int64_t *tokens,
                    gb_badlogit *bad);

/* Add one token per row to the histories (n must equal the row count, or
   fixes it on a sampler without rows).  GB_EINVAL for a negative token. */
int gb_sampler_accept(gb_ctx *ctx, gb_sampler *s, const int64_t *tokens, int64_t n);

/*
** Decode over the rows of lg as successive steps (the sampler has one row):
** the token of each step, its surprise in bits under the step's
** untransformed logits, the kept-set size, and 2^mean surprise.
*/
int gb_sampler_simulate(gb_ctx *ctx, gb_sampler *s, const gb_logits *lg, int64_t *tokens,
                        double *surprises, int64_t *kept, double *perplexity,
                        gb_badlogit *bad);

#endif
