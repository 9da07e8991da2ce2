"""
The suite's secret scan: no log line written while the tests ran may hold a
secret the tests used (a webhook token, a password, an EA key, a SECRET_KEY).

The root conftest.py wires it up for the whole session:
- `watch()` notes each secret where the tests make it: every setting change
  to a secret setting, every password hashed for a user, every EA key made,
  every secret-named variable in the environment of a process a test starts
  (the real servers), and at the end every secret in a `.env` the tests'
  installs wrote;
- a `Recorder` on the root logger sees every record, after the same redact
  filter as the real handlers, and keeps the lines that hold a known secret;
- `pytest_sessionfinish` then reads every log file under the session's
  temporary folder (the servers' output and their LOG_DIR) and the suite's
  own LOG_DIR, and fails the session when a secret appears. Under xdist each
  worker sends what it saw (`seen()`) to the controller, which scans every
  worker's folders for every worker's secrets.
"""

import logging
import re
import subprocess
from pathlib import Path

from django.conf import settings
from django.contrib.auth import base_user, hashers
from django.contrib.auth import models as auth_models
from django.core.signals import setting_changed

from accounts.models import Account
from mt5bot import envfile
from mt5bot.logs import RedactSecrets

SECRET_NAME = re.compile(r"(TOKEN|PASSWORD|_PASS|SECRET_KEY|EA_KEY)\Z")
SECRET_SETTINGS = (
    "WEBHOOK_TOKEN",
    "WEBHOOK_TOKEN_PREVIOUS",
    "SECRET_KEY",
    "EMAIL_HOST_PASSWORD",
)
MIN_LENGTH = 8


class Secrets:
    def __init__(self):
        self.values = set()

    def note(self, value):
        # A short value or a single word ("password") would match ordinary
        # text; such a secret could not be told from prose anyway.
        if isinstance(value, str) and len(value) >= MIN_LENGTH and not value.isalpha():
            self.values.add(value)

    def note_env(self, env):
        for name, value in (env or {}).items():
            if SECRET_NAME.search(name):
                self.note(value)

    def found_in(self, text):
        return sorted(s for s in self.values if s in text)

    def masked(self, text):
        """`text` fit to print in the report: each secret cut to 4 chars."""
        for secret in self.found_in(text):
            text = text.replace(secret, f"{secret[:4]}…")
        return text


class Recorder(logging.Handler):
    """Every record as the real handlers write it; keeps those with a leak."""

    def __init__(self, secrets):
        super().__init__()
        self.secrets = secrets
        self.addFilter(RedactSecrets())
        self.setFormatter(logging.Formatter("%(name)s: %(message)s"))
        self.leaks = []

    def emit(self, record):
        line = self.format(record)
        if self.secrets.found_in(line):
            self.leaks.append(self.secrets.masked(line))


SECRETS = Secrets()
RECORDER = Recorder(SECRETS)
# The session's temporary folder, once the watch has begun.
WATCHED = []


def watch(monkeypatch):
    """Note secrets where the tests make them (see the module's docstring)."""
    for name in SECRET_SETTINGS:
        SECRETS.note(getattr(settings, name, ""))
    setting_changed.connect(on_setting_changed, weak=False)
    set_ea_key, popen_init = Account.set_ea_key, subprocess.Popen.__init__

    def noting_make_password(password, *args, **kwargs):
        SECRETS.note(password)
        return hashers.make_password(password, *args, **kwargs)

    def noting_set_ea_key(account, *args, **kwargs):
        key = set_ea_key(account, *args, **kwargs)
        SECRETS.note(key)
        return key

    def noting_popen(process, *args, env=None, **kwargs):
        SECRETS.note_env(env)
        return popen_init(process, *args, env=env, **kwargs)

    # Where set_password and create_user hash: every password a test sets.
    for module in (auth_models, base_user):
        monkeypatch.setattr(module, "make_password", noting_make_password)
    monkeypatch.setattr(Account, "set_ea_key", noting_set_ea_key)
    monkeypatch.setattr(subprocess.Popen, "__init__", noting_popen)
    logging.getLogger().addHandler(RECORDER)


def on_setting_changed(setting, value, **kwargs):
    if setting in SECRET_SETTINGS:
        SECRETS.note(value)


def log_files(*roots):
    for root in roots:
        if Path(root).is_dir():
            yield from (p for p in Path(root).rglob("*.log*") if p.is_file())


def note_env_files(root):
    """The secrets `setup` generated into the tests' installs' .env files."""
    for path in Path(root).rglob(".env*"):
        if path.is_file():
            SECRETS.note_env(envfile.read(path))


def find_leaks(*roots):
    """'file: secret…' for each log file under `roots` holding a secret."""
    leaks = []
    for path in log_files(*roots):
        text = path.read_text(encoding="utf-8", errors="replace")
        leaks += [f"{path}: {s[:4]}…" for s in SECRETS.found_in(text)]
    return leaks


def seen(basetemp):
    """What this process saw: the secrets it noted, its records that held one,
    and the folders its log files are in. An xdist worker sends it to the
    controller, which scans all workers' folders for all their secrets."""
    for handler in logging.getLogger().handlers:
        handler.flush()
    note_env_files(basetemp)
    records = [f"log record: {line[:160]}" for line in RECORDER.leaks]
    if RECORDER not in logging.getLogger().handlers:
        # Someone reconfigured logging: records after that went unseen.
        records.append("the recorder was removed from the root logger")
    roots = [str(basetemp), str(settings.LOG_DIR)]
    return {"secrets": sorted(SECRETS.values), "records": records, "roots": roots}


def leaks_in(*reports):
    """Every leak in `seen()` reports: their records, and each log file under
    any of their folders that holds a secret any of them noted."""
    for report in reports:
        SECRETS.values.update(report["secrets"])
    records = [line for report in reports for line in report["records"]]
    roots = dict.fromkeys(root for report in reports for root in report["roots"])
    return records + find_leaks(*roots)


def session_leaks(basetemp):
    """Everything this process wrote that holds a secret."""
    return leaks_in(seen(basetemp))
