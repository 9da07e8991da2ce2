"""Logging in to the pages: every page needs it, failures are throttled."""

import pytest

from history.tests import cast
from history.tests.cast import PASSWORD

pytestmark = pytest.mark.django_db
plain_static = cast.plain_static
trader = cast.trader

PAGES = ["/", "/history/", "/history/export.csv", "/webhook-url/"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_sends_an_anonymous_visitor_to_the_login_page(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={path}"


def test_the_machine_endpoints_stay_open(client):
    assert client.get("/webhook/health").status_code == 200
    assert client.get("/health").status_code in (200, 503)


def test_a_trader_logs_in_and_lands_on_the_dashboard(client, trader, plain_static):
    page = client.get("/login/")
    assert page.status_code == 200
    assert b'name="csrfmiddlewaretoken"' in page.content
    response = client.post("/login/", {"username": "trader", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_logging_out_takes_a_post(client, trader, plain_static):
    client.force_login(trader)
    assert client.get("/logout/").status_code == 405
    assert client.post("/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_a_wrong_password_says_so(client, trader, plain_static):
    response = client.post("/login/", {"username": "trader", "password": "nope"})
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content


def test_after_five_failures_even_the_right_password_waits(
    client, trader, plain_static
):
    for _ in range(5):
        client.post("/login/", {"username": "trader", "password": "nope"})
    response = client.post("/login/", {"username": "trader", "password": PASSWORD})
    assert response.status_code == 429
    assert b"Too many failed logins" in response.content
    assert "_auth_user_id" not in client.session


def test_failures_count_per_username_across_addresses(client, trader, plain_static):
    for i in range(5):
        client.post(
            "/login/",
            {"username": "Trader", "password": "nope"},
            REMOTE_ADDR=f"203.0.113.{i}",
        )
    response = client.post(
        "/login/",
        {"username": "trader", "password": PASSWORD},
        REMOTE_ADDR="198.51.100.7",
    )
    assert response.status_code == 429


def test_failures_count_per_address_across_usernames(client, trader, plain_static):
    for i in range(5):
        client.post("/login/", {"username": f"guess{i}", "password": "nope"})
    response = client.post("/login/", {"username": "trader", "password": PASSWORD})
    assert response.status_code == 429


def test_successful_logins_are_not_counted(client, trader, plain_static):
    for _ in range(8):
        response = client.post("/login/", {"username": "trader", "password": PASSWORD})
        assert response.status_code == 302
        client.post("/logout/")


def test_a_patient_guesser_is_locked_out_for_the_hour(
    client, trader, plain_static, monkeypatch
):
    from mt5bot import auth_views

    # The minute's limit out of the way: the hour's alone decides here.
    monkeypatch.setattr(auth_views, "LOGIN_FAILURES", ("1000/m", "20/h"))
    for _ in range(20):
        answer = client.post("/login/", {"username": "trader", "password": "nope"})
        assert answer.status_code == 200
    response = client.post("/login/", {"username": "trader", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


# --- the admin's login page shares the throttle ----------------------------------


def test_the_admin_login_lets_staff_in(client, trader, plain_static):
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "trader", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_after_five_failures_the_admin_login_refuses_the_right_password(
    client, trader, plain_static
):
    for _ in range(5):
        answer = client.post("/admin/login/", {"username": "trader", "password": "x"})
        assert answer.status_code == 200
    response = client.post(
        "/admin/login/", {"username": "trader", "password": PASSWORD}
    )
    assert response.status_code == 429
    assert b"Too many failed logins" in response.content
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("guessed_at", "tried_at"),
    [("/login/", "/admin/login/"), ("/admin/login/", "/login/")],
)
def test_both_login_pages_count_on_one_throttle(
    client, trader, plain_static, guessed_at, tried_at
):
    for i in range(5):
        # Alternating, so neither page alone reaches the limit by itself.
        page = guessed_at if i % 2 else tried_at
        client.post(page, {"username": "trader", "password": "nope"})
    response = client.post(tried_at, {"username": "trader", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
