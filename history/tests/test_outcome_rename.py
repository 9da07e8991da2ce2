"""An alert is refused, an order rejected: an upgrade gives the alerts that
were stored as `rejected` the alert's word, and leaves the orders' alone."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from history.models import Command, Signal


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_an_upgrade_renames_refused_alerts_and_keeps_rejected_orders():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        apps = migrate([("history", "0005_command_max_volume")])
        old = apps.get_model("history", "Signal")
        refused = old.objects.create(outcome="rejected", http_status=400)
        accepted = old.objects.create(outcome="accepted", http_status=200)
        apps.get_model("history", "Command").objects.create(
            signal_id=accepted.pk, account_login="1", action="BUY", status="rejected"
        )
    finally:
        migrate(latest)
    assert Signal.objects.get(pk=refused.pk).outcome == "refused"
    assert Signal.objects.get(pk=accepted.pk).outcome == "accepted"
    assert Command.objects.get().status == "rejected"
