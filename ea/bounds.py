"""
What a terminal may send, bounded to what the server can store: the limits of
`ea/PROTOCOL.md` §4 and §5 for results and heartbeats, checked before any of
it reaches a column, on either database.

Standard library only, like `ea.protocol`; the server calls these, and the
terminals stay inside them by construction.
"""

import math

from ea import protocol
from ea.protocol import ProtocolError

# Bounds on what a terminal sends (PROTOCOL.md §4, §5). Each fits the column
# that stores it on SQLite and PostgreSQL alike, so no file or body can make a
# row that fails to insert, or worse, that inserts and cannot be read back.
MAX_TICKET = 2**63 - 1  # BigIntegerField; MT5's ulong tickets stay far below
RETCODES = range(-(2**31), 2**31)  # IntegerField; MT5's retcodes are 10004..10046
INTEGERS = range(-(2**63), 2**63)  # any other integer (JSON kept as is)
# DecimalField(24, 10) takes 14 digits before the point, but SQLite keeps it
# as a REAL read back through 15 significant digits: 99999999999999.98 would
# come back as 1e14, which the column's own check then refuses on every read.
MAX_AMOUNT = 10**12
MAX_TEXT = 32 * 1024  # characters in one string; a file is 64 KiB anyway
MAX_FIELDS = 64


def check_values(data):
    """Raise ProtocolError unless every key and value of a flat object can be
    stored and read back by either database: strings without NUL (PostgreSQL
    refuses it in text and JSON) or lone surrogates (no database encodes
    them) and at most MAX_TEXT long, integers in 64 bits, finite numbers
    ("1e400" parses as infinity), at most MAX_FIELDS fields."""
    if len(data) > MAX_FIELDS:
        raise ProtocolError(f"more than {MAX_FIELDS} fields")
    for key, value in data.items():
        # Named in the error (and so in a JSON answer): never a surrogate.
        field = key[:40].encode("utf-8", "backslashreplace").decode("utf-8")
        for text in (key, value) if isinstance(value, str) else (key,):
            if "\x00" in text:
                raise ProtocolError(f"{field!r} holds a NUL character", field)
            if len(text) > MAX_TEXT:
                raise ProtocolError(f"{field!r} is longer than {MAX_TEXT}", field)
            if not encodable(text):  # "\ud800": a lone surrogate, legal JSON
                raise ProtocolError(f"{field!r} is not valid Unicode", field)
        if isinstance(value, float) and not math.isfinite(value):
            raise ProtocolError(f"{field} is not a finite number", field)
        if type(value) is int and value not in INTEGERS:
            raise ProtocolError(f"{field} is out of range", field)
    return data


def encodable(text):
    """Whether `text` is valid UTF-8 once encoded: no lone surrogate."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_result(data):
    """Raise ProtocolError unless `data` is a well-formed result whose every
    field fits the Command's columns (PROTOCOL.md §4, limits)."""
    check_values(data)
    protocol.check_result(data)
    _check_integer(data, "retcode", RETCODES)
    _check_integer(data, "ticket", range(MAX_TICKET + 1))
    for field in ("price", "volume"):
        _check_amount(data, field)
    # A partial close's volumes (PROTOCOL.md §4): lots, never negative.
    for field in ("closed_volume", "remaining_volume"):
        _check_amount(data, field)
        if (data.get(field) or 0) < 0:
            raise ProtocolError(f"{field} {data[field]!r} is negative", field)
    if not isinstance(data.get("message"), str | None):
        raise ProtocolError("message is not a string", "message")
    return data


def _check_integer(data, field, allowed):
    value = data.get(field)
    if value is not None and (type(value) is not int or value not in allowed):
        raise ProtocolError(f"{field} {value!r} is not an integer it can be", field)


def _check_amount(data, field):
    value = data.get(field)
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ProtocolError(f"{field} is not a number", field)
    if abs(value) >= MAX_AMOUNT:  # finite: check_values saw to that
        raise ProtocolError(f"{field} {value!r} is out of range", field)


def check_heartbeat(data):
    """Raise ProtocolError unless a heartbeat can be stored as it is (it is
    kept whole, as JSON, for the dashboard), and its optional `state` is one
    the server knows."""
    check_values(data)
    state = data.get("state")
    if state is not None and state not in protocol.HEARTBEAT_STATES:
        raise ProtocolError(
            f"state {str(state)[:40]!r} is not one of "
            f"{', '.join(protocol.HEARTBEAT_STATES)}",
            "state",
        )
    return data
