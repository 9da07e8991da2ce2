"""The history admin: signals and commands read-only, with the raw payload and
the exact command sent shown as JSON, filters and search, and a query cost
that does not grow with the rows."""

import json

import pytest
from django.conf import settings
from django.utils.html import escape

from history.models import Command, Signal
from signals.tests.webhook import order, post

pytestmark = pytest.mark.django_db

COMMANDS = "/admin/history/command/"
SIGNALS = "/admin/history/signal/"


@pytest.fixture
def staff(admin_client, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
    return admin_client


@pytest.fixture
def alerts(client, cast):
    for n in range(20):
        post(client, order(account_number="all", id=f"alert-{n}", comment=f"n{n}"))
    post(client, order(account_number="999"))
    return Signal.objects.all()


def test_the_command_list_costs_the_same_few_queries_however_many(
    staff, alerts, django_assert_max_num_queries
):
    assert Command.objects.count() == 61
    with django_assert_max_num_queries(8):
        page = staff.get(COMMANDS)
    assert page.status_code == 200
    assert page.context["cl"].result_count == 61
    with django_assert_max_num_queries(8):
        assert (
            staff.get(COMMANDS, {"status": "queued", "q": "1123456"}).status_code == 200
        )


def test_the_signal_list_costs_the_same_few_queries_however_many(
    staff, alerts, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        page = staff.get(SIGNALS)
    assert page.status_code == 200
    counts = [s.commands__count for s in page.context["cl"].result_list]
    assert sorted(counts) == [1] + [3] * 20


def test_filters_and_search_narrow_the_command_list(staff, alerts):
    def shown(**query):
        return {c.pk for c in staff.get(COMMANDS, query).context["cl"].result_list}

    rejected = set(
        Command.objects.filter(status="rejected").values_list("pk", flat=True)
    )
    assert shown(status="rejected") == rejected
    on_second = set(
        Command.objects.filter(account_login="7891011").values_list("pk", flat=True)
    )
    assert shown(q="7891011") == on_second
    one = Command.objects.filter(account_login="1123456").first()
    assert shown(q=str(one.uid)) == {one.pk}


def test_a_command_page_shows_exactly_what_was_sent_and_the_alert(
    staff, alerts, django_assert_max_num_queries
):
    command = Command.objects.filter(account_login="1123456").first()
    with django_assert_max_num_queries(6):
        page = staff.get(f"{COMMANDS}{command.pk}/change/")
    text = page.content.decode()
    sent = json.dumps(command.as_protocol(), indent=2, ensure_ascii=False)
    assert escape(sent) in text
    assert escape('"account_number": "all"') in text
    assert f"{SIGNALS}{command.signal_id}/change/" in text


def test_a_signal_page_shows_the_payload_pretty_and_its_commands(staff, client, cast):
    post(
        client,
        '{"account_number":"1123456","symbol":"EURUSD","action":"BUY","volume":0.1}',
    )
    signal = Signal.objects.get()
    text = staff.get(f"{SIGNALS}{signal.pk}/change/").content.decode()
    assert escape('{\n  "account_number": "1123456",\n  "symbol": "EURUSD"') in text
    assert escape('"action": "BUY"') in text  # the parsed alert
    assert f"{COMMANDS}{signal.commands.get().pk}/change/" in text


def test_a_text_payload_is_shown_as_sent_and_the_token_never(staff, client, cast):
    token = settings.WEBHOOK_TOKEN
    post(client, f'1123456,buy,EURUSD,risk=0.1,comment="{token}"', "text/plain")
    signal = Signal.objects.get()
    text = staff.get(f"{SIGNALS}{signal.pk}/change/").content.decode()
    assert escape("1123456,buy,EURUSD,risk=0.1") in text
    assert token not in text
    command = signal.commands.get()
    assert token not in staff.get(f"{COMMANDS}{command.pk}/change/").content.decode()


def test_history_is_read_only(staff, alerts):
    signal = Signal.objects.filter(outcome="accepted").first()
    command = signal.commands.first()
    assert staff.get(f"{COMMANDS}add/").status_code == 403
    assert staff.get(f"{SIGNALS}add/").status_code == 403
    assert staff.post(f"{COMMANDS}{command.pk}/delete/").status_code == 403
    page = staff.get(f"{SIGNALS}{signal.pk}/change/").content.decode()
    assert 'name="raw_body"' not in page and "_save" not in page
    assert (
        staff.post(f"{SIGNALS}{signal.pk}/change/", {"outcome": "refused"}).status_code
        == 403
    )
    signal.refresh_from_db()
    assert signal.outcome == "accepted"
