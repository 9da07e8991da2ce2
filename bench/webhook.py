"""Webhook benchmark: the real mt5bot server against a bare daphne floor.

    .venv/bin/python bench/webhook.py [--requests 2000] [--concurrency 1 8]
                                      [--workers N [--redis URL]]
                                      [--client process|thread] [--intake-only]
                                      [--blackhole-smtp]

Fresh TCP connection per request (as TradingView connects), floor and ours
alternating per concurrency level, our server on a fresh SQLite database whose
rows are compared with the answers. Our server runs as it ships: `serve` with
its embedded supervisor, which starts the demo paper account's terminal and
delivers every command to it (the loss check counts every command queued at
intake, whatever happened to it since). --intake-only runs `serve
--no-supervisor` instead, a configuration no user runs, to see intake's share
alone. --workers N (N > 1) runs N server processes,
which share their rate-limit counters and channel layer through Redis (--redis,
default the local one). --blackhole-smtp points the server's email at a
listener that accepts and never answers, with notifications of every trade
on (the supervisor's results trigger them): compare its p99 with a run
without it; the issue allows 10 %.
Context: docs/performance.md
"""

import argparse
import contextlib
import json
import math
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
from bench.client import one_request  # noqa: E402
from bench.kit import HOST, free_port  # noqa: E402

WARMUP = 100
ACCOUNTS = ["1123456", "7891011"]
CREATE_SECOND = (
    "from accounts.models import Account; Account.objects.create(login='7891011')"
)
# (label, concurrency, statistic, limit, direction): our server's targets.
TARGETS = [
    ("c=1 p50 <= 5 ms", 1, "p50", 5.0, "max"),
    ("c=8 p99 <= 60 ms", 8, "p99", 60.0, "max"),
    ("c=8 >= 300 req/s", 8, "rps", 300.0, "min"),
]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8])
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/15")
    parser.add_argument("--client", choices=["process", "thread"], default="process")
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


def server_env(tmp, token, redis=None):
    return kit.server_env(tmp, token, DEBUG="false", REDIS_URL=redis)


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


def tail(path, lines=30):
    with contextlib.suppress(OSError):
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    return ""


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


def percentile(ordered, q):
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def summarise(config, c, parts):
    ordered = sorted(x * 1000 for p in parts for x in p["latencies"])
    wall = max(p["end"] for p in parts) - min(p["start"] for p in parts)
    counts = ("errors", "warm_errors", "queued", "accepted")
    row = {k: sum(p[k] for p in parts) for k in counts}
    row.update(config=config, c=c, max=ordered[-1], rps=len(ordered) / wall)
    row.update({f"p{q}": percentile(ordered, q) for q in (50, 90, 99)})
    row["samples"] = [s for p in parts for s in p["samples"]][:3]
    return row


HEAD = "config   c   p50 ms   p90 ms   p99 ms   max ms    req/s errors"
ROW = "{config:<6} {c:>3} {p50:>8.2f} {p90:>8.2f} {p99:>8.2f} {max:>8.2f} {rps:>8.1f}"


def print_table(rows):
    print(HEAD)
    for row in rows:
        print(ROW.format(**row), f"{row['errors']:>6}")


def find(rows, config, c):
    return next((r for r in rows if r["config"] == config and r["c"] == c), None)


def print_ratios(rows, levels):
    print("\nratios ours/floor:")
    for c in levels:
        ours, floor = find(rows, "ours", c), find(rows, "floor", c)
        if ours and floor:
            p50, p99 = ours["p50"] / floor["p50"], ours["p99"] / floor["p99"]
            rps = ours["rps"] / floor["rps"]
            print(f"  c={c}: p50 x{p50:.1f}  p99 x{p99:.1f}  req/s x{rps:.2f}")


def check(rows, target):
    label, c, stat, limit, direction = target
    row = find(rows, "ours", c)
    if row is None:
        return label, "n/a (not measured)", None
    ok = row[stat] <= limit if direction == "max" else row[stat] >= limit
    unit = "req/s" if stat == "rps" else "ms"
    return label, f"{row[stat]:.2f} {unit}", ok


