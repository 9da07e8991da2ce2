"""`python -m ea.paper` idling as a real process (issue 15). Its fallback
pass is an hour away, so only a file event can bring it a command, only its
own due time its heartbeat, and only a signal's wake-up its stop; every wait
here is for a file, with a guard far shorter than that hour."""

import json
import time

import pytest

from ea import protocol

from .test_paper_process import (
    POSIX,
    TIMEOUT,
    files_dir,
    heartbeat,
    read,
    result,
    send,
    start,
    stop,
    wait_for,
)

HOUR = "3600"


@pytest.fixture
def idle(tmp_path):
    """start(heartbeat_every) -> (folder, process): a terminal whose only
    passes are its heartbeat's and those file events and signals bring."""
    folder, started = files_dir(tmp_path), []

    def start_idle(heartbeat_every):
        started.append(
            start(folder, "--heartbeat", heartbeat_every, "--idle-poll", HOUR)
        )
        return folder, started[-1]

    yield start_idle
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait(TIMEOUT)


def log_of(folder):
    return (folder.parent / "paper.log").read_text()


def symbols_of(folder):
    try:
        return json.loads((folder / protocol.SYMBOLS).read_text())
    except (OSError, ValueError):
        return None


@POSIX
def test_an_idle_terminal_runs_a_command_dropped_in_its_folder(idle):
    folder, process = idle(HOUR)
    first = heartbeat(folder)
    # Let its first pass end, so the command meets a terminal asleep (one
    # still in that pass would run it without proving the wait).
    time.sleep(1.0)
    name, _ = send(folder, "BUY", "EURUSD", volume=0.1)
    assert result(folder, name)["status"] == "executed"
    (folder / protocol.SYMBOLS).unlink()
    protocol.write_atomic(folder, protocol.SYMBOLS_REQUEST, {"login": first["login"]})
    assert wait_for(lambda: symbols_of(folder), "symbols")["login"] == first["login"]
    assert read(folder / protocol.HEARTBEAT)["seq"] == first["seq"]  # none due yet
    assert stop(process) == 0  # SIGTERM ends the wait at once
    assert "polling every" not in log_of(folder)  # file events, not the old poll


@POSIX
def test_an_idle_terminal_keeps_its_heartbeat(idle):
    folder, process = idle("0.3")
    first = heartbeat(folder)
    later = heartbeat(folder, lambda beat: beat["seq"] >= first["seq"] + 3)
    assert later["time"] > first["time"]
    assert stop(process) == 0
    assert "polling every" not in log_of(folder)
