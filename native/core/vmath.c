/*
** Vectorised exp and log over blocks of doubles: the kernels behind
** array.exp and array.log, softmax, logsumexp and the samplers.  Each has
** a portable loop that compilers vectorise, AVX2 and AVX-512 twins chosen
** at run time that give bit-identical results, and hands the inputs
** outside its range (inf, NaN, overflow, zero, negatives, subnormals) to
** libm.
*/
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "vmath.h"

/* The kernels' twins must round the same operations: no fused
   multiply-adds (gcc's -std=c11 already says so; clang needs telling). */
#ifdef __clang__
#pragma STDC FP_CONTRACT OFF
#endif

#define BLOCK 256

/* exp ------------------------------------------------------------------------ */

/*
** exp(x) = 2^(k/128) exp(r) with k = round(x 128/ln2) and r = x - k ln2/128,
** so |r| <= ln2/256.  2^(k/128) = 2^(k>>7) 2^(j/128) with j = k & 127: the
** table holds the bits of 2^(j/128) rounded to double, minus j << 45 (so
** that adding k << 45 puts k >> 7 into the exponent), and the relative error
** of that rounding.  exp(r) - 1 is its Taylor polynomial of degree 5 (the
** next term is below 2^-60 relative).  The error is about 0.502 ulp: the
** result agrees with glibc's exp on 99.9% of inputs and is within one ulp
** elsewhere.  Unlike libm's exp this vectorises, which makes it several
** times faster.  It needs |x| < 708, where the scale is a normal number;
** other inputs (overflow, results below the normal range, inf, NaN) go to
** libm's exp.  The tables were made with Python's decimal module:
**
**   getcontext().prec = 60; v = (Decimal(j) / 128 * Decimal(2).ln()).exp()
**   h = float(v); tail = float((v - Decimal(h)) / Decimal(h))
**   scale = bits(h) - (j << 45)
**
** and ln2/128 is split into 0x1.62e42fefa0000p-8 (36 bits, so k times it is
** exact) plus 0x1.cf79abc9e3b3ap-47.
*/
static const uint64_t exp_scale[128] = {
  0x3ff0000000000000, 0x3feff63da9fb3335, 0x3fefec9a3e778061,
  0x3fefe315e86e7f85, 0x3fefd9b0d3158574, 0x3fefd06b29ddf6de,
  0x3fefc74518759bc8, 0x3fefbe3ecac6f383, 0x3fefb5586cf9890f,
  0x3fefac922b7247f7, 0x3fefa3ec32d3d1a2, 0x3fef9b66affed31b,
  0x3fef9301d0125b51, 0x3fef8abdc06c31cc, 0x3fef829aaea92de0,
  0x3fef7a98c8a58e51, 0x3fef72b83c7d517b, 0x3fef6af9388c8dea,
  0x3fef635beb6fcb75, 0x3fef5be084045cd4, 0x3fef54873168b9aa,
  0x3fef4d5022fcd91d, 0x3fef463b88628cd6, 0x3fef3f49917ddc96,
  0x3fef387a6e756238, 0x3fef31ce4fb2a63f, 0x3fef2b4565e27cdd,
  0x3fef24dfe1f56381, 0x3fef1e9df51fdee1, 0x3fef187fd0dad990,
  0x3fef1285a6e4030b, 0x3fef0cafa93e2f56, 0x3fef06fe0a31b715,
  0x3fef0170fc4cd831, 0x3feefc08b26416ff, 0x3feef6c55f929ff1,
  0x3feef1a7373aa9cb, 0x3feeecae6d05d866, 0x3feee7db34e59ff7,
  0x3feee32dc313a8e5, 0x3feedea64c123422, 0x3feeda4504ac801c,
  0x3feed60a21f72e2a, 0x3feed1f5d950a897, 0x3feece086061892d,
  0x3feeca41ed1d0057, 0x3feec6a2b5c13cd0, 0x3feec32af0d7d3de,
  0x3feebfdad5362a27, 0x3feebcb299fddd0d, 0x3feeb9b2769d2ca7,
  0x3feeb6daa2cf6642, 0x3feeb42b569d4f82, 0x3feeb1a4ca5d920f,
  0x3feeaf4736b527da, 0x3feead12d497c7fd, 0x3feeab07dd485429,
  0x3feea9268a5946b7, 0x3feea76f15ad2148, 0x3feea5e1b976dc09,
  0x3feea47eb03a5585, 0x3feea34634ccc320, 0x3feea23882552225,
  0x3feea155d44ca973, 0x3feea09e667f3bcd, 0x3feea012750bdabf,
  0x3fee9fb23c651a2f, 0x3fee9f7df9519484, 0x3fee9f75e8ec5f74,
  0x3fee9f9a48a58174, 0x3fee9feb564267c9, 0x3feea0694fde5d3f,
  0x3feea11473eb0187, 0x3feea1ed0130c132, 0x3feea2f336cf4e62,
  0x3feea427543e1a12, 0x3feea589994cce13, 0x3feea71a4623c7ad,
  0x3feea8d99b4492ed, 0x3feeaac7d98a6699, 0x3feeace5422aa0db,
  0x3feeaf3216b5448c, 0x3feeb1ae99157736, 0x3feeb45b0b91ffc6,
  0x3feeb737b0cdc5e5, 0x3feeba44cbc8520f, 0x3feebd829fde4e50,
  0x3feec0f170ca07ba, 0x3feec49182a3f090, 0x3feec86319e32323,
  0x3feecc667b5de565, 0x3feed09bec4a2d33, 0x3feed503b23e255d,
  0x3feed99e1330b358, 0x3feede6b5579fdbf, 0x3feee36bbfd3f37a,
  0x3feee89f995ad3ad, 0x3feeee07298db666, 0x3feef3a2b84f15fb,
  0x3feef9728de5593a, 0x3feeff76f2fb5e47, 0x3fef05b030a1064a,
  0x3fef0c1e904bc1d2, 0x3fef12c25bd71e09, 0x3fef199bdd85529c,
  0x3fef20ab5fffd07a, 0x3fef27f12e57d14b, 0x3fef2f6d9406e7b5,
  0x3fef3720dcef9069, 0x3fef3f0b555dc3fa, 0x3fef472d4a07897c,
  0x3fef4f87080d89f2, 0x3fef5818dcfba487, 0x3fef60e316c98398,
  0x3fef69e603db3285, 0x3fef7321f301b460, 0x3fef7c97337b9b5f,
  0x3fef864614f5a129, 0x3fef902ee78b3ff6, 0x3fef9a51fbc74c83,
  0x3fefa4afa2a490da, 0x3fefaf482d8e67f1, 0x3fefba1bee615a27,
  0x3fefc52b376bba97, 0x3fefd0765b6e4540, 0x3fefdbfdad9cbe14,
  0x3fefe7c1819e90d8, 0x3feff3c22b8f71f1,
};
static const double exp_tail[128] = {
  0.0, 0x1.b3b4f1a88bf6ep-54, -0x1.160139cd8dc5dp-56,
  -0x1.05e7a108766d1p-54, 0x1.cd2523567f613p-55, -0x1.bce8023f98efap-55,
  0x1.0f74e61e6c861p-57, 0x1.0a3e45b33d399p-54, 0x1.79aa65d837b6dp-54,
  0x1.eb51a92fdeffcp-55, 0x1.ebe3d702f9cd1p-60, -0x1.a033489906e0bp-57,
  -0x1.556522a2fbd0ep-54, -0x1.080ef8c4eea55p-58, -0x1.1c923b9d5f416p-54,
  0x1.0d3e3e95c55afp-55, -0x1.01b15eaa59348p-55, -0x1.f1ff055de323dp-55,
  0x1.b898c3f1353bfp-55, -0x1.6d99c7611eb26p-54, 0x1.aecf73e3a2f60p-54,
  -0x1.fe782cb86389dp-55, 0x1.a6f4144a6c38dp-55, 0x1.07a05b0e4047dp-55,
  0x1.68efde3a8a894p-54, 0x1.75e18f274487dp-55, 0x1.0472b981fe7f2p-55,
  -0x1.6b87b3f71085ep-54, 0x1.2f7e16d09ab31p-55, -0x1.d219b1a6fbffap-60,
  0x1.b3782720c0ab4p-55, 0x1.e149289cecb8fp-57, 0x1.34d754db0abb6p-55,
  0x1.64201e2ac744cp-55, 0x1.fdd395dd3f84ap-55, -0x1.6a3803b8e5b04p-55,
  -0x1.24aedcc4b5068p-54, -0x1.907f81b512d8ep-54, -0x1.1d1e83e9436d2p-56,
  -0x1.91919b3ce1b15p-54, 0x1.59f48a72a4c6dp-55, -0x1.312607a28698ap-54,
  -0x1.8a78f4817895bp-58, -0x1.c2c9b67499a1bp-56, 0x1.363ed60c2ac11p-59,
  0x1.666093b0664efp-54, 0x1.ecce1daa10379p-57, 0x1.3ff8e3f0f1230p-54,
  0x1.690cebb7aafb0p-56, 0x1.31dbdeb54e077p-54, -0x1.f94340071a38ep-55,
  -0x1.7deccdc93a349p-55, -0x1.8dec6bd0f385fp-56, -0x1.61246ec7b5cf6p-55,
  0x1.3350518fdd78ep-54, 0x1.b98b72f8a9b05p-56, 0x1.063e1e21c5409p-54,
  0x1.4c7855019c6eap-60, 0x1.432e62b64c035p-54, -0x1.ce44a6199769fp-55,
  -0x1.c33c53bef4da8p-55, -0x1.45378892be9aep-55, -0x1.3cedd78565858p-54,
  0x1.710aa807e1964p-58, -0x1.3b3efbf5e2228p-54, -0x1.a12ad8734b982p-57,
  -0x1.367efb86da9eep-57, -0x1.0dc3d54e08851p-55, -0x1.81f647e5a3ecfp-56,
  -0x1.6ee4ac08b7db0p-55, -0x1.619321e55e68ap-55, 0x1.09ccb5e09d4d3p-54,
  -0x1.b32dcb94da51dp-56, 0x1.4ecfd5467c06bp-54, 0x1.5ebe1abd66c55p-57,
  -0x1.8a1c52fb3cf42p-55, -0x1.369b6f13b3734p-54, -0x1.05e843a19ff1ep-55,
  -0x1.4d450d872576ep-54, 0x1.0ad675b0e8a00p-54, 0x1.db72fc1f0eab4p-55,
  -0x1.5b6609cc5e7ffp-57, 0x1.bf68359f35f44p-56, -0x1.3091fa71e3d83p-54,
  -0x1.da9b88b6c1e29p-58, -0x1.c23f97c90b959p-57, -0x1.2434322f4f9aap-54,
  -0x1.5ca6cd7668e4bp-55, 0x1.1affc2b91ce27p-56, 0x1.dd235e10a73bbp-57,
  -0x1.7c50422622263p-55, 0x1.b1c86e3e231d5p-55, -0x1.1bbd1d3bcbb15p-54,
  0x1.0cc319cee31d2p-54, 0x1.469846e735ab3p-55, -0x1.2dfcd978e9db4p-55,
  0x1.c1a7792cb3387p-55, -0x1.07b8f4ad1d9fap-54, -0x1.5c3d956dcaebap-58,
  -0x1.0a40e3da6f640p-54, -0x1.8d6f438ad9334p-57, -0x1.1eee26b588a35p-54,
  0x1.4ffd70a5fddcdp-56, -0x1.1bdfbfa9298acp-54, 0x1.36eae30af0cb3p-56,
  0x1.ee3325c9ffd94p-55, 0x1.4e08fd10959acp-55, 0x1.3cdaf384e1a67p-57,
  0x1.76b2c6c921968p-57, -0x1.08a1883ccb5d2p-55, -0x1.fad5d3ffffa6fp-55,
  -0x1.00dae3875a949p-54, 0x1.4a385a63d07a7p-56, -0x1.2919e2040220fp-55,
  0x1.e5a50d5c192acp-55, 0x1.43a59ac016b4bp-55, -0x1.2d52107b43e1fp-55,
  -0x1.92ab93b470dc9p-55, 0x1.4b604603a88d3p-56, 0x1.3c5ec519d7271p-55,
  -0x1.ff7128fd391f0p-55, -0x1.dae98e223747dp-55, 0x1.ec3bc41aa2008p-55,
  0x1.42b94c3a9eb32p-55, 0x1.a64a931d185eep-55, -0x1.e37bae43be3edp-55,
  0x1.7893b4d91cd9dp-56, 0x1.305c14160cc89p-58,
};

