import uuid

from django.db import models
from django.utils import timezone


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


def money(**kwargs):
    return models.DecimalField(
        max_digits=24, decimal_places=10, null=True, blank=True, **kwargs
    )


class Command(models.Model):
    """What one account is asked to do for one Signal, and what became of it.

    The fields named in `PROTOCOL_FIELDS` are the command exactly as the
    terminal receives it; the rest is its lifecycle and the broker's answer.
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    signal = models.ForeignKey(
        "signals.Signal", on_delete=models.CASCADE, related_name="commands"
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

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            # Read by the supervisor's delivery loop: queued commands, oldest first.
            models.Index(
                fields=["status", "received_at"],
                condition=models.Q(status="queued"),
                name="command_queued",
            ),
        ]

    def __str__(self):
        return f"{self.action} {self.symbol} on {self.account_login} ({self.status})"

    @property
    def is_final(self):
        return self.status in FINAL_STATUSES
