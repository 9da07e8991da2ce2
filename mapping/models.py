from django.db import models
from django.utils import timezone

from accounts.models import Account
from mapping.names import strip_exchange

# What a stored list keeps of each symbol (ea/PROTOCOL.md section 5): enough to
# resolve and to show in the admin. The full specification stays in the
# terminal; keeping it here would make every cold load parse ~3x the JSON.
KEPT_FIELDS = ("name", "description", "path", "trade_mode")


def clean_alias(text):
    """Aliases match the alert's symbol without case or exchange prefix, as
    the seed's `custom_mappings.json` did ("goldspot" matches GOLDSPOT)."""
    return strip_exchange(str(text)).upper()


class SymbolMapping(models.Model):
    """An alert symbol that means one broker symbol: on one account, or on
    every account when `account` is empty. The account's own mapping wins."""

    alias = models.CharField(
        max_length=64, help_text="The symbol as alerts send it; case is ignored."
    )
    symbol = models.CharField(
        max_length=64,
        help_text="The broker's symbol; on a known list it is checked, and "
        "normalised when the broker spells it differently.",
    )
    account = models.ForeignKey(
        Account,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="symbol_mappings",
        help_text="Empty: every account.",
    )
    note = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        # Not by account login: the resolver's queries would join accounts.
        ordering = ["alias"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "alias"],
                name="mapping_alias_once_per_account",
                violation_error_message="This alias is already mapped on this account.",
            ),
            # NULLs are distinct in a unique index: the global one needs its own.
            models.UniqueConstraint(
                fields=["alias"],
                condition=models.Q(account=None),
                name="mapping_alias_once_globally",
                violation_error_message="This alias is already mapped globally.",
            ),
        ]

    def __str__(self):
        where = self.account.login if self.account_id else "all accounts"
        return f"{self.alias} -> {self.symbol} ({where})"

    def save(self, *args, **kwargs):
        self.clean()
        super().save(*args, **kwargs)

    def clean(self):
        # Before the unique checks, so "gold" meets an existing "GOLD" there.
        self.alias = clean_alias(self.alias)
        self.symbol = self.symbol.strip()


class SymbolList(models.Model):
    """The symbols an account's broker offers, as its terminal last listed
    them in webhook_symbols.json. No row, or no `stored_at`, means the list is
    not known yet and alerts go unchecked."""

    account = models.OneToOneField(
        Account, on_delete=models.CASCADE, related_name="symbol_list"
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
