from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html

from history.models import Clearing, Command, Signal
from mt5bot.admin import ReadOnlyAdmin, pretty

# A command in one line, in the list of commands and under its alert.
COMMAND_LINE = ["account_login", "action", "symbol", "volume", "status", "status_code"]


@admin.register(Command)
class CommandAdmin(ReadOnlyAdmin):
    list_display = ["received_at", *COMMAND_LINE, "retcode", "signal_link"]
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
        url = reverse("admin:history_signal_change", args=[obj.signal_id])
        return format_html('<a href="{}">{}</a>', url, obj.signal_id)

    @admin.display(description="command as sent (JSON)")
    def protocol(self, obj):
        return pretty(obj.as_protocol())

    @admin.display(description="raw payload")
    def raw_payload(self, obj):
        return pretty(obj.signal.raw_body)


class CommandInline(admin.TabularInline):
    model = Command
    fields = readonly_fields = [*COMMAND_LINE, "status_reason"]
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Signal)
class SignalAdmin(ReadOnlyAdmin):
    list_display = [
        "received_at",
        "format",
        "outcome",
        "http_status",
        "rejection_code",
        "command_count",
        "source_ip",
    ]
    # Cleared alerts are archived, not deleted: here they still are.
    list_filter = [
        "outcome",
        "format",
        "rejection_code",
        "received_at",
        ("clearing", admin.EmptyFieldListFilter),
    ]
    search_fields = ["raw_body", "=idempotency_key"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "received_at",
                    "outcome",
                    "http_status",
                    "rejection_code",
                    "rejection_reason",
                    "rejection_field",
                    "duplicate_of",
                    "clearing",
                ]
            },
        ),
        (
            "Request",
            {
                "fields": [
                    "source_ip",
                    "content_type",
                    "format",
                    "idempotency_key",
                    "body_hash",
                    "raw_payload",
                    "parsed_json",
                ]
            },
        ),
    ]
    readonly_fields = ["raw_payload", "parsed_json"]
    inlines = [CommandInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(Count("commands"))

    @admin.display(description="commands", ordering="commands__count")
    def command_count(self, obj):
        return obj.commands__count

    @admin.display(description="raw payload")
    def raw_payload(self, obj):
        return pretty(obj.raw_body)

    @admin.display(description="parsed")
    def parsed_json(self, obj):
        return "-" if obj.parsed is None else pretty(obj.parsed)


@admin.register(Clearing)
class ClearingAdmin(ReadOnlyAdmin):
    """Who cleared the history page, when, and how much: kept for good."""

    list_display = ["at", "username", "signals", "commands", "scope"]
    list_filter = ["at"]
