"""Golden vectors (ea/vectors/*.json): set a broker up as a vector says, drop
its command file, run one pass of the terminal, and compare with `expected`.

ea/vectors/README.md describes the format. `compare` returns the differences
as text, so a replay of the MQL5 EA can reuse it on what the EA produced.
"""

import dataclasses
import json
import math
import os
from pathlib import Path

from ea import protocol
from ea.paper.broker import Broker
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
    """The paper symbols, with the vector's own specifications on top."""
    specs = dict(BY_NAME)
    for name, entry in state.get("symbols", {}).items():
        known = {k: v for k, v in entry.items() if k in FIELDS}
        base = specs.get(name)
        specs[name] = dataclasses.replace(base, **known) if base else Spec(**known)
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
        clock=lambda: now,
    )  # fmt: skip


def command_file(vector):
    """(name, bytes) of the vector's command file."""
    if "command_file" in vector:
        raw = vector["command_file"]
        return raw["name"], raw["text"].encode("utf-8")
    command = vector["command"]
    name = protocol.command_name(command["seq"], command["id"])
    return name, protocol.dumps(command).encode("ascii")


def run(vector, folder):
    """What the terminal did with the vector's command."""
    folder = Path(folder)
    terminal = build(vector, folder)
    name, raw = command_file(vector)
    temp = folder / f"{protocol.TEMP_PREFIX}vector{protocol.TEMP_SUFFIX}"
    temp.write_bytes(raw)  # bytes as given: a malformed file may not be ASCII
    os.replace(temp, folder / name)
    terminal.drain_commands()
    result_path = folder / protocol.result_name(name)
    journal = folder / JOURNAL
    lines = journal.read_text().splitlines() if journal.exists() else []
    broker = terminal.broker
    return {
        "result": protocol.read_flat(result_path) if result_path.exists() else None,
        "requests": [json.loads(line) for line in lines],
        "positions": broker.positions,
        "orders": broker.orders,
        "balance": broker.balance,
        "files": sorted(os.listdir(folder)),
    }


def compare(vector, outcome):
    """Differences between `vector["expected"]` and `outcome`, as text."""
    expected = vector["expected"]
    problems = _compare_result(expected, outcome["result"])
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
        return math.isclose(want, got, rel_tol=0, abs_tol=TOLERANCE * max(1, abs(want)))
    return want == got


def _by_ticket(items):
    return sorted(items, key=lambda item: item["ticket"])
