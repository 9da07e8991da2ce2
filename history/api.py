"""The REST API of history: alerts (/api/signals/), every webhook request
that passed the token check with the commands it made, and commands
(/api/commands/), what each account was asked to do, what its terminal
received and what the broker answered."""

from django.db.models import Prefetch, Q
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from accounts.validators import validate_login
from history.models import Command, Outcome, Signal, Status
from mt5bot.api.base import ApiMixin, ModelSerializer, Page, TimeFilter

# A refused alert's outcome was stored as "rejected" before it had a word of
# its own (orders are rejected); scripts that filter by it keep working.
FORMER_REFUSED = "rejected"


class CommandSerializer(ModelSerializer):
    """A command, its lifecycle and the broker's answer; `protocol` is the
    exact JSON the terminal received (ea/PROTOCOL.md section 3)."""

    protocol = serializers.SerializerMethodField()

    class Meta:
        model = Command
        exclude = ["account"]

    def get_protocol(self, command) -> dict:
        return command.as_protocol()


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

    lookups = {**TimeFilter.lookups, "account": "account_login", "signal": "signal_id"}

    def filter_symbol(self, queryset, value):
        return queryset.filter(
            Q(symbol__iexact=value) | Q(original_symbol__iexact=value)
        )


@extend_schema_view(list=extend_schema(parameters=[CommandFilter]))
class CommandViewSet(ApiMixin, viewsets.ReadOnlyModelViewSet):
    """Every command, newest first: what an account was asked to do, what the
    terminal received (`protocol`) and what the broker answered."""

    serializer_class = CommandSerializer
    pagination_class = Page

    queryset = Command.objects.all()  # for ModelPermissions; read below

    def get_queryset(self):
        if self.action != "list":
            return Command.objects.all()
        # The list, like the pages, leaves out what a clearing archived.
        shown = Command.objects.filter(signal__clearing=None)
        return CommandFilter(data=self.request.query_params).filter(shown)


class SignalSerializer(ModelSerializer):
    """A webhook request as stored (the token already blanked out of
    `raw_body`), what it was parsed into, and the commands it made."""

    commands = CommandSerializer(many=True, read_only=True)

    class Meta:
        model = Signal
        fields = "__all__"


class SignalFilter(TimeFilter):
    outcome = serializers.ChoiceField(
        [*Outcome.choices, (FORMER_REFUSED, "Refused (its former name)")],
        required=False,
        help_text="accepted, duplicate or refused; rejected, the former name of "
        "refused, still finds the refused ones.",
    )
    format = serializers.CharField(
        required=False, help_text="json, pineconnector, form, ..."
    )

    def filter_outcome(self, queryset, value):
        return queryset.filter(
            outcome=Outcome.REFUSED if value == FORMER_REFUSED else value
        )


@extend_schema_view(list=extend_schema(parameters=[SignalFilter]))
class SignalViewSet(ApiMixin, viewsets.ReadOnlyModelViewSet):
    """Every webhook request that passed the token check, newest first, with
    the commands it made."""

    queryset = Signal.objects.all()  # for ModelPermissions; read below
    serializer_class = SignalSerializer
    pagination_class = Page

    def get_queryset(self):
        commands = Prefetch("commands", queryset=Command.objects.order_by("id"))
        signals = Signal.objects.prefetch_related(commands)
        if self.action != "list":
            return signals
        # The list, like the pages, leaves out what a clearing archived.
        return SignalFilter(data=self.request.query_params).filter(signals.current())
