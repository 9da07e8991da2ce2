"""What a terminal leaves in its folder cannot stop the bridge (issue 13,
points 5 and 6): results are bounded to what the Command's columns hold, one
bad result file is set aside and never blocks the others, and only regular
files are opened, without blocking, so a FIFO cannot freeze the loop."""

import json
import logging
import os

import pytest
from django.db import connection

from accounts.bridge import delivery, symbols
from accounts.bridge.keeper import TerminalKeeper
from accounts.models import SymbolList, files_dir
from ea import bounds, protocol
from history.models import Command
from history.tests.test_delivery import queued, result_for

pytestmark = pytest.mark.django_db
fifo_only = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")

GOOD = {"protocol": 1, "id": "0" * 32, "status": "executed"}


@pytest.fixture(autouse=True)
def instances(settings, tmp_path):
    settings.MT5_INSTANCES_DIR = tmp_path / "instances"
    return settings.MT5_INSTANCES_DIR


def delivered(client, **fields):
    command = queued(client, **fields)
    assert delivery.deliver(command)
    return command


@pytest.mark.parametrize(
    "fields",
    [
        {"ticket": 2**64},
        {"ticket": 2**63},
        {"ticket": -1},
        {"ticket": True},
        {"ticket": 1.5},
        {"retcode": 2**31},
        {"retcode": -(2**31) - 1},
        {"retcode": "10009"},
        {"price": 1e12},
        {"price": 99999999999999.98},
        {"volume": -1e20},
        {"price": float("inf")},
        {"volume": "0.1"},
        {"message": "done\x00"},
        {"message": 5},
        {"message": "x" * (bounds.MAX_TEXT + 1)},
        {"account": "1\x00"},
        {"note\x00": "x"},
        {"closed": 2**70},
        {f"f{n}": n for n in range(bounds.MAX_FIELDS)},
    ],
    ids=lambda fields: next(iter(fields)).replace("\x00", "NUL"),
)
def test_a_result_beyond_the_limits_is_refused_with_its_field(fields):
    with pytest.raises(protocol.ProtocolError):
        bounds.check_result({**GOOD, **fields})


def test_a_result_at_the_limits_is_taken():
    edge = {
        "ticket": 2**63 - 1,
        "retcode": 2**31 - 1,
        "price": 999999999999.9999,
        "volume": 0,
        "message": "x" * bounds.MAX_TEXT,
        "closed": 2**63 - 1,
    }
    assert bounds.check_result({**GOOD, **edge})
    assert bounds.check_result({**GOOD, "ticket": None, "retcode": -(2**31)})


def test_one_bad_result_file_never_blocks_the_others(client, cast, caplog):
    """The 2**64 ticket of issue 13: it used to roll the whole batch back on
    every pass, with a traceback each time."""
    bad, good = delivered(client, id="a"), delivered(client, id="b")
    result_for(bad, ticket=2**64)
    result_for(good, ticket=5)
    with caplog.at_level(logging.INFO, "mt5bot.delivery"):
        assert delivery.ingest("1123456") == 1
        assert delivery.ingest("1123456") == 0
    good.refresh_from_db()
    bad.refresh_from_db()
    assert (good.status, good.result_ticket) == ("executed", 5)
    assert bad.status == "delivered"
    names = os.listdir(files_dir("1123456"))
    assert protocol.listing(files_dir("1123456"), protocol.RESULT_PREFIX) == []
    assert [n for n in names if n.startswith(delivery.BAD_RESULT_PREFIX)] == [
        protocol.result_name(bad.file_name).replace("result", "badresult", 1)
    ]
    assert len([r for r in caplog.records if r.levelno >= logging.ERROR]) == 1


