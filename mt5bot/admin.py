"""What every app's admin shares: history and notifications are evidence,
shown read-only, with JSON laid out and the webhook token never shown."""

import json

from django.contrib import admin
from django.utils.html import format_html

from mt5bot import tokens


def pretty(value):
    """`value` as indented JSON in a <pre>; text that is JSON is re-indented,
    other text is shown as it is. The webhook token never shows."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return preformatted(value)
    return preformatted(json.dumps(value, indent=2, ensure_ascii=False))


def preformatted(text):
    text = tokens.blank(text)
    return format_html('<pre style="white-space:pre-wrap">{}</pre>', text)


class ReadOnlyAdmin(admin.ModelAdmin):
    """History is evidence: it is read, never edited by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