#define EXP_FAST(x) (fabs(x) < 708.0)

/* y = exp(x) on the fast path; returns non-zero if some x was outside it. */
static int exp_fast(double *restrict y, const double *restrict x, int n) {
  int special = 0;
  for (int i = 0; i < n; i++) {
    double xi = x[i], kd, r, r2, p, scale;
    uint64_t ki, sbits, j;
    special |= !EXP_FAST(xi);
    kd = xi * 0x1.71547652b82fep+7 + 0x1.8p52;   /* the shift rounds to an integer */
    memcpy(&ki, &kd, sizeof ki);
    kd -= 0x1.8p52;
    r = xi - kd * 0x1.62e42fefa0000p-8 - kd * 0x1.cf79abc9e3b3ap-47;
    j = ki & 127;
    sbits = exp_scale[j] + (ki << 45);
    memcpy(&scale, &sbits, sizeof scale);
    r2 = r * r;
    p = r + r2 * (0.5 + r * (1.0 / 6 + r * (1.0 / 24 + r * (1.0 / 120))));
    y[i] = scale + scale * (exp_tail[j] + p);
  }
  return special;
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define HAVE_AVX2_VARIANT 1

/* exp_fast with AVX2 intrinsics (the compiler's own vectorisation of the
   table loads is slow): the same operations in the same order, so the
   results are identical; the tail goes to the portable code. */
__attribute__((target("avx2")))
static int exp_fast_avx2(double *restrict y, const double *restrict x, int n) {
  const __m256d inv = _mm256_set1_pd(0x1.71547652b82fep+7), shift = _mm256_set1_pd(0x1.8p52);
  const __m256d ln2hi = _mm256_set1_pd(0x1.62e42fefa0000p-8);
  const __m256d ln2lo = _mm256_set1_pd(0x1.cf79abc9e3b3ap-47);
  const __m256d limit = _mm256_set1_pd(708.0);
  const __m256d mag = _mm256_castsi256_pd(_mm256_set1_epi64x(INT64_MAX));
  const __m256d c2 = _mm256_set1_pd(0.5), c3 = _mm256_set1_pd(1.0 / 6);
  const __m256d c4 = _mm256_set1_pd(1.0 / 24), c5 = _mm256_set1_pd(1.0 / 120);
  const __m256i mask = _mm256_set1_epi64x(127);
  __m256d special = _mm256_setzero_pd();
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    __m256d xi = _mm256_loadu_pd(x + i), kd, r, r2, p, scale, tail;
    __m256i ki, j;
    special = _mm256_or_pd(special, _mm256_cmp_pd(_mm256_and_pd(xi, mag), limit, _CMP_NLT_UQ));
    kd = _mm256_add_pd(_mm256_mul_pd(xi, inv), shift);
    ki = _mm256_castpd_si256(kd);
    kd = _mm256_sub_pd(kd, shift);
    r = _mm256_sub_pd(_mm256_sub_pd(xi, _mm256_mul_pd(kd, ln2hi)), _mm256_mul_pd(kd, ln2lo));
    j = _mm256_and_si256(ki, mask);
    scale = _mm256_castsi256_pd(_mm256_add_epi64(
        _mm256_i64gather_epi64((const long long *)exp_scale, j, 8), _mm256_slli_epi64(ki, 45)));
    tail = _mm256_i64gather_pd(exp_tail, j, 8);
    r2 = _mm256_mul_pd(r, r);
    p = _mm256_add_pd(c4, _mm256_mul_pd(r, c5));
    p = _mm256_add_pd(c3, _mm256_mul_pd(r, p));
    p = _mm256_add_pd(c2, _mm256_mul_pd(r, p));
    p = _mm256_add_pd(r, _mm256_mul_pd(r2, p));
    _mm256_storeu_pd(y + i, _mm256_add_pd(scale, _mm256_mul_pd(scale, _mm256_add_pd(tail, p))));
  }
  int hit = !_mm256_testz_pd(special, special);
  /* gcc emits no vzeroupper for target("avx2") functions; without it the
     dirty upper halves make every later SSE instruction (libm's log, sin)
     run up to 20x slower. */
  _mm256_zeroupper();
  return hit | exp_fast(y + i, x + i, n - i);
}

