"""
Who may reach what: one rule per route (and method), written out by hand as
the specification test_permission_matrix.py holds the site to.

A rule names the route by its URL name (namespaced for the admin) or, when
it has none, by its pattern; the roles that may use it; the answer they get;
and the answer everyone else gets. Placeholders in {braces} are filled from
the objects the test makes (`world`).
"""

from dataclasses import dataclass, field

ANONYMOUS, NOBODY, VIEWER, TRADER, ADMIN = (
    "anonymous", "nobody", "viewer", "trader", "admin"
)  # fmt: skip
IDENTITIES = [ANONYMOUS, NOBODY, VIEWER, TRADER, ADMIN]

EVERYONE = frozenset(IDENTITIES)
LOGGED_IN = frozenset([NOBODY, VIEWER, TRADER, ADMIN])
SEE = frozenset([VIEWER, TRADER, ADMIN])
CONTROL = frozenset([TRADER, ADMIN])
ONLY_ADMIN = frozenset([ADMIN])
NO_ONE = frozenset()

# Where an anonymous caller is sent, or what it is told.
TO_LOGIN, TO_ADMIN_LOGIN = "to /login/", "to /admin/login/"


@dataclass(frozen=True)
class Rule:
    key: str
    method: str
    url: str
    allowed: frozenset
    ok: tuple = (200,)
    refused: tuple = (403,)
    anonymous: object = None  # TO_LOGIN, TO_ADMIN_LOGIN, or status codes
    form: dict = field(default_factory=dict)
    json: object = None
    # The same answer whoever asks: the route has its own key or token.
    machine: bool = False


def page(key, method, url, allowed, ok=(200,), **kw):
    return Rule(key, method, url, allowed, ok, anonymous=TO_LOGIN, **kw)


def api(key, method, url, allowed, ok=(200,), **kw):
    return Rule(key, method, url, allowed, ok, anonymous=(403,), **kw)


def machine(key, method, url, ok, **kw):
    return Rule(key, method, url, EVERYONE, ok, machine=True, **kw)


def site(key, method, url, allowed, ok=(200,), refused=(403,), **kw):
    """An admin page: every logged-in identity here is staff (the worst
    case: an operator ticked the box), so the permissions alone decide."""
    return Rule(key, method, url, allowed, ok, refused, TO_ADMIN_LOGIN, **kw)


ACCOUNT = "/accounts/{login}/{action}/"
ORDER = {"action": "buy", "symbol": "EURUSD", "volume": 0.1}

