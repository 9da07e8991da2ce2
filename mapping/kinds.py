"""Cash or futures: which contract of one instrument an alert gets.

A broker may list an index twice: a cash CFD and a dated futures contract
(XM: US100Cash and US100, GER40Cash and GER40). They differ in contract size,
expiry and rollover, and their names alone do not say which is which, so
`names` gives both one identity. The terminal's catalogue does: a futures
contract has calc_mode futures / exch_futures / exch_futures_forts, or an
expiration_time (ea/PROTOCOL.md section 5).

When the candidates for one instrument hold both kinds, the kind is chosen
by, in order: the symbol mapping of the alert's symbol (its target's kind), a
kind the alert's name marks itself (US100.cash, DJ30.f), the account's
`contract_kind`. With none (`ask`), the alert is refused as ambiguous naming
both. The chosen kind goes into the Resolution's `how`; its `note` names the
other contract, for history.

Lists written before these fields carry neither; the rules then stay as they
were: names alone, where only a futures tail (.f, Z25) marks a future.
"""

import re

from mapping.answers import Resolution, Unresolvable
from mapping.names import parse, strip_exchange, unwrap

CASH, FUTURES, ASK = "cash", "futures", "ask"
# SYMBOL_TRADE_CALC_MODE as the terminals write it (ea/PROTOCOL.md 5).
FUTURES_MODES = frozenset({"futures", "exch_futures", "exch_futures_forts"})
CASH_MARK = re.compile(r"(CASH|[._\- ]SPOT)$")
LABEL = {CASH: "a cash CFD", FUTURES: "a futures contract"}
ACCOUNT = "the account's contract kind"


def described(entry):
    """Whether a list entry carries the fields that tell the kinds apart."""
    return "calc_mode" in entry or "expiration_time" in entry


def kind_of(entry, name):
    """FUTURES or CASH for one list entry; `name` is its parsed name."""
    expiry = entry.get("expiration_time")
    dated = isinstance(expiry, int | float) and not isinstance(expiry, bool)
    if entry.get("calc_mode") in FUTURES_MODES or (dated and expiry > 0):
        return FUTURES
    return FUTURES if name.identity.endswith("/future") else CASH


def marked_kind(text):
    """The kind an alert's symbol names itself, or "" when it names none."""
    if parse(text).identity.endswith("/future"):
        return FUTURES
    return CASH if CASH_MARK.search(unwrap(strip_exchange(text))) else ""


class Kinds:
    """One broker list's contracts per instrument, read once with its index."""

    def __init__(self):
        self.described = False  # any entry says its kind: the rules apply
        self.kind = {}  # broker name -> CASH or FUTURES
        self.instrument = {}  # broker name -> its instrument ("index:NDX")
        self.listed = {}  # instrument -> {kind: names, preferred first}

    def add(self, entry, name):
        """Entries come in preference order (matching.preference). True when
        the catalogue says futures of a name that does not (XM's US100), so
        that an alert marking a future (US100.f) may match it."""
        self.described = self.described or described(entry)
        kind = self.kind[name.text] = kind_of(entry, name)
        base = name.identity.removesuffix("/future")
        if base and entry.get("trade_mode") != "disabled":
            self.instrument[name.text] = base
            self.listed.setdefault(base, {}).setdefault(kind, []).append(name.text)
        return kind == FUTURES and base == name.identity != ""

    def settle(self, text, found, aliases, wanted):
        """`found` (a Resolution of `text`), kept, moved to the other kind
        of its instrument, or refused; its `how` says the kind chosen."""
        if not self.described:
            return found
        got = self.kind.get(found.symbol, CASH)
        both = self.listed.get(self.instrument.get(found.symbol), {})
        want, why = self.asked(text, aliases, wanted)
        if len(both) < 2:
            if why != ACCOUNT and want and want != got:
                raise mismatch(text, found.symbol, got, why)
            return found if got == CASH else tagged(found, found.symbol, FUTURES)
        if not want:
            raise ambiguous(text, both)
        pick = found.symbol if want == got else both[want][0]
        other = both[FUTURES if want == CASH else CASH][0]
        note = (
            f"{text}: {pick} is {LABEL[want]}, chosen by {why} over "
            f"{LABEL[FUTURES if want == CASH else CASH]}, {other}"
        )
        return tagged(found, pick, want, note)

    def asked(self, text, aliases, wanted):
        """(kind, who named it): the mapping, the alert's symbol, or the
        account's setting; ("", ...) when the account says ask."""
        target = aliases.get(strip_exchange(text).upper())
        if target in self.kind:
            return self.kind[target], "its symbol mapping"
        marked = marked_kind(target or text)
        if marked:
            return marked, "its symbol mapping" if target else "the alert's symbol"
        return ("" if wanted == ASK else wanted or CASH), ACCOUNT


def tagged(found, symbol, kind, note=""):
    return Resolution(symbol, f"{found.how}; {kind}", note)


def ambiguous(text, both):
    return Unresolvable(
        f"{text} is listed as {LABEL[CASH]} ({', '.join(both[CASH])}) and as "
        f"{LABEL[FUTURES]} ({', '.join(both[FUTURES])}); this account's contract "
        "kind is `ask`, so none is chosen. Set it to cash or futures, or map "
        "the symbol to the one to trade.",
        code="symbol_ambiguous",
    )


def mismatch(text, symbol, got, why):
    wanted = CASH if got == FUTURES else FUTURES
    return Unresolvable(
        f"{text} names {LABEL[wanted]} ({why}), but this broker lists only "
        f"{LABEL[got]} of it, {symbol}. A symbol mapping can name it.",
    )
