"""The supervisor's file work, one step at a time, against real folders:
delivery, results, expiry, withdrawal, unknown outcomes and crash recovery."""

import json
import os
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.bridge import delivery
from accounts.models import files_dir
from ea import protocol
from history.models import Command
from signals.tests.webhook import order, post

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def instances(settings, tmp_path):
    settings.MT5_INSTANCES_DIR = tmp_path / "instances"
    return settings.MT5_INSTANCES_DIR


def queued(client, **fields):
    response = post(client, order(**fields))
    assert response.status_code == 200, response.content
    return Command.objects.get(uid=response.json()["accounts"][0]["command"])


def folder(login="1123456"):
    return files_dir(login)


def make(path):
    path.mkdir(parents=True, exist_ok=True)
    return path


def result_for(command, **fields):
    data = {
        "protocol": 1,
        "id": command.uid.hex,
        "account": command.account_login,
        "status": "executed",
        "retcode": 10009,
        "ticket": 5001,
        "price": 1.08512,
        "volume": 0.1,
        "message": "done",
        "time": 1764000000,
        **fields,
    }
    protocol.write_atomic(folder(), protocol.result_name(command.file_name), data)


def test_it_writes_the_command_file_and_marks_it_delivered(client, cast):
    command = queued(client, volume=0.1, stop_loss=1.05, comment="hi")
    assert delivery.deliver(command)
    command.refresh_from_db()
    assert command.status == "delivered" and command.delivered_at
    path = folder() / command.file_name
    data = json.loads(path.read_bytes())
    assert list(data) == [*protocol.COMMAND_FIELDS, *protocol.OPTIONAL_COMMAND_FIELDS]
    assert data["max_volume"] == 100.0  # MAX_ORDER_VOLUME: the account sets none
    assert data["id"] == command.uid.hex and data["seq"] == command.pk
    assert (data["account"], data["action"], data["symbol"]) == (
        "1123456",
        "BUY",
        "EURUSD",
    )
    assert (data["volume"], data["stop_loss"], data["take_profit"]) == (0.1, 1.05, None)
    assert data["expires_at"] == command.expires_at.timestamp()
    assert data["magic"] == cast["main"].magic and data["comment"] == "hi"
    assert not [n for n in os.listdir(folder()) if n.startswith(protocol.TEMP_PREFIX)]


def test_it_never_delivers_a_command_twice(client, cast):
    command = queued(client)
    assert delivery.deliver(command)
    (folder() / command.file_name).unlink()
    stale = Command.objects.get(pk=command.pk)
    stale.status = "queued"  # a second supervisor holding an old copy
    assert not delivery.deliver(stale)
    assert not (folder() / command.file_name).exists()


def test_it_expires_a_command_it_could_not_deliver_in_time(client, cast):
    command = queued(client)
    later = command.expires_at + timedelta(milliseconds=1)
    assert not delivery.deliver(command, now=later)
    command.refresh_from_db()
    assert (command.status, command.status_code) == ("expired", "expired")
    assert not folder().exists() or not os.listdir(folder())


def test_it_fails_a_command_whose_file_cannot_be_written(client, cast, instances):
    instances.parent.mkdir(parents=True, exist_ok=True)
    instances.write_text("not a folder")
    command = queued(client)
    assert not delivery.deliver(command)
    command.refresh_from_db()
    assert (command.status, command.status_code) == ("failed", "write_failed")


def test_it_records_a_result_and_removes_its_file(client, cast):
    command = queued(client)
    delivery.deliver(command)
    result_for(command)
    assert delivery.ingest("1123456") == 1
    command.refresh_from_db()
    assert (command.status, command.retcode, command.result_ticket) == (
        "executed",
        10009,
        5001,
    )
    assert str(command.fill_price) == "1.0851200000"
    assert str(command.filled_volume) == "0.1000000000"
    assert command.result_message == "done" and command.finished_at
    assert (
        not os.listdir(folder()) or protocol.listing(folder(), "webhook_result_") == []
    )


def test_it_records_a_broker_refusal_with_its_retcode(client, cast):
    command = queued(client)
    delivery.deliver(command)
    result_for(
        command,
        status="rejected",
        retcode=10016,
        ticket=None,
        price=None,
        volume=None,
        message="invalid stops",
    )
    delivery.ingest("1123456")
    command.refresh_from_db()
    assert (command.status, command.status_code) == ("rejected", "retcode_10016")
    assert command.status_reason == "invalid stops" and command.fill_price is None


def test_it_ignores_a_second_result_for_a_final_command(client, cast):
    command = queued(client)
    delivery.deliver(command)
    result_for(command)
    delivery.ingest("1123456")
    result_for(command, status="unknown", retcode=0)
    assert delivery.ingest("1123456") == 1
    command.refresh_from_db()
    assert command.status == "executed"
    assert protocol.listing(folder(), protocol.RESULT_PREFIX) == []


def test_it_ignores_a_result_posted_in_another_accounts_folder(client, cast):
    body = {**order(), "accounts": ["1123456", "7891011"]}
    del body["account_number"]
    response = post(client, body)
    uids = [a["command"] for a in response.json()["accounts"]]
    other = Command.objects.get(uid=uids[1])
    protocol.write_atomic(
        make(folder()),
        "webhook_result_x.json",
        {"protocol": 1, "id": other.uid.hex, "status": "executed", "retcode": 10009},
    )
    delivery.ingest("1123456")
    other.refresh_from_db()
    assert other.status == "queued"