RULES = [
    # --- the pages ---
    page("dashboard", "get", "/", SEE),
    page("account-add", "post", "/accounts/add/", ONLY_ADMIN, (302,),
         form={"login": "4440001"}),
    page("account-action", "post", ACCOUNT.replace("{action}", "start"), CONTROL, (302,)),
    page("account-action", "post", ACCOUNT.replace("{action}", "stop"), CONTROL, (302,)),
    page("account-action", "post", ACCOUNT.replace("{action}", "restart"), CONTROL, (302,)),
    page("account-action", "post", ACCOUNT.replace("{action}", "open"), CONTROL, (302,)),
    page("account-action", "post", ACCOUNT.replace("{action}", "delete"), ONLY_ADMIN,
         (302,), form={"confirm": "yes"}),
    page("webhook-url", "get", "/webhook-url/", ONLY_ADMIN),
    page("history", "get", "/history/", SEE),
    page("history-export", "get", "/history/export.csv", SEE),
    page("history-clear", "post", "/history/clear/", ONLY_ADMIN, (302,),
         form={"confirm": "yes"}),
    Rule("login", "get", "/login/", frozenset([ANONYMOUS]), (200,), (302,)),
    # A login already in is sent on, whatever it posts.
    Rule("login", "post", "/login/", frozenset([ANONYMOUS]), (200,), (302,),
         form={"username": "nobody", "password": "wrong"}),
    Rule("logout", "post", "/logout/", EVERYONE, (302,)),
    # --- the machines' endpoints: their own key or token, never a session ---
    machine("health", "get", "/health", (200, 503)),
    machine("webhook-health", "get", "/webhook/health", (200,)),
    machine("webhook", "post", "/webhook/not-the-token", (401,), json=ORDER),
    machine("api/ea/<str:login>/commands", "get", "/api/ea/{login}/commands", (401,)),
    machine("api/ea/<str:login>/results", "post", "/api/ea/{login}/results", (401,),
            json={}),
    machine("api/ea/<str:login>/heartbeat", "post", "/api/ea/{login}/heartbeat",
            (401,), json={}),
    machine("api/ea/<str:login>/symbols", "post", "/api/ea/{login}/symbols",
            (401,), json={}),
    machine("api/ea/<str:login>/book", "post", "/api/ea/{login}/book",
            (401,), json={}),
    # --- the REST API ---
    api("api-root", "get", "/api/", SEE),
    api("api-health", "get", "/api/health/", SEE, (200, 503)),
    api("api-schema", "get", "/api/schema/", SEE),
    api("api-docs", "get", "/api/docs/", SEE),
    api("account-list", "get", "/api/accounts/", SEE),
    api("account-list", "post", "/api/accounts/", ONLY_ADMIN, (201,),
        json={"login": "4440002", "start": False}),
    api("account-detail", "get", "/api/accounts/{login}/", SEE),
    api("account-detail", "patch", "/api/accounts/{login}/", ONLY_ADMIN,
        json={"volume_multiplier": "2"}),
    api("account-detail", "put", "/api/accounts/{login}/", ONLY_ADMIN,
        json={"nickname": "put", "enabled": True}),
    api("account-detail", "delete", "/api/accounts/{login}/?wait=0", ONLY_ADMIN),
    api("account-start", "post", "/api/accounts/{login}/start/", CONTROL, (202,)),
    api("account-stop", "post", "/api/accounts/{login}/stop/", CONTROL, (202,)),
    api("account-restart", "post", "/api/accounts/{login}/restart/", CONTROL, (202,)),
    api("account-book", "get", "/api/accounts/{login}/book/", SEE),
    api("account-equity", "get", "/api/accounts/{login}/equity/", SEE),
    api("account-pnl", "get", "/api/accounts/{login}/pnl/", SEE),
    api("signal-list", "get", "/api/signals/", SEE),
    api("signal-detail", "get", "/api/signals/{signal}/", SEE),
    api("command-list", "get", "/api/commands/", SEE),
    api("command-detail", "get", "/api/commands/{command}/", SEE),
    api("mapping-list", "get", "/api/mappings/", SEE),
    api("mapping-list", "post", "/api/mappings/", ONLY_ADMIN, (201,),
        json={"alias": "SILVER", "symbol": "XAGUSD"}),
    api("mapping-detail", "get", "/api/mappings/{mapping}/", SEE),
    api("mapping-detail", "patch", "/api/mappings/{mapping}/", ONLY_ADMIN,
        json={"note": "changed"}),
    api("mapping-detail", "put", "/api/mappings/{mapping}/", ONLY_ADMIN,
        json={"alias": "GOLD", "symbol": "XAUUSD.m"}),
    api("mapping-detail", "delete", "/api/mappings/{mapping}/", ONLY_ADMIN, (204,)),
    api("mapping-resolve", "get", "/api/mappings/resolve/?symbol=GOLD", SEE),
    # --- the admin's own pages ---
    Rule("admin-login", "get", "/admin/login/", frozenset([ANONYMOUS]), (200,), (302,)),
    Rule("admin-login", "post", "/admin/login/", EVERYONE, (200,),
         form={"username": "nobody", "password": "wrong"}),
    site("admin:index", "get", "/admin/", LOGGED_IN),
    # Logging out harms no one: each is sent on (to the login page, or an
    # anonymous caller to the admin's index).
    Rule("admin:logout", "post", "/admin/logout/", EVERYONE, (302,)),
    site("admin:password_change", "get", "/admin/password_change/", LOGGED_IN),
    site("admin:password_change_done", "get", "/admin/password_change/done/",
         LOGGED_IN),
    site("admin:jsi18n", "get", "/admin/jsi18n/", LOGGED_IN),
    # Without its parameters it refuses everyone; with them, the model's
    # view permission decides (Django's own check).
    site("admin:autocomplete", "get", "/admin/autocomplete/", NO_ONE),
    # Accounts have no page of their own on the site to send anyone to.
    site("admin:view_on_site", "get", "/admin/r/{account_type}/{login}/", NO_ONE,
         refused=(404,)),
    site("admin:app_list", "get", "/admin/accounts/", SEE, refused=(404,)),
    site("admin/(?P<url>.*)$", "get", "/admin/no-such-page/", NO_ONE, refused=(404,)),
    site("admin:auth_user_password_change", "get",
         "/admin/auth/user/{user}/password/", ONLY_ADMIN),
    site("admin:mapping_symbolmapping_try", "get",
         "/admin/mapping/symbolmapping/try/?symbol=GOLD", SEE),
]  # fmt: skip

