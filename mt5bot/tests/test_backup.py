"""`manage.py backup` and `restore`: an install with accounts, mappings,
history and settings, backed up, wiped, set up afresh and restored, on SQLite
and on PostgreSQL, each step a real `manage.py` process."""

import json
import os
import stat
import subprocess
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer
from threading import Thread

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import Supervisor
from mt5bot import backups, envfile
from mt5bot.tests.services import scratch_postgres
from mt5bot.tests.test_serve import ROOT, free_port, server_env

ADMIN_PASSWORD = "backup-admin-password-5521"

# The install's life before the backup: two accounts, a global and an
# account's own mapping, three alerts through the real webhook, an EA key.
POPULATE = """
import json
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from accounts.models import Account
call_command("accounts", "add", "1123456", "--nickname", "main", "--no-start")
call_command("accounts", "add", "7891011", "--margin-mode", "netting", "--no-start")
from mapping.models import SymbolMapping
SymbolMapping.objects.create(alias="GOLDSPOT", symbol="XAUUSD")
SymbolMapping.objects.create(
    alias="NAS", symbol="USTEC", account=Account.objects.get(login="7891011")
)
Account.objects.get(login="7891011").set_ea_key()
client = Client(HTTP_HOST="localhost")
for body in (
    {"account_number": "1123456", "symbol": "EURUSD", "action": "BUY", "volume": 0.1},
    {"accounts": "all", "symbol": "GOLDSPOT", "action": "SELL", "volume": 0.2},
    {"account_number": "999", "symbol": "EURUSD", "action": "BUY", "volume": 0.1},
):
    client.post(
        "/webhook/" + settings.WEBHOOK_TOKEN, json.dumps(body),
        content_type="application/json",
    )
# A viewer, who clears nothing, and a history clearing (archived rows and
# the record of it) that a restore must bring back as they were.
from django.contrib.auth.models import User
from history.pages import clear_finished
from mt5bot import roles
roles.assign(User.objects.create_user("ann"), "viewer")
clear_finished(User.objects.get(username="trader"))
"""

# Everything the trader would miss, as JSON: rows by their own keys.
SNAPSHOT = """
import json
from django.contrib.auth.models import User
from accounts.models import Account
from history.models import Clearing, Command, Signal
from mapping.models import SymbolMapping
from mt5bot import roles
print(json.dumps({
    "accounts": list(Account.objects.order_by("login").values()),
    "mappings": list(SymbolMapping.objects.order_by("alias").values()),
    "signals": list(Signal.objects.order_by("id").values()),
    "commands": list(Command.objects.order_by("id").values()),
    "users": list(User.objects.values("username", "password", "is_superuser")),
    "roles": sorted((u.username, roles.role_of(u)) for u in User.objects.all()),
    "clearings": list(Clearing.objects.values("username", "signals", "scope")),
}, default=str, sort_keys=True))
"""


class Install:
    """One install in a folder of its own, driven through manage.py."""

    def __init__(self, tmp_path, database_url=None):
        extra = {"DATABASE_URL": database_url} if database_url else {}
        self.dir = tmp_path
        self.env_file = tmp_path / ".env"
        self.env = server_env(tmp_path, MT5BOT_ENV_FILE=str(self.env_file), **extra)
        for name in envfile.SECRETS:
            self.env.pop(name)

    def manage(self, *args, check=True, **env):
        done = subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), *args],
            env={**self.env, **env},
            capture_output=True,
            text=True,
        )
        if check:
            assert done.returncode == 0, done.stdout + done.stderr
        return done

    def setup(self, **env):
        self.manage("setup", "--no-input", "--no-demo", **env)

    def snapshot(self):
        return json.loads(self.manage("shell", "-v", "0", "-c", SNAPSHOT).stdout)


def wipe_and_reinstall(install, drop_database):
    """A new machine: no database, no .env, then `setup` from scratch."""
    drop_database()
    install.env_file.unlink()
    install.setup()


def round_trip(install, drop_database):
    install.setup(BASIC_USER="trader", BASIC_PASS=ADMIN_PASSWORD)
    envfile.add(install.env_file, {"EXTERNAL_BASE_URL": "https://bot.example.com"})
    install.manage("shell", "-c", POPULATE)
    before, env_text = install.snapshot(), install.env_file.read_text()
    assert len(before["commands"]) == 4 and len(before["signals"]) == 3
    assert ["ann", "viewer"] in before["roles"] and len(before["clearings"]) == 1
    tunnel = install.dir / "cloudflared"
    (tunnel / "certs").mkdir(parents=True)
    (tunnel / "config.yml").write_text("tunnel: 6ff42ae2\n")
    (tunnel / "certs" / "6ff42ae2.json").write_text('{"TunnelSecret": "x"}')
    made = install.manage("backup", TUNNEL_CONFIG_DIR=str(tunnel)).stdout
    [backup] = backups.existing(install.dir / "backup")
    assert str(backup) in made
    # The logs and the tunnel's folder, as they are on the machine.
    assert (backup / "logs" / "trading_bot.log").stat().st_size > 0
    assert (backup / "tunnel" / "certs" / "6ff42ae2.json").read_text() == (
        '{"TunnelSecret": "x"}'
    )
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["copied"]["tunnel"] == str(tunnel)
    if os.name == "posix":
        # The database copy (SQLite or JSON), .env's and the tunnel's
        # credentials: the owner's alone.
        secret = {backups.SQLITE_FILE, backups.JSON_FILE, backups.ENV_FILE}
        held = [p for p in backup.iterdir() if p.name in secret]
        assert len(held) == 2
        held.append(backup / "tunnel" / "certs" / "6ff42ae2.json")
        assert {stat.S_IMODE(p.stat().st_mode) for p in held} == {0o600}
    assert json.loads((backup / "mappings" / "7891011.json").read_text()) == {
        "nas": "USTEC"
    }
    wipe_and_reinstall(install, drop_database)
    assert install.snapshot()["accounts"] == []
    restored = install.manage("restore").stdout
    assert f"config folder is in {backup / 'tunnel'}" in restored
    assert install.snapshot() == before
    assert install.env_file.read_text() == env_text
    assert (install.dir / ".env.pre-restore").is_file()
    return backup


