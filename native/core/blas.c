/*
** Loading OpenBLAS and LAPACKE on first use (see blas.h).  GIBBS_NUM_THREADS,
** when set, becomes OpenBLAS's thread count as soon as it is loaded;
** GIBBS_BLAS_LIBRARY replaces the names OpenBLAS is looked for under.
*/
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "blas.h"

static gb_blas_api api;
static int loaded;
static char error[256];
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* The first of names that opens, or NULL with dlerror's reason in why. */
static void *open_first(const char *const *names, char *why, size_t len) {
  for (; *names; names++) {
    void *h = dlopen(*names, RTLD_NOW | RTLD_GLOBAL);
    if (h) return h;
    const char *e = dlerror();
    snprintf(why, len, "%s", e ? e : *names);
  }
  return NULL;
}

static void load(void) {
  static const char *const blas_names[] = {"libopenblas.so.0", "libopenblas.so", NULL};
  static const char *const lapacke_names[] = {"liblapacke.so.3", "liblapacke.so", NULL};
  const char *chosen[] = {getenv("GIBBS_BLAS_LIBRARY"), NULL};
  char why[192] = "";
  void *blas = open_first(chosen[0] && *chosen[0] ? chosen : blas_names, why, sizeof why);
  void *lapacke = blas ? open_first(lapacke_names, why, sizeof why) : NULL;
  if (!blas || !lapacke) {
    snprintf(error, sizeof error, "cannot load %s: %s (install libopenblas-dev and liblapacke-dev)",
             !blas ? "OpenBLAS" : "LAPACKE", why);
    return;
  }
  int ok = 1;
#define SYM(lib, field, name) \
  ok &= (*(void **)&api.field = dlsym(lib, name)) != NULL
  SYM(blas, dgemm, "cblas_dgemm");
  SYM(blas, sgemm, "cblas_sgemm");
  SYM(blas, dgemv, "cblas_dgemv");
  SYM(blas, sgemv, "cblas_sgemv");
  SYM(blas, set_num_threads, "openblas_set_num_threads");
  SYM(blas, get_num_threads, "openblas_get_num_threads");
  SYM(lapacke, dgesv, "LAPACKE_dgesv");
  SYM(lapacke, dgetrf, "LAPACKE_dgetrf");
  SYM(lapacke, dgetrs, "LAPACKE_dgetrs");
  SYM(lapacke, dpotrf, "LAPACKE_dpotrf");
  SYM(lapacke, dpotrs, "LAPACKE_dpotrs");
  SYM(lapacke, dgeqrf, "LAPACKE_dgeqrf");
  SYM(lapacke, dorgqr, "LAPACKE_dorgqr");
  SYM(lapacke, dgesdd, "LAPACKE_dgesdd");
  SYM(lapacke, dsyevd, "LAPACKE_dsyevd");
  SYM(lapacke, dgeev, "LAPACKE_dgeev");
  SYM(lapacke, dgelsd, "LAPACKE_dgelsd");
#undef SYM
  if (!ok) {
    snprintf(error, sizeof error, "OpenBLAS or LAPACKE lacks a function gibbs needs");
    return;
  }
  const char *env = getenv("GIBBS_NUM_THREADS");
  if (env && atoi(env) >= 1) api.set_num_threads(atoi(env));
  loaded = 1;
}

const gb_blas_api *gb_blas(void) {
  pthread_once(&once, load);
  return loaded ? &api : NULL;
}

const char *gb_blas_error(void) {
  gb_blas();
  return loaded ? "" : error;
}
