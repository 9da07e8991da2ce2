"""The record of each time someone cleared the history: who, when, what and
how much. Clearing archives (the alerts stay, hidden from the pages and the
API's lists), and this row outlives it: a trader with real money must be able
to say, later, what happened on the account and who made the pages forget it."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Clearing(models.Model):
    """One 'Clear' of the history page; the archived Signals point to it."""

    at = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The name as it was, kept when the user is deleted or renamed.
    username = models.CharField(max_length=150)
    scope = models.CharField(max_length=300)
    signals = models.PositiveIntegerField()
    commands = models.PositiveIntegerField()

    class Meta:
        app_label = "history"
        ordering = ["-at"]

    def __str__(self):
        return (
            f"{self.username} cleared {self.signals} alerts at {self.at:%Y-%m-%d %H:%M}"
        )
