"""What `serve` costs while nothing happens (issue 15: at most 1 % of one core
over 60 s).

    .venv/bin/python bench/serve_idle.py [--accounts 5] [--seconds 60]

`serve` runs as it ships, on a throwaway install under the system's temp:
its supervisor as a child process, `--accounts` paper accounts running.
Once every terminal is online, the CPU time (user and system, from psutil)
of the server process, of its supervisor child and of the paper terminals is
read, again `--seconds` later, and each difference is printed as a share of
one core. The terminals are shown apart: issue 15 sets them their own target
(bench/idle.py).

Figures only: nothing here asserts on timing.
"""

import argparse
import secrets
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import kit


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--accounts", type=int, default=5)
    p.add_argument("--seconds", type=float, default=60.0, help="CPU measured over")
    return p.parse_args(argv)


def online(database, count):
    def check():
        try:
            with sqlite3.connect(database, timeout=1) as db:
                rows = db.execute("SELECT status FROM accounts_account").fetchall()
        except sqlite3.Error:
            return False
        return len(rows) == count and {r[0] for r in rows} == {"online"}

    return check


def cpu(processes):
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


def roles(server, folder):
    """{role: [processes]}: the server, its supervisor child, and the paper
    terminals of this install (started in sessions of their own, so found
    by the folder in their arguments rather than below the server)."""
    found = {"serve": [server], "supervisor": [], "paper terminals": []}
    for child in server.children(recursive=True):
        try:
            if "supervise" in " ".join(child.cmdline()):
                found["supervisor"].append(child)
        except psutil.NoSuchProcess:
            continue
    for process in psutil.process_iter(["cmdline"]):
        line = " ".join(process.info["cmdline"] or [])
        if "ea.paper" in line and str(folder) in line:
            found["paper terminals"].append(process)
    return found


def measure(args, folder):
    env = kit.server_env(folder, secrets.token_urlsafe(24), LOG_LEVEL="WARNING")
    kit.manage(env, "setup", "--no-demo", "--no-input")
    logins = [str(5100001 + i) for i in range(args.accounts)]
    for login in logins:
        kit.manage(env, "accounts", "add", login, "--kind", "paper")
    port = kit.free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--port", str(port)],
        cwd=kit.ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        kit.wait_for(online(folder / "mt5bot.sqlite3", len(logins)), "every terminal")
        # Let start-up settle (first listings, terminals' first heartbeats).
        time.sleep(3)
        found = roles(psutil.Process(server.pid), folder)
        before = {role: cpu(ps) for role, ps in found.items()}
        started = time.monotonic()
        time.sleep(args.seconds)
        spent = time.monotonic() - started
        after = {role: cpu(ps) for role, ps in found.items()}
    finally:
        server.terminate()
        server.wait(timeout=90)
    print(f"serve idle, {len(logins)} paper accounts running, over {spent:.1f} s:")
    for role, processes in found.items():
        share = 100 * (after[role] - before[role]) / spent
        print(
            f"  {role:<16} {len(processes):>3} process(es)  {share:6.2f} % of one core"
        )
    own = after["serve"] - before["serve"] + after["supervisor"] - before["supervisor"]
    print(
        f"  serve + supervisor: {100 * own / spent:.2f} % of one core (target <= 1 %)"
    )


def main(argv=None):
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="mt5bot-idle-") as tmp:
        measure(args, Path(tmp))


if __name__ == "__main__":
    main()
