"""The admin: mappings edited there take effect, and "try a symbol" shows what
a symbol becomes on every account before an alert uses it."""

import re

import pytest

from accounts.models import SymbolList
from mapping.models import SymbolMapping
from mapping.resolver import resolve

pytestmark = pytest.mark.django_db

TRY = "/admin/mapping/symbolmapping/try/"


def rows(response):
    """The result table's cells, one list per account."""
    text = response.content.decode()
    table = text.split('<table id="resolutions">', 1)[1].split("</table>", 1)[0]
    cells = (re.findall(r"<td>(.*?)</td>", row, re.S) for row in table.split("<tr>"))
    return [[" ".join(cell.split()) for cell in row] for row in cells if row]


def test_try_a_symbol_shows_each_account(staff, cast, listed):
    listed(cast["main"], "m_suffix")
    listed(cast["second"], "aliases")
    response = staff.get(TRY, {"symbol": "XAUUSD"})
    assert response.status_code == 200
    found = rows(response)
    assert len(found) == 4
    assert found[0] == ["1123456 (main)", "18 symbols", "XAUUSDm", "rule"]
    assert found[1] == ["5550001 (disabled)", "not received yet", "XAUUSD", "unchecked"]
    assert found[3] == ["7891011 (second)", "17 symbols", "GOLD", "rule"]


def test_try_a_symbol_shows_a_refusal_and_why(staff, cast, listed):
    listed(cast["main"], "aliases")
    found = rows(staff.get(TRY, {"symbol": "EURJPY"}))
    assert found[0][2] == "refused" and "(fx:EURJPY)" in found[0][3]


def test_the_mapping_list_links_to_the_tool(staff, cast):
    page = staff.get("/admin/mapping/symbolmapping/")
    assert page.status_code == 200 and TRY in page.content.decode()


def test_try_a_symbol_is_for_staff_only(client, cast):
    response = client.get(TRY, {"symbol": "XAUUSD"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_mapping_added_in_the_admin_takes_effect(staff, cast, listed):
    listed(cast["main"], "plain")
    assert resolve(cast["main"], "DJ30").symbol == "US30"  # now cached
    response = staff.post(
        "/admin/mapping/symbolmapping/add/",
        {"alias": "dj30", "symbol": "DJ30.f", "account": cast["main"].pk, "note": ""},
    )
    assert response.status_code == 302
    assert SymbolMapping.objects.get().alias == "DJ30"
    assert resolve(cast["main"], "DJ30").symbol == "DJ30.f"


def test_the_refresh_action_marks_the_lists(staff, cast, listed):
    listed(cast["main"], "plain")
    row = SymbolList.objects.get()
    staff.post(
        "/admin/accounts/symbollist/",
        {"action": "request_refresh", "_selected_action": [row.pk]},
    )
    row.refresh_from_db()
    assert row.refresh_requested_at is not None
    assert staff.get(f"/admin/accounts/symbollist/{row.pk}/change/").status_code == 200


def test_an_alias_differing_only_in_case_is_a_form_error(staff, cast):
    SymbolMapping.objects.create(alias="GOLDSPOT", symbol="XAUUSD")
    response = staff.post(
        "/admin/mapping/symbolmapping/add/",
        {"alias": "goldspot", "symbol": "XAGUSD", "account": "", "note": ""},
    )
    assert response.status_code == 200  # the form again, with its error
    assert "already mapped globally" in response.content.decode()
    assert SymbolMapping.objects.count() == 1
