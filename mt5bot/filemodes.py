"""
Owner-only files and folders for what holds secrets: the SQLite database
(API tokens, sessions, every alert), `.env`, the logs and the backups.

POSIX only. On Windows these files live under the user's profile or a folder
the installer chose, whose ACLs already decide who reads them; mode bits mean
nothing there (chmod only sets the read-only flag), so each helper is a
no-op.
"""

import contextlib
import os
import stat
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
ON_POSIX = os.name == "posix"


def create_private(path):
    """Create `path` empty and owner-only unless it exists, so whatever
    writes it next (SQLite, dumpdata, a copy) keeps that mode: SQLite also
    gives its -wal and -shm files the database's mode."""
    if not ON_POSIX:
        return
    # Best effort: a folder that is missing or read-only is for the writer
    # that follows to report, in its own words.
    with contextlib.suppress(OSError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_FILE))


def make_private_dir(path):
    """mkdir -p, the last folder owner-only when this call creates it (a
    folder that exists is the owner's choice, left as it is)."""
    path = Path(path)
    if ON_POSIX:
        path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    else:
        path.mkdir(parents=True, exist_ok=True)


def tighten(paths):
    """Take the group's and others' bits off each existing file or folder
    (never a symlink's target); returns the paths it changed."""
    if not ON_POSIX:
        return []
    changed = []
    for path in paths:
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            continue
        mode = stat.S_IMODE(info.st_mode)
        if stat.S_ISLNK(info.st_mode) or not mode & 0o077:
            continue
        os.chmod(path, mode & 0o700)
        changed.append(Path(path))
    return changed
