"""
What `manage.py setup` checks and creates, as plain functions the command
wires together and the tests call directly.
"""

import os
import sys
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password

from accounts.instances import InstanceError, main_terminal
from mt5bot import backups, filemodes

MIN_PYTHON = (3, 11)


def python_problem(version=None):
    """Why this Python cannot run the bot, or None."""
    version = tuple(version or sys.version_info)[:2]
    if version < MIN_PYTHON:
        found = ".".join(map(str, version))
        wanted = ".".join(map(str, MIN_PYTHON))
        return f"Python {wanted} or newer is needed; this is {found}."
    return None


def mt5_path_problem(path):
    """Why MT5_MAIN_PATH names no terminal64.exe, or None. Empty is fine: the
    accounts then run on paper terminals."""
    if not str(path or "").strip():
        return None
    try:
        main_terminal(path)
    except InstanceError as exc:
        return str(exc)
    return None


def runtime_dirs():
    return [
        Path(settings.DATA_DIR),
        Path(settings.LOG_DIR),
        Path(settings.MT5_INSTANCES_DIR),
        Path(settings.BACKUP_DIR),
    ]


def private_dirs():
    """The folders that hold secrets: made owner-only when setup makes them."""
    return {Path(settings.DATA_DIR), Path(settings.LOG_DIR), Path(settings.BACKUP_DIR)}


def make_runtime_dirs():
    """The folders the bot writes to; returns the ones it had to create."""
    made = [path for path in runtime_dirs() if not path.is_dir()]
    for path in made:
        if path in private_dirs():
            filemodes.make_private_dir(path)
        else:
            path.mkdir(parents=True, exist_ok=True)
    return made


def secret_files():
    """Every file and folder holding a secret that an older version, or a
    hand, may have left readable by others: the SQLite database and its
    -wal/-shm, .env, the logs, and each backup."""
    paths = [Path(settings.ENV_FILE)]
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "mt5bot.sqlite":
        paths += [
            Path(f"{database['NAME']}{suffix}") for suffix in ("", "-wal", "-shm")
        ]
    log_dir = Path(settings.LOG_DIR)
    if log_dir.is_dir():
        paths += sorted(p for p in log_dir.rglob("*") if p.is_file())
    if Path(settings.BACKUP_DIR).is_dir():
        paths.append(Path(settings.BACKUP_DIR))
    for backup in backups.existing():
        paths += [backup, *sorted(p for p in backup.rglob("*") if p.is_file())]
    return [path for path in paths if str(path) != os.devnull]


def tighten_secret_files():
    """Take others' read access off every secret file; returns those changed.
    A no-op on Windows (mt5bot.filemodes)."""
    return filemodes.tighten(secret_files())


def admin_exists():
    return get_user_model().objects.filter(is_superuser=True).exists()


def ensure_admin(username, password):
    """Create the superuser `username` unless that login exists already: a
    second setup never resets a password (change it with `manage.py
    changepassword`). Returns True when it created one. Raises
    ValidationError for a password the validators refuse."""
    users = get_user_model()
    if users.objects.filter(username=username).exists():
        return False
    validate_password(password, users(username=username))
    users.objects.create_superuser(username=username, email="", password=password)
    return True
