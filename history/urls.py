"""The trader's pages (login, dashboard, history) and their websocket."""

from django.urls import path

from accounts import pages as accounts_pages
from history import pages as history_pages
from history.consumers import LiveConsumer
from mt5bot import auth_views

urlpatterns = [
    path("", accounts_pages.dashboard, name="dashboard"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/add/", accounts_pages.add, name="account-add"),
    path(
        "accounts/<str:login>/<str:action>/",
        accounts_pages.act,
        name="account-action",
    ),
    path("webhook-url/", accounts_pages.reveal_webhook_url, name="webhook-url"),
    path("history/", history_pages.history, name="history"),
    path("history/export.csv", history_pages.export, name="history-export"),
    path("history/clear/", history_pages.clear, name="history-clear"),
]

websocket_urlpatterns = [
    path("ws/live/", LiveConsumer.as_asgi()),
]
