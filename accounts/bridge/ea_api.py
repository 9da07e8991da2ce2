"""
The terminal protocol over HTTP (ea/PROTOCOL.md §7), for terminals that cannot
share a folder with the server. The same at-most-once rules as the files: a
command handed out is delivered, and is never handed out again.
"""

import logging
import secrets
import uuid

from django.conf import settings
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.permissions import BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.bridge import book, delivery, symbols
from accounts.models import Account
from accounts.validators import is_valid_login
from ea import bounds, protocol
from history import live
from history.models import Command, Status

log = logging.getLogger("mt5bot.supervisor")


class BadKey(exceptions.AuthenticationFailed):
    """401 with no body: nothing about the account leaks."""


class Refused(exceptions.APIException):
    """A 4xx whose body says why in a machine-readable way:
    {"error": code, "detail": text, "field": name}."""

    status_code = 400

    def __init__(self, code, detail, field="", status=400):
        super().__init__(detail, code)
        self.code, self.field, self.status_code = code, field, status


# Checked against when the login has no account: an unknown login then costs
# the same work (a hash and two constant-time comparisons) as a known one
# with a wrong key, so no timing tells which logins exist.
STAND_IN = Account(login="1", ea_key_hash=secrets.token_hex(32))


class EAKey(BasePermission):
    """The account's own EA key, compared in constant time."""

    def has_permission(self, request, view):
        login = view.kwargs.get("login", "")
        account = None
        if is_valid_login(login):
            account = Account.objects.filter(login=login).first()
        key = request.headers.get("X-EA-Key", "")
        matches = (account or STAND_IN).ea_key_matches(key)
        if account is None or not matches:
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
        if isinstance(exc, Refused):
            body = {"error": exc.code, "detail": str(exc.detail), "field": exc.field}
            return Response(body, status=exc.status_code)
        return super().handle_exception(exc)

    def flat_body(self):
        try:
            return protocol.loads_flat(self.request.body)
        except protocol.ProtocolError as exc:
            raise Refused("bad_body", str(exc)) from None


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
            bounds.check_result(data)
            uid = uuid.UUID(hex=data["id"])
        except protocol.ProtocolError as exc:
            raise Refused("bad_result", str(exc), exc.field) from None
        except ValueError as exc:
            raise Refused("bad_result", str(exc), "id") from None
        command = Command.objects.filter(uid=uid, account_login=login).first()
        if command is None:
            return Response({"recorded": False, "reason": "unknown command"})
        if not handed_out(command):
            raise Refused(
                "not_delivered",
                "This command was never handed out; only its terminal's answer "
                "to a command it fetched is recorded.",
                "id",
                status=409,
            )
        if not command.record_result(data):
            return Response({"recorded": False, "reason": f"already {command.status}"})
        return Response({"recorded": True})


def handed_out(command):
    """Whether the command left the server: claimed for delivery (a fetch
    that died before `mark_delivered` included) or delivered. A queued
    command, or one expired before anyone took it, has no result to take."""
    return command.status == Status.DELIVERED or command.delivered_at is not None


class HeartbeatView(EAView):
    def post(self, request, login):
        body = self.flat_body()
        try:
            bounds.check_heartbeat(body)
        except protocol.ProtocolError as exc:
            raise Refused("bad_heartbeat", str(exc), exc.field) from None
        account = self.account
        account.heartbeat = body
        account.heartbeat_at = timezone.now()
        account.save(update_fields=["heartbeat", "heartbeat_at"])
        live.account_changed(login)
        if wants_symbols(account):
            return Response({"send_symbols": True})
        return Response(status=204)


def wants_symbols(account):
    """Whether the server asks this terminal for its list in the heartbeat's
    answer (ea/PROTOCOL.md 7): the HTTP side of the request file, asked on the
    same terms (SYMBOL_FETCH_ENABLED; no list yet, or a refresh requested)."""
    if not settings.SYMBOL_FETCH_ENABLED:
        return False
    return not symbols.settled().filter(account=account).exists()


class SymbolsView(EAView):
    def post(self, request, login):
        """The terminal's symbol list, as webhook_symbols.json holds it
        (ea/PROTOCOL.md 5), kept as the keeper keeps the file's."""
        # Read past DATA_UPLOAD_MAX_MEMORY_SIZE (1 MiB), which `body` enforces:
        # a list is allowed its own 16 MiB and not a byte more.
        raw = request.read(symbols.MAX_LIST_BYTES + 1)
        try:
            data, entries = symbols.parse_list(raw)
        except protocol.ProtocolError as exc:
            if len(raw) > symbols.MAX_LIST_BYTES:
                raise Refused("body_too_large", str(exc), status=413) from None
            raise Refused("bad_symbols", str(exc), "symbols") from None
        if str(data.get("login", login)) != login:
            raise Refused(
                "bad_symbols", f"the list is of login {data['login']}", "login"
            )
        if symbols.store(self.account, data, entries):
            log.info("stored %s symbols of %s (HTTP)", len(entries), login)
        return Response({"stored": True, "count": len(entries)})


class BookView(EAView):
    def post(self, request, login):
        """The terminal's book, as webhook_book.json holds it (ea/PROTOCOL.md
        5.1), checked and kept as the keeper keeps the file's."""
        try:
            data = book.parse(request.body, login)
        except protocol.ProtocolError as exc:
            raise Refused("bad_book", str(exc), exc.field) from None
        book.store(self.account, data)
        return Response(status=204)
