/*
** Array headers for the C tests of the kernels: views on the test's own
** memory, fresh zeroed arrays, and element addresses.
*/
#ifndef GIBBS_TEST_ARRAYS_H
#define GIBBS_TEST_ARRAYS_H

#include <stdlib.h>

#include "ndarray.h"

/* A header on caller memory: shape and strides in elements. */
static inline gb_array view(void *data, int dtype, int ndim, const int64_t *shape,
                            const int64_t *estrides) {
  gb_array a;
  size_t es = gb_dtype_size(dtype);
  a.data = data;
  a.dtype = dtype;
  a.ndim = ndim;
  a.size = 1;
  for (int i = 0; i < ndim; i++) {
    a.shape[i] = shape[i];
    a.strides[i] = estrides[i] * (int64_t)es;
    a.size *= shape[i];
  }
  return a;
}

/* A C-contiguous header on new zeroed memory (free its data). */
static inline gb_array fresh(int dtype, int ndim, const int64_t *shape) {
  gb_array a;
  size_t nb;
  gb_array_init(&a, dtype, ndim, shape, &nb);
  a.data = calloc(nb ? nb : 1, 1);
  return a;
}

/* The address of element (i, j) of a 2-D array. */
static inline char *at2(const gb_array *a, int64_t i, int64_t j) {
  return a->data + i * a->strides[0] + j * a->strides[1];
}

#endif
