"""The clock the bot and Prosody read, for bounds on the times they take.

time(2) reads the kernel's coarse clock; the bot calls it, and so does
Lua's os.time(), which stamps Prosody's offline messages. That clock advances
once per scheduler tick (4 ms on Debian's kernels), so for up to a tick
after a second begins it still gives the second before. A reading of
time.time() taken before a message was sent is then no lower bound on the
whole second the receiver records; one of this clock is.
"""

import time

# Linux's number for it (linux/time.h); Python's time module names only
# some clocks.
CLOCK_REALTIME_COARSE = getattr(time, "CLOCK_REALTIME_COARSE", 5)
TICK = time.clock_getres(CLOCK_REALTIME_COARSE)


def wall_now():
    """Now, as time(2) sees it: never ahead of what the bot or the server
    reads a moment later."""
    return time.clock_gettime(CLOCK_REALTIME_COARSE)
