"""
The three roles a login can have, as Django groups of permissions.

- viewer: sees the dashboard, history and the API's reads; never the webhook
  URL, an EA key, or any control.
- trader: a viewer who also starts, stops and restarts terminals.
- admin: everything (accounts and their settings, mappings, clearing history,
  tokens, users, the webhook URL); its logins are staff, so the admin opens.

A superuser has every permission whatever its groups. The groups are made
after every `migrate` (mt5bot.apps) and by `manage.py setup`, and re-granted
each time, so a permission a new migration adds reaches its role at once.
Permissions are named here as strings: this module imports no app.
"""

from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.models import Group, Permission
from django.db import transaction

VIEWER, TRADER, ADMIN = "viewer", "trader", "admin"

SEE = [
    "accounts.view_account",
    "accounts.view_symbollist",
    "history.view_signal",
    "history.view_command",
    "mapping.view_symbolmapping",
    "notifications.view_notification",
]
CONTROL = ["accounts.control_account"]
# The admin role holds every permission there is: listing them would let a
# new model's permissions fall through the gap.
EVERYTHING = None
ROLES = {VIEWER: SEE, TRADER: SEE + CONTROL, ADMIN: EVERYTHING}

# What a page, the API and the websocket ask for.
SEES_ACCOUNTS = "accounts.view_account"
SEES_HISTORY = "history.view_signal"
CONTROLS = "accounts.control_account"
SEES_SECRETS = "accounts.view_secrets"
CLEARS_HISTORY = "history.clear_history"


def permissions(names):
    """The Permission rows for 'app_label.codename' names (all when None)."""
    rows = Permission.objects.select_related("content_type")
    if names is None:
        return list(rows)
    wanted = {tuple(name.split(".", 1)) for name in names}
    return [p for p in rows if (p.content_type.app_label, p.codename) in wanted]


@transaction.atomic
def ensure_groups():
    """Create the three groups if missing and give each exactly its
    permissions (one an operator added by hand to a role is taken back: the
    role means what this module says). Returns the names created."""
    created = []
    for name, names in ROLES.items():
        group, new = Group.objects.get_or_create(name=name)
        group.permissions.set(permissions(names))
        if new:
            created.append(name)
    return created


def role_of(user):
    """The highest role a user holds: 'superuser', a role name, or ''."""
    if user.is_superuser:
        return "superuser"
    held = set(user.groups.values_list("name", flat=True))
    return next((name for name in (ADMIN, TRADER, VIEWER) if name in held), "")


@transaction.atomic
def assign(user, role):
    """Give `user` exactly one role. Only the admin role is staff (the admin
    site opens for staff alone); the other groups the user is in stay."""
    if role not in ROLES:
        raise ValueError(f"No role {role!r}: {', '.join(ROLES)}.")
    ensure_groups()
    user.groups.remove(*Group.objects.filter(name__in=ROLES))
    user.groups.add(Group.objects.get(name=role))
    user.is_staff = role == ADMIN
    user.save(update_fields=["is_staff"])


def page_requires(*perms):
    """A page's guard: an anonymous visitor goes to the login page, a
    logged-in user without the permissions gets the 403 page."""

    def wrap(view):
        return login_required(permission_required(perms, raise_exception=True)(view))

    return wrap
