"""Soak: many webhooks to many paper accounts, on the scaled-out shape, while
processes are killed; then prove nothing was lost or executed twice.

    .venv/bin/python bench/soak.py [--webhooks 10000] [--concurrency 16]
                                   [--accounts 20] [--rate 100]
                                   [--faults PROFILE]
                                   [--database-url URL] [--redis-url URL]

The shape: PostgreSQL (a database of the run's own, dropped at the end) and
Redis (keys under a prefix of the run's own, deleted at the end: nothing is
flushed); `serve --workers 2` (two web processes and
their parent); two supervisors (`supervise --host a` and `--host b`), each
minding half of the paper accounts (every fourth a netting one). Each alert
goes to one account, round robin, with an explicit id; an account's alerts
alternate BUY and SELL of EURUSD 0.01, every fifth XAUUSD 0.05 instead (a
symbol filled IOC, so a faulty broker can fill it in part), every tenth a
reversal (`reverse`: close the other side first), every twentieth a BUY of
50 lots of XAUUSD that the broker refuses for want of margin (10019: a
`rejected` that proves nothing executed) and every tenth a CLOSE_ALL.
Senders re-send an alert that got no answer (as TradingView does after a
5xx), with the same id.

`--faults PROFILE` sets every paper account's fault profile (ea/paper/faults.py;
default `perfect`, the broker that never misbehaves): `realistic` requotes,
times out, fills in part and drops the connection at a busy broker's rates.

Kills, by `kill -9`: a web process a third of the way in (its parent starts
it again) and supervisor "a" at two thirds (restarted a second later, as a
service manager would).

At the end every command must be final and every accepted alert accounted
for; the paper brokers' journals and state must show no command executed
twice, no `rejected` whose code may have executed, no trade without an
executed (or unknown) command and no position history cannot account for
(bench/soak_audit.py says how each is read). It prints the counts per final
state and per retcode, throughput and p50/p90/p99/max per stage, and exits 1
if a check failed.
"""

import argparse
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import kit  # noqa: E402
from bench import postgres as kit_postgres  # noqa: E402
from bench.kit import HOST, free_port  # noqa: E402
from bench.soak_audit import Audit, report  # noqa: E402
from ea.paper.faults import Faults, FaultsError  # noqa: E402

ATTEMPTS = 6


def fault_profile(text):
    try:
        Faults.parse(text)
    except FaultsError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--webhooks", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--accounts", type=int, default=20)
    parser.add_argument(
        "--rate", type=float, default=100.0, help="alerts per second, all senders"
    )
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/postgres"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/12")
    parser.add_argument(
        "--faults",
        type=fault_profile,
        default="perfect",
        metavar="PROFILE",
        help="every paper account's fault profile: perfect (default), "
        "realistic[:SEED] or KEY=VALUE,... (ea/README.md)",
    )
    return parser.parse_args(argv)


