"""
How an account's terminal stands now, for a process that only reads the row
(`manage.py accounts list`).

The row holds what the supervisor last recorded. A supervisor that stopped, or
hangs, leaves `online` there for good; and while nothing changes it writes the
heartbeat's time into the row only every HEARTBEAT_SAVE_EVERY seconds, so the
row's age alone says too little. The heartbeat file itself, where this
machine can see it, says exactly when the terminal last beat.
"""

from django.conf import settings

from accounts.bridge.keeper import HEARTBEAT_SAVE_EVERY
from accounts.models import TerminalStatus, Transport, files_dir
from ea import protocol

# Recorded online, but its heartbeat is older than HEARTBEAT_STALE_AFTER.
STALE = "stale"
STALE_NOTE = (
    "stale: recorded online, but its last heartbeat is older than "
    "HEARTBEAT_STALE_AFTER; its supervisor has not looked since (is it running?) "
    "or the terminal stopped beating."
)


def heartbeat_age(account, now):
    """(seconds since the terminal's last heartbeat, or None; how far behind
    that figure may lag). File transport on this machine: the heartbeat
    file's own time. Otherwise the row's `heartbeat_at`: exact for an EA that
    posts (the endpoint writes it), up to HEARTBEAT_SAVE_EVERY behind for a
    file terminal on another host."""
    if account.transport == Transport.FILE:
        try:
            path = files_dir(account.login) / protocol.HEARTBEAT
            return max(0.0, now.timestamp() - path.stat().st_mtime), 0.0
        except (OSError, protocol.ProtocolError):
            pass
    if account.heartbeat_at is None:
        return None, 0.0
    lag = HEARTBEAT_SAVE_EVERY if account.transport == Transport.FILE else 0.0
    return max(0.0, (now - account.heartbeat_at).total_seconds()), lag


def status_now(status, age, lag=0.0, stale_after=None):
    """The recorded `status` as it stands now: `stale` when it says online on
    a heartbeat older than the limit (plus what the age may lag). The other
    states claim no fresh heartbeat, so they stand as recorded. Pure."""
    if stale_after is None:
        stale_after = settings.HEARTBEAT_STALE_AFTER
    if status == TerminalStatus.ONLINE and (age is None or age > stale_after + lag):
        return STALE
    return status
