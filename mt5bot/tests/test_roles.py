"""The roles: the groups a migrate leaves, `manage.py users`, what each role's
pages and live rows show, and who may open the live socket. What each role
may reach, route by route, is test_permission_matrix.py's."""

import io

import pytest
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.core.management.base import CommandError

from history.tests import cast
from history.tests.sockets import ARRIVES_WITHIN, ORIGIN, scenario
from mt5bot import roles
from mt5bot.asgi import application

pytestmark = pytest.mark.django_db
plain_static = cast.plain_static
PASSWORD = "a-long-role-password-5521"


def perms_of(group):
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in group.permissions.select_related("content_type")
    }


def login_as(client, role, name=None):
    user = User.objects.create_user(name or role, password=PASSWORD)
    if role:
        roles.assign(user, role)
    client.force_login(user)
    return user


# --- the groups -----------------------------------------------------------------


def test_a_migrated_database_has_the_three_roles():
    viewer, trader, admin = (Group.objects.get(name=n) for n in roles.ROLES)
    assert {"history.view_signal", "accounts.view_account"} <= perms_of(viewer)
    assert not any(p.split(".")[1].startswith(("add_", "change_", "delete_"))
                   for p in perms_of(viewer))  # fmt: skip
    assert perms_of(trader) - perms_of(viewer) == {"accounts.control_account"}
    assert {"accounts.view_secrets", "history.clear_history", "authtoken.add_token",
            "accounts.change_account", "auth.change_user"} <= perms_of(admin)  # fmt: skip
    assert "accounts.view_secrets" not in perms_of(trader)


def test_making_the_roles_again_changes_nothing_but_takes_back_extras():
    viewer = Group.objects.get(name=roles.VIEWER)
    before = perms_of(viewer)
    viewer.permissions.add(*roles.permissions(["accounts.change_account"]))
    assert roles.ensure_groups() == []
    assert perms_of(Group.objects.get(name=roles.VIEWER)) == before
    assert Group.objects.filter(name__in=roles.ROLES).count() == 3


def test_one_role_at_a_time_and_only_the_admin_is_staff():
    user = User.objects.create_user("sam")
    roles.assign(user, roles.ADMIN)
    assert (roles.role_of(user), user.is_staff) == ("admin", True)
    roles.assign(user, roles.VIEWER)
    user.refresh_from_db()
    assert (roles.role_of(user), user.is_staff) == ("viewer", False)
    assert [g.name for g in user.groups.all()] == ["viewer"]
    with pytest.raises(ValueError, match="No role"):
        roles.assign(user, "root")


# --- manage.py users ------------------------------------------------------------


def users(*args):
    out = io.StringIO()
    call_command("users", *args, stdout=out)
    return out.getvalue()


def test_users_adds_a_login_with_a_role_from_the_environment(monkeypatch):
    monkeypatch.setenv("NEW_PASSWORD", PASSWORD)
    said = users("add", "ann", "--role", "trader", "--password-env", "NEW_PASSWORD")
    assert said == "Added 'ann' as trader.\n"
    ann = User.objects.get(username="ann")
    assert ann.check_password(PASSWORD) and roles.role_of(ann) == "trader"
    assert PASSWORD not in said


def test_users_refuses_what_it_cannot_do_safely(monkeypatch):
    monkeypatch.setenv("WEAK", "123")
    with pytest.raises(CommandError, match="Password refused"):
        users("add", "bob", "--role", "viewer", "--password-env", "WEAK")
    with pytest.raises(CommandError, match="not set or empty"):
        users("add", "bob", "--role", "viewer", "--password-env", "UNSET_VARIABLE")
    # No terminal to ask at (the tests' stdin) and no variable named.
    with pytest.raises(CommandError, match="No terminal"):
        users("add", "bob", "--role", "viewer")
    assert not User.objects.filter(username="bob").exists()
    with pytest.raises(CommandError, match="No login"):
        users("role", "nobody-here", "viewer")


def test_users_lists_changes_a_role_and_deactivates(client):
    ann = User.objects.create_user("ann", password=PASSWORD)
    User.objects.create_superuser("root", "", PASSWORD)
    assert users("role", "ann", "viewer") == "'ann' is now viewer.\n"
    listed = users("list").splitlines()
    assert [line.split() for line in listed] == [
        ["ann", "viewer", "active"],
        ["root", "superuser", "active"],
    ]
    client.force_login(ann)
    users("deactivate", "ann")
    assert users("list").splitlines()[0].split() == ["ann", "viewer", "inactive"]
    # The session it had is refused from now on.
    assert client.get("/history/").status_code == 302


# --- what the pages show each role ---------------------------------------------


