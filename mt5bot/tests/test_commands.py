import pytest
from django.conf import settings
from django.core.management import call_command

from accounts.models import Account


def test_webhookurl_prints_the_local_url(capsys):
    call_command("webhookurl", "--local")
    expected = (
        f"http://{settings.HOST}:{settings.PORT}/webhook/{settings.WEBHOOK_TOKEN}"
    )
    assert capsys.readouterr().out.strip() == expected


@pytest.mark.django_db
def test_setup_adds_a_demo_account_only_on_an_empty_install():
    call_command("setup")
    call_command("setup")
    assert list(Account.objects.values_list("login", flat=True)) == ["1123456"]
