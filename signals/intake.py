"""
The webhook's one function: store the request as a Signal and fan it out into
one Command per target account, in a single transaction, or store why not.
"""

import hashlib
import json
import logging
from functools import partial

from django.conf import settings
from django.db import connection, transaction

from accounts.bridge import wake
from history import live
from history.models import Outcome, Signal, Status, number
from mt5bot import deadline, tokens
from notifications import notify
from signals import fastsql, presence
from signals.alerts import parse_alert
from signals.errors import PayloadError
from signals.fitting import build_commands
from signals.parsing import parse_body

log = logging.getLogger("mt5bot.signals")
ESCAPED_NOTE = (
    "(The body spelled the webhook token in an escape; stored here are its "
    "fields, the token blanked.)"
)


def new_signal(body, content_type, source_ip, received_at, clean=None):
    """The Signal of a request; `clean` is the body with the token blanked,
    when the caller has it already."""
    if clean is None:
        clean = tokens.blank_bytes(body)
    # Blanked before the cut: a token across it would leave its head behind.
    text = clean[: settings.WEBHOOK_MAX_BODY_BYTES]
    text = text.decode("utf-8", "replace")
    # PostgreSQL text cannot hold NUL.
    text = text.replace("\x00", "\ufffd")
    return Signal(
        received_at=received_at,
        source_ip=str(source_ip) if source_ip else None,
        content_type=tokens.blank(content_type or "")[:200],
        raw_body=text,
        body_hash=hashlib.sha256(body).hexdigest(),
    )


def receive(body, content_type, source_ip, arrival=None):
    """Return (http status, response body) after recording the request; or
    503 having recorded nothing, when that could not be done in time."""
    arrival = arrival or deadline.Arrival()
    # The token is blanked before anything reads the body: no field, cut
    # comment or error message quoting the sender can hold it.
    clean = tokens.blank_bytes(body)
    signal = new_signal(body, content_type, source_ip, arrival.at, clean)
    try:
        alert = read(signal, body, clean, content_type)
    except PayloadError as exc:
        return in_time(arrival, partial(refuse, signal, exc))
    status, data = in_time(
        arrival, partial(fan_out, signal, alert), first=dedupe_lock(signal)
    )
    if data.get("status") == Outcome.ACCEPTED:
        presence.tell(data)
    return status, data


def in_time(arrival, store, first=None):
    """`store()` in one transaction committed within the arrival's deadline
    (mt5bot.deadline), or (503, why) with nothing stored; `first`, a
    statement as (sql, params), opens the transaction."""
    try:
        with deadline.storing(arrival, first=first):
            return store()
    except deadline.Missed as missed:
        log.warning(
            "an alert was not stored (%s%s) and was answered 503; the sender may "
            "send it again",
            missed.why,
            f": {missed.__cause__}" if missed.__cause__ else "",
        )
        return 503, missed.as_dict()


def read(signal, body, clean, content_type):
    """The alert in the body (`clean`: with the token blanked), before any
    transaction: parsing holds no lock."""
    if len(body) > settings.WEBHOOK_MAX_BODY_BYTES:
        raise PayloadError(
            "body_too_large",
            f"The body is over {settings.WEBHOOK_MAX_BODY_BYTES} bytes.",
            status=413,
        )
    signal.format, fields = parse_body(clean, content_type)
    alert = parse_alert(scrub_fields(signal, fields))
    signal.parsed = alert.as_json()
    signal.idempotency_key = alert.idempotency_key
    return alert


def refuse_new(error, body, content_type, source_ip, arrival=None):
    """Store a request refused before its body was read (rate, source, size)."""
    arrival = arrival or deadline.Arrival()
    signal = new_signal(body, content_type, source_ip, arrival.at)
    return in_time(arrival, partial(refuse, signal, error))


def scrub_fields(signal, fields):
    """The fields with the token blanked where the body spelled it in an
    escape; the stored body is then those fields, not the spelling."""
    try:
        clean = tokens.blank_tree(fields)
        if clean != fields:
            dump = json.dumps(clean, ensure_ascii=False)
            signal.raw_body = f"{ESCAPED_NOTE}\n{dump}"[
                : settings.WEBHOOK_MAX_BODY_BYTES
            ]
    except RecursionError:
        raise PayloadError("invalid_json", "The JSON nests too deeply.") from None
    return clean


def refuse(signal, error):
    signal.outcome = Outcome.REFUSED
    signal.http_status = error.status
    signal.rejection_code = error.code
    # Details may quote the sender; PostgreSQL text cannot hold NUL.
    signal.rejection_reason = tokens.blank(error.detail).replace("\x00", "\ufffd")
    field = tokens.blank(error.field or "")
    signal.rejection_field = field.replace("\x00", "\ufffd")[:100]
    signal.save()
    transaction.on_commit(partial(live.signal_changed, signal.pk))
    # Once stored: a refusal given up on at the deadline was never recorded.
    transaction.on_commit(partial(announce_refusal, signal))
    return error.status, {**error.as_dict(), "signal": signal.pk}


