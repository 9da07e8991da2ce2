from django.contrib import admin

from history.models import Command


class ReadOnlyAdmin(admin.ModelAdmin):
    """History is evidence: it is read, never edited by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
    ]
    list_filter = ["status", "action"]
    search_fields = ["account_login", "symbol", "original_symbol", "uid"]
    list_select_related = ["signal"]
