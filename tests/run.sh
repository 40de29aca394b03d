#!/bin/sh
# tests/run.sh — run every built test binary and sum up; `make test` calls
# this after building. Runs, in order:
#   build/tests/test_*        unit tests
#   build/tests/e2e_test_*    end-to-end tests (the real ./qendra in a pty)
#   build-asan/tests/test_*   unit tests under AddressSanitizer + UBSan
# Each binary's output goes to tests/out/<name>.log and is summed up in one
# line. Tests are counted from cmocka's summary lines; a binary that crashes,
# times out or exits non-zero without a FAILED line counts as one failure.
# The last line is exactly "N passed, N failed"; the exit status is non-zero
# when anything failed or nothing ran.
#
# Environment for every binary: cwd = repo root, TZ=Europe/Tirane, stdin
# /dev/null, at most $TEST_TIMEOUT seconds (600). End-to-end tests also get
# QENDRA_BIN, QENDRA_LOCALE_DIR and E2E_DUMP=1.

cd "$(dirname "$0")/.." || exit 2
ROOT=$PWD
OUT=tests/out
TEST_TIMEOUT=${TEST_TIMEOUT:-600}
TAIL_LINES=${TAIL_LINES:-40}

mkdir -p "$OUT" || exit 2
# Logs of an earlier run would mislead: each run starts clean.
rm -f "$OUT"/*.log "$OUT"/failed.list

TZ=Europe/Tirane
export TZ

# Line-buffered output, so a binary killed by the timeout still leaves its
# last lines in the log. Not for ASan binaries: stdbuf works by LD_PRELOAD,
# which the ASan runtime refuses.
HAVE_STDBUF=no
if command -v stdbuf >/dev/null 2>&1; then
	HAVE_STDBUF=yes
fi

total_pass=0
total_fail=0
binaries=0

now() {
	date +%s.%N 2>/dev/null
}

# Sum the N of every cmocka summary line matching $1 in log $2.
count() {
	sed -n "s/^\[  $1  \] \([0-9][0-9]*\) test(s)[.,].*/\1/p" "$2" |
		awk '{ n += $1 } END { print n + 0 }'
}

# run KIND LOGNAME BINARY: run one binary and print its summary line.
run_one() {
	kind=$1
	name=$2
	bin=$3
	log=$OUT/$name.log
	# The command line, in "$@": line-buffered except under ASan.
	if [ "$HAVE_STDBUF" = yes ] && [ "$kind" != asan ]; then
		set -- stdbuf -oL -eL "$bin"
	else
		set -- "$bin"
	fi
	start=$(now)
	case $kind in
	e2e)
		# E2E_DUMP: every failed wait prints the screen into the log.
		QENDRA_BIN=$ROOT/qendra QENDRA_LOCALE_DIR=$ROOT/locale E2E_DUMP=1 \
			timeout -k 10 "$TEST_TIMEOUT" "$@" </dev/null >"$log" 2>&1
		;;
	asan)
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
			UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
			timeout -k 10 "$TEST_TIMEOUT" "$@" </dev/null >"$log" 2>&1
		;;
	*)
		timeout -k 10 "$TEST_TIMEOUT" "$@" </dev/null >"$log" 2>&1
		;;
	esac
	rc=$?
	end=$(now)
	pass=$(count PASSED "$log")
	fail=$(count FAILED "$log")
	note=""
	if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then
		# Crashed, timed out, leaked (LeakSanitizer exits non-zero after
		# cmocka's PASSED line) or failed before any test ran.
		fail=1
		case $rc in
		124 | 137) note="  (timed out after ${TEST_TIMEOUT}s)" ;;
		*) note="  (exit status $rc)" ;;
		esac
	fi
	secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
	printf '%-36s %5d passed %5d failed %7ss%s\n' "$name" "$pass" "$fail" "$secs" "$note"
	total_pass=$((total_pass + pass))
	total_fail=$((total_fail + fail))
	binaries=$((binaries + 1))
	if [ "$fail" -gt 0 ]; then
		echo "$name" >>"$OUT/failed.list"
	fi
}

# run_set KIND PREFIX GLOB...: every executable file matching, in name order.
run_set() {
	kind=$1
	prefix=$2
	shift 2
	for bin in "$@"; do
		if [ ! -f "$bin" ] || [ ! -x "$bin" ]; then
			continue # an unmatched glob, or not a program
		fi
		base=${bin##*/}
		case $base in
		*.*) continue ;; # dependency files (.d) and objects, not programs
		esac
		run_one "$kind" "$prefix$base" "$bin"
	done
}

run_set unit "" build/tests/test_*
run_set e2e "" build/tests/e2e_test_*
run_set asan "asan_" build-asan/tests/test_*

if [ -s "$OUT/failed.list" ]; then
	while read -r name; do
		log=$OUT/$name.log
		echo
		echo "==== $name: failed tests ===="
		grep '^\[  FAILED  \] [^0-9]' "$log" | sort -u
		echo "---- last $TAIL_LINES lines of $log ----"
		tail -n "$TAIL_LINES" "$log"
	done <"$OUT/failed.list"
	echo
fi

if [ "$binaries" -eq 0 ]; then
	echo "no test binaries found under build/tests or build-asan/tests" >&2
fi
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ] && [ "$total_pass" -gt 0 ]
