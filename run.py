#!/usr/bin/env python3
"""
One command to install and start mt5bot, one to run its tests; stdlib only, so
it works on a fresh Windows or Linux machine with nothing but Python 3.11.

    python3 run.py          install into .venv, first-run setup, start the server
    python3 run.py test     install the test dependencies into .venv, run pytest
"""

import os
import secrets
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def run(*args, check=True):
    # An argument list, never a shell: paths with spaces work on Windows too.
    done = subprocess.run([str(a) for a in args], cwd=ROOT, check=check)  # noqa: S603
    return done.returncode


def install(requirements):
    if not PYTHON.exists():
        venv.create(VENV, with_pip=True)
    run(PYTHON, "-m", "pip", "install", "--quiet", "-r", ROOT / requirements)


def write_secrets(env_file):
    """Add SECRET_KEY and WEBHOOK_TOKEN to .env when missing; never overwrite."""
    text = env_file.read_text(encoding="utf-8") if env_file.exists() else ""
    present = {line.split("=", 1)[0].strip() for line in text.splitlines()}
    new = [
        f"{name}={secrets.token_urlsafe(32)}"
        for name in ("SECRET_KEY", "WEBHOOK_TOKEN")
        if name not in present and name not in os.environ
    ]
    if new:
        prefix = "" if not text or text.endswith("\n") else "\n"
        env_file.write_text(text + prefix + "\n".join(new) + "\n", encoding="utf-8")


def install_chromium():
    """The page tests drive Debian's Chromium. Install it where we can (root on
    Debian); elsewhere those tests skip and say why."""
    if shutil.which("chromium") or not shutil.which("apt-get"):
        return
    if getattr(os, "geteuid", lambda: 1)() != 0:
        print("chromium is missing: `sudo apt-get install chromium` for the page tests")
        return
    run("apt-get", "update", "-qq", check=False)
    run("apt-get", "install", "-y", "-qq", "chromium", check=False)


def main(argv):
    if argv[:1] == ["test"]:
        install("requirements-dev.txt")
        install_chromium()
        sys.exit(run(PYTHON, "-m", "pytest", *argv[1:], check=False))
    install("requirements.txt")
    write_secrets(Path(os.environ.get("MT5BOT_ENV_FILE", ROOT / ".env")))
    run(PYTHON, "manage.py", "setup")
    sys.exit(run(PYTHON, "manage.py", "serve", *argv, check=False))


if __name__ == "__main__":
    main(sys.argv[1:])
