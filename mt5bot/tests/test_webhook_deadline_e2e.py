"""The database locked for 10 s while alerts arrive at a real server, over
HTTP with TradingView's 3 s timeout: every alert is answered, and its answer
is the truth. 2xx: it is in history, once. 503: it is nowhere, not even after
the lock is gone, and the same body sent again is taken, not deduped.

The steps wait on answers (a condition counting them), never on a guessed
time; only the lock's hold is timed, as in the fault it reproduces.
"""

import http.client
import json
import sqlite3
import threading
import time
from dataclasses import dataclass

import pytest
from filelock import FileLock

from mt5bot.sqlite.base import LOCK_SUFFIX
from mt5bot.tests.services import scratch_postgres
from mt5bot.tests.test_serve import TOKEN, run_server

HOLD = 10.0  # seconds the database stays locked
CLIENT_TIMEOUT = 3.0  # TradingView's
SENDERS = 6
# Only how long a broken server may keep a failing test waiting.
PATIENCE = 120
SERVER = {
    # 1 s of the 3 the client waits: the machinery, not the default, is tested.
    "WEBHOOK_DEADLINE": "1",
    "RATE_LIMIT_WEBHOOK": "100000 per minute",
    "WEBHOOK_DEDUPE_WINDOW": "3600",
}


@dataclass
class Sent:
    tag: str
    body: str
    status: int | None  # None: no answer within CLIENT_TIMEOUT
    answer: dict
    retry_after: str | None = None


def alert(tag, keyed):
    """Half the senders name their alerts (`id`), half rely on the body."""
    fields = {"account_number": "1123456", "symbol": "EURUSD", "action": "BUY"}
    mark = {"id": tag} if keyed else {"comment": tag}
    return json.dumps({**fields, "volume": 0.01, **mark})


def post(port, body, timeout=CLIENT_TIMEOUT):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("POST", f"/webhook/{TOKEN}", body)
        response = connection.getresponse()
        answer = json.loads(response.read() or b"{}")
        return response.status, answer, response.getheader("Retry-After")
    finally:
        connection.close()


class Senders:
    """SENDERS threads posting alerts one after another until stopped."""

    def __init__(self, port):
        self.port = port
        self.sent = []
        self.changed = threading.Condition()
        self.stop = threading.Event()
        self.threads = [
            threading.Thread(target=self.send, args=(n,), daemon=True)
            for n in range(SENDERS)
        ]

    def send(self, sender):
        for n in range(10**6):
            if self.stop.is_set():
                return
            tag = f"s{sender}-{n}"
            body = alert(tag, keyed=sender % 2 == 0)
            try:
                one = Sent(tag, body, *post(self.port, body))
            except OSError:  # TimeoutError among them: no answer
                one = Sent(tag, body, None, {})
            with self.changed:
                self.sent.append(one)
                self.changed.notify_all()

    def count(self, status):
        return sum(s.status == status for s in self.sent)

    def wait_for(self, status, at_least):
        with self.changed:
            found = self.changed.wait_for(
                lambda: self.count(status) >= at_least, PATIENCE
            )
        assert found, f"never {at_least} answers {status}: {self.sent[-5:]}"

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(PATIENCE)


# --- the database and its lock ------------------------------------------------


class SQLiteDatabase:
    def __init__(self, folder, foreign):
        self.path = folder / "mt5bot.sqlite3"
        # Another process of this install takes our write lock, then SQLite's;
        # a foreign writer (the sqlite3 shell) takes only SQLite's.
        self.foreign = foreign

    def lock(self):
        self.file_lock = None if self.foreign else FileLock(f"{self.path}{LOCK_SUFFIX}")
        if self.file_lock:
            self.file_lock.acquire()
        self.holder = sqlite3.connect(self.path, isolation_level=None)
        self.holder.execute("BEGIN IMMEDIATE")

    def unlock(self):
        self.holder.execute("ROLLBACK")
        self.holder.close()
        if self.file_lock:
            self.file_lock.release()

    def signals(self):
        with sqlite3.connect(self.path) as db:
            return db.execute(QUERY).fetchall()


