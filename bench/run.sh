#!/bin/sh
# bench/run.sh - `make bench`: installs what the benchmark needs besides
# `make deps` when it is missing (Timewarrior, the baseline, and GNU time,
# which measures peak memory), then runs bench/bench.py. Environment:
# BENCH_ENTRIES, BENCH_REPS, BENCH_CHAT, BENCH_KEEP (bench/README.md),
# PYTHON, TIMMY_BIN.
set -eu
cd "$(dirname "$0")/.."

missing=""
for p in timewarrior time; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in
	*"install ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done
if [ -n "$missing" ]; then
	echo "bench: installing$missing"
	SUDO=""
	if [ "$(id -u)" -ne 0 ]; then
		command -v sudo >/dev/null 2>&1 || {
			echo "bench: need root (or sudo) to install:$missing" >&2
			exit 1
		}
		SUDO=sudo
	fi
	$SUDO apt-get update
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y \
		--no-install-recommends $missing
fi

exec "${PYTHON:-/usr/bin/python3}" bench/bench.py
