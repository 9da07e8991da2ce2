"""Notifications were once a model of the mt5bot app: an install that
upgrades keeps every row, its table renamed and the model taken over."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from notifications.models import Notification

BEFORE = [("mt5bot", "0001_notification")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_an_upgrade_keeps_the_notifications_sent_before_the_move():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    migrate([("notifications", None), *BEFORE])
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO mt5bot_notification (kind, key, channel, subject, "
                "body, repeats, status, error, created_at) VALUES ('startup', '', "
                "'email', 'started', '', 0, 'sent', '', CURRENT_TIMESTAMP)"
            )
        assert (
            "notifications_notification" not in connection.introspection.table_names()
        )
    finally:
        migrate(latest)
    [row] = Notification.objects.all()
    assert (row.kind, row.subject, row.status) == ("startup", "started", "sent")
    assert "mt5bot_notification" not in connection.introspection.table_names()
