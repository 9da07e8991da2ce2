"""Nothing lost, nothing doubled, under fire: 1,000 webhooks to 5 paper
accounts while the supervisor is killed (-9) several times and one paper
terminal once. The paper brokers' journals are the witness."""

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import psutil
import pytest

from mt5bot.tests.test_bridge_e2e import FINAL, Bridge
from mt5bot.tests.test_serve import ROOT, request, wait_until_up

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(os.name != "posix", reason="kill -9"),
]

LOGINS = ["3000001", "3000002", "3000003", "3000004", "3000005"]
WEBHOOKS = 1000
SENDERS = 8
# Alerts per second, all senders together: 200 commands a second, about what
# five paper terminals execute here with every step fsynced. Faster, the
# surplus would expire unexecuted (correctly: a stale order is never sent),
# so the commands live longer than a loaded machine needs to drain them: the
# test is about loss and doubling under kills, not about speed.
RATE = 40
TTL = 240
TRADED = {10008, 10009, 10010}


class Fire(Bridge):
    """The web server and the supervisor as separate processes, so the
    supervisor can be killed alone."""

    def start(self):
        self.env.update(COMMAND_RESULT_DEADLINE="5", COMMAND_TTL=str(TTL))
        self.manage("setup", "--no-demo")
        for login in LOGINS:
            mode = "netting" if login == LOGINS[-1] else "hedging"
            self.manage("accounts", "add", login, "--margin-mode", mode, "--no-start")
        for login in LOGINS:
            self.manage("accounts", "start", login, "--wait", "0")
        self.log = (self.dir / "server.log").open("w")
        manage = [sys.executable, str(ROOT / "manage.py")]
        self.server = subprocess.Popen(
            [*manage, "serve", "--port", str(self.port), "--no-supervisor"],
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.supervisor = None
        self.start_supervisor()
        wait_until_up(self.port, self.server)
        online = dict.fromkeys(LOGINS, "online")
        self.wait_for(lambda: self.statuses() == online, "terminals online")

    def start_supervisor(self):
        self.supervisor = subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), "supervise"],
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def supervisor_started(self, times):
        """Wait until `times` supervisor runs have logged their start."""
        log = self.dir / "server.log"
        self.wait_for(
            lambda: log.read_text().count(" started for ") >= times, "supervisor"
        )

    def kill_supervisor(self):
        os.kill(self.supervisor.pid, signal.SIGKILL)
        self.supervisor.wait()

    def stop(self):
        if self.supervisor and self.supervisor.poll() is None:
            self.supervisor.terminate()
            self.supervisor.wait(timeout=30)
        super().stop()

    def send(self, i):
        time.sleep(max(0.0, self.begin + i / RATE - time.monotonic()))
        action = "CLOSE_ALL" if i % 5 == 4 else ("BUY" if i % 2 else "SELL")
        body = {"accounts": LOGINS, "action": action, "id": f"fire-{i}"}
        if action != "CLOSE_ALL":
            body.update(symbol="EURUSD", volume=0.01)
        for _attempt in range(3):  # what TradingView does on a failure
            try:
                status, answer = request(
                    self.port,
                    "POST",
                    "/webhook/" + self.env["WEBHOOK_TOKEN"],
                    json.dumps(body),
                )
            except OSError:
                time.sleep(0.5)
                continue
            if status < 500:
                return status, json.loads(answer)
        raise AssertionError(f"webhook {i} never answered")

    def journal(self, login):
        path = self.dir / "instances" / login / "MQL5" / "Files" / "paper_journal.jsonl"
        return [json.loads(line) for line in path.read_text().splitlines() if line]


@pytest.fixture
def fire(tmp_path):
    fire = Fire(tmp_path)
    try:
        fire.start()
        yield fire
    finally:
        fire.stop()


def test_nothing_is_lost_or_doubled_when_processes_die(fire):
    sent = threading.Event()
    answers = []

    def chaos():
        """Kill -9 the supervisor three times, each time once it has started
        and worked a while, and one terminal once."""
        for round_ in range(1, 4):
            fire.supervisor_started(round_)
            if sent.wait(2.0):
                return
            if round_ == 2:
                os.kill(terminal_of(fire, LOGINS[1]), signal.SIGKILL)
            fire.kill_supervisor()
            kills.append(round_)
            time.sleep(0.3)
            fire.start_supervisor()

    kills = []
    killer = threading.Thread(target=chaos)
    fire.begin = time.monotonic()
    killer.start()
    with ThreadPoolExecutor(SENDERS) as pool:
        answers = list(pool.map(fire.send, range(WEBHOOKS)))
    sent.set()
    killer.join()
    assert kills == [1, 2, 3], "the chaos ran out of time; the test proves less"
    assert Counter(status for status, _ in answers) == {200: WEBHOOKS}

    accepted = {a["signal"] for _, a in answers if a["status"] == "accepted"}
    assert len(accepted) == WEBHOOKS, "an explicit id is accepted once"
    sql = "SELECT count(*) AS n FROM history_command WHERE status NOT IN ('executed','rejected','failed','expired','unknown')"
    fire.wait_for(
        lambda: fire.query(sql)[0]["n"] == 0, "every command final", timeout=TTL + 30
    )

    commands = fire.query(
        "SELECT uid, account_login, action, status, retcode FROM history_command"
    )
    assert len(commands) == WEBHOOKS * len(LOGINS), "a command was lost"
    by_id = {row["uid"]: row for row in commands}
    outcomes = Counter(row["status"] for row in commands)
    print("outcomes:", dict(outcomes))
    assert set(outcomes) <= FINAL

    for login in LOGINS:
        journal = fire.journal(login)
        requests = Counter((line["id"], line["n"]) for line in journal)
        doubled = [key for key, count in requests.items() if count > 1]
        assert not doubled, f"{login} executed a command twice: {doubled[:5]}"
        for line in journal:
            row = by_id.get(line["id"])
            assert row is not None and row["account_login"] == login, line
            if line["retcode"] in TRADED:
                # The broker traded it: history may say executed, or unknown
                # when the terminal died before it could say so; never a
                # status that claims nothing happened.
                assert row["status"] in ("executed", "unknown"), (line, row)
        traded = {line["id"] for line in journal if line["retcode"] in TRADED}
        for row in commands:
            if (
                row["account_login"] == login
                and row["status"] == "executed"
                and row["action"] != "CLOSE_ALL"
            ):
                assert row["uid"] in traded, (
                    f"executed in history, absent from {login}'s journal"
                )
    assert outcomes["executed"] >= WEBHOOKS * len(LOGINS) * 0.8, outcomes


def terminal_of(fire, login):
    row = fire.query(
        "SELECT pid, pid_created FROM accounts_account WHERE login = ?", [login]
    )[0]
    process = psutil.Process(row["pid"])
    assert abs(process.create_time() - row["pid_created"]) < 1
    return row["pid"]
