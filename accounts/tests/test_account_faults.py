"""An account's paper fault profile (ea/paper/faults.py): read by the same
parser the paper terminal starts with at every entry (the model, the API, the
admin, `accounts add --faults`), so a bad one is a clear error there and never
a terminal that exits at start; passed by the supervisor as `--faults`."""

import io
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from accounts import instances, terminals
from accounts.bridge import keeper
from accounts.bridge.keeper import can_run_here
from accounts.instances import InstanceError
from accounts.models import Account
from accounts.tests import stand_in as helpers
from accounts.tests.test_terminals import wait_until
from mt5bot import roles

pytestmark = pytest.mark.django_db
terminal_dirs = helpers.terminal_dirs
stand_in = helpers.stand_in

# (profile, what the parser says about it)
BAD = [
    ("bogus", "unknown fault profile 'bogus'"),
    ("requote=1.5", "is a share: between 0 and 1"),
    ("realistic,nonsense=1", "unknown fault 'nonsense'"),
    ("disconnect=5", "disconnect=5 needs disconnect_every above it"),
]


def run(*args):
    out = io.StringIO()
    call_command("accounts", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_a_new_account_has_the_perfect_broker(cast):
    assert cast["main"].paper_faults == "perfect"


@pytest.mark.parametrize(("profile", "why"), BAD)
def test_the_model_refuses_a_profile_the_terminal_would_refuse(cast, profile, why):
    account = cast["main"]
    account.paper_faults = profile
    with pytest.raises(ValidationError, match=why) as refused:
        account.save()
    assert "paper_faults" in refused.value.message_dict
    account.refresh_from_db()
    assert account.paper_faults == "perfect"


def test_the_model_takes_named_seeded_and_explicit_profiles(cast):
    account = cast["main"]
    for profile in ("realistic", "realistic:42,requote=0.1", "timeout=0.5,seed=7"):
        account.paper_faults = profile
        account.save()
        account.refresh_from_db()
        assert account.paper_faults == profile


def test_the_command_sets_the_profile(terminal_dirs):
    run("add", "1123456", "--no-start", "--faults", "realistic:7")
    assert Account.objects.get().paper_faults == "realistic:7"


def test_the_command_refuses_a_bad_profile_and_creates_nothing(terminal_dirs):
    with pytest.raises(CommandError, match=r"unknown fault 'bogus'.*Nothing was"):
        run("add", "1123456", "--no-start", "--faults", "bogus=1")
    assert not Account.objects.exists()
    assert not (terminal_dirs / "instances" / "1123456").exists()


def test_the_command_says_an_mt5_account_ignores_it(terminal_dirs):
    out = run(
        "add", "1123456", "--kind", "mt5", "--host", "win-1", "--faults=realistic"
    )
    assert "--faults is ignored: it is an MT5 account." in out


def test_the_api_shows_and_changes_it(api, cast):
    listed = api.get("/api/accounts/1123456/").json()
    assert listed["paper_faults"] == "perfect"
    body = {"paper_faults": "realistic:3"}
    response = api.patch("/api/accounts/1123456/", body, format="json")
    assert response.status_code == 200, response.content
    assert Account.objects.get(login="1123456").paper_faults == "realistic:3"


@pytest.mark.parametrize(("profile", "why"), BAD)
def test_the_api_refuses_a_bad_profile_with_the_parser_s_reason(
    api, cast, profile, why
):
    body = {"paper_faults": profile}
    response = api.patch("/api/accounts/1123456/", body, format="json")
    assert response.status_code == 400
    assert why in " ".join(response.json()["paper_faults"])
    assert Account.objects.get(login="1123456").paper_faults == "perfect"


def test_the_api_sets_it_on_a_new_account(api, terminal_dirs):
    body = {"login": "1123456", "start": False, "paper_faults": "requote=0.2"}
    response = api.post("/api/accounts/", body, format="json")
    assert response.status_code == 201, response.content
    assert Account.objects.get().paper_faults == "requote=0.2"


def test_a_trader_cannot_change_it(cast):
    trader = User.objects.create_user("trader", password="a long password 1")
    roles.ensure_groups()
    roles.assign(trader, roles.TRADER)
    client = APIClient()
    client.force_authenticate(trader)
    body = {"paper_faults": "realistic"}
    response = client.patch("/api/accounts/1123456/", body, format="json")
    assert response.status_code == 403
    assert Account.objects.get(login="1123456").paper_faults == "perfect"


def test_the_admin_shows_it_and_refuses_a_bad_one(client, boss, cast):
    client.force_login(boss)
    account = cast["main"]
    url = f"/admin/accounts/account/{account.pk}/change/"
    assert 'name="paper_faults"' in client.get(url).content.decode()
    form = {
        "nickname": "main",
        "enabled": "on",
        "volume_multiplier": "1",
        "magic": str(account.magic),
        "margin_mode": "hedging",
        "transport": "file",
        "contract_kind": "cash",
        "paper_faults": "requote=2",
    }
    response = client.post(url, form)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["paper_faults"]
    assert "is a share" in " ".join(errors)
    response = client.post(url, {**form, "paper_faults": "realistic"})
    assert response.status_code == 302
    assert Account.objects.get(pk=account.pk).paper_faults == "realistic"


def test_the_paper_command_passes_the_profile_as_one_argument(tmp_path):
    args = instances.paper_command("py", tmp_path, "1123456", "hedging", "realistic")
    assert args[-1] == "--faults=realistic"
    with pytest.raises(InstanceError, match="unknown fault 'x'"):
        instances.paper_command("py", tmp_path, "1123456", "hedging", "x=1")


def test_the_terminal_is_started_with_the_account_s_profile(stand_in):
    account = Account.objects.create(login="1123456", paper_faults="realistic:9")
    terminals.launch(account)
    log = terminals.log_path(account)
    wait_until(lambda: log.is_file() and "--faults=realistic:9" in log.read_text())


def test_a_bad_profile_written_past_the_model_is_the_status_not_a_crash(cast):
    """A bulk update skips save(): the supervisor then says why it does not
    start the terminal instead of starting one that exits at once."""
    Account.objects.filter(login="1123456").update(paper_faults="bogus")
    account = Account.objects.get(login="1123456")
    assert can_run_here(account).startswith("bad fault profile: unknown fault")
    with pytest.raises(InstanceError, match="unknown fault profile 'bogus'"):
        terminals.terminal_command(account)


def test_an_mt5_account_ignores_it(cast, settings, monkeypatch):
    monkeypatch.setattr(keeper, "os", SimpleNamespace(name="nt"))
    settings.MT5_MAIN_PATH = "C:/mt5"
    Account.objects.filter(login="1123456").update(kind="mt5", paper_faults="bogus")
    assert can_run_here(Account.objects.get(login="1123456")) == ""
