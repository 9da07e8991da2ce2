"""The intake's deadline (mt5bot.deadline): an alert is stamped when it
arrives, stored before its deadline or answered 503 with nothing stored, and
the two sides that can decide never disagree. The lane is held busy on an
event, never for a guessed time."""

import asyncio
import json
import threading
from datetime import timedelta

import pytest
from asgiref.sync import SyncToAsync, sync_to_async
from asgiref.testing import ApplicationCommunicator
from django.conf import settings

from history.models import Command, Signal
from mt5bot import deadline, handlers
from mt5bot.deadline import Arrival, Missed
from mt5bot.handlers import LaneASGIHandler
from signals import fastsql, intake

pytestmark = pytest.mark.django_db(transaction=True)

ALERT = {
    "account_number": "1123456",
    "symbol": "EURUSD",
    "action": "BUY",
    "volume": 0.1,
}


def scope_for(path):
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [(b"host", b"127.0.0.1"), (b"content-type", b"application/json")],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 5000),
    }


async def post(application, body, running=None):
    """POST `body` to the webhook through the ASGI handler: (status, headers,
    JSON). With a list as `running`, the handler is put there to be awaited
    later: answered at its deadline, it still waits for the lane."""
    path = f"/webhook/{settings.WEBHOOK_TOKEN}"
    communicator = ApplicationCommunicator(application, scope_for(path))
    await communicator.send_input({"type": "http.request", "body": body})
    start = await communicator.receive_output(60)
    content = await communicator.receive_output(60)
    if running is None:
        await communicator.wait(60)
    else:
        running.append(communicator)
    return start["status"], dict(start["headers"]), json.loads(content["body"])


class BusyLane:
    """The webhook's lane kept busy until `free()`, as a slow supervisor pass
    or a locked database would keep it."""

    def __init__(self, application):
        self.application = application
        self.busy = threading.Event()
        self.go = threading.Event()

    def hold(self):
        self.busy.set()
        self.go.wait(60)

    async def start(self):
        token = SyncToAsync.thread_sensitive_context.set(self.application.webhook_lane)
        try:
            self.task = asyncio.ensure_future(sync_to_async(self.hold)())
        finally:
            SyncToAsync.thread_sensitive_context.reset(token)
        await asyncio.to_thread(self.busy.wait, 60)

    async def free(self):
        self.go.set()
        await self.task


@pytest.fixture
def arrivals(monkeypatch):
    """Each Arrival the handler stamps, and an event set at each stamp."""
    made, stamped = [], threading.Event()

    def stamp():
        made.append(Arrival())
        stamped.set()
        return made[-1]

    monkeypatch.setattr(handlers, "Arrival", stamp)
    return made, stamped


def test_received_at_is_when_the_request_arrived_not_when_the_lane_took_it(
    cast, arrivals, settings
):
    settings.WEBHOOK_DEADLINE = 60.0  # the lane is freed by the test, not a clock
    made, stamped = arrivals
    application = LaneASGIHandler()

    async def run():
        lane = BusyLane(application)
        await lane.start()
        request = asyncio.ensure_future(post(application, json.dumps(ALERT).encode()))
        await asyncio.to_thread(stamped.wait, 60)
        assert not request.done()  # waiting for the lane, stamped already
        await lane.free()
        return await request

    status, _, answer = asyncio.run(run())
    assert status == 200, answer
    [arrival] = made
    signal = Signal.objects.get(pk=answer["signal"])
    command = Command.objects.get(signal=signal)
    assert signal.received_at == arrival.at == command.received_at
    assert command.expires_at == arrival.at + timedelta(seconds=settings.COMMAND_TTL)


def test_a_lane_busy_past_the_deadline_answers_503_and_stores_nothing(
    cast, arrivals, settings
):
    settings.WEBHOOK_DEADLINE = 0.05
    made, _ = arrivals
    application = LaneASGIHandler()

    async def run():
        lane = BusyLane(application)
        await lane.start()
        # Answered while the lane is still busy: the deadline spoke, not the lane.
        running = []
        late = await post(
            application, json.dumps({**ALERT, "id": "late"}).encode(), running
        )
        settings.WEBHOOK_DEADLINE = 60.0
        await lane.free()
        await running[0].wait(60)
        # One lane, first come first served: when this one is answered, the
        # given-up request has been through the lane too.
        after = await post(application, json.dumps({**ALERT, "id": "after"}).encode())
        return late, after

    (status, headers, answer), after = asyncio.run(run())
    assert status == 503, answer
    assert answer["error"] == "deadline_exceeded"
    assert headers[b"Retry-After"] == b"5"
    assert after[0] == 200, after
    assert list(Signal.objects.values_list("idempotency_key", flat=True)) == ["after"]
    assert made[0].state == deadline.ABANDONED


def receive(alert, arrival):
    body = json.dumps(alert).encode()
    return intake.receive(body, "application/json", "127.0.0.1", arrival)


def test_giving_up_just_before_the_commit_rolls_everything_back(cast, monkeypatch):
    """The deadline fires after the rows are written, before COMMIT: the
    answer is 503, and the rows are gone."""
    arrival = Arrival(budget=60)
    insert = fastsql.insert

    def insert_then_give_up(objs, *args, **kwargs):
        done = insert(objs, *args, **kwargs)
        assert arrival.give_up()
        return done

    monkeypatch.setattr(fastsql, "insert", insert_then_give_up)
    status, answer = receive({**ALERT, "id": "raced"}, arrival)
    assert (status, answer["error"]) == (503, "deadline_exceeded")
    assert not Signal.objects.exists()
    assert not Command.objects.exists()


def test_a_claimed_commit_cannot_be_given_up_on():
    arrival = Arrival(budget=60)
    arrival.commit_or_miss()
    assert arrival.give_up() is False
    assert arrival.state == deadline.COMMITTING


def test_a_request_given_up_on_can_no_longer_commit():
    arrival = Arrival(budget=60)
    assert arrival.give_up() is True
    with pytest.raises(Missed):
        arrival.commit_or_miss()


def test_an_alert_past_its_deadline_is_not_stored_and_its_resend_is_taken(cast):
    late = Arrival(budget=0)
    status, answer = receive(ALERT, late)
    assert status == 503
    assert answer["retry_after"] == deadline.RETRY_AFTER
    assert not Signal.objects.exists()
    # The same body again: not a duplicate of the alert never stored.
    status, answer = receive(ALERT, Arrival())
    assert (status, answer["status"]) == (200, "accepted"), answer
    assert Command.objects.get().status == "queued"


def test_a_refusal_is_bound_by_the_deadline_too(cast):
    status, answer = receive({"symbol": "EURUSD"}, Arrival(budget=0))
    assert status == 503, answer
    assert not Signal.objects.exists()
