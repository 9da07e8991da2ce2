"""ASGI entry point: HTTP through Django, websockets through Channels."""

import os

from channels.routing import ProtocolTypeRouter

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mt5bot.settings")

import django

django.setup(set_prefix=False)

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import URLRouter  # noqa: E402
from channels.security.websocket import (  # noqa: E402
    AllowedHostsOriginValidator,
    WebsocketDenier,
)
from django.urls import re_path  # noqa: E402

from history.urls import websocket_urlpatterns  # noqa: E402
from mt5bot.handlers import LaneASGIHandler  # noqa: E402

# Any other path is refused at the handshake (403), not a 500 with a
# traceback from URLRouter finding no route.
websocket_routes = [*websocket_urlpatterns, re_path(r"", WebsocketDenier.as_asgi())]

application = ProtocolTypeRouter(
    {
        "http": LaneASGIHandler(),
        # Sessions and users as on the pages; a page from another origin
        # cannot open the socket with the trader's cookie.
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_routes))
        ),
    }
)
