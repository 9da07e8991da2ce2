"""The whole bridge with real processes: `manage.py serve` (its supervisor
embedded), three paper terminals (two hedging, one netting), alerts over HTTP,
and the paper brokers' own state files as the witness."""

import json
import sqlite3
import subprocess
import sys
import time

import pytest

from mt5bot.tests.test_serve import (
    ROOT,
    free_port,
    request,
    server_env,
    wait_until_up,
)

TOKEN = "e2e-bridge-token-abcdefghijkl"
HEDGING_A, HEDGING_B, NETTING = "2000001", "2000002", "2000003"
ALL = [HEDGING_A, HEDGING_B, NETTING]
FINAL = {"executed", "rejected", "failed", "expired", "unknown"}

pytestmark = pytest.mark.e2e


class Bridge:
    def __init__(self, tmp_path):
        self.dir = tmp_path
        self.db_path = tmp_path / "mt5bot.sqlite3"
        self.env = server_env(
            tmp_path,
            WEBHOOK_TOKEN=TOKEN,
            RATE_LIMIT_WEBHOOK="10000 per minute",
            WEBHOOK_DEDUPE_WINDOW="0",
        )
        self.port = free_port()
        self.server = None

    def manage(self, *args):
        return subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), *args],
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
        )

    def start(self):
        self.manage("setup", "--no-demo")
        for login, mode in [
            (HEDGING_A, "hedging"),
            (HEDGING_B, "hedging"),
            (NETTING, "netting"),
        ]:
            self.manage("accounts", "add", login, "--margin-mode", mode, "--no-start")
            self.manage("accounts", "start", login, "--wait", "0")
        self.log = (self.dir / "server.log").open("w")
        self.server = subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "manage.py"),
                "serve",
                "--port",
                str(self.port),
            ],
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        wait_until_up(self.port, self.server)
        self.wait_for(
            lambda: self.statuses() == dict.fromkeys(ALL, "online"), "terminals online"
        )

    def stop(self):
        if self.server and self.server.poll() is None:
            self.server.terminate()
            try:
                self.server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.server.kill()
        self.log.close()

    def query(self, sql, args=()):
        with sqlite3.connect(self.db_path, timeout=10) as db:
            db.row_factory = sqlite3.Row
            return [dict(row) for row in db.execute(sql, args)]

    def statuses(self):
        return {
            r["login"]: r["status"]
            for r in self.query("SELECT login, status FROM accounts_account")
        }

    def wait_for(self, condition, what, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.server is None or self.server.poll() is None, self.server_log()
            if condition():
                return
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {what}\n{self.server_log()}")

    def server_log(self):
        return (self.dir / "server.log").read_text()[-4000:]

    def alert(self, **fields):
        """Send one alert; wait until each of its commands is final; return
        {login: command row}."""
        status, answer = request(
            self.port, "POST", f"/webhook/{TOKEN}", json.dumps(fields)
        )
        assert status == 200, answer
        uids = [a["command"].replace("-", "") for a in json.loads(answer)["accounts"]]
        marks = ",".join("?" * len(uids))
        sql = f"SELECT * FROM history_command WHERE uid IN ({marks})"  # noqa: S608
        self.wait_for(
            lambda: {r["status"] for r in self.query(sql, uids)} <= FINAL, f"{fields}"
        )
        return {r["account_login"]: r for r in self.query(sql, uids)}

    def broker(self, login):
        path = self.dir / "instances" / login / "MQL5" / "Files" / "paper_state.json"
        return json.loads(path.read_text())["broker"]


@pytest.fixture(scope="module")
def running_bridge(tmp_path_factory):
    bridge = Bridge(tmp_path_factory.mktemp("bridge"))
    try:
        bridge.start()
        yield bridge
    finally:
        bridge.stop()


@pytest.fixture
def bridge(running_bridge):
    """The module's bridge (seven manage.py runs and four processes to
    start), every account flat again: each test begins as on a fresh one."""
    running_bridge.alert(accounts=ALL, action="CLOSE_ALL")
    for login in ALL:
        broker = running_bridge.broker(login)
        assert broker["positions"] == broker["orders"] == [], login
    return running_bridge


def executed(rows):
    assert {r["status"] for r in rows.values()} == {"executed"}, rows
    return rows


def test_every_action_reaches_the_broker_and_comes_back(bridge):
    # A market buy everywhere, with stops as distances.
    buys = executed(
        bridge.alert(
            accounts=ALL, action="BUY", symbol="EURUSD", volume=0.1, sl_points=300
        )
    )
    for login, row in buys.items():
        assert (row["retcode"], row["filled_volume"]) == (10009, 0.1), row
        position = only(bridge.broker(login)["positions"], row["result_ticket"])
        assert position["price_open"] == row["fill_price"]
        assert position["sl"] == pytest.approx(row["fill_price"] - 0.003)

    # A limit order far below the market, then MODIFY and CANCEL by ticket.
    price = round(buys[HEDGING_A]["fill_price"] - 0.02, 5)
    limit = executed(
        bridge.alert(
            account_number=HEDGING_A,
            action="BUY",
            order_type="limit",
            symbol="EURUSD",
            volume=0.2,
            price=price,
        )
    )[HEDGING_A]
    assert limit["retcode"] == 10008
    order = only(bridge.broker(HEDGING_A)["orders"], limit["result_ticket"])
    assert order["price"] == pytest.approx(price)

    ticket = buys[HEDGING_A]["result_ticket"]
    new_sl = round(buys[HEDGING_A]["fill_price"] - 0.005, 5)
    executed(
        bridge.alert(
            account_number=HEDGING_A, action="MODIFY", ticket=ticket, stop_loss=new_sl
        )
    )
    assert only(bridge.broker(HEDGING_A)["positions"], ticket)["sl"] == pytest.approx(
        new_sl
    )

    executed(
        bridge.alert(
            account_number=HEDGING_A, action="CANCEL", ticket=limit["result_ticket"]
        )
    )
    assert bridge.broker(HEDGING_A)["orders"] == []

    # CLOSE by ticket takes exactly that position.
    executed(bridge.alert(account_number=HEDGING_A, action="CLOSE", ticket=ticket))
    assert bridge.broker(HEDGING_A)["positions"] == []

    # Both sides on hedging; on netting the sell reduces the buy to nothing
    # and a second sell opens a short.
    executed(bridge.alert(accounts=ALL, action="BUY", symbol="GBPUSD", volume=0.1))
    executed(bridge.alert(accounts=ALL, action="SELL", symbol="GBPUSD", volume=0.1))
    sides = {login: sides_of(bridge.broker(login), "GBPUSD") for login in ALL}
    assert sides[HEDGING_B] == ["buy", "sell"] and sides[NETTING] == []
    executed(bridge.alert(accounts=ALL, action="SELL", symbol="GBPUSD", volume=0.1))

    # CLOSE_LONG leaves the shorts.
    executed(bridge.alert(accounts=ALL, action="CLOSE_LONG", symbol="GBPUSD"))
    assert sides_of(bridge.broker(HEDGING_B), "GBPUSD") == ["sell", "sell"]
    assert sides_of(bridge.broker(NETTING), "GBPUSD") == ["sell"]

    # CLOSE_SYMBOL takes the rest of GBPUSD and nothing else.
    executed(bridge.alert(accounts=ALL, action="CLOSE_SYMBOL", symbol="GBPUSD"))
    for login in ALL:
        assert sides_of(bridge.broker(login), "GBPUSD") == []
    assert sides_of(bridge.broker(HEDGING_B), "EURUSD") == ["buy"]

    # CLOSE_ALL empties every account of the bot's positions.
    executed(bridge.alert(accounts=ALL, action="BUY", symbol="XAUUSD", volume=0.01))
    closed = executed(bridge.alert(accounts=ALL, action="CLOSE_ALL"))
    for login in ALL:
        assert bridge.broker(login)["positions"] == [], login
        assert closed[login]["retcode"] == 10009


def test_a_broker_refusal_comes_back_with_its_retcode(bridge):
    buy = executed(
        bridge.alert(
            account_number=HEDGING_B, action="BUY", symbol="EURUSD", volume=0.1
        )
    )[HEDGING_B]
    # 50 lots need about 54,500 USD of margin on a 10,000 USD account: only
    # the trade server knows, and its retcode comes back.
    refused = bridge.alert(
        account_number=HEDGING_B, action="BUY", symbol="EURUSD", volume=50
    )[HEDGING_B]
    assert (refused["status"], refused["retcode"]) == ("rejected", 10019), refused
    assert refused["status_code"] == "retcode_10019" and refused["result_message"]
    # What the terminal can see is wrong is refused there, never sent: a
    # buy's stop above the price.
    wrong_side = round(buy["fill_price"] + 0.01, 5)
    unsent = bridge.alert(
        account_number=HEDGING_B,
        action="BUY",
        symbol="EURUSD",
        volume=0.1,
        stop_loss=wrong_side,
    )[HEDGING_B]
    assert (unsent["status"], unsent["retcode"]) == ("rejected", 0), unsent
    assert "not below Bid" in unsent["result_message"], unsent
    assert len(bridge.broker(HEDGING_B)["positions"]) == 1

    # The supervisor stores each paper terminal's symbol list; an instrument
    # the broker lacks is refused at intake, naming the closest, never sent.
    listed = (
        "SELECT 1 FROM mapping_symbollist l JOIN accounts_account a "
        "ON a.id = l.account_id WHERE a.login = ? AND l.stored_at IS NOT NULL"
    )
    bridge.wait_for(lambda: bridge.query(listed, [NETTING]), "the symbol list")
    alert = {"account_number": NETTING, "action": "BUY", "symbol": "NOSUCH"}
    status, answer = request(
        bridge.port, "POST", f"/webhook/{TOKEN}", json.dumps({**alert, "volume": 0.1})
    )
    unknown = json.loads(answer)["accounts"][0]
    assert status == 400 and unknown["error"] == "symbol_not_found", answer
    assert "closest: " in unknown["detail"]
    assert bridge.broker(NETTING)["positions"] == []


def only(items, ticket):
    found = [item for item in items if item["ticket"] == ticket]
    assert len(found) == 1, (ticket, items)
    return found[0]


def sides_of(broker, symbol):
    return sorted(p["type"] for p in broker["positions"] if p["symbol"] == symbol)
