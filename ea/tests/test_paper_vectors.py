"""Every golden vector in ea/vectors/, replayed through the paper terminal."""

import copy
import json

import pytest

from ea import protocol
from ea.paper import replay
from ea.vectors import build

VECTORS = replay.load_all()


def test_there_are_vectors_for_every_action():
    actions = {v["command"]["action"] for v in VECTORS if "command" in v}
    assert actions >= set(protocol.ACTIONS)
    assert len(VECTORS) >= 60


@pytest.mark.parametrize("vector", VECTORS, ids=lambda v: v["name"])
def test_vector(vector, tmp_path):
    problems = replay.compare(vector, replay.run(vector, tmp_path))
    assert problems == []


@pytest.mark.parametrize("vector", VECTORS, ids=lambda v: v["name"])
def test_vector_commands_are_what_the_server_writes(vector):
    if "command" not in vector:
        # A file the server would never write, or nothing dropped at all.
        assert set(vector.get("command_file", {"name": 1, "text": 1})) == {
            "name",
            "text",
        }
        return
    command = vector["command"]
    # As a server writes it now (with the optional fields) or did before.
    fields = list(protocol.COMMAND_FIELDS)
    assert list(command) in (fields, fields + list(protocol.OPTIONAL_COMMAND_FIELDS))
    assert protocol.loads_flat(protocol.dumps(command)) == command


# Every case the EA issue (#6) asks the vectors to cover, by vector name.
REQUIRED = {
    "market order": "buy_market_sl_tp_prices",
    "pending order": "buy_limit_points_from_order_price",
    "CLOSE": "close_ticket_full",
    "CLOSE_SYMBOL": "close_symbol_leaves_manual",
    "CLOSE_LONG": "close_long_only",
    "CLOSE_SHORT": "close_short_only",
    "CLOSE_ALL": "close_all_ours_only",
    "partial close": "close_ticket_partial",
    "modify": "modify_ticket_prices",
    "cancel": "cancel_ticket_manual",
    "expired": "expired",
    "another login": "wrong_account",
    "volume below minimum": "volume_below_min",
    "volume off-step": "volume_normalised_down",
    "stops too close": "invalid_stops_inside_level",
    "IOC-only symbol": "buy_ioc_only_symbol_pips_2_digits",
    "RETURN-only symbol": "buy_return_only_exchange_symbol",
    "netting reversal": "netting_reverse",
    "risk-percent sizing": "risk_percent_sizing",
    "malformed file": "malformed_invalid_json",
    "file still being written": "file_still_being_written",
    "restart with a command in progress": "restart_in_progress_unknown",
}


def test_the_issue_list_is_covered():
    names = {v["name"] for v in VECTORS}
    assert {case: name for case, name in REQUIRED.items() if name not in names} == {}


def test_the_files_are_what_build_writes():
    expected = [build.render(v) for v in build.all_vectors()]
    on_disk = [p.read_text() for p in sorted(replay.VECTORS.glob("*.json"))]
    assert on_disk == expected, "run: .venv/bin/python -m ea.vectors.build"


@pytest.mark.parametrize(
    ("name", "change"),
    [
        ("close_all_include_manual", lambda e: e.update(balance=10183.5)),
        ("volume_point_three_stays", lambda e: e["result"].update(volume=0.29)),
        ("close_symbol_leaves_manual", lambda e: e["positions"].pop()),
        ("buy_ioc_only_symbol_pips_2_digits",
         lambda e: e["requests"][0].update(type_filling="fok")),
        ("unknown_symbol", lambda e: e.update(message_contains="guessed")),
        ("malformed_invalid_json", lambda e: e.update(result={"status": "rejected"})),
        # The UTC day would count 50 only; a margin level of 0 is MT5's "none".
        ("book_after_close", lambda e: e["book"].update(realized=50.0)),
        ("book_empty_account", lambda e: e["book"].update(margin_level=0)),
        ("book_after_open", lambda e: e["book"]["positions"][0].update(time=0)),
        ("expired", lambda e: e.update(requests=[{"retcode": 10009}])),
    ],
)  # fmt: skip
def test_a_wrong_expectation_is_caught(name, change, tmp_path):
    vector = copy.deepcopy(next(v for v in VECTORS if v["name"] == name))
    change(vector["expected"])
    assert replay.compare(vector, replay.run(vector, tmp_path)) != []


def test_vectors_are_plain_ascii_json():
    for path in replay.VECTORS.glob("*.json"):
        text = path.read_text(encoding="ascii")
        assert json.loads(text)["name"] in path.name
