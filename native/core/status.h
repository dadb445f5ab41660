/*
** Status codes, interruption and progress for the native kernels.
**
** Kernels in native/core know nothing of Lua.  They return a gb_status,
** write into caller-owned buffers, and in long loops call gb_interrupted(),
** which becomes true when Ctrl-C is pressed, a time limit passes or a host
** asks for it.  The binding layer turns a status into a Lua error.
*/
#ifndef GB_STATUS_H
#define GB_STATUS_H

#include <stdint.h>

typedef enum gb_status {
  GB_OK = 0,
  GB_ENOMEM,          /* allocation failed */
  GB_EINTERRUPTED,    /* interrupt flag or deadline */
  GB_EINVAL,          /* an argument out of its domain */
  GB_ESHAPE,          /* shapes that do not fit together */
  GB_EDTYPE,          /* a dtype the kernel does not handle */
  GB_EOVERFLOW,       /* a size that does not fit in 64 bits */
  GB_EIO,             /* a read or write failed (see errno) */
  GB_EFORMAT,         /* malformed input file */
  GB_ESINGULAR,       /* singular matrix */
  GB_ENOTPD,          /* matrix not positive definite */
  GB_ENOCONV,         /* an iteration did not converge */
  GB_ENONFINITE,      /* input holds NaN or infinity where it may not */
  GB_ENOLIB,          /* a library loaded on demand (OpenBLAS) is missing */
  GB_NSTATUS
} gb_status;

/* A short English description, e.g. "interrupted". */
const char *gb_strstatus(int status);

/*
** Interruption.  One flag per process: set asynchronously (signal handler,
** another thread), read cheaply.  A deadline (monotonic seconds, 0 = none)
** makes gb_interrupted() true once it has passed.
*/
void gb_interrupt(void);              /* request an interrupt (async-signal-safe) */
void gb_interrupt_clear(void);
int  gb_interrupt_pending(void);      /* the flag alone, no clock read */
void gb_set_deadline(double when);    /* gb_clock() seconds, 0 = no deadline */
double gb_deadline(void);
int  gb_interrupted(void);            /* flag set or deadline passed */

/* Monotonic clock in seconds (CLOCK_MONOTONIC), nanosecond resolution. */
double gb_clock(void);

/* How often (in elements) a kernel loop should call gb_interrupted(). */
#define GB_CHECK_EVERY 65536

/*
** Progress.  A long kernel reports the fraction done; the installed reporter
** (the interpreter's progress bar, or a host's callback) decides what to show.
** gb_progress_begin returns a token for the other two calls.
*/
typedef void (*gb_progress_fn)(void *ud, int event, const char *what,
                               double done, double total);
enum { GB_PROGRESS_BEGIN, GB_PROGRESS_STEP, GB_PROGRESS_END };
void gb_set_progress(gb_progress_fn fn, void *ud);
void gb_progress_begin(const char *what, double total);
void gb_progress_step(double done);
void gb_progress_end(void);

/* Switch reporting of steps on or off (on by default; the reporter also
   decides for itself, e.g. only on a terminal). */
void gb_progress_enable(int on);
int gb_progress_enabled(void);

#endif
