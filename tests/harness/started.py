"""tests/harness/started.py - what the private servers and the bot share
as context managers: `with X(...) as x:` starts x (stopping whatever it
started if the start fails) and closes it at the end of the block."""


class Started:
    """A base for harness objects with start() (returning the object)
    and close() (safe to call whatever state it is in)."""

    def __enter__(self):
        try:
            return self.start()
        except BaseException:
            self.close()
            raise

    def __exit__(self, *exc):
        self.close()
        return False
