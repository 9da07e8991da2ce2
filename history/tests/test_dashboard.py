"""The dashboard: accounts with their terminals' state, the actions on them,
adding one, the webhook URL and the latest alerts."""

import os
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts import terminals
from accounts.models import Account
from accounts.tests import stand_in as helpers
from history import live
from history.tests import cast

pytestmark = pytest.mark.django_db
stand_in = helpers.stand_in
terminal_dirs = helpers.terminal_dirs
history = cast.history
page = cast.page
plain_static = cast.plain_static
supervisor = cast.supervisor
trader = cast.trader


def row(response, login):
    html = response.content.decode()
    start = html.index(f'id="account-{login}"')
    return html[start : html.index("</tr>", start)]


def test_it_shows_each_account_with_its_terminal_and_heartbeat(page, cast):
    Account.objects.filter(login="1123456").update(
        status="online",
        heartbeat={"balance": 10000, "equity": 9876.5, "currency": "USD",
                   "positions": 3, "server": "Paper-Demo"},
        heartbeat_at=timezone.now() - timedelta(seconds=4),
    )  # fmt: skip
    Account.objects.filter(login="7891011").update(
        kind="mt5", status="degraded", status_reason="terminal not connected"
    )
    response = page.get("/")
    assert response.status_code == 200
    main = row(response, "1123456")
    assert 'data-status="online"' in main
    assert "10,000.00" in main and "9,876.50" in main and "USD" in main
    assert '<td data-label="Positions" class="num">3</td>' in main
    assert "paper" in main and "Paper-Demo" in main
    assert "data-age" in main  # the page turns it into "4s ago"
    second = row(response, "7891011")
    assert "live MT5" in second and "terminal not connected" in second
    assert "disabled: refuses alerts" in row(response, "5550001")
    assert "paused: refuses alerts" in row(response, "5550002")


def test_open_shows_only_where_windows_can_be_brought_forward(page, cast, monkeypatch):
    Account.objects.filter(login="1123456").update(kind="mt5")
    assert "/accounts/1123456/open/" not in page.get("/").content.decode()
    monkeypatch.setattr(terminals, "on_windows", lambda: True)
    assert "/accounts/1123456/open/" in page.get("/").content.decode()


def test_every_action_is_a_post_with_a_csrf_token(page, cast):
    html = page.get("/").content.decode()
    for action in ("stop", "restart", "delete"):
        form = html.index(f'action="/accounts/1123456/{action}/"')
        assert 'method="post"' in html[form - 40 : form]
        assert "csrfmiddlewaretoken" in html[form : form + 300]
    assert page.get("/accounts/1123456/stop/").status_code == 405


def test_the_webhook_url_is_masked_until_revealed(page, settings):
    settings.EXTERNAL_BASE_URL = "https://bot.example.com"
    html = page.get("/").content.decode()
    assert settings.WEBHOOK_TOKEN not in html
    assert "https://bot.example.com/webhook/••••" in html
    revealed = page.get("/webhook-url/")
    assert revealed.json() == {
        "url": f"https://bot.example.com/webhook/{settings.WEBHOOK_TOKEN}"
    }
    assert "no-store" in revealed["Cache-Control"]


def test_it_shows_the_latest_alerts(page, history):
    html = page.get("/").content.decode()
    for signal in history.values():
        assert f'id="signal-{signal.pk}"' in html
    assert html.index(f"signal-{history['refused'].pk}") < html.index(
        f"signal-{history['filled'].pk}"
    ), "newest first"


# --- actions ----------------------------------------------------------------------


