"""The terminal's steps over a folder (PROTOCOL.md sections 3-5), in process."""

import json
import os
import signal

import pytest

from ea import protocol
from ea.paper import trading
from ea.paper.broker import Broker
from ea.paper.state import JOURNAL, STATE, ExecutedIds, Journal, Store
from ea.paper.terminal import BAD_PREFIX

from .conftest import LOGIN, NOW, command, drop, result_of


def journal(folder):
    path = folder / JOURNAL
    return (
        [json.loads(x) for x in path.read_text().splitlines()] if path.exists() else []
    )


def executed_ids(folder):
    path = folder / protocol.EXECUTED
    return path.read_text().split() if path.exists() else []


def test_a_command_is_renamed_and_remembered_before_it_is_sent(
    tmp_path, terminal, monkeypatch
):
    data = command(volume=0.1)
    name = drop(tmp_path, data)
    seen = {}
    original = terminal.broker.send

    def spy(request):
        seen["files"] = sorted(os.listdir(tmp_path))
        seen["executed"] = executed_ids(tmp_path)
        return original(request)

    monkeypatch.setattr(terminal.broker, "send", spy)
    terminal.run_pass()
    assert protocol.in_progress_name(name) in seen["files"]
    assert name not in seen["files"]
    assert seen["executed"] == [data["id"]]
    result = result_of(tmp_path, name)
    assert result["status"] == "executed" and result["retcode"] == 10009
    assert not (tmp_path / protocol.in_progress_name(name)).exists()
    assert [line["id"] for line in journal(tmp_path)] == [data["id"]]


def test_the_result_has_the_protocol_fields(tmp_path, terminal):
    name = drop(tmp_path, command(volume=0.1))
    terminal.run_pass()
    result = result_of(tmp_path, name)
    assert list(result)[: len(protocol.RESULT_FIELDS)] == list(protocol.RESULT_FIELDS)
    assert protocol.check_result(result) is result
    assert (result["account"], result["time"]) == (LOGIN, NOW)


def test_commands_run_in_name_order(tmp_path, terminal):
    first = command(volume=0.1)
    second = command("CLOSE_SYMBOL")
    drop(tmp_path, second)  # written first, but its seq is higher
    drop(tmp_path, first)
    terminal.run_pass()
    assert [line["id"] for line in journal(tmp_path)] == [first["id"], second["id"]]
    assert terminal.broker.positions == []


def test_a_restart_answers_in_progress_commands_unknown_and_never_sends_them(
    tmp_path, make_terminal, monkeypatch
):
    data = command(volume=0.1)
    name = protocol.command_name(data["seq"], data["id"])
    protocol.write_atomic(tmp_path, protocol.in_progress_name(name), data)
    terminal = make_terminal()
    monkeypatch.setattr(trading, "execute", pytest.fail)
    terminal.start()
    terminal.run_pass()
    result = result_of(tmp_path, name)
    assert (result["status"], result["retcode"]) == ("unknown", 0)
    assert "restarted" in result["message"]
    assert not (tmp_path / protocol.in_progress_name(name)).exists()
    assert journal(tmp_path) == [] and terminal.broker.positions == []


def test_a_restart_keeps_a_result_written_before_the_crash(tmp_path, make_terminal):
    data = command(volume=0.1)
    name = protocol.command_name(data["seq"], data["id"])
    protocol.write_atomic(tmp_path, protocol.in_progress_name(name), data)
    written = {"protocol": 1, "id": data["id"], "status": "executed", "retcode": 10009}
    protocol.write_atomic(tmp_path, protocol.result_name(name), written)
    make_terminal().start()
    assert result_of(tmp_path, name) == written
    assert not (tmp_path / protocol.in_progress_name(name)).exists()


def test_a_rewritten_command_gets_no_second_result(tmp_path, make_terminal):
    data = command(volume=0.1)
    first = drop(tmp_path, data)
    make_terminal().run_pass()
    (tmp_path / protocol.result_name(first)).unlink()  # the server read it
    again = drop(tmp_path, {**data, "seq": data["seq"] + 1000})
    terminal = make_terminal()  # the memory survives a restart
    terminal.run_pass()
    assert result_of(tmp_path, again) is None
    assert not (tmp_path / again).exists()
    assert not (tmp_path / protocol.in_progress_name(again)).exists()
    assert len(journal(tmp_path)) == 1
    assert executed_ids(tmp_path) == [data["id"]]


def test_a_torn_executed_file_does_not_glue_ids(tmp_path):
    (tmp_path / protocol.EXECUTED).write_text("aaa\nbbb")
    ids = ExecutedIds(tmp_path)
    ids.add("ccc")
    assert "bbb" in ids
    assert executed_ids(tmp_path) == ["aaa", "bbb", "ccc"]


