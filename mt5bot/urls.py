from django.contrib import admin
from django.urls import include, path

from history import ea_api
from signals.health import health, webhook_health
from signals.views import WebhookView

urlpatterns = [
    path("health", health, name="health"),
    path("webhook/health", webhook_health, name="webhook-health"),
    path("webhook/<str:token>", WebhookView.as_view(), name="webhook"),
    path("api/ea/<str:login>/commands", ea_api.CommandsView.as_view()),
    path("api/ea/<str:login>/results", ea_api.ResultsView.as_view()),
    path("api/ea/<str:login>/heartbeat", ea_api.HeartbeatView.as_view()),
    path("api/", include("mt5bot.api.urls")),
    path("admin/", admin.site.urls),
    path("", include("history.urls")),
]

handler404 = "mt5bot.api.base.not_found"
