"""What every bench shares: a free port, the environment of a throwaway
install, its own names in a shared Redis, and waiting on a condition."""

import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


def free_port(kind=socket.SOCK_STREAM):
    with socket.socket(socket.AF_INET, kind) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def server_env(folder, token, **overrides):
    """The environment of an install living in `folder`: its own SQLite
    database (DATABASE_URL and REDIS_URL only when passed in `overrides`),
    no .env, no rate limit or dedupe to skew the figures, quiet logs."""
    services = ("DATABASE_URL", "REDIS_URL", "REDIS_PREFIX")
    env = {k: v for k, v in os.environ.items() if k not in services}
    folder = Path(folder)
    env.update(
        DJANGO_SETTINGS_MODULE="mt5bot.settings",
        SECRET_KEY=secrets.token_urlsafe(40),
        WEBHOOK_TOKEN=token,
        MT5BOT_ENV_FILE=os.devnull,
        DATA_DIR=str(folder),
        LOG_DIR=str(folder / "logs"),
        STATIC_ROOT=str(folder / "static"),
        MT5_INSTANCES_DIR=str(folder / "instances"),
        RATE_LIMIT_WEBHOOK="100000000 per minute",
        WEBHOOK_DEDUPE_WINDOW="0",
        LOG_LEVEL="WARNING",
    )
    env.update({name: str(value) for name, value in overrides.items() if value})
    return env


def redis_prefix(bench):
    """REDIS_PREFIX for one run of a bench: its keys apart from any other's
    on that Redis (an install's, another run's), so nothing is flushed."""
    return f"mt5bot-{bench}-{secrets.token_hex(5)}"


def delete_redis_keys(url, prefix):
    """Delete a run's keys (those under `prefix`) and no other."""
    import redis

    from mt5bot.rediscache import delete_prefixed

    client = redis.Redis.from_url(url)
    try:
        delete_prefixed(client, prefix)
    finally:
        client.close()


def wait_for(condition, what, timeout=60, every=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(every)
    raise SystemExit(f"timed out waiting for {what}")


def manage(env, *args):
    """`manage.py <args>` of the install `env` describes; raises on failure."""
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
