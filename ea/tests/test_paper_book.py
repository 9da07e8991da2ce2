"""The paper terminal's book (PROTOCOL.md 5.1): when it is written, what it
holds beyond the golden vectors (the caps), and that the server's bounds
take every book it writes. The clocks are the test's: nothing waits."""

import json

from ea import bounds, protocol
from ea.paper import book
from ea.vectors import parts

from .conftest import LOGIN, NOW, command, drop, result_of

GAP = protocol.BOOK_GAP


def read_book(folder):
    path = folder / protocol.BOOK
    return json.loads(path.read_text()) if path.exists() else None


def started(make_terminal, clock):
    terminal = make_terminal(monotonic=clock)
    terminal.start()
    return terminal


def test_it_is_written_at_start(tmp_path, make_terminal, clock):
    started(make_terminal, clock)
    written = read_book(tmp_path)
    assert written["login"] == LOGIN
    assert (written["positions"], written["orders"], written["deals"]) == ([], [], [])
    assert (written["balance"], written["equity"], written["margin_level"]) == (
        10000.0, 10000.0, None,
    )  # fmt: skip


def test_an_unchanged_book_is_not_written_again(tmp_path, make_terminal, clock):
    terminal = started(make_terminal, clock)
    (tmp_path / protocol.BOOK).unlink()
    for _ in range(3):  # heartbeats pass; the quotes are pinned, nothing is open
        clock.now += terminal.heartbeat_every
        terminal.run_pass()
    assert read_book(tmp_path) is None
    assert (tmp_path / protocol.HEARTBEAT).exists()


def test_a_trade_is_in_the_book_once_the_gap_has_passed(tmp_path, make_terminal, clock):
    terminal = started(make_terminal, clock)
    name = drop(
        tmp_path, command("BUY", volume=0.1, comment="tv-7", expires_at=NOW + 60)
    )
    terminal.run_pass()
    assert result_of(tmp_path, name)["status"] == "executed"
    assert read_book(tmp_path)["positions"] == []  # within the gap of the first
    clock.now += GAP
    terminal.run_pass()
    (opened,) = read_book(tmp_path)["positions"]
    assert (opened["symbol"], opened["volume"], opened["comment"]) == (
        "EURUSD",
        0.1,
        "tv-7",
    )
    close = drop(tmp_path, command("CLOSE", "", ticket=opened["ticket"],
                                   expires_at=NOW + 60))  # fmt: skip
    terminal.run_pass()
    assert result_of(tmp_path, close)["status"] == "executed"
    clock.now += GAP
    terminal.run_pass()
    written = read_book(tmp_path)
    assert written["positions"] == []
    assert [d["position"] for d in written["deals"]] == [opened["ticket"]]
    assert written["realized"] == written["deals"][0]["profit"] == -1.0  # the spread


def test_the_last_book_is_written_on_stop(tmp_path, make_terminal, clock):
    terminal = started(make_terminal, clock)
    drop(tmp_path, command("BUY", volume=0.1, expires_at=NOW + 60))
    terminal.run_pass()
    terminal.stop()  # within the gap: the book as the terminal leaves it
    assert len(read_book(tmp_path)["positions"]) == 1


def test_lists_are_capped_and_the_totals_say_so(terminal):
    hedging = terminal.broker
    extra = 5
    count = protocol.BOOK_ITEMS + extra
    hedging.positions = [{**parts.pos(1000 + n, "EURUSD", "buy", 0.01, 1.09),
                          "time": int(NOW)} for n in range(count)]  # fmt: skip
    hedging.deals = [
        {"ticket": 2000 + n, "order": 3000 + n, "position": 1000 + n,
         "symbol": "EURUSD", "type": "sell", "entry": "out", "volume": 0.01,
         "price": 1.09, "profit": 1.0, "magic": 0, "comment": "",
         "time": int(NOW) - n}
        for n in reversed(range(count))
    ]  # fmt: skip
    written = book.book(terminal)
    assert len(written["positions"]) == protocol.BOOK_ITEMS
    assert written["positions_total"] == count
    assert written["positions"][0]["ticket"] == 1000  # the first listed
    assert len(written["deals"]) == protocol.BOOK_ITEMS
    assert written["deals_total"] == count
    assert written["deals"][-1]["ticket"] == 2000  # the latest, in time order
    assert written["deals"][0]["ticket"] == 2000 + protocol.BOOK_ITEMS - 1
    assert written["realized"] == float(count)  # every deal of the day counts
    bounds.check_book(json.loads(protocol.dumps(written)))


def test_the_server_s_bounds_take_what_it_writes(terminal):
    hedging = terminal.broker
    hedging.positions = [{**parts.pos(7, "XAUUSD", "sell", 0.02, 2430.0, sl=2450.0),
                          "comment": "caf\u00e9", "time": int(NOW)}]  # fmt: skip
    written = json.loads(protocol.dumps(book.book(terminal)))
    assert bounds.check_book(written) == written


def test_a_change_of_the_clock_alone_is_no_change(terminal, clock):
    before = book.book(terminal)
    clock.now += 5
    after = book.book(terminal)
    assert after["time"] != before["time"]
    assert not book.changed(before, after)
    assert book.changed(before, {**after, "balance": 1.0})
