/*
** Status strings, the process-wide interrupt flag and deadline, the clock,
** and the progress reporter hook.
*/
#include <stdatomic.h>
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
};

const char *gb_strstatus(int status) {
  if (status < 0 || status >= GB_NSTATUS) return "unknown status";
  return status_names[status];
}

static atomic_int interrupt_flag;
static _Atomic double deadline;

void gb_interrupt(void) { atomic_store(&interrupt_flag, 1); }
void gb_interrupt_clear(void) { atomic_store(&interrupt_flag, 0); }
int gb_interrupt_pending(void) { return atomic_load_explicit(&interrupt_flag, memory_order_relaxed); }
void gb_set_deadline(double when) { atomic_store(&deadline, when); }
double gb_deadline(void) { return atomic_load(&deadline); }

double gb_clock(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int gb_interrupted(void) {
  double d;
  if (atomic_load_explicit(&interrupt_flag, memory_order_relaxed)) return 1;
  d = atomic_load_explicit(&deadline, memory_order_relaxed);
  if (d > 0 && gb_clock() >= d) {
    gb_interrupt();
    return 1;
  }
  return 0;
}

static gb_progress_fn progress_fn;
static void *progress_ud;
static int progress_depth;   /* nested kernels report only at the outer level */
static int progress_on = 1;

void gb_progress_enable(int on) { progress_on = on; }
int gb_progress_enabled(void) { return progress_on; }

void gb_set_progress(gb_progress_fn fn, void *ud) {
  progress_fn = fn;
  progress_ud = ud;
}

void gb_progress_begin(const char *what, double total) {
  if (progress_depth++ == 0 && progress_fn)
    progress_fn(progress_ud, GB_PROGRESS_BEGIN, what, 0, total);
}

void gb_progress_step(double done) {
  if (progress_depth == 1 && progress_fn && progress_on)
    progress_fn(progress_ud, GB_PROGRESS_STEP, NULL, done, 0);
}

void gb_progress_end(void) {
  if (progress_depth > 0 && --progress_depth == 0 && progress_fn)
    progress_fn(progress_ud, GB_PROGRESS_END, NULL, 0, 0);
}
