"""The live updates: the websocket against the real ASGI application, and the
broadcasts the intake, the delivery loop and the keeper call after a commit."""

import threading
import time
from urllib.parse import quote

import pytest
from django.utils import timezone

from accounts.models import Account
from history import live
from history.consumers import UNAUTHORIZED
from history.models import Command
from history.tests import cast, sockets
from history.tests.cast import alert, executed, order
from history.tests.sockets import ARRIVES_WITHIN, do, next_of, opened, scenario, socket

pytestmark = pytest.mark.django_db(transaction=True)
trader = cast.trader
session = sockets.session


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
