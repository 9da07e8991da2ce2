"""Webhook benchmark: the real mt5bot server against a bare daphne floor.

    .venv/bin/python bench/webhook.py [--requests 2000] [--concurrency 1 8]
                                      [--workers N [--redis URL]]
                                      [--client process|thread] [--intake-only]
                                      [--blackhole-smtp] [--postgres URL]

Fresh TCP connection per request (as TradingView connects), floor and ours
alternating per concurrency level, our server on a fresh SQLite database whose
rows are compared with the answers. Our server runs as it ships: `serve` with
its embedded supervisor, which starts the demo paper account's terminal and
delivers every command to it (the loss check counts every command queued at
intake, whatever happened to it since). --intake-only runs `serve
--no-supervisor` instead, a configuration no user runs, to see intake's share
alone. --workers N (N > 1) runs N server processes,
which share their rate-limit counters and channel layer through Redis (--redis,
default the local one; under a key prefix of the run's own, deleted at the
end). --blackhole-smtp points the server's email at a
listener that accepts and never answers, with notifications of every trade
on (the supervisor's results trigger them): compare its p99 with a run
without it; the issue allows 10 %. --postgres URL (a PostgreSQL server, e.g.
postgres://postgres@127.0.0.1:5432/postgres) adds our server on a fresh
database of that server with Redis (--redis) for its cache and channel layer,
taking turns with the SQLite one, and prints their ratios.
Context: docs/performance.md
"""

import argparse
import contextlib
import json
import multiprocessing
import queue
import secrets
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from blackhole import Blackhole, notification_counts

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
sys.path.insert(0, str(ROOT))

from bench import kit  # noqa: E402
from bench import postgres as kit_postgres  # noqa: E402
from bench.client import one_request  # noqa: E402
from bench.kit import HOST, free_port  # noqa: E402
from bench.webhook_report import (  # noqa: E402
    loss_check,
    print_ratios,
    print_table,
    print_targets,
    report_errors,
    summarise,
    tail,
)

WARMUP = 100
ACCOUNTS = ["1123456", "7891011"]
CREATE_SECOND = (
    "from accounts.models import Account; Account.objects.create(login='7891011')"
)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8])
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/15")
    parser.add_argument("--client", choices=["process", "thread"], default="process")
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="also run our server on a fresh database of this PostgreSQL server "
        "(with Redis, --redis), taking turns with the SQLite one",
    )
    parser.add_argument(
        "--intake-only",
        action="store_true",
        help="serve --no-supervisor: intake alone, as no user runs it",
    )
    parser.add_argument(
        "--blackhole-smtp",
        action="store_true",
        help="email notifications to an SMTP server that never answers "
        "(the supervisor's results trigger them, so not with --intake-only)",
    )
    parser.add_argument(
        "--supervisor-in-process",
        action="store_true",
        help="serve --supervisor-in-process: the supervisor on the webhook's "
        "thread, as before issue 15, for comparison",
    )
    args = parser.parse_args(argv)
    if args.intake_only and args.blackhole_smtp:
        parser.error("--blackhole-smtp needs the supervisor: drop --intake-only")
    args.supervisor = not args.intake_only
    return args


def install(folder, token, **overrides):
    """A throwaway install in `folder`, migrated, with the bench's two accounts:
    its environment."""
    (folder / "static").mkdir(parents=True)  # whitenoise warns when it is missing
    env = kit.server_env(folder, token, DEBUG="false", **overrides)
    manage(env, "setup")  # migrates, adds the paper demo account 1123456
    manage(env, "shell", "-c", CREATE_SECOND)
    return env


def manage(env, *args):
    cmd = [PYTHON, "manage.py", *args]
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise RuntimeError(f"manage.py {args[0]} failed ({done.returncode})")
    return done.stdout


def workers_flag(serve_help, workers):
    if workers is None:
        return []
    if "--workers" in serve_help:
        return ["--workers", str(workers)]
    print(f"note: `manage.py serve` has no --workers; ignoring --workers {workers}")
    return []


