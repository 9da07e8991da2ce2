"""
What the person at the console types and reads: the commands we tell them to
run, and the paths they paste.

Standard library only, and no Django: run.py imports it before the venv
exists, and setup and serve print the same commands.
"""

import re
from collections import Counter

VENV = ".venv"
# `py` is the launcher the Python installer for Windows puts on the PATH; a
# Linux or macOS machine has `python3` and often no `python`.
RUN_PY = {"nt": "py run.py", "posix": "python3 run.py"}


def venv_python(system):
    """The venv's interpreter, relative to the project folder, on `system`
    (os.name). `manage.py` needs it: the system Python has no Django."""
    if system == "nt":
        return rf"{VENV}\Scripts\python.exe"
    return f"{VENV}/bin/python"


def manage(system, *args):
    """`manage.py ARGS` as the person types it in the project folder."""
    return " ".join([venv_python(system), "manage.py", *args])


def webhook_url(base, token, system, whole=False):
    """The URL TradingView posts to. Unless `whole`, for output that may land
    in a log: the token cut to its first 4 characters, and the command that
    prints it whole."""
    url = f"{base.rstrip('/')}/webhook/"
    if whole:
        return url + token
    return f"{url}{token[:4]}…  (`{manage(system, 'webhookurl')}` prints it whole)"


def run_py(system):
    """How to start the bot again."""
    return RUN_PY.get(system, RUN_PY["posix"])


# One pair of quotes around the whole answer: Explorer's "Copy as path" adds
# double ones, a path dragged into PowerShell may come as & 'C:\...'.
QUOTED = re.compile(r"""\A(?:&\s*)?(["'])(.*)\1\Z""", re.DOTALL)


def pasted_path(text):
    """The path in a pasted answer: surrounding blanks and one pair of
    quotes dropped. Spaces inside the path stay (C:\\Program Files\\...)."""
    text = (text or "").strip()
    match = QUOTED.match(text)
    return match[2].strip() if match else text


KIND_NAMES = {"paper": "paper", "mt5": "MetaTrader 5"}


def start_summary(system, address, processes, url, accounts):
    """serve's start-up lines: where it listens, the webhook URL (masked by
    the caller, or None when there is no token) and the accounts, given as
    (kind, desired, enabled) each."""
    several = f" with {processes} processes" if processes > 1 else ""
    return [
        f"mt5bot is listening on {address}{several}",
        f"Webhook URL: {url}"
        if url
        else "Webhook: WEBHOOK_TOKEN is empty, every alert is refused "
        f"(`{manage(system, 'setup')}` writes one).",
        accounts_line(system, list(accounts)),
    ]


def accounts_line(system, accounts):
    if not accounts:
        add = manage(system, "accounts add LOGIN")
        return f"Accounts: none yet (`{add}` adds one)."
    kinds = Counter(kind for kind, _, _ in accounts)
    kinds = ", ".join(f"{n} {KIND_NAMES.get(k, k)}" for k, n in sorted(kinds.items()))
    running = sum(desired == "running" for _, desired, _ in accounts)
    states = [f"{running} to run"]
    if len(accounts) > running:
        states.append(f"{len(accounts) - running} stopped")
    disabled = sum(not enabled for _, _, enabled in accounts)
    if disabled:
        states.append(f"{disabled} disabled (refusing alerts)")
    return f"Accounts: {len(accounts)} ({kinds}): {', '.join(states)}."
