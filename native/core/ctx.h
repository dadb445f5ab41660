/*
** The per-state context of the native kernels.
**
** Every gibbs state (and every host that calls native/core directly) owns
** one gb_ctx, and passes it to each kernel that may run long or needs
** scratch memory.  It holds what belongs to one state and not to the
** process: the interrupt flag and the deadline, the progress reporter, the
** thread count, and the account of memory against the state's limit.  Two
** states on two threads never see each other's limits.
**
** A NULL context is allowed everywhere: no interrupts, no progress, no
** limit, OpenMP's default thread count.  C callers that want none of these
** pass NULL.
*/
#ifndef GB_CTX_H
#define GB_CTX_H

#include <stddef.h>

#include "status.h"

typedef struct gb_ctx gb_ctx;

gb_ctx *gb_ctx_new(void);             /* NULL when out of memory */
void gb_ctx_free(gb_ctx *ctx);        /* releases the cached blocks too */

/* Interruption ------------------------------------------------------------ */

/*
** gb_interrupted(ctx) becomes true once gb_ctx_interrupt has been called
** (from a signal handler or another thread) or the deadline has passed; it
** stays true until gb_ctx_clear.  Kernels call it in their long loops, often
** enough that a stop is seen within about 50 ms, and return GB_EINTERRUPTED.
*/
void gb_ctx_interrupt(gb_ctx *ctx);                  /* async-signal-safe */
void gb_ctx_clear(gb_ctx *ctx);                      /* flag and deadline */
void gb_ctx_set_deadline(gb_ctx *ctx, double when);  /* gb_clock() s, 0: none */
double gb_ctx_deadline(const gb_ctx *ctx);
int gb_interrupted(gb_ctx *ctx);
/* After a stop: GB_ETIMEOUT if the deadline passed, else GB_EINTERRUPTED;
   GB_OK while running. */
int gb_ctx_stopped(gb_ctx *ctx);

/* How often (in elements of cheap work) a loop should call gb_interrupted. */
#define GB_CHECK_EVERY 65536

/* Progress ---------------------------------------------------------------- */

/*
** A long kernel reports the fraction done; the context's reporter (the
** interpreter's progress bar, or a host's callback) decides what to show.
** Nested kernels report only at the outermost level.
*/
typedef void (*gb_progress_fn)(void *ud, int event, const char *what,
                               double done, double total);
enum { GB_PROGRESS_BEGIN, GB_PROGRESS_STEP, GB_PROGRESS_END };
void gb_ctx_set_progress(gb_ctx *ctx, gb_progress_fn fn, void *ud);
void gb_ctx_progress_enable(gb_ctx *ctx, int on);    /* steps on or off */
int gb_ctx_progress_enabled(const gb_ctx *ctx);
void gb_progress_begin(gb_ctx *ctx, const char *what, double total);
void gb_progress_step(gb_ctx *ctx, double done);
void gb_progress_end(gb_ctx *ctx);

/* Threads ----------------------------------------------------------------- */

/* The most threads a kernel may use (0: OpenMP's default). */
void gb_ctx_set_threads(gb_ctx *ctx, int n);
int gb_ctx_threads(const gb_ctx *ctx);

/*
** Threads for a parallel loop over `work` units of about `unit` elements of
** cheap arithmetic each: 1 when the work is too small to pay for waking a
** team, else the context's count.  Use as num_threads(gb_threads(...)).
*/
int gb_threads(const gb_ctx *ctx, double work);

/* Memory ------------------------------------------------------------------ */

/*
** The context keeps one account of the state's bytes: what its Lua
** allocator holds (reported by the state through gb_ctx_charge_host) and
** the kernels' scratch (gb_alloc).  With a limit, an allocation that would
** pass it fails: gb_alloc returns NULL, the kernel returns GB_ENOMEM, and
** gb_ctx_limit_hit tells the binding to say "memory limit" rather than
** "not enough memory".
*/
void gb_ctx_set_limit(gb_ctx *ctx, size_t bytes);    /* 0: none */
size_t gb_ctx_limit(const gb_ctx *ctx);
size_t gb_ctx_used(const gb_ctx *ctx);               /* bytes counted now */
size_t gb_ctx_peak(const gb_ctx *ctx);               /* highest since reset */
void gb_ctx_reset_peak(gb_ctx *ctx);
int gb_ctx_limit_hit(const gb_ctx *ctx);             /* since gb_ctx_clear */

/* Count n more bytes (1) or refuse them because of the limit (0), and give
   them back.  gb_ctx_charge is safe from any thread; the _host pair is the
   state's own allocator's, called from the one thread that runs it, and
   costs no atomic read-modify-write. */
int gb_ctx_charge(gb_ctx *ctx, size_t n);
void gb_ctx_discharge(gb_ctx *ctx, size_t n);
int gb_ctx_charge_host(gb_ctx *ctx, size_t n);
void gb_ctx_discharge_host(gb_ctx *ctx, size_t n);

/*
** Scratch memory: GB_ALIGN-aligned, counted, NULL when the limit or the
** system refuses (and for a size that overflows).  Large blocks are kept
** for reuse after gb_free and advised onto huge pages, so a kernel called in
** a loop does not page-fault its work arrays in again on every call.  Any
** thread may allocate and free.
*/
void *gb_alloc(gb_ctx *ctx, size_t n);
void *gb_alloc_n(gb_ctx *ctx, size_t count, size_t size);  /* count * size */
void *gb_zalloc_n(gb_ctx *ctx, size_t count, size_t size); /* zeroed */
void gb_free(gb_ctx *ctx, void *p);                         /* NULL: nothing */

/*
** Big blocks (4 MiB and more) of plain malloc, shared by the scratch
** allocator and the state's: gb_ctx_take returns a cached block of n bytes
** or up to a quarter more (else NULL), which the caller then counts as its
** own n bytes; gb_ctx_keep caches a block being freed (1; the caller stops
** counting it, the cache counts it) or declines (0: free it).  Cached bytes
** count against the limit, and are dropped before a charge is refused.
** gb_ctx_advise asks for huge pages on a fresh big block.
*/
void *gb_ctx_take(gb_ctx *ctx, size_t n);
int gb_ctx_keep(gb_ctx *ctx, void *p, size_t n);
void gb_ctx_drop(gb_ctx *ctx);
void gb_ctx_advise(void *p, size_t n);

#endif
