"""
The file protocol between the server and a terminal, as `ea/PROTOCOL.md`
describes it: names, fields, atomic writes and the strict flat-JSON reader.

Standard library only: the paper terminal imports it without Django, and the
supervisor imports it with. Every rule here is one the MQL5 EA keeps too.
"""

import contextlib
import json
import os
import stat
import time
import uuid
from pathlib import Path

VERSION = 1

COMMAND_PREFIX = "webhook_command_"
IN_PROGRESS_PREFIX = "webhook_inprogress_"
RESULT_PREFIX = "webhook_result_"
SUFFIX = ".json"
# Temporary files get another prefix *and* extension: MQL5's FileFindFirst also
# matches 8.3 short names, so a shared prefix could surface a half-written file.
TEMP_PREFIX = "tmp_"
TEMP_SUFFIX = ".part"
HEARTBEAT = "webhook_heartbeat.json"
SYMBOLS = "webhook_symbols.json"
SYMBOLS_REQUEST = "webhook_symbols_request.json"
# The terminal's book (section 5.1): positions, orders, the day's deals and
# the account's money, rewritten when it changes.
BOOK = "webhook_book.json"
EXECUTED = "webhook_executed.txt"
# Held by the one terminal running on the folder (ea/README.md).
LOCK = "webhook_terminal.lock"
# A heartbeat's optional `state` (section 5): the last one a terminal writes.
STOPPED = "stopped"
HEARTBEAT_STATES = (STOPPED,)

# How a command gives its stops: absolute prices, or distances in points or
# pips from the fill (or order, or open) price.
STOP_FIELDS = (
    "stop_loss",
    "take_profit",
    "sl_points",
    "tp_points",
    "sl_pips",
    "tp_pips",
)
# The command fields that are numbers or null (lots, prices, distances).
NUMBER_FIELDS = ("volume", "price", *STOP_FIELDS, "risk_percent")
COMMAND_FIELDS = (
    "protocol",
    "id",
    "seq",
    "account",
    "timestamp",
    "expires_at",
    "action",
    "order_type",
    "symbol",
    "original_symbol",
    *NUMBER_FIELDS,
    "ticket",
    "close_first",
    "include_manual",
    "magic",
    "comment",
)
# Optional command fields (PROTOCOL.md 3 and 9): absent or null in a command
# from before they were added, and then no limit applies.
# max_volume: the largest volume, in lots, an opening order (BUY or SELL) may
# have once sized and floored to the step; above it the terminal refuses it.
OPTIONAL_COMMAND_FIELDS = ("max_volume",)
# The magic numbers a command may carry, agreed between the server (an
# account's magic is held to it) and both terminals (they refuse a command
# outside it). 0 is what manual trades carry, so with it every manual
# position would count as ours; 10^18 and above do not fit the 18 digits the
# EA reads exactly.
MAGIC_MIN, MAGIC_MAX = 1, 10**18 - 1
ACTIONS = (
    "BUY",
    "SELL",
    "CLOSE",
    "CLOSE_SYMBOL",
    "CLOSE_LONG",
    "CLOSE_SHORT",
    "CLOSE_ALL",
    "MODIFY",
    "CANCEL",
)
ORDER_TYPES = ("market", "limit", "stop")

RESULT_FIELDS = (
    "protocol",
    "id",
    "account",
    "status",
    "retcode",
    "ticket",
    "price",
    "volume",
    "message",
    "time",
)
# executed: the trade server accepted it (10008, 10009, 10010), or there was
#           nothing to do (retcode 0); see PROTOCOL.md §4 for multi-request ones.
# rejected: its own order was not placed; the terminal or the server refused.
# expired:  it reached the terminal after `expires_at` and was not sent.
# unknown:  it may or may not have been traded (a crash mid-send, a timeout).
RESULT_STATUSES = ("executed", "rejected", "expired", "unknown")

MAX_FILE_BYTES = 64 * 1024