class PostgresDatabase:
    def __init__(self, url):
        self.url = url

    def lock(self):
        import psycopg

        self.holder = psycopg.connect(self.url)
        self.holder.execute("LOCK TABLE signals_signal IN ACCESS EXCLUSIVE MODE")

    def unlock(self):
        self.holder.rollback()
        self.holder.close()

    def signals(self):
        import psycopg

        with psycopg.connect(self.url) as db:
            return db.execute(QUERY).fetchall()


QUERY = """SELECT s.raw_body, s.outcome, c.status FROM signals_signal s
LEFT JOIN history_command c ON c.signal_id = s.id ORDER BY s.id"""


@pytest.fixture(params=["sqlite", "sqlite-foreign", "sqlite-supervised", "postgres"])
def served(request, tmp_path):
    """(port, database, what an accepted alert's answer says of the
    supervisor) of a real server; without its supervisor, except in
    "sqlite-supervised", where the supervisor's pass, on the webhook's own
    thread, waits for the lock too and the deadline is the event loop's."""
    if request.param == "postgres":
        urls = scratch_postgres()
        url = next(urls)
        env = {**SERVER, "DATABASE_URL": url}
        try:
            for port, _, _ in run_server(tmp_path, "--no-supervisor", env=env):
                yield port, PostgresDatabase(url), "none"
        finally:
            urls.close()
        return
    database = SQLiteDatabase(tmp_path, foreign=request.param == "sqlite-foreign")
    options = [] if request.param == "sqlite-supervised" else ["--no-supervisor"]
    for port, _, _ in run_server(tmp_path, *options, env=SERVER):
        yield port, database, "none" if options else None


def stored(database):
    """{alert tag: [(outcome, command status), ...]} of every stored Signal."""
    found = {}
    for raw_body, outcome, status in database.signals():
        fields = json.loads(raw_body)
        tag = fields.get("id") or fields.get("comment")
        found.setdefault(tag, []).append((outcome, status))
    return found


# --- the test -------------------------------------------------------------------


@pytest.mark.e2e
def test_a_locked_database_gets_2xx_and_stored_or_503_and_nothing(served):
    port, database, supervisor = served
    with Senders(port) as senders:
        senders.wait_for(200, SENDERS)
        database.lock()
        try:
            locked_at = time.monotonic()
            senders.wait_for(503, SENDERS)
            time.sleep(max(0.0, HOLD - (time.monotonic() - locked_at)))
        finally:
            database.unlock()
        senders.wait_for(200, senders.count(200) + SENDERS)
    sent = list(senders.sent)
    # The lane serves requests in turn: once this is answered, every request
    # given up on earlier has been through it too.
    assert post(port, alert("last", keyed=True), timeout=PATIENCE)[0] == 200

    unanswered = [s.tag for s in sent if s.status not in (200, 503)]
    assert not unanswered, f"no answer or a wrong one within {CLIENT_TIMEOUT} s"
    refused = [s for s in sent if s.status == 503]
    taken = [s for s in sent if s.status == 200]
    assert refused and taken
    history = stored(database)
    for one in taken:
        [(outcome, command)] = history.get(one.tag, [(None, None)])
        assert outcome == "accepted" and command is not None, one
        if supervisor:  # a beating one may miss beats while the lock is held
            assert one.answer["supervisor"] == supervisor, one
    for one in refused:
        assert one.tag not in history, one
        assert one.answer["error"] == "deadline_exceeded"
        assert one.retry_after == "5"

    # TradingView sends a 5xx again: taken now, as if first sent; a re-send of
    # a stored alert is still a duplicate.
    for one in refused:
        status, answer, _ = post(port, one.body, timeout=PATIENCE)
        assert (status, answer.get("status")) == (200, "accepted"), (one, answer)
    for one in taken[:2] + taken[-2:]:
        status, answer, _ = post(port, one.body, timeout=PATIENCE)
        assert (status, answer.get("status")) == (200, "duplicate"), (one, answer)
    history = stored(database)
    for one in refused:
        [(outcome, command)] = history[one.tag]
        assert outcome == "accepted" and command is not None, one