@pytest.mark.parametrize("late", [0, 5])
def test_expired_commands_are_not_sent(tmp_path, terminal, late):
    data = command(volume=0.1, expires_at=NOW - late)
    name = drop(tmp_path, data)
    terminal.run_pass()
    assert result_of(tmp_path, name)["status"] == "expired"
    assert journal(tmp_path) == [] and executed_ids(tmp_path) == []


def test_wrong_account(tmp_path, terminal):
    name = drop(tmp_path, command(volume=0.1, account="7891011"))
    terminal.run_pass()
    result = result_of(tmp_path, name)
    assert (result["status"], result["message"], result["account"]) == (
        "rejected", "wrong account", LOGIN,
    )  # fmt: skip
    assert journal(tmp_path) == []


def test_a_file_without_a_readable_id_is_moved_aside(tmp_path, terminal):
    name = protocol.command_name(3, "f" * 32)
    (tmp_path / name).write_bytes(b'{"protocol": 1, "id": "fff')
    terminal.run_pass()
    rest = name.removeprefix(protocol.COMMAND_PREFIX)
    assert (tmp_path / (BAD_PREFIX + rest)).exists()
    assert result_of(tmp_path, name) is None
    assert sorted(os.listdir(tmp_path)) == sorted(
        [BAD_PREFIX + rest, protocol.HEARTBEAT, protocol.BOOK]
    )


def test_a_malformed_file_with_an_id_is_rejected(tmp_path, terminal):
    data = {**command(), "symbol": {"name": "EURUSD"}}
    name = protocol.command_name(data["seq"], data["id"])
    (tmp_path / name).write_text(json.dumps(data))
    terminal.run_pass()
    result = result_of(tmp_path, name)
    assert (result["status"], result["id"]) == ("rejected", data["id"])


def test_a_command_that_cannot_be_claimed_waits(tmp_path, terminal, monkeypatch):
    name = drop(tmp_path, command(volume=0.1))
    real_replace = os.replace

    def locked(source, target):
        if str(source).endswith(name):
            raise PermissionError("held by an antivirus")
        return real_replace(source, target)

    monkeypatch.setattr(os, "replace", locked)
    terminal.drain_commands()
    assert (tmp_path / name).exists() and terminal.broker.positions == []
    monkeypatch.setattr(os, "replace", real_replace)
    terminal.drain_commands()
    assert result_of(tmp_path, name)["status"] == "executed"


def test_an_unexpected_error_ends_as_unknown(tmp_path, terminal, monkeypatch):
    def explode(command, broker):
        raise RuntimeError("bug")

    monkeypatch.setattr(trading, "execute", explode)
    name = drop(tmp_path, command(volume=0.1))
    terminal.run_pass()
    assert result_of(tmp_path, name)["status"] == "unknown"
    assert not (tmp_path / protocol.in_progress_name(name)).exists()


def test_state_is_saved_after_a_command_and_reloaded(tmp_path, terminal):
    drop(tmp_path, command(volume=0.1, stop_loss=1.08))
    terminal.run_pass()
    saved = Store(tmp_path).load()
    copy = Broker.restore(terminal.market, saved["broker"])
    assert copy.positions == terminal.broker.positions
    assert copy.next_ticket == terminal.broker.next_ticket
    assert saved["journal_tail"] == journal(tmp_path)


def test_journal_lines_lost_in_a_crash_are_restored_from_the_state(tmp_path, terminal):
    drop(tmp_path, command(volume=0.1))
    terminal.run_pass()
    lines = journal(tmp_path)
    (tmp_path / JOURNAL).write_text("")  # as if the crash came before the append
    restored = Journal(tmp_path).recover(Store(tmp_path).load()["journal_tail"])
    assert restored == lines == journal(tmp_path)
    assert Journal(tmp_path).recover(lines) == []  # and never twice


def test_a_torn_journal_line_is_skipped(tmp_path):
    (tmp_path / JOURNAL).write_text('{"jseq": 4}\n{"jseq": 5, "id"')
    assert Journal(tmp_path).last_seq == 4


def test_a_stop_loss_hit_between_commands_is_saved(tmp_path, terminal, clock):
    drop(tmp_path, command(volume=0.1, stop_loss=1.085))
    terminal.run_pass()
    broker = terminal.broker
    broker.market.set_quote("EURUSD", 1.0849, 1.0850)
    terminal.tick()  # the clock has not moved: no new prices, nothing checked
    assert len(broker.positions) == 1
    clock.now += 1
    terminal.tick()
    assert broker.positions == [] and broker.deals[-1]["reason"] == "sl"
    assert broker.balance == pytest.approx(10000 + (1.0849 - 1.0901) * 10000)
    assert Store(tmp_path).load()["broker"]["positions"] == []


