import logging
import uuid
from decimal import Decimal, InvalidOperation
from functools import partial

from django.db import connection, models, transaction
from django.utils import timezone

from ea import bounds, protocol
from history import live

# Models kept in their own modules, importable from here as from any models.py.
from history.clearing import Clearing  # noqa: F401
from history.signal import Outcome, Signal, SignalQuerySet  # noqa: F401
from notifications import notify

log = logging.getLogger("mt5bot.commands")


class Action(models.TextChoices):
    BUY = "BUY"
    SELL = "SELL"
    CLOSE = "CLOSE"
    CLOSE_SYMBOL = "CLOSE_SYMBOL"
    CLOSE_LONG = "CLOSE_LONG"
    CLOSE_SHORT = "CLOSE_SHORT"
    CLOSE_ALL = "CLOSE_ALL"
    MODIFY = "MODIFY"
    CANCEL = "CANCEL"


class OrderType(models.TextChoices):
    MARKET = "market"
    LIMIT = "limit"
    STOP = "stop"


class Status(models.TextChoices):
    RECEIVED = "received"
    QUEUED = "queued"
    DELIVERED = "delivered"
    EXECUTED = "executed"
    REJECTED = "rejected"
    FAILED = "failed"
    EXPIRED = "expired"
    UNKNOWN = "unknown"


FINAL_STATUSES = {
    Status.EXECUTED,
    Status.REJECTED,
    Status.FAILED,
    Status.EXPIRED,
    Status.UNKNOWN,
}


# Outcomes the server concluded from silence, which a terminal's late result
# may still correct (`Command.record_late`): taken but unanswered by the
# deadline, and queued past its expiry with no trace of the file in the
# folder. A terminal's own `expired` shares that code, but was delivered or
# carries its retcode (0).
PROVISIONAL = models.Q(status=Status.UNKNOWN, status_code="no_result") | models.Q(
    status=Status.EXPIRED, status_code="expired", delivered_at=None, retcode=None
)


def money(**kwargs):
    return models.DecimalField(
        max_digits=24, decimal_places=10, null=True, blank=True, **kwargs
    )


class CommandQuerySet(models.QuerySet):
    def claim(self, ids):
        """Take these queued commands for delivery in one statement; return
        the ids this call took (a competing supervisor may hold the others).

        Inside the delivery's transaction the claim commits together with
        `delivered_at`, once the file is in place. On its own (the EA's HTTP
        fetch) it commits first: a crash before `mark_delivered` leaves a
        claimed command without `delivered_at`, which the next start-up
        finishes (see `claimed_unwritten`).
        """
        if not ids:
            return []
        meta = self.model._meta
        quote = connection.ops.quote_name
        table, status = quote(meta.db_table), quote(meta.get_field("status").column)
        pk = quote(meta.pk.column)
        marks = ", ".join(["%s"] * len(ids))
        sql = (
            f"UPDATE {table} SET {status} = %s "  # noqa: S608 - names from the model
            f"WHERE {status} = %s AND {pk} IN ({marks}) RETURNING {pk}"
        )
        with transaction.atomic(using=self.db), connection.cursor() as cursor:
            cursor.execute(sql, [Status.DELIVERED, Status.QUEUED, *ids])
            return [row[0] for row in cursor.fetchall()]

    def queued(self):
        return self.filter(status=Status.QUEUED).order_by("id")

    def pending(self):
        """(any queued, any delivered), in plain SQL: an idle supervisor asks
        it several times a second, and the ORM's compile costs ~1 ms of CPU
        for a 20 µs answer. The statuses are literal (ours), so SQLite
        answers from the partial indexes on them."""
        quote = connection.ops.quote_name
        table = quote(self.model._meta.db_table)
        ask = f"EXISTS (SELECT 1 FROM {table} WHERE status = '%s')"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {ask % Status.QUEUED}, {ask % Status.DELIVERED}")
            queued, delivered = cursor.fetchone()
        return bool(queued), bool(delivered)

    def claimed_unwritten(self):
        """Claimed for delivery by a supervisor that died before writing."""
        return self.filter(status=Status.DELIVERED, delivered_at=None).order_by("id")

    def unanswered(self, before):
        """Delivered, still without a result, and expired before `before`."""
        return self.filter(
            status=Status.DELIVERED, expires_at__lt=before, delivered_at__isnull=False
        ).order_by("id")