/* exp_fast on eight lanes with AVX-512F: the same operations again. */
__attribute__((target("avx512f")))
static int exp_fast_avx512(double *restrict y, const double *restrict x, int n) {
  const __m512d inv = _mm512_set1_pd(0x1.71547652b82fep+7), shift = _mm512_set1_pd(0x1.8p52);
  const __m512d ln2hi = _mm512_set1_pd(0x1.62e42fefa0000p-8);
  const __m512d ln2lo = _mm512_set1_pd(0x1.cf79abc9e3b3ap-47);
  const __m512d limit = _mm512_set1_pd(708.0);
  const __m512d c2 = _mm512_set1_pd(0.5), c3 = _mm512_set1_pd(1.0 / 6);
  const __m512d c4 = _mm512_set1_pd(1.0 / 24), c5 = _mm512_set1_pd(1.0 / 120);
  const __m512i mask = _mm512_set1_epi64(127);
  __mmask8 special = 0;
  int i = 0;
  for (; i + 8 <= n; i += 8) {
    __m512d xi = _mm512_loadu_pd(x + i), kd, r, r2, p, scale, tail;
    __m512i ki, j;
    special |= _mm512_cmp_pd_mask(_mm512_abs_pd(xi), limit, _CMP_NLT_UQ);
    kd = _mm512_add_pd(_mm512_mul_pd(xi, inv), shift);
    ki = _mm512_castpd_si512(kd);
    kd = _mm512_sub_pd(kd, shift);
    r = _mm512_sub_pd(_mm512_sub_pd(xi, _mm512_mul_pd(kd, ln2hi)), _mm512_mul_pd(kd, ln2lo));
    j = _mm512_and_si512(ki, mask);
    scale = _mm512_castsi512_pd(_mm512_add_epi64(
        _mm512_i64gather_epi64(j, (const long long *)exp_scale, 8), _mm512_slli_epi64(ki, 45)));
    tail = _mm512_i64gather_pd(j, exp_tail, 8);
    r2 = _mm512_mul_pd(r, r);
    p = _mm512_add_pd(c4, _mm512_mul_pd(r, c5));
    p = _mm512_add_pd(c3, _mm512_mul_pd(r, p));
    p = _mm512_add_pd(c2, _mm512_mul_pd(r, p));
    p = _mm512_add_pd(r, _mm512_mul_pd(r2, p));
    _mm512_storeu_pd(y + i, _mm512_add_pd(scale, _mm512_mul_pd(scale, _mm512_add_pd(tail, p))));
  }
  _mm256_zeroupper();                 /* as in exp_fast_avx2 */
  return (special != 0) | exp_fast(y + i, x + i, n - i);
}

