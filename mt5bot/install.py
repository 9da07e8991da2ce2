"""
What `manage.py setup` checks and creates, as plain functions the command
wires together and the tests call directly.
"""

import sys
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password

from accounts.instances import InstanceError, main_terminal

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


def make_runtime_dirs():
    """The folders the bot writes to; returns the ones it had to create."""
    made = [path for path in runtime_dirs() if not path.is_dir()]
    for path in made:
        path.mkdir(parents=True, exist_ok=True)
    return made


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
