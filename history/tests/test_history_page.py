"""The history page: signals with their commands, filters, pages, Clear and
the CSV export."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from history import live, pages, rows
from history.models import Clearing, Command, Signal
from history.tests import cast
from history.tests.cast import alert, executed, order

pytestmark = pytest.mark.django_db
history = cast.history
page = cast.page
plain_static = cast.plain_static
trader = cast.trader


def shown(response):
    return [row["id"] for row in response.context["rows"]]


def test_it_shows_each_alert_with_its_orders_newest_first(page, history):
    response = page.get("/history/")
    assert shown(response) == [history[k].pk for k in ("refused", "waiting", "filled")]
    html = response.content.decode()
    filled = html[html.index(f'id="signal-{history["filled"].pk}"') :]
    filled = filled[: filled.index("</tbody>")]
    assert "XAUUSD.m" in filled and "from XAUUSD" in filled and ">suffix<" in filled
    assert "2412.35" in filled and "5551234" in filled and "10009" in filled
    assert filled.count('data-status="executed"') == 2
    for status in ("received", "queued", "delivered", "executed"):
        assert f"<span>{status}</span>" in filled
    assert "The alert names no action." in html
    assert 'data-live-insert="1"' in html


def test_the_rows_carry_what_a_page_renders(history):
    row = rows.rows_for([history["filled"].pk])[0]
    main = row["commands"][0]
    assert (main["symbol"], main["original_symbol"], main["symbol_match"]) == (
        "XAUUSD.m",
        "XAUUSD",
        "suffix",
    )
    assert (main["fill_price"], main["ticket"], main["retcode"]) == (
        "2412.35",
        5551234,
        10009,
    )
    assert [c["status"] for c in main["changes"]] == [
        "received",
        "queued",
        "delivered",
        "executed",
    ]
    assert row["final"] and row["alert"]["action"] == "BUY"
    assert row["html"].startswith(
        f'<tbody class="signal outcome-accepted" id="signal-{row["id"]}"'
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("account=7891011", ["filled"]),
        ("account=1123456", ["waiting", "filled"]),
        ("status=queued", ["waiting"]),
        ("status=executed", ["filled"]),
        ("status=refused", ["refused"]),
        ("status=accepted", ["waiting", "filled"]),
        ("symbol=xauusd.M", ["filled"]),
        ("symbol=eurusd", ["waiting"]),
        ("account=7891011&status=queued", []),
    ],
)
def test_it_filters(page, history, query, expected):
    response = page.get(f"/history/?{query}")
    assert shown(response) == [history[k].pk for k in expected]
    assert 'data-live-insert="1"' not in response.content.decode()


def test_rejected_means_an_order_the_broker_or_the_intake_refused(page, history):
    broker_said_no = alert(["1123456"])
    order(broker_said_no, "1123456", status="rejected", retcode=10019)
    response = page.get("/history/?status=rejected")
    assert shown(response) == [broker_said_no.pk]


def test_the_page_and_the_api_name_a_refused_alert_alike(page, history):
    """An alert is refused, an order rejected: the page's badge, its filter,
    the API's field and the API's filter use the same word for each."""
    response = page.get("/history/?status=refused")
    assert shown(response) == [history["refused"].pk]
    assert 'class="badge outcome-refused">refused</span>' in response.content.decode()
    api = page.get("/api/signals/", {"outcome": "refused"}).json()["results"]
    assert [(s["id"], s["outcome"]) for s in api] == [
        (history["refused"].pk, "refused")
    ]


def test_it_filters_by_time(page, history):
    since = (timezone.now() - timedelta(seconds=25)).strftime("%Y-%m-%dT%H:%M:%S")
    response = page.get(f"/history/?since={since}")
    assert shown(response) == [history["refused"].pk, history["waiting"].pk]
    until = (timezone.now() - timedelta(seconds=15)).strftime("%Y-%m-%dT%H:%M:%S")
    response = page.get(f"/history/?since={since}&until={until}")
    assert shown(response) == [history["waiting"].pk]


def test_a_bad_filter_says_what_is_wrong(page, history):
    response = page.get("/history/?account=abc")
    assert response.status_code == 400
    assert shown(response) == []
    assert "1 to 20 digits" in response.content.decode()


def test_it_pages_a_long_history_in_few_queries(
    page, cast, django_assert_max_num_queries
):
    signals = Signal.objects.bulk_create(
        Signal(outcome="accepted", http_status=200, parsed={}) for _ in range(120)
    )
    Command.objects.bulk_create(
        Command(signal=s, account_login="1123456", action="BUY", status="executed")
        for s in signals
    )
    # session, user, its permissions (own and its groups'), count, page of
    # signals, their commands; supervisor-free
    with django_assert_max_num_queries(7):
        response = page.get("/history/?page=2")
    assert len(shown(response)) == pages.PAGE_SIZE
    assert "page 2 of 3 (120 alerts)" in response.content.decode()
    assert 'data-live-insert="1"' not in response.content.decode()


def test_clear_removes_finished_history_only(page, history):
    delivered = alert(["1123456"])
    order(delivered, "1123456", status="delivered", delivered_at=timezone.now())
    mixed = alert(["1123456", "7891011"])
    executed(mixed, "1123456")
    order(mixed, "7891011")
    duplicate = alert([], outcome="duplicate")
    duplicate.duplicate_of = history["filled"]
    duplicate.save()
    with live.recorded() as sent:
        response = page.post("/history/clear/", {"confirm": "yes"})
    assert response.status_code == 302
    kept = set(Signal.objects.current().values_list("pk", flat=True))
    assert kept == {history["waiting"].pk, delivered.pk, mixed.pk}
    assert Command.objects.filter(signal_id__in=kept).count() == 4
    removed = sorted([history["filled"].pk, history["refused"].pk, duplicate.pk])
    assert sent == [("removed", removed)]
    # Archived, not deleted: every row and command is still there, tied to
    # the record of who cleared, when and how much.
    assert Signal.objects.count() == 6 and Command.objects.count() == 6
    clearing = Clearing.objects.get()
    assert sorted(clearing.archived.values_list("pk", flat=True)) == removed
    assert (clearing.username, clearing.signals, clearing.commands) == (
        "trader",
        3,
        2,
    )
    page_rows = {row["id"] for row in page.get("/history/").context["rows"]}
    assert page_rows == kept
    csv_ids = {int(r["signal"]) for r in csv.DictReader(io.StringIO(
        page.get("/history/export.csv").content.decode()))}  # fmt: skip
    assert csv_ids == kept


def test_the_record_of_a_clearing_outlives_its_user(page, history, trader):
    page.post("/history/clear/", {"confirm": "yes"})
    trader.delete()
    clearing = Clearing.objects.get()
    assert (clearing.user, clearing.username, clearing.signals) == (None, "trader", 2)
    assert clearing.archived.count() == 2


def test_clear_needs_confirming_and_a_post(page, history):
    assert page.get("/history/clear/").status_code == 405
    page.post("/history/clear/")
    assert Signal.objects.current().count() == 3
    assert not Clearing.objects.exists()


def test_the_export_is_the_filtered_history_one_line_per_order(page, history):
    response = page.get("/history/export.csv?account=1123456")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment;" in response["Content-Disposition"]
    lines = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["signal"], r["account"], r["status"]) for r in lines] == [
        (str(history["waiting"].pk), "1123456", "queued"),
        (str(history["filled"].pk), "1123456", "executed"),
    ]
    assert lines[1]["symbol"] == "XAUUSD.m" and lines[1]["fill_price"] == "2412.35"
    everything = page.get("/history/export.csv").content.decode()
    refused = [
        r for r in csv.DictReader(io.StringIO(everything)) if r["outcome"] == "refused"
    ]
    assert refused[0]["rejection_reason"] == "The alert names no action."
    assert refused[0]["command"] == ""


def test_catch_up_finds_new_alerts_and_orders_that_moved(history):
    cursor = timezone.now() + rows.CATCH_UP_SLACK
    assert rows.changed_since(cursor) == []
    Command.objects.filter(signal=history["waiting"]).update(
        status="executed", finished_at=cursor + timedelta(seconds=1)
    )
    later = alert(["1123456"])
    Signal.objects.filter(pk=later.pk).update(received_at=cursor + timedelta(seconds=2))
    assert [s.pk for s in rows.changed_since(cursor)] == [
        later.pk,
        history["waiting"].pk,
    ]


def test_a_cleared_alert_still_stops_its_re_send(page, history):
    # Archived, the alert still counts as the original: an alert re-sent
    # with its id after a clear must not trade a second time.
    filled = history["filled"]
    filled.idempotency_key = "tv-alert-1"
    filled.save(update_fields=["idempotency_key"])
    page.post("/history/clear/", {"confirm": "yes"})
    assert not Signal.objects.current().filter(pk=filled.pk).exists()
    assert Signal.objects.original_of("tv-alert-1", "", 0) == filled
