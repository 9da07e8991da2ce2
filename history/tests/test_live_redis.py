"""The live updates across processes: a Redis channel layer, a supervisor in
another process, and the mark an open page leaves for them."""

import asyncio
import threading
from datetime import timedelta

import pytest
from channels.layers import get_channel_layer
from django.utils import timezone

from accounts.models import Account
from history import live
from history.models import Command
from history.tests import cast, sockets
from history.tests.cast import alert, order
from history.tests.sockets import ARRIVES_WITHIN, do, next_of, opened, scenario
from mt5bot import layers
from mt5bot.tests.services import scratch_redis

pytestmark = pytest.mark.django_db(transaction=True)
trader = cast.trader
session = sockets.session


# --- across processes ---------------------------------------------------------------


@pytest.fixture
def redis_layer(settings):
    # A namespace of its own, its keys deleted after: other runs share Redis.
    with scratch_redis() as redis:
        prefix = layers.prefixed("asgi", redis["REDIS_PREFIX"])
        settings.CHANNEL_LAYERS = {
            "default": layers.redis_channel_layer(redis["REDIS_URL"], prefix)
        }
        yield get_channel_layer()


def test_with_redis_a_supervisor_in_another_process_reaches_the_page(
    session, cast, redis_layer
):
    signal = alert(["1123456"])
    command = order(signal, "1123456")
    # `manage.py supervise` has its own broadcaster and no event loop: it
    # sends from a thread of its own, through Redis, to the server's page.
    supervisor = live.Sender()

    async def body():
        communicator, _ = await opened(session)
        await do(
            lambda: Command.objects.filter(pk=command.pk).update(
                status="delivered", delivered_at=timezone.now()
            )
        )
        supervisor.add("commands", [command.pk])
        message = await next_of(communicator, "signals")
        assert message["signals"][0]["commands"][0]["status"] == "delivered"
        await do(
            lambda: Account.objects.filter(login="1123456").update(status="online")
        )
        supervisor.add("accounts", ["1123456"])
        message = await next_of(communicator, "accounts")
        assert message["accounts"][0]["status"] == "online"
        await communicator.disconnect(timeout=ARRIVES_WITHIN)

    scenario(body)
    assert supervisor.own is not None and supervisor.own.is_running()
    supervisor.own.call_soon_threadsafe(supervisor.own.stop)


def test_with_redis_the_server_sends_even_with_no_page_of_its_own(
    session, cast, redis_layer
):
    signal = alert(["1123456"], ago=1)
    sender = live.Sender()

    async def body():
        communicator, _ = await opened(session)
        # Another server process (no consumer of its own) broadcasts.
        sender.add("signals", [signal.pk])
        message = await next_of(communicator, "signals")
        assert [r["id"] for r in message["signals"]] == [signal.pk]
        await communicator.disconnect(timeout=ARRIVES_WITHIN)

    scenario(body)
    sender.own.call_soon_threadsafe(sender.own.stop)


def test_the_cursor_is_server_time(session, cast):
    before = timezone.now() - timedelta(seconds=1)

    async def body():
        communicator, snapshot = await opened(session)
        await communicator.disconnect(timeout=ARRIVES_WITHIN)
        return snapshot["cursor"]

    cursor = scenario(body)
    assert cursor > before.isoformat()


def test_with_redis_nothing_is_read_or_sent_while_no_page_is_open(
    cast, redis_layer, monkeypatch
):
    signal = alert(["1123456"])
    built = []
    monkeypatch.setattr(live, "build", lambda batch, close=False: built.append(batch))

    async def body():
        # A member of the group that is not a page: it marks nothing.
        channel = await redis_layer.new_channel()
        await redis_layer.group_add(live.GROUP, channel)
        await do(lambda: live.signal_changed(signal.pk))
        await asyncio.sleep(0.3)
        assert built == []
        await live.mark_present()  # what an opening page does first
        await do(lambda: live.signal_changed(signal.pk))
        for _ in range(50):
            if built:
                break
            await asyncio.sleep(0.02)
        await redis_layer.group_discard(live.GROUP, channel)

    scenario(body)
    assert built == [{"signals": {signal.pk}}]


def test_an_open_page_keeps_its_mark_and_it_lapses_after_it_closes(
    session, redis_layer, monkeypatch
):
    # Whole seconds: a Redis cache counts expiry in seconds.
    monkeypatch.setattr(live, "PRESENCE_TTL", 1)

    async def body():
        communicator, _ = await opened(session)
        await asyncio.sleep(1.6)  # longer than one lifetime: renewed meanwhile
        assert await do(live.someone_listens)
        await communicator.disconnect(timeout=ARRIVES_WITHIN)
        await asyncio.sleep(1.6)
        assert not await do(live.someone_listens)

    scenario(body)


def test_with_redis_a_receive_outlives_a_quiet_spell_longer_than_one_pop(redis_layer):
    # channels-redis pops in blocks of 5 s; with redis-py's default read
    # timeout of 5 s the empty answer lost the race and the receive raised.
    async def body():
        channel = await redis_layer.new_channel()
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(redis_layer.receive(channel), 6.5)

    scenario(body)


def test_with_redis_the_caller_never_asks_whether_a_page_is_open(
    cast, redis_layer, monkeypatch
):
    """The webhook's commit notes the ids and goes on: the read of the
    presence mark, a round trip to Redis, happens on the sender's own thread."""
    asked, done = [], threading.Event()

    def listens():
        asked.append(threading.current_thread())
        done.set()
        return False

    monkeypatch.setattr(live, "someone_listens", listens)
    sender = live.Sender()
    sender.add("signals", [1])
    assert done.wait(60)
    [thread] = asked
    assert thread is not threading.current_thread()
    assert thread.name == "mt5bot-live"  # the sender's own loop
    sender.own.call_soon_threadsafe(sender.own.stop)