def print_targets(rows, lost):
    print("\ntargets (ours):")
    results = [check(rows, t) for t in TARGETS]
    results.append(("zero commands lost", f"{lost} lost", lost == 0))
    for label, value, ok in results:
        verdict = "" if ok is None else ("PASS" if ok else "FAIL")
        print(f"  {label:<20} {value:<14} {verdict}")
    return all(ok for *_, ok in results if ok is not None)


def db_counts(tmp):
    path = tmp / "mt5bot.sqlite3"
    with contextlib.closing(sqlite3.connect(path, timeout=30)) as db:
        # Queued at intake, whatever the supervisor did with them since.
        queued = "SELECT count(*) FROM history_command WHERE queued_at IS NOT NULL"
        accepted = "SELECT count(*) FROM signals_signal WHERE outcome = 'accepted'"
        return db.execute(queued).fetchone()[0], db.execute(accepted).fetchone()[0]


def loss_check(rows, db_q, db_a):
    ours = [r for r in rows if r["config"] == "ours"]
    sent_q, sent_a = sum(r["queued"] for r in ours), sum(r["accepted"] for r in ours)
    print(f"\nqueued commands in 200 answers: {sent_q}; queued rows in db: {db_q}")
    print(f"accepted signals in 200 answers: {sent_a}; accepted rows in db: {db_a}")
    print(f"lost commands: {max(0, sent_q - db_q)}")
    return max(0, sent_q - db_q)


def report_errors(rows, err_path):
    bad = [r for r in rows if r["errors"] or r["warm_errors"]]
    for r in bad:
        print(f"\n{r['config']} c={r['c']}: {r['errors']} errors", end="")
        print(f" (+{r['warm_errors']} in warm-up); samples: {r['samples']}")
    if any(r["config"] == "ours" for r in bad):
        print(f"\nour server's stderr tail:\n{tail(err_path)}")


def run_all(args, ports, path):
    rows = []
    for c in args.concurrency:
        for config in ("floor", "ours"):
            parts = run_config(args.client, ports[config], path, c, args.requests)
            rows.append(summarise(config, c, parts))
            print(f"done: {config} c={c}", file=sys.stderr, flush=True)
    return rows


def bench(args, tmp):
    token = secrets.token_urlsafe(24)
    env = server_env(tmp, token, args.redis if (args.workers or 1) > 1 else None)
    (tmp / "static").mkdir()  # STATIC_ROOT: whitenoise warns when it is missing
    blackhole = Blackhole() if args.blackhole_smtp else None
    if blackhole:
        env.update(blackhole.env())
    manage(env, "setup")  # migrates, adds the paper demo account 1123456
    manage(env, "shell", "-c", CREATE_SECOND)
    serve = ["manage.py", "serve", "--host", HOST, "--port", str(free_port())]
    serve_help = manage(env, "serve", "--help")
    serve += workers_flag(serve_help, args.workers)
    ours = [PYTHON, *serve, *supervisor_flag(serve_help, args.supervisor)]
    if args.supervisor_in_process:
        ours.append("--supervisor-in-process")
    floor = [PYTHON, "-m", "daphne", "-v", "0", "-b", HOST, "--port", str(free_port())]
    floor.append("bench.bare_asgi:application")
    health = ("GET", "/webhook/health", b"")
    with (
        running("ours", ours, env, tmp, health) as ours_port,
        running("floor", floor, env, tmp, ("POST", "/", b"{}")) as floor_port,
    ):
        ports = {"ours": ours_port, "floor": floor_port}
        rows = run_all(args, ports, f"/webhook/{token}")
        db_q, db_a = db_counts(tmp)
    print(f"\nclient: {args.client}; {args.requests} requests after {WARMUP} warm-up")
    print_table(rows)
    print_ratios(rows, args.concurrency)
    lost = loss_check(rows, db_q, db_a)
    if blackhole:
        print(f"\nSMTP connections held unanswered: {len(blackhole.held)}")
        print(f"notifications recorded: {notification_counts(tmp)}")
    passed = print_targets(rows, lost)
    report_errors(rows, tmp / "ours.err")
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
