"""signals.fastsql stores and loads exactly what the ORM does, column by column.

Every concrete field gets a distinct value built from its type, so a field
added to Command or Signal is covered without touching these tests, and a
column written in the wrong place or with the wrong type shows up as a
difference. Runs on whichever database the suite runs on (SQLite, PostgreSQL).
"""

import uuid
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, models, transaction
from django.db.models.signals import pre_save
from django.test.utils import isolate_apps

from accounts.models import Account
from history.clearing import Clearing
from history.models import Command, Signal
from signals import fastsql

pytestmark = pytest.mark.django_db

KOLKATA = ZoneInfo("Asia/Kolkata")  # +05:30: a wrong UTC conversion shows


def decimal_for(field, i):
    whole = "9" * min(4, field.max_digits - field.decimal_places) or "0"
    fraction = "".join(str((i + k) % 10) for k in range(field.decimal_places))
    return Decimal(f"{whole}.{fraction}") if fraction else Decimal(whole)


def text_for(field, i):
    text = f"{field.name}-{i}-é✓"
    return text[: field.max_length] if field.max_length else text


VALUE_FOR = {
    "CharField": text_for,
    "TextField": text_for,
    "DecimalField": decimal_for,
    "BooleanField": lambda field, i: True,
    "IntegerField": lambda field, i: -1000 - i,
    "BigIntegerField": lambda field, i: 2**40 + i,
    "PositiveIntegerField": lambda field, i: 3000 + i,
    "PositiveSmallIntegerField": lambda field, i: 200 + i,
    "PositiveBigIntegerField": lambda field, i: 2**50 + i,
    "FloatField": lambda field, i: 1.25 + i,
    "UUIDField": lambda field, i: uuid.uuid4(),
    "DateTimeField": lambda field, i: datetime(2031, 1, 2, 3, i, 5, 6007, KOLKATA),
    "JSONField": lambda field, i: {"n": i, "list": [1, "é", None, 2.5]},
    # Uncompressed, so the field's own normalisation has to run.
    "GenericIPAddressField": lambda field, i: "2001:0db8:0000:0000:0000:0000:0000:0001",
}


def filled(model, related):
    """An unsaved instance with a distinct value in every concrete field."""
    obj = model()
    for i, field in enumerate(model._meta.concrete_fields):
        if field.primary_key:
            continue
        if field.is_relation:
            setattr(obj, field.name, related[field.name])
        else:
            setattr(obj, field.attname, VALUE_FOR[field.get_internal_type()](field, i))
    return obj


def twin(obj):
    """A second unsaved instance with the same field values."""
    copy = type(obj)()
    for field in obj._meta.concrete_fields:
        if not field.primary_key:
            setattr(copy, field.attname, getattr(obj, field.attname))
    return copy


def stored(obj):
    """(the raw row as the database returns it, the row loaded by the ORM),
    both without the primary key."""
    opts = obj._meta
    table, pk = connection.ops.quote_name(opts.db_table), opts.pk.column
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE {pk} = %s", [obj.pk])  # noqa: S608
        names = [column[0] for column in cursor.description]
        raw = {n: v for n, v in zip(names, cursor.fetchone(), strict=True) if n != pk}
    loaded = type(obj).objects.get(pk=obj.pk)
    attnames = [f.attname for f in opts.concrete_fields if not f.primary_key]
    return raw, {name: getattr(loaded, name) for name in attnames}


def orm_then_fast(obj, orm_save, fast_save):
    """Save `obj` with the ORM and a twin with fastsql, one after the other
    (unique columns hold the same values), and return both stored rows."""
    copy = twin(obj)
    orm_save(obj)
    by_orm = stored(obj)
    type(obj).objects.filter(pk=obj.pk).delete()
    fast_save(copy)
    assert copy.pk is not None and copy.pk != obj.pk
    return by_orm, stored(copy)


@pytest.fixture
def account():
    return Account.objects.create(login="1123456")


@pytest.fixture
def signal():
    return Signal.objects.create(outcome="accepted", http_status=200)


def test_a_command_is_stored_as_bulk_create_stores_it(account, signal):
    command = filled(Command, {"signal": signal, "account": account})
    by_orm, by_fast = orm_then_fast(
        command,
        lambda obj: Command.objects.bulk_create([obj]),
        lambda obj: fastsql.insert([obj]),
    )
    assert by_fast == by_orm


def test_a_mostly_empty_command_is_stored_as_bulk_create_stores_it(signal):
    command = Command(signal=signal, account_login="1123456", action="BUY")
    by_orm, by_fast = orm_then_fast(
        command,
        lambda obj: Command.objects.bulk_create([obj]),
        lambda obj: fastsql.insert([obj]),
    )
    assert by_fast == by_orm
    assert by_fast[1]["account_id"] is None and by_fast[1]["price"] is None


