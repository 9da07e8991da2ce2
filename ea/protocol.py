"""
The file protocol between the server and a terminal, as `ea/PROTOCOL.md`
describes it: names, fields, atomic writes and the strict flat-JSON reader.

Standard library only: the paper terminal imports it without Django, and the
supervisor imports it with. Every rule here is one the MQL5 EA keeps too.
"""

import contextlib
import json
import os
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
EXECUTED = "webhook_executed.txt"

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
REPLACE_ATTEMPTS = 20


class ProtocolError(ValueError):
    """A file that does not follow the protocol; the message says how."""


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
        _discard(temp)
        raise
    target = folder / name
    for attempt in range(REPLACE_ATTEMPTS):
        try:
            os.replace(temp, target)
            return target
        except PermissionError:
            if attempt == REPLACE_ATTEMPTS - 1:
                _discard(temp)
                raise
            time.sleep(0.005 * (attempt + 1))
        except OSError:
            _discard(temp)
            raise
    return target  # pragma: no cover


def _discard(path):
    with contextlib.suppress(OSError):
        os.unlink(path)


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


def read_flat(path):
    """The flat object in `path`, or None when the file vanished meanwhile."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        return None
    return loads_flat(raw)


def check_result(data):
    """Raise ProtocolError unless `data` is a well-formed result."""
    # `type(...) is int`: True and 1.0 compare equal to 1 in Python.
    if type(data.get("protocol")) is not int or data["protocol"] != VERSION:
        raise ProtocolError(f"protocol {data.get('protocol')!r}, expected {VERSION}")
    if data.get("status") not in RESULT_STATUSES:
        raise ProtocolError(f"unknown status {data.get('status')!r}")
    if not isinstance(data.get("id"), str) or not data["id"]:
        raise ProtocolError("result without id")
    return data