def announce_refusal(signal):
    log.info(
        "signal %s refused (%s %s): %s",
        signal.pk,
        signal.http_status,
        signal.rejection_code,
        signal.rejection_reason[:300],
    )
    if signal.http_status == 403:
        notify.unauthorized(
            signal.source_ip,
            f"Signal {signal.pk}, with the right token, came from outside "
            "WEBHOOK_ALLOWED_IPS and was refused (403); nothing was traded.",
        )
    elif signal.http_status != 429:  # a flood is refused, not a fault to report
        notify.validation_error(signal)


def fan_out(signal, alert):
    """Inside in_time()'s transaction, opened by `dedupe_lock(signal)`: no
    savepoint of its own to pay for."""
    with transaction.atomic(savepoint=False):
        # An explicit id is checked by the unique constraint when the Signal
        # is saved (one statement fewer on the hot path); a body without one
        # is looked up in the re-send window first.
        original = find_original(signal, keyed=False)
        if original is not None:
            return record_duplicate(signal, original)
        commands = build_commands(signal, alert)
        queued = [c for c in commands if c.status == Status.QUEUED]
        signal.outcome = Outcome.ACCEPTED if queued else Outcome.REFUSED
        signal.http_status = 200 if queued else 400
        if not queued:
            original = find_original(signal, keyed=True)
            if original is not None:
                return record_duplicate(signal, original)
            signal.rejection_code = "no_account_accepted"
            signal.rejection_reason = "No target account accepted the alert."
            signal.rejection_field = "accounts"
            signal.idempotency_key = None
        if not fastsql.save_new(signal, skip_conflict=True):
            # Another request stored this id first: a re-send.
            return record_duplicate(signal, find_original(signal, keyed=True))
        for command in commands:
            command.signal = signal
        fastsql.insert(commands)
        if queued:
            transaction.on_commit(wake.notify)
        transaction.on_commit(partial(live.signal_changed, signal.pk))
        transaction.on_commit(partial(announce_fan_out, signal, commands))
    return signal.http_status, reply(signal, alert, commands)


def announce_fan_out(signal, commands):
    """Once committed: a line for the signal and one per command."""
    if signal.outcome == Outcome.REFUSED:
        announce_refusal(signal)
    elif log.isEnabledFor(logging.INFO):
        queued = sum(c.status == Status.QUEUED for c in commands)
        log.info(
            "signal %s accepted from %s: %s of %s commands queued",
            signal.pk,
            signal.source_ip,
            queued,
            len(commands),
        )
    for command in commands:
        command.log_transition()


def find_original(signal, keyed):
    """The accepted Signal this one repeats: by id when `keyed`, else by body."""
    key = signal.idempotency_key
    if bool(key) != keyed:
        return None
    window = settings.WEBHOOK_DEDUPE_WINDOW
    return Signal.objects.original_of(key, signal.body_hash, window)


def dedupe_lock(signal):
    """On PostgreSQL, the statement that serialises requests that could be
    re-sends of each other, as (sql, params); SQLite's IMMEDIATE
    transactions already serialise every writer (None)."""
    if connection.vendor != "postgresql":
        return None
    key = signal.idempotency_key or signal.body_hash
    digest = hashlib.sha256(key.encode()).digest()[:8]
    return "SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest, signed=True)]


def record_duplicate(signal, original):
    signal.outcome = Outcome.DUPLICATE
    signal.http_status = 200
    signal.duplicate_of = original
    signal.idempotency_key = None
    signal.save()
    log.info("signal %s is a re-send of %s; nothing queued", signal.pk, original.pk)
    transaction.on_commit(partial(live.signal_changed, signal.pk))
    commands = list(original.commands.order_by("id"))
    return 200, {
        "status": "duplicate",
        "signal": signal.pk,
        "original_signal": original.pk,
        "detail": "Already received; no new command was made.",
        "accounts": [outcome(c) for c in commands],
    }


def outcome(command):
    if command.status == Status.REJECTED and not command.delivered_at:
        return {
            "account": command.account_login,
            "status": command.status,
            "error": command.status_code,
            "detail": command.status_reason,
        }
    return {
        "account": command.account_login,
        "status": command.status,
        "command": str(command.uid),
        "action": command.action,
        "symbol": command.symbol,
        # As the re-send reads it back too: 0.1, not 0.1000000000 or 1E-7.
        "volume": None if command.volume is None else number(command.volume),
    }


def reply(signal, alert, commands):
    body = {
        "status": signal.outcome,
        "signal": signal.pk,
        "accounts": [outcome(c) for c in commands],
    }
    if signal.outcome == Outcome.REFUSED:
        body = {
            "error": signal.rejection_code,
            "detail": signal.rejection_reason,
            "field": "accounts",
            **body,
        }
    if alert.notes:
        body["notes"] = alert.notes
    if alert.ignored:
        body["ignored_fields"] = alert.ignored
    return body
