"""The REST API of accounts and their terminals (/api/accounts/): the same
operations as `manage.py accounts` and the dashboard (accounts.operations)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts import book_api, operations
from accounts.models import SETTINGS_FIELDS, Account, AccountBook
from accounts.validators import LOGIN_PATTERN
from mt5bot import roles
from mt5bot.api.base import ApiMixin, Conflict, ModelSerializer, Refused

SETTINGS = [*SETTINGS_FIELDS, "margin_mode", "paper_faults", "transport"]
# Written by the supervisor and the terminal, never through the API.
TERMINAL_FIELDS = [
    "desired",
    "status",
    "status_reason",
    "status_changed_at",
    "restart_requested_at",
    "pid",
    "heartbeat",
    "heartbeat_at",
]


class AccountSerializer(ModelSerializer):
    """An account and its terminal; the EA key hash is never shown, only
    whether one is set."""

    has_ea_key = serializers.SerializerMethodField()

    class Meta:
        model = Account
        fields = [
            "login",
            "kind",
            "host",
            *SETTINGS,
            "created_at",
            *TERMINAL_FIELDS,
            "has_ea_key",
        ]
        # The host is chosen when adding: moved later, the old host's
        # supervisor would leave its terminal running unminded.
        read_only_fields = ["login", "kind", "host", "created_at", *TERMINAL_FIELDS]

    def get_has_ea_key(self, account) -> bool:
        return bool(account.ea_key_hash)

    def update(self, instance, validated_data):
        """Account.save() checks the bounded settings again, the ones not in
        this request too: a row saved before the bounds (magic 0), or a
        max_volume above a since-lowered MAX_ORDER_VOLUME, is a 400 naming
        the field to correct, not a 500."""
        try:
            return super().update(instance, validated_data)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from None


class NewAccountSerializer(AccountSerializer):
    """Adding an account does what `manage.py accounts add` does: validate the
    number, create the row and the terminal's folder, then start it."""

    kind = serializers.ChoiceField(
        Account._meta.get_field("kind").choices,
        required=False,
        help_text="Default: mt5 on Windows with MT5_MAIN_PATH set, else paper.",
    )
    transport = serializers.ChoiceField(
        Account._meta.get_field("transport").choices,
        required=False,
        help_text="Default: TRADING_METHOD.",
    )
    start = serializers.BooleanField(
        default=True, write_only=True, help_text="Start the terminal once added."
    )

    class Meta(AccountSerializer.Meta):
        fields = [*AccountSerializer.Meta.fields, "start"]
        read_only_fields = ["created_at", *TERMINAL_FIELDS]

    def create(self, validated_data):
        start = validated_data.pop("start")
        login, nickname = (
            validated_data.pop("login"),
            validated_data.pop("nickname", ""),
        )
        terminal = {
            name: validated_data.pop(name)
            for name in ("kind", "margin_mode", "transport", "host")
            if name in validated_data
        }
        added = operations.add_account(login, nickname, **terminal)
        account = added.account
        if validated_data:
            for name, value in validated_data.items():
                setattr(account, name, value)
            account.save(update_fields=list(validated_data))
        self.notes = [f"added a {account.kind} account.", *added.notes()]
        if start:
            self.notes.extend(operations.start_added(account))
        return account


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


ACTION = extend_schema(request=None, responses={202: Outcome, 409: Outcome})


@extend_schema_view(
    create=extend_schema(request=NewAccountSerializer, responses={201: Outcome}),
    destroy=extend_schema(
        parameters=[RemoveParams], responses={200: Outcome, 409: Outcome}
    ),
    start=ACTION,
    stop=ACTION,
    restart=ACTION,
    book=extend_schema(responses=book_api.BookSerializer),
    equity=extend_schema(
        parameters=[book_api.EquityFilter],
        responses=book_api.EquityPointSerializer(many=True),
    ),
    pnl=extend_schema(
        parameters=[book_api.PnlFilter],
        responses=book_api.DailyPnlSerializer(many=True),
    ),
)
class AccountViewSet(ApiMixin, viewsets.ModelViewSet):
    """Accounts and their terminals. Adding, starting, stopping, restarting and
    removing do exactly what `manage.py accounts` does: the supervisor owns
    the processes, and acts on `desired` within a pass."""

    queryset = Account.objects.all()
    serializer_class = AccountSerializer
    # A trader starts and stops; adding, changing (the volume multiplier)
    # and removing take an admin's add/change/delete (ModelPermissions).
    action_permissions = {
        "start": [roles.CONTROLS],
        "stop": [roles.CONTROLS],
        "restart": [roles.CONTROLS],
    }
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
        params = RemoveParams(data=request.query_params)
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

    @action(detail=True, methods=["get"])
    def book(self, request, login):
        """The terminal's latest book: positions, pending orders, the broker
        day's closing deals and the money (ea/PROTOCOL.md 5.1); 404 until
        it has reported one."""
        account = self.get_object()
        book = AccountBook.objects.filter(account=account).first()
        if book is None:
            raise exceptions.NotFound("This account's terminal has reported no book.")
        book.account = account
        return Response(book_api.BookSerializer(book).data)

    @action(detail=True, methods=["get"])
    def equity(self, request, login):
        """Balance and equity, one point per BOOK_SERIES_STEP seconds, oldest
        first, as far back as BOOK_SERIES_DAYS."""
        points = self.get_object().equity_points.order_by("at")
        points = book_api.EquityFilter(data=request.query_params).filter(points)
        return Response(book_api.EquityPointSerializer(points, many=True).data)

    @action(detail=True, methods=["get"])
    def pnl(self, request, login):
        """Realised profit and loss of each of the broker's days, oldest first."""
        days = self.get_object().daily_pnl.order_by("day")
        days = book_api.PnlFilter(data=request.query_params).filter(days)
        return Response(book_api.DailyPnlSerializer(days, many=True).data)

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