#endif

/* 2 with AVX-512F, 1 with AVX2, else 0: found once when the library
   loads, so that threads calling the kernels only read it. */
static int cpu_level, cpu_detected;
#ifdef HAVE_AVX2_VARIANT
__attribute__((constructor)) static void detect_cpu(void) {
  __builtin_cpu_init();
  cpu_detected = __builtin_cpu_supports("avx512f") ? 2 : __builtin_cpu_supports("avx2") ? 1 : 0;
  cpu_level = cpu_detected;
}
#endif

int gb_vmath_level(int most) {
  int was = cpu_level;
  cpu_level = most < cpu_detected ? most : cpu_detected;
  return was;
}

/* log ------------------------------------------------------------------------ */

/*
** log(x) = e ln2 + log(c) + log1p(r).  x = 2^e m with m in [0.703125,
** 1.40625) (the mantissa in [1, 2), halved above 1.40625), c the multiple
** of 1/128 nearest m, and r = (m - c) / c, so |r| <= 2^-8 / 0.703125.
** m - c is exact and the division rounds once.  log1p(r) is its Taylor
** polynomial of degree 7 (the next term is below 2^-56 relative to r).
** e ln2 is exact (ln2 split into 42 bits plus the rest), and the two large
** sums are taken with their rounding errors (Fast2Sum: |e ln2| >= |log c|
** and |e ln2 + log c| >= |r| unless the former is 0), so the result is
** within one ulp; near 1, where c = 1 and log c = 0, it is log1p's
** accuracy.  The tables hold log(c) for c = (90 + j) / 128, j = 0 .. 90,
** as a double and the rest, made with mpmath (tests/fixtures/
** make_vmath_constants.py recomputes them):
**
**   v = log(mpf(90 + j) / 128); hi = float(v); lo = float(v - hi)
*/
static const double log_hi[91] = {
  -0x1.68ac83e9c6a14p-2, -0x1.5d5bddf595f30p-2, -0x1.522ae0738a3d8p-2,
  -0x1.4718dc271c41bp-2, -0x1.3c25277333184p-2, -0x1.314f1e1d35ce4p-2,
  -0x1.269621134db92p-2, -0x1.1bf99635a6b95p-2, -0x1.1178e8227e47cp-2,
  -0x1.07138604d5862p-2, -0x1.f991c6cb3b379p-3, -0x1.e530effe71012p-3,
  -0x1.d1037f2655e7bp-3, -0x1.bd087383bd8adp-3, -0x1.a93ed3c8ad9e3p-3,
  -0x1.95a5adcf7017fp-3, -0x1.823c16551a3c2p-3, -0x1.6f0128b756abcp-3,
  -0x1.5bf406b543db2p-3, -0x1.4913d8333b561p-3, -0x1.365fcb0159016p-3,
  -0x1.23d712a49c202p-3, -0x1.1178e8227e47cp-3, -0x1.fe89139dbd566p-4,
  -0x1.da727638446a2p-4, -0x1.b6ac88dad5b1cp-4, -0x1.9335e5d594989p-4,
  -0x1.700d30aeac0e1p-4, -0x1.4d3115d207eacp-4, -0x1.2aa04a44717a5p-4,
  -0x1.08598b59e3a07p-4, -0x1.ccb73cdddb2ccp-5, -0x1.894aa149fb343p-5,
  -0x1.466aed42de3eap-5, -0x1.0415d89e74444p-5, -0x1.8492528c8cabfp-6,
  -0x1.0205658935847p-6, -0x1.010157588de71p-7, 0.0,
  0x1.fe02a6b106789p-8, 0x1.fc0a8b0fc03e4p-7, 0x1.7b91b07d5b11bp-6,
  0x1.f829b0e783300p-6, 0x1.39e87b9febd60p-5, 0x1.77458f632dcfcp-5,
  0x1.b42dd711971bfp-5, 0x1.f0a30c01162a6p-5, 0x1.16536eea37ae1p-4,
  0x1.341d7961bd1d1p-4, 0x1.51b073f06183fp-4, 0x1.6f0d28ae56b4cp-4,
  0x1.8c345d6319b21p-4, 0x1.a926d3a4ad563p-4, 0x1.c5e548f5bc743p-4,
  0x1.e27076e2af2e6p-4, 0x1.fec9131dbeabbp-4, 0x1.0d77e7cd08e59p-3,
  0x1.1b72ad52f67a0p-3, 0x1.29552f81ff523p-3, 0x1.371fc201e8f74p-3,
  0x1.44d2b6ccb7d1ep-3, 0x1.526e5e3a1b438p-3, 0x1.5ff3070a793d4p-3,
  0x1.6d60fe719d21dp-3, 0x1.7ab890210d909p-3, 0x1.87fa06520c911p-3,
  0x1.9525a9cf456b4p-3, 0x1.a23bc1fe2b563p-3, 0x1.af3c94e80bff3p-3,
  0x1.bc286742d8cd6p-3, 0x1.c8ff7c79a9a22p-3, 0x1.d5c216b4fbb91p-3,
  0x1.e27076e2af2e6p-3, 0x1.ef0adcbdc5936p-3, 0x1.fb9186d5e3e2bp-3,
  0x1.0402594b4d041p-2, 0x1.0a324e27390e3p-2, 0x1.1058bf9ae4ad5p-2,
  0x1.1675cababa60ep-2, 0x1.1c898c16999fbp-2, 0x1.22941fbcf7966p-2,
  0x1.2895a13de86a3p-2, 0x1.2e8e2bae11d31p-2, 0x1.347dd9a987d55p-2,
  0x1.3a64c556945eap-2, 0x1.404308686a7e4p-2, 0x1.4618bc21c5ec2p-2,
  0x1.4be5f957778a1p-2, 0x1.51aad872df82dp-2, 0x1.5767717455a6cp-2,
  0x1.5d1bdbf5809cap-2,
};
static const double log_lo[91] = {
  -0x1.a64eadd740178p-58, 0x1.6541148cbb8a2p-56, 0x1.8f7e9b38a6979p-57,
  -0x1.8fb4c14c56eefp-60, 0x1.2ad27e50a8ec6p-56, 0x1.3d69909e5c3dcp-56,
  -0x1.e0efadd9db02bp-56, 0x1.12aeb84249223p-57, 0x1.0e63a5f01c691p-57,
  -0x1.cdb16ed4e9138p-56, -0x1.f665066f980a2p-57, -0x1.2276041f43042p-59,
  -0x1.60629242471a2p-57, -0x1.dd355f6a516d7p-60, -0x1.bcafa9de97203p-57,
  -0x1.142c507fb7a3dp-58, 0x1.1232ce70be781p-57, 0x1.8de59c21e166cp-57,
  0x1.1f5b44c0df7e7p-61, 0x1.0d5604930f135p-58, -0x1.7d411a5b944adp-58,
  0x1.6e38161051d69p-57, 0x1.0e63a5f01c691p-58, 0x1.ac9f4215f9393p-58,
  -0x1.401fa71733019p-58, 0x1.0057eed1ca59fp-59, 0x1.478a85704ccb7p-58,
  0x1.72566212cdd05p-61, -0x1.769f42c7842ccp-58, 0x1.d15d38d2fa3f7p-58,
  0x1.dd7009902bf32p-58, 0x1.e48fb0500efd4p-59, -0x1.a8be97660a23dp-60,
  0x1.cdd6f7f4a137ep-59, -0x1.c05cf1d753622p-59, 0x1.d192d0619fa67p-60,
  -0x1.27c8e8416e71fp-60, -0x1.46662d417ced0p-62, 0.0,
  -0x1.e44b7e3711ebfp-67, -0x1.83092c59642a1p-62, -0x1.5b602ace3a510p-60,
  0x1.33e3f04f1ef23p-60, -0x1.5bfa937f551bbp-59, 0x1.18d3ca87b9296p-59,
  -0x1.eb9759c130499p-60, 0x1.85f325c5bbacdp-59, -0x1.79da3e8c22cdap-60,
  -0x1.b599f227becbbp-58, 0x1.a49e39a1a8be4p-58, -0x1.906d99184b992p-58,
  -0x1.4a697ab3424a9p-61, 0x1.942f48aa70ea9p-58, 0x1.5d617ef8161b1p-60,
  -0x1.61578001e0162p-60, -0x1.5746b9981b36cp-58, 0x1.9a5dc5e9030acp-57,
  0x1.483023472cd74p-58, 0x1.301771c407dbfp-57, 0x1.de6cb62af18a0p-58,
  0x1.9f4f6543e1f88p-57, -0x1.746ff8a470d3ap-57, -0x1.bc60efafc6f6ep-58,
  -0x1.caae268ecd179p-57, 0x1.be36b2d6a0608p-59, -0x1.bf7fdbfa08d9ap-57,
  0x1.d904c1d4e2e26p-57, 0x1.93711b07a998cp-59, -0x1.398cff3641985p-58,
  0x1.4fce744870f55p-58, -0x1.4f689f8434012p-57, 0x1.6e443597e4d40p-57,
  -0x1.61578001e0162p-59, 0x1.48637950dc20dp-57, -0x1.caaae64f21acbp-57,
  -0x1.28ec217a5022dp-57, 0x1.7dcfde8061c03p-56, 0x1.89fa0ab4cb31dp-58,
  0x1.ce63eab883717p-61, -0x1.0e5c62aff1c44p-60, -0x1.76f5eb09628afp-56,
  0x1.7ad24c13f040ep-56, -0x1.8f4cdb95ebdf9p-56, -0x1.4dd4c580919f8p-57,
  -0x1.c68651945f97cp-57, -0x1.0bcfb6082ce6dp-56, 0x1.f42decdeccf1dp-56,
  -0x1.259b35b04813dp-57, 0x1.3927ac19f55e3p-59, 0x1.526adb283660cp-56,
  0x1.4236383dc7fe1p-56,
};

