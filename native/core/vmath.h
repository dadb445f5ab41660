/*
** Vectorised exp and log over contiguous doubles (see vmath.c): within
** one ulp of the correctly rounded result, several times faster than
** calling libm per element.  y may be x.
*/
#ifndef GB_VMATH_H
#define GB_VMATH_H

#include <stdint.h>

void gb_vexp(double *y, const double *x, int64_t n);
void gb_vlog(double *y, const double *x, int64_t n);

#endif
