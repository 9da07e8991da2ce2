"""Bridge benchmark: alert -> command file -> executed trade, ours beside a floor.

    .venv/bin/python bench/bridge.py [--requests 300] [--fanout-rounds 20]
                                     [--separate-supervisor]

Options:
  --requests N           alerts to one account, per config (default 300),
                         after 5 of warm-up
  --fanout-rounds N      alerts to 50 accounts, per config (default 20),
                         after 1 of warm-up
  --separate-supervisor  `serve --no-supervisor` beside `manage.py supervise`
                         (as `serve --workers N` runs it) instead of `serve`
                         alone

Ours runs as it ships: `manage.py serve` with no flag beyond host and port,
so with whatever supervisor `serve` runs by default, on a fresh SQLite
database, with default logging, rate limit and dedupe (the rate limit is
raised only when the run sends more alerts than it allows in a minute, and
the output says so). 51 paper accounts are set to run, and that supervisor
starts their terminals before anything is measured.

The floor, in the same run: bench/bare_bridge.py on daphne, a bare ASGI app
writing each command file straight into the account's folder before it
answers. Its files go into the same folders, so the same running paper
terminals execute them (our supervisor, finding their results unknown, logs
and removes them). Floor and ours alternate per measurement; every alert
goes out on a fresh connection, one at a time, once the previous one's
results were removed. Alerts alternate BUY and CLOSE_SYMBOL 0.01 EURUSD.

1. webhook -> command file in place (one account): from just before
   connecting to the first file-system event naming the file (bench/watch.py).
2. webhook -> executed, the paper terminal running on that folder. Ours: the
   Command row's finished_at, when the supervisor recorded the terminal's
   result (same machine, same clock), read once the result file is removed.
   The floor records nothing: its figure is the result file in place. Ours'
   result file in place is shown as well; the gap is the recording.
3. fan-out: one alert to 50 accounts, all 50 terminals running, until all
   50 command files are in place; p50 and max over the rounds.

Lost: commands answered as queued whose file or result never came (10 s
each), or, for ours, whose row is not final at the end. Targets (issue 15),
for ours, printed PASS or FAIL (exit status 1 if one fails): 1. p50 <= 5 ms,
p99 <= 20 ms; 2. p50 <= 20 ms, p99 <= 60 ms; 3. p50 <= 40 ms, max <= 100 ms;
0 commands lost. Context: docs/performance.md.
"""

import argparse
import contextlib
import json
import os
import secrets
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import bridge_report as report  # noqa: E402
from bench import kit  # noqa: E402
from bench.client import one_request  # noqa: E402
from bench.kit import HOST, free_port  # noqa: E402
from bench.watch import COMMAND, RESULT, RESULT_GONE, Watcher  # noqa: E402

SINGLE = "4000001"
FANOUT = [str(5000001 + i) for i in range(50)]
WARMUP, FANOUT_WARMUP = 5, 1
TIMEOUT = 10.0  # seconds for each file to come; past it, the command is lost
PAUSE = 0.01  # between alerts
DEFAULT_RATE = 120  # alerts a minute: RATE_LIMIT_WEBHOOK's default
# The statuses a command ends in (history.models.FINAL_STATUSES).
FINAL = ("executed", "rejected", "failed", "expired", "unknown")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--requests", type=int, default=300, help="alerts to one account, per config"
    )
    parser.add_argument(
        "--fanout-rounds",
        type=int,
        default=20,
        help="alerts to 50 accounts, per config",
    )
    parser.add_argument(
        "--separate-supervisor",
        action="store_true",
        help="serve --no-supervisor beside manage.py supervise",
    )
    args = parser.parse_args(argv)
    if args.requests < 1 or args.fanout_rounds < 1:
        parser.error("--requests and --fanout-rounds must be positive")
    return args


def post(port, path, fields):
    """POST one alert on a fresh connection: (status, parsed answer or {})."""
    _, status, data = one_request(port, path, json.dumps(fields).encode())
    try:
        return status, json.loads(data.partition(b"\r\n\r\n")[2])
    except ValueError:
        return status, {}


