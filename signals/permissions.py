"""The checks that decide whether a webhook request may run at all, in order:
token, source address, rate."""

from django.conf import settings
from rest_framework import exceptions
from rest_framework.permissions import BasePermission
from rest_framework.throttling import BaseThrottle

from mt5bot import tokens
from mt5bot.rates import over_rate
from signals.network import client_ip, ip_allowed


class BadToken(exceptions.AuthenticationFailed):
    """401 with an empty body: a stranger learns nothing, and nothing is stored."""


class SourceNotAllowed(exceptions.PermissionDenied):
    default_code = "ip_not_allowed"


def token_matches(given):
    # compare_digest runs in time independent of where the strings differ;
    # after a rotation the previous token works too, until its grace ends.
    return tokens.matches(given)


class WebhookToken(BasePermission):
    def has_permission(self, request, view):
        if not token_matches(view.kwargs.get("token", "")):
            raise BadToken()
        return True


class SourceAllowed(BasePermission):
    def has_permission(self, request, view):
        # Kept on the Django request for the rate key and the stored Signal.
        request._request.client_ip = client_ip(request)
        if not ip_allowed(request.client_ip):
            raise SourceNotAllowed(
                f"Source address {request.client_ip} is not in WEBHOOK_ALLOWED_IPS."
            )
        return True


def client_key(group, request):
    # Behind a tunnel every request comes from loopback: key on the sender
    # address resolved through the trusted proxies instead.
    return str(getattr(request, "client_ip", None) or client_ip(request))


class WebhookRate(BaseThrottle):
    """RATE_LIMIT_WEBHOOK per sender address, counted in the cache that every
    process shares, in one round trip (mt5bot.rates)."""

    def allow_request(self, request, view):
        who = client_key("webhook", request._request)
        return not over_rate("webhook", who, settings.RATE_LIMIT_WEBHOOK)

    def wait(self):
        return None
