import pytest
from django.utils import timezone

from accounts.bridge import symbols
from mapping import catalog
from mapping.tests.brokers import BROKERS


@pytest.fixture(autouse=True)
def _fresh_catalog():
    """Entries cached in this process outlive a test's rolled-back rows."""
    catalog.forget()
    yield
    catalog.forget()


@pytest.fixture
def listed():
    """Store one of the cast's broker lists as an account's, as the keeper does."""

    def store(account, broker):
        data = {"login": account.login, "time": timezone.now().timestamp()}
        symbols.store(account, data, BROKERS[broker])
        return account

    return store


@pytest.fixture
def staff(admin_client, settings):
    """A logged-in superuser's client. The admin's pages need plain static
    storage: the manifest one wants a collectstatic that tests never run."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
    return admin_client
