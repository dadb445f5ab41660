/*
** The progress line's format (interp/progress.c) with made-up clocks:
** percent, bar, rate and time left.
*/
#include <string.h>

#include "check.h"
#include "interp.h"

TEST(half_done_line) {
  char buf[160];
  gibbs_progress_line(buf, sizeof buf, "simulate", 500, 1000, 2.0, 20);
  CHECK(strcmp(buf, "simulate   [##########..........]  50%  2.5e+02/s  2 s left") == 0);
}

TEST(edges_and_long_waits) {
  char buf[160];
  gibbs_progress_line(buf, sizeof buf, "x", 0, 10, 1.0, 10);
  CHECK(strstr(buf, "[..........]   0%") != NULL && strstr(buf, "left") == NULL);
  gibbs_progress_line(buf, sizeof buf, "x", 10, 10, 1.0, 10);
  CHECK(strstr(buf, "[##########] 100%") != NULL && strstr(buf, "left") == NULL);
  gibbs_progress_line(buf, sizeof buf, "x", 1, 1000, 10.0, 10);
  CHECK(strstr(buf, "h left") != NULL);                 /* 9990 s */
  gibbs_progress_line(buf, sizeof buf, "a very long name indeed", 1, 2, 1.0, 4);
  CHECK(strncmp(buf, "a very lon [##..]", 17) == 0);
}

int main(void) {
  RUN(half_done_line);
  RUN(edges_and_long_waits);
  return check_exit();
}
