/*
** The per-state context: interrupt flag and deadline, progress reporter,
** thread count, and the memory account with its scratch allocator and the
** cache of big blocks.
*/
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "ctx.h"

#define ALIGN 64                   /* GB_ALIGN of ndarray.h */
#define BIG ((size_t)4 << 20)      /* blocks worth caching and huge pages */
#define HUGE_PAGE ((size_t)2 << 20)
#define SLOTS 8
#define CACHE_MAX ((size_t)256 << 20)

struct gb_ctx {
  atomic_int stop;                 /* interrupt requested or deadline passed */
  atomic_int timed_out;            /* the stop came from the deadline */
  _Atomic double deadline;         /* gb_clock() seconds, 0: none */

  gb_progress_fn progress;
  void *progress_ud;
  int progress_depth;
  int progress_on;

  int threads;

  size_t limit;
  size_t host;                     /* the state's own allocator (one thread) */
  atomic_size_t scratch;           /* kernels' blocks and the cache */
  atomic_size_t peak;
  atomic_int limit_hit;

  pthread_mutex_t lock;            /* the cache */
  struct { void *p; size_t size; unsigned long stamp; } cache[SLOTS];
  size_t cached;
  unsigned long stamps;            /* keeps so far: the oldest block goes first */
};

gb_ctx *gb_ctx_new(void) {
  gb_ctx *ctx = calloc(1, sizeof *ctx);
  if (!ctx) return NULL;
  ctx->progress_on = 1;
  pthread_mutex_init(&ctx->lock, NULL);
  return ctx;
}

void gb_ctx_free(gb_ctx *ctx) {
  if (!ctx) return;
  gb_ctx_drop(ctx);
  pthread_mutex_destroy(&ctx->lock);
  free(ctx);
}

/* Interruption ------------------------------------------------------------ */

void gb_ctx_interrupt(gb_ctx *ctx) {
  if (ctx) atomic_store(&ctx->stop, 1);
}

void gb_ctx_clear(gb_ctx *ctx) {
  if (!ctx) return;
  atomic_store(&ctx->deadline, 0.0);
  atomic_store(&ctx->timed_out, 0);
  atomic_store(&ctx->stop, 0);
  atomic_store(&ctx->limit_hit, 0);
}

void gb_ctx_set_deadline(gb_ctx *ctx, double when) {
  if (ctx) atomic_store(&ctx->deadline, when);
}

double gb_ctx_deadline(const gb_ctx *ctx) {
  return ctx ? atomic_load(&((gb_ctx *)ctx)->deadline) : 0;
}

int gb_interrupted(gb_ctx *ctx) {
  double d;
  if (!ctx) return 0;
  if (atomic_load_explicit(&ctx->stop, memory_order_relaxed)) return 1;
  d = atomic_load_explicit(&ctx->deadline, memory_order_relaxed);
  if (d > 0 && gb_clock() >= d) {
    atomic_store(&ctx->timed_out, 1);
    atomic_store(&ctx->stop, 1);
    return 1;
  }
  return 0;
}

int gb_ctx_stopped(gb_ctx *ctx) {
  if (!gb_interrupted(ctx)) return GB_OK;
  return atomic_load(&ctx->timed_out) ? GB_ETIMEOUT : GB_EINTERRUPTED;
}

/* Progress ---------------------------------------------------------------- */

void gb_ctx_set_progress(gb_ctx *ctx, gb_progress_fn fn, void *ud) {
  ctx->progress = fn;
  ctx->progress_ud = ud;
}

void gb_ctx_progress_enable(gb_ctx *ctx, int on) { if (ctx) ctx->progress_on = on; }
int gb_ctx_progress_enabled(const gb_ctx *ctx) { return ctx && ctx->progress_on; }

void gb_progress_begin(gb_ctx *ctx, const char *what, double total) {
  if (ctx && ctx->progress_depth++ == 0 && ctx->progress)
    ctx->progress(ctx->progress_ud, GB_PROGRESS_BEGIN, what, 0, total);
}

void gb_progress_step(gb_ctx *ctx, double done) {
  if (ctx && ctx->progress_depth == 1 && ctx->progress && ctx->progress_on)
    ctx->progress(ctx->progress_ud, GB_PROGRESS_STEP, NULL, done, 0);
}

void gb_progress_end(gb_ctx *ctx) {
  if (ctx && ctx->progress_depth > 0 && --ctx->progress_depth == 0 && ctx->progress)
    ctx->progress(ctx->progress_ud, GB_PROGRESS_END, NULL, 0, 0);
}

/* Threads ----------------------------------------------------------------- */

void gb_ctx_set_threads(gb_ctx *ctx, int n) { if (ctx) ctx->threads = n > 0 ? n : 0; }

int gb_ctx_threads(const gb_ctx *ctx) {
  if (ctx && ctx->threads > 0) return ctx->threads;
#ifdef _OPENMP
  return omp_get_max_threads();
#else
  return 1;                        /* a build without OpenMP (the fuzz targets) */
#endif
}