#define LN2_HI 0x1.62e42fefa3800p-1
#define LN2_LO 0x1.ef35793c76730p-45
#define LOG_FAST(x) ((x) >= 0x1p-1022 && (x) < INFINITY)   /* positive normal */

/* y = log(x) on the fast path; returns non-zero if some x was outside it.
   The steps for inputs outside it compute garbage that is replaced. */
static int log_fast(double *restrict y, const double *restrict x, int n) {
  int special = 0;
  for (int i = 0; i < n; i++) {
    double xi = x[i], m, ed, t, c, r, p, a, h, hl, s, sl;
    uint64_t ix, mant, mb, tb;
    special |= !LOG_FAST(xi);
    memcpy(&ix, &xi, sizeof ix);
    mant = ix & 0x000fffffffffffff;
    mb = mant | 0x3ff0000000000000;
    memcpy(&m, &mb, sizeof m);
    int64_t e = (int64_t)(ix >> 52) - 1023, big = mant >= 0x0006800000000000;
    m = big ? m * 0.5 : m;
    e += big;
    memcpy(&ed, &(uint64_t){(uint64_t)e + 0x4338000000000000}, sizeof ed);
    ed -= 0x1.8p52;                                /* e as a double */
    t = (m - 0.703125) * 128 + 0x1.8p52;           /* the shift rounds to j */
    memcpy(&tb, &t, sizeof tb);
    c = (t - 0x1.8p52) * (1.0 / 128) + 0.703125;
    r = (m - c) / c;
    p = r * r * (-0.5 + r * (1.0 / 3 + r * (-0.25 + r * (0.2 + r * (-1.0 / 6 + r * (1.0 / 7))))));
    a = ed * LN2_HI;
    h = a + log_hi[tb & 127];
    hl = (a - h) + log_hi[tb & 127];
    s = h + r;
    sl = (h - s) + r;
    y[i] = s + (sl + (hl + (ed * LN2_LO + log_lo[tb & 127] + p)));
  }
  return special;
}

