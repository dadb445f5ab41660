/*
** Status strings and the clock.
*/
#include <time.h>

#include "status.h"

static const char *const status_names[GB_NSTATUS] = {
  "ok",
  "not enough memory",
  "interrupted",
  "invalid argument",
  "shape mismatch",
  "unsupported dtype",
  "size overflow",
  "input/output error",
  "malformed file",
  "matrix is singular",
  "matrix is not positive definite",
  "iteration did not converge",
  "input contains NaN or infinity",
  "OpenBLAS or LAPACKE could not be loaded",
  "time limit exceeded",
  "callback failed",
};

const char *gb_strstatus(int status) {
  if (status < 0 || status >= GB_NSTATUS) return "unknown status";
  return status_names[status];
}

double gb_clock(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
