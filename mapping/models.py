from django.db import models

from accounts.models import Account
from mapping.names import strip_exchange


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
