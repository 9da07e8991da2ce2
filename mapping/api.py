"""The REST API of symbol mappings (/api/mappings/) and of what a symbol
resolves to on each account."""

from copy import copy

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import F
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from accounts.models import Account
from accounts.validators import validate_login
from mapping.models import SymbolMapping, clean_alias
from mapping.resolver import explain
from mt5bot.api.base import ApiMixin, ModelSerializer, Page


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


class ResolveParams(serializers.Serializer):
    symbol = serializers.CharField(
        max_length=64, help_text="As an alert sends it, e.g. OANDA:XAUUSD or GOLD."
    )
    account = serializers.CharField(
        required=False, validators=[validate_login], help_text="Only this account."
    )


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
    pagination_class = Page

    @extend_schema(parameters=[ResolveParams], responses=Resolutions)
    @action(detail=False, methods=["get"])
    def resolve(self, request):
        """What a symbol becomes on each account, and why, before an alert
        uses it."""
        params = ResolveParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        accounts = Account.objects.all()
        if login := params.validated_data.get("account"):
            accounts = [get_object_or_404(accounts, login=login)]
        symbol = params.validated_data["symbol"]
        rows = ResolvedSerializer(explain(symbol, accounts), many=True).data
        return Response({"symbol": symbol, "accounts": rows})
