from django.core.exceptions import RequestDataTooBig
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from mt5bot import deadline
from notifications import notify
from signals import intake
from signals.errors import PayloadError
from signals.network import client_ip
from signals.permissions import BadToken, SourceAllowed, WebhookRate, WebhookToken


class WebhookView(APIView):
    """POST /webhook/<token>: one alert in, one Command per target account out."""

    authentication_classes = []
    permission_classes = [WebhookToken, SourceAllowed]
    throttle_classes = [WebhookRate]
    renderer_classes = [JSONRenderer]
    parser_classes = []

    def perform_content_negotiation(self, request, force=False):
        # Always JSON: an Accept header must not turn a wrong token into a 406,
        # nor stop a valid alert from running.
        return (self.renderer_classes[0](), "application/json")

    def post(self, request, token):
        try:
            body = request.body
        except RequestDataTooBig:
            body = b""
            error = PayloadError("body_too_large", "The body is too large.", status=413)
            return self.refused(error, body)
        status, data = intake.receive(
            body, request.content_type, request._request.client_ip, self.arrival()
        )
        return answer(status, data)

    def arrival(self):
        """When the request arrived: stamped by the lane (mt5bot.handlers)
        before it waited for anything, or now when it came another way."""
        request = self.request._request
        if getattr(request, "arrival", None) is None:
            request.arrival = deadline.Arrival()
        return request.arrival

    def handle_exception(self, exc):
        if isinstance(exc, BadToken):
            notify.unauthorized(
                client_ip(self.request._request),
                f"A {self.request.method} to the webhook with a wrong token was "
                "refused (401); nothing was stored or traded.",
            )
            return Response(status=401)
        if isinstance(exc, exceptions.Throttled):
            error = PayloadError("rate_limited", "Too many alerts.", status=429)
        elif isinstance(exc, exceptions.APIException):
            codes = exc.get_codes()
            code = codes if isinstance(codes, str) else "refused"
            error = PayloadError(code, str(exc.detail), status=exc.status_code)
        else:
            raise exc
        return self.refused(error, self.safe_body())

    def refused(self, error, body):
        """Requests that passed the token check are stored even when refused."""
        request = self.request._request
        ip = getattr(request, "client_ip", None) or client_ip(request)
        status, data = intake.refuse_new(
            error, body, request.content_type, ip, self.arrival()
        )
        return answer(status, data)

    def safe_body(self):
        try:
            return self.request._request.body
        except RequestDataTooBig:
            return b""


def answer(status, data):
    """The sender's answer; a 503 (not stored in time) says when to send again."""
    if status == 503:
        return Response(data, status=status, headers=deadline.RETRY_HEADERS)
    return Response(data, status=status)
