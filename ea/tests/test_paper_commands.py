"""Reading and checking a command file (PROTOCOL.md section 3 step 2, section 6)."""

import json

import pytest

from ea.paper.commands import Malformed, parse, readable_id

from .conftest import command


def raw(data):
    return json.dumps(data).encode()


def test_a_full_command_is_read_with_its_types():
    data = command("BUY", volume=0.1, sl_points=150, comment="x" * 40)
    parsed = parse(raw(data))
    assert parsed["id"] == data["id"]
    assert parsed["volume"] == 0.1 and parsed["sl_points"] == 150
    assert parsed["comment"] == "x" * 31  # MT5 keeps 31 characters


def test_absent_optional_fields_read_as_null():
    data = {"protocol": 1, "id": "a1", "account": "1", "action": "CLOSE_ALL",
            "expires_at": 5, "magic": 7}  # fmt: skip
    parsed = parse(raw(data))
    assert parsed["volume"] is None and parsed["ticket"] is None
    assert parsed["symbol"] == "" and parsed["include_manual"] is False
    assert parsed["order_type"] == "market" and parsed["max_volume"] is None


def test_the_magic_range_is_read_exactly_to_its_top():
    assert parse(raw(command(magic=10**18 - 1)))["magic"] == 999999999999999999
    assert parse(raw(command(magic=1)))["magic"] == 1


def test_unknown_fields_are_ignored():
    assert parse(raw({**command(), "later_field": 1}))["action"] == "BUY"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"protocol": 2}, "unknown protocol"),
        ({"protocol": True}, "unknown protocol"),
        ({"protocol": 1.0}, "unknown protocol"),
        ({"action": "HEDGE"}, "unknown action"),
        ({"account": 1123456}, "account must be a string"),
        ({"expires_at": None}, "expires_at must be a number"),
        ({"volume": "0.1"}, "volume must be a number"),
        ({"volume": True}, "volume must be a number"),
        ({"ticket": 12.0}, "ticket must be an integer"),
        ({"ticket": -4}, "ticket must be positive"),
        ({"magic": -1}, "magic must be from 1 to 999999999999999999, not -1"),
        ({"magic": 0}, "magic must be from 1 to 999999999999999999, not 0"),
        ({"magic": None}, "magic must be from 1 to 999999999999999999, not None"),
        ({"magic": 10**18}, "not 1000000000000000000"),
        ({"magic": 1e3}, "magic must be an integer"),
        ({"max_volume": 0}, "max_volume must be above 0"),
        ({"max_volume": "2"}, "max_volume must be a number"),
        ({"include_manual": "yes"}, "include_manual must be true or false"),
        ({"close_first": "both"}, "close_first"),
        ({"order_type": "stop_limit"}, "unknown order_type"),
        ({"symbol": 5}, "symbol must be a string"),
    ],
)
def test_wrong_values_are_refused_with_the_id(change, reason):
    data = {**command(), **change}
    with pytest.raises(Malformed, match=reason) as caught:
        parse(raw(data))
    assert caught.value.command_id == data["id"]


@pytest.mark.parametrize(
    "text",
    [
        '{"protocol": 1, "id": "abc", "symbol": {"a": 1}}',
        '{"protocol": 1, "id": "abc", "volume": [1]}',
        '{"protocol": 1, "id": "abc", "volume": NaN}',
        '{"protocol": 1, "id": "abc", "volume": 1, "volume": 2}',
    ],
)
def test_outside_the_flat_subset_is_refused_but_the_id_is_kept(text):
    with pytest.raises(Malformed) as caught:
        parse(text.encode())
    assert caught.value.command_id == "abc"


@pytest.mark.parametrize(
    "text",
    [
        '{"protocol": 1, "id": "abc"',  # truncated
        '{"protocol": 1, "id": "abc"} trailing',
        '["id", "abc"]',
        '{"protocol": 1, "id": "abc", "id": "abd"}',  # which one?
        '{"protocol": 1, "id": 5}',
        '{"protocol": 1, "nested": {"id": "x"}, "id": "abc"}',
        "",
    ],
)
def test_no_id_is_guessed(text):
    with pytest.raises(Malformed) as caught:
        parse(text.encode())
    assert caught.value.command_id is None


def test_bom_and_crlf_are_accepted():
    text = "\ufeff" + json.dumps(command(), indent=1).replace("\n", "\r\n")
    assert parse(text.encode("utf-8"))["action"] == "BUY"


def test_readable_id_of_a_nan_file():
    assert readable_id(b'{"id": "q", "x": NaN}') == "q"
    assert readable_id(b"\xff\xfe") is None
