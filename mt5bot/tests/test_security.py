"""Headers that keep the pages safe in a browser: CSP everywhere, HSTS and
secure cookies once the public address is HTTPS."""

import os
import subprocess
import sys

import pytest
from asgiref.sync import async_to_sync

from mt5bot.security import POLICY
from mt5bot.tests.test_serve import ROOT

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/login/", "/admin/login/", "/api/"])
def test_every_page_carries_the_policy(client, path):
    response = client.get(path)
    assert response["Content-Security-Policy"] == POLICY
    assert "script-src 'self'" in POLICY and "frame-ancestors 'none'" in POLICY


def test_the_policy_rides_the_async_path_too(async_client):
    response = async_to_sync(async_client.get)("/login/")
    assert response["Content-Security-Policy"] == POLICY


def test_hsts_only_on_https(client):
    assert "Strict-Transport-Security" not in client.get("/login/")
    secure = client.get("/login/", secure=True)
    assert secure["Strict-Transport-Security"] == "max-age=31536000"


SHOW = (
    "from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, "
    "s.CSRF_COOKIE_SECURE, s.SECURE_PROXY_SSL_HEADER)"
)


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        ("https://bot.example.com", "True True ('HTTP_X_FORWARDED_PROTO', 'https')"),
        ("http://127.0.0.1:5000", "False False None"),
    ],
)
def test_https_public_address_secures_cookies_and_believes_the_proxy(base, expected):
    env = {**os.environ, "EXTERNAL_BASE_URL": base}
    env.update(DJANGO_SETTINGS_MODULE="mt5bot.test_settings")
    shown = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SHOW],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert shown.strip().splitlines()[-1] == expected
