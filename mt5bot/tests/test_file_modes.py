"""Files that hold secrets are the owner's alone on POSIX: the database and
its -wal/-shm, .env, the logs and the backups, as the real commands make
them; and `setup` takes others' access off the ones an older version left."""

import logging
import os
import sqlite3
import stat
import subprocess
import sys

import pytest

from mt5bot import envfile
from mt5bot.logs import RotatingFile
from mt5bot.tests.test_serve import ROOT, server_env

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


def mode(path):
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def permissive_umask():
    """The usual umask, which leaves new files readable by everyone: what
    the code must override, whatever umask runs the suite."""
    old = os.umask(0o022)
    yield
    os.umask(old)


class Install:
    """An install whose folders setup creates, in `tmp_path`."""

    def __init__(self, tmp_path):
        self.data = tmp_path / "data"
        self.env_file = tmp_path / ".env"
        self.env = server_env(
            tmp_path, DATA_DIR=str(self.data), MT5BOT_ENV_FILE=str(self.env_file)
        )
        for name in envfile.SECRETS:
            self.env.pop(name)
        self.database = self.data / "mt5bot.sqlite3"

    def manage(self, *args):
        done = subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout


@pytest.mark.e2e
def test_setup_and_backup_make_owner_only_files(tmp_path):
    install = Install(tmp_path)
    install.manage("setup", "--no-input", "--no-demo")
    assert mode(install.env_file) == 0o600
    assert mode(install.database) == 0o600
    for folder in (install.data, tmp_path / "logs", tmp_path / "backup"):
        assert mode(folder) == 0o700, folder
    # The server's connections: SQLite gives -wal and -shm the database's mode.
    db = sqlite3.connect(install.database)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE probe (x)")
        for suffix in ("-wal", "-shm"):
            assert mode(install.data / f"mt5bot.sqlite3{suffix}") == 0o600
    finally:
        db.close()
    install.manage("backup")
    [backup] = (tmp_path / "backup").iterdir()
    assert mode(backup) == 0o700
    assert mode(backup / "database.sqlite3") == 0o600
    assert mode(backup / "env") == 0o600


@pytest.mark.e2e
def test_migrate_alone_makes_an_owner_only_database(tmp_path):
    # Without setup, which would also fix the mode afterwards: the backend's
    # first connection creates the file so.
    install = Install(tmp_path)
    install.data.mkdir()
    install.env["SECRET_KEY"] = "migrate-only"
    install.manage("migrate", "-v", "0")
    assert mode(install.database) == 0o600


@pytest.mark.e2e
def test_setup_fixes_what_an_older_version_or_a_hand_left_readable(tmp_path):
    install = Install(tmp_path)
    install.manage("setup", "--no-input", "--no-demo")
    install.manage("backup")
    [backup] = (tmp_path / "backup").iterdir()
    log = tmp_path / "logs" / "trading_bot.log.1"
    log.write_text("an old line\n")
    readable = [install.env_file, install.database, log, backup / "env", backup]
    for path in readable:
        path.chmod(0o755 if path.is_dir() else 0o644)
    said = install.manage("setup", "--no-input", "--no-demo")
    for path in readable:
        assert mode(path) == (0o700 if path.is_dir() else 0o600), path
        assert f"Made {path} readable by its owner only." in said
    again = install.manage("setup", "--no-input", "--no-demo")
    assert "readable by its owner only" not in again


def test_a_log_file_is_created_owner_only_and_stays_so_when_rotated(tmp_path):
    path = tmp_path / "new" / "trading_bot.log"
    handler = RotatingFile(str(path), maxBytes=200, backupCount=2)
    logger = logging.getLogger("mt5bot.tests.file_modes")
    logger.handlers[:] = [handler]
    logger.propagate = False
    try:
        for n in range(20):
            logger.warning("line %s of a log that rotates every few lines", n)
    finally:
        handler.close()
        logger.handlers[:] = []
    assert mode(path.parent) == 0o700
    files = sorted(path.parent.glob("trading_bot.log*"))
    assert len(files) == 3
    assert {mode(f) for f in files} == {0o600}
