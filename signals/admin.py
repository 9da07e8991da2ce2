from django.contrib import admin
from django.db.models import Count

from history.models import Command
from mt5bot.admin import ReadOnlyAdmin, pretty
from signals.models import Signal


class CommandInline(admin.TabularInline):
    model = Command
    fields = [
        "account_login",
        "action",
        "symbol",
        "volume",
        "status",
        "status_code",
        "status_reason",
    ]
    readonly_fields = fields
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
    list_filter = ["outcome", "format", "rejection_code", "received_at"]
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
