"""Every URL of the site, each app's own pages included from its urls.py;
the websocket's route is in history/urls.py, mounted by mt5bot/asgi.py."""

from django.contrib import admin
from django.urls import include, path

from accounts.bridge import ea_api
from mt5bot import auth_views
from mt5bot.health import health, webhook_health
from signals.views import WebhookView

urlpatterns = [
    path("health", health, name="health"),
    path("webhook/health", webhook_health, name="webhook-health"),
    path("webhook/<str:token>", WebhookView.as_view(), name="webhook"),
    path("api/ea/<str:login>/commands", ea_api.CommandsView.as_view()),
    path("api/ea/<str:login>/results", ea_api.ResultsView.as_view()),
    path("api/ea/<str:login>/heartbeat", ea_api.HeartbeatView.as_view()),
    path("api/ea/<str:login>/symbols", ea_api.SymbolsView.as_view()),
    path("api/ea/<str:login>/book", ea_api.BookView.as_view()),
    path("api/", include("mt5bot.api.urls")),
    # Before the admin's own: its login page shares the throttle of /login/.
    path("admin/login/", auth_views.AdminLoginView.as_view(), name="admin-login"),
    path("admin/", admin.site.urls),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("history/", include("history.urls")),
    path("", include("accounts.urls")),
]

handler404 = "mt5bot.api.base.not_found"
