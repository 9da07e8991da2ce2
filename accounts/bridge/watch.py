"""
Result files noticed the moment they appear, not by listing every folder
every 20 ms.

A watchdog observer (inotify on Linux, ReadDirectoryChangesW on Windows)
follows the Files folder of each account on the file transport. When a
result file is created or renamed into place there, the account is marked
and the supervisor's loop woken; the loop then reads that account's folder
alone. The supervisor still lists every folder on a slow poll
(SUPERVISOR_POLL_FALLBACK), because events can be lost: a full queue, a
folder made after the watch was asked for, a network drive that sends none.
A lost event costs that much latency, never a result.

If the observer cannot start at all, `active` stays False and the loop goes
back to listing every folder at SUPERVISOR_POLL.
"""

import contextlib
import logging
import os
import threading

from watchdog.events import FileSystemEventHandler
from watchdog.observers import Observer

from ea import protocol
from ea.paper.waiting import renames_at_once

log = logging.getLogger("mt5bot.supervisor")


def wanted(path):
    """Whether a file event at `path` may be a result to record."""
    name = os.path.basename(os.fsdecode(path))
    return name.startswith(protocol.RESULT_PREFIX) and name.endswith(".json")


class FolderWatch:
    def __init__(self, on_change):
        self.on_change = on_change  # called from the observer's thread
        self.lock = threading.Lock()
        self.dirty = set()
        self.watches = {}  # login -> (folder, watch)
        self.observer = None
        self.active = False

    def start(self):
        # A result arrives by a rename; watchdog could hold its first half
        # half a second to pair it (bench/bridge.py showed results recorded
        # 0.5 s late at p99). We need only the new name: no hold.
        renames_at_once()
        try:
            self.observer = Observer()
            self.observer.start()
        except Exception:
            log.warning(
                "cannot watch the terminals' folders; listing them instead",
                exc_info=True,
            )
            self.observer = None
            return
        self.active = True

    def stop(self):
        if self.observer is not None:
            self.observer.stop()
            self.observer.join(timeout=5)
        self.active = False

    def follow(self, folders):
        """Watch exactly these {login: folder}; a folder that does not exist
        yet is asked for again at the next call."""
        if not self.active:
            return
        for login in set(self.watches) - set(folders):
            self._drop(login)
        for login, folder in folders.items():
            held = self.watches.get(login)
            if held is not None and held[0] == folder:
                continue
            if held is not None:
                self._drop(login)
            if not folder.is_dir():
                continue
            try:
                watch = self.observer.schedule(Handler(self, login), str(folder))
            except OSError:
                log.warning("cannot watch %s; it is listed instead", folder)
                continue
            self.watches[login] = (folder, watch)

    def watching(self, login):
        return login in self.watches

    def _drop(self, login):
        _, watch = self.watches.pop(login)
        with contextlib.suppress(KeyError, OSError):  # the folder went first
            self.observer.unschedule(watch)

    def mark(self, login):
        with self.lock:
            self.dirty.add(login)
        self.on_change()

    def take(self):
        """The accounts with news since the last call."""
        with self.lock:
            dirty, self.dirty = self.dirty, set()
        return dirty


class Handler(FileSystemEventHandler):
    """Marks one account when a result file appears in its folder."""

    def __init__(self, watch, login):
        super().__init__()
        self.watch, self.login = watch, login

    def on_any_event(self, event):
        if event.is_directory:
            return
        # A rename into place (the terminals write a temporary file and
        # rename it) names the result as its destination.
        path = getattr(event, "dest_path", "") or event.src_path
        if wanted(path):
            self.watch.mark(self.login)
