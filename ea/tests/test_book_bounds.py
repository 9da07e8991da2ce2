"""The server's bounds on a terminal's book (ea/bounds.py, PROTOCOL.md
5.1): every number and string range-checked, lists capped, a book taken
whole or refused whole, and nothing it does not know kept."""

import copy
import json

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from ea import bounds, protocol
from ea.protocol import ProtocolError

POSITION = {
    "ticket": 50000001,
    "symbol": "EURUSD",
    "type": "buy",
    "volume": 0.1,
    "price_open": 1.085,
    "sl": None,
    "tp": 1.095,
    "swap": -0.5,
    "profit": 50.0,
    "magic": 20250001,
    "comment": "tv",
    "time": 1764000000,
}
ORDER = {
    "ticket": 50000002,
    "symbol": "EURUSD",
    "type": "buy_limit",
    "volume": 0.2,
    "price_open": 1.08,
    "sl": 1.07,
    "tp": None,
    "magic": 0,
    "comment": "",
    "time": 1764000000,
}
DEAL = {
    "ticket": 40000001,
    "order": 50000003,
    "position": 50000004,
    "symbol": "GBPUSD",
    "type": "sell",
    "entry": "out",
    "volume": 0.1,
    "price": 1.26,
    "profit": -12.5,
    "swap": 0,
    "commission": -0.7,
    "magic": 20250001,
    "comment": "[sl 1.26]",
    "time": 1763990000,
}
BOOK = {"protocol": 1, "login": "1123456", "time": 1764000000.25,
        "server_time": 1764007200, "server_offset": 7200, "day": "2025-11-24",
        "currency": "USD", "balance": 10000.0, "equity": 10049.5,
        "margin": 109.0, "margin_free": 9940.5, "margin_level": 9220.64,
        "profit": 49.5, "realized": -13.2, "positions_total": 1,
        "orders_total": 1, "deals_total": 1, "positions": [POSITION],
        "orders": [ORDER], "deals": [DEAL]}  # fmt: skip


def changed(change):
    book = copy.deepcopy(BOOK)
    change(book)
    return book


def test_a_good_book_is_kept_as_it_is():
    assert bounds.check_book(copy.deepcopy(BOOK)) == BOOK
    assert bounds.parse_book(json.dumps(BOOK).encode()) == BOOK


def test_fields_it_does_not_know_are_left_out():
    book = changed(lambda b: (b.update(later="x"), b["positions"][0].update(more=1)))
    kept = bounds.check_book(book)
    assert "later" not in kept and "more" not in kept["positions"][0]
    assert kept == BOOK


def test_no_margin_is_a_null_level():
    assert bounds.check_book(changed(lambda b: b.update(margin_level=None)))


def test_a_full_list_is_taken_and_one_more_is_not():
    full = protocol.BOOK_ITEMS
    book = changed(lambda b: b.update(positions=[POSITION] * full,
                                      positions_total=full + 7))  # fmt: skip
    assert len(bounds.check_book(book)["positions"]) == full
    over = changed(lambda b: b.update(deals=[DEAL] * (full + 1), deals_total=full + 1))
    with pytest.raises(ProtocolError, match="at most 200") as caught:
        bounds.check_book(over)
    assert caught.value.field == "deals"


BAD = {
    "a total below the entries listed": lambda b: b.update(orders_total=0),
    "a negative ticket": lambda b: b["positions"][0].update(ticket=-1),
    "a ticket beyond 63 bits": lambda b: b["deals"][0].update(order=2**63),
    "a magic beyond 64 bits": lambda b: b["orders"][0].update(magic=2**63),
    "a volume as text": lambda b: b["positions"][0].update(volume="0.1"),
    "true for a number": lambda b: b.update(balance=True),
    "an amount out of range": lambda b: b.update(equity=1e12),
    "a null price": lambda b: b["orders"][0].update(price_open=None),
    "a time before 1970": lambda b: b["deals"][0].update(time=-1),
    "a fractional time": lambda b: b["positions"][0].update(time=1.5),
    "a NUL in a comment": lambda b: b["positions"][0].update(comment="a\x00b"),
    "a lone surrogate": lambda b: b["deals"][0].update(symbol="\ud800"),
    "an empty symbol": lambda b: b["orders"][0].update(symbol=""),
    "a symbol too long": lambda b: b["positions"][0].update(symbol="X" * 65),
    "a comment too long": lambda b: b["deals"][0].update(comment="c" * 65),
    "an unknown side": lambda b: b["positions"][0].update(type="long"),
    "an unknown order type": lambda b: b["orders"][0].update(type="buy"),
    "an unknown entry": lambda b: b["deals"][0].update(entry="close"),
    "a missing field": lambda b: b["positions"][0].pop("swap"),
    "a missing list": lambda b: b.pop("orders"),
    "a list that is not one": lambda b: b.update(deals={}),
    "an entry that is no object": lambda b: b.update(positions=[1]),
    "another protocol": lambda b: b.update(protocol=2),
    "a login that is no account": lambda b: b.update(login="0123"),
    "a day that is no date": lambda b: b.update(day="2025-13-01"),
    "an offset of more than a day": lambda b: b.update(server_offset=86401),
    "a currency too long": lambda b: b.update(currency="U" * 17),
    "a negative count": lambda b: b.update(positions_total=-1),
}


@pytest.mark.parametrize("change", BAD.values(), ids=BAD.keys())
def test_a_bad_book_is_refused_whole(change):
    with pytest.raises(ProtocolError):
        bounds.check_book(changed(change))


@pytest.mark.parametrize(
    "raw",
    [
        b"[]",
        b'{"protocol": 1, "protocol": 1}',
        json.dumps(BOOK).replace("10049.5", "NaN").encode(),
        json.dumps(BOOK).replace("10049.5", "1e400").encode(),
        b"[" * 100000,
        b"\xff\xfe",
        b" " * (protocol.BOOK_MAX_BYTES + 1),
    ],
    ids=["array", "duplicate key", "NaN", "infinity", "deep", "not UTF-8", "too large"],
)
def test_a_file_that_is_no_book_is_refused(raw):
    with pytest.raises(ProtocolError):
        bounds.parse_book(raw)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


@hsettings(max_examples=300, deadline=None)
@given(
    top=st.dictionaries(st.sampled_from(sorted(BOOK)), JSON, max_size=4),
    entry=st.dictionaries(st.sampled_from(sorted(POSITION)), JSON, max_size=4),
)
def test_any_change_is_taken_whole_or_refused_never_a_crash(top, entry):
    book = {**copy.deepcopy(BOOK), **top}
    if isinstance(book.get("positions"), list) and book["positions"]:
        book["positions"][0] = {**POSITION, **entry}
    try:
        kept = bounds.check_book(book)
    except ProtocolError:
        return
    assert bounds.check_book(json.loads(json.dumps(kept))) == kept
