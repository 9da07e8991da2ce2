"""The numbers in the webhook's answer read the same whichever path made
them: the first answer, and the re-send's, which reads them back from the
database's 10-place columns. Never with an exponent."""

from decimal import Decimal

import pytest

from accounts.models import Account
from history.models import Command
from signals.tests.webhook import order, post

pytestmark = pytest.mark.django_db


def answered_volume(response):
    assert response.status_code == 200, response.content
    [account] = response.json()["accounts"]
    return account["volume"]


@pytest.mark.parametrize(
    ("sent", "shown"),
    [
        ("0.1", "0.1"),
        ("10", "10"),
        ("100", "100"),
        ("1.25", "1.25"),
        ("0.0000001", "0.0000001"),
    ],
)
def test_the_original_and_the_resend_answer_one_volume(client, cast, sent, shown):
    body = order(volume=sent, id=f"v-{sent}")
    first = answered_volume(post(client, body))
    again = post(client, body)
    assert again.json()["status"] == "duplicate"
    assert (first, answered_volume(again)) == (shown, shown)


def test_a_capped_volume_says_its_cap_without_an_exponent(client, cast):
    Account.objects.filter(login="1123456").update(max_volume=Decimal("10.0000"))
    response = post(client, order(volume=20, id="capped"))
    assert answered_volume(response) == "10"
    notes = Command.objects.get().notes
    assert notes == "volume 20 capped at this account's maximum 10", notes
    resent = post(client, order(volume=20, id="capped"))
    assert answered_volume(resent) == "10"


def test_the_api_reads_the_volume_as_the_webhook_answered(client, cast, admin_user):
    body = order(volume="10", id="api")
    post(client, body)
    client.force_login(admin_user)
    [command] = client.get("/api/commands/").json()["results"]
    assert str(command["volume"]) in ("10", "10.0")
