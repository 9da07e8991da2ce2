"""The trader's pages in a real browser (headless Chromium) against a real
`manage.py serve` with its supervisor and paper terminals: what a trader sees
happens without a reload, pushed over the websocket."""

import json
import re
import time

import pytest

from mt5bot.tests.browsing import CHROMIUM_ARGS, PASSWORD, TOKEN, USER, Server
from mt5bot.tests.services import require_chromium
from mt5bot.tests.test_serve import ROOT

ARTIFACTS = ROOT / "test-artifacts"

pytestmark = pytest.mark.e2e
# Skips (or, in CI, fails) this module and those that import it.
CHROMIUM = require_chromium()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    server = Server(tmp_path_factory.mktemp("browser"))
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


def new_page(browser, **options):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **options)
    context.set_default_timeout(20_000)
    return context.new_page()


@pytest.fixture
def visitor(browser):
    page = new_page(browser)
    yield page
    page.context.close()


@pytest.fixture(scope="module")
def logged_in(browser, server):
    """The session cookie of one real login through the form (checking a
    password takes a while: the other tests reuse it)."""
    page = new_page(browser)
    log_in(page, server)
    state = page.context.storage_state()
    page.context.close()
    return state


@pytest.fixture
def trader(browser, server, logged_in):
    page = new_page(browser, storage_state=logged_in)
    page.goto(f"{server.base}/")
    wait_live(page)
    yield page
    page.context.close()


def log_in(page, server):
    page.goto(f"{server.base}/login/")
    page.fill("#id_username", USER)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server.base}/")
    wait_live(page)


def wait_live(page):
    page.wait_for_selector('#live-state[data-state="live"]')


def mark(page):
    """Set a marker a reload would lose."""
    page.evaluate("window.__noReload = true")


def assert_not_reloaded(page):
    assert page.evaluate("window.__noReload === true"), "the page was reloaded"


def account_row(page, login):
    return page.locator(f"#account-{login}")


def submit(page, button):
    """Click a form's button and wait for the page it leads to, live."""
    with page.expect_navigation():
        button.click()
    wait_live(page)


def add_account(page, login, nickname=""):
    page.fill("input[name=login]", login)
    page.fill("input[name=nickname]", nickname)
    submit(page, page.locator("form.add-account button[type=submit]"))


def wait_status(page, login, status, timeout=30_000):
    page.wait_for_selector(f'#account-{login}[data-status="{status}"]', timeout=timeout)


def screenshot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


# --- anonymous ------------------------------------------------------------------


SOCKET_OUTCOME = """() => new Promise((resolve) => {
  const socket = new WebSocket(`ws://${location.host}/ws/live/`);
  socket.onmessage = () => resolve("message");
  socket.onopen = () => setTimeout(() => resolve("opened"), 500);
  socket.onclose = (event) => resolve(`closed ${event.code}`);
})"""


def test_an_anonymous_visitor_is_sent_to_login_and_its_socket_refused(visitor, server):
    for path in ("/", "/history/"):
        visitor.goto(f"{server.base}{path}")
        assert visitor.url == f"{server.base}/login/?next={path}"
    assert visitor.locator("#id_username").is_visible()
    outcome = visitor.evaluate(SOCKET_OUTCOME)
    assert outcome.startswith("closed"), outcome


def test_a_wrong_password_keeps_the_visitor_out(visitor, server):
    visitor.goto(f"{server.base}/login/")
    visitor.fill("#id_username", USER)
    visitor.fill("#id_password", "wrong")
    visitor.click("button[type=submit]")
    assert "correct username and password" in visitor.inner_text(".errors")
    assert visitor.url.startswith(f"{server.base}/login/")


def test_a_login_that_is_not_digits_gets_a_clear_error(trader, server):
    trader.fill("input[name=login]", "12ab")
    with trader.expect_navigation():
        trader.click("form.add-account button[type=submit]")
    assert "1 to 20 digits" in trader.inner_text("form.add-account .errors")
    assert server.account("12ab") is None


# --- live -----------------------------------------------------------------------


def test_a_trader_adds_an_account_and_sees_it_come_online(trader, server):
    add_account(trader, "3000001", "Paper one")
    mark(trader)
    wait_status(trader, "3000001", "online")
    assert_not_reloaded(trader)
    row = account_row(trader, "3000001")
    assert "Paper one" in row.inner_text()
    assert "paper" in row.inner_text()
    page_text = row.locator('td[data-label="Balance"]').inner_text()
    assert re.search(r"\d", page_text), page_text
    assert re.search(r"\ds ago", row.locator('td[data-label="Heartbeat"]').inner_text())


def test_a_webhook_row_appears_and_turns_executed_without_a_reload(trader, server):
    add_account(trader, "3000002")
    wait_status(trader, "3000002", "online")
    trader.goto(f"{server.base}/history/")
    wait_live(trader)
    mark(trader)
    answer = server.alert(
        account_number="3000002", symbol="OANDA:XAUUSD", action="BUY", volume=0.01
    )
    signal = answer["signal"]
    command = trader.locator(f"#signal-{signal} tr.command")
    trader.wait_for_selector(f'#signal-{signal} tr.command[data-status="executed"]')
    assert_not_reloaded(trader)
    text = command.inner_text()
    assert "XAUUSD" in text and "10009" in text
    assert re.search(r"\d+\.\d+", command.locator('td[data-label="Fill"]').inner_text())
    assert re.search(r"\d+", command.locator('td[data-label="Ticket"]').inner_text())
    refused = server.alert(
        expect=400, account_number="3000002", symbol="XAUUSD", volume=0.01
    )
    trader.wait_for_selector(f"#signal-{refused['signal']}")
    assert "refused" in trader.inner_text(f"#signal-{refused['signal']}")


