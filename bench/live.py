"""Live pages benchmark: webhook -> row in the browser, and the history page.

    .venv/bin/python bench/live.py [--alerts 100] [--rows 10000]

Against the real `manage.py serve` (supervisor embedded, one paper terminal)
on a fresh SQLite database, with headless Chromium logged in:

1. webhook -> row visible: the history page is open; for each alert, from
   just before connecting until Playwright (this process) sees the alert's
   row on the page, then until it sees the row turn `executed`. One alert at
   a time, each on a fresh connection as TradingView sends.
2. the history page's first render with `--rows` alerts in the database (one
   to three orders each): GET over loopback with the trader's session, the
   first page, a deep page, an account filter and the dashboard, measured
   from this side (request to last byte), 20 times each after one cold run.
3. what a broadcast costs its caller (the webhook's or the supervisor's
   thread): `history.live.commands_changed` with a page listening, in this
   process, per call.

Targets (issue 5): 1. p95 <= 300 ms; 2. <= 500 ms server time, paginated.
"""

import argparse
import http.client
import json
import os
import secrets
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import bridge
from bridge import HOST, ROOT, kit

sys.path.insert(0, str(ROOT))
LOGIN = "4000001"
USER, PASSWORD = "bench", secrets.token_urlsafe(16)
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alerts", type=int, default=100)
    parser.add_argument("--rows", type=int, default=10_000)
    return parser.parse_args(argv)


class Server(bridge.Server):
    """bench/bridge.py's server, with a user to log in as and one account
    whose paper terminal runs."""

    def __init__(self, tmp):
        super().__init__(tmp)
        self.env["DJANGO_SUPERUSER_PASSWORD"] = PASSWORD

    def manage(self, *args, env=None):
        subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env or self.env,
            check=True,
            capture_output=True,
        )

    def start(self):
        self.manage("setup", "--no-demo")
        self.manage("createsuperuser", "--noinput", "--username", USER, "--email", "")
        self.manage("accounts", "add", LOGIN, "--no-start")
        self.manage("accounts", "start", LOGIN, "--wait", "0")
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "serve", "--port", str(self.port)],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=(self.tmp / "server.log").open("w"),
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if get(self.port, "/webhook/health")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        self.wait_for(lambda: self.status() == "online", "the terminal online")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def query(self, sql, args=()):
        with sqlite3.connect(self.tmp / "mt5bot.sqlite3", timeout=20) as db:
            return db.execute(sql, args).fetchall()

    def status(self):
        rows = self.query(
            "SELECT status FROM accounts_account WHERE login = ?", [LOGIN]
        )
        return rows[0][0] if rows else None

    def wait_for(self, condition, what, timeout=60):
        kit.wait_for(condition, what, timeout)


def get(port, path, cookie=None):
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def post_alert(port, token, body):
    connection = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        connection.request(
            "POST", f"/webhook/{token}", body, {"Content-Type": "text/plain"}
        )
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def line(name, seconds, unit="ms", scale=1000):
    values = [s * scale for s in seconds]
    return (
        f"  {name:<34} p50 {statistics.median(values):7.1f} {unit}   "
        f"p95 {percentile(values, 0.95):7.1f} {unit}   max {max(values):7.1f} {unit}"
        f"   (n={len(values)})"
    )


# --- 1. webhook -> row -------------------------------------------------------------


def log_in(page, server):
    base = f"http://{HOST}:{server.port}"
    page.goto(f"{base}/login/")
    page.fill("#id_username", USER)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    page.goto(f"{base}/history/")
    page.wait_for_selector('#live-state[data-state="live"]')


LISTEN = """() => {
  window.__placed = {};
  window.__executed = {};
  document.addEventListener("mt5bot:live", (event) => {
    const now = Date.now();
    for (const row of event.detail.signals || []) {
      if (!(row.id in window.__placed)) window.__placed[row.id] = now;
      const done = row.commands.some((c) => c.status === "executed");
      if (done && !(row.id in window.__executed)) window.__executed[row.id] = now;
    }
  });
}"""


PLACED = "(id) => document.getElementById(`signal-${id}`) !== null"
EXECUTED = """(id) => document.querySelector(
  `#signal-${id} tr.command[data-status="executed"]`) !== null"""


def rows_in_browser(page, server, count):
    """Two clocks: Playwright's sight of the row from this process (what a
    test sees, including a round trip to the browser), and the page's own
    note of when it placed the row (the system clock, shared with us)."""
    page.evaluate(LISTEN)
    seen, executed, sent = [], [], {}
    for i in range(count):
        side = "BUY" if i % 2 else "SELL"
        body = json.dumps(
            {
                "account_number": LOGIN,
                "symbol": "EURUSD",
                "action": side,
                "volume": 0.01,
            }
        )
        wall, started = time.time(), time.perf_counter()
        status, answer = post_alert(server.port, server.token, body)
        assert status == 200, answer
        sent[answer["signal"]] = wall
        signal = answer["signal"]
        # Polled every 5 ms: waiting on a selector polls once a frame, which
        # headless Chromium paces at tens of milliseconds.
        page.wait_for_function(PLACED, arg=signal, polling=5, timeout=10_000)
        seen.append(time.perf_counter() - started)
        page.wait_for_function(EXECUTED, arg=signal, polling=5, timeout=10_000)
        executed.append(time.perf_counter() - started)
        time.sleep(0.05)
    placed = page.evaluate("window.__placed")
    done = page.evaluate("window.__executed")
    in_page = [placed[str(i)] / 1000 - wall for i, wall in sent.items()]
    done_in_page = [done[str(i)] / 1000 - wall for i, wall in sent.items()]
    return seen, executed, in_page, done_in_page


