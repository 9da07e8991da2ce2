import asyncio
import threading

import pytest
from asgiref.testing import ApplicationCommunicator

from mt5bot.handlers import LaneASGIHandler


async def get(application, path):
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [(b"host", b"127.0.0.1")],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 5000),
    }
    communicator = ApplicationCommunicator(application, scope)
    await communicator.send_input({"type": "http.request", "body": b""})
    start = await communicator.receive_output(5)
    await communicator.receive_output(5)
    await communicator.wait(5)
    return start["status"]


@pytest.mark.django_db(transaction=True)
def test_webhook_requests_share_one_thread_and_others_do_not(monkeypatch):
    seen = []

    def database_ok():
        seen.append(threading.get_ident())
        return True

    monkeypatch.setattr("mt5bot.health.database_ok", database_ok)
    application = LaneASGIHandler()
    paths = ["/webhook/health", "/webhook/health", "/health", "/health"]

    async def run():
        # asyncio.run, not async_to_sync: under async_to_sync every
        # thread-sensitive call would run on the calling test thread.
        return [await get(application, path) for path in paths]

    assert asyncio.run(run()) == [200, 200, 200, 200]
    webhook_a, webhook_b, page_a, page_b = seen
    assert webhook_a == webhook_b
    assert page_a != webhook_a and page_b != webhook_a
