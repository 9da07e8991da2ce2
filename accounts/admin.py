import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.html import format_html

from accounts import operations
from accounts.models import SETTINGS_FIELDS, Account
from accounts.models import TerminalStatus as Status

BADGE_COLOURS = {
    Status.ONLINE: "#2e7d32",
    Status.DEGRADED: "#ef6c00",
    Status.OFFLINE: "#c62828",
    Status.STARTING: "#1565c0",
    Status.STOPPED: "#616161",
}
# The supervisor's and the terminal's: changed through the actions, never typed.
TERMINAL = [
    "desired",
    "status_badge",
    "status_reason",
    "status_changed_at",
    "restart_requested_at",
    "pid",
    "pid_created",
    "pid_exe",
    "heartbeat_at",
    "heartbeat_json",
    "has_ea_key",
]


def badge(status):
    colour = BADGE_COLOURS.get(status, "#616161")
    return format_html(
        '<span style="background:{};color:#fff;padding:1px 8px;'
        'border-radius:9px;font-weight:600">{}</span>',
        colour,
        status,
    )


class NewAccountForm(forms.ModelForm):
    """Adding here does what `manage.py accounts add` does (folder, then start)."""

    class Meta:
        model = Account
        fields = [
            "login",
            "kind",
            "margin_mode",
            "paper_faults",
            "transport",
            *SETTINGS_FIELDS,
        ]

    def clean(self):
        cleaned = super().clean()
        if "login" in cleaned and "kind" in cleaned:
            try:
                operations.check_new(cleaned["login"], cleaned["kind"])
            except operations.OperationError as exc:
                raise ValidationError(str(exc)) from None
        return cleaned


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = [
        "login",
        "nickname",
        "status_badge",
        "desired",
        "kind",
        "transport",
        "enabled",
        "trading_paused",
        "volume_multiplier",
        "max_volume",
        "heartbeat_at",
    ]
    list_filter = ["status", "desired", "kind", "enabled", "trading_paused"]
    search_fields = ["login", "nickname"]
    actions = ["start_terminals", "stop_terminals", "restart_terminals", "remove"]
    readonly_fields = ["login", "kind", "created_at", *TERMINAL]
    fieldsets = [
        (None, {"fields": ["login", *SETTINGS_FIELDS]}),
        (
            "Terminal",
            {
                "fields": [
                    "kind",
                    "margin_mode",
                    "paper_faults",
                    "transport",
                    *TERMINAL,
                ]
            },
        ),
    ]

    @admin.display(description="status", ordering="status")
    def status_badge(self, obj):
        return badge(obj.status)

    @admin.display(description="last heartbeat")
    def heartbeat_json(self, obj):
        if obj.heartbeat is None:
            return "-"
        return format_html("<pre>{}</pre>", json.dumps(obj.heartbeat, indent=2))

    @admin.display(description="EA key set", boolean=True)
    def has_ea_key(self, obj):
        return bool(obj.ea_key_hash)

    # --- adding and removing go through accounts.operations ------------------

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = NewAccountForm
        return super().get_form(request, obj, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": NewAccountForm.Meta.fields})]
        return super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else super().get_readonly_fields(request, obj)

    def get_changeform_initial_data(self, request):
        return {
            "kind": operations.default_kind(),
            "transport": operations.default_transport(),
            **super().get_changeform_initial_data(request),
        }

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        added = operations.add_account(
            obj.login,
            obj.nickname,
            kind=obj.kind,
            margin_mode=obj.margin_mode,
            transport=obj.transport,
        )
        # The row exists now (stopped); this saves the form's other settings.
        obj.pk, obj.created_at = added.account.pk, added.account.created_at
        obj.desired = added.account.desired
        obj.save()
        for line in [*added.notes(), *operations.start_added(obj)]:
            self.message_user(request, f"{obj.login}: {line}", messages.INFO)

    def has_delete_permission(self, request, obj=None):
        # Deleting the row would leave its terminal running with nobody
        # minding it; the "remove" action stops it first.
        return False

    # --- actions -------------------------------------------------------------------

    # A trader controls terminals (mt5bot.roles); removing takes an admin's
    # delete permission, though the delete view itself stays closed.
    def has_control_permission(self, request):
        return request.user.has_perm("accounts.control_account")

    def has_remove_permission(self, request):
        return request.user.has_perm("accounts.delete_account")

    @admin.action(
        description="Start the selected accounts' terminals", permissions=["control"]
    )
    def start_terminals(self, request, queryset):
        self.act(request, queryset, operations.start)

    @admin.action(
        description="Stop the selected accounts' terminals", permissions=["control"]
    )
    def stop_terminals(self, request, queryset):
        self.act(request, queryset, operations.stop)

    @admin.action(
        description="Restart the selected accounts' terminals", permissions=["control"]
    )
    def restart_terminals(self, request, queryset):
        self.act(request, queryset, operations.restart)

    @admin.action(
        description="Remove the selected accounts (stop the terminal; keep its "
        "folder and the history)",
        permissions=["remove"],
    )
    def remove(self, request, queryset):
        for account in queryset:
            try:
                ended = operations.remove(account, keep_files=True, wait=10.0)
            except operations.OperationError as exc:
                self.message_user(request, str(exc), messages.ERROR)
                continue
            text = f"{account.login}: removed (terminal {ended}; its folder is kept)."
            self.message_user(request, text, messages.SUCCESS)

    def act(self, request, queryset, operation):
        for account in queryset:
            try:
                done = operation(account)
            except operations.OperationError as exc:
                self.message_user(request, str(exc), messages.ERROR)
                continue
            self.message_user(request, f"{account.login}: {done.detail}")
