"""
Notifications to the trader: what each event says, and `emit`, the one call
the webhook, the login page and the supervisor make.

`emit` costs a settings lookup and a put on an in-memory queue; it never
blocks and never raises into its caller. The sending (throttled, recorded,
with timeouts) happens on this process's sender threads (`outbox`).
"""

import atexit
import ipaddress
import logging
import time
from dataclasses import dataclass

from django.conf import settings

from notifications import channels, outbox
from notifications.models import Event

log = logging.getLogger("mt5bot.notify")

PREFIX = "[mt5bot] "


@dataclass(frozen=True, slots=True)
class Alert:
    kind: str
    key: str
    subject: str
    body: str
    at: float  # time.monotonic(), the throttle's clock


def build_outbox():
    return outbox.Outbox(channels.configured(), settings.NOTIFY_WINDOW)


def emit(kind, key, subject, body=""):
    """Queue a notification when its kind is switched on and a channel is
    configured; True if queued."""
    try:
        if kind not in settings.NOTIFY_EVENTS or not channels.any_configured():
            return False
        alert = Alert(kind, str(key), PREFIX + subject, body, time.monotonic())
        outbox.current(build_outbox).put(alert)
        return True
    except Exception:
        log.exception("could not queue a %s notification", kind)
        return False


def is_remote(address):
    """True for a known address that is not this machine: requests from
    loopback are the trader's own tests and tools, never an alarm."""
    try:
        return not ipaddress.ip_address(str(address).strip("[]")).is_loopback
    except ValueError:
        return False


# --- The events ---------------------------------------------------------------


def startup(host, accounts):
    where = f" on {host}" if host else ""
    emit(Event.STARTUP, host, f"started{where}", f"Supervising {accounts} accounts.")


ACCOUNT_EVENTS = {
    "online": Event.ACCOUNT_ONLINE,
    "offline": Event.ACCOUNT_OFFLINE,
    "degraded": Event.ACCOUNT_DEGRADED,
}


def account_status(login, status, reason):
    kind = ACCOUNT_EVENTS.get(status)
    if kind is not None:
        emit(kind, login, f"account {login} is {status}", reason or status)


def validation_error(signal):
    """A refused alert, keyed by its error code: a strategy sending the same
    malformed message on every bar makes one message per window."""
    emit(
        Event.VALIDATION_ERROR,
        signal.rejection_code,
        f"alert refused: {signal.rejection_code}",
        f"Signal {signal.pk} from {signal.source_ip or 'an unknown address'} was "
        f"refused ({signal.http_status} {signal.rejection_code}): "
        f"{signal.rejection_reason}",
    )


def unauthorized(address, what):
    """A webhook request refused for who sent it, keyed by its address."""
    if is_remote(address):
        emit(
            Event.UNAUTHORIZED,
            address,
            f"unauthorized webhook request from {address}",
            what,
        )


def login_failed(address, username):
    if is_remote(address):
        emit(
            Event.LOGIN_FAILED,
            address,
            f"failed login from {address}",
            f"A login as {username[:150]!r} from {address} failed.",
        )


def trade_result(command):
    """A command's final outcome, keyed by account."""
    kind = Event.TRADE_EXECUTED if command.status == "executed" else Event.TRADE_FAILED
    emit(
        kind,
        command.account_login,
        f"{command.summary()} on {command.account_login}: {command.status}",
        f"Command {command.pk} (signal {command.signal_id}) on account "
        f"{command.account_login}: {command.summary()} {command.status} "
        f"({command.transition_detail()}).",
    )


def supervisor_absent(state, signal_id):
    """Alerts are queued while no supervisor delivers them; the webhook
    raises this once per outage, and the throttle keeps it to one message
    per window across processes."""
    since = "stopped beating" if state == "gone" else "not started"
    emit(
        Event.SUPERVISOR_ABSENT,
        "supervisor",
        f"alerts are queued but no supervisor is running ({state})",
        f"Signal {signal_id} was accepted and its commands queued, but the "
        f"supervisor has {since}: nothing delivers them to the terminals, and "
        f"each expires {settings.COMMAND_TTL:g} s after its alert arrived. "
        "Start `manage.py serve` or `manage.py supervise`.",
    )


atexit.register(outbox.shutdown)