class Server:
    """Our server: `manage.py serve` on a throwaway install in `tmp`."""

    name = "ours"

    def __init__(self, tmp, separate=False):
        self.tmp = tmp
        self.separate = separate
        self.supervisor = None
        self.token = secrets.token_urlsafe(24)
        self.port = free_port()
        self.env = kit.server_env(
            tmp, self.token, SUPERVISOR_WAKE_PORT=free_port(socket.SOCK_DGRAM)
        )
        self.process = None
        self.queued, self.expected, self.refused = [], 0, {}

    def manage(self, *args):
        kit.manage(self.env, *args)

    def as_shipped(self, alerts):
        """Default logging, dedupe and rate limit (bench/kit.py turns them
        down for the other benches); a note when the limit must be raised."""
        for name in ("LOG_LEVEL", "WEBHOOK_DEDUPE_WINDOW", "RATE_LIMIT_WEBHOOK"):
            self.env.pop(name, None)
        if alerts <= DEFAULT_RATE:
            return f"rate limit at its default ({DEFAULT_RATE} per minute)"
        self.env["RATE_LIMIT_WEBHOOK"] = f"{alerts} per minute"
        return (
            f"rate limit raised from {DEFAULT_RATE} to {alerts} per minute: "
            f"this run sends {alerts} alerts"
        )

    def install(self):
        """Migrate, add every account with its folder, all set to run."""
        self.manage("setup", "--no-demo")
        logins = [SINGLE, *FANOUT]
        self.manage(
            "shell",
            "-c",
            "from accounts import operations\n"
            "from accounts.models import Account\n"
            f"for login in {logins!r}: operations.add_account(login)\n"
            "Account.objects.update(desired='running')\n",
        )

    def start(self):
        serve = [sys.executable, "manage.py", "serve", "--host", HOST]
        serve += ["--port", str(self.port)]
        if self.separate:
            serve.append("--no-supervisor")
            self.supervisor = self.spawn(
                [sys.executable, "manage.py", "supervise"], "supervisor"
            )
        self.process = self.spawn(serve, "server")
        wait_up(self.process, self.port, "/webhook/health", self.tmp / "server.log")
        what = "every paper terminal online"
        kit.wait_for(self.all_online, what, timeout=300, every=0.5)

    def spawn(self, args, name):
        log = (self.tmp / f"{name}.log").open("w")
        return subprocess.Popen(
            args, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
        )

    def all_online(self):
        sql = "SELECT count(*) FROM accounts_account WHERE status = 'online'"
        return self.query(sql)[0][0] == 1 + len(FANOUT)

    def stop(self):
        """Stop the server (its supervisor stops the terminals), then any
        terminal still running from this run, by its recorded identity."""
        for process in (self.process, self.supervisor):
            if process is not None:
                stop(process, 120)
        leftovers(self.query("SELECT pid, pid_created FROM accounts_account"))

    def alert(self, **fields):
        """POST one alert: (wall time before connecting, queued command ids)."""
        start = time.time()
        status, answer = post(self.port, f"/webhook/{self.token}", fields)
        if status != 200:
            self.refused[status] = self.refused.get(status, 0) + 1
        accounts = answer.get("accounts", []) if status == 200 else []
        ids = [
            a["command"].replace("-", "")
            for a in accounts
            if a.get("status") == "queued" and a.get("command")
        ]
        self.expected += len(fields.get("accounts", [SINGLE]))
        self.queued += ids
        return start, ids

    def executed(self, uid, result_at):
        """When the supervisor recorded the command final, or None."""
        sql = "SELECT status, finished_at FROM history_command WHERE uid = ?"
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            rows = self.query(sql, [uid])
            if rows and rows[0][0] in FINAL and rows[0][1]:
                return datetime.fromisoformat(rows[0][1] + "+00:00").timestamp()
            time.sleep(0.005)
        return None

    def outcomes(self):
        """How many commands queued in this run end in each status."""
        statuses = []
        for first in range(0, len(self.queued), 500):
            uids = self.queued[first : first + 500]
            marks = ",".join("?" * len(uids))
            sql = f"SELECT status FROM history_command WHERE uid IN ({marks})"  # noqa: S608
            statuses += [status for (status,) in self.query(sql, uids)]
        counts = {"no row": len(self.queued) - len(statuses)}
        for status in statuses:
            counts[status] = counts.get(status, 0) + 1
        return {status: n for status, n in counts.items() if n}

    def query(self, sql, args=()):
        path = self.tmp / "mt5bot.sqlite3"
        with contextlib.closing(sqlite3.connect(path, timeout=10)) as db:
            return db.execute(sql, args).fetchall()

    def folder(self, login):
        return self.tmp / "instances" / login / "MQL5" / "Files"


class Floor(Server):
    """bench/bare_bridge.py on daphne, writing into our install's folders."""

    name = "floor"

    def __init__(self, ours):
        self.tmp, self.env, self.token = ours.tmp, ours.env, ours.token
        self.port = free_port()
        self.process = None
        self.queued, self.expected, self.refused = [], 0, {}

    def start(self):
        daphne = [sys.executable, "-m", "daphne", "-v", "0", "-b", HOST]
        daphne += ["--port", str(self.port), "bench.bare_bridge:application"]
        self.process = self.spawn(daphne, "floor")
        wait_up(self.process, self.port, "/", self.tmp / "floor.log")

    def stop(self):
        if self.process is not None:
            stop(self.process, 30)

    def executed(self, uid, result_at):
        return result_at  # no database: the result in place is all there is

    def outcomes(self):
        return {}


def wait_up(process, port, path, log):
    """Until the server answers anything at all on `path`."""

    def answers():
        if process.poll() is not None:
            raise SystemExit(f"{log.name} exited early:\n{log.read_text()[-2000:]}")
        return one_request(port, path, b"", method="GET", timeout=2)[1] != 0

    kit.wait_for(answers, f"the server behind {log.name}", timeout=60, every=0.1)


def stop(process, timeout):
    process.terminate()
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)


