"""What each account's terminal last reported of its book (ea/PROTOCOL.md
5.1), and the two small series the pages draw from it: balance and equity
one point per few minutes, and the realised P&L of each of the broker's
days. accounts.bridge.book stores them; the API shows them."""

from django.db import models


def money(**kwargs):
    # As a Command's price and volume: ea.bounds keeps every figure below
    # 10^12, which this column holds and reads back on either database.
    return models.DecimalField(max_digits=24, decimal_places=10, **kwargs)


class AccountBook(models.Model):
    """The latest book of one account, replaced whole by the next one: never
    a history of what the terminal reported. The lists are kept as the
    terminal sent them, each entry with exactly the fields of ea/PROTOCOL.md
    5.1 (ea.bounds.check_book drops any other)."""

    account = models.OneToOneField(
        "accounts.Account",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="book",
    )
    reported_at = models.DateTimeField(help_text="When the terminal wrote it.")
    stored_at = models.DateTimeField()
    day = models.DateField(
        help_text="The trade server's day of `deals` and `realized`."
    )
    server_offset = models.IntegerField(
        help_text="Seconds the trade server's clock runs ahead of UTC."
    )
    currency = models.CharField(max_length=16)
    balance = money()
    equity = money()
    margin = money()
    margin_free = money()
    margin_level = money(null=True, blank=True, help_text="Null: no margin held.")
    profit = money(help_text="Floating profit and swap of the open positions.")
    realized = money(help_text="What the day's deals added to the balance.")
    positions_total = models.PositiveIntegerField()
    orders_total = models.PositiveIntegerField()
    deals_total = models.PositiveIntegerField()
    positions = models.JSONField(default=list)
    orders = models.JSONField(default=list)
    deals = models.JSONField(default=list)

    def __str__(self):
        return f"book of {self.account_id} at {self.reported_at:%Y-%m-%d %H:%M:%S}"


class EquityPoint(models.Model):
    """Balance and equity of one account at the start of one step of
    BOOK_SERIES_STEP seconds: the first book stored in that step. Points
    older than BOOK_SERIES_DAYS are deleted as new ones come."""

    account = models.ForeignKey(
        "accounts.Account", on_delete=models.CASCADE, related_name="equity_points"
    )
    at = models.DateTimeField()
    balance = money()
    equity = money()

    class Meta:
        ordering = ["account", "at"]
        constraints = [
            # Also the index the API's range and the pruning read.
            models.UniqueConstraint(
                fields=["account", "at"], name="equitypoint_one_per_step"
            ),
        ]

    def __str__(self):
        return f"{self.account_id} at {self.at:%Y-%m-%d %H:%M}: {self.equity}"


class DailyPnl(models.Model):
    """The realised P&L of one account on one of its broker's days, as the
    last book of that day said. A day the terminal was not running to its
    end keeps what its last book said."""

    account = models.ForeignKey(
        "accounts.Account", on_delete=models.CASCADE, related_name="daily_pnl"
    )
    day = models.DateField()
    realized = money()
    deals = models.PositiveIntegerField(help_text="Deals that closed a position.")
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["account", "day"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "day"], name="dailypnl_one_per_day"
            ),
        ]

    def __str__(self):
        return f"{self.account_id} on {self.day}: {self.realized}"
