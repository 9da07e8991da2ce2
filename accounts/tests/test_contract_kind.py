"""The account's contract kind (cash CFD or futures, mapping/kinds.py) is
set like the other trading settings: the admin, the REST API and
`manage.py accounts add`; cash unless told otherwise."""

import io

import pytest
from django.core.management import call_command

from accounts.models import Account
from accounts.tests import stand_in as helpers

pytestmark = pytest.mark.django_db
terminal_dirs = helpers.terminal_dirs


def test_it_is_cash_unless_told_otherwise(cast):
    assert cast["main"].contract_kind == "cash"


def test_the_api_shows_and_sets_it(api, cast):
    assert api.get("/api/accounts/1123456/").json()["contract_kind"] == "cash"
    response = api.patch(
        "/api/accounts/1123456/", {"contract_kind": "futures"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert Account.objects.get(login="1123456").contract_kind == "futures"


def test_the_api_refuses_a_kind_it_does_not_know(api, cast):
    response = api.patch(
        "/api/accounts/1123456/", {"contract_kind": "spot"}, format="json"
    )
    assert response.status_code == 400 and "contract_kind" in response.json()
    assert Account.objects.get(login="1123456").contract_kind == "cash"


def test_the_admin_form_sets_it(client, boss, cast):
    client.force_login(boss)
    account = cast["main"]
    form = {
        "nickname": account.nickname, "enabled": "on", "volume_multiplier": "1",
        "max_volume": "", "allowed_symbols": "", "magic": str(account.magic),
        "margin_mode": account.margin_mode, "transport": account.transport,
        "host": "", "contract_kind": "ask", "paper_faults": "perfect",
    }  # fmt: skip
    response = client.post(f"/admin/accounts/account/{account.pk}/change/", form)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Account.objects.get(pk=account.pk).contract_kind == "ask"


def test_the_command_sets_it_when_adding(terminal_dirs):
    out = io.StringIO()
    call_command(
        "accounts", "add", "1123456", "--no-start", "--contract-kind=futures",
        stdout=out, stderr=io.StringIO(),
    )  # fmt: skip
    assert Account.objects.get().contract_kind == "futures"
