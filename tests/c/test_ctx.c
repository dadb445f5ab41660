/*
** The per-state context (native/core/ctx.h): the memory account and its
** scratch allocator, interrupts and deadlines, progress nesting, threads;
** and through the embedding API, that two states on two threads keep their
** own limits and that a kernel's status reaches the host.
*/
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "ctx.h"
#include "gibbs.h"

TEST(scratch_is_aligned_counted_and_given_back) {
  gb_ctx *ctx = gb_ctx_new();
  size_t before = gb_ctx_used(ctx);
  char *p = gb_alloc(ctx, 1000), *q = gb_alloc(ctx, 3);
  CHECK(p && q && (uintptr_t)p % 64 == 0 && (uintptr_t)q % 64 == 0);
  CHECK(gb_ctx_used(ctx) >= before + 1003);
  memset(p, 1, 1000);
  gb_free(ctx, p);
  gb_free(ctx, q);
  gb_free(ctx, NULL);
  CHECK(gb_ctx_used(ctx) == before);
  CHECK(gb_ctx_peak(ctx) >= 1003);
  gb_ctx_free(ctx);
}

TEST(a_null_context_allocates_without_limits) {
  double *p = gb_zalloc_n(NULL, 1000, sizeof(double));
  CHECK(p && p[0] == 0 && p[999] == 0);
  gb_free(NULL, p);
  CHECK(gb_alloc_n(NULL, SIZE_MAX / 2, 4) == NULL);   /* count * size overflows */
  CHECK(!gb_interrupted(NULL) && gb_ctx_stopped(NULL) == GB_OK);
}

TEST(the_limit_refuses_scratch_and_says_so) {
  gb_ctx *ctx = gb_ctx_new();
  gb_ctx_set_limit(ctx, 1 << 20);
  void *p = gb_alloc(ctx, 512 << 10);
  CHECK(p != NULL && !gb_ctx_limit_hit(ctx));
  CHECK(gb_alloc(ctx, 600 << 10) == NULL);
  CHECK(gb_ctx_limit_hit(ctx));
  gb_free(ctx, p);
  CHECK(gb_ctx_used(ctx) == 0);
  void *r = gb_alloc(ctx, 900 << 10);                 /* room again */
  CHECK(r != NULL);
  gb_free(ctx, r);
  gb_ctx_clear(ctx);
  CHECK(!gb_ctx_limit_hit(ctx));
  gb_ctx_free(ctx);
}

TEST(big_blocks_are_reused_and_stay_counted) {
  gb_ctx *ctx = gb_ctx_new();
  size_t n = (size_t)8 << 20;
  char *p = gb_alloc(ctx, n);
  CHECK(p != NULL);
  memset(p, 7, n);
  size_t held = gb_ctx_used(ctx);
  gb_free(ctx, p);
  CHECK(gb_ctx_used(ctx) == held);                    /* cached, still counted */
  char *q = gb_alloc(ctx, n);
  CHECK(q == p && gb_ctx_used(ctx) == held);          /* the same block again */
  gb_free(ctx, q);
  gb_ctx_drop(ctx);
  CHECK(gb_ctx_used(ctx) == 0);
  gb_ctx_free(ctx);
}

TEST(a_cached_block_makes_room_under_the_limit) {
  gb_ctx *ctx = gb_ctx_new();
  gb_ctx_set_limit(ctx, (size_t)12 << 20);
  char *p = gb_alloc(ctx, (size_t)8 << 20);
  CHECK(p != NULL);
  gb_free(ctx, p);                                    /* kept in the cache */
  char *q = gb_alloc(ctx, (size_t)5 << 20);           /* too small to reuse it */
  CHECK(q != NULL);                                   /* the cache was dropped */
  gb_free(ctx, q);
  gb_ctx_drop(ctx);
  CHECK(gb_ctx_used(ctx) == 0);
  gb_ctx_free(ctx);
}

static void *charge_many(void *ud) {
  gb_ctx *ctx = ud;
  for (int i = 0; i < 100000; i++) {
    void *p = gb_alloc(ctx, 64);
    gb_free(ctx, p);
  }
  return NULL;
}

TEST(the_account_is_exact_across_threads) {
  gb_ctx *ctx = gb_ctx_new();
  pthread_t t[4];
  for (int i = 0; i < 4; i++) pthread_create(&t[i], NULL, charge_many, ctx);
  for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
  CHECK(gb_ctx_used(ctx) == 0);
  gb_ctx_free(ctx);
}

TEST(interrupts_and_deadlines_are_told_apart) {
  gb_ctx *ctx = gb_ctx_new();
  CHECK(!gb_interrupted(ctx));
  gb_ctx_interrupt(ctx);
  CHECK(gb_interrupted(ctx) && gb_ctx_stopped(ctx) == GB_EINTERRUPTED);
  gb_ctx_clear(ctx);
  CHECK(!gb_interrupted(ctx));
  gb_ctx_set_deadline(ctx, gb_clock() - 1);
  CHECK(gb_interrupted(ctx) && gb_ctx_stopped(ctx) == GB_ETIMEOUT);
  gb_ctx_clear(ctx);
  gb_ctx_set_deadline(ctx, gb_clock() + 3600);
  CHECK(!gb_interrupted(ctx) && gb_ctx_deadline(ctx) > 0);
  gb_ctx_clear(ctx);
  CHECK(gb_ctx_deadline(ctx) == 0);
  gb_ctx_free(ctx);
}

static int events[3];
static void count_event(void *ud, int event, const char *what, double done, double total) {
  (void)ud; (void)what; (void)done; (void)total;
  events[event]++;
}

