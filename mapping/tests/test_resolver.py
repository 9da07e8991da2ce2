"""resolve() on stored lists and mappings: what it answers, what it asks the
database, and when it sees a change."""

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import Account, SymbolList
from mapping import catalog
from mapping.models import SymbolMapping
from mapping.resolver import Unresolvable, explain, resolve
from mapping.tests.brokers import BROKERS

pytestmark = pytest.mark.django_db


def answer(account, symbol):
    try:
        found = resolve(account, symbol)
    except Unresolvable as exc:
        return ("refused", exc.detail)
    return (found.symbol, found.how)


def test_it_resolves_against_the_accounts_stored_list(cast, listed):
    listed(cast["main"], "m_suffix")
    listed(cast["second"], "aliases")
    assert answer(cast["main"], "XAUUSD") == ("XAUUSDm", "rule")
    assert answer(cast["second"], "XAUUSD") == ("GOLD", "rule")
    assert answer(cast["main"], "EURJPY")[0] == "refused"


def test_without_a_list_it_says_the_symbol_was_not_checked(cast):
    assert answer(cast["main"], "XAUUSD") == ("XAUUSD", "unchecked")
    assert answer(cast["main"], "xauusd.r") == ("XAUUSD", "rule, unchecked")


def test_the_accounts_own_mapping_wins_over_the_global_one(cast, listed):
    listed(cast["main"], "plain")
    listed(cast["second"], "plain")
    SymbolMapping.objects.create(alias="goldspot", symbol="XAUUSD")
    SymbolMapping.objects.create(
        alias="GOLDSPOT", symbol="XAGUSD", account=cast["main"]
    )
    assert answer(cast["main"], "goldspot") == ("XAGUSD", "custom")
    assert answer(cast["second"], "GoldSpot") == ("XAUUSD", "custom")


def test_mappings_apply_when_the_list_is_not_known(cast):
    SymbolMapping.objects.create(alias="goldspot", symbol="XAUUSD")
    assert answer(cast["main"], "goldspot") == ("XAUUSD", "custom, unchecked")


def test_the_fuzzy_threshold_comes_from_the_settings(cast, settings):
    SymbolList.objects.create(
        account=cast["main"], symbols=[{"name": "EURUSD.abc"}], stored_at=timezone.now()
    )
    assert answer(cast["main"], "EURUSD") == ("EURUSD.abc", "fuzzy 0.75")
    settings.FUZZY_MATCH_THRESHOLD = 0.8
    assert answer(cast["main"], "EURUSD")[0] == "refused"


def test_a_warm_account_costs_no_query(cast, listed, django_assert_num_queries):
    listed(cast["main"], "m_suffix")
    with django_assert_num_queries(2):  # its mappings, its list
        resolve(cast["main"], "XAUUSD")
    with django_assert_num_queries(0):
        resolve(cast["main"], "XAUUSD")
        resolve(cast["main"], "GOLD")
        with pytest.raises(Unresolvable):
            resolve(cast["main"], "EURJPY")


def test_a_change_in_this_process_is_seen_at_once(cast, listed):
    listed(cast["main"], "plain")
    assert answer(cast["main"], "DJ30") == ("US30", "rule")
    mapping = SymbolMapping.objects.create(alias="DJ30", symbol="DJ30.f")
    assert answer(cast["main"], "DJ30") == ("DJ30.f", "custom")
    mapping.delete()
    assert answer(cast["main"], "DJ30") == ("US30", "rule")
    listed(cast["main"], "cash")
    assert answer(cast["main"], "DJ30") == ("US30.cash", "rule")


def stale(monkeypatch):
    later = catalog.monotonic() + catalog.CHECK_EVERY
    monkeypatch.setattr(catalog, "monotonic", lambda: later)


def test_another_processs_change_is_seen_within_check_every(
    cast, listed, monkeypatch, django_assert_num_queries
):
    listed(cast["main"], "plain")
    SymbolMapping.objects.create(alias="goldspot", symbol="XAUUSD")
    assert answer(cast["main"], "goldspot") == ("XAUUSD", "custom")
    # As another process writes: no signal reaches this one.
    SymbolList.objects.filter(account=cast["main"]).update(
        symbols=BROKERS["m_suffix"], stored_at=timezone.now()
    )
    SymbolMapping.objects.update(symbol="XAGUSD", updated_at=timezone.now())
    assert answer(cast["main"], "goldspot") == ("XAUUSD", "custom")  # not yet
    stale(monkeypatch)
    with django_assert_num_queries(4):  # the stamps, then the account again
        assert answer(cast["main"], "goldspot") == ("XAGUSDm", "custom+rule")


def test_an_unchanged_account_is_checked_for_all_in_two_queries(
    cast, listed, monkeypatch, django_assert_num_queries
):
    for account in (cast["main"], cast["second"]):
        listed(account, "plain")
        resolve(account, "EURUSD")
    stale(monkeypatch)
    with django_assert_num_queries(2):
        resolve(cast["main"], "EURUSD")
        resolve(cast["second"], "EURUSD")


def test_a_new_account_reusing_an_id_does_not_inherit_its_entry(cast, listed):
    listed(cast["main"], "m_suffix")
    assert answer(cast["main"], "XAUUSD") == ("XAUUSDm", "rule")
    pk = cast["main"].pk
    with connection.cursor() as cursor:  # gone without a signal, as by rollback
        cursor.execute("DELETE FROM mapping_symbollist WHERE account_id = %s", [pk])
        cursor.execute("DELETE FROM accounts_account WHERE id = %s", [pk])
    again = Account.objects.create(pk=pk, login="4440001")
    assert answer(again, "XAUUSD") == ("XAUUSD", "unchecked")


def test_explain_shows_every_account_fresh_from_the_database(cast, listed):
    listed(cast["main"], "m_suffix")
    listed(cast["second"], "aliases")
    rows = {row.account.login: row for row in explain("EURJPY", Account.objects.all())}
    assert (rows["1123456"].listed, rows["1123456"].symbol) == (18, "")
    assert "same instrument (fx:EURJPY)" in rows["1123456"].refused
    assert rows["5550001"].listed is None
    assert (rows["5550001"].symbol, rows["5550001"].how) == ("EURJPY", "unchecked")


def test_asking_for_a_refresh_keeps_the_entry(cast, listed, django_assert_num_queries):
    listed(cast["main"], "plain")
    resolve(cast["main"], "EURUSD")
    SymbolList.request_refresh([cast["main"]])
    with django_assert_num_queries(0):
        resolve(cast["main"], "EURUSD")
