"""bench/bridge.py's floor and watcher: the command file the bare bridge
writes is one a paper terminal executes, and the watcher sees the command
and its result come and the result go. A floor whose files the terminal
refused would time nothing but refusals."""

import json
import subprocess
import sys

from bench import bare_bridge
from bench.watch import COMMAND, RESULT, RESULT_GONE, Watcher
from ea import protocol

LOGIN = "4000001"
GUARD = 60  # seconds: only a failure waits this long


def test_the_floor_command_is_executed_and_seen(tmp_path, monkeypatch, settings):
    monkeypatch.setattr(bare_bridge, "ROOT", tmp_path)
    folder = protocol.files_dir(tmp_path, LOGIN)
    folder.mkdir(parents=True)
    alert = {"account_number": LOGIN, "action": "BUY", "symbol": "EURUSD"}
    with Watcher([folder]) as watcher:
        [(login, uid)] = bare_bridge.write({**alert, "volume": 0.01})
        [seen] = watcher.wait(COMMAND, [uid], GUARD)
        terminal = [sys.executable, "-m", "ea.paper", "--files", str(folder)]
        terminal += ["--login", LOGIN, "--once", "--log-level", "WARNING"]
        subprocess.run(terminal, cwd=settings.BASE_DIR, check=True, timeout=GUARD)
        [result_at] = watcher.wait(RESULT, [uid], GUARD)
        [result] = folder.glob(f"{protocol.RESULT_PREFIX}*_{uid}.json")
        data = json.loads(result.read_text())
        result.unlink()
        [gone_at] = watcher.wait(RESULT_GONE, [uid], GUARD)
    assert login == LOGIN
    assert (data["id"], data["status"]) == (uid, "executed"), data
    assert seen is not None and result_at is not None and gone_at is not None
    assert seen <= result_at <= gone_at
