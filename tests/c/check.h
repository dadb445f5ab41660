/*
** The C tests' assertions, printing the same lines as the Lua tests:
** "ok NAME" or "FAIL NAME: message".  One CHECK failing fails its TEST.
**
**   TEST(opens_and_closes) { ... CHECK(x == 1); ... }
**   int main(void) { RUN(opens_and_closes); return check_exit(); }
*/
#ifndef GIBBS_CHECK_H
#define GIBBS_CHECK_H

#include <math.h>
#include <stdio.h>

static int check_failed_tests, check_current_failed;

#define TEST(name) static void test_##name(void)

#define CHECK(cond) do {                                                        \
    if (!(cond)) {                                                              \
      if (!check_current_failed) printf("FAIL %s: ", check_current_name);       \
      else printf("    ");                                                      \
      printf("%s:%d: %s\n", __FILE__, __LINE__, #cond);                         \
      check_current_failed = 1;                                                 \
    }                                                                           \
  } while (0)

#define CHECK_NEAR(a, b, tol) CHECK(fabs((double)(a) - (double)(b)) <= (tol))

static const char *check_current_name = "";

#define RUN(name) do {                                                          \
    check_current_name = #name;                                                 \
    check_current_failed = 0;                                                   \
    test_##name();                                                              \
    if (check_current_failed) check_failed_tests++;                             \
    else printf("ok %s\n", #name);                                              \
    fflush(stdout);                                                             \
  } while (0)

static inline int check_exit(void) { return check_failed_tests ? 1 : 0; }

#endif
