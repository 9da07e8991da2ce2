"""The idle supervisor asks the database one cheap question a pass
(`Command.objects.pending`) and runs delivery, expiry and settling only when
it says there is work; the work itself still happens without a wake-up."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.bridge.supervisor import Worker
from accounts.models import files_dir
from history.models import Command, Status
from history.tests.test_delivery import queued

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def instances(settings, tmp_path):
    settings.MT5_INSTANCES_DIR = tmp_path / "instances"
    return settings.MT5_INSTANCES_DIR


@pytest.fixture
def worker():
    worker = Worker(manage_terminals=False)
    worker.start()
    yield worker
    worker.stop()


def state(command):
    command.refresh_from_db()
    return command.status, command.status_code


def test_pending_answers_for_queued_and_delivered_alone(client, cast):
    assert Command.objects.pending() == (False, False)
    command = queued(client)
    assert Command.objects.pending() == (True, False)
    Command.objects.filter(pk=command.pk).update(status=Status.DELIVERED)
    assert Command.objects.pending() == (False, True)
    Command.objects.filter(pk=command.pk).update(status=Status.EXECUTED)
    assert Command.objects.pending() == (False, False)


def test_the_poll_delivers_a_command_nobody_woke_it_for(client, cast, worker):
    command = queued(client)
    worker.run_pass(woken=False)
    assert state(command)[0] == "delivered"
    assert (files_dir("1123456") / command.file_name).exists()


def test_the_poll_expires_a_queued_command_past_its_time(client, cast, worker):
    command = queued(client)
    Command.objects.filter(pk=command.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    worker.run_pass(woken=False)
    assert state(command) == ("expired", "expired")


def test_the_poll_settles_a_delivered_command_left_untaken(
    client, cast, worker, settings
):
    settings.COMMAND_WITHDRAW_GRACE = 0
    command = queued(client)
    worker.run_pass(woken=True)
    assert state(command)[0] == "delivered"
    Command.objects.filter(pk=command.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    worker.due.clear()  # the settle step is due again
    worker.run_pass(woken=False)
    assert state(command) == ("expired", "not_taken")
    assert not (files_dir("1123456") / command.file_name).exists()


def test_a_failed_question_lets_every_step_run(client, cast, worker, monkeypatch):
    command = queued(client)

    def broken():
        raise RuntimeError("database gone")

    monkeypatch.setattr(Command.objects, "pending", broken, raising=False)
    worker.run_pass(woken=False)
    assert state(command)[0] == "delivered"
