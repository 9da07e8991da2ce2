import os
import subprocess
import sys

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


def test_webhookurl_loads_no_app(tmp_path):
    """manage.py answers it from the settings alone: no app registry, models,
    views or system checks to load first (0.7 s -> 0.15 s)."""
    show = (
        "import runpy, sys; sys.argv = ['manage.py', 'webhookurl'];"
        "runpy.run_path('manage.py', run_name='__main__');"
        "print(sorted(m for m in ('accounts.models', 'mt5bot.urls', "
        "'django.contrib.admin') if m in sys.modules))"
    )
    env = {**os.environ, "WEBHOOK_TOKEN": "a-token-for-this-test-1234"}
    env.update(DJANGO_SETTINGS_MODULE="mt5bot.test_settings")
    done = subprocess.run(
        [sys.executable, "-c", show],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    url, loaded = done.stdout.splitlines()
    assert url.endswith("/webhook/a-token-for-this-test-1234")
    assert loaded == "[]"
