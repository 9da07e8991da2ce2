"""The natively built EA as one copy per terminal: a second copy on the same
folder refuses to start and touches nothing, the executed ids are read from
the file, the chart's status line, input checks and the last heartbeat."""

import subprocess
import sys
from pathlib import Path

import pytest

from ea import protocol
from ea.linux import native
from ea.linux.bridge import FakeTerminal
from ea.paper import guard

from .conftest import LOGIN, NOW, command, drop, make_broker, result_of

REPO = Path(__file__).resolve().parents[2]


def fake(folder, broker=None):
    return FakeTerminal(broker or make_broker(), LOGIN, folder, NOW)


def asking(op):
    return lambda question: question[0] == op


def draining():
    """Stop where the first pass starts draining: its Connected() question
    after the start-up heartbeat (whose last terminal question is the data
    path), with the executed ids loaded and the files not yet listed."""
    beaten = []

    def stop(question):
        if question == ["terminal", "TERMINAL_DATA_PATH"]:
            beaten.append(True)
        return bool(beaten) and question == ["terminal", "TERMINAL_CONNECTED"]

    return stop


def second_copy(binary, folder, broker):
    terminal = fake(folder, broker)
    done = native.run(binary, folder, terminal)
    return done, terminal


# --- one copy per terminal -----------------------------------------------------------


def test_a_second_copy_refuses_while_the_first_is_mid_order(ea_binary, tmp_path):
    buy = command("BUY", volume=0.1)
    name = drop(tmp_path, buy)
    first = native.Copy(ea_binary, tmp_path, fake(tmp_path), timers=3)
    pending = first.answer_until(asking("order_send"))
    assert pending is not None
    in_progress = tmp_path / protocol.in_progress_name(name)
    assert in_progress.exists()

    done, second = second_copy(ea_binary, tmp_path, first.terminal.broker)
    assert done.returncode == 3
    assert "another copy of mt5bot runs on this terminal" in done.stderr
    assert second.comments[-1].startswith("mt5bot not started: another copy")
    # It reconciled nothing: the order in flight is still the first copy's.
    assert in_progress.exists() and result_of(tmp_path, name) is None
    assert second.journal == []

    sell = command("SELL", volume=0.2)
    later = drop(tmp_path, sell)
    ran = first.finish(pending)
    assert ran.returncode == 0, ran.stderr
    assert result_of(tmp_path, name)["status"] == "executed"
    assert result_of(tmp_path, later)["status"] == "executed"  # it kept going
    assert [line["id"] for line in first.terminal.journal] == [buy["id"], sell["id"]]
    assert first.terminal.problems == []


def test_the_lock_goes_with_the_copy_that_held_it(ea_binary, tmp_path):
    assert native.run(ea_binary, tmp_path, fake(tmp_path)).returncode == 0
    name = drop(tmp_path, command("BUY", volume=0.1))
    assert native.run(ea_binary, tmp_path, fake(tmp_path)).returncode == 0
    assert result_of(tmp_path, name)["status"] == "executed"


def test_a_paper_terminal_refuses_a_folder_the_ea_holds(ea_binary, tmp_path):
    first = native.Copy(ea_binary, tmp_path, fake(tmp_path))
    pending = first.answer_until(asking("comment"))  # OnInit done: the lock is held
    paper = subprocess.run(
        [sys.executable, "-m", "ea.paper", "--files", str(tmp_path), "--login", LOGIN,
         "--once"],
        cwd=REPO, capture_output=True, timeout=60, check=False,
    )  # fmt: skip
    assert paper.returncode == 2
    assert b"another terminal runs on" in paper.stderr
    assert not (tmp_path / "paper_state.json").exists()
    assert first.finish(pending).returncode == 0


def test_the_ea_refuses_a_folder_a_paper_terminal_holds(ea_binary, tmp_path):
    name = drop(tmp_path, command("BUY", volume=0.1))
    with guard.only_terminal(tmp_path):
        done, terminal = second_copy(ea_binary, tmp_path, make_broker())
    assert done.returncode == 3
    assert terminal.journal == [] and (tmp_path / name).exists()


# --- the executed ids, read from the file ------------------------------------------------


