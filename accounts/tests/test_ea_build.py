"""The compiled EA (accounts/ea_build.py): `accounts add` and `setup` compile
it with the installation's MetaEditor when there is one and ea/ holds no
current MT5Bot.ex5, install it, show the compiler's errors, and say the exact
next step when nothing can compile it. MetaEditor is played by a stand-in
that writes the log and the program as it does (ea/tests/test_metaeditor.py
tests the log's shapes)."""

import io
import os
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

from accounts import ea_build, instances, terminals
from accounts.models import Account
from accounts.tests import stand_in as helpers
from accounts.tests.test_instances import make_installation
from ea import metaeditor

pytestmark = pytest.mark.django_db
terminal_dirs = helpers.terminal_dirs
LOGIN = "1123456"
CLEAN = "Result: 0 errors, 0 warnings, 812 msec elapsed, cpu='X64 Regular'\r\n"
BROKEN = (
    "{ea}\\MT5Bot_Open.mqh(57,12) : error 256: undeclared identifier 'voume'\r\n"
    "Result: 1 errors, 0 warnings, 412 msec elapsed, cpu='X64 Regular'\r\n"
)


def run(*args):
    out = io.StringIO()
    call_command("accounts", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def experts(login=LOGIN):
    return instances.instance_dir(None, login) / "MQL5" / "Experts" / "mt5bot"


@pytest.fixture
def repo(terminal_dirs, settings):
    """A checkout whose ea/ holds the EA's sources and no compiled program,
    and an MT5 installation whose folder has spaces in its name."""
    settings.BASE_DIR = terminal_dirs / "my repo"
    ea = settings.BASE_DIR / "ea"
    ea.mkdir(parents=True)
    for name in ("MT5Bot.mq5", "MT5Bot_Open.mqh"):
        (ea / name).write_text("// the EA\n")
        os.utime(ea / name, (1_000, 1_000))
    main = make_installation(terminal_dirs / "Meta Trader 5")
    settings.MT5_MAIN_PATH = str(main / "terminal64.exe")
    return ea


class MetaEditor:
    """Stands in for MetaEditor64.exe: writes `log` (UTF-16LE with a BOM) to
    the /log: path it is given, and MT5Bot.ex5 beside the source when the log
    says it compiled."""

    def __init__(self, log):
        self.log, self.lines = log, []

    def __call__(self, line, **_):
        self.lines.append(line)
        source = Path(line.split('/compile:"')[1].split('"')[0])
        log = Path(line.split('/log:"')[1].split('"')[0])
        text = self.log.format(ea=source.parent)
        log.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
        if "Result: 0 errors" in text:
            source.with_suffix(".ex5").write_bytes(b"EX5")
        return subprocess.CompletedProcess(line, 0)


@pytest.fixture
def windows(repo, monkeypatch, settings):
    """This machine as Windows with the installation's MetaEditor64.exe."""
    monkeypatch.setattr(terminals, "on_windows", lambda: True)
    (Path(settings.MT5_MAIN_PATH).parent / metaeditor.EDITOR).write_bytes(b"MZ")

    def compiler(log):
        editor = MetaEditor(log)
        monkeypatch.setattr(metaeditor.subprocess, "run", editor)
        return editor

    return compiler


def test_adding_an_mt5_account_without_a_program_or_compiler_says_what_to_do(repo):
    out = run("add", LOGIN, "--kind", "mt5", "--no-start")
    source = repo / "MT5Bot.mq5"
    assert (
        f"{LOGIN}: MT5 accounts cannot run until the EA is compiled: open {source} "
        "in MetaEditor (in MetaTrader 5: Tools > MetaQuotes Language Editor) and "
        f"press F7, then run `manage.py accounts install {LOGIN}` "
        '(README.md, "Real MT5 on Windows").\n'
    ) in out
    # Why it was not compiled here, and what it would have run on Windows.
    assert f"{LOGIN}: EA not compiled: MetaEditor runs on Windows only;" in out
    assert f'/compile:"{source}"' in out
    assert not (experts() / metaeditor.PROGRAM).exists()
    assert Account.objects.get().kind == "mt5"  # added all the same


def test_adding_an_mt5_account_compiles_and_installs_the_ea(windows, repo):
    editor = windows(CLEAN)
    out = run("add", LOGIN, "--kind", "mt5", "--no-start")
    (line,) = editor.lines
    assert line.startswith('"') and f'/compile:"{repo / "MT5Bot.mq5"}"' in line
    assert f"{LOGIN}: compiled the EA (Result: 0 errors, 0 warnings" in out
    assert f"{LOGIN}: EA installed: MT5Bot.ex5.\n" in out
    assert (experts() / metaeditor.PROGRAM).read_bytes() == b"EX5"


def test_a_current_program_is_not_compiled_again(windows, repo):
    editor = windows(CLEAN)
    (repo / metaeditor.PROGRAM).write_bytes(b"EX5 from before")
    out = run("add", LOGIN, "--kind", "mt5", "--no-start")
    assert editor.lines == [] and "compiled" not in out
    assert (experts() / metaeditor.PROGRAM).read_bytes() == b"EX5 from before"


def test_the_compilers_errors_are_shown_with_file_and_line(windows, repo):
    windows(BROKEN)
    out = run("add", LOGIN, "--kind", "mt5", "--no-start")
    assert (
        f"{LOGIN}: the EA did not compile: MetaEditor says Result: 1 errors, "
        "0 warnings, 412 msec elapsed, cpu='X64 Regular'\n"
        f"{LOGIN}:   MT5Bot_Open.mqh(57,12): error 256: undeclared identifier 'voume'\n"
    ) in out
    assert f"{LOGIN}: MetaEditor's log: {ea_build.log_path()}\n" in out
    assert f"then run `manage.py accounts install {LOGIN}`" in out
    assert not (experts() / metaeditor.PROGRAM).exists()


def test_paper_accounts_never_compile(windows):
    editor = windows(CLEAN)
    out = run("add", LOGIN, "--kind", "paper", "--no-start")
    assert editor.lines == [] and "EA" not in out


def test_setup_compiles_and_installs_into_every_mt5_terminal(windows, repo):
    Account.objects.create(login="1000001", kind="mt5")
    Account.objects.create(login="1000002", kind="mt5")
    Account.objects.create(login="1000003", kind="mt5", host="elsewhere")
    for login in ("1000001", "1000002"):
        instances.instance_dir(None, login).mkdir(parents=True)
    experts("1000002").mkdir(parents=True)
    (experts("1000002") / metaeditor.PROGRAM).write_bytes(b"older")
    os.utime(experts("1000002") / metaeditor.PROGRAM, (500, 500))
    windows(CLEAN)
    lines = ea_build.prepare()
    assert lines[0].startswith("compiled the EA")
    assert lines[1] == (
        "installed MT5Bot.ex5 into the terminals of 1000001, 1000002 "
        "(a running one takes it at its next start)."
    )
    for login in ("1000001", "1000002"):
        assert (experts(login) / metaeditor.PROGRAM).read_bytes() == b"EX5"
    assert not instances.instance_dir(None, "1000003").exists()
    assert ea_build.prepare() == []  # nothing to do a second time


def test_setup_without_a_compiler_says_what_to_do(repo):
    lines = ea_build.prepare()
    assert lines[0].startswith("EA not compiled: MetaEditor runs on Windows only;")
    assert lines[1].endswith(
        "press F7, then run `manage.py setup` again to install it "
        '(README.md, "Real MT5 on Windows").'
    )


def test_the_command_says_when_mt5_main_path_names_nothing(repo, settings):
    settings.MT5_MAIN_PATH = '  ""  '
    assert ea_build.build().lines == ("EA not compiled: MT5_MAIN_PATH is not set.",)


def test_the_state_says_what_is_installed_and_what_runs(repo):
    account = Account.objects.create(login=LOGIN, kind="mt5")
    assert ea_build.state(account)["installed"] is False
    experts().mkdir(parents=True)
    (experts() / metaeditor.PROGRAM).write_bytes(b"EX5")
    os.utime(experts() / metaeditor.PROGRAM, (1_736_510_400, 1_736_510_400))
    account.heartbeat = {
        "protocol": 1,
        "ea_version": "mt5-1.0",
        "ea_build": "2025.01.10 12:00 mql5-4755",
    }
    ea = ea_build.state(account)
    assert ea == {
        "installed": True,
        "built": "2025-01-10 12:00 UTC",
        "version": "mt5-1.0",
        "build": "2025.01.10 12:00 mql5-4755",
        "protocol": 1,
    }
    assert ea_build.summary(ea) == (
        "ex5 2025-01-10 12:00 UTC",
        "mt5-1.0 (2025.01.10 12:00 mql5-4755) protocol 1",
    )
    paper = Account(login="1000009", kind="paper", heartbeat={"ea_version": "p"})
    assert ea_build.summary(ea_build.state(paper)) == ("-", "p protocol ?")
    elsewhere = Account(login="1000008", kind="mt5", host="win2")
    assert ea_build.state(elsewhere)["installed"] is None
