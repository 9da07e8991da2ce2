"""Query parameters of the list endpoints, validated like any input (a bad
one is a 400 naming it) and applied by `filter`. Passed to drf-spectacular as
the list's parameters, so the schema documents them."""

from django.db.models import Q
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination

from accounts.validators import validate_login
from history.models import Status
from signals.models import Outcome


class Page(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class Filter(serializers.Serializer):
    """Build with `data=request.query_params`; `filter(queryset)` validates."""

    def filter(self, queryset):
        self.is_valid(raise_exception=True)
        for name, value in self.validated_data.items():
            queryset = getattr(self, f"filter_{name}")(queryset, value)
        return queryset


class TimeFilter(Filter):
    since = serializers.DateTimeField(
        required=False, help_text="Received at or after this time (ISO 8601)."
    )
    until = serializers.DateTimeField(
        required=False, help_text="Received before this time (ISO 8601)."
    )

    def filter_since(self, queryset, value):
        return queryset.filter(received_at__gte=value)

    def filter_until(self, queryset, value):
        return queryset.filter(received_at__lt=value)


class SignalFilter(TimeFilter):
    outcome = serializers.ChoiceField(Outcome.choices, required=False)
    format = serializers.CharField(
        required=False, help_text="json, pineconnector, form, ..."
    )

    def filter_outcome(self, queryset, value):
        return queryset.filter(outcome=value)

    def filter_format(self, queryset, value):
        return queryset.filter(format=value)


class CommandFilter(TimeFilter):
    account = serializers.CharField(
        required=False,
        validators=[validate_login],
        help_text="The account number (also finds commands of removed accounts).",
    )
    status = serializers.ChoiceField(Status.choices, required=False)
    symbol = serializers.CharField(
        required=False,
        max_length=64,
        help_text="The broker's symbol or the alert's, without regard to case.",
    )
    signal = serializers.IntegerField(required=False, min_value=1)

    def filter_account(self, queryset, value):
        return queryset.filter(account_login=value)

    def filter_status(self, queryset, value):
        return queryset.filter(status=value)

    def filter_symbol(self, queryset, value):
        return queryset.filter(
            Q(symbol__iexact=value) | Q(original_symbol__iexact=value)
        )

    def filter_signal(self, queryset, value):
        return queryset.filter(signal_id=value)


class RemoveParams(serializers.Serializer):
    keep_files = serializers.BooleanField(
        default=False, help_text="Keep the terminal's folder."
    )
    wait = serializers.FloatField(
        default=10.0,
        min_value=0,
        max_value=60,
        help_text="Seconds to wait for a running supervisor to stop the terminal.",
    )


class ResolveParams(serializers.Serializer):
    symbol = serializers.CharField(
        max_length=64, help_text="As an alert sends it, e.g. OANDA:XAUUSD or GOLD."
    )
    account = serializers.CharField(
        required=False, validators=[validate_login], help_text="Only this account."
    )