def test_it_reads_the_ids_another_writer_appended(ea_binary, tmp_path):
    copy = native.Copy(ea_binary, tmp_path, fake(tmp_path), timers=3)
    pending = copy.answer_until(draining())
    assert pending is not None
    buy = command("BUY", volume=0.1)
    with open(tmp_path / protocol.EXECUTED, "a") as handle:
        handle.write(buy["id"] + "\n")
    name = drop(tmp_path, buy)
    assert copy.finish(pending).returncode == 0
    assert copy.terminal.journal == []
    assert not (tmp_path / name).exists() and result_of(tmp_path, name) is None


# --- the chart and the last heartbeat -------------------------------------------------------


def test_the_chart_shows_the_link_the_last_command_and_the_last_error(
    ea_binary, tmp_path
):
    ok = drop(tmp_path, command("BUY", volume=0.1))
    terminal = fake(tmp_path)
    assert native.run(ea_binary, tmp_path, terminal, timers=1).returncode == 0
    assert result_of(tmp_path, ok)["status"] == "executed"
    assert "waiting for the terminal to log in" in terminal.comments[0]
    status = terminal.comments[-2]
    assert f"on {LOGIN}: connected" in status
    assert "last command: BUY EURUSD: executed" in status
    assert "last error: none" in status
    assert terminal.comments[-1] == ""  # removed: the chart is clean again

    bad = drop(tmp_path, command("BUY", "NOPE", volume=0.1))
    terminal = fake(tmp_path)
    native.run(ea_binary, tmp_path, terminal, timers=1)
    message = result_of(tmp_path, bad)["message"]
    assert f"last error: BUY NOPE: {message}" in terminal.comments[-2]


def test_its_last_heartbeat_says_stopped(ea_binary, tmp_path):
    assert native.run(ea_binary, tmp_path, fake(tmp_path), timers=1).returncode == 0
    heartbeat = protocol.read_flat(tmp_path / protocol.HEARTBEAT)
    assert (heartbeat["state"], heartbeat["seq"]) == ("stopped", 2)


@pytest.mark.parametrize("reason", [2, 3, 5])  # recompile, chart change, new inputs
def test_a_reload_leaves_no_stopped_heartbeat(ea_binary, tmp_path, reason):
    done = native.run(ea_binary, tmp_path, fake(tmp_path), deinit_reason=reason)
    assert done.returncode == 0, done.stderr
    assert "state" not in protocol.read_flat(tmp_path / protocol.HEARTBEAT)


# --- inputs --------------------------------------------------------------------------------

HTTP = {"InpTransport": 1, "InpServerUrl": "https://bot.example.com", "InpEAKey": "k3y"}


@pytest.mark.parametrize(
    ("inputs", "words"),
    [
        ({"InpPollMilliseconds": 0}, "poll interval is 10 to 10000 ms"),
        ({"InpHeartbeatSeconds": 0}, "heartbeat interval is 1 to 60 s"),
        ({"InpDeviationPoints": -1}, "deviation is 0 to 10000 points"),
        ({**HTTP, "InpHttpTimeoutMs": 100}, "HTTP timeout is 500 to 60000 ms"),
        ({**HTTP, "InpServerUrl": ""}, "must start with http:// or https://"),
        ({**HTTP, "InpServerUrl": "ftp://x"}, "must start with http:// or https://"),
        ({**HTTP, "InpServerUrl": "https://"}, "the server URL has no host"),
        ({**HTTP, "InpServerUrl": "https://a b"}, "may hold no spaces"),
        ({**HTTP, "InpServerUrl": "https://x/?k=1"}, "may hold no spaces, '?'"),
        ({**HTTP, "InpEAKey": ""}, "needs this account's EA key"),
        ({**HTTP, "InpEAKey": "k3y\r\nX: 1"}, "no spaces or control characters"),
    ],
)
def test_it_refuses_inputs_out_of_range(ea_binary, tmp_path, inputs, words):
    terminal = fake(tmp_path)
    done = native.run(ea_binary, tmp_path, terminal, inputs=inputs)
    assert done.returncode == 3
    assert "runtime: OnInit returned 2" in done.stderr  # INIT_PARAMETERS_INCORRECT
    assert words in terminal.comments[-1] and words in done.stderr
    assert not (tmp_path / protocol.HEARTBEAT).exists()


def test_it_accepts_good_http_inputs(ea_binary, tmp_path):
    done = native.run(ea_binary, tmp_path, fake(tmp_path), inputs=HTTP)
    assert done.returncode == 0, done.stderr
