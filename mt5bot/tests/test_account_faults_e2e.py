"""An account's fault profile reaches its paper terminal: a real supervisor
process (`manage.py supervise`) starts two paper terminals, one on a broker
that requotes every market deal and one on the perfect broker; the same
alert is refused 10004 on the first and filled on the second. A changed
profile waits for the terminal's restart."""

import subprocess
import sys

import pytest

from mt5bot.tests.test_bridge_e2e import Bridge
from mt5bot.tests.test_serve import ROOT, wait_until_up

pytestmark = pytest.mark.e2e

FAULTED, PERFECT = "2100001", "2100002"
BUY = {"accounts": [FAULTED, PERFECT], "action": "BUY", "symbol": "EURUSD",
       "volume": 0.01}  # fmt: skip


class SupervisedBridge(Bridge):
    """The web server without its embedded supervisor, and `supervise` as a
    process of its own: the one that starts the paper terminals."""

    def start(self):
        self.manage("setup", "--no-demo")
        self.manage("accounts", "add", FAULTED, "--faults", "requote=1", "--no-start")
        self.manage("accounts", "add", PERFECT, "--no-start")
        self.manage("shell", "-c", RUNNING)
        self.log = (self.dir / "server.log").open("w")
        manage = [sys.executable, str(ROOT / "manage.py")]
        self.server = self.spawn(
            [*manage, "serve", "--port", str(self.port), "--no-supervisor"]
        )
        self.supervisor = self.spawn([*manage, "supervise"])
        wait_until_up(self.port, self.server)
        self.wait_for(self.online, "terminals online")

    def spawn(self, args):
        return subprocess.Popen(
            args, env=self.env, stdout=self.log, stderr=subprocess.STDOUT
        )

    def online(self):
        return self.statuses() == {FAULTED: "online", PERFECT: "online"}

    def stop(self):
        if self.supervisor.poll() is None:
            self.supervisor.terminate()
            self.supervisor.wait(timeout=20)
        super().stop()

    def terminal_log(self, login):
        return (self.dir / "logs" / f"terminal_{login}.log").read_text()


# Desired running, nothing started here: the supervisor starts them.
RUNNING = (
    "from accounts.models import Account; Account.objects.update(desired='running')"
)


@pytest.fixture
def bridge(tmp_path):
    bridge = SupervisedBridge(tmp_path)
    bridge.supervisor = None
    try:
        bridge.start()
        yield bridge
    finally:
        if bridge.supervisor is not None:
            bridge.stop()


def outcome(row):
    return row["status"], row["retcode"]


def test_the_supervisor_starts_each_paper_terminal_with_its_profile(bridge):
    assert "broker faults on: requote=1" in bridge.terminal_log(FAULTED)
    assert "broker faults on" not in bridge.terminal_log(PERFECT)
    rows = bridge.alert(**BUY)
    assert outcome(rows[FAULTED]) == ("rejected", 10004), rows[FAULTED]
    assert "requote" in rows[FAULTED]["result_message"]
    assert outcome(rows[PERFECT]) == ("executed", 10009), rows[PERFECT]

    # Changed, the profile waits for the next start: the running terminal
    # keeps requoting until the restart.
    bridge.manage(
        "shell",
        "-c",
        "from accounts.models import Account; "
        f"a = Account.objects.get(login='{FAULTED}'); "
        "a.paper_faults = 'perfect'; a.save()",
    )
    assert outcome(bridge.alert(**BUY)[FAULTED]) == ("rejected", 10004)
    bridge.manage("accounts", "restart", FAULTED, "--wait", "60")
    bridge.wait_for(bridge.online, "the restarted terminal online")
    assert outcome(bridge.alert(**BUY)[FAULTED]) == ("executed", 10009)
