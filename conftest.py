import os

import pytest
from django.core.cache import cache
from hypothesis import settings as hypothesis_settings

from accounts.models import Account

# CI replays the same generated examples every run (a red run lands nothing,
# so it must not depend on luck); locally each run explores new ones.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(autouse=True)
def _fresh_rate_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def cast(db):
    """The accounts every intake test trades on, built in one place."""
    return {
        "main": Account.objects.create(login="1123456", nickname="main"),
        "second": Account.objects.create(login="7891011", nickname="second"),
        "disabled": Account.objects.create(login="5550001", enabled=False),
        "paused": Account.objects.create(login="5550002", trading_paused=True),
    }
