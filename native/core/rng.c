/*
** xoshiro256++: seeding, jumps, spawning, uniform doubles and integers.
** See rng.h.  The non-uniform distributions live in distributions.c.
*/
#include <stdint.h>
#include <time.h>
#include <unistd.h>

#include "rng.h"
#include "status.h"

uint64_t gb_splitmix64(uint64_t *x) {
  uint64_t z = (*x += 0x9e3779b97f4a7c15u);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  return z ^ (z >> 31);
}

void gb_rng_seed(gb_rng *g, uint64_t seed) {
  uint64_t x = seed;
  /* splitmix64 is a bijection of its counter, so at most one of four
     consecutive outputs is zero: the state is never all zero. */
  for (int i = 0; i < 4; i++) g->s[i] = gb_splitmix64(&x);
}

uint64_t gb_rng_clock_seed(void) {
  static int calls;
  struct timespec ts;
  uint64_t x;
  clock_gettime(CLOCK_REALTIME, &ts);
  x = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  x ^= gb_rotl64((uint64_t)ts.tv_nsec, 32);
  x ^= (uint64_t)getpid() << 16;
  x ^= (uint64_t)(uintptr_t)&x;          /* differs between runs under ASLR */
  x += (uint64_t)++calls;
  return gb_splitmix64(&x) >> 1;         /* in 0 .. 2^63 - 1 */
}

/* Apply the jump polynomial poly: the state becomes T^k s, where the bits
   of poly are the coefficients of x^k mod the characteristic polynomial. */
static void jump_with(gb_rng *g, const uint64_t poly[4]) {
  uint64_t t[4] = {0, 0, 0, 0};
  for (int i = 0; i < 4; i++)
    for (int b = 0; b < 64; b++) {
      if (poly[i] & ((uint64_t)1 << b))
        for (int j = 0; j < 4; j++) t[j] ^= g->s[j];
      gb_rng_next(g);
    }
  for (int j = 0; j < 4; j++) g->s[j] = t[j];
}

void gb_rng_jump(gb_rng *g) {
  /* x^(2^128) modulo the characteristic polynomial of xoshiro256 (from
     the authors' paper); tests/c/test_rng.c checks it against the
     transition matrix raised to 2^128. */
  static const uint64_t jump[4] = {
    0x180ec6d33cfd0abau, 0xd5a61266f0c9392cu,
    0xa9582618e03fc9aau, 0x39abdc4529b1661cu
  };
  jump_with(g, jump);
}

/* splitmix64's output function: a bijection that spreads every input bit. */
static uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  return z ^ (z >> 31);
}

void gb_rng_spawn(gb_rng *parent, gb_rng *child) {
  uint64_t w[4];
  for (int i = 0; i < 4; i++)
    w[i] = mix64(gb_rng_next(parent) + 0x9e3779b97f4a7c15u * (uint64_t)(i + 1));
  if ((w[0] | w[1] | w[2] | w[3]) == 0) w[0] = 1;   /* probability 2^-256 */
  for (int i = 0; i < 4; i++) child->s[i] = w[i];
}

int gb_rng_set_state(gb_rng *g, const uint64_t s[4]) {
  if ((s[0] | s[1] | s[2] | s[3]) == 0) return GB_EINVAL;
  for (int i = 0; i < 4; i++) g->s[i] = s[i];
  return GB_OK;
}

uint64_t gb_rng_bounded(gb_rng *g, uint64_t range) {
  if (range == UINT64_MAX) return gb_rng_next(g);
  uint64_t n = range + 1;
  __uint128_t m = (__uint128_t)gb_rng_next(g) * n;
  uint64_t low = (uint64_t)m;
  if (low < n) {
    /* reject the 2^64 mod n products that would favour small results */
    uint64_t threshold = (0 - n) % n;
    while (low < threshold) {
      m = (__uint128_t)gb_rng_next(g) * n;
      low = (uint64_t)m;
    }
  }
  return (uint64_t)(m >> 64);
}

int gb_rng_fill_uniform(gb_ctx *ctx, gb_rng *g, double *out, int64_t n, double lo, double hi) {
  double width = hi - lo;
  for (int64_t i = 0; i < n; i++) {
    if ((i & (GB_CHECK_EVERY - 1)) == GB_CHECK_EVERY - 1 && gb_interrupted(ctx))
      return GB_EINTERRUPTED;
    out[i] = lo + width * gb_rng_uniform(g);
  }
  return GB_OK;
}

int gb_rng_fill_integers(gb_ctx *ctx, gb_rng *g, int64_t *out, int64_t n, int64_t lo, int64_t hi) {
  uint64_t range = (uint64_t)hi - (uint64_t)lo;
  for (int64_t i = 0; i < n; i++) {
    if ((i & (GB_CHECK_EVERY - 1)) == GB_CHECK_EVERY - 1 && gb_interrupted(ctx))
      return GB_EINTERRUPTED;
    out[i] = (int64_t)((uint64_t)lo + gb_rng_bounded(g, range));
  }
  return GB_OK;
}
