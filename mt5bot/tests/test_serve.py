"""The real server: `manage.py serve` as a subprocess, spoken to over HTTP."""

import http.client
import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from redis import Redis

from mt5bot import workers
from mt5bot.checks import check_workers
from mt5bot.tests.services import scratch_redis
from mt5bot.workers import Child

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "e2e-token-abcdefghijklmnop"
# This test reads its own SQLite file, whatever database the suite runs on.
DB_VARIABLES = {"DATABASE_URL", "REDIS_URL", "REDIS_PREFIX"}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def request(port, method, path, body=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, body, {"Content-Type": "text/plain"})
        response = connection.getresponse()
        if headers is not None:
            headers.update(response.getheaders())
        return response.status, response.read()
    finally:
        connection.close()


@pytest.fixture
def server(tmp_path):
    # The intake alone: the command stays queued for the test to read.
    yield from run_server(tmp_path, "--no-supervisor")


@pytest.fixture
def two_workers(tmp_path):
    # Several processes need a shared cache and channel layer: Redis.
    with scratch_redis() as redis:
        env = {**redis, "RATE_LIMIT_WEBHOOK": "10000 per minute"}
        for server in run_server(tmp_path, "--workers", "2", env=env):
            yield (*server, redis)


def server_env(tmp_path, **extra):
    """The environment of a real server, supervisor or command started by a
    test: its own SQLite database and folders under `tmp_path`, whatever
    database the suite itself runs on."""
    inherited = {k: v for k, v in os.environ.items() if k not in DB_VARIABLES}
    return {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "mt5bot.settings",
        "SECRET_KEY": "e2e-secret",
        "WEBHOOK_TOKEN": TOKEN,
        "MT5BOT_ENV_FILE": os.devnull,
        "DATA_DIR": str(tmp_path),
        "LOG_DIR": str(tmp_path / "logs"),
        "BACKUP_DIR": str(tmp_path / "backup"),
        "MT5_INSTANCES_DIR": str(tmp_path / "instances"),
        "STATIC_ROOT": str(tmp_path),
        "SUPERVISOR_WAKE_PORT": str(free_udp_port()),
        **extra,
    }


