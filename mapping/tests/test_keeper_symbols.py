"""The supervisor's keeper stores each terminal's symbol list when its file
changes, and asks terminals for one when SYMBOL_FETCH_ENABLED says so."""

import pytest
from django.db import DatabaseError

from accounts.bridge import symbols
from accounts.bridge.keeper import TerminalKeeper
from accounts.models import Account, SymbolList
from ea import protocol
from ea.paper.symbols import SYMBOLS as PAPER
from mapping.resolver import resolve, volume_limits

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(settings, tmp_path):
    settings.MT5_INSTANCES_DIR = tmp_path
    settings.SYMBOL_FETCH_ENABLED = False
    # Stopped: nothing to launch, only the files are under test.
    return Account.objects.create(login="1123456", desired="stopped")


@pytest.fixture
def folder(account):
    path = protocol.files_dir(account.instance_dir().parent, account.login)
    path.mkdir(parents=True)
    return path


def write_list(folder, names=None, login="1123456", time=1764000000):
    entries = [spec.public(1.0) for spec in PAPER]
    if names is not None:
        entries = [{"name": name, "trade_mode": "full"} for name in names]
    data = {"protocol": 1, "login": login, "time": time, "symbols": entries}
    protocol.write_atomic(folder, protocol.SYMBOLS, data)


def test_it_stores_the_paper_terminals_list_and_resolves_against_it(account, folder):
    write_list(folder)
    TerminalKeeper().check_one(account)
    stored = SymbolList.objects.get(account=account)
    assert stored.count == len(PAPER) == 28
    assert set(stored.symbols[0]) == set(symbols.KEPT_FIELDS + symbols.KEPT_NUMBERS)
    assert stored.listed_at.timestamp() == 1764000000
    assert resolve(account, "XAUUSDm").symbol == "XAUUSD"
    assert resolve(account, "GER40").symbol == "DE40"


def test_it_parses_a_file_only_when_it_changes(account, folder, monkeypatch):
    calls = []
    real = symbols.store_file
    monkeypatch.setattr(symbols, "store_file", lambda *a: calls.append(a) or real(*a))
    keeper = TerminalKeeper()
    write_list(folder)
    keeper.check_one(account)
    keeper.check_one(account)
    assert len(calls) == 1
    write_list(folder, names=["EURUSDm"], time=1764000100)
    keeper.check_one(account)
    assert len(calls) == 2
    assert SymbolList.objects.get(account=account).count == 1


def test_a_broken_or_foreign_file_keeps_the_last_good_list(account, folder):
    keeper = TerminalKeeper()
    write_list(folder, names=["EURUSD"])
    keeper.check_one(account)
    (folder / protocol.SYMBOLS).write_text('{"symbols": [')
    keeper.check_one(account)
    write_list(folder, names=["GBPUSD"], login="999", time=1764000200)
    keeper.check_one(account)
    assert SymbolList.objects.get(account=account).symbols == [
        {"name": "EURUSD", "trade_mode": "full"}
    ]


def test_it_asks_for_a_list_only_when_fetching_is_on(account, folder, settings):
    TerminalKeeper().check_one(account)
    assert not (folder / protocol.SYMBOLS_REQUEST).exists()
    settings.SYMBOL_FETCH_ENABLED = True
    TerminalKeeper().check_one(account)
    assert protocol.read_flat(folder / protocol.SYMBOLS_REQUEST) == {"protocol": 1}


def test_it_stops_asking_once_a_list_is_stored(account, folder, settings):
    settings.SYMBOL_FETCH_ENABLED = True
    keeper = TerminalKeeper()
    keeper.check_one(account)
    (folder / protocol.SYMBOLS_REQUEST).unlink()  # the terminal answers
    write_list(folder)
    keeper.check_one(account)
    keeper.check_one(account)
    assert not (folder / protocol.SYMBOLS_REQUEST).exists()


def test_a_requested_refresh_asks_again(account, folder, settings):
    settings.SYMBOL_FETCH_ENABLED = True
    write_list(folder)
    TerminalKeeper().check_one(account)
    assert not (folder / protocol.SYMBOLS_REQUEST).exists()
    SymbolList.request_refresh([account])
    keeper = TerminalKeeper()
    keeper.check_one(account)
    assert (folder / protocol.SYMBOLS_REQUEST).exists()
    (folder / protocol.SYMBOLS_REQUEST).unlink()
    write_list(folder, time=1764000300)  # the answer clears the request
    keeper.check_one(account)
    assert SymbolList.objects.get(account=account).refresh_requested_at is None