TEST(progress_reports_the_outermost_kernel_only) {
  gb_ctx *ctx = gb_ctx_new();
  gb_ctx_set_progress(ctx, count_event, NULL);
  gb_progress_begin(ctx, "outer", 10);
  gb_progress_begin(ctx, "inner", 5);
  gb_progress_step(ctx, 1);                           /* inner: not shown */
  gb_progress_end(ctx);
  gb_progress_step(ctx, 2);
  gb_ctx_progress_enable(ctx, 0);
  gb_progress_step(ctx, 3);                           /* switched off */
  gb_progress_end(ctx);
  CHECK(events[GB_PROGRESS_BEGIN] == 1 && events[GB_PROGRESS_STEP] == 1 &&
        events[GB_PROGRESS_END] == 1);
  gb_ctx_free(ctx);
}

TEST(thread_counts_follow_the_work) {
  gb_ctx *ctx = gb_ctx_new();
  CHECK(gb_threads(ctx, 10) == 1);
  gb_ctx_set_threads(ctx, 3);
  CHECK(gb_ctx_threads(ctx) == 3 && gb_threads(ctx, 1e9) == 3);
  gb_ctx_set_threads(ctx, 0);
  CHECK(gb_ctx_threads(ctx) >= 1);
  gb_ctx_free(ctx);
}

/* Two states on two threads ---------------------------------------------- */

typedef struct run { gibbs_State *G; const char *code; int status; int repeat; } run;

static void *run_thread(void *ud) {
  run *r = ud;
  for (int i = 0; i < r->repeat; i++) r->status = gibbs_run_string(r->G, r->code, "=thread");
  return NULL;
}

static void *watchdog(void *ud) {
  gibbs_State *G = ud;
  sleep(20);                 /* only if the time limit failed */
  gibbs_interrupt(G);
  return NULL;
}

TEST(two_states_on_two_threads_keep_their_own_time_limits) {
  gibbs_Options o;
  gibbs_options_init(&o);
  o.time_limit = 1;
  gibbs_State *A = gibbs_open(&o);
  gibbs_options_init(&o);
  gibbs_State *B = gibbs_open(&o);
  /* B finishes short runs all the while A loops: each end of a run of B
     used to clear the one process-wide deadline, A's too */
  run ra = {A, "while true do end", -1, 1};
  run rb = {B, "local s = 0 for i = 1, 1000 do s = s + i end", -1, 3000};
  pthread_t ta, tb, tw;
  pthread_create(&tw, NULL, watchdog, A);
  pthread_create(&ta, NULL, run_thread, &ra);
  pthread_create(&tb, NULL, run_thread, &rb);
  pthread_join(ta, NULL);
  pthread_join(tb, NULL);
  pthread_cancel(tw);
  pthread_join(tw, NULL);
  CHECK(ra.status == GIBBS_EINTERRUPTED);
  CHECK(strstr(gibbs_error(A), "time limit") != NULL);
  CHECK(rb.status == GIBBS_OK);
  gibbs_close(A);
  gibbs_close(B);
}

TEST(interrupting_an_idle_state_leaves_the_other_running) {
  gibbs_State *A = gibbs_open(NULL), *B = gibbs_open(NULL);
  gibbs_interrupt(A);
  CHECK(gibbs_run_string(B, "x = array.ones(1000000):sum()", "=b") == GIBBS_OK);
  CHECK(gibbs_run_string(A, "y = 1", "=a") == GIBBS_OK);   /* a new run starts clean */
  gibbs_close(A);
  gibbs_close(B);
}

TEST(kernel_scratch_counts_against_the_memory_limit) {
  gibbs_Options o;
  gibbs_options_init(&o);
  o.mem_limit = (size_t)64 << 20;
  gibbs_State *G = gibbs_open(&o);
  CHECK(gibbs_run_string(G, "local g = rng.new(1) x = g:standard_normal(1000000) y = x + g:standard_normal(1000000)",
                         "=data") == GIBBS_OK);
  CHECK(gibbs_run_string(G, "return entropy.ksg(x, y)", "=ksg") == GIBBS_ENOMEM);
  CHECK(strstr(gibbs_error(G), "memory limit") != NULL);
  /* the state goes on */
  CHECK(gibbs_run_string(G, "x, y = nil, nil collectgarbage() z = array.ones(10):sum()", "=after")
        == GIBBS_OK);
  gibbs_close(G);
}

TEST(a_scripts_own_message_does_not_choose_the_status) {
  gibbs_State *G = gibbs_open(NULL);
  CHECK(gibbs_run_string(G, "error('not enough memory')", "=e") == GIBBS_ERROR);
  CHECK(gibbs_run_string(G, "error('interrupted')", "=e") == GIBBS_ERROR);
  gibbs_close(G);
}

int main(void) {
  RUN(scratch_is_aligned_counted_and_given_back);
  RUN(a_null_context_allocates_without_limits);
  RUN(the_limit_refuses_scratch_and_says_so);
  RUN(big_blocks_are_reused_and_stay_counted);
  RUN(a_cached_block_makes_room_under_the_limit);
  RUN(the_account_is_exact_across_threads);
  RUN(interrupts_and_deadlines_are_told_apart);
  RUN(progress_reports_the_outermost_kernel_only);
  RUN(thread_counts_follow_the_work);
  RUN(two_states_on_two_threads_keep_their_own_time_limits);
  RUN(interrupting_an_idle_state_leaves_the_other_running);
  RUN(kernel_scratch_counts_against_the_memory_limit);
  RUN(a_scripts_own_message_does_not_choose_the_status);
  return check_exit();
}
