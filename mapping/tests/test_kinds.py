"""Cash or futures (mapping/kinds.py): on a broker that lists an index as a
cash CFD and as a dated future (XM), the kind is never chosen silently."""

import pytest

from mapping.matching import BrokerIndex, Unresolvable, settled
from mapping.tests.brokers import BROKERS, XM, cash_index, index_future, listing

INDEX = BrokerIndex(XM)
REFUSED = None

CASES = [
    # alert symbol, contract_kind, expected broker symbol (None: refused), how
    ("US100", "cash", "US100Cash", "exact; cash"),
    ("NAS100", "cash", "US100Cash", "rule; cash"),
    ("USTEC", "cash", "US100Cash", "rule; cash"),
    ("OANDA:NAS100USD", "cash", "US100Cash", "rule; cash"),
    ("US100Cash", "cash", "US100Cash", "exact; cash"),
    ("GER40", "cash", "GER40Cash", "exact; cash"),
    ("DE40", "cash", "GER40Cash", "rule; cash"),
    ("DAX40", "cash", "GER40Cash", "rule; cash"),
    ("JP225", "cash", "JP225Cash", "exact; cash"),
    ("NIKKEI225", "cash", "JP225Cash", "rule; cash"),
    ("US30", "cash", "US30Cash", "exact; cash"),  # a CFD formula, but dated
    ("DJ30", "cash", "US30Cash", "rule; cash"),
    ("US100", "futures", "US100", "exact; futures"),
    ("NAS100", "futures", "US100", "rule; futures"),
    ("GER40Cash", "futures", "GER40Cash", "exact; cash"),  # the alert says cash
    ("DE40.cash", "futures", "GER40Cash", "rule; cash"),
    ("US100.f", "cash", "US100", "fuzzy 0.83; futures"),  # the alert says future
    ("JP225", "futures", "JP225", "exact; futures"),
    ("NAS100", "ask", REFUSED, "symbol_ambiguous"),
    ("US100", "ask", REFUSED, "symbol_ambiguous"),
    ("GER40", "ask", REFUSED, "symbol_ambiguous"),
    ("JP225", "ask", REFUSED, "symbol_ambiguous"),
    ("US100Cash", "ask", "US100Cash", "exact; cash"),
    ("US500", "ask", "US500Cash", "rule"),  # one kind listed: nothing to ask
    ("UK100", "futures", "UK100Cash", "rule"),
    ("EURUSD", "ask", "EURUSD", "exact"),
    ("XAUUSD", "futures", "GOLD", "rule"),
    ("EURJPY", "cash", REFUSED, "symbol_not_found"),
]


def answer(index, symbol, kind, aliases=None):
    try:
        found = settled(index, symbol, aliases or {}, 0.6, kind)
    except Unresolvable as exc:
        return REFUSED, exc.code
    return found.symbol, found.how


@pytest.mark.parametrize(("symbol", "kind", "expected", "how"), CASES)
def test_the_kind_is_the_alerts_or_the_accounts_else_refused(
    symbol, kind, expected, how
):
    assert answer(INDEX, symbol, kind) == (expected, how)


def test_the_refusal_lists_both_contracts():
    with pytest.raises(Unresolvable) as refused:
        settled(INDEX, "NAS100", {}, 0.6, "ask")
    detail = refused.value.detail
    assert "a cash CFD (US100Cash)" in detail and "a futures contract (US100)" in detail


def test_the_note_names_the_contract_not_chosen():
    found = settled(INDEX, "NAS100", {}, 0.6, "cash")
    assert found.note == (
        "NAS100: US100Cash is a cash CFD, chosen by the account's contract kind "
        "over a futures contract, US100"
    )
    assert "chosen by the alert's symbol" in settled(INDEX, "US100.f", {}, 0.6, "").note


@pytest.mark.parametrize(
    ("aliases", "symbol", "expected", "how"),
    [
        ({"NAS": "US100"}, "NAS", "US100", "custom; futures"),
        ({"US100": "US100"}, "US100", "US100", "exact; futures"),
        ({"NAS": "US100Cash"}, "NAS", "US100Cash", "custom; cash"),
        ({"DAX": "DE40"}, "DAX", REFUSED, "symbol_ambiguous"),  # names no kind
    ],
)
def test_a_mapping_names_the_kind_over_the_account(aliases, symbol, expected, how):
    assert answer(INDEX, symbol, "ask", aliases) == (expected, how)


def test_an_alert_naming_cash_is_refused_where_only_a_future_is_listed():
    index = BrokerIndex([index_future("GER40", "Germany 40 Futures", 25, "EUR")])
    assert answer(index, "DE40", "cash") == ("GER40", "rule; futures")
    assert answer(index, "GER40Cash", "cash") == (REFUSED, "symbol_not_found")


def test_a_disabled_future_leaves_nothing_to_choose_between():
    future = {**index_future("US100", "futures", 10, "USD"), "trade_mode": "disabled"}
    index = BrokerIndex([cash_index("US100Cash", "cash", 1, "USD"), future])
    assert answer(index, "NAS100", "ask") == ("US100Cash", "rule")


@pytest.mark.parametrize("broker", sorted(set(BROKERS) - {"xm"}))
def test_lists_without_the_catalogue_fields_resolve_as_before(broker):
    index = BrokerIndex(BROKERS[broker])
    for symbol in ("US30", "DJ30", "DJ30.f", "NAS100", "DE40", "JP225", "EURUSD"):
        for kind in ("cash", "futures", "ask"):
            assert answer(index, symbol, kind) == answer(index, symbol, "cash")


def test_names_alone_never_tell_the_kinds_apart():
    # Without the catalogue, XM's names read as one instrument each: this is
    # what used to pick the future US100 for NAS100, saying only "rule".
    names = BrokerIndex(listing(" ".join(entry["name"] for entry in XM)))
    assert answer(names, "NAS100", "cash") == ("US100", "rule")
