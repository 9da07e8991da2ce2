"""Idle paper terminals: what N of them cost while nothing happens, and how
soon the first command after a quiet spell is answered (issue 15).

    .venv/bin/python bench/idle.py [--terminals 50] [--seconds 60]
                                   [--first-command] [--tries 20] [--quiet 3]

Each terminal is started as the supervisor starts it: the argument list of
`accounts.instances.paper_command` (hedging, perfect broker), run from the
project's folder, in a throwaway instances folder under the system's temp.
Once every terminal has written its first heartbeat, their CPU time (user
and system, from psutil) is read, again `--seconds` later, and the
difference is printed as a share of one core, in total and per terminal,
against the target: at most 5 % of one core for 50 idle terminals.

With `--first-command`, after the CPU figures: `--tries` commands, each
written into the folder of a terminal that has been idle for `--quiet`
seconds (they take turns, so each has been idle far longer), the way the
server writes them (`ea.inside.write_inside`: a temporary file renamed onto
the command's name). The time from the write to the result file appearing
is printed as p50 and max. BUY and CLOSE_SYMBOL alternate, so the terminals
end as flat as they started.

Figures only: nothing here asserts on timing.
"""

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from accounts import instances
from bench.kit import ROOT, wait_for
from ea import inside, protocol
from ea.vectors import parts

FIRST_LOGIN = 3100001
TARGET_PERCENT = 5.0  # of one core, for TARGET_TERMINALS idle terminals
TARGET_TERMINALS = 50
RESULT_GUARD = 30.0  # seconds: a result slower than this is a failure


def arguments():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--terminals", type=int, default=50)
    p.add_argument("--seconds", type=float, default=60.0, help="CPU measured over")
    p.add_argument("--first-command", action="store_true",
                   help="also time the first command after a quiet spell")  # fmt: skip
    p.add_argument("--tries", type=int, default=20)
    p.add_argument("--quiet", type=float, default=3.0,
                   help="seconds of idle before each try")  # fmt: skip
    return p.parse_args()


def start_terminals(root, count, logs):
    """(login, folder, Popen) of each terminal, started as the supervisor does."""
    started = []
    for number in range(count):
        login = str(FIRST_LOGIN + number)
        args = instances.paper_command(sys.executable, root, login, "hedging")
        folder = Path(args[args.index("--files") + 1])
        folder.mkdir(parents=True)
        with open(logs / f"terminal_{login}.log", "ab") as log:
            process = subprocess.Popen(args, cwd=ROOT, stdout=log, stderr=log)
        started.append((login, folder, process))
    return started


def cpu_seconds(processes):
    """User plus system CPU seconds of each process, in order."""
    times = [psutil.Process(p.pid).cpu_times() for p in processes]
    return [t.user + t.system for t in times]


def measure_idle(terminals, seconds):
    processes = [process for _, _, process in terminals]
    before, began = cpu_seconds(processes), time.monotonic()
    time.sleep(seconds)
    after, wall = cpu_seconds(processes), time.monotonic() - began
    used = [b - a for a, b in zip(before, after, strict=True)]
    total = 100 * sum(used) / wall
    count = len(terminals)
    print(f"{count} idle paper terminals over {wall:.1f} s:")
    print(f"  CPU in total   {total:6.2f} % of one core")
    print(
        f"  per terminal   {total / count:6.3f} % (max {100 * max(used) / wall:.3f} %)"
    )
    # The target scales with the count, so a smaller run is judged fairly.
    target = TARGET_PERCENT * count / TARGET_TERMINALS
    verdict = "PASS" if total <= target else "FAIL"
    print(f"  target         <= {TARGET_PERCENT:g} % of one core for "
          f"{TARGET_TERMINALS} (here <= {target:.2f} %): {verdict}")  # fmt: skip


def send(root, login, folder, action, seq):
    """Write one command as the server does; returns its file name."""
    now = time.time()
    data = parts.full_command(
        action, "EURUSD", now, id=uuid.uuid4().hex, seq=seq, account=login,
        timestamp=now, expires_at=now + 60, comment="idle bench",
        **({"volume": 0.01} if action == "BUY" else {}),
    )  # fmt: skip
    name = protocol.command_name(seq, data["id"])
    inside.write_inside(root, folder, name, data)
    return name


def result_latency(root, login, folder, action, seq):
    """Seconds from writing the command to its result file existing."""
    began = time.perf_counter()
    name = send(root, login, folder, action, seq)
    result = folder / protocol.result_name(name)
    deadline = began + RESULT_GUARD
    while not result.exists():
        if time.perf_counter() > deadline:
            raise SystemExit(f"no result for {name} in {RESULT_GUARD:g} s")
        time.sleep(0.0005)
    seconds = time.perf_counter() - began
    status = protocol.read_flat(result)["status"]
    if status != "executed":
        print(f"  note: {action} on {login} ended {status}")
    return seconds


def measure_first_command(root, terminals, tries, quiet):
    print(f"first command after {quiet:g} s idle, {tries} tries:")
    latencies = {"BUY": [], "CLOSE_SYMBOL": []}
    for attempt in range(tries):
        login, folder, _ = terminals[(attempt // 2) % len(terminals)]
        action = "BUY" if attempt % 2 == 0 else "CLOSE_SYMBOL"
        time.sleep(quiet)
        latencies[action].append(
            result_latency(root, login, folder, action, attempt + 1)
        )
    every = [s for values in latencies.values() for s in values]
    for label, values in (*latencies.items(), ("all", every)):
        if values:
            middle, worst = statistics.median(values), max(values)
            print(f"  {label:13s} p50 {1000 * middle:7.1f} ms   "
                  f"max {1000 * worst:7.1f} ms   (n={len(values)})")  # fmt: skip


def stop_terminals(terminals):
    for _, _, process in terminals:
        if process.poll() is None:
            process.terminate()
    for _, _, process in terminals:
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(30)


def main():
    args = arguments()
    work = Path(tempfile.mkdtemp(prefix="mt5bot-idle-"))
    root, logs = work / "instances", work / "logs"
    logs.mkdir(parents=True)
    terminals = []
    try:
        terminals = start_terminals(root, args.terminals, logs)
        beats = [folder / protocol.HEARTBEAT for _, folder, _ in terminals]
        wait_for(lambda: all(path.exists() for path in beats), "first heartbeats", 120)
        dead = [login for login, _, process in terminals if process.poll() is not None]
        if dead:
            raise SystemExit(f"terminals ended early: {dead}; logs in {logs}")
        measure_idle(terminals, args.seconds)
        if args.first_command:
            measure_first_command(root, terminals, args.tries, args.quiet)
    finally:
        stop_terminals(terminals)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
