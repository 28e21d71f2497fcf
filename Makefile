# otpsim — build, test and benchmark.
#   make          build bin/otpsim (installs missing Debian packages first, as root)
#   make run      run the default scenario
#   make test     build and run every test (Check suites + CLI/scenario tests)
#   make asan     the same suite under AddressSanitizer + UndefinedBehaviorSanitizer
#   make bench    benchmarks (never part of the tests' pass/fail)
#   make lint     determinism lint: no wall clock or OS randomness in the simulation
# Layers (see docs/architecture.md): sim/kernel <- runtime <- sim <- host; tests/ mirror them.

CC      ?= cc
BUILD   ?= build
BIN     ?= bin
SAN     ?=
OPT     ?= -O2
VERSION := 0.1.0

LUA_CFLAGS = $(shell pkg-config --cflags lua5.4 2>/dev/null)
LUA_LIBS   = $(shell pkg-config --libs lua5.4 2>/dev/null || echo -llua5.4)
CHECK_LIBS = $(shell pkg-config --libs check 2>/dev/null || echo -lcheck -lsubunit -lrt -lm -lpthread)
# viz/: the live view (SDL2, SDL2_ttf) and its PNG frames (zlib)
VIZ_CFLAGS = $(shell pkg-config --cflags sdl2 SDL2_ttf zlib 2>/dev/null || echo -I/usr/include/SDL2 -D_REENTRANT)
VIZ_LIBS   = $(shell pkg-config --libs sdl2 SDL2_ttf zlib 2>/dev/null || echo -lSDL2_ttf -lSDL2 -lz)
# The report tests decode a Chromium screenshot (tests/report/test_report.c).
PNG_LIBS   = $(shell pkg-config --libs libpng 2>/dev/null || echo -lpng16)

WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Werror
CFLAGS  += -std=c11 $(OPT) -g $(WARN) -D_GNU_SOURCE -DOTPSIM_VERSION='"$(VERSION)"' -I. $(LUA_CFLAGS) $(VIZ_CFLAGS) -MMD -MP
ifeq ($(SAN),1)
CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
endif
LDLIBS  += $(LUA_LIBS) $(VIZ_LIBS) -lm

BASE_SRC    := $(wildcard base/*.c)
KERNEL_SRC  := $(wildcard sim/kernel/*.c)
RUNTIME_SRC := $(wildcard runtime/*.c)
SIM_SRC     := $(wildcard sim/*.c)
HOST_SRC    := $(filter-out host/main.c,$(wildcard host/*.c))
VIZ_SRC     := $(wildcard viz/*.c)
LIB_SRC     := $(BASE_SRC) $(KERNEL_SRC) $(RUNTIME_SRC) $(SIM_SRC) $(VIZ_SRC) $(HOST_SRC)
HOST_LUA_SRC := host/lua/nemesis.lua
LUA_LIBS_SRC := runtime/lua/gen.lua runtime/lua/gen_server.lua runtime/lua/sys.lua \
                runtime/lua/supervisor.lua runtime/lua/gen_statem.lua runtime/lua/gen_event.lua \
                runtime/lua/application.lua runtime/lua/net_kernel.lua runtime/lua/global.lua
LUA_LIBS_SRC += runtime/lua/jobs.lua runtime/lua/codel.lua runtime/lua/pobox.lua runtime/lua/fuse.lua runtime/lua/shed.lua
LIB_OBJ     := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/lua_sources.o $(BUILD)/gen/host_lua_sources.o
TEST_SRC    := $(wildcard tests/*/test_*.c) tests/check_main.c tests/testutil.c
TEST_OBJ    := $(TEST_SRC:%.c=$(BUILD)/%.o)
BENCH_SRC   := $(wildcard bench/bench_*.c)
BENCH_BIN   := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)

.PHONY: all deps deps-test run test test-unit asan bench lint clean
all: deps $(BIN)/otpsim

deps:
	@mk/deps.sh build
deps-test:
	@mk/deps.sh test

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

# Behaviours written in Lua are embedded in the binary (order matters: dependencies first).
$(BUILD)/gen/lua_sources.c: $(LUA_LIBS_SRC) mk/embed.sh
	@mkdir -p $(dir $@)
	mk/embed.sh $@ rt_lua_sources $(LUA_LIBS_SRC)
$(BUILD)/gen/lua_sources.o: $(BUILD)/gen/lua_sources.c
	$(CC) $(CFLAGS) -c $< -o $@
# The scenario host's own Lua libraries (the nemesis).
$(BUILD)/gen/host_lua_sources.c: $(HOST_LUA_SRC) mk/embed.sh
	@mkdir -p $(dir $@)
	mk/embed.sh $@ host_lua_sources $(HOST_LUA_SRC)
$(BUILD)/gen/host_lua_sources.o: $(BUILD)/gen/host_lua_sources.c
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/lib.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN)/otpsim: $(BUILD)/host/main.o $(BUILD)/lib.a
	@mkdir -p $(BIN)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The test runner links every suite; suites are found by their constructor's name.
$(BUILD)/tests/suites.inc: $(wildcard tests/*/test_*.c)
	@mkdir -p $(dir $@)
	@grep -ho '^Suite \*suite_[a-z0-9_]*(void)' $^ | sed 's/^Suite \*suite_\([a-z0-9_]*\)(void)/SUITE(\1)/' | sort -u > $@.new
	@cmp -s $@.new $@ || mv $@.new $@; rm -f $@.new
$(BUILD)/tests/check_main.o: $(BUILD)/tests/suites.inc
$(BUILD)/tests/check_main.o: CFLAGS += -I$(BUILD)/tests

$(BUILD)/tests/run_tests: $(TEST_OBJ) $(BUILD)/lib.a
	$(CC) $(LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(PNG_LIBS) $(LDLIBS)

$(BUILD)/bench/%: bench/%.c $(BUILD)/lib.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/lib.a $(LDLIBS)

run: all
	$(BIN)/otpsim run scenarios/quickstart.lua

test: deps-test $(BIN)/otpsim $(BUILD)/tests/run_tests $(BENCH_BIN) lint
	@for b in $(BENCH_BIN); do $$b --quick > /dev/null || { echo "benchmark $$b --quick failed"; exit 1; }; done
	OTPSIM_BIN=$(BIN)/otpsim $(BUILD)/tests/run_tests

# mk/lsan.supp: leaks inside system libraries (libdbus, opened by SDL for the live view).
asan:
	LSAN_OPTIONS=suppressions=$(CURDIR)/mk/lsan.supp $(MAKE) BUILD=build/asan BIN=build/asan/bin SAN=1 OPT=-O1 test

bench: deps-test $(BIN)/otpsim $(BENCH_BIN)
	@bench/run.sh $(BUILD)/bench $(BIN)/otpsim

# Determinism lint: the simulation must not read the wall clock or OS randomness. The CLI's
# wall_s figure and --seed random are the only uses, each marked "lint: wall-clock-ok".
lint:
	@bad=$$(grep -rnE '\b(time|clock|gettimeofday|clock_gettime|rand|srand|random|srandom|drand48|arc4random|getrandom|SDL_GetTicks|SDL_GetTicks64)\s*\(' \
	   --include='*.c' --include='*.h' base sim runtime host scenarios | grep -v 'lint: wall-clock-ok' \
	   | grep -vE '^\S+:\s*[0-9]+:\s*(//|\*|/\*)'); \
	 if [ -n "$$bad" ]; then echo "lint: wall clock or OS randomness in the simulation:"; echo "$$bad"; exit 1; fi

clean:
	rm -rf build bin

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
