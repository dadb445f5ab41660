/*
** Status codes of the native kernels.
**
** Kernels in native/core know nothing of Lua.  They return a gb_status,
** write into caller-owned buffers or the context's scratch memory, and in
** long loops ask their context (ctx.h) whether to stop.  The binding layer
** turns a status into a Lua error.
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
  GB_ETIMEOUT,        /* the context's deadline passed */
  GB_ECALLBACK,       /* a user callback failed (the binding keeps why) */
  GB_NSTATUS
} gb_status;

/* A short English description, e.g. "interrupted". */
const char *gb_strstatus(int status);

/* Monotonic clock in seconds (CLOCK_MONOTONIC), nanosecond resolution. */
double gb_clock(void);

/* Interruption, progress, threads and scratch memory: ctx.h. */

#endif
