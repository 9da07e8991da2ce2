"""Fixtures of the notification tests: both channels on, pointed at real
local servers (mt5bot/tests/notify/kit.py)."""

import functools
import threading

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection

from notifications import outbox
from notifications.tests.kit import RECIPIENT, Receiver


@pytest.fixture(scope="module", autouse=True)
def file_database(django_db_setup, django_db_blocker, tmp_path_factory):
    """On SQLite, these tests use a database file, as the bot does.

    The suite's SQLite test database lives in a shared in-memory cache, where
    a second writer is refused at once ("database table is locked") instead
    of waiting its turn on the busy timeout and the install's write lock. The
    sender threads write their records beside the test's own requests, so
    here they get the real thing.
    """
    if connection.vendor != "sqlite":
        yield
        return
    settings_dict = connection.settings_dict
    memory_name, memory = settings_dict["NAME"], connection.connection
    with django_db_blocker.unblock():
        # Set aside, not closed: the in-memory database dies with its last
        # connection, and the rest of the suite still needs it.
        connection.connection = None
        settings_dict["NAME"] = str(tmp_path_factory.mktemp("notify") / "db.sqlite3")
        call_command("migrate", verbosity=0)
        yield
        connection.close()
        connection.write_lock = None
        settings_dict["NAME"], connection.connection = memory_name, memory


@pytest.fixture
def receiver():
    server = Receiver()
    # shutdown() waits for the loop's next look at its flag: every 0.5 s by
    # default, which was half a second at the end of each test.
    serve = functools.partial(server.serve_forever, poll_interval=0.01)
    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def notifying(settings, receiver):
    """Email (Django's locmem backend) and one Apprise URL to `receiver`, all
    events on, a window longer than any test. Ends by stopping the sender,
    which sends what the throttle held back and waits for the channels."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.EMAIL_ENABLED = True
    settings.EMAIL_RECIPIENTS = [RECIPIENT]
    settings.NOTIFY_URLS = [receiver.url]
    settings.NOTIFY_WINDOW = 60.0
    settings.NOTIFY_TIMEOUT = 5.0
    mail.outbox = []
    yield receiver
    outbox.shutdown(timeout=10)
