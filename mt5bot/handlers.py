"""
Django's ASGI handler, with the webhook on one long-lived worker thread.

Stock Django runs each request's synchronous code on a new single-thread
executor (one `ThreadSensitiveContext` per request), and hops between the event
loop and that thread for every middleware hook, the request signals and the
view: about 20 hops per request here. On the webhook that costs a thread start,
a fresh database connection with its PRAGMAs, on SQLite a WAL checkpoint when
that connection closes, and most of the request's time (see
`docs/performance.md` §3).

Webhook requests instead run whole, request signals included, through
Django's synchronous handler in one hop onto one thread that lives as long as
the process. That thread keeps one open database connection, and the webhook's
writes are serialised inside the process instead of backing off on SQLite's
busy handler. Everything else keeps Django's per-request behaviour.

Each webhook request is stamped when it arrives, before it waits for its body,
the lane or a lock: that stamp is the alert's `received_at` and the start of
its deadline (mt5bot.deadline). If the lane has not answered by then (a
locked database, a slow pass of the embedded supervisor on the same thread),
the sender gets a 503 from the event loop, and the lane, reaching the request
later, stores nothing of it.
"""

import asyncio
import logging

from asgiref.sync import SyncToAsync, ThreadSensitiveContext, sync_to_async
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.core.handlers.base import BaseHandler
from django.core.handlers.exception import convert_exception_to_response
from django.http import JsonResponse
from django.urls import set_script_prefix

from mt5bot.deadline import RETRY_HEADERS, Arrival, Missed

WEBHOOK_PREFIX = "/webhook/"

log = logging.getLogger("mt5bot.signals")


class WebhookHandler(BaseHandler):
    """Django's synchronous handler with no middleware.

    The webhook answers JSON to machines, behind its own token: sessions,
    CSRF, messages, clickjacking headers and static files have nothing to do
    there, and CommonMiddleware's host check would refuse a tunnel's Host
    header before the alert could even be recorded.
    """

    def load_middleware(self, is_async=False):
        self._view_middleware = []
        self._template_response_middleware = []
        self._exception_middleware = []
        self._middleware_chain = convert_exception_to_response(self._get_response)


class LaneASGIHandler(ASGIHandler):
    def __init__(self):
        super().__init__()
        self.sync_handler = WebhookHandler()
        self.sync_handler.load_middleware()
        # Held for the life of the handler: asgiref keys its executors by the
        # context object in a WeakKeyDictionary, so this keeps the thread alive.
        self.webhook_lane = ThreadSensitiveContext()
        # Built once: the wrapper is reusable, and building it per request
        # showed in the event loop's profile.
        self.respond_in_lane = sync_to_async(self.respond)
        # 503s sent at a deadline, held until sent: the loop keeps only a weak
        # reference to a task.
        self.late_answers = set()

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["path"].startswith(WEBHOOK_PREFIX):
            arrival = Arrival()
            token = SyncToAsync.thread_sensitive_context.set(self.webhook_lane)
            try:
                await self.handle_in_lane(scope, receive, send, arrival)
            finally:
                SyncToAsync.thread_sensitive_context.reset(token)
        else:
            await super().__call__(scope, receive, send)

    async def handle_in_lane(self, scope, receive, send, arrival):
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        set_script_prefix(get_script_prefix(scope))
        # A timer, not a task racing the lane: a few microseconds per request
        # instead of ~40 (a second task and asyncio.wait, measured).
        answered = []
        loop = asyncio.get_running_loop()
        timer = loop.call_later(
            max(arrival.remaining(), 0), self.at_deadline, arrival, send, answered
        )
        try:
            response = await self.respond_in_lane(scope, body_file, arrival)
        finally:
            timer.cancel()
            body_file.close()
        if answered:
            await answered[0]  # the 503, sent at the deadline: done before we are
        else:
            await self.send_response(response, send)

    def at_deadline(self, arrival, send, answered):
        """On the loop at the deadline: answer 503 now, unless the lane has
        claimed its commit (`Arrival.give_up`); then its answer, the truth,
        is awaited. The lane, reaching a request given up on, stores nothing."""
        if not arrival.give_up():
            return
        log.warning("the webhook's lane was busy past the deadline; answered 503")
        task = asyncio.ensure_future(
            self.send_response(missed(Missed("the server was busy")), send)
        )
        answered.append(task)
        self.late_answers.add(task)
        task.add_done_callback(self.late_answers.discard)

    def respond(self, scope, body_file, arrival):
        """One request, start to finish, on the lane's thread."""
        if arrival.remaining() <= 0 and arrival.give_up():
            # Answered 503 already, or about to be: skip it whole, so a
            # backlog left by a stuck lane drains at once.
            return missed(Missed("the server was busy"))
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, error_response = self.create_request(scope, body_file)
        if request is not None:
            request.arrival = arrival
        response = error_response or self.sync_handler.get_response(request)
        response._handler_class = self.__class__
        if not response.streaming and not response.has_header("Content-Length"):
            # What CommonMiddleware would add: without it daphne answers
            # chunked, which some senders and proxies handle poorly.
            response.headers["Content-Length"] = str(len(response.content))
        # The body is already bytes; closing now sends request_finished on
        # this thread, where the connection it tidies lives.
        response.close()
        return response


def missed(error):
    """503 for a request given up on at its deadline; nothing of it was stored."""
    response = JsonResponse(error.as_dict(), status=503, headers=RETRY_HEADERS)
    response.headers["Content-Length"] = str(len(response.content))
    return response
