"""`python3 run.py` as a person runs it: at a terminal (a pseudo-terminal the
test types into), and at none (a pipe, as a service runs it). Each run starts
from the project's .venv without pip (MT5BOT_SKIP_INSTALL) and keeps its
install (.env, database, terminals, logs) in the test's own folder."""

import os
import sqlite3
import subprocess
import sys
import threading

import psutil
import pytest

from mt5bot import console
from mt5bot.tests.test_serve import ROOT, free_port, server_env

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(os.name != "posix", reason="drives a POSIX pseudo-terminal"),
]

GOOD_PASSWORD = "run-py-admin-password-5521"
# Seconds: a bound on each wait for output or an exit, never a pause.
PATIENCE = 60
CTRL_C, CTRL_D = b"\x03", b"\x04"


def install_env(tmp_path):
    """A first start on a fresh clone: no .env, no secrets, nothing made."""
    env = server_env(
        tmp_path,
        MT5BOT_ENV_FILE=str(tmp_path / ".env"),
        MT5BOT_SKIP_INSTALL="1",
        PORT=str(free_port()),
    )
    for name in ("SECRET_KEY", "WEBHOOK_TOKEN", "BASIC_USER", "BASIC_PASS"):
        env.pop(name, None)
    return env


class Output:
    """What a child writes, gathered by a thread; waits wake on each read."""

    def __init__(self, read):
        self.text = ""
        self.changed = threading.Condition()
        self.thread = threading.Thread(target=self.gather, args=(read,), daemon=True)
        self.thread.start()

    def gather(self, read):
        while chunk := read():
            with self.changed:
                self.text += chunk.decode(errors="replace")
                self.changed.notify_all()

    def expect(self, text, after=0):
        """Wait until `text` appears past index `after`; return where it ends."""
        with self.changed:
            seen = self.changed.wait_for(lambda: text in self.text[after:], PATIENCE)
        assert seen, f"{text!r} never came; the output:\n{self.text}"
        return self.text.index(text, after) + len(text)


class Terminal:
    """run.py on a pseudo-terminal of its own, as the controlling terminal of
    a new session: Ctrl-C typed here reaches run.py and the server as one
    process group, as at a real console."""

    def __init__(self, env):
        import pty

        self.master, replica = pty.openpty()
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "run.py")],
            stdin=replica,
            stdout=replica,
            stderr=replica,
            env=env,
            start_new_session=True,
            preexec_fn=take_controlling_terminal,
        )
        os.close(replica)
        self.output = Output(self.read)
        self.mark = 0

    def read(self):
        try:
            return os.read(self.master, 4096)
        except OSError:  # EIO: every process holding the terminal exited
            return b""

    def expect(self, text):
        self.mark = self.output.expect(text, self.mark)

    def answer(self, question, text):
        self.expect(question)
        os.write(self.master, text.encode() + b"\n")

    def type(self, keys):
        os.write(self.master, keys)

    def finish(self):
        """Its exit code once it and everything holding the terminal ended."""
        code = self.process.wait(PATIENCE)
        self.output.thread.join(PATIENCE)
        os.close(self.master)
        return code


def take_controlling_terminal():
    import fcntl
    import termios

    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def admins(tmp_path):
    with sqlite3.connect(tmp_path / "mt5bot.sqlite3") as db:
        query = "SELECT username FROM auth_user WHERE is_superuser"
        return [name for (name,) in db.execute(query)]


def terminals_of(process):
    """The paper terminals below `process` (serve -> supervisor -> terminal)."""
    family = psutil.Process(process.pid).children(recursive=True)
    return [p for p in family if "ea.paper" in " ".join(p.cmdline())]


def test_a_first_start_cut_short_is_finished_by_the_next(tmp_path):
    env = install_env(tmp_path)
    transcripts = []

    # Ctrl-C at the password: nothing started, one line, no admin.
    first = Terminal(env)
    first.answer("Admin login [admin]: ", "alice")
    first.expect("Admin password: ")
    first.type(CTRL_C)
    assert first.finish() == 130
    transcripts.append(first.output.text)
    assert "Setup stopped before the end" in first.output.text
    assert "`python3 run.py` asks for the rest" in first.output.text
    assert "is listening" not in first.output.text
    assert admins(tmp_path) == []

    # Again: asked for the admin (still missing); a refused password says
    # the rule and is asked again; then Ctrl-D at an optional question.
    second = Terminal(env)
    second.answer("Admin login [admin]: ", "alice")
    second.answer("Admin password: ", "secret")
    second.expect("This password is too short. It must contain at least 8 characters.")
    second.answer("Admin password: ", GOOD_PASSWORD)
    second.answer("Again: ", GOOD_PASSWORD)
    second.expect("Created admin login 'alice'.")
    second.expect("Alert email: SMTP login/sender (empty: no email): ")
    second.type(CTRL_D)
    assert second.finish() == 130
    transcripts.append(second.output.text)
    assert "is listening" not in second.output.text
    assert admins(tmp_path) == ["alice"]

    # Once more: nothing is missing, so nothing is asked; the server starts
    # with one summary, and Ctrl-C stops it and its terminal.
    third = Terminal(env)
    third.expect("mt5bot is listening on http://127.0.0.1:")
    third.expect("1123456 is online")
    paper = terminals_of(third.process)
    assert len(paper) == 1
    third.type(CTRL_C)
    assert third.finish() == 0
    _gone, alive = psutil.wait_procs(paper, timeout=PATIENCE)
    assert alive == [], "a paper terminal outlived the server"
    transcripts.append(third.output.text)
    said = third.output.text
    assert "Admin login" not in said and "Alert email" not in said
    assert said.rstrip().endswith("mt5bot stopped.")
    assert "Setup done" not in said and "HTTP/2" not in said
    token = (tmp_path / ".env").read_text().split("WEBHOOK_TOKEN=")[1].split()[0]
    assert f"/webhook/{token[:4]}…  (`.venv/bin/python manage.py webhookurl`" in said
    assert token not in said

    (tmp_path / "run.log").write_text("\n".join(transcripts))
    assert not any("Traceback" in text for text in transcripts)
    assert admins(tmp_path) == ["alice"]


def test_at_no_terminal_it_names_the_command_and_asks_nothing(tmp_path):
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "run.py")],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=install_env(tmp_path),
        start_new_session=True,
    )
    output = Output(lambda: process.stdout.read1(4096))
    command = console.manage("posix", "setup")
    output.expect(f"No admin login yet: run `{command}` at a terminal")
    output.expect("mt5bot is listening on")
    output.expect("1123456 is online")
    paper = terminals_of(process)
    # A service manager stops it with SIGTERM: run.py passes it on.
    process.terminate()
    assert process.wait(PATIENCE) == 0
    _gone, alive = psutil.wait_procs(paper, timeout=PATIENCE)
    assert alive == []
    output.thread.join(PATIENCE)
    (tmp_path / "run.log").write_text(output.text)
    assert "Traceback" not in output.text
    assert "Admin login" not in output.text
    assert admins(tmp_path) == []