def run_server(tmp_path, *options, env=None):
    env = server_env(tmp_path, **(env or {}))
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "setup"], env=env, check=True, capture_output=True)
    port = free_port()
    log = (tmp_path / "server.log").open("w")
    process = subprocess.Popen(
        [*manage, "serve", "--port", str(port), "--access-log", *options],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until_up(port, process)
        yield port, tmp_path, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def wait_until(predicate, timeout=30):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def wait_until_up(port, process):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, "the server exited"
        try:
            if request(port, "GET", "/webhook/health")[0] == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("the server did not answer within 30 s")


@pytest.mark.e2e
def test_a_real_server_queues_a_command_and_logs_no_token(server):
    port, data_dir, _ = server
    body = '{"account_number": "1123456", "symbol": "XAUUSD", "action": "BUY", "volume": 0.01}'
    headers = {}
    status, answer = request(port, "POST", f"/webhook/{TOKEN}", body, headers)
    assert status == 200, answer
    assert json.loads(answer)["accounts"][0]["status"] == "queued"
    assert headers["Content-Length"] == str(len(answer))
    assert request(port, "POST", "/webhook/not-the-token", body)[0] == 401
    assert request(port, "POST", f"/webhook/{TOKEN}", b"\xff")[0] == 400
    with sqlite3.connect(data_dir / "mt5bot.sqlite3") as db:
        rows = db.execute("SELECT status FROM history_command").fetchall()
    assert rows == [("queued",)]
    # The access log is written after the answer: wait for the three posts'
    # lines, their paths redacted.
    log_file = data_dir / "server.log"
    wait_until(lambda: log_file.read_text().count("POST /webhook/***") == 3)
    log = log_file.read_text()
    assert TOKEN not in log and "not-the-token" not in log


@pytest.mark.e2e
@pytest.mark.skipif(os.name != "posix", reason="workers share a socket on POSIX")
def test_two_workers_share_the_port_and_stop_with_the_parent(two_workers):
    port, data_dir, parent, redis = two_workers
    children = psutil.Process(parent.pid).children()
    roles = sorted(c.cmdline()[c.cmdline().index("manage.py") + 1] for c in children)
    assert roles == ["serve", "serve", "supervise"]
    for i in range(20):
        body = f'{{"account_number": "1123456", "symbol": "EURUSD", "action": "SELL", "volume": 0.1, "id": "w{i}"}}'
        status, answer = request(port, "POST", f"/webhook/{TOKEN}", body)
        assert status == 200, answer
    with sqlite3.connect(data_dir / "mt5bot.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM history_command").fetchone() == (20,)
    # Their rate counters are under REDIS_PREFIX, where the cleanup looks.
    shared = Redis.from_url(redis["REDIS_URL"])
    assert any(shared.scan_iter(match=f"{redis['REDIS_PREFIX']}:*"))
    shared.close()
    # kill -9 one web process: the other answers meanwhile, and it comes back.
    victim = next(c for c in children if "serve" in c.cmdline())
    victim.kill()
    victim.wait(timeout=10)
    for _ in range(10):
        assert request(port, "GET", "/webhook/health")[0] == 200
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        now = psutil.Process(parent.pid).children()
        if sum("serve" in c.cmdline() for c in now) == 2:
            break
        time.sleep(0.1)
    assert victim.pid not in {c.pid for c in now}
    assert sorted(c.cmdline()[c.cmdline().index("manage.py") + 1] for c in now) == [
        "serve",
        "serve",
        "supervise",
    ]
    family = psutil.Process(parent.pid).children(recursive=True)
    parent.terminate()
    parent.wait(timeout=30)
    _gone, alive = psutil.wait_procs(family, timeout=15)
    assert not alive, "a server, the supervisor or a terminal outlived the parent"


# Never connected to: the workers' checks only ask whether one is set.
SOME_REDIS = "redis://redis.invalid:6379/0"


def test_several_processes_need_redis_on_posix_and_are_refused_on_windows():
    assert workers.refusal(2, "", posix=True) == workers.NEEDS_REDIS
    assert workers.refusal(2, SOME_REDIS, posix=True) is None
    assert workers.refusal(2, SOME_REDIS, posix=False) == workers.ONE_ON_WINDOWS
    assert "WEB_WORKERS=1" in workers.ONE_ON_WINDOWS
    assert "--no-supervisor" in workers.ONE_ON_WINDOWS  # what to run instead
    for posix in (True, False):
        assert workers.refusal(1, "", posix) is None


def test_several_workers_without_redis_are_refused(settings, monkeypatch):
    monkeypatch.setattr(workers, "SUPPORTED", True)
    settings.REDIS_URL = ""
    with pytest.raises(CommandError, match="need REDIS_URL"):
        call_command("serve", "--workers", "2", "--no-migrate")


def test_several_workers_on_windows_are_refused_saying_what_instead(
    settings, monkeypatch
):
    monkeypatch.setattr(workers, "SUPPORTED", False)
    settings.REDIS_URL = SOME_REDIS
    with pytest.raises(CommandError, match="Windows runs one server process"):
        call_command("serve", "--workers", "2", "--no-migrate")


def test_the_check_refuses_web_workers_that_cannot_run(settings, monkeypatch):
    monkeypatch.setattr(workers, "SUPPORTED", True)
    settings.WEB_WORKERS = 2
    settings.REDIS_URL = ""
    assert [error.id for error in check_workers(None)] == ["mt5bot.E002"]
    settings.REDIS_URL = SOME_REDIS
    assert check_workers(None) == []
    monkeypatch.setattr(workers, "SUPPORTED", False)
    [error] = check_workers(None)
    assert error.id == "mt5bot.E002" and "WEB_WORKERS=2: Windows" in error.msg
    settings.WEB_WORKERS = 1
    settings.REDIS_URL = ""
    assert check_workers(None) == []


class Exits:
    """A child process that exits when told."""

    def __init__(self):
        self.code = None

    def poll(self):
        return self.code


def test_a_child_that_dies_is_started_again_slower_when_it_keeps_dying():
    now = [0.0]
    started = []

    def launch():
        started.append(now[0])
        return Exits()

    child = Child("web 1", launch, clock=lambda: now[0])
    now[0] = 100.0  # a long life, then a crash: back at once
    child.process.code = -9
    child.keep_alive()
    assert started == [0.0, 100.0]
    for pause in (1.0, 2.0, 4.0):  # then dying young: 1, 2, 4 s apart
        child.process.code = 1
        child.keep_alive()
        now[0] += pause - 0.01
        child.keep_alive()
        assert len(started) == 2 + [1.0, 2.0, 4.0].index(pause)
        now[0] += 0.01
        child.keep_alive()
        assert started[-1] == now[0]
    child.keep_alive()  # alive: nothing to do
    assert len(started) == 5


def handshake(port, path):
    """A websocket opening handshake from a page of the site's own origin;
    the server's status line."""
    lines = [
        f"GET {path} HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        "Upgrade: websocket",
        "Connection: Upgrade",
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
        "Sec-WebSocket-Version: 13",
        f"Origin: http://127.0.0.1:{port}",
    ]
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        return sock.recv(4096).split(b"\r\n", 1)[0]


@pytest.mark.e2e
def test_a_socket_to_an_unknown_path_is_refused_without_a_traceback(server):
    port, data_dir, _ = server
    assert handshake(port, "/ws/nope/").startswith(b"HTTP/1.1 403")
    # Not logged in: the live feed refuses too, at the handshake.
    assert handshake(port, "/ws/live/").startswith(b"HTTP/1.1 403")
    assert request(port, "GET", "/webhook/health")[0] == 200
    assert "Traceback" not in (data_dir / "server.log").read_text()


def test_a_port_in_use_is_one_line_not_a_silent_exit():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(CommandError, match=f"Cannot listen on 127.0.0.1:{port}"):
            call_command("serve", "--port", str(port), "--no-migrate")
