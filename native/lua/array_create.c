/*
** array: create (being written).
*/
#include "internal.h"

void gbL_array_create(lua_State *L, int mod, int meth) {
  (void)L; (void)mod; (void)meth;
}