@pytest.mark.e2e
def test_sqlite_backup_wipe_restore_keeps_everything(tmp_path):
    install = Install(tmp_path)

    def drop():
        for suffix in ("", "-wal", "-shm"):
            (tmp_path / f"mt5bot.sqlite3{suffix}").unlink(missing_ok=True)

    backup = round_trip(install, drop)
    assert (backup / backups.SQLITE_FILE).is_file()


@pytest.fixture
def postgres():
    yield from scratch_postgres()


@pytest.mark.e2e
def test_postgres_backup_wipe_restore_keeps_everything(tmp_path, postgres):
    import psycopg

    install = Install(tmp_path, database_url=postgres)

    def drop():
        with psycopg.connect(postgres, autocommit=True) as db:
            db.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")

    backup = round_trip(install, drop)
    assert (backup / backups.JSON_FILE).is_file()


@pytest.mark.e2e
def test_restore_refuses_a_running_install_without_force(tmp_path):
    install = Install(tmp_path)
    install.setup()
    install.manage("backup")
    install.manage(
        "shell",
        "-c",
        "from accounts.models import Supervisor as S; S.objects.create(pid=1)",
    )
    refused = install.manage("restore", check=False)
    assert refused.returncode == 1
    assert "seems to be running: supervisor 1" in refused.stderr
    install.manage("restore", "--force")


@pytest.mark.django_db
def test_restore_refuses_while_something_answers_on_the_port(settings, tmp_path):
    fake_backup(tmp_path)
    settings.BACKUP_DIR, settings.HOST = tmp_path, "127.0.0.1"
    settings.PORT = free_port()
    server = HTTPServer(("127.0.0.1", settings.PORT), Healthy)
    # shutdown() waits for the loop's next look at its flag (0.5 s apart by
    # default).
    Thread(target=server.serve_forever, args=(0.01,), daemon=True).start()
    try:
        with pytest.raises(CommandError, match="a server answers on 127"):
            call_command("restore")
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.django_db
def test_restore_refuses_while_a_supervisor_beats(settings, tmp_path):
    fake_backup(tmp_path)
    settings.BACKUP_DIR, settings.PORT = tmp_path, free_port()
    Supervisor.objects.create(pid=4242)
    with pytest.raises(CommandError, match="supervisor 4242"):
        call_command("restore")


def test_retention_keeps_the_newest_backups_only(tmp_path):
    names = [
        "mt5bot-20250101-000000",
        "mt5bot-20250102-000000",
        "mt5bot-20250102-000000-2",
    ]
    for name in [*names, ".partial-mt5bot-20250103-000000", "mine"]:
        (tmp_path / name).mkdir()
    deleted = backups.prune(2, tmp_path)
    assert [p.name for p in deleted] == names[:1]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [*names[1:], ".partial-mt5bot-20250103-000000", "mine"]
    )


def test_it_names_a_missing_backup(tmp_path):
    with pytest.raises(backups.BackupError, match="No backup in"):
        backups.find(folder=tmp_path)
    with pytest.raises(backups.BackupError, match="is not a backup"):
        backups.find("nothing", folder=tmp_path)


def fake_backup(folder):
    path = folder / "mt5bot-20250101-000000"
    path.mkdir()
    (path / "manifest.json").write_text("{}")
    return path


class Healthy(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_a_json_backup_from_before_a_model_moved_names_it_as_today(tmp_path):
    old = [
        {"model": "mt5bot.notification", "pk": 1, "fields": {"kind": "startup"}},
        {
            "model": "auth.group",
            "fields": {
                "name": "readers",
                "permissions": [["view_notification", "mt5bot", "notification"]],
            },
        },
        {"model": "accounts.account", "pk": 2, "fields": {"login": "1123456"}},
    ]
    (tmp_path / "database.json").write_text(json.dumps(old))
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    copy = backups.relabelled(tmp_path / "database.json", scratch)
    rows = json.loads(copy.read_text())
    assert [row["model"] for row in rows] == [
        "notifications.notification",
        "auth.group",
        "accounts.account",
    ]
    assert rows[1]["fields"]["permissions"] == [
        ["view_notification", "notifications", "notification"]
    ]
    assert rows[2] == old[2]


def test_a_refused_alert_of_an_older_json_backup_gets_its_word_of_today(tmp_path):
    old = [
        {"model": "signals.signal", "pk": 1, "fields": {"outcome": "rejected"}},
        {"model": "history.command", "pk": 1, "fields": {"status": "rejected"}},
    ]
    (tmp_path / "database.json").write_text(json.dumps(old))
    (tmp_path / "scratch").mkdir()
    copy = backups.relabelled(tmp_path / "database.json", tmp_path / "scratch")
    rows = json.loads(copy.read_text())
    assert rows[0] == {
        "model": "history.signal",
        "pk": 1,
        "fields": {"outcome": "refused"},
    }
    assert rows[1] == old[1]  # an order is still rejected


def test_a_json_backup_of_today_is_loaded_as_it_is(tmp_path):
    rows = [{"model": "accounts.account", "pk": 2, "fields": {"login": "1123456"}}]
    (tmp_path / "database.json").write_text(json.dumps(rows))
    assert backups.relabelled(tmp_path / "database.json", tmp_path) == (
        tmp_path / "database.json"
    )
