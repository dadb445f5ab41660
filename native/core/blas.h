/*
** OpenBLAS and LAPACKE, loaded on first use.
**
** Loading OpenBLAS initialises its thread pool and buffers, which costs a
** few milliseconds: more than the rest of gibbs's start-up.  So the
** libraries are opened with dlopen the first time a kernel needs them, and
** scripts that never touch linear algebra never pay for them.  Call sites
** use the GB_BLAS(...) table; gb_blas() returns NULL (and gb_blas_error()
** says why) when the libraries cannot be loaded.
**
** GIBBS_BLAS_LIBRARY, when set, names the OpenBLAS library to open instead
** of the system's (a path or a soname): a way to try another build, and
** the tests' way to see what users see when loading fails.
*/
#ifndef GB_BLAS_H
#define GB_BLAS_H

#include <cblas.h>
#include <lapacke.h>

typedef struct gb_blas_api {
  __typeof__(cblas_dgemm) *dgemm;
  __typeof__(cblas_sgemm) *sgemm;
  __typeof__(cblas_dgemv) *dgemv;
  __typeof__(cblas_sgemv) *sgemv;
  __typeof__(openblas_set_num_threads) *set_num_threads;
  __typeof__(openblas_get_num_threads) *get_num_threads;
  __typeof__(LAPACKE_dgesv) *dgesv;
  __typeof__(LAPACKE_dgetrf) *dgetrf;
  __typeof__(LAPACKE_dgetrs) *dgetrs;
  __typeof__(LAPACKE_dpotrf) *dpotrf;
  __typeof__(LAPACKE_dpotrs) *dpotrs;
  __typeof__(LAPACKE_dgeqrf) *dgeqrf;
  __typeof__(LAPACKE_dorgqr) *dorgqr;
  __typeof__(LAPACKE_dgesdd) *dgesdd;
  __typeof__(LAPACKE_dsyevd) *dsyevd;
  __typeof__(LAPACKE_dgeev) *dgeev;
  __typeof__(LAPACKE_dgelsd) *dgelsd;
} gb_blas_api;

/* The loaded libraries (thread-safe, loads once), or NULL. */
const gb_blas_api *gb_blas(void);

/* At the top of a kernel: the table as `api`, or return GB_ENOLIB. */
#define GB_NEED_BLAS(api) \
  const gb_blas_api *api = gb_blas(); \
  if (!api) return GB_ENOLIB

/* Why gb_blas() failed ("" when it did not). */
const char *gb_blas_error(void);

#endif
