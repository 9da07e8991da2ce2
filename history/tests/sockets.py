"""A page's websocket, opened against the real ASGI application, for the
live-update tests."""

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator

from mt5bot.asgi import application

ORIGIN = (b"origin", b"http://127.0.0.1")


@pytest.fixture
def session(client, trader):
    client.force_login(trader)
    return client.cookies["sessionid"].value


def socket(session=None, query="", origin=ORIGIN):
    headers = [origin] if origin else []
    if session:
        headers.append((b"cookie", f"sessionid={session}".encode()))
    return WebsocketCommunicator(application, f"/ws/live/{query}", headers=headers)


def scenario(coroutine):
    """Run an async test body; the consumer's database calls come back to
    this thread, so they see this test's rows."""
    return async_to_sync(coroutine)()


async def do(work):
    """Database work from an async test body (on this test's thread)."""
    return await sync_to_async(work)()


# Seconds a message may take: each wait ends when the message arrives; the
# communicator's default (1 s) was too short for a snapshot on a loaded
# machine.
ARRIVES_WITHIN = 15


async def opened(session, query=""):
    communicator = socket(session, query)
    connected, _ = await communicator.connect(ARRIVES_WITHIN)
    assert connected
    return communicator, await communicator.receive_json_from(ARRIVES_WITHIN)


async def next_of(communicator, kind, timeout=ARRIVES_WITHIN):
    while True:
        message = await communicator.receive_json_from(timeout)
        if message["type"] == kind:
            return message
