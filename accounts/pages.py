"""
The dashboard: every account with its terminal's live state, the actions on
it, adding one, the webhook URL, and the latest alerts.

Actions go through `accounts.operations`, the one implementation behind
`manage.py accounts` and the API: the page records what the trader wants and
the supervisor makes it so; the page hears back through the live updates.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts import operations, terminals
from accounts.models import Account
from accounts.validators import validate_login
from history import live
from history.rows import account_access, account_row, recent_signals, signal_row, stamp
from mt5bot import roles, tokens

DELETE_WAIT = 10.0


class AddAccountForm(forms.Form):
    login = forms.CharField(
        label="Account number",
        max_length=20,
        validators=[validate_login],
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "size": 14}
        ),
    )
    nickname = forms.CharField(max_length=100, required=False)

    def clean_login(self):
        login = self.cleaned_data["login"]
        if Account.objects.filter(login=login).exists():
            raise ValidationError(f"Account {login} already exists.")
        return login


# --- views ----------------------------------------------------------------------


def show(request, form=None, status=200):
    return render(
        request,
        "accounts/dashboard.html",
        {
            "accounts": [account_row(a) for a in Account.objects.all()],
            "can": account_access(request.user),
            "form": form or AddAccountForm(),
            "recent": [signal_row(s) for s in recent_signals()],
            "webhook_masked": webhook_url(masked=True),
            "supervisor": operations.live_supervisor(),
            "cursor": stamp(timezone.now()),
        },
        status=status,
    )


@roles.page_requires(roles.SEES_ACCOUNTS, roles.SEES_HISTORY)
@require_GET
def dashboard(request):
    return show(request)


@roles.page_requires("accounts.add_account")
@require_POST
def add(request):
    form = AddAccountForm(request.POST)
    if not form.is_valid():
        return show(request, form, status=400)
    login = form.cleaned_data["login"]
    try:
        added = operations.add_account(login, form.cleaned_data["nickname"])
        done = operations.start(added.account)
    except operations.OperationError as exc:
        form.add_error(None, str(exc))
        return show(request, form, status=400)
    finally:
        live.account_changed(login)
    text = " ".join(
        [f"added a {added.account.kind} account;", done.detail, *added.notes()]
    )
    messages.success(request, f"{login}: {text}")
    return redirect("dashboard")


def start(request, account):
    return operations.start(account).detail


def stop(request, account):
    return operations.stop(account).detail


def restart(request, account):
    return operations.restart(account).detail


def focus(request, account):
    try:
        terminals.focus(account)
    except terminals.TerminalError as exc:
        raise operations.OperationError(str(exc)) from None
    return "brought its terminal to the front."


def delete(request, account):
    if request.POST.get("confirm") != "yes":
        raise operations.OperationError("not deleted: confirm first.")
    outcome = operations.remove(account, wait=DELETE_WAIT)
    return f"deleted (terminal {outcome}; its folder is deleted; history kept)."


# Each action and the permission it takes: a trader starts and stops,
# only an admin deletes (it removes the terminal's folder).
ACTIONS = {
    "start": (start, roles.CONTROLS),
    "stop": (stop, roles.CONTROLS),
    "restart": (restart, roles.CONTROLS),
    "open": (focus, roles.CONTROLS),
    "delete": (delete, "accounts.delete_account"),
}


@roles.page_requires(roles.SEES_ACCOUNTS)
@require_POST
def act(request, login, action):
    if action not in ACTIONS:
        raise Http404(f"No action {action!r}.")
    run, permission = ACTIONS[action]
    if not request.user.has_perm(permission):
        raise PermissionDenied(f"{action} takes {permission}.")
    account = get_object_or_404(Account, login=login)
    try:
        text = run(request, account)
    except operations.OperationError as exc:
        messages.error(request, f"{login}: {str(exc).removeprefix(f'{login}: ')}")
    else:
        messages.success(request, f"{login}: {text}")
    finally:
        live.account_changed(login)
    return redirect("dashboard")


def webhook_url(masked=False):
    base = settings.EXTERNAL_BASE_URL.rstrip("/") + reverse("webhook", args=["x"])
    base = base.removesuffix("x")
    return base + ("•" * 12 if masked else tokens.current())


@roles.page_requires(roles.SEES_SECRETS)
@require_GET
@never_cache
def reveal_webhook_url(request):
    """The full URL, fetched only when the trader asks to see or copy it, so
    the token is not in every page (nor in a screenshot of one)."""
    return JsonResponse({"url": webhook_url()})
