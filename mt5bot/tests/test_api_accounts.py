"""The REST API's login rules, and accounts doing what `manage.py accounts`
does."""

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts import instances, terminals
from accounts.models import Account
from accounts.tests import stand_in as helpers
from history.models import Command
from mt5bot.tests.endpoints import ENDPOINTS

pytestmark = pytest.mark.django_db
terminal_dirs = helpers.terminal_dirs
stand_in = helpers.stand_in


# --- login ----------------------------------------------------------------------


@pytest.mark.parametrize(("method", "url"), ENDPOINTS)
def test_every_endpoint_refuses_an_anonymous_caller(cast, method, url):
    response = getattr(APIClient(), method)(url)
    assert response.status_code in (401, 403)
    assert Account.objects.count() == 4


def test_a_token_opens_the_api_and_a_wrong_one_does_not(cast, user):
    token = Token.objects.create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get("/api/accounts/").status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}x")
    refused = client.get("/api/accounts/")
    # 403, not 401: the first authenticator (session) names no challenge.
    assert (refused.status_code, refused.json()) == (403, {"detail": "Invalid token."})


def test_a_session_must_send_its_csrf_token_to_change_anything(cast, user):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.get("/api/accounts/").status_code == 200
    response = client.post("/api/accounts/1123456/stop/")
    assert response.status_code == 403
    assert Account.objects.get(login="1123456").desired == "running"


# --- accounts -------------------------------------------------------------------


def test_it_lists_accounts_without_their_key_hash(api, cast):
    cast["main"].set_ea_key()
    accounts = api.get("/api/accounts/").json()
    assert [a["login"] for a in accounts] == [
        "1123456",
        "5550001",
        "5550002",
        "7891011",
    ]
    main = accounts[0]
    assert main["has_ea_key"] is True and accounts[1]["has_ea_key"] is False
    assert "ea_key_hash" not in main and "pid_exe" not in main
    assert main["volume_multiplier"] == 1.0
    assert api.get("/api/accounts/1123456/").json() == main
    assert api.get("/api/accounts/42/").status_code == 404


