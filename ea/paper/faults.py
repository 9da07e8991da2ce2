"""A paper broker that misbehaves like a real one, on purpose and reproducibly.

Real trade servers requote, time out, fill in part, drop the connection and
publish a position a moment after its deal. `Faults` makes the paper broker
do the same, so the terminals' handling of it can be tested (issue 14).

Every decision is a function of the seed and the send's number (the first
send of a process is 1): the same profile and seed give the same faults in
the same order, run after run. Time-based faults read the broker's clock, so
a test moves them with an injected clock. Nothing here is saved with the
broker's state: a restarted terminal starts its sequence again.

A profile is written `NAME[:SEED][,KEY=VALUE...]` or `KEY=VALUE,...`:
`perfect` (no faults: exactly the broker without this module), `realistic`,
`realistic:42`, `realistic,requote=0.1`, `requote=0.1,timeout=0.02,seed=7`.
"""

import dataclasses
import random

from ea.paper import rules
from ea.paper.symbols import EXPIRATIONS

# Retcodes the faults answer with (docs/mt5.md §6).
REQUOTE = 10004
TIMEOUT = 10012
PRICE_CHANGED = 10020
PRICE_OFF = 10021
TOO_MANY_REQUESTS = 10024
LOCKED = 10028
CONNECTION = 10031

# Per-send faults, drawn in this order from one number in [0, 1): the rates
# are shares of sends, and together at most 1. The `deal` ones apply only to
# market deals (a pending order is not requoted); `partial` only to IOC deals.
SEND_FAULTS = {
    "connection": (CONNECTION, "no connection to the trade server", "any"),
    "busy": (LOCKED, "request locked for processing (trade context busy)", "any"),
    "too_many": (TOO_MANY_REQUESTS, "too many requests", "any"),
    "requote": (REQUOTE, "requote", "deal"),
    "price_changed": (PRICE_CHANGED, "prices changed", "deal"),
    "price_off": (PRICE_OFF, "no quotes to process the request", "deal"),
    "timeout": (TIMEOUT, "request cancelled by timeout", "any"),
    "partial": (rules.DONE_PARTIAL, "done partially", "ioc"),
}
# Symbols listed as some brokers list them (switches, 0 or 1): `day_only`
# keeps DE40's pending orders for the day only (SYMBOL_EXPIRATION_MODE DAY:
# a GTC order is 10022), `instant_nofill` trades USDCHF on instant execution
# with no filling flag (only FOK fills it). docs/mt5.md §4 and §14.
SYMBOL_FAULTS = {
    "day_only": ("DE40", {"expiration_modes": EXPIRATIONS["day"]}),
    "instant_nofill": ("USDCHF", {"execution": "instant", "filling_modes": 0}),
}
# Shares and durations: `timeout_done` is the share of timeouts after which
# the order WAS executed (the caller cannot tell which); a disconnect lasts
# `disconnect` seconds at the end of every `disconnect_every` seconds from the
# start; a new position shows `visible_after` ms after its deal; a symbol has
# no tick for `notick` seconds after the terminal first asks for it.
SETTINGS = ("timeout_done", "disconnect", "disconnect_every", "visible_after",
            "notick", *SYMBOL_FAULTS)  # fmt: skip
DEFAULTS = {"timeout_done": 0.5, "disconnect": 0.0, "disconnect_every": 0.0,
            "visible_after": 0.0, "notick": 0.0,
            **dict.fromkeys(SYMBOL_FAULTS, 0.0)}  # fmt: skip

# A busy day at a retail broker, at the high end on purpose so that a soak
# run of 10,000 alerts meets every fault tens of times: requotes a few % of
# market deals (instant-execution symbols on news), price changes and "no
# quotes" about 1 % and 0.5 %, throttling, lost connection and a locked
# trade context a few in a thousand, timeouts well under 1 % (half of them
# after the order went through), one IOC deal in twenty filled in part, a
# 5 s reconnect every 10 minutes, positions published 200 ms after the deal
# a first tick half a second after a symbol is selected, and both awkward
# symbols.
PROFILES = {
    "perfect": {},
    "realistic": {
        "connection": 0.003,
        "busy": 0.002,
        "too_many": 0.003,
        "requote": 0.02,
        "price_changed": 0.01,
        "price_off": 0.005,
        "timeout": 0.003,
        "partial": 0.05,
        "disconnect": 5.0,
        "disconnect_every": 600.0,
        "visible_after": 200.0,
        "notick": 0.5,
        "day_only": 1,
        "instant_nofill": 1,
    },
}


class FaultsError(ValueError):
    """A profile that cannot be read; the message says what is wrong."""


