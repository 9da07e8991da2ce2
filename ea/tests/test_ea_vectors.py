"""Every golden vector in ea/vectors/, replayed through the MQL5 EA built
natively (ea/linux/), judged by the same code as the paper terminal's replay.
A vector the two terminals answer differently fails here or there."""

import copy

import pytest

from ea.linux import native
from ea.paper import replay

VECTORS = replay.load_all()


@pytest.mark.parametrize("vector", VECTORS, ids=lambda v: v["name"])
def test_vector(vector, ea_binary, tmp_path):
    assert native.replay_vector(ea_binary, vector, tmp_path) == []


@pytest.mark.parametrize(
    ("name", "change"),
    [
        ("close_all_include_manual", lambda e: e.update(balance=10183.5)),
        ("buy_ioc_only_symbol_pips_2_digits",
         lambda e: e["requests"][0].update(type_filling="fok")),
        ("buy_return_only_exchange_symbol",
         lambda e: e["requests"][0].update(type_filling="ioc")),
        ("malformed_invalid_json", lambda e: e.update(result={"status": "rejected"})),
        # The UTC day would count 50 only; a margin level of 0 is MT5's "none".
        ("book_after_close", lambda e: e["book"].update(realized=50.0)),
        ("book_empty_account", lambda e: e["book"].update(margin_level=0)),
        ("book_after_open", lambda e: e["book"]["positions"][0].update(time=0)),
        ("restart_in_progress_unknown", lambda e: e.update(result=None)),
        ("already_executed", lambda e: e.update(requests=[{"retcode": 10009}])),
    ],
)  # fmt: skip
def test_a_wrong_expectation_is_caught(name, change, ea_binary, tmp_path):
    vector = copy.deepcopy(next(v for v in VECTORS if v["name"] == name))
    change(vector["expected"])
    assert native.replay_vector(ea_binary, vector, tmp_path) != []
