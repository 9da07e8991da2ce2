"""Terminal processes: recognised by PID, creation time and executable together,
started detached with output to a log, stopped in order."""

import dataclasses
import os
import stat
import subprocess
import sys
import time

import psutil
import pytest
from django.conf import settings

from accounts import instances, terminals, windows
from accounts.instances import InstanceError
from accounts.models import Account
from accounts.terminals import ProcessRef, TerminalError
from accounts.tests import stand_in as helpers
from ea import protocol

pytestmark = pytest.mark.django_db
terminal_dirs = helpers.terminal_dirs
stand_in = helpers.stand_in
paper_terminal = helpers.paper_terminal
posix_only = pytest.mark.skipif(os.name == "nt", reason="POSIX sessions and /proc")

SLEEP = [sys.executable, "-c", "import time; time.sleep(60)"]


def wait_until(predicate, timeout=15.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.05)


@pytest.fixture
def child():
    process = subprocess.Popen(SLEEP)
    yield process
    process.kill()
    process.wait(10)


def ref_of(popen):
    process = psutil.Process(popen.pid)
    return ProcessRef(popen.pid, process.create_time(), process.exe())


# --- recognising a process ------------------------------------------------------


def test_it_recognises_the_process_it_recorded(child):
    ref = ref_of(child)
    assert terminals.find(ref).pid == child.pid


@pytest.mark.parametrize(
    "change",
    [
        {"created": -5.0},  # an older process that had this PID
        {"created": +5.0},
        {"exe": "/opt/metatrader/terminal64.exe"},
    ],
)
def test_a_reused_pid_is_not_the_terminal(child, change):
    ref = ref_of(child)
    if "created" in change:
        change = {"created": ref.created + change["created"]}
    assert terminals.find(dataclasses.replace(ref, **change)) is None


def test_a_process_that_ended_is_not_found(child):
    ref = ref_of(child)
    child.kill()
    child.wait(10)
    assert terminals.find(ref) is None
    assert terminals.find(None) is None


@posix_only
def test_an_unreaped_child_does_not_count_as_running():
    popen = subprocess.Popen([sys.executable, "-c", "pass"])
    ref = ref_of(popen)
    try:
        wait_until(lambda: psutil.Process(popen.pid).status() == psutil.STATUS_ZOMBIE)
        assert terminals.find(ref) is None
    finally:
        popen.wait(10)


def test_an_account_without_a_pid_has_no_current_process():
    assert terminals.current(Account(login="1")) is None
    assert not terminals.alive(Account(login="1"))


# --- launching ------------------------------------------------------------------


def test_it_launches_a_paper_terminal_and_records_its_identity(paper_terminal):
    account = Account.objects.create(login="1123456", margin_mode="netting")
    ref = terminals.launch(account)
    account.refresh_from_db()
    assert (account.pid, account.pid_created, account.pid_exe) == (
        ref.pid,
        ref.created,
        ref.exe,
    )
    assert terminals.alive(account)
    process = psutil.Process(ref.pid)
    # Popen returns once exec closed our pipe, a moment before the kernel
    # fills in the new program's arguments: until then cmdline() is empty.
    wait_until(process.cmdline)
    assert process.cmdline()[-7:] == [
        "--files",
        str(instances.files_dir(settings.MT5_INSTANCES_DIR, "1123456")),
        "--login",
        "1123456",
        "--margin-mode",
        "netting",
        "--faults=perfect",
    ]
    assert process.cwd() == str(settings.BASE_DIR)
    assert instances.files_dir(settings.MT5_INSTANCES_DIR, "1123456").is_dir()


@posix_only
def test_the_terminal_survives_a_ctrl_c_in_its_parents_terminal(stand_in):
    ref = terminals.launch(Account.objects.create(login="1123456"))
    # Its own session and process group: a terminal's SIGINT to our group
    # never reaches it.
    assert os.getsid(ref.pid) == ref.pid
    assert os.getpgid(ref.pid) != os.getpgid(0)


@posix_only
def test_its_output_goes_to_a_log_and_its_input_is_empty(stand_in):
    account = Account.objects.create(login="1123456")
    ref = terminals.launch(account)
    log = terminals.log_path(account)
    assert log.parent == settings.LOG_DIR
    wait_until(lambda: log.is_file() and "--login 1123456" in log.read_text())
    assert os.readlink(f"/proc/{ref.pid}/fd/0") == os.devnull
    assert stat.S_IMODE(log.stat().st_mode) == 0o600


def test_launching_a_running_terminal_again_starts_no_second_one(paper_terminal):
    account = Account.objects.create(login="1123456")
    first = terminals.launch(account)
    assert terminals.launch(account) == first
    assert len(terminals._children) == 1


def test_it_says_which_program_it_could_not_start(terminal_dirs, monkeypatch):
    monkeypatch.setattr(
        instances, "paper_command", lambda *args: [str(terminal_dirs / "nope")]
    )
    account = Account.objects.create(login="1123456")
    with pytest.raises(TerminalError, match=r"cannot start .*nope"):
        terminals.launch(account)
    account.refresh_from_db()
    assert account.pid is None


def test_an_mt5_terminal_needs_windows(terminal_dirs, monkeypatch):
    monkeypatch.setattr(terminals, "on_windows", lambda: False)
    with pytest.raises(TerminalError, match="Windows only"):
        terminals.launch(Account.objects.create(login="1", kind="mt5"))


