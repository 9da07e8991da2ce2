"""The dashboard says, at its top, when no supervisor is beating: alerts are
then accepted and queued, and nothing delivers them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Supervisor
from history.tests import cast

pytestmark = pytest.mark.django_db
page = cast.page
plain_static = cast.plain_static
trader = cast.trader

BANNER = '<p class="banner" role="alert">No supervisor is running'


def test_it_shows_a_banner_when_the_supervisor_stopped_beating(page):
    Supervisor.objects.create(pid=1, beat_at=timezone.now() - timedelta(hours=1))
    html = page.get("/").content.decode()
    assert BANNER in html
    assert html.index(BANNER) < html.index("<h1>Accounts</h1>")


def test_it_shows_none_while_one_beats(page):
    Supervisor.objects.create(pid=4242)
    assert BANNER not in page.get("/").content.decode()
