"""What the notification tests share: a real HTTP receiver for Apprise's
json:// URLs and an SMTP server that accepts and never answers."""

import contextlib
import http.server
import json
import socket
import threading
import time

from notifications import outbox

RECIPIENT = "trader@example.com"


class Receiver(http.server.ThreadingHTTPServer):
    """Collects what Apprise posts; answers 500 while `failing` is set."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), ReceiverHandler)
        self.posts = []
        self.failing = False

    @property
    def url(self):
        return f"json://127.0.0.1:{self.server_address[1]}/"

    def titles(self):
        return [post["title"] for post in self.posts]


class ReceiverHandler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        self.server.posts.append(json.loads(self.rfile.read(length)))
        self.send_response(500 if self.server.failing else 200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


class Blackhole:
    """A TCP listener that accepts every connection and never says a word,
    like an SMTP server behind a firewall that drops replies."""

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.held = []
        self.thread = threading.Thread(target=self.accept, daemon=True)
        self.thread.start()

    def accept(self):
        with contextlib.suppress(OSError):
            while True:
                self.held.append(self.sock.accept()[0])

    def close(self):
        self.sock.close()
        for conn in self.held:
            conn.close()


def wait_for(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.01)


def drain():
    """Stop the sender and wait until every queued message was sent or failed."""
    outbox.shutdown(timeout=10)