def test_an_mt5_terminal_needs_mt5_main_path(terminal_dirs, monkeypatch):
    monkeypatch.setattr(terminals, "on_windows", lambda: True)
    with pytest.raises(InstanceError, match="MT5_MAIN_PATH is not set"):
        terminals.terminal_command(Account(login="1", kind="mt5"))


def test_an_mt5_terminal_needs_its_copy(terminal_dirs, monkeypatch, settings):
    monkeypatch.setattr(terminals, "on_windows", lambda: True)
    (terminal_dirs / "main").mkdir()
    (terminal_dirs / "main" / "terminal64.exe").write_bytes(b"MZ")
    settings.MT5_MAIN_PATH = str(terminal_dirs / "main")
    with pytest.raises(TerminalError, match="holds no installation"):
        terminals.terminal_command(Account(login="1", kind="mt5"))
    dest = settings.MT5_INSTANCES_DIR.resolve() / "1"
    dest.mkdir(parents=True)
    (dest / "terminal64.exe").write_bytes(b"MZ")
    assert terminals.terminal_command(Account(login="1", kind="mt5")) == (
        [str(dest / "terminal64.exe"), "/portable", f"/config:{dest / 'mt5bot.ini'}"],
        dest,
    )


# --- stopping -------------------------------------------------------------------


def test_it_stops_a_terminal_and_stopping_again_is_harmless(paper_terminal):
    account = Account.objects.create(login="1123456")
    ref = terminals.launch(account)
    assert terminals.stop(ref, timeout=10) == "exited"
    assert not psutil.pid_exists(ref.pid) or terminals.find(ref) is None
    assert not terminals.alive(account)
    assert terminals.stop(ref) == "not running"
    # Forgotten once reaped: a child caught on its way out can already fail
    # find()'s checks before it can be reaped (once under stress --cpu 2);
    # the next look at the children collects it.
    wait_until(lambda: terminals.reap() or terminals._children == {})


@posix_only
def test_it_kills_a_terminal_that_ignores_the_request_to_exit(
    terminal_dirs, monkeypatch
):
    script = (
        "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
        "print('ready', flush=True); time.sleep(60)"
    )
    monkeypatch.setattr(
        instances, "paper_command", lambda python, *a: [python, "-c", script]
    )
    account = Account.objects.create(login="1123456")
    ref = terminals.launch(account)
    log = terminals.log_path(account)
    wait_until(lambda: "ready" in log.read_text())
    assert terminals.stop(ref, timeout=0.3) == "killed"
    assert terminals.find(ref) is None


def test_it_never_stops_a_process_that_merely_reuses_the_pid(child):
    stranger = dataclasses.replace(ref_of(child), created=ref_of(child).created - 60)
    assert terminals.stop(stranger, timeout=1) == "not running"
    assert not terminals.terminate(stranger)
    terminals.kill(stranger)
    time.sleep(0.2)
    assert child.poll() is None


def test_stopping_an_account_forgets_its_process(paper_terminal):
    account = Account.objects.create(login="1123456")
    terminals.launch(account)
    assert terminals.stop_account(account) == "exited"
    account.refresh_from_db()
    assert (account.pid, account.pid_created, account.pid_exe) == (None, None, "")
    assert terminals.stop_account(account) == "not running"


def test_it_records_a_status_with_its_time():
    account = Account.objects.create(login="1")
    terminals.set_status(account, "starting", "x" * 300)
    account.refresh_from_db()
    assert account.status == "starting"
    assert account.status_reason == "x" * 200
    assert account.status_changed_at is not None


# --- windows ---------------------------------------------------------------------


def test_focus_says_it_works_on_windows_only(monkeypatch):
    monkeypatch.setattr(terminals, "on_windows", lambda: False)
    with pytest.raises(TerminalError, match="Windows only"):
        terminals.focus(Account(login="1"))


WINDOWS = [
    windows.Window(handle=1, pid=10, visible=True, title=""),
    windows.Window(handle=2, pid=20, visible=True, title="Other program"),
    windows.Window(handle=3, pid=10, visible=False, title="hidden"),
    windows.Window(
        handle=4, pid=10, visible=True, title="1123456 - Demo: MetaTrader 5"
    ),
]


def test_it_picks_the_titled_visible_window_of_the_terminal():
    assert windows.main_window(WINDOWS, 10).handle == 4
    assert [w.handle for w in windows.windows_of(WINDOWS, 10)] == [4, 1]
    assert windows.main_window(WINDOWS, 20).handle == 2


def test_it_picks_no_window_for_a_process_that_shows_none():
    assert windows.main_window(WINDOWS, 30) is None
    assert windows.main_window([WINDOWS[2]], 10) is None


@pytest.mark.skipif(not helpers.real_paper_exists(), reason="ea/paper not written yet")
def test_the_real_paper_terminal_beats_in_its_files_folder(terminal_dirs):
    account = Account.objects.create(login="1123456", margin_mode="netting")
    ref = terminals.launch(account)
    heartbeat = (
        instances.files_dir(settings.MT5_INSTANCES_DIR, "1123456")
        / "webhook_heartbeat.json"
    )
    wait_until(heartbeat.is_file, timeout=30)
    data = protocol.read_flat(heartbeat)
    assert (data["kind"], data["login"], data["margin_mode"]) == (
        "paper",
        "1123456",
        "netting",
    )
    assert terminals.stop(ref) == "exited"  # it honours SIGTERM