#ifdef HAVE_AVX2_VARIANT
/* log_fast with AVX2 intrinsics: the same operations in the same order. */
__attribute__((target("avx2")))
static int log_fast_avx2(double *restrict y, const double *restrict x, int n) {
  const __m256d tiny = _mm256_set1_pd(0x1p-1022), inf = _mm256_set1_pd(INFINITY);
  const __m256d half = _mm256_set1_pd(0.5), base = _mm256_set1_pd(0.703125);
  const __m256d k128 = _mm256_set1_pd(128), inv128 = _mm256_set1_pd(1.0 / 128);
  const __m256d shift = _mm256_set1_pd(0x1.8p52);
  const __m256d ln2hi = _mm256_set1_pd(LN2_HI), ln2lo = _mm256_set1_pd(LN2_LO);
  const __m256d c2 = _mm256_set1_pd(-0.5), c3 = _mm256_set1_pd(1.0 / 3);
  const __m256d c4 = _mm256_set1_pd(-0.25), c5 = _mm256_set1_pd(0.2);
  const __m256d c6 = _mm256_set1_pd(-1.0 / 6), c7 = _mm256_set1_pd(1.0 / 7);
  const __m256i mmask = _mm256_set1_epi64x(0x000fffffffffffff);
  const __m256i one = _mm256_set1_epi64x(0x3ff0000000000000);
  const __m256i bigmin = _mm256_set1_epi64x(0x00067fffffffffff);
  const __m256i bias = _mm256_set1_epi64x(1023), shiftbits = _mm256_set1_epi64x(0x4338000000000000);
  const __m256i jmask = _mm256_set1_epi64x(127);
  __m256d special = _mm256_setzero_pd();
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    __m256d xi = _mm256_loadu_pd(x + i), m, ed, t, c, r, p, a, h, hl, s, sl, th, tl;
    __m256i ix = _mm256_castpd_si256(xi), mant, big, e, j;
    special = _mm256_or_pd(special, _mm256_or_pd(_mm256_cmp_pd(xi, tiny, _CMP_NGE_UQ),
                                                 _mm256_cmp_pd(xi, inf, _CMP_NLT_UQ)));
    mant = _mm256_and_si256(ix, mmask);
    m = _mm256_castsi256_pd(_mm256_or_si256(mant, one));
    big = _mm256_cmpgt_epi64(mant, bigmin);
    e = _mm256_sub_epi64(_mm256_sub_epi64(_mm256_srli_epi64(ix, 52), bias), big);
    m = _mm256_blendv_pd(m, _mm256_mul_pd(m, half), _mm256_castsi256_pd(big));
    ed = _mm256_sub_pd(_mm256_castsi256_pd(_mm256_add_epi64(e, shiftbits)), shift);
    t = _mm256_add_pd(_mm256_mul_pd(_mm256_sub_pd(m, base), k128), shift);
    j = _mm256_and_si256(_mm256_castpd_si256(t), jmask);
    c = _mm256_add_pd(_mm256_mul_pd(_mm256_sub_pd(t, shift), inv128), base);
    r = _mm256_div_pd(_mm256_sub_pd(m, c), c);
    p = _mm256_add_pd(c6, _mm256_mul_pd(r, c7));
    p = _mm256_add_pd(c5, _mm256_mul_pd(r, p));
    p = _mm256_add_pd(c4, _mm256_mul_pd(r, p));
    p = _mm256_add_pd(c3, _mm256_mul_pd(r, p));
    p = _mm256_add_pd(c2, _mm256_mul_pd(r, p));
    p = _mm256_mul_pd(_mm256_mul_pd(r, r), p);
    th = _mm256_i64gather_pd(log_hi, j, 8);
    tl = _mm256_i64gather_pd(log_lo, j, 8);
    a = _mm256_mul_pd(ed, ln2hi);
    h = _mm256_add_pd(a, th);
    hl = _mm256_add_pd(_mm256_sub_pd(a, h), th);
    s = _mm256_add_pd(h, r);
    sl = _mm256_add_pd(_mm256_sub_pd(h, s), r);
    p = _mm256_add_pd(_mm256_add_pd(_mm256_mul_pd(ed, ln2lo), tl), p);
    _mm256_storeu_pd(y + i, _mm256_add_pd(s, _mm256_add_pd(sl, _mm256_add_pd(hl, p))));
  }
  int hit = !_mm256_testz_pd(special, special);
  _mm256_zeroupper();                 /* as in exp_fast_avx2 */
  return hit | log_fast(y + i, x + i, n - i);
}

