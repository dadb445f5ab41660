# gibbs: build, test, demo, bench, install.
#
#   make            build build/gibbs, build/libgibbs.{a,so}, build/gibbs.so
#   make demo       install missing Debian packages, build, run scripts/tour.lua
#   make test       install missing Debian packages, build, run every test
#   make bench      compare against NumPy/SciPy in the same run
#   make SANITIZE=1 test    the same under AddressSanitizer + UBSan (in build/asan)
#   make install PREFIX=/usr/local

PREFIX  ?= /usr/local
# Written once, in the public header.
VERSION := $(shell sed -n 's/.*define GIBBS_VERSION "\(.*\)".*/\1/p' interp/gibbs.h)

# The build and the tests: the compiler, the libraries, lua5.4 (the embed
# scripts and the gibbs.so test) and bsdutils (script(1), the REPL's
# terminal in the tests), SUNDIALS (CVODE, the stiff ODE methods) and FFTW
# (every FFT).
DEB_PACKAGES := gcc libc6-dev liblua5.4-dev lua5.4 libopenblas-dev liblapacke-dev \
                libreadline-dev pkg-config bsdutils libsundials-dev libfftw3-dev
BENCH_PACKAGES := python3-numpy python3-scipy python3-sklearn

ifeq ($(SANITIZE),1)
BUILD   ?= build/asan
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
BUILD   ?= build
SANFLAGS :=
endif

LUA_CFLAGS := $(shell pkg-config --cflags lua5.4 2>/dev/null || echo -I/usr/include/lua5.4)
LUA_LIBS   := $(shell pkg-config --libs lua5.4 2>/dev/null || echo -llua5.4)
BLAS_CFLAGS := -I/usr/include/x86_64-linux-gnu/openblas-pthread

# CI builds (.ci/run, with CI=true) turn warnings into errors.
ifeq ($(CI),true)
WERROR  ?= 1
endif

OPT      ?= -O2
CFLAGS   ?= -g $(OPT)
# Kernels get loop vectorisation; math-errno is never read, so let the compiler
# inline sqrt and friends.
CORE_OPT ?= -O3 -fno-math-errno
# Only what gibbs.h marks GIBBS_API is exported from the shared libraries.
# -MMD -MP: each object records the headers it includes (the .d files below).
BASE_CFLAGS := -std=c11 -Wall -Wextra $(if $(filter 1,$(WERROR)),-Werror) -fPIC -fopenmp \
               -fvisibility=hidden -D_GNU_SOURCE -MMD -MP
# Include paths per layer: core sees no Lua header, so a core file that
# includes lua.h does not build.
CORE_INC   := -Inative/core $(BLAS_CFLAGS)
BIND_INC   := $(CORE_INC) -Inative/lua $(LUA_CFLAGS)
INTERP_INC := $(BIND_INC) -Iinterp
SUNDIALS_LIBS := -lsundials_cvode -lsundials_nvecserial -lsundials_sunmatrixdense \
                 -lsundials_sunmatrixband -lsundials_sunlinsolband
FFTW_LIBS := -lfftw3_omp -lfftw3
LIBS     := $(SUNDIALS_LIBS) $(FFTW_LIBS) -lreadline -lm -fopenmp -ldl -lpthread

