"""The runs of the supervisor (`manage.py supervise`, or the one inside
`serve`), as /health and the account commands see them."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone


class SupervisorQuerySet(models.QuerySet):
    def alive(self, now=None):
        now = now or timezone.now()
        stale = timedelta(seconds=settings.SUPERVISOR_STALE_AFTER)
        return self.filter(beat_at__gte=now - stale, stopped_at=None)

    def state(self):
        """Whether a supervisor is "running", "gone" (it stopped beating) or
        "none" (none ever ran)."""
        if self.alive().exists():
            return "running"
        return "gone" if self.exists() else "none"


class Supervisor(models.Model):
    """One run of `manage.py supervise` (or of the one inside `serve`).

    It beats every pass; /health and the account commands read the beat to
    know whether anyone is delivering commands and minding terminals.
    """

    host = models.CharField(max_length=100, blank=True)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    beat_at = models.DateTimeField(default=timezone.now)
    stopped_at = models.DateTimeField(null=True, blank=True)

    objects = SupervisorQuerySet.as_manager()

    class Meta:
        ordering = ["-beat_at"]

    def __str__(self):
        return f"supervisor {self.pid} on {self.host or 'this host'}"
