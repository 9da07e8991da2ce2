"""A multipart POST is answered like any other body: the token first (401
for a wrong one), then a clear 415 naming the media type, stored with its
reason; on the real server too, where Twisted used to answer 400 first."""

import http.client

import pytest

from history.models import Signal
from mt5bot.tests.test_serve import TOKEN, run_server
from signals.tests.webhook import post

FORM = b'--x\r\nContent-Disposition: form-data; name="action"\r\n\r\nBUY\r\n--x--\r\n'
BODIES = {
    "well formed": ("multipart/form-data; boundary=x", FORM),
    "no boundary": ("multipart/form-data", b"BUY"),
    "unparseable": ("multipart/form-data; boundary=zz", b"garbage"),
}


@pytest.mark.django_db
@pytest.mark.parametrize(("content_type", "body"), BODIES.values(), ids=BODIES.keys())
def test_the_token_is_checked_before_the_media_type(client, cast, content_type, body):
    wrong = post(client, body, content_type=content_type, token="wrong-token-0000000")
    assert wrong.status_code == 401 and wrong.content == b""
    assert not Signal.objects.exists()
    right = post(client, body, content_type=content_type)
    assert right.status_code == 415
    assert right.json()["error"] == "unsupported_media_type"
    signal = Signal.objects.get()
    assert (signal.http_status, signal.rejection_code) == (
        415,
        "unsupported_media_type",
    )


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from run_server(tmp_path_factory.mktemp("multipart"), "--no-supervisor")


def send(port, token, content_type, body):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(
            "POST", f"/webhook/{token}", body, {"Content-Type": content_type}
        )
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@pytest.mark.e2e
@pytest.mark.parametrize(("content_type", "body"), BODIES.values(), ids=BODIES.keys())
def test_the_real_server_checks_the_token_first(server, content_type, body):
    port = server[0]
    assert send(port, "wrong-token-0000000", content_type, body) == (401, b"")
    status, answer = send(port, TOKEN, content_type, body)
    assert status == 415 and b'"error":"unsupported_media_type"' in answer
