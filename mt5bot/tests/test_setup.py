"""`manage.py setup`: a fresh install from nothing, run twice; the .env file it
writes; the checks it makes."""

import hashlib
import io
import os
import sqlite3
import subprocess
import sys

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts import ea_build
from accounts.models import Account
from mt5bot import console, envfile, install
from mt5bot.management.commands import setup as setup_command
from mt5bot.tests.test_serve import ROOT, server_env

ADMIN_PASSWORD = "setup-admin-password-4417"
SMTP_PASSWORD = "setup-smtp-app-password-9931"


def fresh_env(tmp_path, **extra):
    """A clone's first run: no .env, no secrets in the environment."""
    env = server_env(tmp_path, MT5BOT_ENV_FILE=str(tmp_path / ".env"), **extra)
    for name in envfile.SECRETS:
        env.pop(name)
    return env


def setup(env, *args):
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "setup", "--no-input", *args],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout + done.stderr


def snapshot(tmp_path):
    """What setup set: the .env bytes and every row of the database."""
    with sqlite3.connect(tmp_path / "mt5bot.sqlite3") as db:
        rows = list(db.iterdump())
    return hashlib.sha256((tmp_path / ".env").read_bytes()).hexdigest(), rows


@pytest.mark.e2e
def test_a_second_setup_changes_nothing(tmp_path):
    env = fresh_env(tmp_path, BASIC_USER="trader", BASIC_PASS=ADMIN_PASSWORD)
    flags = [
        "--email-user=bot@example.com",
        f"--email-password={SMTP_PASSWORD}",
        "--notify-url=json://127.0.0.1:9/alerts",
    ]
    first = setup(env, *flags)
    before = snapshot(tmp_path)
    second = setup(env, *flags)
    assert snapshot(tmp_path) == before
    values = envfile.read(tmp_path / ".env")
    assert len(values["SECRET_KEY"]) >= 40
    assert values["EMAIL_HOST_USER"] == "bot@example.com"
    assert values["NOTIFY_URLS"] == "json://127.0.0.1:9/alerts"
    reveal = f"(`{console.manage(os.name, 'webhookurl')}` prints it whole)"
    assert f"/webhook/{values['WEBHOOK_TOKEN'][:4]}…  {reveal}" in first
    assert "Created admin login 'trader'" in first
    assert "Kept the existing admin login 'trader'" in second
    secrets = (ADMIN_PASSWORD, SMTP_PASSWORD, *(values[k] for k in envfile.SECRETS))
    for secret in secrets:
        assert secret not in first + second
    for folder in ("logs", "instances", "backup"):
        assert (tmp_path / folder).is_dir()
    # The roles exist, and the admin login holds every permission.
    with sqlite3.connect(tmp_path / "mt5bot.sqlite3") as db:
        groups = {name for (name,) in db.execute("SELECT name FROM auth_group")}
        query = "SELECT is_superuser FROM auth_user WHERE username = 'trader'"
        superuser = db.execute(query).fetchone()
    assert (groups, superuser) == ({"viewer", "trader", "admin"}, (1,))