class Faults:
    def __init__(self, seed=0, script=(), **values):
        self.seed = seed
        # Tests: the faults the first sends meet, in order (None: no fault;
        # "partial:0.6" fills that share), before the rates take over;
        # never part of a profile's text.
        self.script = list(script)
        self.rates = {k: float(values.get(k, 0.0)) for k in SEND_FAULTS}
        self.settings = {k: float(values.get(k, DEFAULTS[k])) for k in SETTINGS}
        _check(self.rates, self.settings)
        self.sends = 0
        self.start = None  # the clock at the first look: disconnects count from it
        self.born = {}  # position ticket -> when its deal was made
        self.selected = {}  # symbol -> when the terminal first asked for its tick

    @classmethod
    def parse(cls, text, default_seed=0):
        """A profile from its text (see the module's docstring)."""
        values, seed = _parse(text)
        return cls(default_seed if seed is None else seed, **values)

    @property
    def active(self):
        """False for `perfect`: the broker then skips this module entirely."""
        timed = ("disconnect", "visible_after", "notick", *SYMBOL_FAULTS)
        return (
            bool(self.script)
            or any(self.rates.values())
            or any(self.settings[k] for k in timed)
        )

    def describe(self):
        """The profile as text `parse` reads back, for the log."""
        values = {**self.rates, **self.settings}
        shown = [f"{k}={v:g}" for k, v in values.items()
                 if v != DEFAULTS.get(k, 0.0)]  # fmt: skip
        return ",".join([*shown, f"seed={self.seed}"])

    def symbols(self, specs):
        """`specs` (name -> Spec) with the symbol faults applied, as a new
        dict: the paper list itself is never changed."""
        specs = dict(specs)
        for key, (name, changes) in SYMBOL_FAULTS.items():
            if self.settings[key] and name in specs:
                specs[name] = dataclasses.replace(specs[name], **changes)
        return specs

    # --- what the terminal sees ----------------------------------------------

    def connected(self, now):
        """False inside a disconnect window: the last `disconnect` seconds of
        every `disconnect_every` seconds since the first look."""
        if not self.settings["disconnect"]:
            return True
        if self.start is None:
            self.start = now
        every = self.settings["disconnect_every"]
        return (now - self.start) % every < every - self.settings["disconnect"]

    def next_change(self, now):
        """Seconds from `now` until `connected` turns, so an idle terminal
        wakes for it (commands wait as files while it is offline); None
        without disconnect windows or before the first look starts them."""
        if not self.settings["disconnect"] or self.start is None:
            return None
        every = self.settings["disconnect_every"]
        into, online = (now - self.start) % every, every - self.settings["disconnect"]
        return (online if into < online else every) - into

    def visible(self, position, now):
        born = self.born.get(position["ticket"])
        return born is None or now >= born + self.settings["visible_after"] / 1000

    def tick(self, name, quote, now):
        """(0.0, 0.0), MT5's empty tick, until `notick` seconds after the
        terminal first asked for this symbol (its SymbolSelect)."""
        first = self.selected.setdefault(name, now)
        return (0.0, 0.0) if now < first + self.settings["notick"] else quote

    # --- what the trade server answers ---------------------------------------

    def send(self, broker, request):
        """The broker's answer to `request` under this profile: refused without
        effect, executed and answered with a timeout, filled in part, or as
        the perfect broker would."""
        self.sends += 1
        now = broker.clock()
        if not self.connected(now):
            return rules.answer(CONNECTION, "no connection: the terminal is offline")
        # A text seed goes through SHA-512, not hash(): the same draws in every
        # process, whatever PYTHONHASHSEED is.
        rng = random.Random(f"{self.seed}:{self.sends}")  # noqa: S311 - not secrets
        number = rng.random()
        share = None
        if self.script:
            kind, _, share = (self.script.pop(0) or "").partition(":")
            kind = kind if kind and _applies(SEND_FAULTS[kind][2], request) else None
            share = float(share) if share else None
        else:
            kind = self._draw(number, request)
        if kind is None:
            return self.watch(broker, lambda: broker.execute(request))
        if kind == "timeout":
            return self._timeout(broker, request, rng)
        if kind == "partial":
            return self._partial(broker, request, share or rng.uniform(0.2, 0.8))
        retcode, comment, _ = SEND_FAULTS[kind]
        return rules.answer(retcode, comment)

    def _draw(self, number, request):
        """The fault this send meets, or None; one that does not apply to the
        request (a requote on a pending order) is no fault."""
        edge = 0.0
        for kind, (_, _, applies) in SEND_FAULTS.items():
            edge += self.rates[kind]
            if number < edge:
                return kind if _applies(applies, request) else None
        return None

    def _timeout(self, broker, request, rng):
        """10012: the answer is lost; whether the order went through is the
        second draw's, and the caller cannot tell which."""
        if rng.random() < self.settings["timeout_done"]:
            self.watch(broker, lambda: broker.execute(request))
        retcode, comment, _ = SEND_FAULTS["timeout"]
        return rules.answer(retcode, comment)

    def _partial(self, broker, request, share):
        """10010: an IOC deal filled for `share` of its volume; the rest is
        cancelled (a close leaves that much of the position open)."""
        spec = broker.spec(request.get("symbol"))
        part = _part_volume(spec, request.get("volume"), share)
        if part is None:
            return self.watch(broker, lambda: broker.execute(request))
        result = self.watch(broker, lambda: broker.execute({**request, "volume": part}))
        if result["retcode"] != rules.DONE:
            return result
        comment = f"done partially: {part} of {request['volume']}"
        return {**result, "retcode": rules.DONE_PARTIAL, "comment": comment}

    def watch(self, broker, act):
        """Run `act`; a position it created becomes visible only
        `visible_after` ms later."""
        if not self.settings["visible_after"]:
            return act()
        before = {p["ticket"] for p in broker.positions}
        result = act()
        now, delay = broker.clock(), self.settings["visible_after"] / 1000
        # Forget the positions already shown, so a long soak stays small.
        self.born = {t: at for t, at in self.born.items() if now < at + delay}
        for position in broker.positions:
            if position["ticket"] not in before:
                self.born[position["ticket"]] = now
        return result


