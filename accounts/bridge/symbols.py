"""Each account's broker list: stored from the file its terminal writes
(ea/PROTOCOL.md section 5), and asked for when the supervisor should.

The supervisor's keeper calls these; they never raise for a bad file, since
one broken terminal must not stop the loop that minds the others.
"""

import json
import logging
import math
import time
from datetime import UTC, datetime

from django.utils import timezone

from accounts.models import SymbolList, instances_root
from ea import bounds, inside, protocol

log = logging.getLogger("mt5bot.supervisor")

# What a stored list keeps of each symbol (ea/PROTOCOL.md section 5): enough to
# resolve (the contract's kind: calc_mode, expiration_time), to hold volumes
# to the broker's limits (accounts/limits.py) and to show in the admin. The
# rest of the specification stays in the terminal; keeping it all here would
# make every cold load parse ~2x the JSON.
KEPT_FIELDS = (
    "name", "description", "path", "trade_mode", "calc_mode", "currency_profit",
    "currency_margin",
)  # fmt: skip
KEPT_NUMBERS = (
    "contract_size", "expiration_time", "volume_min", "volume_step", "volume_max",
)  # fmt: skip
# A number beyond this is no broker's (an expiry of 10^18 s is past any
# calendar): it is dropped, never stored as something a reader cannot take.
MAX_NUMBER = 1e18
MAX_LIST_BYTES = 16 * 1024 * 1024  # ~20,000 symbols with full specifications
WANTS_EVERY = 5.0
MAX_NAME = 64  # Command.symbol's length: a longer name could never be traded
MAX_TEXT = 256  # a description or a path in the terminal's tree


def parse_list(raw):
    """The symbol entries of a webhook_symbols.json, or raise ProtocolError."""
    if len(raw) > MAX_LIST_BYTES:
        raise protocol.ProtocolError("file too large")
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise protocol.ProtocolError(f"invalid JSON: {exc}") from None
    except RecursionError:  # "[[[[..." deeper than the parser goes
        raise protocol.ProtocolError("invalid JSON: nested too deep") from None
    if not isinstance(data, dict) or not isinstance(data.get("symbols"), list):
        raise protocol.ProtocolError("no symbols list")
    entries = (kept(e) for e in data["symbols"] if isinstance(e, dict))
    return data, [e for e in entries if 0 < len(e.get("name", "")) <= MAX_NAME]


def kept(entry):
    """The fields we keep, as text a database takes: PostgreSQL refuses NUL,
    and no database encodes a lone surrogate ("\ud800" is legal JSON). A
    name with either is left out, so parse_list drops the entry: an altered
    name would be a guess at a symbol. A description or path is for people,
    and is cleaned and cut at MAX_TEXT; a number that is not one is left
    out."""
    fields = {}
    for key in KEPT_FIELDS:
        value = entry.get(key)
        if not isinstance(value, str):
            continue
        if key == "name":
            if (
                "\x00" not in value
                and len(value) <= MAX_NAME
                and bounds.encodable(value)
            ):
                fields[key] = value
            continue
        text = value.replace("\x00", "")[:MAX_TEXT]
        fields[key] = text.encode("utf-8", "replace").decode("utf-8")
    for key in KEPT_NUMBERS:
        value = entry.get(key)
        if number(value):
            fields[key] = value
    return fields


def number(value):
    """A finite int or float (not a bool) within MAX_NUMBER: Python's JSON
    reader takes NaN, Infinity and 1e400, which no database column does."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return math.isfinite(value) and abs(value) <= MAX_NUMBER


def listed_time(data):
    stamp = data.get("time")
    if isinstance(stamp, bool) or not isinstance(stamp, int | float):
        return None
    try:
        return datetime.fromtimestamp(stamp, UTC) if stamp > 0 else None
    except (OverflowError, OSError, ValueError):
        return None


def store(account, data, entries):
    """Keep `entries` as the account's broker list, answering any refresh.
    Returns whether anything was new.

    The file of a terminal write already stored is no news: a restarted
    supervisor reads every file once more, and that is no answer to a
    refresh either. A new write of the same list (a terminal restarted, a
    refresh answered) records its time but keeps `stored_at`, the stamp the
    resolver's caches watch, so no webhook process reloads the list."""
    listed_at = listed_time(data)
    old = SymbolList.objects.filter(account=account).first()
    if old and old.stored_at and old.symbols == entries:
        if listed_at is None or old.listed_at == listed_at:
            return False
        old.listed_at, old.refresh_requested_at = listed_at, None
        old.save(update_fields=["listed_at", "refresh_requested_at"])
        return True
    SymbolList.objects.update_or_create(
        account=account,
        defaults={
            "symbols": entries,
            "count": len(entries),
            "listed_at": listed_at,
            "stored_at": timezone.now(),
            "refresh_requested_at": None,
        },
    )
    return True


def store_file(account, path):
    """Store the list in `path`; True when it held a good list (new or
    already stored). A file from another login (a terminal logged in
    elsewhere) or a broken one is logged and skipped."""
    try:
        # Regular files only, opened without blocking: a FIFO under this
        # name would otherwise hold the loop (and the webhook, under serve).
        raw = protocol.read_regular(path, MAX_LIST_BYTES)
        if raw is None:
            return False
        data, entries = parse_list(raw)
        if str(data.get("login", account.login)) != account.login:
            raise protocol.ProtocolError(f"the list is of login {data['login']}")
    except (OSError, protocol.ProtocolError) as exc:
        log.warning("symbols of %s not stored: %s", account.login, exc)
        return False
    if store(account, data, entries):
        log.info("stored %s symbols of %s", len(entries), account.login)
    return True


def request(folder):
    """Ask the terminal in `folder` to write its list, unless it is not
    installed or an earlier request is still waiting (it deletes answered ones)."""
    if not folder.is_dir() or (folder / protocol.SYMBOLS_REQUEST).exists():
        return False
    try:
        inside.write_inside(
            instances_root(), folder, protocol.SYMBOLS_REQUEST, {"protocol": 1}
        )
    except (OSError, protocol.ProtocolError) as exc:
        if folder not in _refused:  # once, not on every pass
            log.warning("could not ask %s for its symbols: %s", folder, exc)
        _refused.add(folder)
        return False
    _refused.discard(folder)
    return True


_refused = set()  # folders whose request failed, logged once


def settled():
    """The lists stored with no refresh asked: nothing to ask their terminals
    for, over the file (Wants) or over HTTP (ea_api.wants_symbols)."""
    return SymbolList.objects.filter(stored_at__isnull=False, refresh_requested_at=None)


class Wants:
    """Which accounts lack a list or want a fresh one, read in one query at
    most every WANTS_EVERY seconds: the keeper asks for every account on
    every pass, on the webhook's thread in embedded mode."""

    def __init__(self):
        self.settled = set()  # account ids with a list and no refresh pending
        self.read_at = None

    def __call__(self, account):
        now = time.monotonic()
        if self.read_at is None or now - self.read_at >= WANTS_EVERY:
            self.settled = set(settled().values_list("account_id", flat=True))
            self.read_at = now
        return account.pk not in self.settled

    def stored(self, account):
        self.settled.add(account.pk)