def test_add_fills_empty_names_and_never_overwrites(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("WEBHOOK_TOKEN", raising=False)
    path = tmp_path / ".env"
    path.write_text("# copied from .env.example\nSECRET_KEY=\nWEBHOOK_TOKEN=mine\n")
    assert envfile.ensure_secrets(path) == ["SECRET_KEY"]
    assert envfile.add(path, {"WEBHOOK_TOKEN": "other", "PORT": "5001"}) == ["PORT"]
    lines = path.read_text().splitlines()
    assert lines[0] == "# copied from .env.example"
    assert lines[1].startswith("SECRET_KEY=") and len(lines[1]) > 40
    assert lines[2:] == ["WEBHOOK_TOKEN=mine", "PORT=5001"]
    assert envfile.ensure_secrets(path) == []


def test_add_leaves_names_the_environment_sets(tmp_path, monkeypatch):
    monkeypatch.setenv("EMAIL_HOST", "smtp.example.com")
    assert envfile.add(tmp_path / ".env", {"EMAIL_HOST": "smtp.other"}) == []
    assert not (tmp_path / ".env").exists()


@pytest.mark.django_db
def test_it_refuses_a_weak_admin_password(settings, tmp_path):
    settings.ENV_FILE = tmp_path / ".env"
    with pytest.raises(CommandError, match="password"):
        call_command("setup", "--no-input", "--admin-user=boss", "--admin-password=123")
    assert not User.objects.filter(username="boss").exists()


@pytest.mark.django_db
def test_at_a_terminal_it_asks_for_what_is_missing(settings, tmp_path, monkeypatch):
    settings.ENV_FILE = tmp_path / ".env"
    answers = iter(["boss", "", "json://127.0.0.1:9/x"])
    secrets = iter([ADMIN_PASSWORD, ADMIN_PASSWORD])
    monkeypatch.setattr(setup_command, "at_terminal", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: next(answers))
    monkeypatch.setattr(setup_command.getpass, "getpass", lambda p: next(secrets))
    for name in ("EMAIL_HOST_USER", "NOTIFY_URLS"):
        monkeypatch.delenv(name, raising=False)
    call_command("setup", stdout=(out := io.StringIO()))
    assert User.objects.get(username="boss").check_password(ADMIN_PASSWORD)
    assert f"/webhook/{settings.WEBHOOK_TOKEN}\n" in out.getvalue()
    assert envfile.read(settings.ENV_FILE) == {"NOTIFY_URLS": "json://127.0.0.1:9/x"}


def test_it_names_an_old_python():
    assert install.python_problem((3, 10, 4)) == (
        "Python 3.11 or newer is needed; this is 3.10."
    )
    assert install.python_problem((3, 11, 0)) is None


def test_it_checks_the_mt5_path(tmp_path):
    assert install.mt5_path_problem("") is None
    assert "is not a terminal64.exe" in install.mt5_path_problem(tmp_path / "x.exe")
    (tmp_path / "terminal64.exe").write_bytes(b"MZ")
    assert install.mt5_path_problem(tmp_path) is None
    assert install.mt5_path_problem(tmp_path / "terminal64.exe") is None


@pytest.mark.django_db
def test_with_an_mt5_path_it_compiles_the_ea_or_says_how(
    settings, tmp_path, monkeypatch
):
    settings.ENV_FILE = tmp_path / ".env"
    ea = tmp_path / "ea"
    ea.mkdir()
    (ea / "MT5Bot.mq5").write_text("// the EA\n")
    monkeypatch.setattr(ea_build, "ea_dir", lambda: ea)
    main = tmp_path / "MetaTrader 5" / "terminal64.exe"
    main.parent.mkdir()
    main.write_bytes(b"MZ")
    call_command(
        "setup", "--no-input", f"--mt5-path={main}", stdout=(out := io.StringIO())
    )
    # Not Windows here: nothing is run, and the output says what to do.
    assert (
        "EA not compiled: MetaEditor runs on Windows only; there this runs"
        in out.getvalue()
    )
    assert (
        f"MT5 accounts cannot run until the EA is compiled: open {ea / 'MT5Bot.mq5'} "
        "in MetaEditor (in MetaTrader 5: Tools > MetaQuotes Language Editor) and "
        "press F7, then run `manage.py setup` again to install it"
    ) in out.getvalue()
    # A current program: nothing to compile, nothing to say.
    (ea / "MT5Bot.ex5").write_bytes(b"EX5")
    call_command(
        "setup", "--no-input", f"--mt5-path={main}", stdout=(again := io.StringIO())
    )
    assert "EA not compiled" not in again.getvalue()
    assert "MT5 accounts cannot run" not in again.getvalue()


@pytest.mark.django_db
def test_without_an_mt5_path_it_leaves_the_ea_alone(settings, tmp_path, monkeypatch):
    settings.ENV_FILE = tmp_path / ".env"
    settings.MT5_MAIN_PATH = ""
    monkeypatch.setattr(ea_build, "build", lambda *a: pytest.fail("compiled"))
    call_command("setup", "--no-input", stdout=io.StringIO())


def at_a_terminal(monkeypatch, answers, secrets=()):
    """setup with a person answering `answers` (input) and `secrets`
    (getpass) in turn; each is a string, or an exception to raise there."""
    replies = iter(answers)
    hidden = iter(secrets)

    def reply(source):
        answer = next(source)
        if isinstance(answer, BaseException):
            raise answer
        return answer

    monkeypatch.setattr(setup_command, "at_terminal", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: reply(replies))
    monkeypatch.setattr(setup_command.getpass, "getpass", lambda p: reply(hidden))
    for name in ("EMAIL_HOST_USER", "NOTIFY_URLS", "MT5_MAIN_PATH"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.django_db
def test_a_refused_answer_says_the_rule_and_is_asked_again(
    settings, tmp_path, monkeypatch
):
    settings.ENV_FILE = tmp_path / ".env"
    at_a_terminal(
        monkeypatch,
        ["not a login", "boss", "", "nowhere://", ""],
        ["secret", ADMIN_PASSWORD, "a typo", ADMIN_PASSWORD, ADMIN_PASSWORD],
    )
    call_command("setup", stdout=io.StringIO(), stderr=(said := io.StringIO()))
    assert User.objects.get(username="boss").check_password(ADMIN_PASSWORD)
    assert said.getvalue().splitlines() == [
        "Enter a valid username. This value may contain only letters, numbers, "
        "and @/./+/-/_ characters.",
        "This password is too short. It must contain at least 8 characters. "
        "This password is too common.",
        "The two passwords differ; once more.",
        "URL 1 is not one Apprise can use: see its list of services (tgram://, "
        "discord://, mailto://, ...).",
    ]
    assert envfile.read(settings.ENV_FILE) == {}


@pytest.mark.django_db
@pytest.mark.parametrize("key", [KeyboardInterrupt(), EOFError()])
def test_ctrl_c_or_d_mid_way_keeps_what_is_done_and_says_how_to_go_on(
    settings, tmp_path, monkeypatch, key
):
    settings.ENV_FILE = tmp_path / ".env"
    at_a_terminal(monkeypatch, ["boss"], [key])
    with pytest.raises(CommandError) as stopped:
        call_command("setup", stdout=io.StringIO())
    assert stopped.value.returncode == 130
    assert str(stopped.value) == (
        "Setup stopped before the end; what it did is kept, and "
        f"`{console.manage(os.name, 'setup')}` asks for the rest."
    )
    assert Account.objects.filter(login=setup_command.DEMO_LOGIN).exists()
    assert not User.objects.exists()


@pytest.fixture
def on_windows(monkeypatch, tmp_path):
    """setup's Windows branch, with a MetaTrader 5 installed in a folder
    whose name has spaces, as under C:\\Program Files."""
    monkeypatch.setattr(setup_command.terminals, "on_windows", lambda: True)
    exe = tmp_path / "Program Files" / "MetaTrader 5" / "terminal64.exe"
    exe.parent.mkdir(parents=True)
    exe.write_bytes(b"MZ")
    return exe


@pytest.mark.django_db
def test_a_pasted_terminal_path_loses_its_quotes(
    settings, tmp_path, monkeypatch, on_windows
):
    settings.ENV_FILE = tmp_path / ".env"
    wrong = tmp_path / "MetaTrader 5" / "terminal64.exe"
    at_a_terminal(
        monkeypatch,
        [f'"{wrong}"', f'"{on_windows}"', "boss", "", ""],
        [ADMIN_PASSWORD, ADMIN_PASSWORD],
    )
    call_command("setup", stdout=io.StringIO(), stderr=(said := io.StringIO()))
    assert "is not a terminal64.exe" in said.getvalue()
    assert "Paste the path of terminal64.exe, or leave it empty." in said.getvalue()
    assert envfile.read(settings.ENV_FILE) == {"MT5_MAIN_PATH": str(on_windows)}


@pytest.mark.django_db
def test_a_wrong_terminal_path_is_asked_again_at_a_terminal_and_named_elsewhere(
    settings, tmp_path, monkeypatch, on_windows
):
    settings.ENV_FILE = tmp_path / ".env"
    settings.ENV_FILE.write_text(f"MT5_MAIN_PATH={tmp_path / 'gone.exe'}\n")
    User.objects.create_superuser("boss", "", ADMIN_PASSWORD)
    at_a_terminal(monkeypatch, [])
    monkeypatch.setattr(setup_command, "at_terminal", lambda: False)
    with pytest.raises(CommandError) as refused:
        call_command("setup", stdout=io.StringIO())
    assert str(refused.value).startswith(
        f"MT5_MAIN_PATH={tmp_path / 'gone.exe'} is not"
    )
    assert str(refused.value).endswith(
        f"Fix it in {settings.ENV_FILE}, or run "
        f"`{console.manage(os.name, 'setup')}` at a terminal."
    )
    # At a terminal it is asked, once, and the answer replaces it.
    at_a_terminal(monkeypatch, [f"'{on_windows}'"])
    call_command("setup", stdout=io.StringIO(), stderr=io.StringIO())
    assert envfile.read(settings.ENV_FILE) == {"MT5_MAIN_PATH": str(on_windows)}


def test_its_help_writes_nothing(tmp_path):
    env = fresh_env(tmp_path / "install")
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "setup", "--help"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: manage.py setup")
    assert "--no-input" in done.stdout
    assert list(tmp_path.iterdir()) == []


@pytest.mark.e2e
def test_a_plus_and_a_space_in_the_data_folder(tmp_path):
    data = tmp_path / "a+b c"
    env = fresh_env(tmp_path, DATA_DIR=str(data))
    setup(env)
    with sqlite3.connect(data / "mt5bot.sqlite3") as db:
        assert db.execute("SELECT login FROM accounts_account").fetchall() == [
            (setup_command.DEMO_LOGIN,)
        ]
    assert not (tmp_path / "a b c").exists()