# The book (section 5.1). A terminal lists at most BOOK_ITEMS of each of its
# positions, pending orders and the day's closing deals (the latest ones),
# and says how many there are in all; a longer list is refused whole.
BOOK_ITEMS = 200
BOOK_MAX_BYTES = 512 * 1024
# A terminal looks at its book with every heartbeat and soon after a trade;
# it writes the book when it changed, at most once per BOOK_GAP seconds.
BOOK_GAP = 1.0
POSITION_TYPES = ("buy", "sell")
# "other": a type a later terminal build adds (MT5's close-by orders).
ORDER_TYPES_BOOKED = (
    "buy_limit",
    "sell_limit",
    "buy_stop",
    "sell_stop",
    "buy_stop_limit",
    "sell_stop_limit",
    "other",
)
DEAL_ENTRIES = ("in", "out", "inout", "out_by")
# Fields of the book that change with every second and say nothing about
# the account: a book that differs only in them is not written again.
BOOK_CLOCK_FIELDS = ("time", "server_time")
REPLACE_ATTEMPTS = 20


class ProtocolError(ValueError):
    """A file that does not follow the protocol; the message says how, and
    `field` which field, when one is to blame."""

    def __init__(self, message, field=""):
        super().__init__(message)
        self.field = field


class NotRegular(ProtocolError):
    """A name the protocol uses held by a FIFO, a device or a folder: never
    opened for reading, since a FIFO's open() or read() blocks forever."""


def check_login(login):
    """Return `login` as a string of digits, or raise ProtocolError.

    An account number names a folder, so anything else could leave the
    instance root ("../x", "C:\\x", "1/2").
    """
    text = str(login)
    if not (text.isascii() and text.isdigit() and text[0] != "0" and len(text) <= 20):
        raise ProtocolError(f"not an account number: {text!r}")
    return text


def files_dir(instances_root, login):
    """<instances_root>/<login>/MQL5/Files, guaranteed to sit inside the root."""
    root = Path(instances_root).resolve()
    folder = (root / check_login(login) / "MQL5" / "Files").resolve()
    if not folder.is_relative_to(root):
        raise ProtocolError(f"{folder} is outside {root}")
    return folder


def command_name(seq, command_id):
    """Names sort in delivery order, and two commands never share one."""
    return f"{COMMAND_PREFIX}{int(seq):012d}_{command_id}{SUFFIX}"


def in_progress_name(command_file_name):
    return IN_PROGRESS_PREFIX + command_file_name.removeprefix(COMMAND_PREFIX)


def result_name(command_file_name):
    return RESULT_PREFIX + command_file_name.removeprefix(COMMAND_PREFIX)


def listing(folder, prefix):
    """Files named <prefix>*.json in `folder`, in name order."""
    try:
        names = os.listdir(folder)
    except FileNotFoundError:
        return []
    return sorted(n for n in names if n.startswith(prefix) and n.endswith(SUFFIX))


def dumps(data):
    """One line of ASCII JSON: no BOM, no encoding question for the EA."""
    return json.dumps(data, ensure_ascii=True, separators=(",", ":"), allow_nan=False)


def write_atomic(folder, name, data, fsync=False, mode=None):
    """Write `data` to folder/name so no reader ever sees part of it: a dict
    as one line of JSON, text as UTF-8. The one writer of files another
    process reads (commands, requests, a terminal's ini, `.env`).

    The bytes go to a temporary file with a unique name in the same folder,
    which is closed and then renamed onto `name` (the way Django's file session
    backend saves). On Windows, a rename fails with PermissionError while
    another program (an antivirus, an indexer) holds either file, so it is
    retried briefly; the last error is raised, never swallowed. `mode` is set
    on the file before it takes the name (`.env` is the owner's only).
    """
    folder = Path(folder)
    payload = (dumps(data) if isinstance(data, dict) else data).encode("utf-8")
    temp = folder / f"{TEMP_PREFIX}{uuid.uuid4().hex}{TEMP_SUFFIX}"
    try:
        with open(temp, "xb") as handle:
            handle.write(payload)
            if fsync:
                handle.flush()
                os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(temp, mode)
    except BaseException:
        discard(temp)
        raise
    target = folder / name
    for attempt in range(REPLACE_ATTEMPTS):
        try:
            os.replace(temp, target)
            return target
        except PermissionError:
            if attempt == REPLACE_ATTEMPTS - 1:
                discard(temp)
                raise
            time.sleep(0.005 * (attempt + 1))
        except OSError:
            discard(temp)
            raise
    return target  # pragma: no cover


