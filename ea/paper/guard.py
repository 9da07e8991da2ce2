"""One terminal per MQL5/Files folder: the paper terminal's side of the
guard the EA keeps (ea/README.md, "One copy per terminal").

Both hold `webhook_terminal.lock` in the folder for as long as they run. The
EA opens it without sharing; filelock holds it with an OS lock (LockFileEx
on Windows, flock on Linux), so each refuses while the other holds it, and
the OS lets go when a holder dies: nothing stale to clear by hand.
"""

import contextlib
from pathlib import Path

from filelock import FileLock, Timeout

from ea import protocol

LOCK = protocol.LOCK


class Busy(Exception):
    """Another terminal (a paper terminal or an EA) runs on this folder."""


@contextlib.contextmanager
def only_terminal(folder):
    """Hold the folder's lock while the block runs; Busy at once if held."""
    path = Path(folder) / LOCK
    # Not a singleton and not reentrant across instances: two terminals in
    # one process (as in a test) must refuse each other as two processes do.
    lock = FileLock(path, timeout=0, is_singleton=False)
    try:
        lock.acquire()
    except Timeout:
        raise Busy(
            f"another terminal runs on {Path(folder)} ({LOCK} is held); "
            "one terminal per folder"
        ) from None
    try:
        yield
    finally:
        lock.release()