/* Below this much cheap work, waking a team costs more than it saves. */
#define PARALLEL_MIN 32768.0

int gb_threads(const gb_ctx *ctx, double work) {
  return work < PARALLEL_MIN ? 1 : gb_ctx_threads(ctx);
}

/* Memory ------------------------------------------------------------------ */

void gb_ctx_set_limit(gb_ctx *ctx, size_t bytes) { if (ctx) ctx->limit = bytes; }
size_t gb_ctx_limit(const gb_ctx *ctx) { return ctx ? ctx->limit : 0; }
int gb_ctx_limit_hit(const gb_ctx *ctx) { return ctx && atomic_load(&((gb_ctx *)ctx)->limit_hit); }

/* The host's count is written by one thread only; others read it as it is. */
static size_t host_bytes(const gb_ctx *ctx) {
  return __atomic_load_n(&ctx->host, __ATOMIC_RELAXED);
}

size_t gb_ctx_used(const gb_ctx *ctx) {
  return ctx ? host_bytes(ctx) + atomic_load(&((gb_ctx *)ctx)->scratch) : 0;
}

size_t gb_ctx_peak(const gb_ctx *ctx) { return ctx ? atomic_load(&((gb_ctx *)ctx)->peak) : 0; }
void gb_ctx_reset_peak(gb_ctx *ctx) { if (ctx) atomic_store(&ctx->peak, gb_ctx_used(ctx)); }

static void note_peak(gb_ctx *ctx, size_t now) {
  size_t p = atomic_load_explicit(&ctx->peak, memory_order_relaxed);
  while (now > p && !atomic_compare_exchange_weak(&ctx->peak, &p, now)) {}
}

static int fits(const gb_ctx *ctx, size_t used, size_t n) {
  return !ctx->limit || (n <= ctx->limit && used <= ctx->limit - n);
}

/* Count n scratch bytes unless that passes the limit. */
static int try_charge(gb_ctx *ctx, size_t n) {
  size_t s = atomic_load_explicit(&ctx->scratch, memory_order_relaxed);
  do {
    if (!fits(ctx, host_bytes(ctx) + s, n)) return 0;
  } while (!atomic_compare_exchange_weak(&ctx->scratch, &s, s + n));
  note_peak(ctx, host_bytes(ctx) + s + n);
  return 1;
}

/* A charge refused: cached blocks make room first, then the limit is hit. */
static int refused(gb_ctx *ctx, int (*retry)(gb_ctx *, size_t), size_t n) {
  if (ctx->cached) {
    gb_ctx_drop(ctx);
    if (retry(ctx, n)) return 1;
  }
  atomic_store(&ctx->limit_hit, 1);
  return 0;
}

int gb_ctx_charge(gb_ctx *ctx, size_t n) {
  if (!ctx) return 1;
  if (!ctx->limit) {
    note_peak(ctx, host_bytes(ctx) + atomic_fetch_add(&ctx->scratch, n) + n);
    return 1;
  }
  return try_charge(ctx, n) || refused(ctx, try_charge, n);
}

void gb_ctx_discharge(gb_ctx *ctx, size_t n) {
  if (ctx) atomic_fetch_sub(&ctx->scratch, n);
}

static int try_charge_host(gb_ctx *ctx, size_t n) {
  size_t used = ctx->host + atomic_load_explicit(&ctx->scratch, memory_order_relaxed);
  if (!fits(ctx, used, n)) return 0;
  __atomic_store_n(&ctx->host, ctx->host + n, __ATOMIC_RELAXED);
  if (used + n > atomic_load_explicit(&ctx->peak, memory_order_relaxed)) note_peak(ctx, used + n);
  return 1;
}

int gb_ctx_charge_host(gb_ctx *ctx, size_t n) {
  return try_charge_host(ctx, n) || refused(ctx, try_charge_host, n);
}

void gb_ctx_discharge_host(gb_ctx *ctx, size_t n) {
  __atomic_store_n(&ctx->host, ctx->host - n, __ATOMIC_RELAXED);
}

/* The cache of big blocks: a freed block is kept when a later request of
   its size (or up to a quarter less) may take it.  Cached bytes are
   counted as scratch. */
void *gb_ctx_take(gb_ctx *ctx, size_t n) {
  void *p = NULL;
  if (!ctx || n < BIG || !ctx->cached) return NULL;
  pthread_mutex_lock(&ctx->lock);
  for (int i = 0; i < SLOTS; i++)
    if (ctx->cache[i].p && ctx->cache[i].size >= n && ctx->cache[i].size - n <= n / 4) {
      p = ctx->cache[i].p;
      ctx->cache[i].p = NULL;
      ctx->cached -= ctx->cache[i].size;
      atomic_fetch_sub(&ctx->scratch, ctx->cache[i].size);
      break;
    }
  pthread_mutex_unlock(&ctx->lock);
  return p;
}