def supervisor_flag(serve_help, keep):
    """--no-supervisor when serve has it and it was not asked to keep it."""
    if keep:
        print("note: measuring serve as it ships: its supervisor and a paper terminal")
        return []
    if "--no-supervisor" in serve_help:
        print("note: measuring intake alone (serve --no-supervisor)")
        return ["--no-supervisor"]
    print("note: `manage.py serve` has no --no-supervisor; measuring it as it is")
    return []


def stop(process):
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def wait_until_up(process, port, probe, err_path):
    method, path, body = probe
    for _ in range(600):  # at most ~60 s
        if process.poll() is not None:
            raise RuntimeError(f"server exited early:\n{tail(err_path)}")
        if one_request(port, path, body, method=method, timeout=2)[1] == 200:
            return
        time.sleep(0.1)
    raise RuntimeError(f"server on port {port} did not answer 200 in 60 s")


@contextlib.contextmanager
def running(name, cmd, env, tmp, probe):
    port = int(cmd[cmd.index("--port") + 1])
    out_path, err_path = tmp / f"{name}.out", tmp / f"{name}.err"
    with out_path.open("wb") as out, err_path.open("wb") as err:
        process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=err)
        try:
            wait_until_up(process, port, probe, err_path)
            yield port
        finally:
            stop(process)


def alert_body(tag):
    alert = {"accounts": ACCOUNTS, "symbol": "XAUUSD", "action": "BUY"}
    return json.dumps({**alert, "volume": 0.01, "id": tag}).encode()


def tally(responses):
    """Queued commands and accepted signals in our server's 200 answers."""
    queued = accepted = 0
    for _, status, data in responses:
        with contextlib.suppress(ValueError, AttributeError):
            answer = json.loads(data.partition(b"\r\n\r\n")[2]) if status == 200 else {}
            accounts = answer.get("accounts", [])
            queued += len([a for a in accounts if a.get("status") == "queued"])
            accepted += answer.get("status") == "accepted"
    return queued, accepted


def failures(responses):
    return sum(status != 200 for _, status, _ in responses)


def worker(port, path, tag, warm, count, barrier, results):
    if multiprocessing.parent_process() is not None:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    warmed = [one_request(port, path, alert_body(f"{tag}-w{i}")) for i in range(warm)]
    bodies = [alert_body(f"{tag}-{i}") for i in range(count)]
    barrier.wait(timeout=300)
    start = time.perf_counter()
    measured = [one_request(port, path, body) for body in bodies]
    end = time.perf_counter()
    out = {"latencies": [r[0] for r in measured], "start": start, "end": end}
    out["errors"], out["warm_errors"] = failures(measured), failures(warmed)
    out["queued"], out["accepted"] = tally(warmed + measured)
    out["samples"] = [(s, d[-300:]) for _, s, d in measured if s != 200][:3]
    results.put(out)


def split(total, parts):
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def primitives(kind, c):
    if kind == "thread":
        return threading.Barrier(c), queue.Queue(), threading.Thread
    ctx = multiprocessing.get_context("fork")
    return ctx.Barrier(c), ctx.Queue(), ctx.Process


def run_config(kind, port, path, c, n):
    barrier, results, make = primitives(kind, c)
    tag = uuid.uuid4().hex[:12]
    shares = zip(split(WARMUP, c), split(n, c), strict=True)
    workers = [
        make(target=worker, args=(port, path, f"{tag}-{i}", w, m, barrier, results))
        for i, (w, m) in enumerate(shares)
    ]
    for one in workers:
        one.daemon = True
        one.start()
    try:
        return [results.get(timeout=600) for _ in workers]
    finally:
        for one in workers:
            if kind == "process" and one.is_alive():
                one.terminate()
            one.join(timeout=10)


# Queued at intake, whatever the supervisor did with them since.
QUEUED = "SELECT count(*) AS n FROM history_command WHERE queued_at IS NOT NULL"
ACCEPTED = "SELECT count(*) AS n FROM signals_signal WHERE outcome = 'accepted'"