@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        (roles.VIEWER, [], ["data-action=\"stop\"", "data-action=\"delete\"",
                            "webhook-url", "/accounts/add/"]),
        (roles.TRADER, ["data-action=\"stop\""], ["data-action=\"delete\"",
                                                  "webhook-url", "/accounts/add/"]),
        (roles.ADMIN, ["data-action=\"stop\"", "data-action=\"delete\"",
                       "webhook-url", "/accounts/add/"], []),
    ],
)  # fmt: skip
def test_the_dashboard_shows_only_the_controls_a_role_may_use(
    client, cast, plain_static, role, shown, hidden
):
    login_as(client, role)
    page = client.get("/").content.decode()
    assert "1123456" in page
    for text in shown:
        assert text in page
    for text in hidden:
        assert text not in page


@pytest.mark.parametrize(
    ("role", "clear"), [(roles.TRADER, False), (roles.ADMIN, True)]
)
def test_only_an_admin_sees_the_clear_button(client, plain_static, role, clear):
    login_as(client, role)
    assert ("/history/clear/" in client.get("/history/").content.decode()) is clear


# --- the live socket ------------------------------------------------------------

# As history/tests/test_live.py: the consumer's database calls close old
# connections, which on PostgreSQL ends a test's open transaction.
live_db = pytest.mark.django_db(transaction=True)


async def attempt(communicator):
    """Open, and when refused end the consumer as a browser's going would:
    left running, it outlives the test's event loop."""
    connected, code = await communicator.connect(ARRIVES_WITHIN)
    if not connected:
        await communicator.disconnect(timeout=ARRIVES_WITHIN)
    return connected, code


def socket_for(client, path="/ws/live/"):
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    return WebsocketCommunicator(
        application, path, headers=[ORIGIN, (b"cookie", cookie)]
    )


@live_db
@pytest.mark.parametrize(
    ("role", "stop", "delete"),
    [(roles.VIEWER, False, False), (roles.TRADER, True, False),
     (roles.ADMIN, True, True)],
)  # fmt: skip
def test_each_page_gets_the_live_rows_its_role_may_see(
    client, cast, role, stop, delete
):
    login_as(client, role)

    async def body():
        communicator = socket_for(client)
        connected, _ = await communicator.connect(ARRIVES_WITHIN)
        assert connected
        snapshot = await communicator.receive_json_from(ARRIVES_WITHIN)
        await communicator.disconnect(timeout=ARRIVES_WITHIN)
        return snapshot

    snapshot = scenario(body)
    rows = snapshot["accounts"]
    assert [row["login"] for row in rows] == [
        "1123456",
        "5550001",
        "5550002",
        "7891011",
    ]
    for row in rows:
        assert "html_for" not in row
        assert ('data-action="stop"' in row["html"]) is stop
        assert ('data-action="delete"' in row["html"]) is delete


@live_db
@pytest.mark.parametrize("role", [None, ""])
def test_the_live_feed_refuses_the_anonymous_and_the_roleless(client, role):
    if role is not None:
        login_as(client, role, name="nobody")

    async def body():
        if role is None:
            communicator = WebsocketCommunicator(
                application, "/ws/live/", headers=[ORIGIN]
            )
        else:
            communicator = socket_for(client)
        return await attempt(communicator)

    connected, code = scenario(body)
    assert (connected, code) == (False, 4401)


@live_db
def test_a_socket_to_an_unknown_path_is_refused_not_an_error(client):
    login_as(client, roles.ADMIN)

    async def body():
        results = []
        for path in ("/ws/nope/", "/", "/ws/live/extra/"):
            communicator = socket_for(client, path)
            results.append(await attempt(communicator))
        return results

    assert [connected for connected, _ in scenario(body)] == [False, False, False]


def test_a_hand_made_mix_gets_the_row_without_controls_it_cannot_all_use():
    from history import rows

    assert rows.access_level({"delete": True}) == ""
    assert rows.access_level({"control": True}) == "control"
    assert rows.access_level({"control": True, "delete": True}) == "control+delete"


def test_a_refused_page_says_why_with_the_sites_own_page(client, cast, plain_static):
    login_as(client, roles.VIEWER, name="vera")
    response = client.post("/accounts/1123456/stop/")
    assert response.status_code == 403
    assert "Not allowed" in response.content.decode()
    assert "manage.py users role vera trader" in response.content.decode()


def test_setup_makes_missing_roles_and_names_the_logins_without_one():
    from django.core.management.base import OutputWrapper

    from mt5bot.management.commands.setup import Command as Setup

    User.objects.create_user("old-plain-user")
    roles.assign(User.objects.create_user("ann"), roles.VIEWER)
    Group.objects.filter(name=roles.TRADER).delete()
    out = io.StringIO()
    setup = Setup(stdout=OutputWrapper(out))
    setup.roles()
    said = out.getvalue()
    assert "Created the roles trader." in said
    assert "No role yet (they see nothing): old-plain-user;" in said
    assert "ann" not in said
    assert Group.objects.filter(name=roles.TRADER).exists()