/* Take slot i's block out of the cache into out[*nout]. */
static void evict(gb_ctx *ctx, int i, void **out, size_t *outsize, int *nout) {
  out[*nout] = ctx->cache[i].p;
  outsize[(*nout)++] = ctx->cache[i].size;
  ctx->cached -= ctx->cache[i].size;
  ctx->cache[i].p = NULL;
}

static int oldest(const gb_ctx *ctx) {
  int o = -1;
  for (int i = 0; i < SLOTS; i++)
    if (ctx->cache[i].p && (o < 0 || ctx->cache[i].stamp < ctx->cache[o].stamp)) o = i;
  return o;
}

int gb_ctx_keep(gb_ctx *ctx, void *p, size_t n) {
  void *out[SLOTS];
  size_t outsize[SLOTS];
  int nout = 0, slot = -1;
  if (!ctx || n < BIG || n > CACHE_MAX / 2) return 0;
  pthread_mutex_lock(&ctx->lock);
  /* room for n bytes and a slot, making it from the least recently kept */
  while (ctx->cached + n > CACHE_MAX) evict(ctx, oldest(ctx), out, outsize, &nout);
  for (int i = 0; i < SLOTS && slot < 0; i++) if (!ctx->cache[i].p) slot = i;
  if (slot < 0) {
    slot = oldest(ctx);
    evict(ctx, slot, out, outsize, &nout);
  }
  ctx->cache[slot].p = p;
  ctx->cache[slot].size = n;
  ctx->cache[slot].stamp = ++ctx->stamps;
  ctx->cached += n;
  atomic_fetch_add(&ctx->scratch, n);
  pthread_mutex_unlock(&ctx->lock);
  for (int i = 0; i < nout; i++) {
    free(out[i]);
    gb_ctx_discharge(ctx, outsize[i]);
  }
  return 1;
}

void gb_ctx_drop(gb_ctx *ctx) {
  void *out[SLOTS];
  size_t total = 0;
  int nout = 0;
  if (!ctx) return;
  pthread_mutex_lock(&ctx->lock);
  for (int i = 0; i < SLOTS; i++)
    if (ctx->cache[i].p) {
      out[nout++] = ctx->cache[i].p;
      total += ctx->cache[i].size;
      ctx->cache[i].p = NULL;
    }
  ctx->cached = 0;
  pthread_mutex_unlock(&ctx->lock);
  for (int i = 0; i < nout; i++) free(out[i]);
  gb_ctx_discharge(ctx, total);
}

/* A fresh big block asks for transparent huge pages: one fault per 2 MiB
   instead of one per 4 KiB when it is first written. */
static void advise_huge(void *p, size_t n) {
  uintptr_t lo = ((uintptr_t)p + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
  uintptr_t hi = ((uintptr_t)p + n) & ~(uintptr_t)(HUGE_PAGE - 1);
  if (hi > lo) madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
}

void gb_ctx_advise(void *p, size_t n) {
  if (n >= BIG) advise_huge(p, n);
}

/*
** Scratch blocks carry a header just below the aligned pointer: the start
** of the malloc'd block and its size, so that gb_free can count it back.
*/
typedef struct header { void *raw; size_t size; } header;

void *gb_alloc(gb_ctx *ctx, size_t n) {
  size_t total;
  char *raw;
  uintptr_t p;
  if (n > SIZE_MAX - ALIGN - sizeof(header)) return NULL;
  total = n + ALIGN + sizeof(header);
  if (!gb_ctx_charge(ctx, total)) return NULL;
  raw = gb_ctx_take(ctx, total);
  if (!raw) raw = malloc(total);
  if (!raw && ctx && ctx->cached) {
    gb_ctx_drop(ctx);
    raw = malloc(total);
  }
  if (!raw) {
    gb_ctx_discharge(ctx, total);
    return NULL;
  }
  gb_ctx_advise(raw, total);
  p = ((uintptr_t)raw + sizeof(header) + ALIGN - 1) & ~(uintptr_t)(ALIGN - 1);
  ((header *)p)[-1].raw = raw;
  ((header *)p)[-1].size = total;
  return (void *)p;
}

void *gb_alloc_n(gb_ctx *ctx, size_t count, size_t size) {
  if (size && count > SIZE_MAX / size) return NULL;
  return gb_alloc(ctx, count * size);
}

void *gb_zalloc_n(gb_ctx *ctx, size_t count, size_t size) {
  void *p = gb_alloc_n(ctx, count, size);
  if (p) memset(p, 0, count * size);
  return p;
}

void gb_free(gb_ctx *ctx, void *p) {
  header h;
  if (!p) return;
  h = ((header *)p)[-1];
  if (!(h.size >= BIG && gb_ctx_keep(ctx, h.raw, h.size))) free(h.raw);
  gb_ctx_discharge(ctx, h.size);
}
