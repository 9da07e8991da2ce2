"""
The terminal protocol over HTTP (ea/PROTOCOL.md §7), for terminals that cannot
share a folder with the server. The same at-most-once rules as the files: a
command handed out is delivered, and is never handed out again.
"""

import uuid

from django.utils import timezone
from rest_framework import exceptions
from rest_framework.permissions import BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.bridge import delivery
from accounts.models import Account
from accounts.validators import is_valid_login
from ea import protocol
from history import live
from history.models import Command


class BadKey(exceptions.AuthenticationFailed):
    """401 with no body: nothing about the account leaks."""


class EAKey(BasePermission):
    """The account's own EA key, compared in constant time."""

    def has_permission(self, request, view):
        login = view.kwargs.get("login", "")
        account = None
        if is_valid_login(login):
            account = Account.objects.filter(login=login).first()
        key = request.headers.get("X-EA-Key", "")
        if account is None or not account.ea_key_matches(key):
            raise BadKey()
        view.account = account
        return True


class EAView(APIView):
    authentication_classes = []
    permission_classes = [EAKey]
    renderer_classes = [JSONRenderer]
    parser_classes = []

    def perform_content_negotiation(self, request, force=False):
        return (self.renderer_classes[0](), "application/json")

    def handle_exception(self, exc):
        if isinstance(exc, BadKey):
            return Response(status=401)
        return super().handle_exception(exc)

    def flat_body(self):
        try:
            return protocol.loads_flat(self.request.body)
        except protocol.ProtocolError as exc:
            raise exceptions.ParseError(str(exc)) from None


class CommandsView(EAView):
    def get(self, request, login):
        """The oldest deliverable command, or 204 when there is none."""
        now = timezone.now()
        for command in Command.objects.queued().filter(account_login=login)[:20]:
            if command.expires_at and command.expires_at <= now:
                delivery.expire_queued(command, now)
            elif command.claim():
                command.mark_delivered(now)
                live.commands_changed([command.pk])
                command.log_transition()
                return Response(command.as_protocol())
        return Response(status=204)


class ResultsView(EAView):
    def post(self, request, login):
        data = self.flat_body()
        try:
            protocol.check_result(data)
            uid = uuid.UUID(hex=data["id"])
        except (protocol.ProtocolError, ValueError) as exc:
            raise exceptions.ParseError(str(exc)) from None
        command = Command.objects.filter(uid=uid, account_login=login).first()
        if command is None:
            return Response({"recorded": False, "reason": "unknown command"})
        if not command.record_result(data):
            return Response({"recorded": False, "reason": f"already {command.status}"})
        return Response({"recorded": True})


class HeartbeatView(EAView):
    def post(self, request, login):
        account = self.account
        account.heartbeat = self.flat_body()
        account.heartbeat_at = timezone.now()
        account.save(update_fields=["heartbeat", "heartbeat_at"])
        live.account_changed(login)
        return Response(status=204)
