"""The API's own endpoints: its root and /api/health/."""

import json

from drf_spectacular.utils import extend_schema
from rest_framework import routers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Account
from mt5bot import roles
from mt5bot.api.base import ApiMixin, requires
from mt5bot.health import health


class Root(ApiMixin, routers.APIRootView):
    """The endpoints of this API."""

    permission_classes = [requires(roles.SEES_ACCOUNTS)]


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

    permission_classes = [requires(roles.SEES_ACCOUNTS)]

    @extend_schema(responses={200: dict, 503: dict})
    def get(self, request):
        answer = health(request._request)
        body = json.loads(answer.content)
        if body.get("database") == "ok":
            rows = Account.objects.values(*HEALTH_ACCOUNT_FIELDS)
            body["account_list"] = list(rows)
        return Response(body, status=answer.status_code)
