"""A close the broker filled only in part (issue 14, ea/PROTOCOL.md §4): the
terminal reports `executed` with retcode 10010 and the optional
`closed_volume` and `remaining_volume`; the server takes them and history
says how much is still open."""

import pytest

from accounts.bridge import delivery
from ea import bounds, protocol
from history.models import Command
from history.tests.test_delivery import queued, result_for

pytestmark = pytest.mark.django_db

PARTIAL = {
    "retcode": 10010,
    "ticket": 50000001,
    "price": 2425.0,
    "volume": 0.6,
    "message": "closed 1 position(s): partial_close: 0.6 of 1 lots closed, "
    "0.4 still open on #50000001",
    "closed": 1,
    "closed_volume": 0.6,
    "remaining_volume": 0.4,
}


@pytest.fixture(autouse=True)
def instances(settings, tmp_path):
    settings.MT5_INSTANCES_DIR = tmp_path / "instances"


def closed_in_part(client, **fields):
    command = queued(client, action="CLOSE_SYMBOL", symbol="XAUUSD", volume=None)
    assert delivery.deliver(command)
    result_for(command, **{**PARTIAL, **fields})
    assert delivery.ingest("1123456") == 1
    command.refresh_from_db()
    return command


def test_history_says_what_a_partial_close_left_open(client, cast):
    command = closed_in_part(client)
    assert (command.status, command.status_code) == ("executed", "retcode_10010")
    assert str(command.filled_volume) == "0.6000000000"
    assert command.result_message.endswith(
        "[partial close: 0.6 lots closed, 0.4 lots still open]"
    )
    assert "0.4 still open on #50000001" in command.status_reason


def test_a_terminal_that_only_sends_the_fields_is_shown_alike(client, cast):
    command = closed_in_part(client, message="done partially")
    assert command.result_message == (
        "done partially [partial close: 0.6 lots closed, 0.4 lots still open]"
    )


def test_a_whole_close_adds_nothing(client, cast):
    command = closed_in_part(
        client, retcode=10009, volume=1.0, message="done", closed_volume=None,
        remaining_volume=None,
    )  # fmt: skip
    assert (command.status, command.result_message) == ("executed", "done")
    assert Command.objects.filter(status="executed").count() == 1


@pytest.mark.parametrize(
    "fields",
    [
        {"remaining_volume": -0.4},
        {"closed_volume": "0.6"},
        {"remaining_volume": 1e12},
        {"closed_volume": True},
    ],
    ids=lambda fields: f"{next(iter(fields))}={next(iter(fields.values()))!r}",
)
def test_a_partial_close_volume_out_of_bounds_is_refused(fields):
    good = {"protocol": 1, "id": "0" * 32, "status": "executed", **PARTIAL}
    assert bounds.check_result(dict(good))
    with pytest.raises(protocol.ProtocolError):
        bounds.check_result({**good, **fields})
