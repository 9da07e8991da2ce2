"""Golden vectors (ea/vectors/*.json): set a broker up as a vector says, drop
its files, start the terminal and run one pass, and compare with `expected`.

ea/vectors/README.md describes the format. `build`, `prepare`, `outcome` and
`compare` are shared with the MQL5 EA's replay (ea/linux/), so both
terminals are set up and judged by the same code.
"""

import dataclasses
import json
import math
import os
from pathlib import Path

from ea import protocol
from ea.paper.broker import Broker
from ea.paper.faults import Faults
from ea.paper.limits import TerminalLimits
from ea.paper.market import Market
from ea.paper.state import JOURNAL, ExecutedIds, Journal, Store
from ea.paper.symbols import BY_NAME, Spec
from ea.paper.terminal import Terminal

VECTORS = Path(__file__).resolve().parent.parent / "vectors"
FIELDS = {f.name for f in dataclasses.fields(Spec)}
TOLERANCE = 1e-9
# What a deal of `state.deals` has unless it says otherwise.
DEAL_DEFAULTS = {"magic": 0, "comment": "", "reason": "expert"}


def load_all(folder=VECTORS):
    return [json.loads(p.read_text()) for p in sorted(Path(folder).glob("*.json"))]


def specs_for(state):
    """The paper symbols, with the vector's own specifications on top; a
    symbol only the vector has gets its quote as the feed's settings."""
    specs = dict(BY_NAME)
    for name, entry in state.get("symbols", {}).items():
        known = {k: v for k, v in entry.items() if k in FIELDS}
        base = specs.get(name)
        if base is None:
            quote = state["prices"][name]
            spread = round((quote["ask"] - quote["bid"]) / entry["point"])
            specs[name] = Spec(base_price=quote["bid"], spread=spread, **known)
        else:
            specs[name] = dataclasses.replace(base, **known)
    return specs


class Clock:
    """The case's clock: `state.now`, moved only by the terminal's sleeps (a
    retry's pause, a wait for a tick or a position), so a case with faults
    plays the same on every machine and waits on no wall clock."""

    def __init__(self, now):
        self.now = float(now)

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def faults_for(state, clock):
    """The broker's faults from `state.faults` (README.md), or None: its
    `script` (the faults the first sends meet, in order), settings of
    ea/paper/faults.py, and `since`, how long the fault clock (its
    disconnect windows) has run before the case starts."""
    given = dict(state.get("faults") or {})
    if not given:
        return None
    since = given.pop("since", None)
    faults = Faults(script=given.pop("script", ()), **given)
    if since is not None:
        faults.start = clock() - since
    return faults


def build(vector, folder):
    """A terminal on `folder` whose broker is in the vector's starting state."""
    state = vector["state"]
    now = state["now"]
    clock = Clock(now)
    market = Market(1, clock(), specs=specs_for(state))
    for name, quote in state["prices"].items():
        market.set_quote(name, quote["bid"], quote["ask"])
    broker = Broker(
        market, state["margin_mode"], state["balance"], state["currency"], clock
    )
    broker.positions = [{"comment": "", "time": now, **p} for p in state["positions"]]
    broker.orders = [{"comment": "", "time": now, **o} for o in state["orders"]]
    broker.deals = [dict(DEAL_DEFAULTS, **d) for d in state.get("deals", [])]
    broker.server_offset = state.get("server_offset", 0)
    broker.next_ticket, broker.next_deal = state["next_ticket"], state["next_deal"]
    broker.closed_symbols = set(state.get("market_closed", []))
    faults = faults_for(state, clock)
    if faults is not None:
        broker.use_faults(faults)
    executed = ExecutedIds(folder)
    for command_id in state.get("executed_ids", []):
        executed.add(command_id)
    return Terminal(
        folder, state["login"], broker, Store(folder), Journal(folder), executed,
        clock=clock, sleep=clock.sleep, limits=terminal_limits(state),
    )  # fmt: skip


def terminal_limits(state):
    """The terminal's own limits a vector sets (`state.terminal_limits`,
    keys as TerminalLimits' fields; the EA's replay sets its inputs so)."""
    return TerminalLimits(**state.get("terminal_limits", {}))


def command_file(vector):
    """(name, bytes) of the vector's command file, or None when it has none."""
    if "command_file" in vector:
        raw = vector["command_file"]
        return raw["name"], raw["text"].encode("utf-8")
    if "command" not in vector:
        return None
    command = vector["command"]
    name = protocol.command_name(command["seq"], command["id"])
    return name, protocol.dumps(command).encode("ascii")


def prepare(vector, folder):
    """Put the vector's files in `folder` as a terminal would find them at
    start-up: those `state.files` lists (left by a crash, or being written),
    then the command file. Returns the command file's name, or None."""
    folder = Path(folder)
    for name, text in vector["state"].get("files", {}).items():
        (folder / name).write_bytes(text.encode("utf-8"))
    command = command_file(vector)
    if command is None:
        return None
    name, raw = command
    temp = folder / f"{protocol.TEMP_PREFIX}vector{protocol.TEMP_SUFFIX}"
    temp.write_bytes(raw)  # bytes as given: a malformed file may not be ASCII
    os.replace(temp, folder / name)
    return name