/* log_fast on eight lanes with AVX-512F. */
__attribute__((target("avx512f")))
static int log_fast_avx512(double *restrict y, const double *restrict x, int n) {
  const __m512d tiny = _mm512_set1_pd(0x1p-1022), inf = _mm512_set1_pd(INFINITY);
  const __m512d half = _mm512_set1_pd(0.5), base = _mm512_set1_pd(0.703125);
  const __m512d k128 = _mm512_set1_pd(128), inv128 = _mm512_set1_pd(1.0 / 128);
  const __m512d shift = _mm512_set1_pd(0x1.8p52);
  const __m512d ln2hi = _mm512_set1_pd(LN2_HI), ln2lo = _mm512_set1_pd(LN2_LO);
  const __m512d c2 = _mm512_set1_pd(-0.5), c3 = _mm512_set1_pd(1.0 / 3);
  const __m512d c4 = _mm512_set1_pd(-0.25), c5 = _mm512_set1_pd(0.2);
  const __m512d c6 = _mm512_set1_pd(-1.0 / 6), c7 = _mm512_set1_pd(1.0 / 7);
  const __m512i mmask = _mm512_set1_epi64(0x000fffffffffffff);
  const __m512i one = _mm512_set1_epi64(0x3ff0000000000000);
  const __m512i bigmin = _mm512_set1_epi64(0x00067fffffffffff);
  const __m512i bias = _mm512_set1_epi64(1023), shiftbits = _mm512_set1_epi64(0x4338000000000000);
  const __m512i jmask = _mm512_set1_epi64(127), inc = _mm512_set1_epi64(1);
  __mmask8 special = 0;
  int i = 0;
  for (; i + 8 <= n; i += 8) {
    __m512d xi = _mm512_loadu_pd(x + i), m, ed, t, c, r, p, a, h, hl, s, sl, th, tl;
    __m512i ix = _mm512_castpd_si512(xi), mant, e, j;
    special |= _mm512_cmp_pd_mask(xi, tiny, _CMP_NGE_UQ) | _mm512_cmp_pd_mask(xi, inf, _CMP_NLT_UQ);
    mant = _mm512_and_si512(ix, mmask);
    m = _mm512_castsi512_pd(_mm512_or_si512(mant, one));
    __mmask8 big = _mm512_cmpgt_epi64_mask(mant, bigmin);
    e = _mm512_sub_epi64(_mm512_srli_epi64(ix, 52), bias);
    e = _mm512_mask_add_epi64(e, big, e, inc);
    m = _mm512_mask_mul_pd(m, big, m, half);
    ed = _mm512_sub_pd(_mm512_castsi512_pd(_mm512_add_epi64(e, shiftbits)), shift);
    t = _mm512_add_pd(_mm512_mul_pd(_mm512_sub_pd(m, base), k128), shift);
    j = _mm512_and_si512(_mm512_castpd_si512(t), jmask);
    c = _mm512_add_pd(_mm512_mul_pd(_mm512_sub_pd(t, shift), inv128), base);
    r = _mm512_div_pd(_mm512_sub_pd(m, c), c);
    p = _mm512_add_pd(c6, _mm512_mul_pd(r, c7));
    p = _mm512_add_pd(c5, _mm512_mul_pd(r, p));
    p = _mm512_add_pd(c4, _mm512_mul_pd(r, p));
    p = _mm512_add_pd(c3, _mm512_mul_pd(r, p));
    p = _mm512_add_pd(c2, _mm512_mul_pd(r, p));
    p = _mm512_mul_pd(_mm512_mul_pd(r, r), p);
    th = _mm512_i64gather_pd(j, log_hi, 8);
    tl = _mm512_i64gather_pd(j, log_lo, 8);
    a = _mm512_mul_pd(ed, ln2hi);
    h = _mm512_add_pd(a, th);
    hl = _mm512_add_pd(_mm512_sub_pd(a, h), th);
    s = _mm512_add_pd(h, r);
    sl = _mm512_add_pd(_mm512_sub_pd(h, s), r);
    p = _mm512_add_pd(_mm512_add_pd(_mm512_mul_pd(ed, ln2lo), tl), p);
    _mm512_storeu_pd(y + i, _mm512_add_pd(s, _mm512_add_pd(sl, _mm512_add_pd(hl, p))));
  }
  _mm256_zeroupper();
  return (special != 0) | log_fast(y + i, x + i, n - i);
}
#endif

/* sin and cos --------------------------------------------------------------------- */

/*
** x = k pi/2 + r with k = round(x 2/pi) and |r| <= pi/4 (a hair more when
** x 2/pi rounds the other way).  pi/2 is split Cody-Waite style into
** P1 + P2 (33 bits each, so k times them is exact for |k| < 2^20) and P3,
** 119 bits in all; x - k P1 is exact, the next subtraction is kept as a
** sum hi + lo (TwoSum), then k P3 is taken from lo and the pair
** renormalised, so r = hi + lo carries about 100 bits with |lo| at most
** half an ulp of hi (the polynomials take lo to first order only).  Inputs with
** |x| >= 1e6, or so close to a multiple of pi/2 that |r| < 2^-40, go to
** libm.  On r: sin r = r + r^3 S(r^2) and cos r = 1 - r^2/2 + r^4 C(r^2),
** S of degree 6 and C of degree 5 fitted with mpmath (chebyfit on
** [0, (pi/4)^2], 50 digits; S within 1.2e-20, C within 1.3e-18; the script
** is tests/fixtures/make_vmath_constants.py), plus the
** first-order terms of lo.  Then the quadrant k mod 4 picks +-sin r or
** +-cos r.  Within one ulp.  No tables, so one loop vectorises for every
** instruction set: it is compiled for AVX-512, AVX2 and the baseline,
** which round the same operations the same way.
*/
#define P1 0x1.921fb54400000p+0
#define P2 0x1.0b4611a600000p-34
#define P3 0x1.3198a2e037073p-69
#define TWO_OVER_PI 0x1.45f306dc9c883p-1
#define TRIG_FAST(x) (fabs(x) < 1e6)

/* y = sin(x) (q = 0) or cos(x) (q = 1) on the fast path; returns non-zero
   if some x was outside it.  One body, compiled for each instruction set;
   the AVX versions clear the upper register halves on the way out (see
   exp_fast_avx2). */
#define SIN_POLY(z)                                                                   \
  (-0x1.5555555555555p-3 + (z) * (0x1.1111111111110p-7 + (z) * (-0x1.a01a01a019938p-13 + \
   (z) * (0x1.71de3a546095bp-19 + (z) * (-0x1.ae645412c560cp-26 +                    \
   (z) * (0x1.61217f0b800d5p-33 + (z) * -0x1.ab17d404de5b3p-41))))))
#define COS_POLY(z)                                                                   \
  (0x1.5555555555555p-5 + (z) * (-0x1.6c16c16c16967p-10 + (z) * (0x1.a01a019f4eb01p-16 + \
   (z) * (-0x1.27e4fa17da09ep-22 + (z) * (0x1.1eeb68e93b64cp-29 +                    \
   (z) * -0x1.907da367a37cbp-37)))))

