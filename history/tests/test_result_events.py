"""Results noticed by file-system events: the supervisor reads the folder
that has news at once, and lists every folder only on its slow fallback."""

import threading

import pytest

from accounts.bridge import delivery, watch
from accounts.bridge.supervisor import Worker
from history.tests.test_delivery import folder, make, queued, result_for

pytestmark = pytest.mark.django_db

# Long enough that nothing in a test is found by a listing after the first.
NEVER = 3600


@pytest.fixture(autouse=True)
def instances(settings, tmp_path):
    settings.MT5_INSTANCES_DIR = tmp_path / "instances"
    settings.SUPERVISOR_POLL_FALLBACK = NEVER


@pytest.fixture
def worker():
    worker = Worker(manage_terminals=False, poll=NEVER)
    yield worker
    worker.watch.stop()


def test_a_result_renamed_into_place_is_read_without_a_listing(
    client, cast, worker, monkeypatch
):
    for account in cast.values():
        make(folder(account.login))
    command = queued(client)
    news = threading.Event()
    worker.on_news = news.set
    worker.start()
    assert worker.watch.active and worker.watch.watching("1123456")
    worker.run_pass(woken=True)  # the first pass lists, and delivers
    command.refresh_from_db()
    assert command.status == "delivered"
    read = []
    real = delivery.ingest_many

    def ingest_many(logins):
        read.append(list(logins))
        return real(logins)

    monkeypatch.setattr(delivery, "ingest_many", ingest_many)
    worker.run_pass()
    assert read == [], "a pass with no news read a folder"
    result_for(command)  # a temporary file renamed into place
    assert news.wait(30), "no event for the result file"
    worker.run_pass()
    command.refresh_from_db()
    assert command.status == "executed"
    assert read[0] == ["1123456"]


def test_an_account_whose_folder_is_not_watched_is_read_on_every_pass(
    client, cast, worker
):
    command = queued(client)
    worker.start()  # the folder does not exist yet: nothing to watch
    assert not worker.watch.watching("1123456")
    worker.run_pass(woken=True)  # lists, delivers (and makes the folder)
    result_for(command)
    worker.run_pass()
    command.refresh_from_db()
    assert command.status == "executed"


def test_only_result_files_count_as_news():
    assert watch.wanted("/x/webhook_result_abc.json")
    assert watch.wanted(b"/x/webhook_result_abc.json")
    assert not watch.wanted("/x/webhook_result_abc.json.tmp")
    assert not watch.wanted("/x/webhook_heartbeat.json")
    assert not watch.wanted("/x/webhook_cmd_abc.json")
