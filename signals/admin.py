from django.contrib import admin

from history.admin import ReadOnlyAdmin
from history.models import Command
from signals.models import Signal


class CommandInline(admin.TabularInline):
    model = Command
    fields = ["account_login", "action", "symbol", "volume", "status", "status_reason"]
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
        "source_ip",
    ]
    list_filter = ["outcome", "format", "rejection_code"]
    search_fields = ["raw_body", "idempotency_key"]
    inlines = [CommandInline]
