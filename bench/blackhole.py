"""An SMTP server that never answers, for bench/webhook.py --blackhole-smtp:
the webhook's answers must not wait on a mail server (issue 7)."""

import contextlib
import socket
import sqlite3
import threading

HOST = "127.0.0.1"


class Blackhole:
    """A TCP listener that accepts every connection and never says a word."""

    def __init__(self):
        self.sock = socket.create_server((HOST, 0))
        self.port = self.sock.getsockname()[1]
        self.held = []
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        with contextlib.suppress(OSError):
            while True:
                self.held.append(self.sock.accept()[0])

    def env(self):
        """Email on, to this listener; notifications the traffic triggers on,
        with a short window so the sender keeps meeting the silence."""
        return {
            "EMAIL_ENABLED": "true",
            "EMAIL_HOST": HOST,
            "EMAIL_PORT": str(self.port),
            "EMAIL_USE_TLS": "false",
            "EMAIL_RECIPIENTS": "bench@example.com",
            "NOTIFY_URLS": "",
            "NOTIFY_WINDOW": "1",
            "NOTIFY_EVENTS": "startup,trade_executed,trade_failed,validation_error",
        }


def notification_counts(tmp):
    path = tmp / "mt5bot.sqlite3"
    with contextlib.closing(sqlite3.connect(path, timeout=30)) as db:
        query = "SELECT status, count(*) FROM mt5bot_notification GROUP BY status"
        return dict(db.execute(query).fetchall())
