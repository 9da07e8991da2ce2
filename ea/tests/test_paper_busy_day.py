"""A busy day on a misbehaving broker (issue 14): the realistic profile over
thousands of commands of every kind, straight through the paper terminal's
trading and through its folder and journal. Nothing executes twice, every
refusal proves nothing executed, every position opened is in a result. Time
moves only through the test clock."""

import collections
import json

from ea import bounds
from ea.paper import rules
from ea.paper.faults import Faults
from ea.paper.state import JOURNAL

from .conftest import Desk, command, drop, make_broker, result_of

# Commands of every kind, in a cycle that opens, reverses, modifies, places,
# cancels and closes.
BUSY_PLAN = [
    ("BUY", "EURUSD", {"volume": 0.1, "sl_points": 500}),
    ("SELL", "XAUUSD", {"volume": 0.5}),
    ("BUY", "XAUUSD", {"volume": 1.0, "close_first": "short"}),
    ("CLOSE_SYMBOL", "XAUUSD", {}),
    ("MODIFY", "EURUSD", {"tp_points": 800}),
    ("BUY", "EURUSD", {"order_type": "limit", "price": 1.05, "volume": 0.1}),
    ("CANCEL", "EURUSD", {}),
    ("SELL", "EURUSD", {"volume": 0.2}),
    ("CLOSE_ALL", "", {}),
]


def busy_day(clock, count, seed):
    """`count` commands of every kind on a realistic broker, half a second
    apart; yields (command, result, requests sent, deals made)."""
    broker = make_broker(clock=clock, balance=1e7)
    # Requotes at 30 %, not 2 %: enough that retries sometimes run out.
    broker.use_faults(Faults.parse(f"realistic:{seed},requote=0.3"))
    desk = Desk(broker)
    desk.ttl = 4  # short: a command that meets a 5 s disconnect expires
    for n in range(count):
        action, symbol, fields = BUSY_PLAN[n % len(BUSY_PLAN)]
        first_deal = broker.next_deal
        result = desk(action, symbol, **fields)
        deals = [d for d in broker.deals if d["ticket"] >= first_deal]
        yield action, result, desk.sent, deals
        clock.sleep(0.5)


def test_a_busy_day_stays_exactly_once_and_honest(clock):
    counts = collections.Counter()
    for action, result, sent, deals in busy_day(clock, 5000, seed=42):
        counts[result["status"], result["retcode"]] += 1
        opening = [req for req, _ in sent if not req.get("position")
                   and req["action"] in ("deal", "pending")]  # fmt: skip
        taken = [res for req, res in sent if req in opening
                 and res["retcode"] in (*rules.ACCEPTED, 10012)]  # fmt: skip
        assert len(taken) <= 1, (action, result)  # one order per command, at most
        if result["status"] == "rejected":
            assert result["retcode"] not in (*rules.ACCEPTED, 10012)
            if not result.get("closed"):
                assert deals == [], (action, result)
        for deal in deals:
            if deal["entry"] == "in" and action in ("BUY", "SELL"):
                assert result["status"] in ("executed", "unknown"), result
                if result["status"] == "executed":
                    assert result["ticket"] == deal["position"]
    statuses = {status for status, _ in counts}
    assert statuses == {"executed", "rejected", "unknown", "expired"}, counts
    assert counts["rejected", 10004] and counts["unknown", 10012], counts
    assert counts["executed", 10010], counts  # partial fills met, and said


def test_a_busy_day_through_the_terminals_files(clock, make_terminal, tmp_path):
    """The same day through a terminal's folder (results, journal): one
    result per command, each one the server would store, and the journal
    shows no request twice and no trade behind a rejection or expiry
    (a reversal's closes excepted: the result says `closed: n`)."""
    broker = make_broker(clock=clock, balance=1e7)
    broker.use_faults(Faults.parse("realistic:7,requote=0.3"))
    terminal = make_terminal(broker, monotonic=clock)
    results = {}
    for n in range(600):
        action, symbol, fields = BUSY_PLAN[n % len(BUSY_PLAN)]
        data = command(action, symbol, expires_at=clock() + 4, **fields)
        name = drop(tmp_path, data)
        terminal.drain_commands()
        results[data["id"]] = bounds.check_result(result_of(tmp_path, name))
        clock.sleep(0.5)
    journal = [json.loads(line) for line in (tmp_path / JOURNAL).open()]
    requests = collections.Counter((line["id"], line["n"]) for line in journal)
    assert max(requests.values()) == 1
    for line in journal:
        result = results[line["id"]]
        if line["retcode"] in rules.ACCEPTED and not result.get("closed"):
            assert result["status"] in ("executed", "unknown"), (line, result)
    statuses = collections.Counter(r["status"] for r in results.values())
    assert set(statuses) >= {"executed", "unknown", "rejected"}, statuses
