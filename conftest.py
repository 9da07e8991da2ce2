import os

import pytest
from django.core.cache import cache
from hypothesis import settings as hypothesis_settings

from accounts.models import Account
from mt5bot.tests import leaks
from signals import presence

# CI replays the same generated examples every run (a red run lands nothing,
# so it must not depend on luck); locally each run explores new ones.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """The slow tests first (after pytest-django's ordering, which would
    undo it). run.py hands whole modules to two xdist workers in this order
    (a module's tests share its fixtures, made once: a server and a browser,
    a migrated database file, the EA built natively): a long module handed
    out last would keep one worker busy while the other has nothing left."""
    slow = ("e2e", "slow")
    items.sort(key=lambda item: not any(item.get_closest_marker(m) for m in slow))


@pytest.fixture(autouse=True)
def _fresh_rate_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_supervisor_state():
    """The webhook caches the supervisors' state for a second (signals.presence)."""
    presence.forget()
    yield
    presence.forget()


@pytest.fixture
def cast(db):
    """The accounts every intake test trades on, built in one place."""
    return {
        "main": Account.objects.create(login="1123456", nickname="main"),
        "second": Account.objects.create(login="7891011", nickname="second"),
        "disabled": Account.objects.create(login="5550001", enabled=False),
        "paused": Account.objects.create(login="5550002", trading_paused=True),
    }


@pytest.fixture(autouse=True, scope="session")
def _note_secrets(tmp_path_factory):
    """Note every secret the tests use, for the scan at the session's end
    (mt5bot/tests/leaks.py)."""
    leaks.WATCHED.append(tmp_path_factory.getbasetemp())
    with pytest.MonkeyPatch.context() as monkeypatch:
        leaks.watch(monkeypatch)
        yield


# What each xdist worker saw (mt5bot/tests/leaks.py `seen`), in the controller.
WORKERS_SEEN = []


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """An xdist worker finished: keep its part of the secret scan."""
    report = getattr(node, "workeroutput", {}).get("leaks")
    if report:
        WORKERS_SEEN.append(report)


def pytest_sessionfinish(session, exitstatus):
    """Fail the session when a log line written during it holds a secret."""
    reports = [leaks.seen(basetemp) for basetemp in leaks.WATCHED]
    if hasattr(session.config, "workerinput"):
        # An xdist worker: the controller scans, across all workers, and
        # only its exit status counts.
        if reports:
            session.config.workeroutput["leaks"] = reports[0]
        return
    reports += WORKERS_SEEN
    if not reports:  # no test ran (collection only, or none)
        return
    found = leaks.leaks_in(*reports)
    if found:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        reporter.section("secrets in log lines", sep="=", red=True)
        for leak in found:
            reporter.line(leak, red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
