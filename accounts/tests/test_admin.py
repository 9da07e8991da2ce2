"""The accounts admin: status badges, the terminal shown but not typed,
adding and the start/stop/restart/remove actions doing what `manage.py
accounts` does, at a bounded query cost."""

import pytest
from django.utils import timezone

from accounts import instances, terminals
from accounts.models import Account, Supervisor
from accounts.tests import stand_in as helpers

pytestmark = pytest.mark.django_db
terminal_dirs = helpers.terminal_dirs
stand_in = helpers.stand_in

LIST = "/admin/accounts/account/"


@pytest.fixture
def staff(admin_client, settings):
    """A superuser's client; the admin's pages need plain static storage (the
    manifest one wants a collectstatic that tests never run)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
    return admin_client


@pytest.fixture
def supervisor(db):
    return Supervisor.objects.create(pid=4242)


def act(staff, action, *accounts):
    return staff.post(
        LIST,
        {"action": action, "_selected_action": [a.pk for a in accounts]},
        follow=True,
    )


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def test_the_list_shows_a_coloured_badge_per_status(staff, cast):
    Account.objects.filter(login="1123456").update(status="online")
    Account.objects.filter(login="7891011").update(status="degraded")
    page = staff.get(LIST).content.decode()
    assert 'style="background:#2e7d32;' in page and ">online</span>" in page
    assert 'style="background:#ef6c00;' in page and ">degraded</span>" in page
    assert ">stopped</span>" in page


def test_the_list_costs_the_same_few_queries_however_many_accounts(
    staff, django_assert_max_num_queries
):
    for n in range(60):
        Account.objects.create(login=str(1000 + n), status="online")
    with django_assert_max_num_queries(8):
        assert staff.get(LIST).status_code == 200
    with django_assert_max_num_queries(8):
        assert staff.get(LIST, {"status": "online", "q": "10"}).status_code == 200


def test_the_change_page_shows_the_terminal_read_only(staff, cast):
    account = cast["main"]
    account.heartbeat = {"balance": 10000, "currency": "USD"}
    account.heartbeat_at = timezone.now()
    account.save()
    account.set_ea_key()
    page = staff.get(f"{LIST}{account.pk}/change/").content.decode()
    assert "&quot;balance&quot;: 10000" in page
    assert account.ea_key_hash not in page
    assert 'name="status"' not in page and 'name="desired"' not in page
    assert 'name="nickname"' in page
    response = staff.post(
        f"{LIST}{account.pk}/change/",
        {
            "nickname": "renamed",
            "enabled": "on",
            "volume_multiplier": "2",
            "allowed_symbols": "",
            "magic": "20250929",
            "contract_kind": "cash",
            "margin_mode": "hedging",
            "transport": "file",
            "paper_faults": "perfect",
            "status": "online",
        },
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert (account.nickname, account.volume_multiplier, account.status) == (
        "renamed",
        2,
        "stopped",
    )


def test_adding_creates_the_folder_and_asks_the_supervisor_to_start_it(
    staff, terminal_dirs, supervisor
):
    assert staff.get(f"{LIST}add/").status_code == 200
    response = staff.post(
        f"{LIST}add/",
        {
            "login": "1123456",
            "kind": "paper",
            "margin_mode": "netting",
            "transport": "file",
            "paper_faults": "perfect",
            "nickname": "main",
            "enabled": "on",
            "volume_multiplier": "1",
            "allowed_symbols": "",
            "magic": "7",
            "contract_kind": "cash",
        },
        follow=True,
    )
    assert "1123456: asked the supervisor to start it." in messages_of(response)
    account = Account.objects.get()
    assert (account.nickname, account.margin_mode, account.magic) == (
        "main",
        "netting",
        7,
    )
    assert account.desired == "running"
    assert instances.files_dir(None, "1123456").is_dir()


@pytest.mark.parametrize(
    ("login", "kind", "error"),
    [
        ("../x", "paper", "1 to 20 digits"),
        ("1123456", "mt5", "MT5_MAIN_PATH is not set"),
    ],
)
def test_adding_refuses_what_the_command_refuses(
    staff, terminal_dirs, login, kind, error
):
    response = staff.post(
        f"{LIST}add/",
        {
            "login": login,
            "kind": kind,
            "margin_mode": "hedging",
            "transport": "file",
            "paper_faults": "perfect",
            "volume_multiplier": "1",
            "magic": "1",
        },
    )
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Account.objects.exists()
    assert list(terminal_dirs.rglob("*")) == []


def test_the_actions_record_the_wish_for_the_supervisor(staff, cast, supervisor):
    main, second = cast["main"], cast["second"]
    response = act(staff, "stop_terminals", main, second)
    assert set(
        Account.objects.filter(pk__in=[main.pk, second.pk]).values_list(
            "desired", flat=True
        )
    ) == {"stopped"}
    assert "1123456: asked the supervisor to stop it." in messages_of(response)
    act(staff, "start_terminals", main)
    assert Account.objects.get(pk=main.pk).desired == "running"
    before = timezone.now()
    act(staff, "restart_terminals", second)
    second.refresh_from_db()
    assert second.desired == "running" and second.restart_requested_at >= before


def test_without_a_supervisor_the_actions_run_the_terminal_here(staff, stand_in):
    account = Account.objects.create(login="1123456", desired="stopped")
    act(staff, "start_terminals", account)
    account.refresh_from_db()
    assert terminals.alive(account) and account.status == "starting"
    ref = terminals.current(account)
    response = act(staff, "stop_terminals", account)
    account.refresh_from_db()
    assert terminals.find(ref) is None and account.status == "stopped"
    assert "stopped here" in " ".join(messages_of(response))


def test_an_action_that_fails_says_why(staff, terminal_dirs, monkeypatch):
    monkeypatch.setattr(terminals, "on_windows", lambda: False)
    account = Account.objects.create(login="1123456", kind="mt5")
    response = act(staff, "start_terminals", account)
    assert any("Windows only" in m for m in messages_of(response))
    assert Account.objects.get().status == "offline"


def test_removing_stops_the_terminal_first_and_keeps_the_folder(
    staff, cast, terminal_dirs
):
    instances.files_dir(None, "1123456").mkdir(parents=True)
    assert "delete_selected" not in staff.get(LIST).content.decode()
    response = act(staff, "remove", cast["main"])
    assert "1123456: removed (terminal not running; its folder is kept)." in (
        messages_of(response)
    )
    assert not Account.objects.filter(login="1123456").exists()
    assert instances.files_dir(None, "1123456").is_dir()
    assert staff.post(f"{LIST}{cast['second'].pk}/delete/").status_code == 403
