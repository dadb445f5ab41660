/*
** The random bit generator: xoshiro256++ (Blackman and Vigna, 2019).
**
** 256 bits of state, period 2^256 - 1, 64-bit outputs that pass BigCrush
** and PractRand in every bit.  A generator is seeded from one integer by
** running splitmix64 from it (the seeding its authors recommend), and can
** jump ahead by 2^128 outputs, which splits the period into 2^128
** non-overlapping streams of 2^128 numbers each.
**
** Everything here is integer arithmetic, so the stream is the same on every
** machine and build.  A gb_rng is not thread-safe: give each thread its own
** (gb_rng_jump or gb_rng_spawn).
*/
#ifndef GB_RNG_H
#define GB_RNG_H

#include <stdint.h>

#include "ctx.h"

typedef struct gb_rng {
  uint64_t s[4];          /* never all zero */
} gb_rng;

/* The name of the algorithm, for saved states. */
#define GB_RNG_ALGORITHM "xoshiro256++"

/* Seeds are 0 .. 2^63 - 1 (the non-negative Lua integers). */
#define GB_RNG_SEED_MAX INT64_MAX

static inline uint64_t gb_rotl64(uint64_t x, int k) {
  return (x << k) | (x >> (64 - k));
}

/* The next 64 random bits. */
static inline uint64_t gb_rng_next(gb_rng *g) {
  uint64_t *s = g->s;
  uint64_t out = gb_rotl64(s[0] + s[3], 23) + s[0];
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = gb_rotl64(s[3], 45);
  return out;
}

/* A double in [0, 1): the top 53 bits times 2^-53, so every value is a
   multiple of 2^-53 and each is equally likely. */
static inline double gb_rng_uniform(gb_rng *g) {
  return (double)(int64_t)(gb_rng_next(g) >> 11) * 0x1.0p-53;
}

/* A double in (0, 1]: for logarithms. */
static inline double gb_rng_uniform_pos(gb_rng *g) {
  return (double)(int64_t)((gb_rng_next(g) >> 11) + 1) * 0x1.0p-53;
}

/* One step of splitmix64: advances *x and returns a mixed 64-bit value. */
uint64_t gb_splitmix64(uint64_t *x);

/* s[i] = the i-th output of splitmix64 started at seed. */
void gb_rng_seed(gb_rng *g, uint64_t seed);

/* A seed from the clock, the process id and an address (not reproducible). */
uint64_t gb_rng_clock_seed(void);

/* Advance by 2^128 outputs (the published jump polynomial). */
void gb_rng_jump(gb_rng *g);

/*
** A child generator for independent work: four outputs of the parent,
** each passed through splitmix64's finaliser, become the child's state.
** The parent advances by four outputs, so repeated calls give different
** children.
*/
void gb_rng_spawn(gb_rng *parent, gb_rng *child);

/* Set the state; returns GB_EINVAL (and leaves g alone) if all zero. */
int gb_rng_set_state(gb_rng *g, const uint64_t s[4]);

/*
** A uniform integer in [0, range] (inclusive, so that the full 64-bit
** range is expressible): Lemire's multiply-and-reject method, unbiased.
*/
uint64_t gb_rng_bounded(gb_rng *g, uint64_t range);

/* Fill out[0..n) with uniform doubles in [lo, hi) / integers in
   [lo, hi] (inclusive).  Return GB_OK or GB_EINTERRUPTED. */
int gb_rng_fill_uniform(gb_ctx *ctx, gb_rng *g, double *out, int64_t n, double lo, double hi);
int gb_rng_fill_integers(gb_ctx *ctx, gb_rng *g, int64_t *out, int64_t n, int64_t lo, int64_t hi);

#endif
