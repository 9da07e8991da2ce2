from django.contrib import admin
from django.urls import path

from signals.health import health, webhook_health
from signals.views import WebhookView

urlpatterns = [
    path("health", health, name="health"),
    path("webhook/health", webhook_health, name="webhook-health"),
    path("webhook/<str:token>", WebhookView.as_view(), name="webhook"),
    path("admin/", admin.site.urls),
]
