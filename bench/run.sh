#!/bin/sh
# bench/run.sh - `make bench`: installs what the benchmark needs besides
# `make deps` when it is missing (Timewarrior, the baseline, and GNU time,
# which measures peak memory), then runs bench/bench.py. Environment:
# QUICK (1: a run of under a minute), BENCH_ENTRIES, BENCH_REPS,
# BENCH_LARGE, BENCH_LARGE_REPS, BENCH_CHAT, BENCH_KEEP (bench/README.md),
# PYTHON, TIMMY_BIN.
set -eu
cd "$(dirname "$0")/.."

sh contrib/deps.sh timewarrior time

QUICK="${QUICK:-}" exec "${PYTHON:-/usr/bin/python3}" bench/bench.py
