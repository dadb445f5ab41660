/*
** Token sampling from logits: distributions, truncation filters, selection
** and Mirostat, all in float64.
**
** The samplers work on a candidate list: the tokens still in play, in
** ascending token order, with their logits.  Tokens whose logit is -inf
** are never candidates.  Every filter removes candidates (keeping the order)
** or changes their logits, so a chain such as top-k 40, then top-p, then
** temperature touches the whole vocabulary once and then only the few
** tokens left.  Filters never reorder, so token ids stay sorted and a
** candidate can be found by binary search.
**
** Ties: a filter's kept set depends only on the values, never on token
** order, except where a mass threshold must split a group of tied tokens
** (top-p and typical): there the lower token ids are kept first.
*/
#ifndef GB_SAMPLE_H
#define GB_SAMPLE_H

#include <stdint.h>

#include "rng.h"

typedef struct gb_cands {
  int64_t n;         /* candidates in play */
  int64_t vocab;     /* the vocabulary size they came from */
  int64_t *id;       /* token ids, 0-based, ascending */
  double *x;         /* their logits */
  double *work;      /* scratch (see gb_cands_bytes) */
} gb_cands;

/* Bytes of memory gb_cands_init needs for a vocabulary of v tokens. */
size_t gb_cands_bytes(int64_t v);

/*
** Candidates from v logits read with a stride (in elements), using mem
** (gb_cands_bytes(v) bytes, 8-aligned).  GB_EINVAL when a logit is NaN or
** +inf (*bad receives its 0-based index) or when every logit is -inf
** (*bad = -1).
*/
int gb_cands_init(gb_cands *c, void *mem, const double *logits, int64_t stride,
                  int64_t v, int64_t *bad);
int gb_cands_init_float(gb_cands *c, void *mem, const float *logits, int64_t stride,
                        int64_t v, int64_t *bad);

/* Write the candidates back as v logits, -inf for every other token. */
void gb_cands_scatter(const gb_cands *c, double *out, int64_t stride);

/* Distribution ---------------------------------------------------------------- */

/* log sum exp of the candidates' logits (the softmax normaliser). */
double gb_cands_logsumexp(const gb_cands *c);

/* The entropy of the softmax of the candidates, in nats. */
double gb_cands_entropy(const gb_cands *c);

/* Filters -------------------------------------------------------------------- */

/* Divide by T; T <= 0 keeps only the largest logit (greedy: the lowest id
   among equal maxima). */
void gb_filter_temperature(gb_cands *c, double T);

/* Keep the k largest logits and every token tied with the k-th; k <= 0 or
   k >= n keeps all.  At least min_keep survive. */
void gb_filter_top_k(gb_cands *c, int64_t k, int64_t min_keep);

/* Keep the smallest set of most probable tokens whose probability (in
   double) reaches p; p >= 1 keeps all, p <= 0 keeps the most probable. */
void gb_filter_top_p(gb_cands *c, double p, int64_t min_keep);

/* Keep tokens with probability >= p times the largest: logit >= max + ln p. */
void gb_filter_min_p(gb_cands *c, double p, int64_t min_keep);

/* Locally typical sampling (Meister et al. 2023): tokens by increasing
   |-ln p - H| until their mass reaches p. */
void gb_filter_typical(gb_cands *c, double p, int64_t min_keep);

/* Epsilon sampling (Hewitt et al. 2022): keep p_i > eps. */
void gb_filter_epsilon(gb_cands *c, double eps, int64_t min_keep);

/* Eta sampling (Hewitt et al. 2022): keep p_i > min(eta, sqrt(eta) e^-H). */
void gb_filter_eta(gb_cands *c, double eta, int64_t min_keep);

/* Top-n-sigma (Tang et al. 2024): keep logits >= max - n * std(logits). */
void gb_filter_top_n_sigma(gb_cands *c, double n, int64_t min_keep);

/*
** XTC, "exclude top choices": with the given probability (one uniform
** draw from g), remove every token with probability >= threshold except
** the least probable of them, when there are at least two.
*/
void gb_filter_xtc(gb_cands *c, double threshold, double probability,
                   int64_t min_keep, gb_rng *g);

/* Dynamic temperature (entropy based): T = lo + (hi - lo) (H / ln n)^exponent. */
void gb_filter_dynamic_temperature(gb_cands *c, double lo, double hi, double exponent);

/*
** Penalties from a token history given as (sorted unique ids, counts):
** repetition (CTRL: positive logits divided by r, negative multiplied),
** then frequency (minus count * f) and presence (minus p once).
*/
void gb_filter_penalties(gb_cands *c, const int64_t *ids, const int64_t *counts,
                         int64_t nids, double repetition, double frequency,
                         double presence);

/* Selection ------------------------------------------------------------------ */

/* The candidate position with the largest logit (the lowest id on ties). */
int64_t gb_cands_argmax(const gb_cands *c);

/*
** A categorical draw from the softmax of the candidates, exact in double
** precision: weights exp(x - max) and a 53-bit uniform scaled by their
** double sum, located by a running double sum (inverse CDF).  Returns the
** candidate position; *logp receives the log-probability of the draw.
*/
int64_t gb_cands_draw(const gb_cands *c, gb_rng *g, double *logp);

/* The position of token id among the candidates, or -1. */
int64_t gb_cands_find(const gb_cands *c, int64_t id);

/* Mirostat ------------------------------------------------------------------- */

/*
** The Zipf exponent estimate of Mirostat (Basu et al. 2020) from the m
** largest probabilities: s = sum t_i b_i / sum t_i^2 with
** t_i = ln((i + 1) / i) and b_i = ln(p_i / p_(i+1)).  0 for a uniform top.
*/
double gb_mirostat_s(const gb_cands *c, int64_t m);

/*
** Mirostat's k from the estimate s, the target mu (bits) and the
** vocabulary size N: k = (eps 2^mu / (1 - N^-eps))^(1/s) with eps = s - 1,
** taking the limit 2^mu / ln N at eps = 0, rounded to an integer in
** [1, N].  s <= 0 (uniform top) gives N.
*/
int64_t gb_mirostat_k(double s, double mu, int64_t N);

/* Keep the tokens whose surprise -log2 p is at most mu (at least one):
   Mirostat 2.0's truncation. */
void gb_filter_surprise(gb_cands *c, double mu);

#endif
