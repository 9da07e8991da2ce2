"""data/custom_mappings.json is loaded when it changes, by the supervisor of
the server's machine, not only by `mappings import`: an edit to the file is
the mapping the next alert uses."""

import json
import logging
import os

import pytest

from accounts.bridge.supervisor import Worker
from history.models import Command
from mapping.models import SymbolMapping
from mapping.seedfile import SeedFile
from signals.tests.webhook import order, post

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed(settings, tmp_path):
    """Write the file with a modification time of its own for each version:
    the test never depends on the clock moving between two writes."""
    settings.DATA_DIR = tmp_path
    path = tmp_path / "custom_mappings.json"
    versions = iter(range(1_700_000_000, 1_800_000_000, 60))

    def write(mappings, raw=None):
        path.write_bytes(raw if raw is not None else json.dumps(mappings).encode())
        at = next(versions)
        os.utime(path, (at, at))
        return path

    return write


def sent_as(client, symbol, id):
    response = post(client, order(symbol=symbol, id=id))
    assert response.status_code == 200, response.content
    return Command.objects.get(signal_id=response.json()["signal"]).symbol


def test_an_edit_to_the_file_is_the_mapping_the_next_alert_uses(client, cast, seed):
    supervisor = Worker(manage_terminals=False)
    seed({"goldspot": "XAUUSD"})
    supervisor.run_pass(force=True)
    assert sent_as(client, "goldspot", "1") == "XAUUSD"

    seed({"goldspot": "XAGUSD", "nas": "USTEC"})
    supervisor.run_pass(force=True)
    assert sent_as(client, "goldspot", "2") == "XAGUSD"
    assert sent_as(client, "NAS", "3") == "USTEC"


def test_it_reads_the_file_only_when_its_stamp_moved(cast, seed, monkeypatch):
    watch = SeedFile()
    seed({"goldspot": "XAUUSD"})
    assert watch.check() is True
    reads = []
    monkeypatch.setattr(type(watch.path), "read_text", lambda *a, **k: reads.append(a))
    assert watch.check() is False
    assert reads == []


def test_a_restart_keeps_an_admin_edit_made_since_the_file_was_loaded(cast, seed):
    seed({"goldspot": "XAUUSD"})
    assert SeedFile().check() is True
    SymbolMapping.objects.filter(alias="GOLDSPOT").update(symbol="GOLD")
    # A new supervisor (a restart): the file has not changed since its load.
    assert SeedFile().check() is False
    assert SymbolMapping.objects.get(alias="GOLDSPOT").symbol == "GOLD"
    # Edited while the bot was stopped: the next start loads it.
    seed({"goldspot": "XAUUSD.m"})
    assert SeedFile().check() is True
    assert SymbolMapping.objects.get(alias="GOLDSPOT").symbol == "XAUUSD.m"


def test_it_adds_and_changes_but_deletes_none(cast, seed):
    SymbolMapping.objects.create(alias="DJ30", symbol="US30")
    seed({"goldspot": "XAUUSD"})
    SeedFile().check()
    assert dict(SymbolMapping.objects.values_list("alias", "symbol")) == {
        "DJ30": "US30",
        "GOLDSPOT": "XAUUSD",
    }


@pytest.mark.parametrize(
    "raw", [b'{"goldspot": "XAU', b"[1, 2]", b'{"gold spot": "XAUUSD"}', b"{\xff}"]
)
def test_a_file_that_does_not_read_leaves_the_mappings_and_says_so_once(
    cast, seed, caplog, raw
):
    seed({"goldspot": "XAUUSD"})
    watch = SeedFile()
    watch.check()
    seed(None, raw=raw)
    with caplog.at_level(logging.WARNING, logger="mt5bot.mapping"):
        assert watch.check() is False
        assert watch.check() is False
    [warning] = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert "not loaded" in warning.getMessage()
    assert SymbolMapping.objects.get(alias="GOLDSPOT").symbol == "XAUUSD"


def test_no_file_costs_a_stat_and_nothing_else(cast, seed, settings):
    assert SeedFile().check() is False
    assert not SymbolMapping.objects.exists()


def test_a_supervisor_of_another_host_leaves_the_file_to_the_servers(cast, seed):
    seed({"goldspot": "XAUUSD"})
    Worker(host="vps-1", manage_terminals=False).run_pass(force=True)
    assert not SymbolMapping.objects.exists()
