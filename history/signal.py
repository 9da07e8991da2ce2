"""
The Signal: one webhook request that passed the token check, as received,
and what the intake made of it. Commands (history.models) belong to it.
"""

from datetime import timedelta

from django.db import models
from django.utils import timezone

from history.clearing import Clearing


class Outcome(models.TextChoices):
    """What became of an alert. Refused, not rejected: that is the word of an
    order (a Command's status), which the broker or the intake rejects; an
    alert that made no order at all is refused."""

    ACCEPTED = "accepted", "Accepted"
    DUPLICATE = "duplicate", "Duplicate (re-send)"
    REFUSED = "refused", "Refused"


class SignalQuerySet(models.QuerySet):
    def current(self):
        """What the pages and the API's lists show: all but the cleared."""
        return self.filter(clearing=None)

    def original_of(self, key, body_hash, window):
        """The accepted Signal a new request repeats, or None.

        An explicit idempotency key decides alone; without one, the same body
        inside the window counts as a re-send (TradingView re-sends on 5xx).
        """
        accepted = self.filter(outcome=Outcome.ACCEPTED)
        if key:
            found = accepted.filter(idempotency_key=key).order_by()
        elif window > 0:
            since = timezone.now() - timedelta(seconds=window)
            found = accepted.filter(body_hash=body_hash, received_at__gte=since)
        else:
            return None
        # No ordering: at most one accepted Signal per key, and any re-send in
        # the window will do. (.first() would add an ORDER BY on every request.)
        return next(iter(found[:1]), None)


class Signal(models.Model):
    """One inbound webhook request that passed the token check, kept whatever
    became of it, so history can always say why an alert did or did nothing."""

    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    source_ip = models.GenericIPAddressField(null=True, blank=True)
    content_type = models.CharField(max_length=200, blank=True)
    raw_body = models.TextField(blank=True)
    body_hash = models.CharField(max_length=64, blank=True)
    format = models.CharField(max_length=20, blank=True)
    # NULL, not "", when absent: the unique constraint below must ignore it.
    idempotency_key = models.CharField(max_length=200, null=True, blank=True)  # noqa: DJ001
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    http_status = models.PositiveSmallIntegerField()
    rejection_code = models.CharField(max_length=40, blank=True)
    rejection_reason = models.TextField(blank=True)
    rejection_field = models.CharField(max_length=100, blank=True)
    parsed = models.JSONField(null=True, blank=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Set when the history was cleared: archived, not deleted (see Clearing).
    clearing = models.ForeignKey(
        Clearing,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="archived",
    )

    objects = SignalQuerySet.as_manager()

    class Meta:
        # Created by the signals app, which takes alerts in; the record is
        # history's. The table kept its first name.
        db_table = "signals_signal"
        ordering = ["-received_at", "-id"]
        permissions = [("clear_history", "Can clear (archive) finished history")]
        indexes = [
            # Read by SignalQuerySet.original_of on every webhook request.
            models.Index(fields=["body_hash", "received_at"], name="signal_dedupe"),
        ]
        constraints = [
            # Two concurrent deliveries of one explicit id: only one is accepted.
            models.UniqueConstraint(
                fields=["idempotency_key"],
                condition=models.Q(outcome="accepted"),
                name="signal_one_accepted_per_key",
            ),
        ]

    def __str__(self):
        return f"Signal {self.pk} ({self.outcome})"
