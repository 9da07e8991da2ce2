"""The live updates: the websocket against the real ASGI application, and the
broadcasts the intake, the delivery loop and the keeper call after a commit."""

import asyncio
import threading
import time
import uuid
from datetime import timedelta
from urllib.parse import quote

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.utils import timezone

from accounts.models import Account
from history import live
from history.consumers import UNAUTHORIZED
from history.models import Command
from history.tests import cast
from history.tests.cast import alert, executed, order
from mt5bot.asgi import application
from mt5bot.tests.services import reachable_redis

pytestmark = pytest.mark.django_db(transaction=True)
trader = cast.trader
ORIGIN = (b"origin", b"http://127.0.0.1")


@pytest.fixture
def session(client, trader):
    client.force_login(trader)
    return client.cookies["sessionid"].value


def socket(session=None, query="", origin=ORIGIN):
    headers = [origin] if origin else []
    if session:
        headers.append((b"cookie", f"sessionid={session}".encode()))
    return WebsocketCommunicator(application, f"/ws/live/{query}", headers=headers)


def scenario(coroutine):
    """Run an async test body; the consumer's database calls come back to
    this thread, so they see this test's rows."""
    return async_to_sync(coroutine)()


async def do(work):
    """Database work from an async test body (on this test's thread)."""
    return await sync_to_async(work)()


# Seconds a message may take: each wait ends when the message arrives; the
# communicator's default (1 s) was too short for a snapshot on a loaded
# machine.
ARRIVES_WITHIN = 15


async def opened(session, query=""):
    communicator = socket(session, query)
    connected, _ = await communicator.connect(ARRIVES_WITHIN)
    assert connected
    return communicator, await communicator.receive_json_from(ARRIVES_WITHIN)


async def next_of(communicator, kind, timeout=ARRIVES_WITHIN):
    while True:
        message = await communicator.receive_json_from(timeout)
        if message["type"] == kind:
            return message


# --- who may connect ------------------------------------------------------------


def test_an_anonymous_socket_is_refused(db):
    async def body():
        connected, code = await socket().connect(ARRIVES_WITHIN)
        assert (connected, code) == (False, UNAUTHORIZED)

    scenario(body)


def test_a_socket_from_another_site_is_refused(session):
    async def body():
        evil = (b"origin", b"https://evil.example")
        connected, _ = await socket(session, origin=evil).connect(ARRIVES_WITHIN)
        assert not connected

    scenario(body)


def test_a_logged_out_session_is_refused(client, session):
    client.post("/logout/")

    async def body():
        connected, code = await socket(session).connect(ARRIVES_WITHIN)
        assert (connected, code) == (False, UNAUTHORIZED)

    scenario(body)


# --- snapshot and events ----------------------------------------------------------


def test_it_sends_a_snapshot_of_accounts_and_recent_alerts(session, cast):
    Account.objects.filter(login="1123456").update(
        status="online", heartbeat={"balance": 5000.0, "positions": 2}
    )
    signal = alert(["1123456"], action="BUY", symbol="XAUUSD")
    executed(signal, "1123456")

    async def body():
        communicator, snapshot = await opened(session)
        assert snapshot["type"] == "snapshot"
        accounts = {a["login"]: a for a in snapshot["accounts"]}
        assert set(accounts) == {"1123456", "7891011", "5550001", "5550002"}
        main = accounts["1123456"]
        assert (main["status"], main["balance"], main["positions"]) == (
            "online",
            "5,000.00",
            2,
        )
        assert 'id="account-1123456"' in main["html"]
        [row] = snapshot["signals"]
        assert (row["id"], row["commands"][0]["status"]) == (signal.pk, "executed")
        assert 'id="signal-' in row["html"]
        assert snapshot["cursor"]
        await communicator.disconnect(timeout=ARRIVES_WITHIN)

    scenario(body)


def test_it_pushes_orders_that_move_and_alerts_that_arrive(session, cast):
    signal = alert(["1123456", "7891011"], action="BUY", symbol="EURUSD")
    first = order(signal, "1123456")
    order(signal, "7891011")

    async def body():
        communicator, snapshot = await opened(session)
        await do(
            lambda: Command.objects.filter(pk=first.pk).update(
                status="executed",
                finished_at=timezone.now(),
                retcode=10009,
                result_ticket=77,
            )
        )
        live.commands_changed([first.pk])
        message = await next_of(communicator, "signals")
        [row] = message["signals"]
        assert row["id"] == signal.pk
        moved = {c["account"]: c for c in row["commands"]}
        assert (moved["1123456"]["status"], moved["1123456"]["ticket"]) == (
            "executed",
            77,
        )
        assert moved["7891011"]["status"] == "queued"
        assert 'data-status="executed"' in row["html"]
        assert message["cursor"] >= snapshot["cursor"]

        new = await do(lambda: alert(["1123456"], action="SELL", symbol="XAUUSD"))
        live.signal_changed(new.pk)
        message = await next_of(communicator, "signals")
        assert [r["id"] for r in message["signals"]] == [new.pk]
        await communicator.disconnect(timeout=ARRIVES_WITHIN)

    scenario(body)


