"""The test command stays inside the project: it installs nothing, and what
it needs from the machine (Chromium, Redis, PostgreSQL) it uses under names
of its own run, cleaned up after."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from redis import Redis

from mt5bot.rediscache import RedisCache, delete_prefixed
from mt5bot.tests import runnames, services

ROOT = Path(__file__).resolve().parents[2]


def test_the_test_command_installs_nothing():
    """No call in run.py starts a system package manager (a hint that names
    one, printed for the person to run, is fine)."""
    tree = ast.parse((ROOT / "run.py").read_text())
    managers = {"apt-get", "apt", "sudo", "dnf", "yum", "brew", "winget", "choco"}
    started = [
        arg.value
        for call in ast.walk(tree)
        if isinstance(call, ast.Call)
        for arg in call.args
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
    ]
    assert managers.isdisjoint(started)


def test_a_process_on_the_test_settings_removes_the_folder_it_made(tmp_path):
    folders = ("DATA_DIR", "LOG_DIR", "BACKUP_DIR", "STATIC_ROOT")
    env = {k: v for k, v in os.environ.items() if k not in folders}
    env["TMPDIR"] = str(tmp_path)
    said = "import os, mt5bot.test_settings as s; print(s.DATA_DIR, os.path.isdir(s.DATA_DIR))"
    done = subprocess.run(
        [sys.executable, "-c", said],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    folder, existed = done.stdout.split()
    assert Path(folder).parent == tmp_path and existed == "True"
    assert list(tmp_path.iterdir()) == []


def test_without_chromium_the_browser_tests_skip_saying_how_to_get_it(
    monkeypatch, tmp_path
):
    monkeypatch.setattr(services, "CHROMIUM", tmp_path / "chromium")
    monkeypatch.delenv(services.NEED_CHROMIUM, raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install chromium"):
        services.require_chromium()


def test_where_chromium_is_required_its_absence_fails(monkeypatch, tmp_path):
    monkeypatch.setattr(services, "CHROMIUM", tmp_path / "chromium")
    monkeypatch.setenv(services.NEED_CHROMIUM, "1")
    with pytest.raises(pytest.fail.Exception, match="is not installed"):
        services.require_chromium()


def test_chromium_that_is_there_is_used(monkeypatch, tmp_path):
    (tmp_path / "chromium").touch()
    monkeypatch.setattr(services, "CHROMIUM", tmp_path / "chromium")
    monkeypatch.setenv(services.NEED_CHROMIUM, "1")
    assert services.require_chromium() == tmp_path / "chromium"


# --- names of the run's own ---------------------------------------------------------


def test_each_run_draws_an_id_of_its_own():
    assert len({runnames.new_run_id() for _ in range(100)}) == 100


def test_a_runs_postgresql_test_database_is_named_after_the_run():
    one, other = runnames.new_run_id(), runnames.new_run_id()
    name = runnames.test_database("mt5bot.postgresql", one)["NAME"]
    assert name == runnames.test_database("mt5bot.postgresql", one)["NAME"]
    assert name != runnames.test_database("mt5bot.postgresql", other)["NAME"]
    assert name.startswith("test_mt5bot_") and one in name


def test_on_sqlite_the_test_database_is_in_memory():
    assert runnames.test_database("mt5bot.sqlite", "x") == {"NAME": ":memory:"}


def test_a_runs_redis_prefix_is_its_own_and_recognisable():
    one, other = runnames.new_run_id(), runnames.new_run_id()
    assert runnames.redis_prefix(one) == runnames.redis_prefix(one)
    assert runnames.redis_prefix(one) != runnames.redis_prefix(other)
    assert runnames.redis_prefix(one).startswith("mt5bot-test-")
    assert runnames.scratch_database() != runnames.scratch_database()


def test_this_process_uses_the_names_of_its_run(db):
    database = settings.DATABASES["default"]
    name = runnames.test_database(database["ENGINE"], settings.RUN_ID)["NAME"]
    assert database["TEST"]["NAME"].startswith(name)  # + the xdist worker's
    if connection.vendor == "postgresql":
        # pytest-django made it, and drops it at the end.
        assert connection.settings_dict["NAME"].startswith(name)
    if settings.REDIS_URL:
        prefix = runnames.redis_prefix(settings.RUN_ID)
        assert prefix == settings.REDIS_PREFIX
        assert caches["default"].key_prefix == prefix
        layer = settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"]
        assert layer.startswith(f"{prefix}:")


# --- cleaning up only what the run made ----------------------------------------------


@pytest.fixture
def shared_redis():
    """The Redis other runs (and a real install) share, and keys that are
    not this test's to delete: removed by the test itself at the end."""
    client = Redis.from_url(services.reachable_redis())
    foreign = []
    yield client, foreign
    if foreign:
        client.delete(*foreign)
    client.close()


def test_a_scratch_namespace_deletes_its_own_keys_and_no_other(shared_redis):
    client, foreign = shared_redis
    with services.scratch_redis() as scratch:
        prefix = scratch["REDIS_PREFIX"]
        ours = [f"{prefix}:1:rl:counter", f"{prefix}:asgi:group:live"]
        # Another run's, one that only begins with the same text, and an
        # install's unprefixed key (named after this run, so no real one).
        foreign += [f"{runnames.redis_prefix('other')}:1:x", f"{prefix}x:1:y"]
        foreign.append(f"rl:{prefix}")
        for key in ours + foreign:
            client.set(key, 1)
    assert client.exists(*ours) == 0
    assert client.exists(*foreign) == len(foreign)


def test_a_prefix_is_matched_as_text_not_as_a_pattern(shared_redis):
    client, foreign = shared_redis
    base = runnames.redis_prefix(runnames.new_run_id())
    prefix = f"{base}[a]*"
    foreign += [f"{base}a:1:x", f"{base}[a]x:1:y"]
    for key in [*foreign, f"{prefix}:1:z"]:
        client.set(key, 1)
    assert delete_prefixed(client, prefix) == 1
    assert client.exists(*foreign) == len(foreign)


def test_clearing_a_prefixed_cache_leaves_other_keys(shared_redis):
    client, foreign = shared_redis
    prefix = runnames.redis_prefix(runnames.new_run_id())
    cache = RedisCache(services.reachable_redis(), {"KEY_PREFIX": prefix})
    cache.set("counter", 1)
    foreign += [f"{runnames.redis_prefix('other')}:1:counter", "counter"]
    for key in foreign:
        client.set(key, 1)
    cache.clear()
    assert cache.get("counter") is None
    assert client.exists(*foreign) == len(foreign)