def test_stop_and_start_record_the_wish_for_the_supervisor(page, cast, supervisor):
    with live.recorded() as sent:
        response = page.post("/accounts/1123456/stop/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert Account.objects.get(login="1123456").desired == "stopped"
    assert ("accounts", ["1123456"]) in sent
    page.post("/accounts/1123456/start/")
    assert Account.objects.get(login="1123456").desired == "running"
    messages = [str(m) for m in page.get("/").context["messages"]]
    assert "1123456: asked the supervisor to start it." in messages


def test_restart_asks_the_supervisor_for_a_newer_terminal(page, cast, supervisor):
    before = timezone.now()
    page.post("/accounts/1123456/restart/")
    account = Account.objects.get(login="1123456")
    assert account.desired == "running"
    assert account.restart_requested_at >= before


def test_delete_needs_confirming(page, cast, terminal_dirs):
    response = page.post("/accounts/1123456/delete/")
    assert response.status_code == 302
    assert Account.objects.filter(login="1123456").exists()
    with live.recorded() as sent:
        page.post("/accounts/1123456/delete/", {"confirm": "yes"})
    assert not Account.objects.filter(login="1123456").exists()
    assert ("accounts", ["1123456"]) in sent


def test_an_unknown_account_or_action_is_not_found(page, cast):
    assert page.post("/accounts/999/stop/").status_code == 404
    assert page.post("/accounts/1123456/explode/").status_code == 404


def test_open_says_why_it_cannot_here(page, cast):
    page.post("/accounts/1123456/open/")
    messages = [str(m) for m in page.get("/").context["messages"]]
    assert messages == [
        "1123456: Bringing a terminal to the front works on Windows only."
    ]


# --- adding -------------------------------------------------------------------------


def test_adding_an_account_creates_its_folder_and_asks_for_it_to_run(
    page, terminal_dirs, supervisor
):
    with live.recorded() as sent:
        response = page.post(
            "/accounts/add/", {"login": "60123456", "nickname": "FTMO"}
        )
    assert response.status_code == 302
    account = Account.objects.get(login="60123456")
    assert (account.nickname, account.kind, account.desired) == (
        "FTMO",
        "paper",
        "running",
    )
    assert (terminal_dirs / "instances" / "60123456" / "MQL5" / "Files").is_dir()
    assert ("accounts", ["60123456"]) in sent


@pytest.mark.parametrize("login", ["12a", "../etc", "0123", " ", "1" * 21])
def test_a_login_that_is_not_digits_gets_a_clear_error(page, terminal_dirs, login):
    response = page.post("/accounts/add/", {"login": login})
    assert response.status_code == 400
    assert not Account.objects.exists()
    text = response.content.decode()
    assert (
        "An MT5 account number is 1 to 20 digits, not starting with 0." in text
        or "This field is required." in text
        or "at most 20 characters" in text
    )
    assert not list(terminal_dirs.rglob("*"))


def test_adding_an_existing_account_says_so(page, cast, terminal_dirs):
    response = page.post("/accounts/add/", {"login": "1123456"})
    assert response.status_code == 400
    assert "Account 1123456 already exists." in response.content.decode()


def test_without_a_supervisor_adding_starts_the_terminal_here(page, stand_in):
    page.post("/accounts/add/", {"login": "60123456"})
    account = Account.objects.get(login="60123456")
    assert terminals.alive(account)
    assert account.status == "starting"


def test_each_row_says_whether_the_ea_is_installed_and_what_runs(
    page, cast, settings, tmp_path
):
    settings.MT5_INSTANCES_DIR = tmp_path
    Account.objects.filter(login="7891011").update(kind="mt5")
    Account.objects.filter(login="5550001").update(
        kind="mt5",
        heartbeat={"protocol": 1, "ea_version": "mt5-1.0",
                   "ea_build": "2025.01.10 14:05 mql5-4755"},
    )  # fmt: skip
    experts = tmp_path / "5550001" / "MQL5" / "Experts" / "mt5bot"
    experts.mkdir(parents=True)
    (experts / "MT5Bot.ex5").write_bytes(b"EX5")
    os.utime(experts / "MT5Bot.ex5", (1_736_510_400, 1_736_510_400))
    Account.objects.filter(login="1123456").update(
        heartbeat={
            "protocol": 1,
            "ea_version": "paper-1.0",
            "ea_build": "python-3.12.3",
        }
    )
    response = page.get("/")
    assert (
        "EA not installed: its terminal has no MT5Bot.ex5 (compile the EA: "
        "README, Real MT5 on Windows)"
    ) in row(response, "7891011")
    assert (
        "MT5Bot.ex5 built 2025-01-10 12:00 UTC · runs mt5-1.0 "
        "(2025.01.10 14:05 mql5-4755), protocol 1"
    ) in row(response, "5550001")
    paper = row(response, "1123456")
    assert "runs paper-1.0 (python-3.12.3), protocol 1" in paper
    assert "MT5Bot.ex5" not in paper  # a paper terminal needs no program
