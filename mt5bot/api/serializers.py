from copy import copy

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from rest_framework import serializers

from accounts import operations
from accounts.models import Account
from history.models import Command
from mapping.models import SymbolMapping, clean_alias
from signals.models import Signal


class Number(serializers.DecimalField):
    """A decimal column as a JSON number (0.1, not "0.1000000000")."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("coerce_to_string", False)
        super().__init__(*args, **kwargs)


class ModelSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DecimalField: Number,
    }


# --- accounts ------------------------------------------------------------------

SETTINGS_FIELDS = [
    "nickname",
    "enabled",
    "trading_paused",
    "volume_multiplier",
    "max_volume",
    "allowed_symbols",
    "magic",
    "margin_mode",
    "transport",
]
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
            *SETTINGS_FIELDS,
            "created_at",
            *TERMINAL_FIELDS,
            "has_ea_key",
        ]
        # The host is chosen when adding: moved later, the old host's
        # supervisor would leave its terminal running unminded.
        read_only_fields = ["login", "kind", "host", "created_at", *TERMINAL_FIELDS]

    def get_has_ea_key(self, account) -> bool:
        return bool(account.ea_key_hash)


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


# --- history -------------------------------------------------------------------


class CommandSerializer(ModelSerializer):
    """A command, its lifecycle and the broker's answer; `protocol` is the
    exact JSON the terminal received (ea/PROTOCOL.md section 3)."""

    protocol = serializers.SerializerMethodField()

    class Meta:
        model = Command
        exclude = ["account"]

    def get_protocol(self, command) -> dict:
        return command.as_protocol()


class SignalSerializer(ModelSerializer):
    """A webhook request as stored (the token already blanked out of
    `raw_body`), what it was parsed into, and the commands it made."""

    commands = CommandSerializer(many=True, read_only=True)

    class Meta:
        model = Signal
        fields = "__all__"


# --- symbol mappings -----------------------------------------------------------


class MappingSerializer(ModelSerializer):
    account = serializers.SlugRelatedField(
        slug_field="login",
        queryset=Account.objects.all(),
        allow_null=True,
        required=False,
        help_text="Account number; null or absent: every account.",
    )

    class Meta:
        model = SymbolMapping
        fields = ["id", "alias", "symbol", "account", "note", "updated_at"]
        # The model's constraints are checked in validate(), on the cleaned
        # alias; DRF's own would make `account` a required field.
        validators = []

    def validate_alias(self, value):
        return clean_alias(value)

    def validate_symbol(self, value):
        return value.strip()

    def validate(self, attrs):
        candidate = copy(self.instance) if self.instance else SymbolMapping()
        for name, value in attrs.items():
            setattr(candidate, name, value)
        try:
            candidate.validate_constraints()
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"alias": exc.messages}) from None
        return attrs


class ResolvedSerializer(serializers.Serializer):
    """What a symbol resolves to on one account (mapping.resolver.explain)."""

    account = serializers.CharField(source="account.login")
    listed = serializers.IntegerField(
        allow_null=True, help_text="Symbols on the broker's list; null: not known."
    )
    symbol = serializers.CharField()
    how = serializers.CharField()
    refused = serializers.CharField()
