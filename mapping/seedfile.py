"""
`DATA_DIR/custom_mappings.json`, the seed's file of global symbol mappings
(`{"goldspot": "XAUUSD"}`): read by `manage.py mappings import`, and loaded by
the supervisor of the server's machine whenever the file changes.

The supervisor looks once a second, a stat: the file is read only when its
stamp (modification time and size) moved. It is loaded as `mappings import`
loads it: its names are added or changed, none is deleted, so mappings made
in the admin or the API stay. The stamp of the last load is kept beside the
file (`.custom_mappings.json.loaded`): a supervisor that starts loads a file
edited while the bot was stopped, and does not load an unchanged one over a
mapping changed in the admin since.
"""

import json
import logging
import re
from pathlib import Path

from django.conf import settings
from django.db import transaction

from ea import protocol
from mapping.models import SymbolMapping, clean_alias

log = logging.getLogger("mt5bot.mapping")

SEED_FILE = "custom_mappings.json"
SYMBOL = re.compile(r"[^\s\"'\\,;`<>|]{1,64}")


class SeedError(ValueError):
    """The file's text is not a mapping of names; the message says why."""


def default_path():
    return Path(settings.DATA_DIR) / SEED_FILE


def read_pairs(text):
    """{alias: symbol} from the seed's JSON, or SeedError saying why not."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise SeedError(f"Not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise SeedError('Expected an object such as {"goldspot": "XAUUSD"}.')
    pairs = {}
    for alias, symbol in data.items():
        if not (isinstance(symbol, str) and SYMBOL.fullmatch(symbol.strip())):
            raise SeedError(f"{alias!r}: {symbol!r} is not a symbol name.")
        if not SYMBOL.fullmatch(clean_alias(alias)):
            raise SeedError(f"{alias!r} is not a symbol name.")
        if clean_alias(alias) in pairs:
            raise SeedError(f"{alias!r} appears twice (case is ignored).")
        pairs[clean_alias(alias)] = symbol.strip()
    return pairs


@transaction.atomic
def save_pairs(pairs, account=None, replace=False):
    """All or nothing; returns (created, changed, deleted) counts."""
    existing = {m.alias: m for m in SymbolMapping.objects.filter(account=account)}
    created = changed = deleted = 0
    for alias, symbol in pairs.items():
        mapping = existing.get(alias)
        if mapping is None:
            SymbolMapping.objects.create(alias=alias, symbol=symbol, account=account)
            created += 1
        elif mapping.symbol != symbol:
            mapping.symbol = symbol
            mapping.save(update_fields=["symbol", "updated_at"])
            changed += 1
    if replace:
        for alias in sorted(set(existing) - set(pairs)):
            existing[alias].delete()
            deleted += 1
    return created, changed, deleted


class SeedFile:
    """The file as one long-lived process watches it (the supervisor)."""

    def __init__(self, path=None):
        self.path = Path(path) if path else default_path()
        self.record = self.path.with_name(f".{self.path.name}.loaded")
        self.seen = None  # the stamp looked at last, loaded or refused

    def stamp(self):
        try:
            info = self.path.stat()
        except OSError:
            return None
        return f"{info.st_mtime_ns} {info.st_size}"

    def check(self):
        """Load the file when it changed; True when that changed a mapping.
        A file that does not read is logged once per change and changes
        nothing: the mappings loaded before stay."""
        stamp = self.stamp()
        if stamp is None or stamp == self.seen:
            return False
        self.seen = stamp
        if self.loaded_stamp() == stamp:
            return False
        try:
            pairs = read_pairs(self.path.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError, SeedError) as exc:
            log.warning(
                "%s not loaded (the mappings stay as they were): %s", self.path, exc
            )
            return False
        created, changed, _ = save_pairs(pairs)
        protocol.write_atomic(self.record.parent, self.record.name, stamp + "\n")
        log.info(
            "loaded %s: %s mapping(s), %s new, %s changed",
            self.path,
            len(pairs),
            created,
            changed,
        )
        return bool(created or changed)

    def loaded_stamp(self):
        try:
            return self.record.read_text(encoding="utf-8").strip()
        except OSError:
            return None
