#!/bin/sh
# tests/harness/anytime.sh MOMENT ZONE COMMAND [ARG ...] - runs COMMAND
# with the wall clock of every process it starts set to MOMENT (a UTC time
# that `date -d` reads: "2027-03-01T00:00:30"), from there on running at
# the real pace, and with TZ=ZONE. `make test-anytime` runs the tests so.
#
# libfaketime (LD_PRELOAD) takes the fake time from FAKETIME. Its "@MOMENT"
# form would count from each process's own start, so the bot started a
# minute into a run would be a minute behind the tests that talk to it;
# an offset ("+SECONDS") computed once here moves every process's clock by
# the same whole number of seconds, so they agree to the second as the
# real clocks do (the coarse clock time(2) reads included). The monotonic
# clock is left alone: it measures waits, and no reply depends on it.
set -eu

if [ "$#" -lt 3 ]; then
	echo "usage: $0 MOMENT ZONE COMMAND [ARG ...]" >&2
	exit 2
fi
moment=$1 zone=$2
shift 2

lib=
for d in /usr/lib/x86_64-linux-gnu /usr/lib/aarch64-linux-gnu /usr/lib64 /usr/lib; do
	if [ -e "$d/faketime/libfaketime.so.1" ]; then
		lib=$d/faketime/libfaketime.so.1
		break
	fi
done
if [ -z "$lib" ]; then
	echo "anytime: libfaketime not found (Debian package faketime)" >&2
	exit 1
fi

if [ ! -e "/usr/share/zoneinfo/$zone" ]; then
	echo "anytime: unknown time zone $zone" >&2
	exit 1
fi
target=$(date -u -d "$moment UTC" +%s) || exit 1
offset=$((target - $(date -u +%s)))
if [ "$offset" -ge 0 ]; then
	offset="+$offset"
fi

echo "anytime: the clock says $(TZ=$zone date -d "@$target" '+%a %F %T %Z')" \
	"($(date -u -d "@$target" '+%F %T') UTC), TZ=$zone"
FAKETIME=$offset
FAKETIME_DONT_FAKE_MONOTONIC=1
LD_PRELOAD=$lib${LD_PRELOAD:+:$LD_PRELOAD}
TZ=$zone
# For the tests that check the clock took (tests/integration/test_anytime.py).
TIMMY_ANYTIME_EPOCH=$target
# libfaketime is loaded before the sanitizer runtime, which ASan would
# otherwise refuse.
ASAN_OPTIONS=verify_asan_link_order=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}
# man-db runs its helpers under seccomp, which refuses the shared-memory
# semaphore libfaketime opens in every process (ENOSYS, and it exits).
MAN_DISABLE_SECCOMP=1
export FAKETIME FAKETIME_DONT_FAKE_MONOTONIC LD_PRELOAD TZ ASAN_OPTIONS \
	MAN_DISABLE_SECCOMP TIMMY_ANYTIME_EPOCH

# The first process that loads libfaketime makes a shared-memory segment
# and a semaphore in /dev/shm named after its PID, and may leave them
# behind (it did after pytest): they go when it has ended. Its stdin is
# ours (an asynchronous command's would be /dev/null); a signal to us is
# passed on.
exec 3<&0
"$@" <&3 3<&- &
pid=$!
exec 3<&-
trap 'kill -TERM "$pid" 2>/dev/null' HUP INT TERM
while :; do
	status=0
	wait "$pid" || status=$?
	kill -0 "$pid" 2>/dev/null || break
done
rm -f "/dev/shm/faketime_shm_$pid" "/dev/shm/sem.faketime_sem_$pid"
exit "$status"
