"""
Commands into terminal folders and results back out: the supervisor's file
work, one unit at a time, following ea/PROTOCOL.md.

Every step records, acts, then records the outcome, so a crash anywhere leaves
a state the next start-up can read, and nothing here ever sends a command a
second time when it cannot prove the first copy was never taken.
"""

import logging
import os
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import DataError, IntegrityError, transaction
from django.utils import timezone

from accounts.models import files_dir, instances_root
from ea import bounds, inside, protocol
from history import live
from history.models import Command, Status

log = logging.getLogger("mt5bot.delivery")

WITHDRAWN_PREFIX = "webhook_withdrawn_"
BAD_RESULT_PREFIX = "webhook_badresult_"


def deliver(command, now=None):
    """Deliver one queued command; True when this call put its file in place."""
    return deliver_many([command], now) == 1


def deliver_many(commands, now=None):
    """Claim queued commands, write their files, mark them delivered, in one
    transaction; return how many files this call put in place.

    The files go into place while the claim is held and before the commit:
    on SQLite every commit costs an fsync, and the terminal can start on a
    file while we wait for it. A crash before the commit leaves the commands
    queued, and writing one again is safe: the file keeps its name and the
    terminal never executes an id twice (ea/PROTOCOL.md §3, step 4).
    """
    now = now or timezone.now()
    fresh = []
    for command in commands:
        if command.expires_at and command.expires_at <= now:
            expire_queued(command, now)
        else:
            fresh.append(command)
    if not fresh:
        return 0
    with transaction.atomic():
        claimed = set(Command.objects.claim([c.pk for c in fresh]))
        written = write_all([c for c in fresh if c.pk in claimed])
        delivered_at = timezone.now()
        if written:
            Command.objects.filter(pk__in=[c.pk for c in written]).update(
                delivered_at=delivered_at
            )
    for command in written:
        command.status, command.delivered_at = Status.DELIVERED, delivered_at
        command.log_transition()
    live.commands_changed([c.pk for c in written])
    return len(written)


def write(command):
    """Put the command file in place; on failure the command fails (nothing
    was sent, so that outcome is certain)."""
    try:
        place(files_dir(command.account_login), command)
    except (OSError, protocol.ProtocolError) as exc:
        log.exception("could not write %s", command.file_name)
        fail_write(command, exc)
        return False
    return True


def write_all(commands):
    """Put these commands' files in place together (`inside.write_many_inside`:
    every rename after every write, so a fan-out's terminals start as one);
    a command whose file failed fails, as in `write`. The ones placed."""
    files, problems = [], {}
    for command in commands:
        try:
            folder = files_dir(command.account_login)
            files.append((command, (folder, command.file_name, command.as_protocol())))
        except protocol.ProtocolError as exc:
            problems[command.pk] = exc
    failed = inside.write_many_inside(instances_root(), [f for _, f in files])
    for index, exc in failed.items():
        problems[files[index][0].pk] = exc
    for command in commands:
        if command.pk in problems:
            log.error("could not write %s: %s", command.file_name, problems[command.pk])
            fail_write(command, problems[command.pk])
    return [c for c in commands if c.pk not in problems]


def fail_write(command, exc):
    """Nothing was sent, so that outcome is certain."""
    command.finish(
        Status.FAILED, "write_failed", f"Could not write the command file: {exc}"
    )


def place(folder, command):
    """Write the command file, making the folder when missing. The folder is
    checked to sit inside MT5_INSTANCES_DIR, with no link on the way, at this
    very write: `files_dir` is cached, and a folder swapped for a link after
    the first delivery must not carry a command anywhere else."""
    inside.write_inside(
        instances_root(), folder, command.file_name, command.as_protocol()
    )


