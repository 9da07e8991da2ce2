"""`python -m ea.paper` as a real process writing its book (PROTOCOL.md
5.1): a position opened shows in it with its SL/TP, and once closed leaves
it for the day's deals, each time in a book the server's bounds take."""

import json

from ea import bounds, protocol

from .test_paper_process import (
    POSIX,
    files_dir,
    processes,  # noqa: F401 - the fixture
    result,
    send,
    start,
    stop,
    wait_for,
)


def book_where(folder, check):
    """The first book (written atomically, so whole) for which `check` holds."""

    def read():
        try:
            data = json.loads((folder / protocol.BOOK).read_text())
        except (OSError, ValueError):
            return None
        return data if check(data) else None

    return wait_for(read, "a book")


@POSIX
def test_the_book_follows_a_position_from_open_to_close(tmp_path, processes):  # noqa: F811
    folder = files_dir(tmp_path)
    processes.append(process := start(folder))
    first = book_where(folder, lambda b: True)
    assert (first["positions"], first["deals"], first["realized"]) == ([], [], 0)

    buy, _ = send(folder, "BUY", "EURUSD", volume=0.1, sl_points=500, tp_points=800)
    bought = result(folder, buy)
    opened = book_where(folder, lambda b: b["positions"])["positions"]
    assert [(p["ticket"], p["type"], p["volume"]) for p in opened] == [
        (bought["ticket"], "buy", 0.1)
    ]
    assert opened[0]["sl"] < opened[0]["price_open"] < opened[0]["tp"]
    assert opened[0]["comment"] == "e2e"

    close, _ = send(folder, "CLOSE", ticket=bought["ticket"])
    assert result(folder, close)["status"] == "executed"
    closed = book_where(folder, lambda b: not b["positions"])
    (deal,) = closed["deals"]
    assert (deal["position"], deal["entry"]) == (bought["ticket"], "out")
    assert closed["realized"] == deal["profit"]
    assert closed["balance"] == round(10000.0 + deal["profit"], 2)
    assert bounds.check_book(closed) == closed
    assert stop(process) == 0
