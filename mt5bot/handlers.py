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
"""

from asgiref.sync import SyncToAsync, ThreadSensitiveContext, sync_to_async
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.core.handlers.base import BaseHandler
from django.core.handlers.exception import convert_exception_to_response
from django.urls import set_script_prefix

WEBHOOK_PREFIX = "/webhook/"


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

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["path"].startswith(WEBHOOK_PREFIX):
            token = SyncToAsync.thread_sensitive_context.set(self.webhook_lane)
            try:
                await self.handle_in_lane(scope, receive, send)
            finally:
                SyncToAsync.thread_sensitive_context.reset(token)
        else:
            await super().__call__(scope, receive, send)

    async def handle_in_lane(self, scope, receive, send):
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        set_script_prefix(get_script_prefix(scope))
        try:
            response = await self.respond_in_lane(scope, body_file)
        finally:
            body_file.close()
        await self.send_response(response, send)

    def respond(self, scope, body_file):
        """One request, start to finish, on the lane's thread."""
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, error_response = self.create_request(scope, body_file)
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