def test_the_same_terminal_write_is_not_stored_twice(account, folder):
    write_list(folder)
    TerminalKeeper().check_one(account)
    first = SymbolList.objects.get(account=account).stored_at
    TerminalKeeper().check_one(account)  # a restarted supervisor reads it again
    assert SymbolList.objects.get(account=account).stored_at == first


def test_an_account_over_http_has_no_file_to_read(account, folder):
    account.transport = "http"
    account.save()
    write_list(folder)
    TerminalKeeper().check_one(account)
    assert not SymbolList.objects.exists()


def test_the_same_list_written_again_keeps_the_caches_stamp(account, folder):
    keeper = TerminalKeeper()
    write_list(folder)
    keeper.check_one(account)
    first = SymbolList.objects.get(account=account)
    write_list(folder, time=1764000400)  # the terminal restarted
    keeper.check_one(account)
    again = SymbolList.objects.get(account=account)
    assert again.stored_at == first.stored_at
    assert again.listed_at.timestamp() == 1764000400


def test_a_database_error_is_retried_on_the_next_pass(account, folder, monkeypatch):
    def unavailable(*args):
        raise DatabaseError("database is locked")

    write_list(folder)
    keeper = TerminalKeeper()
    monkeypatch.setattr(symbols, "store", unavailable)
    with pytest.raises(DatabaseError):
        keeper.check_one(account)
    monkeypatch.undo()
    keeper.check_one(account)
    assert SymbolList.objects.get(account=account).count == 28


def test_odd_entries_are_dropped_and_odd_text_cleaned(account, folder):
    entries = [
        {"name": "EURUSD", "description": "Euro\x00", "trade_mode": 5},
        {"name": "X" * 65},
        {"name": ""},
        "GBPUSD",
    ]
    data = {"login": "1123456", "time": 1e300, "symbols": entries}
    protocol.write_atomic(folder, protocol.SYMBOLS, data)
    TerminalKeeper().check_one(account)
    stored = SymbolList.objects.get(account=account)
    assert stored.symbols == [{"name": "EURUSD", "description": "Euro"}]
    assert stored.listed_at is None


def test_it_keeps_what_tells_a_cash_cfd_from_a_future(account, folder):
    write_list(folder)
    TerminalKeeper().check_one(account)
    stored = {e["name"]: e for e in SymbolList.objects.get(account=account).symbols}
    assert stored["US100"] == {
        "name": "US100", "description": "US Tech 100 Index Futures",
        "path": "Indices\\Futures\\US100", "trade_mode": "full",
        "calc_mode": "futures", "currency_profit": "USD", "currency_margin": "USD",
        "contract_size": 10.0, "expiration_time": 1923984000, "volume_min": 1.0,
        "volume_step": 1.0, "volume_max": 50.0,
    }  # fmt: skip
    assert stored["US100Cash"]["calc_mode"] == "cfd_index"
    found = resolve(account, "NAS100")
    assert (found.symbol, found.how) == ("USTEC", "rule; cash")
    assert "over a futures contract, US100" in found.note


def test_a_number_that_is_not_one_is_left_out(account, folder):
    # Python's JSON reader takes NaN and 1e400 (as infinity); no column does.
    entry = (
        '{"name": "EURUSD", "contract_size": true, "expiration_time": "0", '
        '"volume_min": 1e400, "volume_step": NaN, "volume_max": 1e19, "calc_mode": 3}'
    )
    (folder / protocol.SYMBOLS).write_text(
        '{"login": "1123456", "symbols": [' + entry + "]}"
    )
    TerminalKeeper().check_one(account)
    assert SymbolList.objects.get(account=account).symbols == [{"name": "EURUSD"}]


def test_a_stored_list_carries_the_brokers_volume_limits(account, folder):
    # Dropped before: accounts/limits.py then never saw a stored list's.
    write_list(folder)
    TerminalKeeper().check_one(account)
    assert volume_limits(account, "US100") == (1, 1, 50)
