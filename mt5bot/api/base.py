from django.conf import settings
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer

from mt5bot.api.throttling import UserRate


class SecretFreeJSONRenderer(JSONRenderer):
    """JSON with the webhook token blanked out wherever it came from. Intake
    already blanks it in `raw_body`; a sender can still put it in a parsed
    field (a comment) or a rejection can quote it, and no answer may carry it."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        body = super().render(data, accepted_media_type, renderer_context)
        token = settings.WEBHOOK_TOKEN.encode()
        return body.replace(token, b"***") if token else body


class Refused(exceptions.APIException):
    """The request was understood, and the operation refused it as asked."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "refused"


class Conflict(exceptions.APIException):
    """The account's state (a terminal still running, one that cannot start)
    stopped the operation; the detail says what was left as it was."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class ApiMixin:
    """What every /api/ view shares besides the settings' defaults (session or
    token authentication, a logged-in user)."""

    throttle_classes = [UserRate]
    renderer_classes = [SecretFreeJSONRenderer]