# Routes a request cannot reach: another pattern answers first. The test
# checks that the named one does.
SHADOWED = {"admin:login": "admin-login"}

# Each model in the admin: who sees its list and pages (read-only unless
# they may change), who may add, who may delete. The delete view and the
# delete_selected action follow `delete`.
ADMIN_MODELS = {
    "auth.group": {"view": ONLY_ADMIN, "add": ONLY_ADMIN, "delete": ONLY_ADMIN},
    "auth.user": {"view": ONLY_ADMIN, "add": ONLY_ADMIN, "delete": ONLY_ADMIN},
    # DRF's token admin has no actions at all (actions = None).
    "authtoken.tokenproxy": {"view": ONLY_ADMIN, "add": ONLY_ADMIN,
                             "delete": ONLY_ADMIN, "delete_selected": NO_ONE},
    # Deleting the row would leave its terminal unminded: the remove action.
    "accounts.account": {"view": SEE, "add": ONLY_ADMIN, "delete": NO_ONE},
    "accounts.symbollist": {"view": SEE, "add": NO_ONE, "delete": ONLY_ADMIN},
    "history.signal": {"view": SEE, "add": NO_ONE, "delete": NO_ONE},
    "history.command": {"view": SEE, "add": NO_ONE, "delete": NO_ONE},
    "history.clearing": {"view": ONLY_ADMIN, "add": NO_ONE, "delete": NO_ONE},
    "mapping.symbolmapping": {"view": SEE, "add": ONLY_ADMIN, "delete": ONLY_ADMIN},
    "notifications.notification": {"view": SEE, "add": NO_ONE, "delete": NO_ONE},
}  # fmt: skip

# Each admin action beyond delete_selected, and who may run it.
ADMIN_ACTIONS = {
    ("accounts.account", "start_terminals"): CONTROL,
    ("accounts.account", "stop_terminals"): CONTROL,
    ("accounts.account", "restart_terminals"): CONTROL,
    ("accounts.account", "remove"): ONLY_ADMIN,
    ("accounts.symbollist", "request_refresh"): ONLY_ADMIN,
}


def admin_model_rules():
    """The rules of each model's admin pages, from ADMIN_MODELS."""
    rules = []
    for label, who in ADMIN_MODELS.items():
        app, model = label.split(".")
        base, name = f"/admin/{app}/{model}/", f"admin:{app}_{model}"
        obj = f"{base}{{{model}}}/"
        rules += [
            site(f"{name}_changelist", "get", base, who["view"]),
            site(f"{name}_add", "get", base + "add/", who["add"]),
            site(f"{name}_change", "get", obj + "change/", who["view"]),
            site(f"{name}_history", "get", obj + "history/", who["view"]),
            site(f"{name}_delete", "get", obj + "delete/", who["delete"]),
            # The old URL of an object: a redirect for any staff, whose
            # target then checks the permission.
            site(f"admin/{app}/{model}/<path:object_id>/", "get", obj, LOGGED_IN,
                 (302,)),
        ]  # fmt: skip
    return rules


def action_rules():
    """(model label, action, who may run it), delete_selected included."""
    found = [(label, "delete_selected", who.get("delete_selected", who["delete"]))
             for label, who in ADMIN_MODELS.items()]  # fmt: skip
    return found + [(label, name, who) for (label, name), who in ADMIN_ACTIONS.items()]


def all_rules():
    return RULES + admin_model_rules()


def expected(rule, identity):
    """What `identity` gets from `rule`: ('status', codes) or ('to', url)."""
    if identity in rule.allowed:
        return rule.ok
    if identity == ANONYMOUS:
        return rule.anonymous
    return rule.refused