def to_decimal(value):
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    # Checked results never come near (ea.bounds.MAX_AMOUNT, which says why
    # the bound is below the columns' 14 digits); this keeps any other caller
    # from writing a row that cannot be read back.
    if not number.is_finite() or abs(number) >= bounds.MAX_AMOUNT:
        return None
    return number.quantize(Decimal("1e-10"))


def to_float(value):
    return None if value is None else float(value)


def partial_close_note(result):
    """ea/PROTOCOL.md §4: a close that left part of the position open says how
    much in `closed_volume` and `remaining_volume`; history says it in
    words too, whatever the terminal's message says."""
    left = result.get("remaining_volume")
    if not isinstance(left, int | float) or isinstance(left, bool) or left <= 0:
        return ""
    closed = result.get("closed_volume")
    done = f"{number(closed)} lots closed, " if isinstance(closed, int | float) else ""
    return f" [partial close: {done}{number(left)} lots still open]"


def number(value):
    """A price or volume for people: 0.01, not 0.0100000000; "" for none."""
    if value is None:
        return ""
    text = format(Decimal(str(value)).normalize(), "f")
    return "0" if text == "-0" else text


class Command(models.Model):
    """What one account is asked to do for one Signal, and what became of it.

    The fields named in `PROTOCOL_FIELDS` are the command exactly as the
    terminal receives it; the rest is its lifecycle and the broker's answer.
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    signal = models.ForeignKey(
        Signal, on_delete=models.CASCADE, related_name="commands"
    )
    account = models.ForeignKey(
        "accounts.Account",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="commands",
    )
    # Kept apart from the foreign key: an unknown account has no row to point
    # at, and history must still say which number the alert named.
    account_login = models.CharField(max_length=20)

    action = models.CharField(max_length=20, choices=Action.choices)
    order_type = models.CharField(
        max_length=10, choices=OrderType.choices, default=OrderType.MARKET
    )
    symbol = models.CharField(max_length=64, blank=True)
    original_symbol = models.CharField(max_length=64, blank=True)
    symbol_match = models.CharField(max_length=40, blank=True)
    volume = money()
    price = money()
    stop_loss = money()
    take_profit = money()
    sl_points = money()
    tp_points = money()
    sl_pips = money()
    tp_pips = money()
    risk_percent = money()
    # An opening order's lot limit on this account when the command was made
    # (the smaller of its max_volume and MAX_ORDER_VOLUME): the terminal
    # refuses the order when its final volume, risk-sized or not, is above.
    max_volume = money()
    ticket = models.BigIntegerField(null=True, blank=True)
    side = models.CharField(max_length=5, blank=True)
    close_first = models.CharField(max_length=5, blank=True)
    include_manual = models.BooleanField(default=False)
    magic = models.PositiveBigIntegerField(default=0)
    comment = models.CharField(max_length=31, blank=True)
    notes = models.TextField(blank=True)

    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.RECEIVED
    )
    status_code = models.CharField(max_length=40, blank=True)
    status_reason = models.TextField(blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    queued_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    result_ticket = models.BigIntegerField(null=True, blank=True)
    fill_price = money()
    filled_volume = money()
    retcode = models.IntegerField(null=True, blank=True)
    result_message = models.TextField(blank=True)

    objects = CommandQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            # Read by the supervisor's delivery loop: queued commands, oldest first.
            models.Index(
                fields=["status", "received_at"],
                condition=models.Q(status="queued"),
                name="command_queued",
            ),
            # Read by the supervisor's expiry step: delivered, awaiting a result.
            models.Index(
                fields=["expires_at"],
                condition=models.Q(status="delivered"),
                name="command_delivered",
            ),
        ]

    def __str__(self):
        return f"{self.action} {self.symbol} on {self.account_login} ({self.status})"

    @property
    def file_name(self):
        return protocol.command_name(self.pk, self.uid.hex)

    def as_protocol(self):
        """The command exactly as a terminal receives it (ea/PROTOCOL.md §3)."""
        return {
            "protocol": protocol.VERSION,
            "id": self.uid.hex,
            "seq": self.pk,
            "account": self.account_login,
            "timestamp": self.received_at.timestamp(),
            "expires_at": self.expires_at.timestamp() if self.expires_at else 0,
            "action": self.action,
            "order_type": self.order_type,
            "symbol": self.symbol,
            "original_symbol": self.original_symbol,
            **{name: to_float(getattr(self, name)) for name in protocol.NUMBER_FIELDS},
            "ticket": self.ticket,
            "close_first": self.close_first,
            "include_manual": self.include_manual,
            "magic": self.magic,
            "comment": self.comment,
            "max_volume": to_float(self.max_volume),
        }

    def claim(self):
        """Take this queued command for delivery; False if someone else did."""
        claimed = bool(Command.objects.claim([self.pk]))
        self.status = Status.DELIVERED if claimed else self.status
        return claimed

    def mark_delivered(self, now=None):
        self.delivered_at = now or timezone.now()
        Command.objects.filter(pk=self.pk).update(delivered_at=self.delivered_at)

    def finish(self, status, code, reason, now=None, only_from=None, **fields):
        """Move to a final status unless already final (or, with `only_from`,
        only from that status); True if it moved."""
        values = {
            "status": status,
            "status_code": code[:40],
            "status_reason": reason,
            "finished_at": now or timezone.now(),
            **fields,
        }
        rows = Command.objects.filter(pk=self.pk).exclude(status__in=FINAL_STATUSES)
        if only_from:
            rows = rows.filter(status=only_from)
        moved = rows.update(**values)
        if moved:
            for name, value in values.items():
                setattr(self, name, value)
            transaction.on_commit(partial(live.commands_changed, [self.pk]))
            transaction.on_commit(self.announce_final)
        return bool(moved)

    def announce_final(self):
        """After the outcome committed: its log line and its notification
        (queued for the sender thread; the supervisor never waits on it)."""
        self.log_transition()
        notify.trade_result(self)

    def log_transition(self):
        """One line per status change, with the ids that tie a command to its
        signal and account."""
        if not log.isEnabledFor(logging.INFO):
            return
        log.info(
            "command %s %s (signal %s, account %s): %s",
            self.pk,
            self.status,
            self.signal_id,
            self.account_login,
            self.transition_detail(),
        )

    def summary(self):
        """What the command does, for people: "BUY XAUUSD 0.01"."""
        return " ".join(filter(None, [self.action, self.symbol, number(self.volume)]))

    def transition_detail(self):
        if self.status == Status.QUEUED:
            return self.summary()
        if self.status == Status.DELIVERED:
            return self.file_name
        if self.status == Status.EXECUTED:
            return (
                f"ticket {self.result_ticket}, {number(self.filled_volume)} "
                f"at {number(self.fill_price)}"
            )
        return f"{self.status_code}: {self.status_reason}"[:300]

    def record_result(self, result, now=None):
        """Store a terminal's checked result (ea/PROTOCOL.md §4, `check_result`);
        True if recorded. A result for a command already settled for want of
        one (PROVISIONAL) still records what happened, marked late."""
        retcode = result.get("retcode")
        retcode = retcode if isinstance(retcode, int) else None
        message = str(result.get("message") or "") + partial_close_note(result)
        status = result["status"]
        code = f"retcode_{retcode}" if retcode else status
        ticket = result.get("ticket")
        fields = {
            "retcode": retcode,
            "result_ticket": ticket if isinstance(ticket, int) else None,
            "fill_price": to_decimal(result.get("price")),
            "filled_volume": to_decimal(result.get("volume")),
            "result_message": message,
        }
        if self.finish(status, code, message, now=now, **fields):
            return True
        return self.record_late(status, code, message, now, fields)

    def record_late(self, status, code, message, now, fields):
        """Replace a provisional outcome with the terminal's own, saying so.

        Only what the server concluded from silence gives way: a terminal's
        answer, or an `expired` proven by withdrawing the untaken file
        (`not_taken`), is final for good. Conditional on the outcome read,
        so two late copies cannot both win."""
        before = Command.objects.filter(PROVISIONAL, pk=self.pk).first()
        if before is None:
            return False
        reason = (
            f"{message} (this result came late: the command had been recorded "
            f"{before.status} first)"
        ).lstrip()
        moved = Command.objects.filter(
            pk=self.pk, status=before.status, status_code=before.status_code
        ).update(
            status=status,
            status_code=code[:40],
            status_reason=reason,
            finished_at=now or timezone.now(),
            **fields,
        )
        if moved:
            self.refresh_from_db()
            log.warning(
                "command %s: late result %s replaced %s", self.pk, status, before.status
            )
            transaction.on_commit(partial(live.commands_changed, [self.pk]))
            transaction.on_commit(self.announce_final)
        return bool(moved)
