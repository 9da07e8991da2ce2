from django.contrib import admin

from mt5bot.admin import ReadOnlyAdmin
from notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    """Every message sent or tried, so "the email never came" has an answer."""

    list_display = ["created_at", "kind", "key", "channel", "status", "repeats"]
    list_filter = ["status", "kind", "channel", "created_at"]
    search_fields = ["subject", "=key"]
    date_hierarchy = "created_at"
    fields = [
        "created_at",
        "finished_at",
        "kind",
        "key",
        "channel",
        "status",
        "error",
        "repeats",
        "subject",
        "body",
    ]
