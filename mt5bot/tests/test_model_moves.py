"""Three models moved to the app that owns them (Notification from mt5bot to
notifications, SymbolList from mapping to accounts, Signal from signals to
history). An install that upgrades keeps every row: the migrations move the
models' state, rename only the notifications' table, and carry the content
types along."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.models import Account, SymbolList
from history.models import Command, Signal
from notifications.models import Notification

BEFORE = [
    ("notifications", None),
    ("mt5bot", "0001_notification"),
    ("accounts", "0004_host_and_key_rotation"),
    ("mapping", "0001_symbol_mapping"),
    ("history", "0002_delivery"),
    ("signals", "0001_initial"),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    nodes = [target for target in targets if target[1] is not None]
    return executor.loader.project_state(nodes).apps


MOVES = [
    (("mt5bot", "notification"), ("notifications", "notification")),
    (("mapping", "symbollist"), ("accounts", "symbollist")),
    (("signals", "signal"), ("history", "signal")),
]


def write_rows_the_old_way(apps):
    for (old_app, model), (new_app, _) in MOVES:
        ContentType.objects.filter(app_label=new_app, model=model).delete()
        ContentType.objects.get_or_create(app_label=old_app, model=model)
    account = apps.get_model("accounts", "Account").objects.create(login="1123456")
    apps.get_model("mapping", "SymbolList").objects.create(
        account_id=account.pk, symbols=[{"name": "EURUSD"}], count=1
    )
    signal = apps.get_model("signals", "Signal").objects.create(
        outcome="accepted", http_status=200, raw_body="{}"
    )
    apps.get_model("history", "Command").objects.create(
        signal_id=signal.pk, account_id=account.pk, account_login="1123456",
        action="BUY", symbol="EURUSD",
    )  # fmt: skip
    apps.get_model("mt5bot", "Notification").objects.create(
        kind="startup", channel="email", subject="started", status="sent"
    )


@pytest.mark.django_db(transaction=True)
def test_an_upgrade_keeps_every_row_of_the_models_that_moved():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        write_rows_the_old_way(migrate(BEFORE))
    finally:
        migrate(latest)
    account = Account.objects.get(login="1123456")
    assert SymbolList.objects.get(account=account).symbols == [{"name": "EURUSD"}]
    [command] = Command.objects.all()
    assert command.signal == Signal.objects.get() and command.account == account
    assert Notification.objects.get().subject == "started"
    for (old_app, model), (new_app, _) in MOVES:
        assert not ContentType.objects.filter(app_label=old_app, model=model)
        assert ContentType.objects.filter(app_label=new_app, model=model)
    tables = connection.introspection.table_names()
    assert "notifications_notification" in tables
    assert "mt5bot_notification" not in tables