def post(port, path, body, timeout=30):
    import http.client

    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("POST", path, body, {"Content-Type": "application/json"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


class Soak:
    def __init__(self, args, folder, database):
        self.args, self.dir, self.db = args, folder, database
        self.logins = [str(4000001 + i) for i in range(args.accounts)]
        self.token = secrets.token_urlsafe(24)
        self.port = free_port()
        self.redis_prefix = kit.redis_prefix("soak")
        self.env = kit.server_env(
            folder,
            self.token,
            DATABASE_URL=database.url,
            REDIS_URL=args.redis_url,
            REDIS_PREFIX=self.redis_prefix,
            SUPERVISOR_WAKE_PORT=free_port(socket.SOCK_DGRAM),
        )
        self.log = (folder / "processes.log").open("w")
        self.web = None
        self.supervisors = {}
        self.kills = []

    # --- processes ---------------------------------------------------------------

    def manage(self, *args):
        kit.manage(self.env, *args)

    def spawn(self, *args):
        return subprocess.Popen(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def start(self):
        self.manage("setup", "--no-demo")
        hosts = {login: "ab"[i % 2] for i, login in enumerate(self.logins)}
        modes = {login: self.margin_mode(login) for login in self.logins}
        script = (
            "from accounts import operations\n"
            "from accounts.models import Account\n"
            f"for login, host in {hosts!r}.items():\n"
            "    operations.add_account(\n"
            f"        login, host=host, margin_mode={modes!r}[login]\n"
            "    )\n"
            "Account.objects.update(\n"
            f"    desired='running', paper_faults={self.args.faults!r}\n"
            ")\n"
        )
        self.manage("shell", "-c", script)
        self.web = self.spawn(
            "serve", "--port", str(self.port), "--workers", "2", "--no-supervisor"
        )
        for host in "ab":
            self.supervisors[host] = self.spawn("supervise", "--host", host)
        self.wait_for(self.all_online, "every terminal online", timeout=120)

    def all_online(self):
        rows = self.db.rows("SELECT status FROM accounts_account")
        return len(rows) == len(self.logins) and {r["status"] for r in rows} == {
            "online"
        }

    def web_children(self):
        import psutil

        return [
            c for c in psutil.Process(self.web.pid).children() if "serve" in c.cmdline()
        ]

    def kill_a_web_process(self):
        victim = self.web_children()[0]
        os.kill(victim.pid, signal.SIGKILL)
        self.kills.append(f"web process {victim.pid}")

    def kill_supervisor(self, host):
        process = self.supervisors[host]
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        self.kills.append(f"supervisor {host} ({process.pid})")
        time.sleep(1.0)  # what a service manager's restart delay would be
        self.supervisors[host] = self.spawn("supervise", "--host", host)

    def stop(self):
        for process in [*self.supervisors.values(), self.web]:
            if process is not None and process.poll() is None:
                process.terminate()
        for process in [*self.supervisors.values(), self.web]:
            if process is not None:
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        self.log.close()
        kit.delete_redis_keys(self.args.redis_url, self.redis_prefix)

    def wait_for(self, condition, what, timeout):
        kit.wait_for(condition, what, timeout, every=0.2)

    # --- load --------------------------------------------------------------------

    def margin_mode(self, login):
        return "netting" if self.logins.index(login) % 4 == 3 else "hedging"

    def alert(self, i):
        """The account's `turn`-th alert (see the module's docstring)."""
        login = self.logins[i % len(self.logins)]
        turn, alert = (
            i // len(self.logins),
            {"account_number": login, "id": f"soak-{i}"},
        )
        if turn % 10 == 9:
            return {**alert, "action": "CLOSE_ALL"}
        alert.update(action="SELL" if turn % 2 else "BUY", symbol="EURUSD", volume=0.01)
        if turn % 5 == 2:
            alert.update(symbol="XAUUSD", volume=0.05)
        if turn % 10 == 5:
            alert["reverse"] = True
        if turn % 20 == 14:
            alert.update(symbol="XAUUSD", volume=50)  # far beyond the margin
        return alert

    def send(self, i):
        time.sleep(max(0.0, self.begin + i / self.args.rate - time.monotonic()))
        body = json.dumps(self.alert(i))
        started = time.monotonic()
        for attempt in range(ATTEMPTS):
            try:
                status, answer = post(self.port, f"/webhook/{self.token}", body)
            except OSError:
                status, answer = None, b""
            if status is not None and status < 500:
                latency = time.monotonic() - started
                return status, json.loads(answer), attempt, latency
            time.sleep(0.5)
        return None, None, ATTEMPTS, None

    def run(self):
        n = self.args.webhooks
        marks = {n // 3: self.kill_a_web_process, 2 * n // 3: self.kill_supervisor}
        done = Counter()

        def chaos():
            for at, kill in sorted(marks.items()):
                while done["sent"] < at:
                    time.sleep(0.05)
                kill("a") if kill == self.kill_supervisor else kill()

        self.begin = time.monotonic()
        killer = threading.Thread(target=chaos, daemon=True)
        killer.start()

        def counted(i):
            answer = self.send(i)
            done["sent"] += 1
            return answer

        pool = ThreadPoolExecutor(self.args.concurrency)
        try:
            answers = list(pool.map(counted, range(n)))
        except KeyboardInterrupt:
            # Ctrl-C: drop the alerts not yet sent, or the senders would go
            # on through all of them before the servers are stopped.
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()
        self.sent_in = time.monotonic() - self.begin
        killer.join(timeout=30)
        sql = (
            "SELECT count(*) AS n FROM history_command WHERE status NOT IN "
            "('executed','rejected','failed','expired','unknown')"
        )
        self.wait_for(lambda: self.db.rows(sql)[0]["n"] == 0, "final states", 300)
        self.settled_in = time.monotonic() - self.begin
        return answers

    # --- checks ------------------------------------------------------------------

    def files(self, login):
        return self.dir / "instances" / login / "MQL5" / "Files"

    def journal(self, login):
        path = self.files(login) / "paper_journal.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text().splitlines() if line]

    def check(self, answers):
        problems = []
        unanswered = sum(1 for status, *_ in answers if status is None)
        if unanswered:
            problems.append(f"{unanswered} alerts never answered")
        statuses = Counter(status for status, *_ in answers)
        commands = self.db.rows(
            "SELECT replace(uid::text, '-', '') AS uid, signal_id, account_login, "
            "action, close_first, magic, status, retcode, result_ticket, "
            "received_at, queued_at, delivered_at, finished_at FROM history_command"
        )
        # Each answer names its commands; a re-send of an alert that went
        # through ("duplicate") names the original's.
        named = [
            [
                a["command"].replace("-", "")
                for a in answer["accounts"]
                if "command" in a
            ]
            for status, answer, *_ in answers
            if status == 200
        ]
        if len(named) != self.args.webhooks or not all(named):
            problems.append(f"{sum(map(bool, named))} alerts with a command, "
                            f"not {self.args.webhooks}")  # fmt: skip
        stored = {row["uid"] for row in commands}
        missing = {uid for uids in named for uid in uids} - stored
        if missing:
            problems.append(f"{len(missing)} commands answered but not stored")
        if len(commands) != self.args.webhooks:
            problems.append(
                f"{len(commands)} commands stored, not {self.args.webhooks}"
            )
        journals = {login: self.journal(login) for login in self.logins}
        positions = {login: self.open_positions(login) for login in self.logins}
        audit = Audit(commands, journals, positions)
        problems += audit.run()
        return problems, statuses, commands, answers, audit

    def open_positions(self, login):
        path = self.files(login) / "paper_state.json"
        if not path.exists():
            return []
        return json.loads(path.read_text())["broker"]["positions"]


def soak(args):
    with (
        tempfile.TemporaryDirectory(prefix="mt5bot-soak-", dir=scratch()) as tmp,
        kit_postgres.Database(args.database_url) as database,
    ):
        run = Soak(args, Path(tmp), database)
        try:
            run.start()
            answers = run.run()
            problems, *found = run.check(answers)
        finally:
            run.stop()
        report(run, problems, *found)
        return not problems


def scratch():
    # Beside the install: creating files under /tmp measured slower here.
    folder = ROOT / ".bench"
    folder.mkdir(exist_ok=True)
    return folder


def main(argv=None):
    args = parse_args(argv)
    return 0 if soak(args) else 1


if __name__ == "__main__":
    sys.exit(main())
