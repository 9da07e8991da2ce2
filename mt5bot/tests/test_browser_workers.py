"""Live pages with several processes: `serve --workers 2` behind one port,
the supervisor in a process of its own, Redis between them. Two browsers
each see every alert turn executed without a reload, whichever web process
took the alert and whichever one holds their websocket: the executed
updates come from the supervisor's process, so only the shared channel
layer can bring them."""

import subprocess
import sys

import pytest

from mt5bot.tests import test_browser as pages
from mt5bot.tests.browsing import USER, Server
from mt5bot.tests.services import scratch_redis
from mt5bot.tests.test_serve import ROOT, wait_until_up

pytestmark = pages.pytestmark
browser = pages.browser
LOGIN = "3000021"
QUIET_MS = 6000
# Every change of the live indicator from now on (a reconnect goes offline).
WATCH_STATE = """() => {
  window.__states = [];
  const state = document.querySelector("#live-state");
  new MutationObserver(() => window.__states.push(state.dataset.state))
    .observe(state, { attributes: true, attributeFilter: ["data-state"] });
}"""


class Workers(Server):
    def __init__(self, tmp, redis):
        super().__init__(tmp)
        self.env.update(redis)

    def start(self):
        self.manage("setup", "--no-demo")
        self.manage("createsuperuser", "--noinput", "--username", USER, "--email", "")
        self.manage("accounts", "add", LOGIN, "--no-start")
        self.manage("accounts", "start", LOGIN, "--wait", "0")
        self.log = (self.dir / "server.log").open("w")
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), "serve",
             "--port", str(self.port), "--workers", "2"],
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        wait_until_up(self.port, self.process)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with scratch_redis() as redis:
        server = Workers(tmp_path_factory.mktemp("workers"), redis)
        try:
            server.start()
            yield server
        finally:
            server.stop()


def test_every_page_sees_every_alert_executed(browser, server):
    traders = [pages.new_page(browser) for _ in range(2)]
    for page in traders:
        pages.log_in(page, server)
        pages.wait_status(page, LOGIN, "online")
        page.goto(f"{server.base}/history/")
        pages.wait_live(page)
        pages.mark(page)
        page.evaluate(WATCH_STATE)
    # Quiet for longer than a consumer's blocking pop on Redis (5 s): the
    # pages keep their sockets through it, as an idle dashboard must.
    traders[-1].wait_for_timeout(QUIET_MS)
    signals = [
        server.alert(account_number=LOGIN, symbol="EURUSD", action=side, volume=0.01)[
            "signal"
        ]
        for side in ("BUY", "SELL") * 4
    ]
    for page in traders:
        for signal in signals:
            page.wait_for_selector(
                f'#signal-{signal} tr.command[data-status="executed"]', timeout=10_000
            )
        pages.assert_not_reloaded(page)
        # Pushed, not caught up on a reconnect: the socket never dropped.
        assert page.evaluate("window.__states") == [], "the websocket reconnected"
        page.context.close()
