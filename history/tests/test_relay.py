"""The live-page updates `serve`'s supervisor child sends its parent."""

import asyncio
import json

from history import live, relay
from history.tests.sockets import scenario


def datagram(kind, ids):
    return json.dumps({"kind": kind, "ids": ids}).encode()


def test_an_update_is_read_back_as_sent():
    assert relay.read(datagram("commands", [3, 1]), live.KINDS) == ("commands", [3, 1])
    assert relay.read(datagram("accounts", ["1123456"]), live.KINDS) == (
        "accounts",
        ["1123456"],
    )


def test_anything_else_on_the_port_is_dropped():
    kinds = live.KINDS
    for bad in (
        b"\xff",
        b"[]",
        b"{}",
        datagram("everything", [1]),
        datagram("commands", "1"),
        datagram("commands", [True]),
        datagram("commands", [1.5]),
        datagram("commands", [0]),
        datagram("commands", [2**63]),
        datagram("commands", list(range(1, relay.CHUNK + 2))),
        datagram("accounts", ["../etc"]),
        datagram("accounts", [1123456]),
        b" " * (relay.MAX_DATAGRAM + 1),
    ):
        assert relay.read(bad, kinds) is None, bad


def test_a_flood_of_ids_crosses_in_chunks_and_arrives_whole():
    heard = []
    sock = relay.listening_socket()
    port = sock.getsockname()[1]
    ids = list(range(1, 2 * relay.CHUNK + 11))

    async def body():
        transport = await relay.listen(
            sock, lambda k, i: heard.append((k, i)), live.KINDS
        )
        relay.aim(port)
        try:
            relay.forward("commands", ids)
            for _ in range(500):
                if sum(len(i) for _, i in heard) == len(ids):
                    break
                await asyncio.sleep(0.01)
        finally:
            relay.aim(None)
            transport.close()

    scenario(body)
    assert [len(i) for _, i in heard] == [relay.CHUNK, relay.CHUNK, 10]
    assert sorted(x for _, chunk in heard for x in chunk) == ids


def test_a_child_aimed_at_its_parent_relays_instead_of_dropping(monkeypatch, settings):
    # Only the in-memory layer needs the relay; Redis crosses by itself.
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}
    }
    sent = []
    monkeypatch.setattr(relay, "forward", lambda kind, ids: sent.append((kind, ids)))
    relay.aim(9)
    try:
        live.commands_changed([7])
    finally:
        relay.aim(None)
    live.commands_changed([8])  # not aimed: not relayed
    assert sent == [("commands", [7])]
