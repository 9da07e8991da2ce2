"""What the API shows of an account's book (ea/PROTOCOL.md 5.1), read only:
the latest book (/api/accounts/<login>/book/), the equity curve
(.../equity/) and the realised P&L of each broker's day (.../pnl/).
accounts/api.py routes them; accounts.bridge.book stores them."""

from rest_framework import serializers

from accounts.books import AccountBook, DailyPnl, EquityPoint
from mt5bot.api.base import Filter, ModelSerializer


class Entry(serializers.Serializer):
    """The fields every entry of a book's lists has."""

    ticket = serializers.IntegerField()
    symbol = serializers.CharField()
    volume = serializers.FloatField()
    magic = serializers.IntegerField()
    comment = serializers.CharField(allow_blank=True)
    time = serializers.IntegerField(help_text="Unix seconds, UTC.")


class Placed(Entry):
    price_open = serializers.FloatField()
    sl = serializers.FloatField(allow_null=True)
    tp = serializers.FloatField(allow_null=True)


class Position(Placed):
    type = serializers.ChoiceField(["buy", "sell"])
    swap = serializers.FloatField()
    profit = serializers.FloatField(help_text="Floating, without swap.")


class Order(Placed):
    type = serializers.CharField(help_text="buy_limit, sell_stop, ... or other.")


class Deal(Entry):
    order = serializers.IntegerField()
    position = serializers.IntegerField()
    type = serializers.ChoiceField(["buy", "sell"])
    entry = serializers.ChoiceField(["out", "inout", "out_by"])
    price = serializers.FloatField()
    profit = serializers.FloatField()
    swap = serializers.FloatField()
    commission = serializers.FloatField()


class BookSerializer(ModelSerializer):
    """The account's latest book as its terminal reported it: at most 200
    entries per list; the `_total` fields say how many there are."""

    login = serializers.CharField(source="account.login")
    positions = Position(many=True)
    orders = Order(many=True)
    deals = Deal(many=True, help_text="The day's deals that closed a position.")

    class Meta:
        model = AccountBook
        fields = [
            "login", "reported_at", "stored_at", "day", "server_offset", "currency",
            "balance", "equity", "margin", "margin_free", "margin_level", "profit",
            "realized", "positions_total", "orders_total", "deals_total",
            "positions", "orders", "deals",
        ]  # fmt: skip


class EquityPointSerializer(ModelSerializer):
    class Meta:
        model = EquityPoint
        fields = ["at", "balance", "equity"]


class DailyPnlSerializer(ModelSerializer):
    class Meta:
        model = DailyPnl
        fields = ["day", "realized", "deals"]


class EquityFilter(Filter):
    since = serializers.DateTimeField(
        required=False, help_text="Points at or after this time (ISO 8601)."
    )
    until = serializers.DateTimeField(
        required=False, help_text="Points before this time (ISO 8601)."
    )
    lookups = {"since": "at__gte", "until": "at__lt"}


class PnlFilter(Filter):
    since = serializers.DateField(
        required=False, help_text="Days on or after this one (YYYY-MM-DD)."
    )
    until = serializers.DateField(
        required=False, help_text="Days before this one (YYYY-MM-DD)."
    )
    lookups = {"since": "day__gte", "until": "day__lt"}
