#!/bin/sh
# bench/bench.sh — build bench/bench.c against the core objects and run it
# (`make bench` calls this after building ./qendra).
#
# The compiler flags and libraries are read from the Makefile itself, so the
# bench is built exactly like qendra and the unit tests; the Makefile needs
# no bench rule. The core objects (util, locale, conf, forms, db, cli except
# main.c) and the pty harness are made by the Makefile's own pattern rule.
#
# Environment:
#   BENCH_FAMILIES  families in the demo database (20000)
#   BENCH_OUT       where the database is kept between runs (bench/out)
#   QENDRA_BIN      the binary to measure (./qendra)
# Arguments are passed to the bench: names of measurements (bench --list).
set -eu
cd "$(dirname "$0")/.."

BUILD=${BUILD:-build}
MAKEVARS=$(printf '%s\n' 'bench-print-vars: ; @printf "%s\n%s\n" "$(CC) $(CFLAGS_ALL)" "$(LIBS_CORE)"' \
	| make --no-print-directory -s -f Makefile -f - BUILD="$BUILD" bench-print-vars)
CCFLAGS=$(printf '%s\n' "$MAKEVARS" | sed -n 1p)
LIBS=$(printf '%s\n' "$MAKEVARS" | sed -n 2p)

OBJS=""
for f in util/*.c locale/*.c conf/*.c forms/*.c db/*.c cli/*.c; do
	[ -f "$f" ] || continue
	[ "$f" = cli/main.c ] && continue
	OBJS="$OBJS $BUILD/${f%.c}.o"
done
OBJS="$OBJS $BUILD/tests/e2e/pty.o"
# shellcheck disable=SC2086
make --no-print-directory -s BUILD="$BUILD" $OBJS

mkdir -p "$BUILD/bench"
# shellcheck disable=SC2086
$CCFLAGS -o "$BUILD/bench/bench" bench/bench.c $OBJS -lvterm -lutil $LIBS

command -v sqlite3 >/dev/null 2>&1 || echo "# note: no sqlite3 shell in PATH: no ratios"
QENDRA_LOCALE_DIR=${QENDRA_LOCALE_DIR:-$PWD/locale}
export QENDRA_LOCALE_DIR
exec "$BUILD/bench/bench" "$@"
