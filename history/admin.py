from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from history.models import Command
from mt5bot.admin import ReadOnlyAdmin, pretty


@admin.register(Command)
class CommandAdmin(ReadOnlyAdmin):
    list_display = [
        "received_at",
        "account_login",
        "action",
        "symbol",
        "volume",
        "status",
        "status_code",
        "retcode",
        "signal_link",
    ]
    list_filter = ["status", "action", "order_type", "received_at", "symbol_match"]
    search_fields = ["=account_login", "symbol", "original_symbol", "=uid"]
    # Nothing in the list reads the signal row (signal_link uses signal_id);
    # the change page reads it once for the raw payload.
    list_select_related = []
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "uid",
                    "signal_link",
                    "account_login",
                    "status",
                    "status_code",
                    "status_reason",
                ]
            },
        ),
        ("Sent to the terminal", {"fields": ["protocol"]}),
        (
            "The broker's answer",
            {
                "fields": [
                    "result_ticket",
                    "fill_price",
                    "filled_volume",
                    "retcode",
                    "result_message",
                ]
            },
        ),
        (
            "Lifecycle",
            {
                "fields": [
                    "received_at",
                    "queued_at",
                    "delivered_at",
                    "finished_at",
                    "expires_at",
                    "symbol_match",
                    "notes",
                ]
            },
        ),
        ("The alert", {"fields": ["raw_payload"]}),
    ]
    readonly_fields = ["signal_link", "protocol", "raw_payload"]

    @admin.display(description="signal", ordering="signal")
    def signal_link(self, obj):
        url = reverse("admin:signals_signal_change", args=[obj.signal_id])
        return format_html('<a href="{}">{}</a>', url, obj.signal_id)

    @admin.display(description="command as sent (JSON)")
    def protocol(self, obj):
        return pretty(obj.as_protocol())

    @admin.display(description="raw payload")
    def raw_payload(self, obj):
        return pretty(obj.signal.raw_body)