def leftovers(rows):
    """Terminate the paper terminals a stopped supervisor left running: each
    one by pid, and only if it is the very process the account recorded."""
    for pid, created in rows:
        with contextlib.suppress(psutil.Error):
            process = psutil.Process(pid) if pid else None
            if process and abs(process.create_time() - (created or 0)) < 1:
                print(f"note: terminal pid {pid} outlived the server; stopping it")
                process.terminate()
                process.wait(10)


def measure_single(target, watcher, count):
    """Measurements 1 and 2: per alert, ms to (file, result file, executed)."""
    rows = {"file": [], "result": [], "executed": []}
    for i in range(WARMUP + count):
        action = "BUY" if i % 2 == 0 else "CLOSE_SYMBOL"
        alert = {"action": action, "symbol": "EURUSD", "volume": 0.01}
        start, ids = target.alert(
            account_number=SINGLE, id=f"{target.name}{i}", **alert
        )
        if not ids:
            continue
        [file_at] = watcher.wait(COMMAND, ids, TIMEOUT)
        [result_at] = watcher.wait(RESULT, ids, TIMEOUT)
        watcher.wait(RESULT_GONE, ids, TIMEOUT)
        executed_at = target.executed(ids[0], result_at) if result_at else None
        if i >= WARMUP and None not in (file_at, result_at, executed_at):
            for key, at in zip(rows, (file_at, result_at, executed_at), strict=True):
                rows[key].append((at - start) * 1000)
        time.sleep(PAUSE)
    return rows


def measure_fanout(target, watcher, rounds):
    """Measurement 3: per round, ms until the last of the 50 files is in."""
    times = []
    for i in range(FANOUT_WARMUP + rounds):
        action = "BUY" if i % 2 == 0 else "CLOSE_SYMBOL"
        alert = {"action": action, "symbol": "EURUSD", "volume": 0.01}
        start, ids = target.alert(accounts=FANOUT, id=f"{target.name}-f{i}", **alert)
        seen = watcher.wait(COMMAND, ids, TIMEOUT)
        watcher.wait(RESULT_GONE, ids, TIMEOUT)
        if i >= FANOUT_WARMUP and len(ids) == len(FANOUT) and None not in seen:
            times.append((max(seen) - start) * 1000)
        time.sleep(PAUSE)
    return times


def count_lost(target, watcher, outcomes):
    """Commands answered as queued (or not answered so) whose file or result
    never came, or whose row is not final."""
    never = target.expected - len(target.queued)
    for uid in target.queued:
        if (COMMAND, uid) not in watcher.times or (RESULT, uid) not in watcher.times:
            never += 1
    return never + sum(n for status, n in outcomes.items() if status not in FINAL)


def main(argv=None):
    args = parse_args(argv)
    # Beside the install, as the default instances/ folder is: on this kind of
    # virtual disk, creating files under /tmp measured several times slower.
    scratch = ROOT / ".bench"
    scratch.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="mt5bot-bridge-", dir=scratch) as tmp:
        ours = Server(Path(tmp), separate=args.separate_supervisor)
        alerts = WARMUP + args.requests + FANOUT_WARMUP + args.fanout_rounds
        rate_note = ours.as_shipped(alerts)
        floor = Floor(ours)
        ours.install()
        try:
            ours.start()
            floor.start()
            results, lost = run(ours, floor, args)
        finally:
            floor.stop()
            ours.stop()
    where = "separate (manage.py supervise)" if ours.separate else "as serve runs it"
    print(f"\nbridge benchmark, {os.cpu_count()} cores, SQLite, supervisor {where}")
    print(f"{rate_note}; dedupe and logging at their defaults")
    print("executed: ours = Command row final (its finished_at);")
    print("          floor = result file in place (it records nothing)\n")
    report.print_table(results)
    report.print_ratios(results)
    print(f"\noutcomes (ours): {results['outcomes']}")
    print(f"commands lost: ours {lost['ours']}, floor {lost['floor']}")
    for target in (floor, ours):
        if target.refused:
            print(f"{target.name}: answers other than 200: {target.refused}")
    return 0 if report.print_targets(results, lost["ours"]) else 1


def run(ours, floor, args):
    """Floor, then ours, for each measure; (figures, commands lost)."""
    results = {"ours": {}, "floor": {}}
    folders = [ours.folder(login) for login in (SINGLE, *FANOUT)]
    with Watcher(folders) as watcher:
        for target in (floor, ours):
            rows = measure_single(target, watcher, args.requests)
            results[target.name].update({k: report.stats(v) for k, v in rows.items()})
            print(f"done: {target.name}, one account", file=sys.stderr, flush=True)
        for target in (floor, ours):
            times = measure_fanout(target, watcher, args.fanout_rounds)
            results[target.name]["fanout"] = report.stats(times)
            print(f"done: {target.name}, fan-out", file=sys.stderr, flush=True)
        results["outcomes"] = ours.outcomes()
        lost = {t.name: count_lost(t, watcher, t.outcomes()) for t in (floor, ours)}
    return results, lost


if __name__ == "__main__":
    sys.exit(main())
