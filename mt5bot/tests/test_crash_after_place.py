"""A real crash between placing command files and committing (issue 13,
point 4): the delivering process dies by SIGKILL with the files in place and
the rows still queued; the terminals go on with them; the supervisor comes
back after the TTL. Nothing the terminals did is lost behind an `expired`."""

import json
import os
import signal
import subprocess
import sys

import pytest

from ea import protocol
from mt5bot.tests.test_serve import ROOT, server_env

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(os.name != "posix", reason="SIGKILL"),
]

LOGINS = ["3100001", "3100002", "3100003"]

MAKE = """
from datetime import timedelta
from django.utils import timezone
from accounts.models import Account
from history.models import Command, Signal
signal = Signal.objects.create(outcome="accepted", http_status=200)
for login in {logins!r}:
    Command.objects.create(
        signal=signal, account=Account.objects.get(login=login),
        account_login=login, action="BUY", symbol="EURUSD", volume="0.1",
        status="queued", expires_at=timezone.now() + timedelta(hours=1))
"""

# Every file is placed, then the process dies before the commit: the fault is
# injected in the child only, the crash itself is a real SIGKILL.
CRASH = """
import os, signal
from accounts.bridge import delivery
from ea import inside
from history.models import Command
write_many = inside.write_many_inside
def place_then_die(root, files):
    failed = write_many(root, files)
    if len(files) == {count} and not failed:
        os.kill(os.getpid(), signal.SIGKILL)
    return failed
inside.write_many_inside = place_then_die
delivery.deliver_many(list(Command.objects.queued()))
"""

TTL_PASSED = """
from datetime import timedelta
from django.utils import timezone
from history.models import Command
Command.objects.update(expires_at=timezone.now() - timedelta(hours=1))
"""

REPORT = """
import json
from history.models import Command
print(json.dumps({c.account_login: [c.status, c.status_code, c.uid.hex,
      c.result_ticket, c.status_reason, c.pk] for c in Command.objects.all()}))
"""


class Site:
    def __init__(self, tmp_path):
        self.env = server_env(tmp_path)
        self.root = tmp_path / "instances"

    def manage(self, *args, check=True):
        return subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), *args],
            env=self.env,
            capture_output=True,
            text=True,
            check=check,
            timeout=120,
        )

    def shell(self, code, check=True):
        return self.manage("shell", "-c", code, check=check)

    def rows(self):
        return json.loads(self.shell(REPORT).stdout.strip().splitlines()[-1])

    def folder(self, login):
        return self.root / login / "MQL5" / "Files"


def answer(folder, uid, name, ticket):
    """What a terminal does with a command file (ea/PROTOCOL.md §3)."""
    taken = folder / protocol.in_progress_name(name)
    os.replace(folder / name, taken)
    with (folder / protocol.EXECUTED).open("a") as executed:
        executed.write(uid + "\n")
    result = {"protocol": 1, "id": uid, "status": "executed", "retcode": 10009}
    result.update(ticket=ticket, price=1.1, volume=0.1, message="done", time=0)
    protocol.write_atomic(folder, protocol.result_name(name), result)
    taken.unlink()


def test_a_crash_between_place_and_commit_loses_no_result(tmp_path):
    site = Site(tmp_path)
    site.manage("setup", "--no-demo")
    for login in LOGINS:
        site.manage("accounts", "add", login, "--no-start")
    site.shell(MAKE.format(logins=LOGINS))
    crashed = site.shell(CRASH.format(count=len(LOGINS)), check=False)
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr
    rows = site.rows()
    assert {row[0] for row in rows.values()} == {"queued"}, rows
    names = {
        login: protocol.command_name(row[5], row[2]) for login, row in rows.items()
    }
    answered, taken, untouched = LOGINS
    for login in LOGINS:
        assert (site.folder(login) / names[login]).exists()
    # The terminals go on: one answers, one takes its file and hangs.
    answer(site.folder(answered), rows[answered][2], names[answered], 4242)
    os.replace(
        site.folder(taken) / names[taken],
        site.folder(taken) / protocol.in_progress_name(names[taken]),
    )
    site.shell(TTL_PASSED)

    site.manage("supervise", "--once", "--no-terminals")
    rows = site.rows()
    assert rows[answered][:2] == ["executed", "retcode_10009"], rows
    assert rows[answered][3] == 4242
    assert rows[taken][:2] == ["unknown", "no_result"], rows
    assert rows[untouched][:2] == ["expired", "not_taken"], rows
    assert not (site.folder(untouched) / names[untouched]).exists()

    # The hung terminal answers at last: what happened is recorded, late.
    folder = site.folder(taken)
    os.replace(folder / protocol.in_progress_name(names[taken]), folder / names[taken])
    answer(folder, rows[taken][2], names[taken], 4343)
    site.manage("supervise", "--once", "--no-terminals")
    rows = site.rows()
    assert rows[taken][:2] == ["executed", "retcode_10009"], rows
    assert rows[taken][3] == 4343 and "came late" in rows[taken][4]
