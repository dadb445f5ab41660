/*
** The progress bar: the reporter that native kernels (and scripts, through
** time.progress_bar) report to via status.h.  Work that runs longer than a
** second shows one line on stderr, redrawn at most ten times a second:
**
**   simulate  [##########..........]  50%  1.2e+04/s  2 s left
**
** and the line is cleared when the work ends.  Nothing is drawn unless
** stderr is a terminal and progress is on (GIBBS_PROGRESS=0 or
** time.progress(false) turn it off).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "interp.h"
#include "ctx.h"

#define SHOW_AFTER 1.0       /* seconds before a bar appears */
#define REDRAW_EVERY 0.1

typedef struct bar {
  char what[32];
  double total, t0, last;
  int shown;
} bar;

static bar current;

size_t gibbs_progress_line(char *buf, size_t n, const char *what, double done,
                           double total, double elapsed, int width) {
  double f = total > 0 ? done / total : 0;
  if (f < 0) f = 0;
  if (f > 1) f = 1;
  char cells[64];
  if (width > (int)sizeof cells - 1) width = (int)sizeof cells - 1;
  int full = (int)(f * width + 0.5);
  for (int i = 0; i < width; i++) cells[i] = i < full ? '#' : '.';
  cells[width] = 0;
  double rate = elapsed > 0 ? done / elapsed : 0;
  char left[32] = "";
  if (rate > 0 && total > done) {
    double s = (total - done) / rate;
    if (s < 120) snprintf(left, sizeof left, "  %.0f s left", s);
    else if (s < 7200) snprintf(left, sizeof left, "  %.0f min left", s / 60);
    else snprintf(left, sizeof left, "  %.1f h left", s / 3600);
  }
  return (size_t)snprintf(buf, n, "%-10.10s [%s] %3.0f%%  %.2g/s%s", what, cells, f * 100, rate, left);
}

static void report(void *ud, int event, const char *what, double done, double total) {
  (void)ud;
  double now = gb_clock();
  char line[160];
  switch (event) {
    case GB_PROGRESS_BEGIN:
      snprintf(current.what, sizeof current.what, "%s", what ? what : "");
      current.total = total;
      current.t0 = current.last = now;
      current.shown = 0;
      break;
    case GB_PROGRESS_STEP:
      if (now - current.t0 < SHOW_AFTER || now - current.last < REDRAW_EVERY) return;
      current.last = now;
      gibbs_progress_line(line, sizeof line, current.what, done, current.total, now - current.t0, 20);
      fprintf(stderr, "\r%s\033[K", line);
      fflush(stderr);
      current.shown = 1;
      break;
    default:
      if (current.shown) { fprintf(stderr, "\r\033[K"); fflush(stderr); }
      current.shown = 0;
  }
}

/* The program installs the bar only when stderr is a terminal, so nothing
   is ever drawn into a file or a pipe. */
void gibbs_progress_install(gibbs_State *G) {
  const char *env = getenv("GIBBS_PROGRESS");
  gb_ctx *ctx = gibbs_interp_ctx(G);
  if (!isatty(STDERR_FILENO)) return;
  gb_ctx_progress_enable(ctx, !(env && strcmp(env, "0") == 0));
  gb_ctx_set_progress(ctx, report, NULL);
}
