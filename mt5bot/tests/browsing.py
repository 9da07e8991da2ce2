"""What the browser tests share: Chromium's options and a real `manage.py
serve` (with its supervisor and paper terminals) on a folder of its own."""

import json
import sqlite3
import subprocess
import sys

from mt5bot.tests.test_serve import (
    ROOT,
    free_port,
    request,
    server_env,
    wait_until_up,
)

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TOKEN = "e2e-browser-token-abcdefghijkl"
USER, PASSWORD = "trader", "e2e-browser-password-123"


class Server:
    def __init__(self, tmp):
        self.dir = tmp
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = server_env(
            tmp,
            WEBHOOK_TOKEN=TOKEN,
            STATIC_ROOT=str(tmp / "static"),
            RATE_LIMIT_WEBHOOK="10000 per minute",
            WEBHOOK_DEDUPE_WINDOW="0",
            DJANGO_SUPERUSER_PASSWORD=PASSWORD,
        )
        self.process = None

    def manage(self, *args):
        return subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), *args],
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
        )

    def start(self):
        self.manage("setup", "--no-demo")
        self.manage("createsuperuser", "--noinput", "--username", USER, "--email", "")
        self.log = (self.dir / "server.log").open("w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "manage.py"),
                "serve",
                "--port",
                str(self.port),
            ],
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        wait_until_up(self.port, self.process)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()

    def query(self, sql, args=()):
        with sqlite3.connect(self.dir / "mt5bot.sqlite3", timeout=10) as db:
            db.row_factory = sqlite3.Row
            return [dict(row) for row in db.execute(sql, args)]

    def account(self, login):
        rows = self.query("SELECT * FROM accounts_account WHERE login = ?", [login])
        return rows[0] if rows else None

    def alert(self, expect=200, **fields):
        status, answer = request(
            self.port, "POST", f"/webhook/{TOKEN}", json.dumps(fields)
        )
        assert status == expect, answer
        return json.loads(answer)

    def log_tail(self):
        return (self.dir / "server.log").read_text()[-3000:]
