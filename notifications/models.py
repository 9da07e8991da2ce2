from django.db import models
from django.utils import timezone


class Event(models.TextChoices):
    """What a notification can be about; NOTIFY_EVENTS switches each one."""

    STARTUP = "startup"
    ACCOUNT_ONLINE = "account_online"
    ACCOUNT_OFFLINE = "account_offline"
    ACCOUNT_DEGRADED = "account_degraded"
    VALIDATION_ERROR = "validation_error"
    UNAUTHORIZED = "unauthorized"
    LOGIN_FAILED = "login_failed"
    TRADE_EXECUTED = "trade_executed"
    TRADE_FAILED = "trade_failed"
    SUPERVISOR_ABSENT = "supervisor_absent"


class Delivery(models.TextChoices):
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class Notification(models.Model):
    """One message to one channel, and whether it went.

    Written only by the sender threads (`notifications.outbox`): created
    `sending` before the channel is called and finished after, so a send cut
    short by a crash stays visible as `sending` instead of vanishing.
    """

    kind = models.CharField(max_length=30, choices=Event.choices)
    # What makes two alerts "the same" besides their kind: an account, an address.
    key = models.CharField(max_length=100, blank=True)
    # "email", or an Apprise URL with its secrets masked; never the URL itself.
    channel = models.CharField(max_length=200)
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    # Alerts like this one held back by the throttle and summed up here.
    repeats = models.PositiveIntegerField(default=0)
    status = models.CharField(
        max_length=10, choices=Delivery.choices, default=Delivery.SENDING
    )
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.subject} ({self.channel}, {self.status})"

    def finish(self, error=""):
        self.status = Delivery.FAILED if error else Delivery.SENT
        self.error = error
        self.finished_at = timezone.now()
        self.save(update_fields=["status", "error", "finished_at"])
