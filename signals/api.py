"""The REST API of alerts (/api/signals/): every webhook request that passed
the token check, as stored, with the commands it made."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from history.api import CommandSerializer
from history.models import Command
from mt5bot.api.base import ApiMixin, ModelSerializer, Page, TimeFilter
from signals.models import Outcome, Signal


class SignalSerializer(ModelSerializer):
    """A webhook request as stored (the token already blanked out of
    `raw_body`), what it was parsed into, and the commands it made."""

    commands = CommandSerializer(many=True, read_only=True)

    class Meta:
        model = Signal
        fields = "__all__"


class SignalFilter(TimeFilter):
    outcome = serializers.ChoiceField(Outcome.choices, required=False)
    format = serializers.CharField(
        required=False, help_text="json, pineconnector, form, ..."
    )


@extend_schema_view(list=extend_schema(parameters=[SignalFilter]))
class SignalViewSet(ApiMixin, viewsets.ReadOnlyModelViewSet):
    """Every webhook request that passed the token check, newest first, with
    the commands it made."""

    serializer_class = SignalSerializer
    pagination_class = Page

    def get_queryset(self):
        commands = Prefetch("commands", queryset=Command.objects.order_by("id"))
        signals = Signal.objects.prefetch_related(commands)
        if self.action != "list":
            return signals
        return SignalFilter(data=self.request.query_params).filter(signals)
