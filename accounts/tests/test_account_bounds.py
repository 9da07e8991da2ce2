"""An account's trading settings are bounded at every entry: the model (any
writer), the REST API, the admin and `manage.py accounts add`. A value
outside is refused with the field named, and nothing is written."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection

from accounts import limits
from accounts.models import MAX_MAGIC, Account
from accounts.tests import stand_in as helpers
from history.models import Command

pytestmark = pytest.mark.django_db
terminal_dirs = helpers.terminal_dirs

# (field, a value every entry refuses, why)
OUT_OF_BOUNDS = [
    ("volume_multiplier", "1000.0001", "above 1000"),
    ("volume_multiplier", "0", "0 trades nothing, silently"),
    ("volume_multiplier", "-1", "negative"),
    ("max_volume", "100.5", "above MAX_ORDER_VOLUME"),
    ("max_volume", "0", "zero"),
    ("magic", "0", "what manual trades carry"),
    ("magic", str(MAX_MAGIC + 1), "19 digits: the EA refuses it"),
]


@pytest.mark.parametrize(("name", "value", "why"), OUT_OF_BOUNDS)
def test_the_model_refuses_it_on_save(cast, name, value, why):
    account = cast["main"]
    setattr(account, name, Decimal(value) if name != "magic" else int(value))
    with pytest.raises(ValidationError) as refused:
        account.save()
    assert name in refused.value.message_dict
    account.refresh_from_db()
    assert getattr(account, name) == getattr(Account(login="1"), name), why


def test_saving_other_fields_of_an_old_row_still_works(cast):
    """A row written before the bounds (magic 0) must not stop the
    supervisor's partial saves; intake refuses it instead."""
    Account.objects.filter(pk=cast["main"].pk).update(magic=0)
    account = Account.objects.get(pk=cast["main"].pk)
    account.status_reason = "seen"
    account.save(update_fields=["status_reason"])
    assert account.refusal()[0] == "account_magic_invalid"


def test_the_bounds_themselves_are_accepted(cast):
    account = cast["main"]
    account.volume_multiplier, account.max_volume = Decimal(1000), Decimal(100)
    # PostgreSQL's column is 32 bits and narrower than the EA's bound.
    account.magic = MAX_MAGIC if connection.vendor == "sqlite" else 2**31 - 1
    account.save()
    account.refresh_from_db()
    assert account.refusal() is None


@pytest.mark.parametrize(("name", "value", "why"), OUT_OF_BOUNDS)
def test_the_api_refuses_it_with_the_field_named(api, cast, name, value, why):
    response = api.patch("/api/accounts/1123456/", {name: value}, format="json")
    assert response.status_code == 400, (why, response.content)
    assert name in response.json()
    fresh = Account.objects.get(login="1123456")
    assert getattr(fresh, name) == getattr(cast["main"], name)


def test_the_api_names_an_old_out_of_range_value_instead_of_failing(api, cast):
    Account.objects.filter(pk=cast["main"].pk).update(magic=0)
    response = api.patch("/api/accounts/1123456/", {"nickname": "x"}, format="json")
    assert response.status_code == 400, response.content
    assert "magic" in response.json()
    response = api.patch("/api/accounts/1123456/", {"magic": 5}, format="json")
    assert response.status_code == 200
    assert Account.objects.get(pk=cast["main"].pk).refusal() is None


def test_the_api_refuses_a_new_account_before_making_anything(api, terminal_dirs):
    body = {"login": "1123456", "start": False, "volume_multiplier": "5000"}
    response = api.post("/api/accounts/", body, format="json")
    assert response.status_code == 400
    assert "volume_multiplier" in response.json()
    assert not Account.objects.exists()
    assert not (terminal_dirs / "instances" / "1123456").exists()


@pytest.mark.parametrize(("name", "value", "why"), OUT_OF_BOUNDS)
def test_the_admin_form_refuses_it(client, boss, cast, name, value, why):
    client.force_login(boss)
    account = cast["main"]
    form = {
        "nickname": account.nickname,
        "enabled": "on",
        "volume_multiplier": "1",
        "max_volume": "",
        "allowed_symbols": "",
        "magic": str(account.magic),
        "margin_mode": account.margin_mode,
        "transport": account.transport,
        "paper_faults": account.paper_faults,
        "host": "",
        name: value,
    }
    url = f"/admin/accounts/account/{account.pk}/change/"
    response = client.post(url, form)
    assert response.status_code == 200, why  # the form again, with its error
    assert name in response.context["adminform"].form.errors
    fresh = Account.objects.get(pk=account.pk)
    assert getattr(fresh, name) == getattr(account, name)


def run(*args):
    out = io.StringIO()
    call_command("accounts", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.parametrize(("name", "value", "why"), OUT_OF_BOUNDS)
def test_the_command_refuses_it_and_creates_nothing(terminal_dirs, name, value, why):
    option = f"--{name.replace('_', '-')}={value}"
    with pytest.raises(CommandError, match=f"--{name.replace('_', '-')}"):
        run("add", "1123456", "--no-start", option)
    assert not Account.objects.exists(), why
    assert not (terminal_dirs / "instances" / "1123456").exists()


def test_the_command_sets_what_it_is_given(terminal_dirs):
    run(
        "add",
        "1123456",
        "--no-start",
        "--volume-multiplier=2.5",
        "--max-volume=3",
        "--magic=77",
    )
    account = Account.objects.get()
    assert (account.volume_multiplier, account.max_volume, account.magic) == (
        Decimal("2.5"),
        Decimal(3),
        77,
    )


def test_the_volume_places_agree_with_the_command_column():
    assert Command._meta.get_field("volume").decimal_places == limits.VOLUME_PLACES
