"""The paper terminal as the only terminal on its folder: a second process
refuses and touches nothing, the executed ids are read from the file, and
its last heartbeat says it stopped."""

import signal
import subprocess
import sys

import pytest

from ea import protocol
from ea.paper import guard
from ea.paper.state import ExecutedIds

from .test_paper_process import (
    LOGIN,
    POSIX,
    REPO,
    TIMEOUT,
    files_dir,
    heartbeat,
    read,
    result,
    send,
    start,
)


def run_once(folder):
    return subprocess.run(
        [sys.executable, "-m", "ea.paper", "--files", str(folder), "--login", LOGIN,
         "--once"],
        cwd=REPO, capture_output=True, timeout=TIMEOUT, check=False,
    )  # fmt: skip


@pytest.fixture
def running(tmp_path):
    folder = files_dir(tmp_path)
    process = start(folder)
    heartbeat(folder)
    yield folder, process
    if process.poll() is None:
        process.kill()
        process.wait(TIMEOUT)


def test_a_second_terminal_on_the_folder_refuses(running):
    folder, process = running
    state = (folder / "paper_state.json").read_bytes()
    second = run_once(folder)
    assert second.returncode == 2
    assert b"another terminal runs on" in second.stderr
    assert (folder / "paper_state.json").read_bytes() == state  # untouched
    name, _ = send(folder, "BUY", "EURUSD", volume=0.1)
    assert result(folder, name)["status"] == "executed"  # the first goes on
    assert process.poll() is None


@POSIX
def test_sigterm_leaves_a_stopped_heartbeat_and_frees_the_folder(running):
    folder, process = running
    process.send_signal(signal.SIGTERM)
    assert process.wait(TIMEOUT) == 0
    assert read(folder / protocol.HEARTBEAT)["state"] == "stopped"
    assert run_once(folder).returncode == 0


def test_once_ends_with_a_stopped_heartbeat(tmp_path):
    done = run_once(tmp_path)
    assert done.returncode == 0, done.stderr
    assert read(tmp_path / protocol.HEARTBEAT)["state"] == "stopped"


def test_the_guard_refuses_a_second_holder_until_the_first_lets_go(tmp_path):
    first = guard.only_terminal(tmp_path)
    first.__enter__()
    with pytest.raises(guard.Busy), guard.only_terminal(tmp_path):
        pass
    first.__exit__(None, None, None)
    with guard.only_terminal(tmp_path):
        pass


def test_the_executed_ids_are_read_from_the_file(tmp_path):
    ours, other = ExecutedIds(tmp_path), ExecutedIds(tmp_path)
    other.add("a" * 32)
    assert "a" * 32 in ours  # appended by another writer after we loaded
    with open(tmp_path / protocol.EXECUTED, "a") as handle:
        handle.write("b" * 16)  # a writer mid-append: not an id yet
    assert "b" * 16 not in ours
    with open(tmp_path / protocol.EXECUTED, "a") as handle:
        handle.write("b" * 16 + "\n")
    assert "b" * 32 in ours