def db_counts(tmp, database=None):
    """(queued commands, accepted signals) in the SQLite database in `tmp`, or
    in the PostgreSQL `database`."""
    if database is not None:
        return database.rows(QUEUED)[0]["n"], database.rows(ACCEPTED)[0]["n"]
    path = tmp / "mt5bot.sqlite3"
    with contextlib.closing(sqlite3.connect(path, timeout=30)) as db:
        return db.execute(QUEUED).fetchone()[0], db.execute(ACCEPTED).fetchone()[0]


def run_all(args, ports, path):
    rows = []
    for c in args.concurrency:
        for config in ports:
            parts = run_config(args.client, ports[config], path, c, args.requests)
            rows.append(summarise(config, c, parts))
            print(f"done: {config} c={c}", file=sys.stderr, flush=True)
    return rows


def bench(args, tmp):
    token = secrets.token_urlsafe(24)
    redis = args.redis if (args.workers or 1) > 1 else None
    prefix = kit.redis_prefix("bench")  # unused without Redis
    blackhole = Blackhole() if args.blackhole_smtp else None
    extra = blackhole.env() if blackhole else {}
    envs = {"ours": install(tmp, token, REDIS_URL=redis, REDIS_PREFIX=prefix, **extra)}
    serve_help = manage(envs["ours"], "serve", "--help")
    flags = workers_flag(serve_help, args.workers)
    flags += supervisor_flag(serve_help, args.supervisor)
    if args.supervisor_in_process:
        flags.append("--supervisor-in-process")
    floor = [PYTHON, "-m", "daphne", "-v", "0", "-b", HOST, "--port", str(free_port())]
    floor.append("bench.bare_asgi:application")
    health = ("GET", "/webhook/health", b"")
    with contextlib.ExitStack() as stack:
        if redis or args.postgres:  # last, once the servers have stopped
            stack.callback(kit.delete_redis_keys, args.redis, prefix)
        database = None
        if args.postgres:
            database = stack.enter_context(kit_postgres.Database(args.postgres))
            overrides = {"DATABASE_URL": database.url, "REDIS_URL": args.redis}
            envs["ours-pg"] = install(
                tmp / "pg", token, REDIS_PREFIX=prefix, **overrides, **extra
            )
        probe = ("POST", "/", b"{}")
        floor_port = stack.enter_context(
            running("floor", floor, envs["ours"], tmp, probe)
        )
        ports = {"floor": floor_port}
        for name, env in envs.items():
            port = ["--host", HOST, "--port", str(free_port())]
            ours = [PYTHON, "manage.py", "serve", *port, *flags]
            ports[name] = stack.enter_context(running(name, ours, env, tmp, health))
        rows = run_all(args, ports, f"/webhook/{token}")
        counts = {"ours": db_counts(tmp)}
        if database is not None:
            counts["ours-pg"] = db_counts(tmp, database)
    print(f"\nclient: {args.client}; {args.requests} requests after {WARMUP} warm-up")
    print_table(rows)
    pairs = [(name, "floor") for name in envs]
    pairs += [("ours-pg", "ours")] if database is not None else []
    print_ratios(rows, args.concurrency, pairs)
    lost = {name: loss_check(rows, name, *counts[name]) for name in envs}
    if blackhole:
        print(f"\nSMTP connections held unanswered: {len(blackhole.held)}")
        print(f"notifications recorded: {notification_counts(tmp)}")
    passed = print_targets(rows, list(envs), lost)
    report_errors(rows, {name: tmp / f"{name}.err" for name in envs})
    return passed


def main(argv=None):
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    if args.requests < 1 or min(args.concurrency) < 1:
        sys.exit("--requests and --concurrency must be positive")
    try:
        with tempfile.TemporaryDirectory(prefix="mt5bot-bench-") as tmp:
            return 0 if bench(args, Path(tmp)) else 1
    except KeyboardInterrupt:
        print("interrupted; servers stopped", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
