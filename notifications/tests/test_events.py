"""Each event reaches every channel once: email (Django's locmem backend) and
an Apprise json:// URL served by a real HTTP receiver, through the real
sender threads; what never notifies; and every send recorded."""

import pytest
from django.core import mail

from accounts.bridge.keeper import TerminalKeeper
from accounts.bridge.supervisor import Worker
from accounts.models import Account
from ea import protocol
from history.tests.cast import alert, order
from notifications.models import Delivery, Notification
from notifications.tests.kit import RECIPIENT, drain
from signals.tests.webhook import order as webhook_order
from signals.tests.webhook import post

pytestmark = pytest.mark.django_db(transaction=True)

STRANGER = "203.0.113.7"
HEARTBEAT = {"login": "1123456", "connected": True, "trade_allowed": True}


def sent_once(notifying, kind, words):
    """After the sender drained: one email and one Apprise post, both about
    `words`, both recorded as sent."""
    drain()
    assert [m.subject for m in mail.outbox] == notifying.titles()
    assert len(mail.outbox) == 1, [m.subject for m in mail.outbox]
    assert words in mail.outbox[0].subject
    assert mail.outbox[0].to == [RECIPIENT]
    rows = Notification.objects.order_by("channel")
    assert [(r.kind, r.status) for r in rows] == [(kind, Delivery.SENT)] * 2
    assert {r.channel for r in rows} == {"email", f"apprise {notifying.url}"}


def test_startup_notifies_once(notifying):
    Worker(host="vps-1", manage_terminals=False).start()
    sent_once(notifying, "startup", "started on vps-1")


@pytest.mark.parametrize(
    ("heartbeat", "status"),
    [
        (HEARTBEAT, "online"),
        ({**HEARTBEAT, "connected": False}, "degraded"),
        (None, "offline"),
    ],
)
def test_an_account_changing_state_notifies_once(
    notifying, settings, tmp_path, heartbeat, status
):
    settings.MT5_INSTANCES_DIR = tmp_path
    account = Account.objects.create(login="1123456", kind="mt5")
    if heartbeat:
        folder = protocol.files_dir(tmp_path, account.login)
        folder.mkdir(parents=True)
        protocol.write_atomic(folder, protocol.HEARTBEAT, heartbeat)
    keeper = TerminalKeeper()
    for _ in range(3):  # the same state seen again is no news
        keeper.record(account, None)
    sent_once(notifying, f"account_{status}", f"account 1123456 is {status}")


def test_a_refused_alert_notifies_once(notifying, client, cast):
    response = post(client, "{not json")
    assert response.status_code == 400
    sent_once(notifying, "validation_error", "alert refused: invalid_json")
    assert "invalid_json" in mail.outbox[0].body


def test_an_alert_no_account_took_notifies_once(notifying, client, cast):
    response = post(client, webhook_order(account_number="999"))
    assert response.status_code == 400
    sent_once(notifying, "validation_error", "no_account_accepted")


def test_a_wrong_token_from_outside_notifies_once(notifying, client, cast):
    response = post(client, webhook_order(), token="guessed-1", REMOTE_ADDR=STRANGER)
    assert response.status_code == 401
    assert response.content == b""
    sent_once(
        notifying, "unauthorized", f"unauthorized webhook request from {STRANGER}"
    )
    assert "guessed-1" not in mail.outbox[0].body  # the guess is not repeated


def test_an_address_outside_the_allowlist_notifies_once(
    notifying, settings, client, cast
):
    settings.WEBHOOK_ALLOWED_IPS = ["198.51.100.0/24"]
    response = post(client, webhook_order(), REMOTE_ADDR=STRANGER)
    assert response.status_code == 403
    sent_once(
        notifying, "unauthorized", f"unauthorized webhook request from {STRANGER}"
    )
    assert "WEBHOOK_ALLOWED_IPS" in mail.outbox[0].body


def test_a_failed_login_from_outside_notifies_once(notifying, client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    credentials = {"username": "trader", "password": "guess-123"}
    response = client.post("/login/", credentials, REMOTE_ADDR=STRANGER)
    assert response.status_code == 200
    sent_once(notifying, "login_failed", f"failed login from {STRANGER}")
    assert "guess-123" not in mail.outbox[0].body


@pytest.mark.parametrize(
    ("result", "kind", "words"),
    [
        (
            {"status": "executed", "retcode": 10009, "ticket": 77},
            "trade_executed",
            "executed",
        ),
        (
            {"status": "rejected", "retcode": 10019, "message": "No money"},
            "trade_failed",
            "rejected",
        ),
    ],
)
def test_a_trade_result_notifies_once(notifying, cast, result, kind, words):
    command = order(alert(["1123456"]), "1123456", status="delivered")
    assert command.record_result({"id": command.uid.hex, **result})
    assert not command.record_result({"id": command.uid.hex, **result})  # once
    sent_once(notifying, kind, f"BUY XAUUSD 0.01 on 1123456: {words}")


def test_events_switched_off_do_not_notify(notifying, settings, client, cast):
    settings.NOTIFY_EVENTS = ["startup"]
    post(client, "{not json")
    post(client, webhook_order(), token="wrong", REMOTE_ADDR=STRANGER)
    drain()
    assert mail.outbox == [] and notifying.posts == []
    assert not Notification.objects.exists()


@pytest.mark.parametrize("address", ["127.0.0.1", "::1"])
def test_loopback_and_health_checks_never_notify(notifying, client, cast, address):
    assert (
        post(client, webhook_order(), token="wrong", REMOTE_ADDR=address).status_code
        == 401
    )
    # Behind a local tunnel the sender's address comes from its header.
    post(client, webhook_order(), token="wrong", HTTP_X_FORWARDED_FOR=address)
    client.post("/login/", {"username": "x", "password": "y"}, REMOTE_ADDR=address)
    assert client.get("/health").status_code == 200
    assert client.get("/webhook/health").status_code == 200
    drain()
    assert mail.outbox == [] and notifying.posts == []
    assert not Notification.objects.exists()


def test_a_tunnelled_stranger_is_reported_by_the_address_the_tunnel_saw(
    notifying, client, cast
):
    post(client, webhook_order(), token="wrong", HTTP_X_FORWARDED_FOR=STRANGER)
    sent_once(notifying, "unauthorized", STRANGER)


def test_nothing_is_queued_without_a_channel(settings, client, cast):
    from notifications import notify, outbox

    settings.EMAIL_ENABLED = False
    settings.NOTIFY_URLS = []
    assert post(client, "{not json").status_code == 400
    assert notify.emit("startup", "", "started") is False
    assert outbox._outbox is None  # no thread was started for nothing


def test_alerts_queued_without_a_supervisor_notify_once_per_outage(
    notifying, client, cast
):
    for n in range(3):
        response = post(client, webhook_order(id=f"outage-{n}"))
        assert response.json()["supervisor"] == "none"
    sent_once(notifying, "supervisor_absent", "no supervisor is running (none)")
