"""ASGI entry point: HTTP through Django, websockets through Channels."""

import os

from channels.routing import ProtocolTypeRouter

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mt5bot.settings")

import django

django.setup(set_prefix=False)

from mt5bot.handlers import LaneASGIHandler  # noqa: E402

application = ProtocolTypeRouter({"http": LaneASGIHandler()})