def expire_queued(command, now):
    """Expire a queued command nobody delivered in time, unless its folder
    shows the terminal may have it: a crash between placing the file and the
    commit leaves the command queued with its file in place, taken or even
    answered. Such a one is only marked delivered; its result, or the
    settling of a command without one (`settle`), decides."""
    if seen_in_folder(command):
        if command.claim():
            command.mark_delivered(now)
            log.warning("command %s expired queued with its file out", command.pk)
            live.commands_changed([command.pk])
        return
    command.finish(
        Status.EXPIRED,
        "expired",
        "Not delivered before it expired: was the supervisor running?",
        now=now,
        only_from=Status.QUEUED,
    )


def seen_in_folder(command):
    try:
        return seen_by_terminal(files_dir(command.account_login), command)
    except (OSError, protocol.ProtocolError) as exc:
        # An unreadable executed-ids list, an odd folder: the file may be out,
        # so it is never written again nor expired blind.
        log.warning("traces of command %s unreadable (%s)", command.pk, exc)
        return True


# What recording one result may raise because of that result alone: it is
# set aside, the others commit. Anything else (a locked or lost database)
# rolls the whole batch back, and every file is read again next pass.
BAD_UNIT = (DataError, IntegrityError, ValueError, TypeError, ArithmeticError)


def ingest(login):
    """Record every result file in one account's folder (`ingest_many`)."""
    return ingest_many([login])


def ingest_many(logins):
    """Record every result file in these accounts' folders, each in its own
    savepoint of one transaction (one commit for the lot, one bad file never
    blocking the others); remove the files once it committed; return how
    many were read. One commit rather than one per account: on SQLite each
    commit is an fsync under the write lock the webhook waits on."""
    results = {}  # path -> (login, data)
    for login in logins:
        folder = files_dir(login)
        try:
            names = protocol.listing(folder, protocol.RESULT_PREFIX)
        except OSError:  # this folder alone: the others are still read
            log.exception("cannot list the results of %s", login)
            continue
        for name in names:
            data = read_result(folder / name)
            if data is not None:
                results[folder / name] = (login, data)
    if not results:
        return 0
    failed = {}
    with transaction.atomic():
        uids = [uuid.UUID(hex=data["id"]) for _, data in results.values()]
        commands = Command.objects.filter(uid__in=uids)
        by_key = {(c.account_login, c.uid.hex): c for c in commands}
        for path, (login, data) in results.items():
            command = by_key.get((login, uuid.UUID(hex=data["id"]).hex))
            try:
                with transaction.atomic():
                    record(command, data, path, login)
            except BAD_UNIT as exc:
                log.exception("%s could not be recorded", path.name)
                failed[path] = exc
    # Removed only once recorded: a crash in between re-reads the file, and
    # the command, already final, ignores it.
    remove(p for p in results if p not in failed)
    for path, exc in failed.items():
        set_aside(path, exc)
    return len(results)


def read_result(path):
    """The checked result in `path`, or None (set aside when malformed)."""
    try:
        data = protocol.read_flat(path)
        if data is None:
            return None
        bounds.check_result(data)
        uuid.UUID(hex=data["id"])
    except (protocol.ProtocolError, ValueError) as exc:
        set_aside(path, exc)
        return None
    except OSError:
        # Still being renamed into place, or held by another program.
        return None
    return data


def record(command, data, path, login):
    if command is None:
        log.warning("%s: result for a command %s does not know", path.name, login)
    elif not command.record_result(data):  # recorded: it logs its own line
        log.info("%s: %s was already %s", path.name, data["id"], command.status)


def remove(paths):
    for path in paths:
        try:
            path.unlink(missing_ok=True)
        except OSError:
            log.exception("could not remove %s; it will be read again", path)


