"""/api/docs/ in a real browser: Swagger UI draws the schema, every request
the page makes goes to our own server and is answered, and the site's
Content-Security-Policy refuses nothing on the way."""

from mt5bot.tests import test_browser as pages

pytestmark = pages.pytestmark
browser = pages.browser
server = pages.server
logged_in = pages.logged_in
visitor = pages.visitor
# Before the page's own scripts run: what the policy refused, if anything.
RECORD_REFUSALS = """
window.__refused = [];
document.addEventListener("securitypolicyviolation", (event) =>
  window.__refused.push(`${event.violatedDirective} ${event.blockedURI}`));
"""
RESTART = "/api/accounts/{login}/restart/"


def test_swagger_ui_draws_the_schema_from_our_own_origin(browser, server, logged_in):
    page = pages.new_page(browser, storage_state=logged_in)
    page.add_init_script(RECORD_REFUSALS)
    requested, answers, errors = [], {}, []
    page.on("request", lambda request: requested.append(request.url))
    page.on("response", lambda response: answers.update({response.url: response}))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.goto(f"{server.base}/api/docs/")
    page.wait_for_selector(f'.opblock-summary-path[data-path="{RESTART}"]')
    page.wait_for_load_state("networkidle")
    pages.screenshot(page, "api-docs")
    assert f"{server.base}/api/schema/" in requested
    assert [url for url in requested if not url.startswith(f"{server.base}/")] == []
    assert {url: r.status for url, r in answers.items() if r.status != 200} == {}
    assert page.evaluate("window.__refused") == []
    assert errors == []
    page.context.close()


def test_an_anonymous_visitor_gets_no_docs(visitor, server):
    response = visitor.goto(f"{server.base}/api/docs/")
    assert response.status == 403
    assert "swagger" not in visitor.content().lower()
