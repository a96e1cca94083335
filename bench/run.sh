#!/bin/sh
# bench/run.sh - `make bench`: installs what the benchmark needs besides
# `make deps` when it is missing (Timewarrior, the baseline, and GNU time,
# which measures peak memory), then runs bench/bench.py. Environment:
# QUICK (1: a run of under a minute), BENCH_ENTRIES, BENCH_REPS,
# BENCH_LARGE, BENCH_LARGE_REPS, BENCH_CHAT, BENCH_KEEP (bench/README.md),
# PYTHON, TIMMY_BIN.
#
# SCALE=1 (`make bench-scale`, or `make bench SCALE=1`) runs the scale
# run instead, bench/scale.py: many users, on BACKEND (sqlite,
# postgresql or all); it needs GNU time only. Its knobs: SCALE_USERS,
# SCALE_ENTRIES, SCALE_YEARS, SCALE_CHAT_USERS, SCALE_DB (bench/README.md).
set -eu
cd "$(dirname "$0")/.."

if [ -n "${SCALE:-}" ] && [ "${SCALE}" != 0 ]; then
	sh contrib/deps.sh time
	QUICK="${QUICK:-}" BACKEND="${BACKEND:-}" \
		exec "${PYTHON:-/usr/bin/python3}" bench/scale.py
fi

sh contrib/deps.sh timewarrior time

QUICK="${QUICK:-}" exec "${PYTHON:-/usr/bin/python3}" bench/bench.py