def set_aside(path, error):
    """Rename a result that cannot be recorded out of the way, logged once:
    left in place it would be read, and refused, on every pass (and one that
    cannot be renamed is said once, not on every pass)."""
    said = path in _unmovable
    if not said:
        log.error(
            "%s is not a valid result (%s); kept as %s",
            path,
            error,
            BAD_RESULT_PREFIX,
        )
    target = path.with_name(
        BAD_RESULT_PREFIX + path.name[len(protocol.RESULT_PREFIX) :]
    )
    try:
        os.replace(path, target)
    except OSError:
        if not said:
            log.exception("could not set %s aside", path)
        _unmovable.add(path)
        return
    _unmovable.discard(path)


_unmovable = set()  # bad results a rename could not move: said once


def settle_unanswered(logins=None, now=None):
    """Give each expired, unanswered command the outcome the folder proves.

    A command file still in place after its expiry (plus a grace) was never
    taken: withdrawing it by rename is atomic against the terminal's own
    rename, so exactly one side wins, and if we win it is certainly expired.
    A command the terminal took but never answered stays delivered until the
    result deadline, then becomes unknown: it may have traded.
    """
    now = now or timezone.now()
    grace = timedelta(seconds=settings.COMMAND_WITHDRAW_GRACE)
    deadline = timedelta(seconds=settings.COMMAND_RESULT_DEADLINE)
    settled = 0
    unanswered = Command.objects.unanswered(before=now - grace)
    if logins is not None:  # one supervisor's accounts among several
        unanswered = unanswered.filter(account_login__in=logins)
    for command in unanswered:
        settled += settle(command, now, now - command.expires_at >= deadline)
    return settled


def settle(command, now, past_deadline):
    folder = files_dir(command.account_login)
    name = command.file_name
    withdrawn = folder / (WITHDRAWN_PREFIX + name[len(protocol.COMMAND_PREFIX) :])
    try:
        os.replace(folder / name, withdrawn)
    except FileNotFoundError:
        if not past_deadline:
            return False
        return command.finish(
            Status.UNKNOWN,
            "no_result",
            "The terminal took the command but sent no result: it may or may "
            "not have traded. Check the terminal; it is never sent again.",
            now=now,
        )
    except OSError:
        return False  # held by the terminal right now; look again next pass
    withdrawn.unlink(missing_ok=True)
    return command.finish(
        Status.EXPIRED,
        "not_taken",
        "The terminal did not take the command before it expired; it was "
        "withdrawn unexecuted. Is the terminal running?",
        now=now,
    )


def reconcile_claimed(logins=None):
    """At start-up: finish deliveries a crash interrupted between the claim
    and the file. Re-writing is safe only because the name is the same and
    the terminal refuses an id it has executed; if any trace shows the
    terminal saw it, only the mark is finished."""
    count = 0
    claimed = Command.objects.claimed_unwritten()
    if logins is not None:
        claimed = claimed.filter(account_login__in=logins)
    for command in claimed:
        if not seen_in_folder(command) and not write(command):
            continue
        command.mark_delivered()
        live.commands_changed([command.pk])
        count += 1
    return count


def seen_by_terminal(folder, command):
    """Whether any trace shows the command's file reached the folder. Looked
    for in the order the terminal makes them (command, in progress, result,
    executed-ids list; each made before the one before it goes), so a
    terminal working meanwhile cannot slip between two looks."""
    name = command.file_name
    traces = [name, protocol.in_progress_name(name), protocol.result_name(name)]
    if any((folder / trace).exists() for trace in traces):
        return True
    # The list only grows (ea/PROTOCOL.md §8): read whole, never blocking.
    executed = protocol.read_regular(folder / protocol.EXECUTED)
    return (
        executed is not None
        and command.uid.hex in executed.decode("ascii", "replace").split()
    )


def sweep_temporary(logins, older_than=600):
    """At start-up: remove the `tmp_*.part` files a writer killed mid-write
    left in these accounts' folders (only old ones: a terminal may be writing
    one now)."""
    swept = 0
    for login in logins:
        try:
            swept += protocol.sweep_temporary(files_dir(login), older_than)
        except protocol.ProtocolError:
            continue
    return swept
