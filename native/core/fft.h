/*
** Discrete Fourier transform of complex data of any length, in place:
** X_k = sum_j x_j exp(-2 pi i j k / n).  Powers of two use the iterative
** radix-2 algorithm; other lengths Bluestein's chirp transform on top of
** it (O(n log n) for every n).  Returns GB_OK or GB_ENOMEM.
*/
#ifndef GB_FFT_H
#define GB_FFT_H

#include <stdint.h>

#include "ctx.h"

int gb_dft(gb_ctx *ctx, double *re, double *im, int64_t n);

#endif
