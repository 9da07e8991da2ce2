"""The symbols an account's broker offers, as its terminal reports them
(ea/PROTOCOL.md 5); accounts.bridge.symbols stores them, the mapping app
reads them."""

from django.db import models
from django.utils import timezone


class SymbolList(models.Model):
    """The symbols an account's broker offers, as its terminal last listed
    them in webhook_symbols.json. No row, or no `stored_at`, means the list is
    not known yet and alerts go unchecked."""

    account = models.OneToOneField(
        "accounts.Account", on_delete=models.CASCADE, related_name="symbol_list"
    )
    symbols = models.JSONField(default=list, blank=True)
    count = models.PositiveIntegerField(default=0)
    listed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the terminal wrote the list."
    )
    # The resolver's caches compare this stamp to see a new list.
    stored_at = models.DateTimeField(null=True, blank=True)
    refresh_requested_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Set to ask the supervisor for a fresh list; cleared when "
        "one is stored.",
    )

    class Meta:
        # Created by the mapping app, which reads it; the terminal reports
        # it, so it belongs to the account. The table kept its first name.
        db_table = "mapping_symbollist"

    def __str__(self):
        return f"symbols of {self.account.login} ({self.count})"

    @classmethod
    def request_refresh(cls, accounts):
        """Ask the supervisor to fetch these accounts' lists again."""
        now, accounts = timezone.now(), list(accounts)
        # update() sends no signal: a request changes no resolution, so the
        # resolver's caches have nothing to drop.
        cls.objects.filter(account__in=accounts).update(refresh_requested_at=now)
        have = set(
            cls.objects.filter(account__in=accounts).values_list(
                "account_id", flat=True
            )
        )
        cls.objects.bulk_create(
            cls(account=a, refresh_requested_at=now)
            for a in accounts
            if a.pk not in have
        )
