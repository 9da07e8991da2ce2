import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient


@pytest.fixture
def boss():
    """A superuser, for the admin's pages and the API's writes."""
    return User.objects.create_superuser("boss", password="pw-boss-1")


@pytest.fixture
def api(boss):
    client = APIClient()
    client.force_authenticate(boss)
    return client