CORE_SRC   := $(sort $(wildcard native/core/*.c))
BIND_SRC   := $(sort $(wildcard native/lua/*.c))
INTERP_SRC := $(filter-out interp/main.c interp/repl.c interp/luamod.c,$(sort $(wildcard interp/*.c)))
STDLIB     := $(sort $(wildcard stdlib/*.lua))
DOCS       := $(sort $(wildcard docs/*.md))

CORE_OBJ   := $(CORE_SRC:%.c=$(BUILD)/obj/%.o)
BIND_OBJ   := $(BIND_SRC:%.c=$(BUILD)/obj/%.o)
INTERP_OBJ := $(INTERP_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/embedded.o
LIB_OBJ    := $(CORE_OBJ) $(BIND_OBJ) $(INTERP_OBJ)

C_TESTS    := $(patsubst tests/c/%.c,$(BUILD)/tests/%,$(sort $(wildcard tests/c/test_*.c)))

.PHONY: all deps demo test bench bench-deps install clean fuzz fuzz-npy fuzz-api

all: $(BUILD)/gibbs $(BUILD)/libgibbs.a $(BUILD)/libgibbs.so $(BUILD)/gibbs.so \
     $(BUILD)/gibbs.pc $(BUILD)/embed-host $(C_TESTS)

# Install what is missing, and nothing when everything is there.
deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "make deps: installing$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

bench-deps: deps
	@missing=""; for p in $(BENCH_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "make bench-deps: installing$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

demo: deps
	@$(MAKE) --no-print-directory all
	$(BUILD)/gibbs scripts/tour.lua

test: deps
	@$(MAKE) --no-print-directory all
	GIBBS_BUILD=$(BUILD) SANITIZE=$(SANITIZE) $(BUILD)/gibbs tests/run.lua

bench: bench-deps
	@$(MAKE) --no-print-directory all
	GIBBS_BUILD=$(BUILD) sh scripts/bench/run.sh

# Objects --------------------------------------------------------------------

$(BUILD)/obj/native/core/%.o: native/core/%.c $(BUILD)/obj/native/core/%.d
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(CORE_INC) $(SANFLAGS) $(CFLAGS) $(CORE_OPT) -c $< -o $@

$(BUILD)/obj/native/lua/%.o: native/lua/%.c $(BUILD)/obj/native/lua/%.d
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(BIND_INC) $(SANFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/obj/interp/%.o: interp/%.c $(BUILD)/obj/interp/%.d
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(INTERP_INC) $(SANFLAGS) $(CFLAGS) -c $< -o $@

# The Lua standard library and the docs (the source of help texts) are
# compiled into the program, so gibbs needs no files at run time.
$(BUILD)/gen/embedded.c: interp/embed.lua $(STDLIB) $(DOCS)
	@mkdir -p $(dir $@)
	lua5.4 interp/embed.lua $@ $(STDLIB) $(DOCS)

$(BUILD)/obj/embedded.o: $(BUILD)/gen/embedded.c $(BUILD)/obj/embedded.d
	$(CC) $(BASE_CFLAGS) $(INTERP_INC) $(SANFLAGS) $(CFLAGS) -c $< -o $@

# Products -------------------------------------------------------------------

$(BUILD)/libgibbs.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/libgibbs.so: $(LIB_OBJ)
	$(CC) -shared $(SANFLAGS) -o $@ $^ $(LUA_LIBS) $(LIBS)

# For a stock lua5.4: the interpreter already holds the Lua API, so it is not
# linked in again.  lua_close unloads C modules, but OpenMP's idle worker
# threads still run code of this library then: -z nodelete keeps it mapped
# until the process ends.
$(BUILD)/gibbs.so: $(LIB_OBJ) $(BUILD)/obj/interp/luamod.o
	$(CC) -shared -Wl,-z,nodelete $(SANFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/gibbs: $(BUILD)/obj/interp/main.o $(BUILD)/obj/interp/repl.o $(BUILD)/libgibbs.a
	$(CC) $(SANFLAGS) -o $@ $^ $(LUA_LIBS) $(LIBS)

$(BUILD)/gibbs.pc: Makefile interp/gibbs.h
	@mkdir -p $(dir $@)
	@printf '%s\n' 'prefix=$(PREFIX)' 'libdir=$${prefix}/lib' 'includedir=$${prefix}/include' '' \
	  'Name: gibbs' 'Description: Lua 5.4 for information-theoretic and stochastic analysis' \
	  'Version: $(VERSION)' 'Requires: lua5.4' \
	  'Libs: -L$${libdir} -lgibbs' 'Libs.private: $(LIBS)' \
	  'Cflags: -I$${includedir} $(LUA_CFLAGS)' > $@

# The example host program of the embedding guide, which sees gibbs.h only.
$(BUILD)/embed-host: scripts/embed/host.c $(BUILD)/obj/embed-host.d $(BUILD)/libgibbs.a
	@mkdir -p $(BUILD)/obj
	$(CC) $(BASE_CFLAGS) -MF $(BUILD)/obj/embed-host.d -Iinterp $(LUA_CFLAGS) $(SANFLAGS) $(CFLAGS) -o $@ $< \
	  $(BUILD)/libgibbs.a $(LUA_LIBS) $(LIBS)

# C tests call core and binding functions directly (libgibbs.a is linked
# statically, so hidden symbols are reachable).
$(BUILD)/tests/%: tests/c/%.c $(BUILD)/obj/tests/%.d $(BUILD)/libgibbs.a
	@mkdir -p $(dir $@) $(BUILD)/obj/tests
	$(CC) $(BASE_CFLAGS) -MF $(BUILD)/obj/tests/$*.d $(INTERP_INC) -Itests/c $(SANFLAGS) $(CFLAGS) -o $@ $< \
	  $(BUILD)/libgibbs.a $(LUA_LIBS) $(LIBS) -lutil

# An output whose .d file is missing (a fresh build, or one made before the
# .d files) is rebuilt, since nothing then says which headers it used.
%.d: ;
.PRECIOUS: %.d
-include $(LIB_OBJ:.o=.d) $(BUILD)/obj/interp/main.d $(BUILD)/obj/interp/repl.d \
  $(BUILD)/obj/interp/luamod.d $(BUILD)/obj/embed-host.d $(C_TESTS:$(BUILD)/tests/%=$(BUILD)/obj/tests/%.d)

# Fuzzing ---------------------------------------------------------------------
#   make fuzz        both fuzzers below
#   make fuzz-npy    the .npy reader under clang's libFuzzer, FUZZ_SECONDS (60)
#   make fuzz-api    tests/fuzz/api.lua on the ASan+UBSan build: FUZZ_CALLS
#                    calls, or FUZZ_SECONDS (60) seconds; FUZZ_SEED to replay

fuzz: fuzz-npy fuzz-api

fuzz-npy: deps
	@command -v clang >/dev/null || (apt-get update -qq && apt-get install -y -qq --no-install-recommends clang)
	@mkdir -p build/fuzz/corpus
	clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -Inative/core \
	  tests/fuzz/fuzz_npy.c native/core/npy.c native/core/ndarray.c native/core/ctx.c native/core/status.c -o build/fuzz/fuzz_npy -lm
	build/fuzz/fuzz_npy -max_total_time=$${FUZZ_SECONDS:-60} build/fuzz/corpus tests/fuzz/corpus_npy

fuzz-api: deps
	@$(MAKE) --no-print-directory SANITIZE=1 build/asan/gibbs
	build/asan/gibbs tests/fuzz/api.lua $(if $(FUZZ_CALLS),--calls $(FUZZ_CALLS),--seconds $${FUZZ_SECONDS:-60}) $(if $(FUZZ_SEED),--seed $(FUZZ_SEED))

# Install --------------------------------------------------------------------

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include \
	  $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/lib/lua/5.4
	install -m 755 $(BUILD)/gibbs $(DESTDIR)$(PREFIX)/bin/gibbs
	install -m 644 $(BUILD)/libgibbs.a $(DESTDIR)$(PREFIX)/lib/libgibbs.a
	install -m 755 $(BUILD)/libgibbs.so $(DESTDIR)$(PREFIX)/lib/libgibbs.so
	install -m 755 $(BUILD)/gibbs.so $(DESTDIR)$(PREFIX)/lib/lua/5.4/gibbs.so
	install -m 644 interp/gibbs.h $(DESTDIR)$(PREFIX)/include/gibbs.h
	sed 's|^prefix=.*|prefix=$(PREFIX)|' $(BUILD)/gibbs.pc > $(DESTDIR)$(PREFIX)/lib/pkgconfig/gibbs.pc

clean:
	rm -rf build
