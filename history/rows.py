"""
Every row the pages show and the live updates push, built in one place: an
alert with its commands (`signal_row`), an account with its terminal
(`account_row`), each with the HTML fragment the page inserts, so a row pushed
to a page is the very fragment the page itself renders.

`messages` turns a batch of changed ids into what history/live.py sends;
`snapshot` is what a page's websocket gets when it (re)connects.
"""

from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Prefetch, Q
from django.template.loader import render_to_string
from django.utils import timezone

from accounts import ea_build, terminals
from accounts.models import Account, Desired, Kind
from history import live
from history.models import FINAL_STATUSES, Command, Signal, Status, number
from mt5bot import roles

RECENT = 20
# A page that reconnects asks for what changed since its cursor; timestamps
# are taken a little before their commit, so look this much further back.
CATCH_UP_SLACK = timedelta(seconds=10)
CATCH_UP_LIMIT = 500


# --- which signals ------------------------------------------------------------


def with_commands(signals):
    by_id = Command.objects.order_by("id")
    return signals.prefetch_related(Prefetch("commands", queryset=by_id))


def recent_signals(limit=RECENT):
    return list(with_commands(Signal.objects.current())[:limit])


def changed_since(since, limit=CATCH_UP_LIMIT):
    """Signals that are new, or whose commands moved, after `since`: what a
    page missed while it was away. Newest first, at most `limit`.

    A command settles at the latest COMMAND_TTL + grace + deadline after its
    alert, so only alerts received in that window (plus the slack) can have
    moved; that bound keeps the scan on the index of `received_at`."""
    since = since - CATCH_UP_SLACK
    lifetime = (
        settings.COMMAND_TTL
        + settings.COMMAND_WITHDRAW_GRACE
        + settings.COMMAND_RESULT_DEADLINE
    )
    window = Signal.objects.filter(received_at__gte=since - timedelta(seconds=lifetime))
    moved = Command.objects.filter(
        Q(queued_at__gt=since) | Q(delivered_at__gt=since) | Q(finished_at__gt=since),
        signal__in=window,
    ).values("signal_id")
    signals = Signal.objects.current().filter(
        Q(received_at__gt=since) | Q(pk__in=moved)
    )
    return list(with_commands(signals)[:limit])


# --- alert rows ---------------------------------------------------------------


def stamp(moment):
    return moment.isoformat() if moment else None


def status_changes(command):
    changes = [("received", command.received_at)]
    if command.queued_at:
        changes.append(("queued", command.queued_at))
    if command.delivered_at:
        changes.append(("delivered", command.delivered_at))
    if command.finished_at:
        changes.append((command.status, command.finished_at))
    return [{"status": status, "at": stamp(at)} for status, at in changes]


def command_row(command):
    return {
        "id": command.pk,
        "account": command.account_login,
        "action": command.action,
        "order_type": command.order_type,
        "symbol": command.symbol,
        "original_symbol": command.original_symbol,
        "symbol_match": command.symbol_match,
        "volume": number(command.volume),
        "status": command.status,
        "status_code": command.status_code,
        "status_reason": command.status_reason,
        "final": command.status in FINAL_STATUSES,
        "changes": status_changes(command),
        "fill_price": number(command.fill_price),
        "filled_volume": number(command.filled_volume),
        "ticket": command.result_ticket,
        "retcode": command.retcode,
        "notes": command.notes,
    }


def alert_summary(parsed):
    parsed = parsed if isinstance(parsed, dict) else {}
    accounts = parsed.get("accounts") or []
    return {
        "action": parsed.get("action", ""),
        "symbol": parsed.get("original_symbol") or parsed.get("symbol", ""),
        "volume": parsed.get("volume", ""),
        "accounts": ", ".join(str(a) for a in accounts),
    }


# How far a command has come; a status only ever moves forward, so a row's
# total says which of two renders of one alert is the newer. Two senders
# (web workers, the supervisor) may deliver them out of order.
PROGRESS = {Status.RECEIVED: 0, Status.QUEUED: 1, Status.DELIVERED: 2}


def progress(commands):
    return sum(PROGRESS.get(c["status"], 3) for c in commands)


def signal_row(signal):
    """A Signal and its commands as plain data: the JSON a live update
    carries, and the context its fragment renders from."""
    commands = [command_row(c) for c in signal.commands.all()]
    return {
        "id": signal.pk,
        "received_at": stamp(signal.received_at),
        "outcome": signal.outcome,
        "format": signal.format,
        "rejection_code": signal.rejection_code,
        "rejection_reason": signal.rejection_reason,
        "duplicate_of": signal.duplicate_of_id,
        "alert": alert_summary(signal.parsed),
        "commands": commands,
        "final": all(c["final"] for c in commands),
        "progress": progress(commands),
    }


def with_html(rows, template, request=None):
    """Each row with the HTML fragment a page inserts, rendered from it."""
    for row in rows:
        row["html"] = render_to_string(template, {"row": row}, request=request)
    return rows


