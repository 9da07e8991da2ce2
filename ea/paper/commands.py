"""Reading a command file and checking it (PROTOCOL.md section 3, step 2).

`parse` turns the bytes into a command dict with every field present and
typed, or raises Malformed. Malformed.command_id is the id when one could be
read, so the terminal can still answer `rejected`; without it the file is
moved aside. Nothing here guesses: a wrong type is a refusal, not a cast.
"""

import json
import math

from ea import protocol

NUMBERS = protocol.NUMBER_FIELDS
STRINGS = ("symbol", "original_symbol", "close_first", "comment")
CLOSE_FIRST = ("", "long", "short")
COMMENT_LENGTH = 31


class Malformed(Exception):
    def __init__(self, message, command_id=None):
        super().__init__(message)
        self.message = message
        self.command_id = command_id


def parse(raw):
    """The checked command in `raw` (bytes), or Malformed."""
    try:
        data = protocol.loads_flat(raw)
    except protocol.ProtocolError as exc:
        raise Malformed(f"malformed command: {exc}", readable_id(raw)) from None
    command_id = data.get("id")
    if not isinstance(command_id, str) or not command_id:
        raise Malformed("malformed command: no id")
    try:
        return check(data)
    except ValueError as exc:
        raise Malformed(f"invalid command: {exc}", command_id) from None


def readable_id(raw):
    """The id of a file the strict reader refused, when the file is still
    valid JSON with exactly one string `id` at the top: enough to answer the
    command instead of leaving it unanswered. Anything less clear is None."""
    ids = []

    def collect(pairs):
        ids.extend(value for key, value in pairs if key == "id")
        return dict(pairs)

    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
        top = json.loads(text, object_pairs_hook=collect)
    except ValueError:
        return None
    if not isinstance(top, dict) or not isinstance(top.get("id"), str):
        return None
    # One "id" key in the whole file, and it is the top-level one.
    return top["id"] if len(ids) == 1 and top["id"] else None


def check(data):
    version = data.get("protocol")
    if type(version) is not int or version != protocol.VERSION:
        raise ValueError(f"unknown protocol {version!r}")
    if data.get("action") not in protocol.ACTIONS:
        raise ValueError(f"unknown action {data.get('action')!r}")
    command = {"id": data["id"], "action": data["action"]}
    command["account"] = _string(data, "account", required=True)
    command["expires_at"] = _number(data, "expires_at", required=True)
    command["seq"] = _integer(data, "seq")
    for name in (*NUMBERS, *protocol.OPTIONAL_COMMAND_FIELDS):
        command[name] = _number(data, name)
    for name in STRINGS:
        command[name] = _string(data, name)
    command["ticket"] = _integer(data, "ticket")
    command["magic"] = _integer(data, "magic")
    command["include_manual"] = _flag(data, "include_manual")
    command["order_type"] = _string(data, "order_type") or "market"
    _check_choices(command)
    return command


def _check_choices(command):
    if command["order_type"] not in protocol.ORDER_TYPES:
        raise ValueError(f"unknown order_type {command['order_type']!r}")
    if command["close_first"] not in CLOSE_FIRST:
        raise ValueError(
            f"close_first must be long, short or empty, not {command['close_first']!r}"
        )
    _check_magic(command["magic"])
    if command["max_volume"] is not None and command["max_volume"] <= 0:
        raise ValueError(f"max_volume must be above 0, not {command['max_volume']!r}")
    if command["ticket"] is not None and command["ticket"] <= 0:
        raise ValueError("ticket must be positive")
    # MT5 keeps 31 characters of a comment; the server already cuts it.
    command["comment"] = command["comment"][:COMMENT_LENGTH]


def _check_magic(magic):
    """The agreed range (PROTOCOL.md 3): with magic 0 every manual trade
    would be ours, and the EA reads at most 18 digits exactly."""
    if magic is None or not protocol.MAGIC_MIN <= magic <= protocol.MAGIC_MAX:
        raise ValueError(
            f"magic must be from {protocol.MAGIC_MIN} to {protocol.MAGIC_MAX}, "
            f"not {magic!r}"
        )


def _number(data, name, required=False):
    value = _typed(data, name, "a number", int | float, None, required)
    if value is not None and not math.isfinite(value):
        raise ValueError(f"{name} must be finite")
    return value


def _integer(data, name):
    return _typed(data, name, "an integer", int, None)


def _string(data, name, required=False):
    return _typed(data, name, "a string", str, "", required)


def _flag(data, name):
    return _typed(data, name, "true or false", bool, False)


def _typed(data, name, kind, types, default, required=False):
    """`data[name]` if it is one of `types`; `default` when absent or null,
    unless `required`. Never a cast: 1.0 is not an integer."""
    value = data.get(name)
    if value is None and not required:
        return default
    # JSON's true is a Python int as well; only a flag may be one.
    if not isinstance(value, types) or (isinstance(value, bool) and types is not bool):
        raise ValueError(f"{name} must be {kind}, not {value!r}")
    return value
