"""`manage.py supervise`: one pass through call_command, and the real
command as a subprocess that stops cleanly on a signal."""

import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from django.core.management import call_command

from accounts.models import files_dir
from ea import protocol
from history.models import Command
from mt5bot.tests.test_serve import ROOT, server_env
from signals.tests.webhook import order, post


@pytest.fixture(autouse=True)
def instances(settings, tmp_path):
    settings.MT5_INSTANCES_DIR = tmp_path / "instances"
    settings.SUPERVISOR_WAKE_PORT = 0


@pytest.mark.django_db
def test_once_delivers_then_records_the_result(client, cast):
    response = post(client, order(volume=0.2))
    command = Command.objects.get(uid=response.json()["accounts"][0]["command"])
    call_command("supervise", "--once")
    command.refresh_from_db()
    assert command.status == "delivered"
    folder = files_dir("1123456")
    assert protocol.listing(folder, protocol.COMMAND_PREFIX) == [command.file_name]
    protocol.write_atomic(
        folder,
        protocol.result_name(command.file_name),
        {
            "protocol": 1,
            "id": command.uid.hex,
            "status": "executed",
            "retcode": 10009,
            "ticket": 7,
            "price": 1.1,
            "volume": 0.2,
            "message": "",
            "time": 0,
        },
    )
    call_command("supervise", "--once")
    command.refresh_from_db()
    assert (command.status, command.result_ticket) == ("executed", 7)


@pytest.mark.e2e
@pytest.mark.skipif(os.name != "posix", reason="sends SIGTERM")
def test_the_real_command_stops_on_sigterm_and_records_it(tmp_path):
    env = server_env(tmp_path)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run(
        [*manage, "setup", "--no-demo"], env=env, check=True, capture_output=True
    )
    log = (tmp_path / "supervise.log").open("w")
    process = subprocess.Popen(
        [*manage, "supervise", "--no-terminals"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 20
        while "started" not in (tmp_path / "supervise.log").read_text():
            assert time.monotonic() < deadline, "the supervisor did not start"
            assert process.poll() is None, (tmp_path / "supervise.log").read_text()
            time.sleep(0.1)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0
    finally:
        if process.poll() is None:
            process.kill()
        log.close()
    text = (tmp_path / "supervise.log").read_text()
    assert "stopping" in text and "stopped" in text, text
    with sqlite3.connect(tmp_path / "mt5bot.sqlite3") as db:
        rows = db.execute("SELECT stopped_at FROM accounts_supervisor").fetchall()
    assert len(rows) == 1 and rows[0][0] is not None
