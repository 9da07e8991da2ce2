import json

from django.db.models import F, Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import routers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import operations
from accounts.models import Account
from accounts.validators import LOGIN_PATTERN
from history.models import Command
from mapping.models import SymbolMapping
from mapping.resolver import explain
from mt5bot.api import filters
from mt5bot.api.base import ApiMixin, Conflict, Refused
from mt5bot.api.serializers import (
    AccountSerializer,
    CommandSerializer,
    MappingSerializer,
    NewAccountSerializer,
    ResolvedSerializer,
    SignalSerializer,
)
from mt5bot.health import health
from signals.models import Signal


class Outcome(serializers.Serializer):
    detail = serializers.CharField()
    by_supervisor = serializers.BooleanField(
        required=False,
        help_text="True: the running supervisor was asked and acts within a "
        "pass; watch `status`. False: done here, as no supervisor runs.",
    )
    account = AccountSerializer(required=False)


def outcome(detail, account=None, by_supervisor=None):
    body = {"detail": detail}
    if by_supervisor is not None:
        body["by_supervisor"] = by_supervisor
    if account is not None:
        body["account"] = AccountSerializer(account).data
    return body


class Root(ApiMixin, routers.APIRootView):
    """The endpoints of this API."""


ACTION = extend_schema(request=None, responses={202: Outcome, 409: Outcome})


@extend_schema_view(
    create=extend_schema(request=NewAccountSerializer, responses={201: Outcome}),
    destroy=extend_schema(
        parameters=[filters.RemoveParams], responses={200: Outcome, 409: Outcome}
    ),
    start=ACTION,
    stop=ACTION,
    restart=ACTION,
)
class AccountViewSet(ApiMixin, viewsets.ModelViewSet):
    """Accounts and their terminals. Adding, starting, stopping, restarting and
    removing do exactly what `manage.py accounts` does: the supervisor owns
    the processes, and acts on `desired` within a pass."""

    queryset = Account.objects.all()
    serializer_class = AccountSerializer
    lookup_field = "login"
    lookup_value_regex = LOGIN_PATTERN.pattern

    def get_serializer_class(self):
        return NewAccountSerializer if self.action == "create" else AccountSerializer

    def create(self, request, *args, **kwargs):
        serializer = NewAccountSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            account = serializer.save()
        except operations.OperationError as exc:
            raise Refused(str(exc)) from exc
        body = outcome(" ".join(serializer.notes), account)
        return Response(body, status=status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        params = filters.RemoveParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        account = self.get_object()
        ended = self.run(operations.remove, account, **params.validated_data)
        kept = "kept" if params.validated_data["keep_files"] else "deleted"
        detail = f"removed (terminal {ended}; its folder is {kept}; history kept)."
        return Response(outcome(detail))

    @action(detail=True, methods=["post"])
    def start(self, request, login):
        """Start the terminal (desired = running)."""
        return self.act(operations.start)

    @action(detail=True, methods=["post"])
    def stop(self, request, login):
        """Stop the terminal (desired = stopped)."""
        return self.act(operations.stop)

    @action(detail=True, methods=["post"])
    def restart(self, request, login):
        """Stop and start the terminal (sets restart_requested_at)."""
        return self.act(operations.restart)

    def act(self, operation):
        account = self.get_object()
        done = self.run(operation, account)
        body = outcome(done.detail, account, done.by_supervisor)
        return Response(body, status=status.HTTP_202_ACCEPTED)

    def run(self, operation, account, **kwargs):
        try:
            return operation(account, **kwargs)
        except operations.OperationError as exc:
            raise Conflict(str(exc)) from exc


@extend_schema_view(list=extend_schema(parameters=[filters.SignalFilter]))
class SignalViewSet(ApiMixin, viewsets.ReadOnlyModelViewSet):
    """Every webhook request that passed the token check, newest first, with
    the commands it made."""

    serializer_class = SignalSerializer
    pagination_class = filters.Page

    def get_queryset(self):
        commands = Prefetch("commands", queryset=Command.objects.order_by("id"))
        signals = Signal.objects.prefetch_related(commands)
        if self.action != "list":
            return signals
        return filters.SignalFilter(data=self.request.query_params).filter(signals)


@extend_schema_view(list=extend_schema(parameters=[filters.CommandFilter]))
class CommandViewSet(ApiMixin, viewsets.ReadOnlyModelViewSet):
    """Every command, newest first: what an account was asked to do, what the
    terminal received (`protocol`) and what the broker answered."""

    serializer_class = CommandSerializer
    pagination_class = filters.Page

    def get_queryset(self):
        if self.action != "list":
            return Command.objects.all()
        query = filters.CommandFilter(data=self.request.query_params)
        return query.filter(Command.objects.all())


class Resolutions(serializers.Serializer):
    symbol = serializers.CharField()
    accounts = ResolvedSerializer(many=True)


class MappingViewSet(ApiMixin, viewsets.ModelViewSet):
    """Symbol mappings: an alert's symbol that means one broker symbol, on one
    account or (account null) on all of them."""

    # The global mapping first, on every database (NULL sorts differently).
    queryset = SymbolMapping.objects.select_related("account").order_by(
        "alias", F("account__login").asc(nulls_first=True)
    )
    serializer_class = MappingSerializer
    pagination_class = filters.Page

    @extend_schema(parameters=[filters.ResolveParams], responses=Resolutions)
    @action(detail=False, methods=["get"])
    def resolve(self, request):
        """What a symbol becomes on each account, and why, before an alert
        uses it."""
        params = filters.ResolveParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        accounts = Account.objects.all()
        if login := params.validated_data.get("account"):
            accounts = [get_object_or_404(accounts, login=login)]
        symbol = params.validated_data["symbol"]
        rows = ResolvedSerializer(explain(symbol, accounts), many=True).data
        return Response({"symbol": symbol, "accounts": rows})


HEALTH_ACCOUNT_FIELDS = (
    "login",
    "nickname",
    "enabled",
    "trading_paused",
    "desired",
    "status",
    "status_reason",
    "heartbeat_at",
)


class HealthView(ApiMixin, APIView):
    """/health's body, plus each account's terminal by number (the caller is
    logged in; /health itself names none)."""

    @extend_schema(responses={200: dict, 503: dict})
    def get(self, request):
        answer = health(request._request)
        body = json.loads(answer.content)
        if body.get("database") == "ok":
            rows = Account.objects.values(*HEALTH_ACCOUNT_FIELDS)
            body["account_list"] = list(rows)
        return Response(body, status=answer.status_code)