@pytest.mark.parametrize(
    "content",
    [
        b"{",
        b'{"protocol": 1, "status": "executed"}',
        b'{"protocol": 2, "id": "a", "status": "executed"}',
        b'{"protocol": 1, "id": "zz", "status": "executed"}',
        b'{"protocol": 1, "id": "a", "status": "done"}',
        b'{"a": [1]}',
    ],
    ids=["truncated", "no-id", "version", "bad-id", "bad-status", "nested"],
)
def test_it_sets_a_bad_result_file_aside_and_goes_on(client, cast, content):
    command = queued(client)
    delivery.deliver(command)
    (folder() / "webhook_result_000000000000_bad.json").write_bytes(content)
    result_for(command)
    assert delivery.ingest("1123456") == 1
    command.refresh_from_db()
    assert command.status == "executed"
    assert os.listdir(folder()).count("webhook_badresult_000000000000_bad.json") == 1


def test_it_withdraws_an_untaken_command_after_it_expired(client, cast, settings):
    command = queued(client)
    delivery.deliver(command)
    soon = command.expires_at + timedelta(seconds=settings.COMMAND_WITHDRAW_GRACE / 2)
    assert delivery.settle_unanswered(now=soon) == 0
    later = command.expires_at + timedelta(seconds=settings.COMMAND_WITHDRAW_GRACE + 1)
    assert delivery.settle_unanswered(now=later) == 1
    command.refresh_from_db()
    assert (command.status, command.status_code) == ("expired", "not_taken")
    assert os.listdir(folder()) == []


def test_it_records_unknown_when_a_taken_command_never_answers(client, cast, settings):
    command = queued(client)
    delivery.deliver(command)
    taken = folder() / protocol.in_progress_name(command.file_name)
    os.replace(folder() / command.file_name, taken)
    before = command.expires_at + timedelta(
        seconds=settings.COMMAND_RESULT_DEADLINE - 1
    )
    assert delivery.settle_unanswered(now=before) == 0
    command.refresh_from_db()
    assert command.status == "delivered"
    after = command.expires_at + timedelta(seconds=settings.COMMAND_RESULT_DEADLINE + 1)
    assert delivery.settle_unanswered(now=after) == 1
    command.refresh_from_db()
    assert (command.status, command.status_code) == ("unknown", "no_result")
    assert taken.exists(), "the supervisor never touches what the terminal took"


def test_it_writes_a_claimed_command_again_after_a_crash(client, cast):
    command = queued(client)
    assert command.claim()  # then the supervisor died before the file
    assert delivery.reconcile_claimed() == 1
    command.refresh_from_db()
    assert command.status == "delivered" and command.delivered_at
    assert (folder() / command.file_name).exists()


def test_it_never_rewrites_a_command_the_terminal_already_executed(client, cast):
    command = queued(client)
    assert command.claim()
    folder().mkdir(parents=True)
    (folder() / protocol.EXECUTED).write_text(f"aaaa\n{command.uid.hex}\n")
    assert delivery.reconcile_claimed() == 1
    command.refresh_from_db()
    assert command.delivered_at
    assert not (folder() / command.file_name).exists()


def test_it_refuses_an_account_number_that_would_leave_the_instance_root(instances):
    for login in ["../x", "1/2", "..", "0", "", "\uff11\uff12\uff13"]:
        with pytest.raises(protocol.ProtocolError):
            files_dir(login)
    assert files_dir("42") == (instances / "42" / "MQL5" / "Files").resolve()


def test_a_command_file_names_its_order_and_never_collides(client, cast):
    commands = [queued(client, id=str(i)) for i in range(3)]
    names = [c.file_name for c in commands]
    assert names == sorted(names) and len(set(names)) == 3
    assert all(n.startswith("webhook_command_") and n.endswith(".json") for n in names)


def test_it_sets_aside_a_result_whose_numbers_fit_no_column(client, cast):
    """Once, it was recorded with the absurd values dropped (a guess at what
    the rest meant); now a result that breaks the protocol's limits is set
    aside whole, and the command is settled as any unanswered one."""
    command = queued(client)
    delivery.deliver(command)
    result_for(command, price=1e300, volume="x", ticket="7")
    assert delivery.ingest("1123456") == 0
    command.refresh_from_db()
    assert command.status == "delivered"
    bad = protocol.result_name(command.file_name).replace("result", "badresult", 1)
    assert (folder() / bad).exists()


def test_it_keeps_a_command_queued_until_its_expiry(client, cast):
    command = queued(client)
    assert command.expires_at > timezone.now()
    assert Command.objects.queued().filter(pk=command.pk).exists()


def test_it_makes_a_deleted_folder_again(client, cast):
    first = queued(client, id="a")
    assert delivery.deliver(first)
    import shutil

    shutil.rmtree(folder().parent.parent)
    second = queued(client, id="b")
    assert delivery.deliver(second)
    assert (folder() / second.file_name).exists()
