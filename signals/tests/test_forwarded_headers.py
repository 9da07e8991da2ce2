"""One forwarding header, believed only from a trusted proxy: a client behind
that proxy cannot choose the address the allowlist, the rate limit and the
login throttle see by adding a header of its own."""

import re
from pathlib import Path

import pytest
from django.test import RequestFactory

from history.models import Signal
from signals.network import client_ip
from signals.tests.webhook import order, post

pytestmark = pytest.mark.django_db

ORDER = order()
TRADINGVIEW = "52.89.214.238"
# What nginx on this machine passes on: it connects from loopback and
# overwrites X-Forwarded-For with the address it saw.
BEHIND_NGINX = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.5"}


def address(**meta):
    return str(client_ip(RequestFactory().get("/", **meta)))


def test_a_forged_cloudflare_header_behind_nginx_is_not_believed(
    client, cast, settings
):
    settings.WEBHOOK_ALLOWED_IPS = ["tradingview"]
    response = post(client, ORDER, HTTP_CF_CONNECTING_IP=TRADINGVIEW, **BEHIND_NGINX)
    assert response.status_code == 403
    assert Signal.objects.get().source_ip == "203.0.113.5"


def test_a_forged_cloudflare_header_does_not_rotate_past_the_rate_limit(
    client, cast, settings
):
    settings.RATE_LIMIT_WEBHOOK = "2 per minute"
    codes = [
        post(
            client,
            {**ORDER, "id": str(i)},
            HTTP_CF_CONNECTING_IP=f"198.51.100.{i}",
            **BEHIND_NGINX,
        ).status_code
        for i in range(4)
    ]
    assert codes == [200, 200, 429, 429]


def test_a_forged_cloudflare_header_does_not_rotate_past_the_login_throttle(client):
    for i in range(5):
        client.post(
            "/login/",
            {"username": f"guess{i}", "password": "nope"},
            HTTP_CF_CONNECTING_IP=f"198.51.100.{i}",
            **BEHIND_NGINX,
        )
    response = client.post(
        "/login/",
        {"username": "another", "password": "nope"},
        HTTP_CF_CONNECTING_IP="198.51.100.99",
        **BEHIND_NGINX,
    )
    assert response.status_code == 429


def test_behind_cloudflare_its_header_counts_and_a_forged_xff_does_not(settings):
    settings.FORWARDED_IP_HEADER = "CF-Connecting-IP"
    tunnel = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": TRADINGVIEW}
    assert address(HTTP_CF_CONNECTING_IP="198.51.100.7", **tunnel) == "198.51.100.7"
    # No header from the tunnel: the tunnel itself, never the forged one.
    assert address(**tunnel) == "127.0.0.1"


def test_xff_counts_its_rightmost_untrusted_hop():
    forged = "52.89.214.238, 203.0.113.5"
    assert address(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forged) == (
        "203.0.113.5"
    )
    # Our own proxies in the chain are skipped, a client's entry never is.
    chain = "52.89.214.238, 203.0.113.5, 127.0.0.1"
    assert address(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=chain) == (
        "203.0.113.5"
    )


def test_an_unreadable_hop_stops_the_walk_at_the_proxy():
    meta = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "52.89.214.238, x"}
    assert address(**meta) == "127.0.0.1"


def test_no_header_is_believed_from_an_untrusted_peer_or_when_none_is_set(settings):
    meta = {"HTTP_X_FORWARDED_FOR": TRADINGVIEW, "HTTP_CF_CONNECTING_IP": TRADINGVIEW}
    assert address(REMOTE_ADDR="203.0.113.9", **meta) == "203.0.113.9"
    settings.FORWARDED_IP_HEADER = ""
    assert address(REMOTE_ADDR="127.0.0.1", **meta) == "127.0.0.1"


def test_the_deploy_guide_names_the_header_and_its_nginx_clears_the_others():
    guide = (Path(__file__).resolve().parents[2] / "docs" / "deploy.md").read_text()
    assert "FORWARDED_IP_HEADER=CF-Connecting-IP" in guide
    [nginx] = re.findall(r"```nginx\n(.*?)```", guide, re.DOTALL)
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in nginx
    for header in ("CF-Connecting-IP", "True-Client-IP", "X-Real-IP", "Forwarded"):
        assert f'proxy_set_header {header} "";' in nginx