def test_it_pushes_accounts_and_removals(session, cast):
    async def body():
        communicator, _ = await opened(session)
        await do(
            lambda: Account.objects.filter(login="7891011").update(
                status="degraded", status_reason="EA silent"
            )
        )
        live.account_changed("7891011")
        message = await next_of(communicator, "accounts")
        [row] = message["accounts"]
        assert (row["login"], row["status"], row["status_reason"]) == (
            "7891011",
            "degraded",
            "EA silent",
        )
        await do(lambda: Account.objects.filter(login="7891011").delete())
        live.account_changed("7891011")
        message = await next_of(communicator, "accounts")
        assert message["accounts"] == [{"login": "7891011", "deleted": True}]
        live.signals_removed([3, 1, 2])
        message = await next_of(communicator, "removed")
        assert message["signals"] == [1, 2, 3]
        await communicator.disconnect(timeout=ARRIVES_WITHIN)

    scenario(body)


def test_a_flood_goes_out_in_pieces_a_page_can_digest(session, cast):
    signals = [alert(["1123456"]) for _ in range(120)]
    ids = [order(s, "1123456").pk for s in signals]

    async def body():
        communicator, _ = await opened(session)
        live.commands_changed(ids)
        seen = []
        while len(seen) < 120:
            message = await next_of(communicator, "signals")
            assert len(message["signals"]) <= live.CHUNK
            seen += [row["id"] for row in message["signals"]]
        assert sorted(seen) == sorted(s.pk for s in signals)
        await communicator.disconnect(timeout=ARRIVES_WITHIN)

    scenario(body)


def test_a_page_that_reconnects_gets_every_row_it_missed(session, cast):
    quiet = alert(["1123456"], ago=60)
    executed(quiet, "1123456")
    moving = alert(["1123456"], ago=2)
    waiting = order(moving, "1123456")

    async def body():
        communicator, snapshot = await opened(session)
        await communicator.disconnect(timeout=ARRIVES_WITHIN)
        return snapshot["cursor"]

    cursor = scenario(body)
    # While the page is away (a server restart): an order finishes and a new
    # alert arrives, and no push reaches anyone.
    time.sleep(0.01)
    Command.objects.filter(pk=waiting.pk).update(
        status="executed", finished_at=timezone.now()
    )
    arrived = alert(["1123456"])

    async def again():
        communicator, snapshot = await opened(session, f"?since={quote(cursor)}")
        await communicator.disconnect(timeout=ARRIVES_WITHIN)
        return snapshot

    snapshot = scenario(again)
    assert snapshot["since"] is not None
    rows = {row["id"]: row for row in snapshot["signals"]}
    assert set(rows) == {arrived.pk, moving.pk}, "the quiet alert did not change"
    assert rows[moving.pk]["commands"][0]["status"] == "executed"


def test_a_bad_cursor_gets_the_latest_rows(session, cast):
    signal = alert(["1123456"])

    async def body():
        communicator, snapshot = await opened(session, "?since=yesterday")
        assert [r["id"] for r in snapshot["signals"]] == [signal.pk]
        await communicator.disconnect(timeout=ARRIVES_WITHIN)

    scenario(body)


# --- the broadcaster ----------------------------------------------------------------


def test_with_no_page_open_a_broadcast_costs_a_check(db, settings):
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}
    }
    sender = live.Sender()
    sender.add("commands", [1, 2, 3])
    assert sender.pending["commands"] == set() and sender.busy_on is None


def test_a_broadcast_never_raises_into_its_caller(session, cast, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("layer down")

    monkeypatch.setattr(live.sender, "add", broken)
    live.commands_changed([1])
    live.account_changed("1123456")
    assert "live update of commands [1] not sent" in caplog.text

    monkeypatch.undo()
    monkeypatch.setattr(live, "build", broken)

    async def body():
        communicator, _ = await opened(session)
        live.commands_changed([1])
        assert await communicator.receive_nothing(0.3)
        await communicator.disconnect(timeout=ARRIVES_WITHIN)

    scenario(body)
    assert "live updates not sent" in caplog.text
    assert live.sender.busy_on is None, "the next update goes out again"


def test_a_broadcast_from_another_thread_leaves_the_work_to_the_loop(
    session, cast, monkeypatch
):
    signal = alert(["1123456"])
    command = order(signal, "1123456")
    built_on = []
    build = live.build

    def building(*args, **kwargs):
        built_on.append(threading.current_thread())
        return build(*args, **kwargs)

    monkeypatch.setattr(live, "build", building)
    # The supervisor's thread: it calls and goes on. Timing the call said
    # the same on an idle machine, and failed when another thread held the
    # GIL for its 5 ms switch interval.
    supervisor = threading.Thread(
        target=live.commands_changed, args=([command.pk],), name="supervisor"
    )

    async def body():
        communicator, _ = await opened(session)
        supervisor.start()
        # This loop's thread is held here: the call returns without it.
        supervisor.join(timeout=30)
        assert not supervisor.is_alive(), "the caller waited for the event loop"
        message = await next_of(communicator, "signals")
        assert message["signals"][0]["id"] == signal.pk
        await communicator.disconnect(timeout=ARRIVES_WITHIN)

    scenario(body)
    # The rows were read on the loop's side, never on the caller's thread.
    assert built_on and supervisor not in built_on


def test_recorded_collects_instead_of_sending(db):
    with live.recorded() as sent:
        live.signal_changed(5)
        live.commands_changed([9, 7])
        live.account_changed("1123456")
    assert sent == [("signals", [5]), ("commands", [7, 9]), ("accounts", ["1123456"])]


# --- across processes ---------------------------------------------------------------


@pytest.fixture
def redis_layer(settings):
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # A prefix of its own: parallel runs share one Redis.
            "CONFIG": {
                "hosts": [reachable_redis()],
                "prefix": f"t{uuid.uuid4().hex[:8]}",
            },
        }
    }
    return get_channel_layer()


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