def test_a_signal_is_stored_as_save_stores_it(signal):
    clearing = Clearing.objects.create(username="x", scope="all", signals=0, commands=0)
    new = filled(Signal, {"duplicate_of": signal, "clearing": clearing})
    by_orm, by_fast = orm_then_fast(new, lambda obj: obj.save(), fastsql.save_new)
    assert by_fast == by_orm


def test_a_signal_without_parsed_fields_stores_null_as_save_does():
    new = Signal(outcome="refused", http_status=400, parsed=None)
    by_orm, by_fast = orm_then_fast(new, lambda obj: obj.save(), fastsql.save_new)
    assert by_fast == by_orm
    assert by_fast[1]["parsed"] is None


def test_each_inserted_row_gets_its_own_primary_key(account, signal):
    for count in (3, 1, 3):  # one plan per row count, reused
        commands = [filled(Command, {"signal": signal, "account": account})]
        commands += [twin(commands[0]) for _ in range(count - 1)]
        for command in commands:
            command.uid = uuid.uuid4()
        fastsql.insert(commands)
        for command in commands:
            assert Command.objects.get(pk=command.pk).uid == command.uid
            assert not command._state.adding
            assert command._state.db == "default"


def test_save_new_still_runs_save_signal_receivers():
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance)

    pre_save.connect(receiver, sender=Signal)
    try:
        new = Signal(outcome="accepted", http_status=200)
        fastsql.save_new(new)
    finally:
        pre_save.disconnect(receiver, sender=Signal)
    assert seen == [new]
    assert Signal.objects.filter(pk=new.pk).exists()


def test_insert_refuses_an_unsaved_related_object_as_bulk_create_does(signal):
    command = Command(signal=Signal(), account_login="1", action="BUY")
    with pytest.raises(ValueError, match="unsaved related object 'signal'"):
        fastsql.insert([command])


def test_select_in_loads_the_named_fields_as_the_orm_does(django_assert_num_queries):
    account = filled(Account, {})
    account.login, account.heartbeat = "1123456", {"equity": "1.5"}
    # Distinct, and within what Account.save() accepts.
    account.volume_multiplier, account.max_volume = Decimal("2.5"), Decimal("1.5")
    account.paper_faults = "requote=0.1"
    account.save()
    Account.objects.create(login="7891011")
    only = ("login", "enabled", "volume_multiplier", "max_volume", "magic")
    with django_assert_num_queries(1):
        [found] = fastsql.select_in(Account, "login", ["1123456", "5550001"], only)
    expected = Account.objects.get(login="1123456")
    for name in ("id", *only):
        assert getattr(found, name) == getattr(expected, name), name
    loaded = {
        f.attname for f in Account._meta.concrete_fields
    } - found.get_deferred_fields()
    assert loaded == {"id", *only}
    with django_assert_num_queries(1):  # a field left out loads on first use
        assert found.heartbeat == {"equity": "1.5"}
    assert not found._state.adding and found._state.db == "default"


def test_select_in_of_nothing_asks_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert fastsql.select_in(Account, "login", [], ("login",)) == []


@isolate_apps("signals")
def test_models_the_plain_insert_cannot_express_go_through_the_orm():
    class Defaulted(models.Model):  # noqa: DJ008
        made = models.DateTimeField(db_default=models.functions.Now())

    assert fastsql.insert_fields(Defaulted, connection) is None
    assert fastsql.insert_fields(Command, connection) is not None


@pytest.mark.parametrize("receivers", [False, True], ids=["plain", "with-receivers"])
def test_save_new_skips_a_second_accepted_key_and_the_transaction_goes_on(receivers):
    """One statement where a savepoint would cost two more; with a save
    receiver listening, the ORM's save behind a savepoint, to the same end."""

    def receiver(sender, instance, **kwargs):
        pass

    def accepted(key):
        return Signal(outcome="accepted", http_status=200, idempotency_key=key)

    if receivers:
        pre_save.connect(receiver, sender=Signal)
    try:
        with transaction.atomic():
            first, again = accepted("k-1"), accepted("k-1")
            assert fastsql.save_new(first, skip_conflict=True)
            assert not fastsql.save_new(again, skip_conflict=True)
            assert again.pk is None and again._state.adding
            # Nothing was aborted: the transaction takes the next row.
            other = accepted("k-2")
            assert fastsql.save_new(other, skip_conflict=True)
    finally:
        pre_save.disconnect(receiver, sender=Signal)
    keys = Signal.objects.order_by("pk").values_list("pk", "idempotency_key")
    assert list(keys) == [(first.pk, "k-1"), (other.pk, "k-2")]
