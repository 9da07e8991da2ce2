"""
Writing a file into a terminal's folder, checked at each write to lie inside
the instances root with no link on the way (ea/PROTOCOL.md 2: atomic writes;
the server's side only, the terminals write inside their own sandbox).

Standard library only, like ea/protocol.py, whose atomic write it uses.
"""

import contextlib
import errno
import os
import uuid
from pathlib import Path

from ea.protocol import (
    TEMP_PREFIX,
    TEMP_SUFFIX,
    ProtocolError,
    discard,
    dumps,
    write_atomic,
)

# Where the system can open a folder relative to another without following a
# link (POSIX), `write_inside` walks the path itself; elsewhere (Windows) it
# resolves the folder and compares before writing.
WALKS = (
    hasattr(os, "O_NOFOLLOW")
    and hasattr(os, "O_DIRECTORY")
    # os.replace is os.rename's code, and listed under that name.
    and {os.open, os.mkdir, os.rename, os.unlink} <= os.supports_dir_fd
)


def write_inside(root, folder, name, data):
    """write_atomic into `folder`, checked at this very write to lie inside
    `root` with no link on the way, and made when missing.

    Checked per write, never cached: a folder swapped for a link after the
    first delivery must not carry the next command out of the root. On POSIX
    each part below `root` is opened with O_NOFOLLOW relative to its parent,
    and the file is created and renamed relative to the folder opened, so a
    swap between the check and the write cannot redirect it either. Costs
    about 7 µs a write (docs/performance.md §2).
    """
    root = Path(root)
    parts = _parts_below(root, folder)
    payload = (dumps(data) if isinstance(data, dict) else data).encode("utf-8")
    if not WALKS:  # Windows
        return _write_resolved(root, Path(folder), name, payload)
    fd = _open_inside(root, parts)
    try:
        _write_at(fd, name, payload)
    finally:
        os.close(fd)
    return Path(folder) / name


def write_many_inside(root, files):
    """`write_inside` for many files [(folder, name, data)] in two rounds:
    every temporary file first, then every rename. A terminal wakes on the
    rename (the paper terminal's observer hears renames only), so the last
    file of a fan-out lands a moment after the first, rather than after
    every other write while the terminals woken one by one take the CPU
    from the writer. Returns {index: exception} for the files not in place;
    each of the others is."""
    root = Path(root)
    failed, placed = {}, set()
    ready = []  # (index, folder fd, temporary name, name)
    try:
        for index, (folder, name, data) in enumerate(files):
            try:
                if not WALKS:  # Windows: one at a time, as write_inside
                    write_inside(root, folder, name, data)
                    continue
                parts = _parts_below(root, folder)
                payload = (dumps(data) if isinstance(data, dict) else data).encode()
                fd = _open_inside(root, parts)
                try:
                    ready.append((index, fd, _write_temp(fd, payload), name))
                except BaseException:
                    os.close(fd)
                    raise
            except (OSError, ProtocolError) as exc:
                failed[index] = exc
        for index, fd, temp, name in ready:
            try:
                os.replace(temp, name, src_dir_fd=fd, dst_dir_fd=fd)
                placed.add(index)
            except OSError as exc:
                failed[index] = exc
    finally:
        # Whatever was not renamed goes; every folder is closed.
        for index, fd, temp, _ in ready:
            if index not in placed:
                discard(temp, dir_fd=fd)
            os.close(fd)
    return failed


def _parts_below(root, folder):
    try:
        parts = Path(folder).relative_to(root).parts
    except ValueError:
        raise ProtocolError(f"{folder} is outside {root}") from None
    if any(part in ("..", ".") for part in parts):
        raise ProtocolError(f"{folder} is outside {root}")
    return parts


def _open_inside(root, parts):
    """A descriptor of root/parts..., refusing a link or a file on the way."""
    flags = os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(root, flags)
    except FileNotFoundError:
        os.makedirs(root, exist_ok=True)
        fd = os.open(root, flags)
    try:
        for part in parts:
            fd = _step(fd, part, flags | os.O_NOFOLLOW)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _step(parent, part, flags):
    """Open `part` in the folder `parent` (making it when missing), and close
    `parent`. A link there is ELOOP (ENOTDIR on some systems): refused."""
    for _ in range(2):
        try:
            child = os.open(part, flags, dir_fd=parent)
        except FileNotFoundError:
            with contextlib.suppress(FileExistsError):
                os.mkdir(part, dir_fd=parent)
            continue
        except OSError as exc:
            if exc.errno in (errno.ELOOP, errno.ENOTDIR, errno.EMLINK):
                raise ProtocolError(f"{part} is a link or not a folder") from None
            raise
        os.close(parent)
        return child
    raise FileNotFoundError(errno.ENOENT, "vanished while being made", part)


def _write_at(folder_fd, name, payload):
    """Create a temp file in the folder open as `folder_fd`, write, rename.
    The temp file is removed on any failure (a full disk included)."""
    temp = _write_temp(folder_fd, payload)
    try:
        os.replace(temp, name, src_dir_fd=folder_fd, dst_dir_fd=folder_fd)
    except BaseException:
        discard(temp, dir_fd=folder_fd)
        raise


def _write_temp(folder_fd, payload):
    """A new temporary file holding `payload` in the folder open as
    `folder_fd`; its name. Removed again on any failure."""
    temp = f"{TEMP_PREFIX}{uuid.uuid4().hex}{TEMP_SUFFIX}"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
    handle = os.open(temp, flags | getattr(os, "O_CLOEXEC", 0), 0o666, dir_fd=folder_fd)
    try:
        try:
            view = memoryview(payload)
            while view:
                view = view[os.write(handle, view) :]
        finally:
            os.close(handle)
    except BaseException:
        discard(temp, dir_fd=folder_fd)
        raise
    return temp


def _write_resolved(root, folder, name, payload):
    """Without relative opens: make the folder, then resolve it and compare
    just before the write. A swap inside that window is not caught here."""
    folder.mkdir(parents=True, exist_ok=True)
    if Path(os.path.realpath(folder)) != folder or not folder.is_relative_to(root):
        raise ProtocolError(f"{folder} leads to {os.path.realpath(folder)}")
    return write_atomic(folder, name, payload.decode("utf-8"))
