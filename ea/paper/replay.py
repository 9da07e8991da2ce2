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
from ea.paper.limits import TerminalLimits
from ea.paper.market import Market
from ea.paper.state import JOURNAL, ExecutedIds, Journal, Store
from ea.paper.symbols import BY_NAME, Spec
from ea.paper.terminal import Terminal

VECTORS = Path(__file__).resolve().parent.parent / "vectors"
FIELDS = {f.name for f in dataclasses.fields(Spec)}
TOLERANCE = 1e-9


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


def build(vector, folder):
    """A terminal on `folder` whose broker is in the vector's starting state."""
    state = vector["state"]
    now = state["now"]
    market = Market(1, now, specs=specs_for(state))
    for name, quote in state["prices"].items():
        market.set_quote(name, quote["bid"], quote["ask"])
    broker = Broker(
        market, state["margin_mode"], state["balance"], state["currency"], lambda: now
    )
    broker.positions = [{"comment": "", "time": now, **p} for p in state["positions"]]
    broker.orders = [{"comment": "", "time": now, **o} for o in state["orders"]]
    broker.next_ticket, broker.next_deal = state["next_ticket"], state["next_deal"]
    broker.closed_symbols = set(state.get("market_closed", []))
    executed = ExecutedIds(folder)
    for command_id in state.get("executed_ids", []):
        executed.add(command_id)
    return Terminal(
        folder, state["login"], broker, Store(folder), Journal(folder), executed,
        clock=lambda: now, limits=terminal_limits(state),
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
        "requests": requests,
        "positions": broker.positions,
        "orders": broker.orders,
        "balance": broker.balance,
        "files": sorted(os.listdir(folder)),
    }


def compare(vector, outcome):
    """Differences between `vector["expected"]` and `outcome`, as text."""
    expected = vector["expected"]
    problems = _compare_result(expected, outcome["result"])
    wanted = 0 if expected["result"] is None else 1
    if len(outcome["results"]) != wanted:
        problems.append(f"{wanted} result file(s) expected: {outcome['results']}")
    problems += _compare_list("requests", expected["requests"], outcome["requests"])
    for key in ("positions", "orders"):
        if key in expected:
            problems += _compare_list(key, expected[key], _by_ticket(outcome[key]))
    if "balance" in expected and not _same(expected["balance"], outcome["balance"]):
        problems.append(f"balance {outcome['balance']}, expected {expected['balance']}")
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