def _applies(applies, request):
    if applies == "any":
        return True
    if request.get("action") != "deal":
        return False
    return applies == "deal" or request.get("type_filling") == "ioc"


def _part_volume(spec, volume, share):
    """`share` of `volume` floored to the step; None when no smaller volume
    of at least the minimum exists (a minimum-size deal fills whole)."""
    if spec is None or not isinstance(volume, int | float) or volume <= 0:
        return None
    steps = int(volume * share / spec.volume_step + 1e-9)
    part = round(steps * spec.volume_step, 8)
    if part < spec.volume_min - 1e-9 or part >= volume - 1e-9:
        return None
    return part


# --- reading a profile --------------------------------------------------------


def _parse(text):
    """(values, seed or None) from a profile's text."""
    text = (text or "").strip() or "perfect"
    items = [item.strip() for item in text.split(",")]
    values, seed = {}, None
    if "=" not in items[0]:
        name, _, seed_text = items.pop(0).partition(":")
        if name not in PROFILES:
            raise FaultsError(
                f"unknown fault profile {name!r}: use one of {', '.join(PROFILES)}"
                " or KEY=VALUE pairs"
            )
        values = dict(PROFILES[name])
        seed = _seed(seed_text) if seed_text else None
    given = set()
    for item in items:
        key, value = _pair(item)
        if key in given:
            raise FaultsError(f"fault {key!r} given twice")
        given.add(key)
        if key == "seed":
            seed = _seed(value)
        else:
            values[key] = _number(key, value)
    return values, seed


def _pair(item):
    key, sep, value = item.partition("=")
    key = key.strip()
    if not sep or not key:
        raise FaultsError(f"{item!r} is not KEY=VALUE")
    if key != "seed" and key not in SEND_FAULTS and key not in SETTINGS:
        known = ", ".join([*SEND_FAULTS, *SETTINGS, "seed"])
        raise FaultsError(f"unknown fault {key!r}: known are {known}")
    return key, value.strip()


def _seed(text):
    try:
        seed = int(text)
    except ValueError:
        raise FaultsError(f"seed {text!r} is not a whole number") from None
    if seed < 0:
        raise FaultsError(f"seed {seed} is negative")
    return seed


def _number(key, text):
    try:
        value = float(text)
    except ValueError:
        raise FaultsError(f"{key}={text!r} is not a number") from None
    if value != value or value in (float("inf"), float("-inf")) or value < 0:
        raise FaultsError(f"{key}={text!r} must be a finite number, at least 0")
    return value


def _check(rates, settings):
    """Rates are shares of sends (at most 1 together); a disconnect fits
    inside its period."""
    for key, value in {**rates, "timeout_done": settings["timeout_done"]}.items():
        if not 0 <= value <= 1:
            raise FaultsError(f"{key}={value:g} is a share: between 0 and 1")
    if sum(rates.values()) > 1 + 1e-9:
        raise FaultsError(
            f"the send fault rates add up to {sum(rates.values()):g}, above 1"
        )
    for key in SYMBOL_FAULTS:
        if settings[key] not in (0, 1):
            raise FaultsError(f"{key}={settings[key]:g} is a switch: 0 or 1")
    down, every = settings["disconnect"], settings["disconnect_every"]
    if down and not down < every:
        raise FaultsError(
            f"disconnect={down:g} needs disconnect_every above it (now {every:g})"
        )
