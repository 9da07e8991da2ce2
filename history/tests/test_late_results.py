"""Late results win over `expired` (issue 13, point 4): a command is never
expired while its folder shows the terminal may have it, and a result that
comes after the server settled a command for want of one still records what
happened, said to be late. A proven `expired` stays final."""

import os
from datetime import timedelta

import pytest

from accounts.bridge import delivery
from accounts.bridge.supervisor import Worker
from accounts.models import files_dir
from ea import protocol
from history.models import Command
from history.tests.test_delivery import queued, result_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def instances(settings, tmp_path):
    settings.MT5_INSTANCES_DIR = tmp_path / "instances"
    return settings.MT5_INSTANCES_DIR


def placed_then_crashed(client):
    """A queued command whose file is in place: what a crash between the
    write and the commit leaves."""
    command = queued(client)
    delivery.place(files_dir("1123456"), command)
    return command


def past(command, seconds=1):
    return command.expires_at + timedelta(seconds=seconds)


def state(command):
    command.refresh_from_db()
    return command.status, command.status_code


def test_a_queued_command_with_no_trace_still_expires(client, cast):
    command = queued(client)
    assert delivery.deliver_many([command], now=past(command)) == 0
    assert state(command) == ("expired", "expired")


@pytest.mark.parametrize("trace", ["command", "in_progress", "executed", "result"])
def test_a_queued_command_the_terminal_may_have_is_not_expired(client, cast, trace):
    command = placed_then_crashed(client)
    folder = files_dir("1123456")
    name = command.file_name
    if trace == "in_progress":
        os.replace(folder / name, folder / protocol.in_progress_name(name))
    elif trace == "executed":
        (folder / name).unlink()
        (folder / protocol.EXECUTED).write_text(f"{command.uid.hex}\n")
    elif trace == "result":
        (folder / name).unlink()
        result_for(command)
    delivery.deliver_many([command], now=past(command))
    assert state(command) == ("delivered", "")
    assert command.delivered_at


def test_an_untaken_file_found_after_the_ttl_is_withdrawn_as_expired(
    client, cast, settings
):
    command = placed_then_crashed(client)
    delivery.deliver_many([command], now=past(command))
    later = past(command, settings.COMMAND_WITHDRAW_GRACE + 1)
    assert delivery.settle_unanswered(now=later) == 1
    assert state(command) == ("expired", "not_taken")
    assert not (files_dir("1123456") / command.file_name).exists()


def test_the_supervisor_records_results_before_it_expires_anything(client, cast):
    """A restart after the TTL: the result written while the supervisor was
    down is recorded, not dropped behind an `expired`."""
    command = placed_then_crashed(client)
    (files_dir("1123456") / command.file_name).unlink()
    result_for(command, ticket=77)
    Command.objects.filter(pk=command.pk).update(expires_at=past(command, -3600))
    worker = Worker(manage_terminals=False)
    worker.start()
    try:
        worker.run_pass(force=True)
    finally:
        worker.stop()
    assert state(command) == ("executed", "retcode_10009")
    assert command.result_ticket == 77


def test_a_late_result_replaces_unknown_and_says_it_came_late(client, cast, settings):
    command = queued(client)
    delivery.deliver(command)
    folder = files_dir("1123456")
    os.replace(folder / command.file_name, folder / "taken.json")
    delivery.settle_unanswered(now=past(command, settings.COMMAND_RESULT_DEADLINE + 1))
    assert state(command) == ("unknown", "no_result")
    result_for(command, ticket=5002, message="done")
    assert delivery.ingest("1123456") == 1
    assert state(command) == ("executed", "retcode_10009")
    assert command.result_ticket == 5002
    assert command.status_reason.startswith("done (this result came late")
    assert "recorded unknown first" in command.status_reason
    assert protocol.listing(folder, protocol.RESULT_PREFIX) == []


def test_a_late_result_replaces_an_expiry_nothing_proved(client, cast):
    """Rows expired while queued by a server that did not look yet."""
    command = queued(client)
    Command.objects.filter(pk=command.pk).update(
        status="expired", status_code="expired"
    )
    files_dir("1123456").mkdir(parents=True)
    result_for(command, status="rejected", retcode=10016, message="invalid stops")
    delivery.ingest("1123456")
    assert state(command) == ("rejected", "retcode_10016")
    assert "came late" in command.status_reason


def test_a_result_never_overturns_a_proven_expiry(client, cast, settings):
    command = queued(client)
    delivery.deliver(command)
    delivery.settle_unanswered(now=past(command, settings.COMMAND_WITHDRAW_GRACE + 1))
    assert state(command) == ("expired", "not_taken")
    result_for(command)
    assert delivery.ingest("1123456") == 1
    assert state(command) == ("expired", "not_taken")


def test_a_terminals_own_answer_is_final_for_good(client, cast):
    command = queued(client)
    delivery.deliver(command)
    result_for(command, status="expired", retcode=0, ticket=None)
    delivery.ingest("1123456")
    assert state(command) == ("expired", "expired")
    result_for(command)
    delivery.ingest("1123456")
    assert state(command) == ("expired", "expired")
    assert "late" not in command.status_reason


def test_a_terminals_expiry_of_a_file_left_by_a_crash_is_final(client, cast):
    """Answered while still queued (placed, then a crash): its own `expired`
    looks like the server's but carries a retcode, and stays."""
    command = placed_then_crashed(client)
    result_for(command, status="expired", retcode=0, ticket=None)
    delivery.ingest("1123456")
    assert state(command) == ("expired", "expired")
    result_for(command)
    delivery.ingest("1123456")
    assert state(command) == ("expired", "expired")
