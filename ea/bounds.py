"""
What a terminal may send, bounded to what the server can store: the limits of
`ea/PROTOCOL.md` §4, §5 and §5.1 for results, heartbeats and books, checked
before any of it reaches a column, on either database.

Standard library only, like `ea.protocol`; the server calls these, and the
terminals stay inside them by construction.
"""

import json
import math
from datetime import date

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


# --- the book (PROTOCOL.md 5.1) -----------------------------------------------
# Each field a book's items and top level may have, as a checker; the
# checked book keeps these and no other, so nothing unknown reaches a column.
MAX_SYMBOL = 64  # Command.symbol's length
MAX_COMMENT = 64  # MT5's comments have 31 characters; a broker's tag may add
MAX_CURRENCY = 16
MAX_OFFSET = 86400  # the trade server's zone: less than a day from UTC
TIMES = range(2**40)  # Unix seconds, to the year 36812
COUNTS = range(2**31)


def _number(value, field):
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ProtocolError(f"{field} is not a number", field)
    if not math.isfinite(value) or abs(value) >= MAX_AMOUNT:
        raise ProtocolError(f"{field} {value!r} is out of range", field)
    return value


def _moment(value, field):
    if _number(value, field) < 0 or value >= TIMES.stop:
        raise ProtocolError(f"{field} {value!r} is not a time", field)
    return value


def _optional_number(value, field):
    return None if value is None else _number(value, field)


def _integer(allowed):
    def check(value, field):
        if type(value) is not int or value not in allowed:
            raise ProtocolError(f"{field} {value!r} is not an integer it can be", field)
        return value

    return check


def _text(longest, shortest=0):
    def check(value, field):
        if not isinstance(value, str) or not shortest <= len(value) <= longest:
            raise ProtocolError(
                f"{field} is not a text of {shortest} to {longest} characters", field
            )
        if "\x00" in value or not encodable(value):
            raise ProtocolError(f"{field} holds a NUL or is not valid Unicode", field)
        return value

    return check


def _one_of(names):
    def check(value, field):
        if value not in names:
            raise ProtocolError(
                f"{field} {str(value)[:40]!r} is not one of {names}", field
            )
        return value

    return check


def _day(value, field):
    try:
        date.fromisoformat(_text(10, 10)(value, field))
    except ValueError:
        raise ProtocolError(f"{field} {value!r} is not a date", field) from None
    return value


def _login(value, field):
    try:
        return protocol.check_login(_text(20, 1)(value, field))
    except ProtocolError:
        raise ProtocolError(f"{field} is not an account number", field) from None


def _version(value, field):
    if type(value) is not int or value != protocol.VERSION:
        raise ProtocolError(f"protocol {value!r}, expected {protocol.VERSION}", field)
    return value


TICKET = _integer(range(MAX_TICKET + 1))
SYMBOL = _text(MAX_SYMBOL, 1)
COMMENT = _text(MAX_COMMENT)
TIME = _integer(TIMES)
MAGIC = _integer(INTEGERS)  # MT5's is a ulong: another EA's may be anything
_ITEM = {"ticket": TICKET, "symbol": SYMBOL}
_PLACED = {"volume": _number, "price_open": _number, "sl": _optional_number,
           "tp": _optional_number}  # fmt: skip
BOOK_ITEM_FIELDS = {
    "positions": {
        **_ITEM, "type": _one_of(protocol.POSITION_TYPES), **_PLACED,
        "swap": _number, "profit": _number, "magic": MAGIC, "comment": COMMENT,
        "time": TIME,
    },
    "orders": {
        **_ITEM, "type": _one_of(protocol.ORDER_TYPES_BOOKED), **_PLACED,
        "magic": MAGIC, "comment": COMMENT, "time": TIME,
    },
    "deals": {
        "ticket": TICKET, "order": TICKET, "position": TICKET, "symbol": SYMBOL,
        "type": _one_of(protocol.POSITION_TYPES),
        "entry": _one_of(protocol.DEAL_ENTRIES), "volume": _number,
        "price": _number, "profit": _number, "swap": _number,
        "commission": _number, "magic": MAGIC, "comment": COMMENT, "time": TIME,
    },
}  # fmt: skip
COUNT = _integer(COUNTS)
BOOK_FIELDS = {
    "protocol": _version, "login": _login, "time": _moment, "server_time": TIME,
    "server_offset": _integer(range(-MAX_OFFSET, MAX_OFFSET + 1)), "day": _day,
    "currency": _text(MAX_CURRENCY), "balance": _number, "equity": _number,
    "margin": _number, "margin_free": _number, "margin_level": _optional_number,
    "profit": _number, "realized": _number, "positions_total": COUNT,
    "orders_total": COUNT, "deals_total": COUNT,
}  # fmt: skip


def parse_book(raw):
    """The checked book in `raw` (the file's bytes or a request's body), or
    raise ProtocolError: JSON read as strictly as the flat files (no
    duplicate keys, no NaN), at most BOOK_MAX_BYTES, then `check_book`."""
    if len(raw) > protocol.BOOK_MAX_BYTES:
        raise ProtocolError(f"more than {protocol.BOOK_MAX_BYTES} bytes")
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
        data = json.loads(text, **protocol.STRICT)
    except ValueError as exc:  # UnicodeDecodeError is one
        raise ProtocolError(f"invalid JSON: {exc}") from None
    except RecursionError:
        raise ProtocolError("invalid JSON: nested too deep") from None
    return check_book(data)


def check_book(data):
    """The book `data` (parsed JSON) with every field checked and nothing
    else kept, or raise ProtocolError naming the first field at fault: a
    book is stored whole or not at all (PROTOCOL.md 5.1)."""
    if not isinstance(data, dict):
        raise ProtocolError("not a JSON object")
    book = _fields(data, BOOK_FIELDS, "")
    for name, fields in BOOK_ITEM_FIELDS.items():
        items = data.get(name)
        if not isinstance(items, list):
            raise ProtocolError(f"{name} is not a list", name)
        if len(items) > protocol.BOOK_ITEMS:
            raise ProtocolError(
                f"{name}: {len(items)} entries, at most {protocol.BOOK_ITEMS}", name
            )
        if book[f"{name}_total"] < len(items):
            raise ProtocolError(f"{name}_total is below the entries listed", name)
        book[name] = [_fields(item, fields, f"{name}[{n}].")
                      for n, item in enumerate(items)]  # fmt: skip
    return book


def _fields(data, fields, where):
    if not isinstance(data, dict):
        raise ProtocolError(f"{where or 'the book'} is not an object", where)
    kept = {}
    for name, check in fields.items():
        if name not in data:
            raise ProtocolError(f"{where}{name} is missing", where + name)
        kept[name] = check(data[name], where + name)
    return kept
