/*
** Vectorised exp, log, sin and cos over contiguous doubles (see vmath.c):
** within one ulp of the correctly rounded result, several times faster
** than calling libm per element.  y may be x, or an array that does not
** overlap it.
*/
#ifndef GB_VMATH_H
#define GB_VMATH_H

#include <stdint.h>

void gb_vexp(double *y, const double *x, int64_t n);
void gb_vlog(double *y, const double *x, int64_t n);
void gb_vsin(double *y, const double *x, int64_t n);
void gb_vcos(double *y, const double *x, int64_t n);

/* Use kernels up to level most (0 portable, 1 AVX2, 2 AVX-512) and no more
   than the CPU has; returns the previous level.  For tests: every level
   gives the same bits.  Not thread-safe. */
int gb_vmath_level(int most);

#endif
