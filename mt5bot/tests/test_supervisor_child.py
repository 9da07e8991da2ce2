"""`serve` runs the supervisor as a child process: started with the server,
started again when it dies, stopped with the server, and gone by itself when
the server is killed outright."""

import json
import os
import signal
import sqlite3

import psutil
import pytest

from mt5bot.tests.test_serve import TOKEN, request, run_server, wait_until

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(os.name != "posix", reason="kill -9"),
]


@pytest.fixture
def served(tmp_path):
    # The demo paper account 1123456, its terminal started by the supervisor.
    yield from run_server(tmp_path)


def role(process):
    try:
        line = process.cmdline()
    except psutil.Error:
        return None
    if "manage.py" in line:
        return line[line.index("manage.py") + 1]
    return "paper" if "ea.paper" in line else None


def supervisors(parent):
    return [c for c in psutil.Process(parent.pid).children() if role(c) == "supervise"]


def status_of(data_dir, uid):
    with sqlite3.connect(data_dir / "mt5bot.sqlite3", timeout=10) as db:
        row = db.execute("SELECT status FROM history_command WHERE uid = ?", (uid,))
        found = row.fetchone()
    return found[0] if found else None


def alert_executes(port, data_dir, n):
    body = json.dumps(
        {
            "account_number": "1123456",
            "symbol": "EURUSD",
            "action": "BUY",
            "volume": 0.01,
            "id": f"child-{n}",
        }
    )
    status, answer = request(port, "POST", f"/webhook/{TOKEN}", body)
    assert status == 200, answer
    uid = json.loads(answer)["accounts"][0]["command"].replace("-", "")
    wait_until(
        lambda: status_of(data_dir, uid) not in (None, "queued", "delivered"), 60
    )
    assert status_of(data_dir, uid) == "executed"


def test_the_supervisor_is_a_child_started_again_when_it_dies(served):
    port, data_dir, server = served
    wait_until(lambda: len(supervisors(server)) == 1)
    first = supervisors(server)[0]
    assert first.pid != server.pid
    alert_executes(port, data_dir, 1)
    first.kill()
    first.wait(timeout=10)
    wait_until(lambda: [s.pid for s in supervisors(server)] not in ([], [first.pid]))
    alert_executes(port, data_dir, 2)


def test_the_server_stopping_stops_the_supervisor_and_its_terminal(served):
    port, data_dir, server = served
    alert_executes(port, data_dir, 1)
    family = psutil.Process(server.pid).children(recursive=True)
    assert {role(p) for p in family} >= {"supervise", "paper"}
    server.send_signal(signal.SIGINT)  # Ctrl-C
    assert server.wait(timeout=60) == 0
    _gone, alive = psutil.wait_procs(family, timeout=30)
    assert not alive, "the supervisor or a terminal outlived the server"
    heartbeat = data_dir / "instances/1123456/MQL5/Files/webhook_heartbeat.json"
    assert json.loads(heartbeat.read_text())["state"] == "stopped"


def test_a_supervisor_whose_server_was_killed_stops_by_itself(served):
    port, data_dir, server = served
    alert_executes(port, data_dir, 1)
    family = psutil.Process(server.pid).children(recursive=True)
    server.kill()
    server.wait(timeout=10)
    _gone, alive = psutil.wait_procs(family, timeout=30)
    assert not alive, "the supervisor or a terminal outlived a killed server"
    heartbeat = data_dir / "instances/1123456/MQL5/Files/webhook_heartbeat.json"
    assert json.loads(heartbeat.read_text())["state"] == "stopped"