def refuse_ticket_666():
    """A real database refusing one row's update, as a column out of range
    would: the one fault validation cannot foresee."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "CREATE TRIGGER refuse_666 BEFORE UPDATE ON history_command "
                "WHEN NEW.result_ticket = 666 BEGIN SELECT RAISE(ABORT, 'no'); END"
            )
            return
        cursor.execute(
            "CREATE FUNCTION refuse_666() RETURNS trigger AS $$ BEGIN "
            "IF NEW.result_ticket = 666 THEN RAISE EXCEPTION 'no' "
            "USING ERRCODE = 'numeric_value_out_of_range'; END IF; "
            "RETURN NEW; END $$ LANGUAGE plpgsql"
        )
        cursor.execute(
            "CREATE TRIGGER refuse_666 BEFORE UPDATE ON history_command "
            "FOR EACH ROW EXECUTE FUNCTION refuse_666()"
        )


def test_a_result_the_database_refuses_is_set_aside_alone(client, cast):
    refused, good = delivered(client, id="a"), delivered(client, id="b")
    refuse_ticket_666()
    result_for(refused, ticket=666)
    result_for(good, ticket=7)
    assert delivery.ingest("1123456") == 2
    good.refresh_from_db()
    refused.refresh_from_db()
    assert (good.status, good.result_ticket) == ("executed", 7)
    assert refused.status == "delivered"
    assert protocol.listing(files_dir("1123456"), protocol.RESULT_PREFIX) == []
    assert protocol.listing(files_dir("1123456"), delivery.BAD_RESULT_PREFIX)


def test_it_reads_back_every_command_after_the_limits(client, cast):
    command = delivered(client)
    result_for(command, ticket=2**63 - 1, retcode=-(2**31), price=-999999999999.9999)
    delivery.ingest("1123456")
    command.refresh_from_db()
    assert command.result_ticket == 2**63 - 1 and command.retcode == -(2**31)
    assert list(Command.objects.values_list("fill_price", flat=True))


@fifo_only
@pytest.mark.timeout(60)
def test_a_fifo_named_like_a_result_is_set_aside_without_blocking(client, cast):
    command = delivered(client)
    fifo = files_dir("1123456") / protocol.result_name("webhook_command_x.json")
    os.mkfifo(fifo)
    result_for(command)
    assert delivery.ingest("1123456") == 1
    command.refresh_from_db()
    assert command.status == "executed"
    assert not fifo.exists()
    assert protocol.listing(files_dir("1123456"), delivery.BAD_RESULT_PREFIX)


@fifo_only
@pytest.mark.timeout(60)
def test_a_fifo_heartbeat_or_symbol_list_is_ignored_and_said_once(cast, caplog):
    folder = files_dir("1123456")
    folder.mkdir(parents=True)
    os.mkfifo(folder / protocol.HEARTBEAT)
    os.mkfifo(folder / protocol.SYMBOLS)
    keeper = TerminalKeeper()
    with caplog.at_level(logging.WARNING, "mt5bot.supervisor"):
        for _ in range(3):
            assert keeper.read_heartbeat("1123456")[0] is None
            keeper.sync_symbols(cast["main"])
    said = [r.getMessage() for r in caplog.records]
    assert len([m for m in said if "heartbeat" in m]) == 1, said
    assert len([m for m in said if "symbols" in m]) == 1, said
    assert "not a regular file" in said[0]


@fifo_only
@pytest.mark.timeout(60)
def test_a_fifo_executed_list_never_blocks_the_expiry(client, cast):
    command = queued(client)
    files_dir("1123456").mkdir(parents=True)
    os.mkfifo(files_dir("1123456") / protocol.EXECUTED)
    later = command.expires_at.replace(year=command.expires_at.year + 1)
    delivery.deliver_many([command], now=later)
    command.refresh_from_db()
    # Unreadable list: the file may be out, so it is settled, never expired blind.
    assert command.status == "delivered"


@fifo_only
@pytest.mark.timeout(60)
def test_a_fifo_executed_list_never_blocks_the_start_up(client, cast):
    command = queued(client)
    assert command.claim()  # then the supervisor died before the file
    files_dir("1123456").mkdir(parents=True)
    os.mkfifo(files_dir("1123456") / protocol.EXECUTED)
    assert delivery.reconcile_claimed() == 1
    # It may have been taken: marked delivered, never written a second time.
    assert not (files_dir("1123456") / command.file_name).exists()


@pytest.mark.parametrize(
    "beat",
    [
        {"login": "1123456\x00"},
        {"bad\x00key": 1},
        {"seq": 2**64},
        {"server": "x" * (bounds.MAX_TEXT + 1)},
    ],
    ids=["nul", "nul-key", "huge-int", "long"],
)
def test_a_heartbeat_beyond_the_limits_is_not_stored(cast, beat, caplog):
    folder = files_dir("1123456")
    folder.mkdir(parents=True)
    protocol.write_atomic(folder, protocol.HEARTBEAT, {"protocol": 1, **beat})
    assert TerminalKeeper().read_heartbeat("1123456")[0] is None
    assert "heartbeat of 1123456 not read" in caplog.text


def test_a_heartbeat_of_infinite_numbers_is_refused():
    with pytest.raises(protocol.ProtocolError):
        bounds.check_heartbeat(protocol.loads_flat(b'{"balance": 1e400}'))
    with pytest.raises(protocol.ProtocolError):
        protocol.loads_flat(b'{"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")


def test_a_symbol_list_is_bounded(cast):
    entry = {"name": "EURUSD", "description": "d\x00" * 5000, "path": "p" * 5000}
    data = {"login": "1123456", "symbols": [entry, {"name": "X" * 65}]}
    _, entries = symbols.parse_list(json.dumps(data).encode())
    assert entries == [{"name": "EURUSD", "description": "d" * 256, "path": "p" * 256}]
    with pytest.raises(protocol.ProtocolError):
        symbols.parse_list(b"[" * 100_000)


def test_a_symbol_list_with_text_no_database_takes_is_stored_clean(cast):
    """NUL and lone surrogates: a name holding one is dropped (never altered
    into another symbol), a description is cleaned; the list is stored on
    SQLite and PostgreSQL alike, and reads back."""
    listed = [
        {"name": "EURUSD", "description": "Euro \ud800 \x00dollar"},
        {"name": "GBP\x00USD"},
        {"name": "USD\ud800JPY"},
    ]
    folder = files_dir("1123456")
    folder.mkdir(parents=True)
    raw = json.dumps({"login": "1123456", "symbols": listed})
    (folder / protocol.SYMBOLS).write_text(raw, encoding="ascii")
    assert symbols.store_file(cast["main"], folder / protocol.SYMBOLS)
    stored = SymbolList.objects.get(account=cast["main"])
    assert stored.symbols == [{"name": "EURUSD", "description": "Euro ? dollar"}]
