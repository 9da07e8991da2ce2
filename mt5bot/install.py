"""
What `manage.py setup` checks and creates, as plain functions the command
wires together and the tests call directly.

The checks behind its questions take an answer and return the value to keep,
or raise ValueError saying the rule: setup then says it and asks again,
where it used to stop and leave a half-made install behind.
"""

import os
import sys
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from accounts.instances import InstanceError, main_terminal
from mt5bot import backups, console, filemodes

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


# --- The answers to setup's questions ----------------------------------------


def admin_login(text):
    field = get_user_model()._meta.get_field(get_user_model().USERNAME_FIELD)
    try:
        return field.clean(text, None)
    except ValidationError as exc:
        raise ValueError(" ".join(exc.messages)) from None


def admin_password(text, username):
    """The password the validators accept for `username` (settings'
    AUTH_PASSWORD_VALIDATORS: their messages say the rule)."""
    if not text:
        raise ValueError("The password cannot be empty.")
    try:
        validate_password(text, get_user_model()(username=username))
    except ValidationError as exc:
        raise ValueError(" ".join(exc.messages)) from None
    return text


def terminal_path(text):
    """A pasted terminal64.exe (or its folder), quotes dropped; empty for
    paper terminals."""
    path = console.pasted_path(text)
    problem = mt5_path_problem(path)
    if problem:
        raise ValueError(
            f"{problem} Paste the path of terminal64.exe, or leave it empty."
        )
    return path


def port(text):
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise ValueError(f"{text!r} is not a port: a number from 1 to 65535.")
    return text


def email_addresses(text):
    """Comma-separated addresses, as EMAIL_RECIPIENTS holds them."""
    addresses = [part.strip() for part in text.split(",") if part.strip()]
    for address in addresses:
        try:
            validate_email(address)
        except ValidationError:
            raise ValueError(f"{address!r} is not an email address.") from None
    if not addresses:
        raise ValueError("Give at least one address.")
    return ",".join(addresses)


def apprise_urls(text):
    """Comma- or space-separated Apprise URLs; empty for none."""
    from notifications.channels import AppriseChannel, mask_in_apprise_logs

    urls = text.replace(",", " ").split()
    # Apprise logs a URL it cannot read, and each one holds a service's key.
    mask_in_apprise_logs(urls)
    for number, url in enumerate(urls, start=1):
        try:
            AppriseChannel(url)
        except ValueError:
            raise ValueError(
                f"URL {number} is not one Apprise can use: see its list of "
                "services (tgram://, discord://, mailto://, ...)."
            ) from None
    return ",".join(urls)
