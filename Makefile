# qendra — build, test, run. See README.md.
#
#   make run     install missing Debian packages, build, open the demo database
#   make test    the same set-up, then every test (unit, end-to-end, sanitizers)
#   make bench   performance figures against the plain sqlite3
#
# Sources are found by wildcard: a new .c file in a module folder is built
# without touching this file. cli/main.c is the only file that sees both the
# TUI and the rest; everything in CORE builds into the unit tests with no
# terminal.

CC      ?= cc
BUILD   ?= build
WARN     = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
           -Wwrite-strings -Wcast-qual -Wundef
CSTD     = -std=c11 -D_GNU_SOURCE -DNCURSES_WIDECHAR=1
OPT     ?= -O2 -g
WERROR  ?= -Werror
CFLAGS_ALL = $(CSTD) $(WARN) $(WERROR) $(OPT) $(SAN) -I. -I/usr/include/iniparser -MMD -MP $(CFLAGS)
LIBS_CORE  = -lsqlite3 -lconfig -liniparser -lsodium -lm
LIBS_TUI   = -lformw -lmenuw -lpanelw -lncursesw -ltinfo

CORE_SRC = $(wildcard util/*.c locale/*.c conf/*.c forms/*.c db/*.c) $(filter-out cli/main.c,$(wildcard cli/*.c))
TUI_SRC  = $(wildcard tui/*.c)
CORE_OBJ = $(CORE_SRC:%.c=$(BUILD)/%.o)
TUI_OBJ  = $(TUI_SRC:%.c=$(BUILD)/%.o)
MAIN_OBJ = $(BUILD)/cli/main.o

UNIT_SRC = $(wildcard tests/unit/test_*.c)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
E2E_SRC  = $(wildcard tests/e2e/test_*.c)
E2E_BIN  = $(E2E_SRC:tests/e2e/%.c=$(BUILD)/tests/e2e_%)
E2E_LIB  = $(BUILD)/tests/e2e/pty.o $(BUILD)/tests/e2e/e2e.o $(BUILD)/util/util.o

.PHONY: all deps run test unit e2e asan bench fuzz format format-check clean demo-db

all: qendra

qendra: $(BUILD)/qendra
	@cp $< $@.tmp && mv -f $@.tmp $@

$(BUILD)/qendra: $(MAIN_OBJ) $(CORE_OBJ) $(TUI_OBJ)
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(LIBS_TUI) $(LIBS_CORE) $(LDFLAGS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c $< -o $@

$(BUILD)/tests/test_%: tests/unit/test_%.c $(CORE_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -o $@ $< $(CORE_OBJ) -lcmocka $(LIBS_CORE) $(LDFLAGS)

$(BUILD)/tests/e2e_%: tests/e2e/%.c $(E2E_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -o $@ $< $(E2E_LIB) -lcmocka -lvterm -lutil -lsqlite3 $(LDFLAGS)

deps:
	@sh scripts/install-deps.sh

# The demo database lives in demo/ (ignored by git); made once, kept after.
DEMO_DB = demo/qendra-demo.db
demo-db: qendra
	@mkdir -p demo
	@test -f $(DEMO_DB) || ./qendra demo --db $(DEMO_DB)

run: deps
	@$(MAKE) --no-print-directory qendra
	@$(MAKE) --no-print-directory demo-db
	@./qendra demo-logins
	@printf 'Press Enter to open qendra on %s ... ' '$(DEMO_DB)'; read _ || true
	./qendra --db $(DEMO_DB)

unit: $(UNIT_BIN)
e2e: qendra $(E2E_BIN)

test: deps
	@$(MAKE) --no-print-directory format-check
	@$(MAKE) --no-print-directory qendra unit e2e
	@$(MAKE) --no-print-directory BUILD=build-asan OPT="-O1 -g -fno-omit-frame-pointer" \
		SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined" unit
	@sh tests/run.sh

bench: deps
	@$(MAKE) --no-print-directory qendra
	@sh bench/bench.sh

# Fuzz the parsers of outside input (configuration, catalogues, form fields)
# with libFuzzer; FUZZ_SECONDS each (default 60). Needs clang.
FUZZ_SECONDS ?= 60
FUZZ_CC      = clang -g -O1 -std=c11 -D_GNU_SOURCE -I. -I/usr/include/iniparser \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
fuzz: deps
	@mkdir -p build/fuzz/corpus-conf build/fuzz/corpus-locale build/fuzz/corpus-forms
	$(FUZZ_CC) tests/fuzz/fuzz_conf.c conf/conf.c util/util.c -lconfig -o build/fuzz/conf
	$(FUZZ_CC) tests/fuzz/fuzz_locale.c locale/loc.c util/util.c -liniparser -o build/fuzz/locale
	$(FUZZ_CC) tests/fuzz/fuzz_forms.c forms/form*.c util/util.c -o build/fuzz/forms
	./build/fuzz/conf -max_total_time=$(FUZZ_SECONDS) build/fuzz/corpus-conf tests/unit/data/conf etc
	./build/fuzz/locale -max_total_time=$(FUZZ_SECONDS) build/fuzz/corpus-locale \
		tests/unit/data/locale/good tests/unit/data/locale/hostile locale
	./build/fuzz/forms -max_total_time=$(FUZZ_SECONDS) -max_len=4096 build/fuzz/corpus-forms

FORMAT_FILES = $(wildcard util/*.[ch] conf/*.[ch] locale/*.[ch] forms/*.[ch] db/*.[ch] cli/*.[ch] tui/*.[ch] \
	tests/unit/*.[ch] tests/e2e/*.[ch] bench/*.[ch])
format:
	clang-format -i $(FORMAT_FILES)
format-check:
	@clang-format --dry-run -Werror $(FORMAT_FILES) && echo "format-check: ok"

clean:
	rm -rf build build-asan qendra tests/out

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
