"""System checks that catch a configuration that would trade unsafely or not at all."""

from django.conf import settings
from django.core.checks import Error, Warning, register

MIN_TOKEN_LENGTH = 16


@register()
def check_webhook_token(app_configs, **kwargs):
    token = settings.WEBHOOK_TOKEN
    if not token:
        return [
            Warning(
                "WEBHOOK_TOKEN is empty: every webhook is refused with 401.",
                hint="Run `python manage.py setup` or set WEBHOOK_TOKEN in .env.",
                id="mt5bot.W001",
            )
        ]
    if len(token) < MIN_TOKEN_LENGTH:
        return [
            Warning(
                f"WEBHOOK_TOKEN is shorter than {MIN_TOKEN_LENGTH} characters.",
                hint="Anyone who guesses it can trade: use `manage.py setup`.",
                id="mt5bot.W002",
            )
        ]
    return []


@register()
def check_allowed_ips(app_configs, **kwargs):
    from signals.network import parse_networks

    errors = []
    for name in ("WEBHOOK_ALLOWED_IPS", "TRUSTED_PROXIES"):
        try:
            parse_networks(getattr(settings, name))
        except ValueError as exc:
            errors.append(Error(f"{name}: {exc}", id="mt5bot.E001"))
    return errors


@register()
def check_workers(app_configs, **kwargs):
    from mt5bot.workers import NEEDS_REDIS, SUPPORTED

    if SUPPORTED and settings.WEB_WORKERS > 1 and not settings.REDIS_URL:
        return [
            Error(
                f"WEB_WORKERS={settings.WEB_WORKERS}: {NEEDS_REDIS}", id="mt5bot.E002"
            )
        ]
    return []


@register()
def check_notifications(app_configs, **kwargs):
    from notifications.models import Event

    unknown = sorted(set(settings.NOTIFY_EVENTS) - set(Event.values))
    if unknown:
        return [
            Error(
                f"NOTIFY_EVENTS names unknown events: {', '.join(unknown)}.",
                hint=f"Known: {', '.join(Event.values)}.",
                id="mt5bot.E003",
            )
        ]
    return []
