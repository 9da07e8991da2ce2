"""accounts/limits.py on its own: the order of the checks, the broker's
numbers as a terminal may send them, and the MAX_ORDER_VOLUME setting."""

from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured

from accounts import limits
from mt5bot.bounds import order_volume_setting

BROKER = (Decimal("0.01"), Decimal("0.01"), Decimal(50))


def check(volume, broker=BROKER, opening=True):
    return limits.check_volume(Decimal(volume), "EURUSD", broker, opening)


def refusal(volume, broker=BROKER, opening=True):
    with pytest.raises(limits.Refusal) as refused:
        check(volume, broker, opening)
    return refused.value.code


def test_a_volume_within_every_limit_is_sent_as_asked():
    assert check("0.5") == (Decimal("0.5"), "")
    assert check("100", broker=None) == (Decimal(100), "")


def test_the_global_limit_comes_first_and_applies_to_closes_too(settings):
    assert refusal("100.01") == "volume_above_limit"
    assert refusal("100.01", opening=False) == "volume_above_limit"
    assert refusal("1e20", broker=None) == "volume_above_limit"


def test_the_brokers_maximum_applies_to_opening_orders_only():
    assert refusal("50.01") == "volume_above_max"
    assert check("60", opening=False) == (Decimal(60), "")


def test_it_floors_never_rounds_up():
    volume, note = check("0.019")
    assert volume == Decimal("0.01") and "floored to 0.01" in note


@pytest.mark.parametrize("volume", ["0.0099", "0.001"])
def test_below_the_minimum_is_refused_never_raised(volume):
    assert refusal(volume) == "volume_below_min"


def test_without_a_step_a_volume_finer_than_history_is_refused():
    assert refusal("0.00000000001", broker=None) == "volume_not_step"
    assert check("0.0000000001", broker=None)[0] == Decimal("1e-10")


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ({"volume_min": 0.01, "volume_step": 0.01, "volume_max": 100}, BROKER[:2]),
        ({"volume_min": "x", "volume_step": 0, "volume_max": -1}, (None, None)),
        ({"volume_min": True, "volume_step": None, "volume_max": 1e400}, (None, None)),
        ({}, (None, None)),
        (
            {"volume_min": 1e-30, "volume_step": "1e-11", "volume_max": 1e13},
            (None,) * 2,
        ),
    ],
)
def test_the_brokers_numbers_are_read_only_when_usable(entry, expected):
    assert limits.broker_limits(entry)[:2] == expected


def test_a_step_too_fine_to_use_is_ignored_not_a_crash():
    broker = limits.broker_limits({"volume_step": 1e-30})
    assert check("0.1", broker) == (Decimal("0.1"), "")


def test_an_unusable_step_leaves_the_other_limits_in_force():
    broker = (Decimal("0.1"), None, Decimal(5))
    assert refusal("0.05", broker) == "volume_below_min"
    assert refusal("6", broker) == "volume_above_max"


@pytest.mark.parametrize(
    ("text", "value"), [("100", Decimal(100)), (" 2.5 ", Decimal("2.5"))]
)
def test_the_setting_reads_a_number_of_lots(text, value):
    assert order_volume_setting(text) == value


@pytest.mark.parametrize(
    "text", ["", "abc", "0", "-1", "NaN", "inf", "1000001", "1e7", "0.00001"]
)
def test_a_bad_setting_stops_the_start_naming_the_variable(text):
    with pytest.raises(ImproperlyConfigured, match="MAX_ORDER_VOLUME"):
        order_volume_setting(text)