def test_heartbeat_fields_and_sequence(tmp_path, make_terminal):
    drop(tmp_path, command(volume=0.1, expires_at=NOW + 99))
    terminal = make_terminal()
    terminal.write_heartbeat()
    beat = protocol.read_flat(tmp_path / protocol.HEARTBEAT)
    assert list(beat) == [
        "protocol", "ea_version", "ea_build", "kind", "login", "server", "company", "connected",
        "trade_allowed", "margin_mode", "currency", "balance", "equity",
        "margin_free", "positions", "orders", "pending_commands", "time",
        "terminal_time", "data_path", "seq",
    ]  # fmt: skip
    assert (beat["kind"], beat["login"], beat["connected"], beat["trade_allowed"]) == (
        "paper", LOGIN, True, True,
    )  # fmt: skip
    assert beat["pending_commands"] == 1 and beat["positions"] == 0
    assert beat["data_path"] == str(tmp_path.parent.parent)
    assert (beat["time"], beat["terminal_time"], beat["seq"]) == (NOW, int(NOW), 1)
    terminal.write_heartbeat()
    make_terminal().write_heartbeat()  # a restart carries on counting
    assert protocol.read_flat(tmp_path / protocol.HEARTBEAT)["seq"] == 3


def test_heartbeat_is_written_every_interval(tmp_path, make_terminal):
    moments = iter([100.0, 100.5, 101.0, 102.1, 103.0])
    terminal = make_terminal(heartbeat=2.0, monotonic=lambda: next(moments))
    terminal.write_heartbeat()  # at 100.0: next due at 102.0
    for _ in range(3):
        terminal.run_pass()
    assert protocol.read_flat(tmp_path / protocol.HEARTBEAT)["seq"] == 2


def test_symbols_are_written_at_start_and_on_request(tmp_path, terminal):
    terminal.start()
    listing = json.loads((tmp_path / protocol.SYMBOLS).read_text())
    assert listing["protocol"] == 1 and listing["login"] == LOGIN
    names = {s["name"]: s for s in listing["symbols"]}
    assert names["XAUUSD"]["filling_modes"] == 2
    assert names["EURUSD"]["tick_value"] == 1.0
    assert (names["EURUSD"]["calc_mode"], names["EURUSD"]["expiration_time"]) == (
        "forex",
        0,
    )
    future = names["US100"]
    assert (future["calc_mode"], future["expiration_time"]) == ("futures", 1923984000)
    assert (future["contract_size"], future["currency_margin"]) == (10.0, "USD")
    assert names["US100Cash"]["path"] == "Indices\\Cash\\US100Cash"
    (tmp_path / protocol.SYMBOLS).unlink()
    protocol.write_atomic(tmp_path, protocol.SYMBOLS_REQUEST, {"protocol": 1})
    terminal.run_pass()
    assert (tmp_path / protocol.SYMBOLS).exists()
    assert not (tmp_path / protocol.SYMBOLS_REQUEST).exists()


def test_signals_set_the_flag_and_a_second_one_forces_exit(terminal):
    terminal._on_signal(signal.SIGTERM, None)
    assert terminal.shutdown
    with pytest.raises(SystemExit):
        terminal._on_signal(signal.SIGINT, None)


def test_a_shutdown_stops_between_commands(tmp_path, terminal, monkeypatch):
    names = [drop(tmp_path, command(volume=0.1)) for _ in range(3)]
    original = trading.execute

    def execute_then_stop(*args):
        terminal.shutdown = True  # a signal arrives during the first command
        return original(*args)

    monkeypatch.setattr(trading, "execute", execute_then_stop)
    terminal.drain_commands()
    assert result_of(tmp_path, names[0])["status"] == "executed"
    assert [(tmp_path / n).exists() for n in names[1:]] == [True, True]


def test_state_file_is_complete_json(tmp_path, terminal):
    drop(tmp_path, command(volume=0.1))
    terminal.run_pass()
    data = json.loads((tmp_path / STATE).read_text())
    assert data["login"] == LOGIN and data["version"] == 1
    assert data["market"]["seed"] == 7


def test_a_failing_step_does_not_stop_the_pass(tmp_path, terminal, monkeypatch):
    def disk_full():
        raise OSError("no space left on device")

    monkeypatch.setattr(terminal, "write_heartbeat", disk_full)
    name = drop(tmp_path, command(volume=0.1))
    terminal.run_pass()
    assert result_of(tmp_path, name)["status"] == "executed"


def test_a_trigger_save_keeps_the_last_commands_journal_lines(
    tmp_path, terminal, clock
):
    drop(tmp_path, command(volume=0.1, stop_loss=1.085))
    terminal.run_pass()
    lines = journal(tmp_path)
    terminal.broker.market.set_quote("EURUSD", 1.0849, 1.0850)
    clock.now += 1
    terminal.tick()
    assert Store(tmp_path).load()["journal_tail"] == lines
