"""The natively built EA's book (PROTOCOL.md 5.1) beyond the golden
vectors: its caps, when it looks again after a trade, and the book over
HTTP. On the runtime's own clock (MQL5_VIRTUAL_CLOCK), each timer one poll
period after the last, so seconds pass in no time."""

import json

from ea import bounds, protocol
from ea.linux import native
from ea.linux.bridge import FakeTerminal
from ea.vectors import parts

from .conftest import LOGIN, NOW, command, drop, make_broker

POLL = {"InpPollMilliseconds": 100, "InpHeartbeatSeconds": 2}
HTTP = {**POLL, "InpTransport": 1, "InpServerUrl": "http://server.test",
        "InpEAKey": "k3y"}  # fmt: skip
PREFIX = f"http://server.test/api/ea/{LOGIN}/"


class Server:
    """Answers as PROTOCOL.md 7 says, after `away` calls it does not; keeps
    each book posted."""

    def __init__(self, away=0):
        self.away, self.calls, self.books = away, [], []

    def __call__(self, method, url, headers, body):
        self.calls.append((method, url.removeprefix(PREFIX)))
        if len(self.calls) <= self.away:
            return -1, b""
        if url == PREFIX + "book":
            self.books.append(json.loads(body))
        if url == PREFIX + "results":
            return 200, b'{"recorded": true}'
        return 204, b""


def run(binary, folder, broker, timers, inputs=POLL, http=None):
    terminal = FakeTerminal(broker, LOGIN, folder, NOW, http=http)
    done = native.run(
        binary, folder, terminal, timers=timers, inputs=inputs, virtual_clock=True
    )
    assert done.returncode == 0, done.stderr
    return terminal


def book_of(folder):
    return json.loads((folder / protocol.BOOK).read_text())


def test_lists_are_capped_and_the_totals_say_so(ea_binary, tmp_path):
    broker = make_broker()
    count = protocol.BOOK_ITEMS + 3
    broker.positions = [{**parts.pos(1000 + n, "EURUSD", "buy", 0.01, 1.09),
                         "time": int(NOW)} for n in range(count)]  # fmt: skip
    run(ea_binary, tmp_path, broker, timers=1)
    book = book_of(tmp_path)
    assert (len(book["positions"]), book["positions_total"]) == (200, count)
    assert book["positions"][-1]["ticket"] == 1199
    assert bounds.check_book(book)["login"] == LOGIN


def test_a_trade_is_posted_once_the_gap_has_passed(ea_binary, tmp_path):
    server = Server()
    buy = command("BUY", volume=0.1, expires_at=NOW + 60)
    drop(tmp_path, buy)
    run(ea_binary, tmp_path, make_broker(), timers=30, inputs=HTTP, http=server)
    # At start (the command ran in the same pass, after the first look),
    # then a second later; the quotes are pinned: nothing changes after.
    assert [len(book["positions"]) for book in server.books] == [0, 1]
    assert book_of(tmp_path)["positions"] == server.books[-1]["positions"]
    posts = [n for n, call in enumerate(server.calls) if call == ("POST", "book")]
    beats = [n for n, call in enumerate(server.calls) if call == ("POST", "heartbeat")]
    assert len(posts) == 2
    assert posts[1] < beats[1], "the trade waited for the heartbeat at 2 s"


def test_a_book_the_server_did_not_get_is_posted_again_unchanged(ea_binary, tmp_path):
    server = Server(away=2)  # the first heartbeat and the GET at 0 s
    run(ea_binary, tmp_path, make_broker(), timers=70, inputs=HTTP, http=server)
    # Down from the start: no post while it is, then the same book once it
    # answers again (the GET at 2 s), with the look after that heartbeat.
    assert len(server.books) == 1
    assert server.books[0]["positions"] == []
    assert ("POST", "book") not in server.calls[:3]
