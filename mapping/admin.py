from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path

from accounts.models import Account, SymbolList
from mapping.models import SymbolMapping
from mapping.resolver import explain


class TrySymbolForm(forms.Form):
    symbol = forms.CharField(
        max_length=64, help_text="As the alert sends it, e.g. OANDA:XAUUSD or GOLD."
    )


@admin.register(SymbolMapping)
class SymbolMappingAdmin(admin.ModelAdmin):
    list_display = ["alias", "symbol", "scope", "note", "updated_at"]
    list_filter = [("account", admin.EmptyFieldListFilter)]
    search_fields = ["alias", "symbol", "account__login", "note"]
    list_select_related = ["account"]
    ordering = ["alias", "account__login"]
    raw_id_fields = ["account"]
    change_list_template = "admin/mapping/symbolmapping/change_list.html"

    @admin.display(description="account", ordering="account__login")
    def scope(self, obj):
        return obj.account.login if obj.account_id else "all accounts"

    def get_urls(self):
        try_view = self.admin_site.admin_view(self.try_symbol)
        return [
            path("try/", try_view, name="mapping_symbolmapping_try"),
            *super().get_urls(),
        ]

    def try_symbol(self, request):
        """What a symbol resolves to on every account, before an alert uses it."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = TrySymbolForm(request.GET or None)
        rows = []
        if form.is_valid():
            rows = explain(form.cleaned_data["symbol"], Account.objects.all())
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Try a symbol",
            "form": form,
            "rows": rows,
        }
        return TemplateResponse(
            request, "admin/mapping/symbolmapping/try_symbol.html", context
        )


@admin.register(SymbolList)
class SymbolListAdmin(admin.ModelAdmin):
    list_display = [
        "account",
        "count",
        "listed_at",
        "stored_at",
        "refresh_requested_at",
    ]
    list_select_related = ["account"]
    ordering = ["account__login"]
    search_fields = ["account__login"]
    # The list is the terminal's: shown here, never edited.
    fields = readonly_fields = [
        "account",
        "count",
        "listed_at",
        "stored_at",
        "refresh_requested_at",
        "names",
    ]
    actions = ["request_refresh"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="symbols")
    def names(self, obj):
        return ", ".join(sorted(e.get("name", "") for e in obj.symbols))

    @admin.action(
        description="Ask the terminals for a fresh list", permissions=["change"]
    )
    def request_refresh(self, request, queryset):
        SymbolList.request_refresh([row.account for row in queryset])
        self.message_user(
            request,
            f"Asked for {queryset.count()} list(s); the supervisor passes it on "
            "when SYMBOL_FETCH_ENABLED is on.",
            messages.SUCCESS,
        )
