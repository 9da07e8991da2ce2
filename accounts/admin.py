from django.contrib import admin

from accounts.models import Account


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = [
        "login",
        "nickname",
        "enabled",
        "trading_paused",
        "volume_multiplier",
        "max_volume",
        "magic",
    ]
    list_filter = ["enabled", "trading_paused"]
    search_fields = ["login", "nickname"]