def test_it_adds_a_paper_account_and_its_folder(api, terminal_dirs, supervisor):
    response = api.post(
        "/api/accounts/",
        {
            "login": "1123456",
            "nickname": "main",
            "max_volume": 2,
            "margin_mode": "netting",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["detail"] == "added a paper account. asked the supervisor to start it."
    account = Account.objects.get()
    assert (account.nickname, account.kind, account.margin_mode) == (
        "main",
        "paper",
        "netting",
    )
    assert (account.desired, account.max_volume) == ("running", 2)
    assert body["account"]["login"] == "1123456"
    assert instances.files_dir(None, "1123456").is_dir()


def test_it_can_add_an_account_without_starting_it(api, terminal_dirs):
    body = {"login": "1123456", "start": False, "transport": "http"}
    assert api.post("/api/accounts/", body, format="json").status_code == 201
    account = Account.objects.get()
    assert (account.desired, account.pid, account.transport) == (
        "stopped",
        None,
        "http",
    )


@pytest.mark.parametrize("login", ["../x", "..\\x", "/etc", "0123", "12a", ""])
def test_it_refuses_a_login_that_is_not_a_number_and_creates_nothing(
    api, terminal_dirs, login
):
    response = api.post("/api/accounts/", {"login": login}, format="json")
    assert response.status_code == 400
    assert "login" in response.json()
    assert not Account.objects.exists()
    assert list(terminal_dirs.rglob("*")) == []


def test_it_refuses_a_duplicate_and_an_mt5_account_without_mt5(
    api, cast, terminal_dirs
):
    response = api.post("/api/accounts/", {"login": "1123456"}, format="json")
    assert response.status_code == 400
    response = api.post("/api/accounts/", {"login": "42", "kind": "mt5"}, format="json")
    assert response.status_code == 400
    assert "MT5_MAIN_PATH is not set" in response.json()["detail"]
    assert Account.objects.count() == 4
    assert not instances.instance_dir(None, "42").exists()


def test_it_updates_settings_but_not_what_the_terminal_owns(api, cast):
    response = api.patch(
        "/api/accounts/1123456/",
        {
            "nickname": "renamed",
            "trading_paused": True,
            "status": "online",
            "login": "9",
        },
        format="json",
    )
    assert response.status_code == 200
    account = Account.objects.get(pk=cast["main"].pk)
    assert (account.login, account.nickname, account.trading_paused) == (
        "1123456",
        "renamed",
        True,
    )
    assert account.status == "stopped"
    bad = api.patch("/api/accounts/1123456/", {"volume_multiplier": 0}, format="json")
    assert bad.status_code == 400


def test_with_a_supervisor_the_actions_record_the_wish(api, cast, supervisor):
    cast["main"].desired = "stopped"
    cast["main"].save()
    response = api.post("/api/accounts/1123456/start/")
    assert response.status_code == 202
    assert response.json()["by_supervisor"] is True
    assert response.json()["account"]["desired"] == "running"
    account = Account.objects.get(login="1123456")
    assert (account.desired, account.pid) == ("running", None)

    api.post("/api/accounts/1123456/stop/")
    assert Account.objects.get(login="1123456").desired == "stopped"

    before = timezone.now()
    response = api.post("/api/accounts/1123456/restart/")
    account = Account.objects.get(login="1123456")
    assert account.desired == "running"
    assert account.restart_requested_at >= before
    assert response.json()["detail"] == "asked the supervisor to restart it."


def test_without_a_supervisor_the_actions_start_and_stop_the_terminal(api, stand_in):
    account = Account.objects.create(login="1123456", desired="stopped")
    response = api.post("/api/accounts/1123456/start/")
    assert response.status_code == 202
    assert response.json()["by_supervisor"] is False
    account.refresh_from_db()
    assert (account.desired, account.status) == ("running", "starting")
    assert terminals.alive(account)
    ref = terminals.current(account)

    response = api.post("/api/accounts/1123456/stop/")
    account.refresh_from_db()
    assert terminals.find(ref) is None
    assert (account.desired, account.status, account.pid) == (
        "stopped",
        "stopped",
        None,
    )
    assert "stopped here" in response.json()["detail"]


def test_a_terminal_that_cannot_start_is_a_conflict(api, terminal_dirs, monkeypatch):
    monkeypatch.setattr(terminals, "on_windows", lambda: False)
    Account.objects.create(login="1123456", kind="mt5")
    response = api.post("/api/accounts/1123456/start/")
    assert response.status_code == 409
    assert "Windows only" in response.json()["detail"]
    assert Account.objects.get().status == "offline"


def test_removing_deletes_the_account_and_its_folder_but_keeps_history(
    api, terminal_dirs, history
):
    for login in ("1123456", "7891011"):
        instances.files_dir(None, login).mkdir(parents=True)
    response = api.delete("/api/accounts/1123456/")
    assert response.status_code == 200
    assert "its folder is deleted" in response.json()["detail"]
    assert not instances.instance_dir(None, "1123456").exists()
    api.delete("/api/accounts/7891011/?keep_files=true")
    assert instances.files_dir(None, "7891011").is_dir()
    assert not Account.objects.filter(login__in=["1123456", "7891011"]).exists()
    assert Command.objects.filter(account_login="1123456").count() == 2


def test_it_removes_nothing_while_the_supervisor_has_not_stopped_it(
    api, cast, terminal_dirs, supervisor
):
    Account.objects.filter(login="1123456").update(status="online")
    instances.files_dir(None, "1123456").mkdir(parents=True)
    response = api.delete("/api/accounts/1123456/?wait=0")
    assert response.status_code == 409
    assert "still runs; not removed" in response.json()["detail"]
    assert Account.objects.get(login="1123456").desired == "stopped"
    assert instances.instance_dir(None, "1123456").is_dir()
    assert api.delete("/api/accounts/1123456/?wait=99").status_code == 400
