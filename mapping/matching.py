"""Choosing one broker symbol for an alert's symbol, against one broker's list.

In order: the exact name; a custom mapping (the caller passes the account's
aliases over the global ones); normalisation (case, markers, account-type
tails, the usual aliases: `names.parse`); a fuzzy score, only among symbols of
the same instrument; else a refusal naming the closest names. A wrong guess
trades the wrong instrument with real money, so an unknown instrument is
never guessed at.

Where the broker lists a cash CFD and a futures contract of the instrument,
`settled` then chooses the kind (`kinds`).

Pure and deterministic (`names` is; ties break by name), so the hash-seed test
can run it in bare subprocesses.
"""

from rapidfuzz import fuzz, process

from mapping.answers import Resolution, Unresolvable
from mapping.kinds import Kinds
from mapping.names import parse, strip_exchange

__all__ = ["BrokerIndex", "Resolution", "Unresolvable", "match", "settled"]

CLOSEST = 3


def preference(entry):
    """Among names of one instrument: tradable first, then the plainest."""
    tradable = entry.get("trade_mode") in (None, "", "full")
    return (not tradable, len(entry["name"]), entry["name"])


class BrokerIndex:
    """One broker's list, read once so that resolving is dictionary lookups.

    `by_clean` and `by_identity` keep, per key, the preferred name of those
    whose every part was understood; `pool` keeps every name of an instrument,
    with the text its fuzzy score is computed on.
    """

    def __init__(self, entries):
        entries = sorted(
            (e for e in entries if isinstance(e.get("name"), str) and e["name"]),
            key=preference,
        )
        self.names = tuple(sorted({e["name"] for e in entries}))
        self.exact = frozenset(self.names)
        self.upper = tuple(n.upper() for n in self.names)
        self.by_clean, self.by_identity, self.pool = {}, {}, {}
        self.kinds = Kinds()
        for entry in entries:
            name = parse(entry["name"])
            self.add(name)
            if self.kinds.add(entry, name):
                futures = self.pool.setdefault(f"{name.identity}/future", [])
                futures.append((name.canonical, name.text))

    def add(self, name):
        if name.strict:
            self.by_clean.setdefault(name.clean, name.text)
            if name.identity:
                self.by_identity.setdefault(name.identity, name.text)
        if name.identity:
            self.pool.setdefault(name.identity, []).append((name.canonical, name.text))

    def __len__(self):
        return len(self.names)

    def closest(self, text):
        """The names most like `text`, best first, for a refusal to show."""
        # `upper` is in name order and rapidfuzz keeps input order among equal
        # scores, so the pick among ties is the same in every process.
        found = process.extract(
            text.upper(), self.upper, scorer=fuzz.ratio, limit=CLOSEST
        )
        ranked = sorted((-score, self.names[i]) for _, score, i in found)
        return [f"{name} ({-score / 100:.2f})" for score, name in ranked[:CLOSEST]]


def match(index, text, aliases, threshold):
    """The Resolution for `text` on a broker whose list is `index` (None when
    not known yet), or raise Unresolvable. `aliases`: upper alias -> symbol."""
    symbol = strip_exchange(text)
    if index is not None and symbol in index.exact:
        return Resolution(symbol, "exact")
    target = aliases.get(symbol.upper())
    if target is not None:
        return via_alias(index, symbol, target, threshold)
    if index is None:
        return unchecked(symbol)
    return find(index, symbol, threshold) or refuse(index, symbol, threshold)


def settled(index, text, aliases, threshold, wanted):
    """`match`, then the contract kind (mapping.kinds): the Resolution for
    `text` on an account whose `contract_kind` is `wanted`."""
    found = match(index, text, aliases, threshold)
    if index is None:
        return found
    return index.kinds.settle(strip_exchange(text), found, aliases, wanted)


def via_alias(index, symbol, target, threshold):
    if index is None:
        return Resolution(target, "custom, unchecked")
    if target in index.exact:
        return Resolution(target, "custom")
    found = find(index, target, threshold)
    if found is None:
        raise Unresolvable(
            f"{symbol} is mapped to {target}, which is not on this broker's list; "
            f"closest: {', '.join(index.closest(target))}."
        )
    return Resolution(found.symbol, f"custom+{found.how}")


def unchecked(symbol):
    """No list to check against: only a name whose instrument is known is
    cleaned (xauusd.r -> XAUUSD); anything else goes as sent."""
    name = parse(symbol)
    if name.identity and name.strict and name.clean != symbol:
        return Resolution(name.clean, "rule, unchecked")
    return Resolution(symbol, "unchecked")


def find(index, symbol, threshold):
    name = parse(symbol)
    if name.strict:
        hit = index.by_clean.get(name.clean) or index.by_identity.get(name.identity)
        if hit:
            return Resolution(hit, "rule")
    score, hit = best_fuzzy(index, name)
    if hit and score >= threshold:
        return Resolution(hit, f"fuzzy {score:.2f}")
    return None


def best_fuzzy(index, name):
    """(score, name) of the best same-instrument candidate, or (0.0, None).
    Ties go to the first name in sort order, never to dict or set order."""
    pool = index.pool.get(name.identity, ()) if name.identity else ()
    scored = sorted(
        (-round(fuzz.ratio(name.canonical, canonical) / 100, 4), text)
        for canonical, text in pool
    )
    return (-scored[0][0], scored[0][1]) if scored else (0.0, None)


def refuse(index, symbol, threshold):
    name = parse(symbol)
    closest = ", ".join(index.closest(symbol)) or "none"
    if not name.identity:
        why = "its instrument is not known here, so no guess is made"
    elif name.identity not in index.pool:
        why = f"no symbol on it is the same instrument ({name.identity})"
    else:
        score, hit = best_fuzzy(index, name)
        why = f"the nearest same instrument, {hit}, scores {score:.2f} < {threshold}"
    raise Unresolvable(
        f"{symbol} is not on this broker's list of {len(index)} symbols and "
        f"{why}; closest: {closest}. A symbol mapping can name the right one."
    )
