"""The throttle alone, on a clock the tests turn by hand."""

from notifications.notify import Alert
from notifications.throttle import Throttle

WINDOW = 60.0


def failure(key="1123456", subject="trade failed"):
    return Alert("trade_failed", key, subject, "No money", at=0.0)


def test_the_first_alert_goes_at_once_and_its_twins_wait():
    throttle = Throttle(WINDOW)
    first = throttle.admit(failure(), now=0.0)
    assert first.subject == "trade failed" and first.repeats == 0
    assert [throttle.admit(failure(), now=t) for t in (1.0, 2.0, 59.0)] == [None] * 3
    assert throttle.due(now=59.9) == []
    assert throttle.next_due() == WINDOW


def test_the_twins_are_summed_up_when_the_window_ends():
    throttle = Throttle(WINDOW)
    throttle.admit(failure(), now=0.0)
    for second in range(1, 1000):
        throttle.admit(failure(subject=f"trade failed #{second}"), now=second / 100)
    [summary] = throttle.due(now=WINDOW)
    assert summary.repeats == 999
    assert summary.subject == "trade failed #999 (and 999 more like it)"
    assert "999 more times within 60 seconds" in summary.body


def test_a_quiet_window_is_forgotten_and_the_next_alert_goes_at_once():
    throttle = Throttle(WINDOW)
    throttle.admit(failure(), now=0.0)
    assert throttle.due(now=WINDOW) == []
    assert throttle.next_due() is None
    assert throttle.admit(failure(), now=WINDOW + 1).repeats == 0


def test_a_summary_opens_the_next_window():
    throttle = Throttle(WINDOW)
    throttle.admit(failure(), now=0.0)
    throttle.admit(failure(), now=1.0)
    assert len(throttle.due(now=WINDOW)) == 1
    assert throttle.admit(failure(), now=WINDOW + 1) is None  # held for the next


def test_other_keys_and_kinds_are_not_held_back():
    throttle = Throttle(WINDOW)
    assert throttle.admit(failure("1123456"), now=0.0)
    assert throttle.admit(failure("7891011"), now=0.0)
    other_kind = Alert("account_offline", "1123456", "offline", "", at=0.0)
    assert throttle.admit(other_kind, now=0.0)


def test_an_endless_flood_costs_one_message_per_window():
    throttle = Throttle(WINDOW)
    sent = []
    for tenth in range(36_000):  # an hour of ten alerts a second
        now = tenth / 10
        sent += throttle.due(now)
        sent.append(throttle.admit(failure(), now))
    sent = [m for m in [*sent, *throttle.due(float("inf"))] if m]
    assert len(sent) == 3600 / WINDOW + 1
    assert sum(m.repeats or 1 for m in sent) == 36_000


def test_two_processes_send_one_first_alert_and_each_sums_up_its_own(settings):
    """Two outboxes' throttles (two processes) sharing the cache, as they do
    through Redis: the alert goes out once; the other counts it as a repeat."""
    from django.core.cache import cache

    from notifications.outbox import first_anywhere

    cache.clear()
    here, there = Throttle(WINDOW), Throttle(WINDOW)
    sent = []
    for throttle in (here, there):
        message = throttle.admit(failure(), now=0.0)
        if first_anywhere(failure(), WINDOW):
            sent.append(message)
        else:
            throttle.hold(failure())
    assert len(sent) == 1
    assert here.due(now=WINDOW) == []  # it sent the first, nothing held back
    [summary] = there.due(now=WINDOW)
    assert summary.repeats == 1
    assert first_anywhere(failure(key="7891011"), WINDOW)  # another key: its own
    cache.clear()
