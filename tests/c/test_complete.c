/*
** REPL tab completion (interp/complete.c), without a terminal: globals,
** module fields, nested fields, methods of arrays, generators and
** samplers through their metatables, string methods, and nothing for
** unknown prefixes.
*/
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "gibbs.h"
#include "interp.h"

static gibbs_State *G;

/* Is want among the completions of word? */
static int offers(const char *word, const char *want) {
  int n, found = 0;
  char **c = gibbs_completions(gibbs_lua(G), word, &n);
  for (int i = 0; i < n; i++) {
    if (!strcmp(c[i], want)) found = 1;
    free(c[i]);
  }
  free(c);
  return found;
}

static int count(const char *word) {
  int n;
  char **c = gibbs_completions(gibbs_lua(G), word, &n);
  for (int i = 0; i < n; i++) free(c[i]);
  free(c);
  return n;
}

TEST(globals_and_module_fields) {
  CHECK(offers("pri", "print"));
  CHECK(offers("arr", "array"));
  CHECK(offers("array.ze", "array.zeros"));
  CHECK(offers("array.ze", "array.zeros_like"));
  CHECK(offers("linalg.ch", "linalg.cholesky"));
  CHECK(offers("string.fo", "string.format"));
  CHECK(count("array.ze") == 2);
  CHECK(count("nosuchthing.x") == 0);
  CHECK(count("zzzz") == 0);
}

TEST(methods_through_metatables) {
  CHECK(gibbs_run_string(G, "a = array.zeros(3); g = rng.new(1); s = sample.chain{seed = 1}; t = {inner = {deep = 1}}; str = 'x'",
                         "=setup") == GIBBS_OK);
  CHECK(offers("a:su", "a:sum"));
  CHECK(offers("a:res", "a:reshape"));
  CHECK(offers("g:nor", "g:normal"));
  CHECK(offers("s:sam", "s:sample"));
  CHECK(offers("str:up", "str:upper"));
  CHECK(offers("t.inner.d", "t.inner.deep"));
  CHECK(count("t:") == 0);                 /* a plain table has no methods */
}

int main(void) {
  gibbs_Options o;
  gibbs_options_init(&o);
  G = gibbs_open(&o);
  RUN(globals_and_module_fields);
  RUN(methods_through_metatables);
  gibbs_close(G);
  return check_exit();
}
