"""
The install's `.env` file: read it, and add values to it without ever
changing one that is set (but for a rotation the trader asks for).

Standard library only, and no Django: `manage.py setup` writes the secrets
with it *before* the settings load, because the settings refuse to load
without `SECRET_KEY`. It is the one place that writes `.env`.
"""

import os
import re
import secrets
from pathlib import Path

from ea import protocol

BASE_DIR = Path(__file__).resolve().parent.parent
SECRETS = ("SECRET_KEY", "WEBHOOK_TOKEN")
# django-environ's own line pattern, so that both read a file the same way.
LINE = re.compile(r"\A(?:export )?([A-Za-z_0-9]+)=(.*)\Z")


def location():
    """Where the settings read `.env` from (MT5BOT_ENV_FILE, else the project)."""
    return Path(os.environ.get("MT5BOT_ENV_FILE") or BASE_DIR / ".env")


def read(path):
    """{name: value} of the file; {} when it does not exist."""
    path = Path(path)
    if not path.is_file():
        return {}
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = LINE.match(line)
        if match:
            values[match[1]] = unquote(match[2])
    return values


def unquote(value):
    for quote in ("'", '"'):
        if len(value) >= 2 and value[0] == value[-1] == quote:
            return value[1:-1]
    return value


def is_set(name, path):
    """A value counts as set when it is not empty, in the environment (which
    wins over the file) or in the file. `NAME=` as copied from .env.example
    is not set."""
    return bool(os.environ.get(name) or read(path).get(name))


def add(path, values):
    """Write each of `values` whose name is not set yet; fill an empty `NAME=`
    line in place and append the others. Returns the names written.

    Never changes a value that is set: running setup again keeps the secrets
    every TradingView alert and EA already carries.
    """
    path = Path(path)
    new = {k: v for k, v in values.items() if v not in (None, "")}
    new = {k: v for k, v in new.items() if not is_set(k, path)}
    if not new or str(path) == os.devnull:
        return []
    _write(path, new)
    return list(new)


def replace(path, values):
    """Set each of `values`, changing a value that is set: only for a
    rotation the trader asked for (`manage.py rotatetoken`). An empty value
    empties the line."""
    _write(Path(path), values)


def _write(path, values):
    """Each name's first line takes its value (later ones are dropped), a
    name without a line is appended, every other line stays as it is."""
    for name, value in values.items():
        if "\n" in str(value) or "\r" in str(value):
            raise ValueError(f"{name}: a value in .env cannot span lines")
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    lines, pending = [], dict(values)
    for line in text.splitlines():
        match = LINE.match(line)
        if match and match[1] in values:
            if match[1] not in pending:
                continue  # a duplicate line: the value is already written
            line = f"{match[1]}={pending.pop(match[1])}"
        lines.append(line)
    lines += [f"{name}={value}" for name, value in pending.items()]
    write_atomic(path, "\n".join(lines) + "\n")


def ensure_secrets(path):
    """Generate SECRET_KEY and WEBHOOK_TOKEN where they are not set."""
    return add(path, {name: secrets.token_urlsafe(32) for name in SECRETS})


def write_atomic(path, text):
    """Temp file beside it, flushed, renamed over: a crash never leaves half
    a .env, and the settings never read one. Owner-only: it holds secrets."""
    path.parent.mkdir(parents=True, exist_ok=True)
    protocol.write_atomic(path.parent, path.name, text, fsync=True, mode=0o600)
