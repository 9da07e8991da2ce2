"""Content-Security-Policy on every page the server renders.

Our pages load their one script and stylesheet from /static/ and talk back
only to this server (the live history's websocket included), so a policy of
'self' costs them nothing and stops an injected script from running or
reaching anywhere else. Inline styles stay allowed: the admin's widgets set
style attributes. Swagger UI at /api/docs/ fits as it is: its start-up script
is a URL of its own, not inline (mt5bot.api.docs). The webhook's answers
bypass middleware (mt5bot.handlers) and are JSON anyway.
"""

from asgiref.sync import iscoroutinefunction, markcoroutinefunction

POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicy:
    """Sync and async alike, so an async request never hops threads for it."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request):
        if self.is_async:
            return self.__acall__(request)
        return self.add(self.get_response(request))

    async def __acall__(self, request):
        return self.add(await self.get_response(request))

    def add(self, response):
        response.headers.setdefault("Content-Security-Policy", POLICY)
        return response
