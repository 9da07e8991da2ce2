"""When the bridge's files appear and go, seen through file-system events.

bench/bridge.py times an alert until its command file is in place, until
the terminal's result file is, and until the result file is removed (the
supervisor removes it once recorded). Listing the folders in a loop would
see that too, but a lister spinning on one of two cores slows down what it
measures; the kernel's events cost nothing while nothing happens.

On Linux we take inotify's events straight from watchdog's reader thread
(`InotifyFD`), not through its Observer: the Observer holds every
IN_MOVED_FROM for up to 0.5 s to pair it with its IN_MOVED_TO, and the
events queued behind one wait too. Every file here is renamed into place,
so under a burst (a fan-out to 50 terminals) files showed up 0.5 s late, in
steps. Elsewhere the Observer does (ReadDirectoryChangesW on Windows).

Every writer renames its files into place (ea/PROTOCOL.md §2), so the first
event naming a command or result file means the whole file is there. The
time is read as the event is handled, on this process's clock: what the
watcher adds weighs on the floor and on our server alike.
"""

import os
import sys
import threading
import time

from ea import protocol

COMMAND = "command"
RESULT = "result"
RESULT_GONE = "result gone"


def command_id(name):
    """webhook_<kind>_<seq>_<32 hex digits>.json -> the hex digits."""
    return name[-37:-5]


def kind_of(name, deleted):
    """What a file named `name` appearing (or, `deleted`, going) tells us."""
    if not name.endswith(protocol.SUFFIX):
        return None
    if name.startswith(protocol.RESULT_PREFIX):
        return RESULT_GONE if deleted else RESULT
    if name.startswith(protocol.COMMAND_PREFIX) and not deleted:
        return COMMAND
    return None


class Watcher:
    """Notes when each command's files first appear and go in `folders`
    (every account's MQL5/Files). Use it as a context manager."""

    def __init__(self, folders):
        self.folders = [os.fspath(f) for f in folders]
        self.times = {}  # (kind, command id hex) -> first time seen
        self.changed = threading.Condition()
        self.stop = None

    def __enter__(self):
        start = start_inotify if sys.platform.startswith("linux") else start_observer
        self.stop = start(self)
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def saw(self, name, deleted):
        now = time.time()
        kind = kind_of(name, deleted)
        if kind is None:
            return
        with self.changed:
            self.times.setdefault((kind, command_id(name)), now)
            self.changed.notify_all()

    def wait(self, kind, ids, timeout):
        """The times `kind` was first seen for each of `ids`, waiting up to
        `timeout` seconds for all of them; None for those never seen."""
        keys = [(kind, i) for i in ids]
        deadline = time.monotonic() + timeout
        with self.changed:
            while not all(k in self.times for k in keys):
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self.changed.wait(left)
            return [self.times.get(k) for k in keys]


def start_inotify(watcher):
    from watchdog.observers.inotify_c import InotifyConstants as Flags
    from watchdog.observers.inotify_c import InotifyFD

    class Callback:
        def on_event(self, event):
            if event.is_moved_to or event.is_create or event.is_delete:
                watcher.saw(os.fsdecode(event.name), deleted=event.is_delete)

        def on_watch_deleted(self, wd):
            pass

        def on_queue_overflow(self):
            print("warning: inotify queue overflowed; figures may miss files")

    reader = InotifyFD()  # our own, not the instance watchdog shares
    mask = Flags.IN_MOVED_TO | Flags.IN_CREATE | Flags.IN_DELETE
    callback = Callback()
    for number, folder in enumerate(watcher.folders):
        reader.add_callback(os.fsencode(folder), mask, callback, number)
    reader.start()

    def stop():
        reader.stop()
        reader.join(10)

    return stop


def start_observer(watcher):
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers import Observer

    class Handler(FileSystemEventHandler):
        def on_any_event(self, event):
            if event.is_directory or event.event_type not in (
                "created",
                "moved",
                "deleted",
            ):
                return
            # A rename into place is a move whose destination is the file.
            path = getattr(event, "dest_path", "") or event.src_path
            deleted = event.event_type == "deleted"
            watcher.saw(os.path.basename(path), deleted)

    observer = Observer()
    for folder in watcher.folders:
        observer.schedule(Handler(), folder, recursive=False)
    observer.start()

    def stop():
        observer.stop()
        observer.join(10)

    return stop