#define TRIG_KERNEL(NAME, ATTR, EPILOGUE)                                               \
  ATTR static int NAME(double *restrict y, const double *restrict x, int n, int q) {    \
    int special = 0;                                                                    \
    for (int i = 0; i < n; i++) {                                                       \
      double xi = x[i], kd = xi * TWO_OVER_PI + 0x1.8p52, r1, w, hi, t, lo, z, s, c, u; \
      uint64_t kb, hb, sb, cb, odd, zero, rb;                                                     \
      memcpy(&kb, &kd, sizeof kb);                                                      \
      kd -= 0x1.8p52;                                                                   \
      r1 = xi - kd * P1;                                                                \
      w = kd * P2;                                                                      \
      hi = r1 - w;                          /* TwoSum: hi + lo = r1 - w */              \
      t = hi - r1;                                                                      \
      lo = (r1 - (hi - t)) - (w + t);                                                   \
      lo -= kd * P3;                                                                    \
      t = hi + lo;                          /* Fast2Sum: |lo| <= ulp(hi) / 2 */         \
      lo -= t - hi;                                                                     \
      hi = kd == 0 ? xi : t;                /* no reduction keeps -0 */                 \
      special |= (!TRIG_FAST(xi)) | ((fabs(hi) < 0x1p-40) & (kd != 0));                 \
      z = hi * hi;                                                                      \
      s = hi + (lo * (1 - 0.5 * z) + hi * z * SIN_POLY(z));                             \
      memcpy(&hb, &hi, sizeof hb);                                                      \
      memcpy(&sb, &s, sizeof sb);                                                       \
      zero = 0 - (uint64_t)(hb << 1 == 0);   /* sin(+-0) = +-0 */                       \
      sb = (hb & zero) | (sb & ~zero);                                                  \
      u = 1 - 0.5 * z;                                                                  \
      c = u + (((1 - u) - 0.5 * z) + (z * z * COS_POLY(z) - hi * lo));                  \
      /* the quadrant without branches, so that every set vectorises it */              \
      kb += (uint64_t)q;                    /* cos x = sin(x + pi/2) */                 \
      memcpy(&cb, &c, sizeof cb);                                                       \
      odd = 0 - (kb & 1);                                                               \
      rb = ((cb & odd) | (sb & ~odd)) ^ ((kb & 2) << 62);   /* 2 and 3 negate */        \
      memcpy(&t, &rb, sizeof t);                                                        \
      y[i] = t;                                                                         \
    }                                                                                   \
    EPILOGUE;                                                                           \
    return special;                                                                     \
  }

TRIG_KERNEL(trig_fast, , (void)0)
#ifdef HAVE_AVX2_VARIANT
TRIG_KERNEL(trig_fast_avx2, __attribute__((target("avx2"))), _mm256_zeroupper())
TRIG_KERNEL(trig_fast_avx512, __attribute__((target("avx512f"))), _mm256_zeroupper())
#endif

#define TRIG_PAIR(SUFFIX, KERNEL)                                                           \
  static int sin_fast##SUFFIX(double *restrict y, const double *restrict x, int n) {       \
    return KERNEL(y, x, n, 0);                                                               \
  }                                                                                          \
  static int cos_fast##SUFFIX(double *restrict y, const double *restrict x, int n) {       \
    return KERNEL(y, x, n, 1);                                                               \
  }
TRIG_PAIR(, trig_fast)
#ifdef HAVE_AVX2_VARIANT
TRIG_PAIR(_avx2, trig_fast_avx2)
TRIG_PAIR(_avx512, trig_fast_avx512)
#endif

/* Drivers ------------------------------------------------------------------------ */

#ifdef HAVE_AVX2_VARIANT
#define EXP_AVX2 exp_fast_avx2
#define EXP_AVX512 exp_fast_avx512
#define LOG_AVX2 log_fast_avx2
#define LOG_AVX512 log_fast_avx512
#define SIN_AVX2 sin_fast_avx2
#define SIN_AVX512 sin_fast_avx512
#define COS_AVX2 cos_fast_avx2
#define COS_AVX512 cos_fast_avx512
#else
#define EXP_AVX2 NULL
#define EXP_AVX512 NULL
#define LOG_AVX2 NULL
#define LOG_AVX512 NULL
#define SIN_AVX2 NULL
#define SIN_AVX512 NULL
#define COS_AVX2 NULL
#define COS_AVX512 NULL
#endif

typedef int (*kernel)(double *restrict, const double *restrict, int);

static int exp_ok(double x) { return EXP_FAST(x); }
static int log_ok(double x) { return LOG_FAST(x); }
/* The kernel's own test, recomputed for one input: beyond 1e6, or within
   2^-40 of a nonzero multiple of pi/2, libm answers. */
static int trig_ok(double x) {
  if (!TRIG_FAST(x)) return 0;
  double kd = x * TWO_OVER_PI + 0x1.8p52 - 0x1.8p52;
  return kd == 0 || fabs((x - kd * P1) - kd * P2) >= 0x1p-40;
}

/* y = f(x) for n doubles in blocks: the kernel, then libm for the inputs
   outside its range.  In place (y == x) each block is copied first, since
   the kernels take distinct arrays and the libm pass needs the inputs. */
static void run(double *y, const double *x, int64_t n, kernel fast, int (*ok)(double),
                double (*libm)(double)) {
  double in[BLOCK];
  for (int64_t s = 0; s < n; s += BLOCK) {
    int m = n - s < BLOCK ? (int)(n - s) : BLOCK;
    const double *xs = x + s;
    if (y == x) {
      memcpy(in, xs, sizeof(double) * (size_t)m);
      xs = in;
    }
    if (fast(y + s, xs, m))
      for (int i = 0; i < m; i++)
        if (!ok(xs[i])) y[s + i] = libm(xs[i]);
  }
}

/* The widest kernel this CPU runs (cpu_level is 0 where there are none). */
static kernel pick(kernel portable, kernel avx2, kernel avx512) {
  return cpu_level == 2 ? avx512 : cpu_level == 1 ? avx2 : portable;
}

void gb_vexp(double *y, const double *x, int64_t n) {
  run(y, x, n, pick(exp_fast, EXP_AVX2, EXP_AVX512), exp_ok, exp);
}

void gb_vlog(double *y, const double *x, int64_t n) {
  run(y, x, n, pick(log_fast, LOG_AVX2, LOG_AVX512), log_ok, log);
}

void gb_vsin(double *y, const double *x, int64_t n) {
  run(y, x, n, pick(sin_fast, SIN_AVX2, SIN_AVX512), trig_ok, sin);
}

void gb_vcos(double *y, const double *x, int64_t n) {
  run(y, x, n, pick(cos_fast, COS_AVX2, COS_AVX512), trig_ok, cos);
}