# --- 2. the history page -----------------------------------------------------------


FILL = """
import random
from datetime import timedelta
from decimal import Decimal
from django.utils import timezone
from history.models import Command, Signal
rows, now = {rows}, timezone.now()
logins = ["{login}", "4000002", "4000003"]
signals = Signal.objects.bulk_create(
    Signal(received_at=now - timedelta(seconds=rows - i), outcome="accepted",
           http_status=200, format="json", raw_body="{{}}",
           parsed={{"accounts": logins, "action": "BUY", "symbol": "EURUSD",
                   "volume": "0.1"}})
    for i in range(rows)
)
commands = []
for signal in signals:
    for login in logins[: random.randint(1, 3)]:
        at = signal.received_at
        commands.append(Command(
            signal=signal, account_login=login, action="BUY", symbol="EURUSD",
            original_symbol="EURUSD", symbol_match="exact", volume=Decimal("0.1"),
            status="executed", received_at=at, queued_at=at,
            delivered_at=at + timedelta(milliseconds=15),
            finished_at=at + timedelta(milliseconds=60), fill_price=Decimal("1.08512"),
            filled_volume=Decimal("0.1"), result_ticket=random.randint(1, 10**9),
            retcode=10009, status_code="retcode_10009"))
Command.objects.bulk_create(commands, batch_size=2000)
print(len(signals), len(commands))
"""


def fill_history(server, rows):
    script = FILL.format(rows=rows, login=LOGIN)
    env = {k: v for k, v in server.env.items() if k != "PYTHONPATH"}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    signals, commands = done.stdout.split()[-2:]
    took = time.perf_counter() - started
    print(f"  filled {signals} alerts with {commands} orders in {took:.1f} s")


def page_times(server, cookie, path, repeat=20):
    cold_started = time.perf_counter()
    status, body = get(server.port, path, cookie)
    cold = time.perf_counter() - cold_started
    assert status == 200, (path, status, body[:300])
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        status, body = get(server.port, path, cookie)
        times.append(time.perf_counter() - started)
    return cold, times, len(body)


# --- 3. the caller's cost --------------------------------------------------------


def caller_cost(server, calls=2_000):
    """In this process, on the server's database: a loop listening as a page's
    consumer would, and the calls a supervisor thread makes. Each call waits
    for the previous send to finish, so every one pays for scheduling a send
    (calls during a send only join its batch, and cost less)."""
    import asyncio

    for name in ("DJANGO_SETTINGS_MODULE", "SECRET_KEY", "MT5BOT_ENV_FILE", "DATA_DIR",
                 "WEBHOOK_TOKEN", "STATIC_ROOT", "LOG_LEVEL"):  # fmt: skip
        os.environ[name] = server.env[name]
    import django

    django.setup()
    from history import live
    from history.models import Command

    ids = list(Command.objects.values_list("pk", flat=True)[:200])
    loop = asyncio.new_event_loop()
    threading.Thread(target=loop.run_forever, daemon=True).start()
    live.sender.attach(loop)
    idle = live.Sender()
    costs, quiet = [], []
    for i in range(calls):
        started = time.perf_counter()
        live.commands_changed([ids[i % len(ids)]])
        costs.append(time.perf_counter() - started)
        while live.sender.busy_on is not None:
            time.sleep(0.0002)
        started = time.perf_counter()
        idle.add("commands", [ids[i % len(ids)]])
        quiet.append(time.perf_counter() - started)
    loop.call_soon_threadsafe(loop.stop)
    return costs, quiet


def main(argv=None):
    args = parse_args(argv)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="mt5bot-live-bench-") as tmp:
        server = Server(Path(tmp))
        try:
            server.start()
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, args=CHROMIUM_ARGS
                )
                page = browser.new_page()
                log_in(page, server)
                print(f"1. webhook -> row in the browser ({args.alerts} alerts)")
                seen, executed, placed, done = rows_in_browser(
                    page, server, args.alerts
                )
                print(line("row seen (Playwright, test side)", seen))
                print(line("row executed (Playwright)", executed))
                print(line("row placed (page's clock)", placed))
                print(line("row executed (page's clock)", done))
                cookie = "; ".join(
                    f"{c['name']}={c['value']}" for c in page.context.cookies()
                )
                browser.close()
            print(f"2. history pages with {args.rows} alerts")
            fill_history(server, args.rows)
            pages = [("/history/", "first page"), ("/history/?page=150", "page 150"),
                     (f"/history/?account={LOGIN}&status=executed", "filtered"),
                     ("/", "dashboard")]  # fmt: skip
            for path, name in pages:
                cold, times, size = page_times(server, cookie, path)
                print(line(f"{name} ({size // 1024} KB)", times)
                      + f"   cold {cold * 1000:.1f} ms")  # fmt: skip
            print("3. broadcast cost to the caller, per call")
            costs, quiet = caller_cost(server)
            print(line("a page listening", costs, "us", 1e6))
            print(line("nobody listening", quiet, "us", 1e6))
        finally:
            server.stop()


if __name__ == "__main__":
    main()