def signal_rows(signals, request=None):
    """Rows for these signals (loaded with `with_commands`), with their HTML."""
    rows = [signal_row(signal) for signal in signals]
    return with_html(rows, "history/_signal.html", request)


def rows_for(signal_ids):
    signals = with_commands(Signal.objects.current().filter(pk__in=signal_ids))
    return signal_rows(signals)


# --- account rows -------------------------------------------------------------


def figure(value):
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:,.2f}"
    return ""


def count(value):
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def account_row(account):
    """An account as plain data: the JSON a live update carries and the
    context its dashboard row renders from."""
    beat = account.heartbeat if isinstance(account.heartbeat, dict) else {}
    running = account.desired == Desired.RUNNING
    return {
        "login": account.login,
        "nickname": account.nickname,
        "kind": account.kind,
        "live": account.kind == Kind.MT5,
        "margin_mode": account.margin_mode,
        "transport": account.transport,
        "desired": account.desired,
        "status": account.status,
        "status_reason": account.status_reason,
        "status_changed_at": stamp(account.status_changed_at),
        "enabled": account.enabled,
        "trading_paused": account.trading_paused,
        "heartbeat_at": stamp(account.heartbeat_at),
        "balance": figure(beat.get("balance")),
        "equity": figure(beat.get("equity")),
        "currency": str(beat.get("currency") or ""),
        "positions": count(beat.get("positions")),
        "orders": count(beat.get("orders")),
        "server": str(beat.get("server") or ""),
        # Whether its terminal has the compiled EA, and what its heartbeat
        # says runs: a silent MT5 terminal most often lacks the first.
        "ea": ea_build.state(account),
        "running": running,
        "pid": account.pid,
        # Bringing a window forward only means something on the desktop the
        # server runs on, and only Windows has MT5 windows.
        "can_open": terminals.on_windows() and account.kind == Kind.MT5 and running,
    }


# Which of a row's controls a user may see: a trader's row has Start and
# Stop, an admin's also Delete, a viewer's none. A live update carries each
# account's row once per level (`html_for`); every page's socket keeps the
# one its user may see (history.consumers). `html` is the one without
# controls, so a row that misses the choice shows none.
# (Delete without control, a mix only a hand-made group has, gets the row
# without controls: one rendering fewer per account and update.)
LEVELS = {
    "control": {"control": True},
    "control+delete": {"control": True, "delete": True},
}


def account_access(user):
    """The controls `user` may see on an account's row (the template's `can`)."""
    return {
        "control": user.has_perm(roles.CONTROLS),
        "delete": user.has_perm("accounts.delete_account"),
    }


def access_level(can):
    level = "+".join(name for name in ("control", "delete") if can.get(name))
    return level if level in LEVELS else ""


def with_account_html(rows, request=None):
    template = "accounts/_account.html"
    for row in rows:
        context = {"row": row, "can": {}}
        row["html"] = render_to_string(template, context, request=request)
        row["html_for"] = {
            level: render_to_string(template, {**context, "can": can}, request)
            for level, can in LEVELS.items()
        }
    return rows


def account_rows(logins=None, request=None):
    """Rows with their HTML fragments; a login with no account any more
    comes back as {"login": ..., "deleted": True}."""
    accounts = Account.objects.all()
    if logins is not None:
        accounts = accounts.filter(login__in=logins)
    rows = [account_row(account) for account in accounts]
    with_account_html(rows, request)
    found = {row["login"] for row in rows}
    missing = sorted(set(logins or ()) - found)
    return rows + [{"login": login, "deleted": True} for login in missing]


# --- what the live updates send --------------------------------------------------


def messages(batch, close=False):
    """The messages for one batch of ids, read now (so the newest state)."""

    try:
        cursor = stamp(timezone.now())
        signal_ids = set(batch.get("signals", ()))
        if batch.get("commands"):
            moved = Command.objects.filter(pk__in=batch["commands"])
            signal_ids |= set(moved.values_list("signal_id", flat=True))
        messages = []
        ordered = sorted(signal_ids, reverse=True)
        for start in range(0, len(ordered), live.CHUNK):
            rows = rows_for(ordered[start : start + live.CHUNK])
            messages.append({"type": "signals", "cursor": cursor, "signals": rows})
        if batch.get("accounts"):
            rows = account_rows(batch["accounts"])
            messages.append({"type": "accounts", "cursor": cursor, "accounts": rows})
        if batch.get("removed"):
            messages.append({"type": "removed", "signals": sorted(batch["removed"])})
        return messages
    finally:
        if close:
            connection.close()


def snapshot(since=None):
    """What a page gets when its websocket (re)connects: every account, and
    the signals that changed after `since` (its cursor) or, without one, the
    latest ones."""

    cursor = stamp(timezone.now())
    if since is None:
        signals = recent_signals(live.SNAPSHOT_SIGNALS)
    else:
        signals = changed_since(since)
    return {
        "type": "snapshot",
        "cursor": cursor,
        "since": stamp(since),
        "accounts": account_rows(),
        "signals": signal_rows(signals),
    }