def discard(path, dir_fd=None):
    with contextlib.suppress(OSError):
        os.unlink(path, dir_fd=dir_fd)


def sweep_temporary(folder, older_than, now=None):
    """Remove `tmp_*.part` files older than `older_than` seconds: what a
    writer killed mid-write (or a full disk, on a side that could not clean
    up) left behind. Young ones may still be on their way to their name.
    Returns how many went."""
    cutoff = (now or time.time()) - older_than
    swept = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        if not (
            entry.name.startswith(TEMP_PREFIX) and entry.name.endswith(TEMP_SUFFIX)
        ):
            continue
        with contextlib.suppress(OSError):
            if (
                entry.is_file(follow_symlinks=False)
                and entry.stat(follow_symlinks=False).st_mtime < cutoff
            ):
                os.unlink(entry.path)
                swept += 1
    return swept


def loads_flat(raw):
    """Parse one flat JSON object: scalar values only, no duplicate keys.

    This is exactly the subset the EA's reader accepts; anything else is a
    ProtocolError, never a guess. A UTF-8 BOM and CRLF line ends are allowed.
    """
    if isinstance(raw, bytes):
        if len(raw) > MAX_FILE_BYTES:
            raise ProtocolError("file too large")
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ProtocolError("not UTF-8") from None
    try:
        data = json.loads(raw, **STRICT)
    except ValueError as exc:
        raise ProtocolError(f"invalid JSON: {exc}") from None
    except RecursionError:  # "[[[[..." deeper than the parser goes
        raise ProtocolError("invalid JSON: nested too deep") from None
    if not isinstance(data, dict):
        raise ProtocolError("not a JSON object")
    for key, value in data.items():
        if isinstance(value, dict | list):
            raise ProtocolError(f"{key} is not a scalar")
    return data


def refuse_duplicate_keys(pairs):
    """json's object_pairs_hook: a key given twice is an error, never a guess
    at which of the values was meant."""
    data = {}
    for key, value in pairs:
        if key in data:
            raise ValueError(f"duplicate key {key!r}")
        data[key] = value
    return data


def refuse_constant(name):
    """json's parse_constant: NaN and Infinity are not numbers a trade takes."""
    raise ValueError(f"{name} is not a number")


# The strict reading shared by the terminal files and the webhook's JSON.
STRICT = {"parse_constant": refuse_constant, "object_pairs_hook": refuse_duplicate_keys}


def read_regular(path, limit=None):
    """The bytes of the regular file at `path` (at most `limit` + 1 of them),
    or None when it vanished meanwhile; NotRegular for anything else.

    Opened without blocking, and checked on the open handle rather than by a
    stat before: a FIFO named like a protocol file would block open() (and a
    swap between a stat and the open could still bring one in).
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotRegular(f"{Path(path).name} is not a regular file")
        return _read_all(fd, limit)
    finally:
        os.close(fd)


def _read_all(fd, limit):
    chunks, size = [], 0
    while limit is None or size <= limit:
        chunk = os.read(fd, 65536 if limit is None else limit + 1 - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def read_flat(path):
    """The flat object in `path`, or None when the file vanished meanwhile."""
    raw = read_regular(path, MAX_FILE_BYTES)
    return None if raw is None else loads_flat(raw)


def check_result(data):
    """Raise ProtocolError unless `data` is a well-formed result (the server
    also checks that it fits its columns: `ea.bounds.check_result`)."""
    # `type(...) is int`: True and 1.0 compare equal to 1 in Python.
    if type(data.get("protocol")) is not int or data["protocol"] != VERSION:
        raise ProtocolError(
            f"protocol {data.get('protocol')!r}, expected {VERSION}", "protocol"
        )
    if data.get("status") not in RESULT_STATUSES:
        raise ProtocolError(f"unknown status {data.get('status')!r}", "status")
    if not isinstance(data.get("id"), str) or not data["id"]:
        raise ProtocolError("result without id", "id")
    return data