def test_an_older_row_arriving_late_never_undoes_a_newer_one(
    browser, server, logged_in
):
    """Two processes may send renders of one alert out of order (web workers
    and the supervisor): the page keeps the one that has come further."""
    page = new_page(browser, storage_state=logged_in)
    sockets, received = [], []

    def relay(ws):
        upstream = ws.connect_to_server()
        upstream.on_message(
            lambda message: (received.append(message), ws.send(message))
        )
        ws.on_message(upstream.send)
        sockets.append(ws)

    page.route_web_socket(re.compile(r".*/ws/live/.*"), relay)
    page.goto(f"{server.base}/")
    wait_live(page)
    add_account(page, "3000007")
    wait_status(page, "3000007", "online")
    page.goto(f"{server.base}/history/")
    wait_live(page)
    signal = server.alert(
        account_number="3000007", symbol="XAUUSD", action="BUY", volume=0.01
    )["signal"]
    executed = f'#signal-{signal} tr.command[data-status="executed"]'
    page.wait_for_selector(executed)
    [row] = [
        row
        for message in map(json.loads, received)
        if message.get("type") == "signals"
        for row in message["signals"]
        if row["id"] == signal and 'data-status="executed"' in row["html"]
    ][-1:]
    older = {
        **row,
        "html": row["html"].replace('data-status="executed"', 'data-status="queued"'),
    }

    def replay(progress):
        page.evaluate(
            "window.__handled = false; document.addEventListener("
            "'mt5bot:live', () => { window.__handled = true; }, {once: true})"
        )
        message = {"type": "signals", "signals": [{**older, "progress": progress}]}
        sockets[-1].send(json.dumps(message))
        page.wait_for_function("window.__handled === true")

    replay(row["progress"] - 1)
    assert page.locator(executed).count() == 1, "a late, older row undid the newer"
    # The same render said to have come further does replace it.
    replay(row["progress"] + 1)
    page.wait_for_selector(f'#signal-{signal} tr.command[data-status="queued"]')
    page.context.close()


def test_a_trader_stops_and_restarts_an_account_from_the_page(trader, server):
    add_account(trader, "3000003")
    wait_status(trader, "3000003", "online")
    row = account_row(trader, "3000003")

    submit(trader, row.locator("button[data-action=stop]"))
    mark(trader)
    wait_status(trader, "3000003", "stopped")
    assert_not_reloaded(trader)
    assert server.account("3000003")["desired"] == "stopped"

    submit(trader, row.locator("button[data-action=start]"))
    wait_status(trader, "3000003", "online")
    before = server.account("3000003")["pid"]

    submit(trader, row.locator("button[data-action=restart]"))
    mark(trader)
    trader.wait_for_selector(
        f'#account-3000003[data-status="online"]:not([data-pid="{before}"])',
        timeout=30_000,
    )
    assert_not_reloaded(trader)
    assert server.account("3000003")["pid"] != before


def test_a_trader_deletes_an_account_after_confirming(trader, server):
    server.manage("accounts", "add", "3000009", "--no-start")
    trader.reload()
    wait_live(trader)
    row = account_row(trader, "3000009")
    row.locator("summary[data-action=delete]").click()
    submit(trader, row.locator("button[data-action=confirm-delete]"))
    assert trader.locator("#account-3000009").count() == 0
    assert "3000009: deleted" in trader.inner_text(".messages")
    assert server.account("3000009") is None


def test_the_webhook_url_is_revealed_only_on_request(trader, server):
    box = trader.locator("#webhook-url")
    assert TOKEN not in trader.content()
    trader.click("button[data-reveal]")
    trader.wait_for_function(
        "(token) => document.querySelector('#webhook-url').textContent.includes(token)",
        arg=TOKEN,
    )
    assert box.inner_text().endswith(f"/webhook/{TOKEN}")
    trader.click("button[data-reveal]")
    assert TOKEN not in box.inner_text()


def test_screenshots_of_the_pages_in_light_dark_and_on_a_phone(trader, server):
    server.manage("accounts", "add", "3000005", "--nickname", "Screens", "--wait", "30")
    buy = server.alert(
        account_number="3000005", symbol="EURUSD", action="BUY", volume=0.1, sl_pips=20
    )
    server.alert(expect=400, account_number="3000005", symbol="EURUSD", volume=0.1)
    sql = "SELECT status FROM history_command WHERE signal_id = ?"
    deadline = time.monotonic() + 30
    while [r["status"] for r in server.query(sql, [buy["signal"]])] != ["executed"]:
        assert time.monotonic() < deadline, server.log_tail()
        time.sleep(0.1)
    for path, name in (("/", "dashboard"), ("/history/", "history")):
        trader.goto(f"{server.base}{path}")
        wait_live(trader)
        trader.wait_for_selector(f'#signal-{buy["signal"]} tr[data-status="executed"]')
        screenshot(trader, name)
        trader.emulate_media(color_scheme="dark")
        screenshot(trader, f"{name}-dark")
        trader.emulate_media(color_scheme="light")
    trader.set_viewport_size({"width": 390, "height": 844})
    trader.goto(f"{server.base}/")
    screenshot(trader, "dashboard-phone")
    assert {p.name for p in ARTIFACTS.glob("*.png")} >= {
        "dashboard.png",
        "history.png",
        "dashboard-dark.png",
        "history-dark.png",
        "dashboard-phone.png",
    }
