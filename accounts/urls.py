"""The dashboard: accounts, the actions on them, and the webhook URL."""

from django.urls import path

from accounts import pages

urlpatterns = [
    path("", pages.dashboard, name="dashboard"),
    path("accounts/add/", pages.add, name="account-add"),
    path("accounts/<str:login>/<str:action>/", pages.act, name="account-action"),
    path("webhook-url/", pages.reveal_webhook_url, name="webhook-url"),
]
