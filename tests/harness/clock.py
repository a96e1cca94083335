"""The clock the bot and Prosody read, for bounds on the times they take.

time(2) reads the kernel's coarse clock; the bot calls it, and so does
Lua's os.time(), which stamps Prosody's offline messages. That clock advances
once per scheduler tick (4 ms on Debian's kernels), so for up to a tick
after a second begins it still gives the second before. A reading of
time.time() taken before a message was sent is then no lower bound on the
whole second the receiver records; one of this clock is.
"""

import os
import select
import time

# Linux's number for it (linux/time.h); Python's time module names only
# some clocks.
CLOCK_REALTIME_COARSE = getattr(time, "CLOCK_REALTIME_COARSE", 5)
TICK = time.clock_getres(CLOCK_REALTIME_COARSE)


def wall_now():
    """Now, as time(2) sees it: never ahead of what the bot or the server
    reads a moment later."""
    return time.clock_gettime(CLOCK_REALTIME_COARSE)


# Under libfaketime (make test-anytime) every process reads the same faked
# wall clock, the coarse one included, so wall_now() stays a lower bound.
# The monotonic clock is left real there (FAKETIME_DONT_FAKE_MONOTONIC:
# Python's lock timeouts use sem_clockwait, which libfaketime 0.9.10 does
# not intercept and which would never time out on a faked clock). But
# then its clock_nanosleep turns the absolute monotonic deadline of
# Python 3.11's time.sleep() into a negative time, EINVAL
# (wolfcw/libfaketime#426); a relative wait is left alone.
FAKED = "faketime" in os.environ.get("LD_PRELOAD", "")


def sleep_relative(secs):
    """time.sleep(secs) by a relative timeout (select)."""
    if secs < 0:
        raise ValueError("sleep length must be non-negative")
    select.select([], [], [], secs)


if FAKED:
    time.sleep = sleep_relative


LIBFAKETIME = next((p for p in (
    "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1",
    "/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1",
    "/usr/lib64/faketime/libfaketime.so.1",
    "/usr/lib/faketime/libfaketime.so.1") if os.path.exists(p)), None)


def ahead_env(seconds):
    """The environment for a process (the bot) whose wall clock runs
    seconds (whole) ahead of the tests' own, through libfaketime (None
    when it is missing); under anytime.sh, on top of its offset."""
    if LIBFAKETIME is None:
        return None
    base = int(os.environ.get("FAKETIME", "+0")) if FAKED else 0
    asan = os.environ.get("ASAN_OPTIONS")
    return {
        "LD_PRELOAD": LIBFAKETIME,
        "FAKETIME": "%+d" % (base + int(seconds)),
        "FAKETIME_DONT_FAKE_MONOTONIC": "1",
        # libfaketime comes before the sanitizer runtime.
        "ASAN_OPTIONS": "verify_asan_link_order=0" + (":" + asan if asan
                                                      else ""),
    }
