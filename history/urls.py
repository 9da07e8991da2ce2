"""The history pages, under /history/, and the pages' websocket."""

from django.urls import path

from history import pages
from history.consumers import LiveConsumer

urlpatterns = [
    path("", pages.history, name="history"),
    path("export.csv", pages.export, name="history-export"),
    path("clear/", pages.clear, name="history-clear"),
]

websocket_urlpatterns = [
    path("ws/live/", LiveConsumer.as_asgi()),
]