def run(vector, folder):
    """What the paper terminal did with the vector: it starts (reconciling
    what a crash left), then drains the folder once."""
    folder = Path(folder)
    terminal = build(vector, folder)
    name = prepare(vector, folder)
    terminal.reconcile()
    terminal.drain_commands()
    terminal.write_book()  # as the EA does when it stops
    journal = folder / JOURNAL
    lines = journal.read_text().splitlines() if journal.exists() else []
    return outcome(folder, name, [json.loads(line) for line in lines], terminal.broker)


def outcome(folder, name, requests, broker):
    """The outcome `compare` checks, from the folder and the broker after a
    terminal ran: the same for the paper terminal and the EA."""
    folder = Path(folder)
    results = sorted(p.name for p in folder.glob(f"{protocol.RESULT_PREFIX}*"))
    if name is not None:
        path = folder / protocol.result_name(name)
    else:  # no command dropped: the one result a start-up may have written
        path = folder / results[0] if len(results) == 1 else None
    return {
        "result": protocol.read_flat(path) if path and path.exists() else None,
        "results": results,
        "result_files": {r: protocol.read_flat(folder / r) for r in results},
        "requests": requests,
        "positions": broker.positions,
        "orders": broker.orders,
        "balance": broker.balance,
        "files": sorted(os.listdir(folder)),
        "book": _book(folder),
    }


def _book(folder):
    path = Path(folder) / protocol.BOOK
    return json.loads(path.read_text(encoding="ascii")) if path.exists() else None


def compare(vector, outcome):
    """Differences between `vector["expected"]` and `outcome`, as text."""
    expected = vector["expected"]
    problems = _compare_result(expected, outcome["result"])
    # Results of the command files `state.files` dropped before the case's.
    earlier = expected.get("earlier_results", {})
    for name, want in earlier.items():
        got = outcome["result_files"].get(name)
        if got is None:
            problems.append(f"no result {name}")
        else:
            problems += _compare_fields(name, want, got)
    wanted = (0 if expected["result"] is None else 1) + len(earlier)
    if len(outcome["results"]) != wanted:
        problems.append(f"{wanted} result file(s) expected: {outcome['results']}")
    problems += _compare_list("requests", expected["requests"], outcome["requests"])
    for key in ("positions", "orders"):
        if key in expected:
            problems += _compare_list(key, expected[key], _by_ticket(outcome[key]))
    if "balance" in expected and not _same(expected["balance"], outcome["balance"]):
        problems.append(f"balance {outcome['balance']}, expected {expected['balance']}")
    if "book" in expected:
        problems += _compare_book(expected["book"], outcome["book"])
    for name in expected.get("files_present", []):
        if name not in outcome["files"]:
            problems.append(f"file {name} missing (folder: {outcome['files']})")
    for name in expected.get("files_absent", []):
        if name in outcome["files"]:
            problems.append(f"file {name} should not exist")
    return problems


def _compare_result(expected, result):
    want = expected["result"]
    if want is None:
        return [] if result is None else [f"a result was written: {result}"]
    if result is None:
        return ["no result was written"]
    problems = _compare_fields("result", want, result)
    for key in expected.get("result_varies", []):
        if key not in result:
            problems.append(f"result.{key} missing")
    text = expected.get("message_contains", "")
    if text.lower() not in str(result.get("message", "")).lower():
        problems.append(f"message {result.get('message')!r} lacks {text!r}")
    return problems


def _compare_book(want, book):
    """The book's listed fields, and each of its lists whole, in its order."""
    if book is None:
        return ["no book was written"]
    lists = ("positions", "orders", "deals")
    problems = _compare_fields("book", {k: v for k, v in want.items()
                                        if k not in lists}, book)  # fmt: skip
    for key in lists:
        if key in want:
            problems += _compare_list(f"book.{key}", want[key], book.get(key, []))
    return problems


def _compare_list(what, expected, actual):
    if len(expected) != len(actual):
        return [f"{len(actual)} {what}, expected {len(expected)}: {actual}"]
    problems = []
    for index, (want, got) in enumerate(zip(expected, actual, strict=True)):
        problems += _compare_fields(f"{what}[{index}]", want, got)
    return problems


def _compare_fields(what, want, got):
    return [
        f"{what}.{key} = {got.get(key)!r}, expected {value!r}"
        for key, value in want.items()
        if key not in got or not _same(value, got[key])
    ]


def _same(want, got):
    numbers = (int, float)
    if isinstance(want, numbers) and isinstance(got, numbers):
        if isinstance(want, bool) or isinstance(got, bool):
            return want is got
        if type(want) is int and type(got) is int:
            return want == got  # a magic of 18 digits: no tolerance
        return math.isclose(want, got, rel_tol=0, abs_tol=TOLERANCE * max(1, abs(want)))
    return want == got


def _by_ticket(items):
    return sorted(items, key=lambda item: item["ticket"])
