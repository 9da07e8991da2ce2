"""System checks that catch a configuration that would trade unsafely or not at all."""

import math
import re
from urllib.parse import urlsplit

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
                hint="Run `.venv/bin/python manage.py setup` (Windows: "
                "`.venv\\Scripts\\python manage.py setup`) or set WEBHOOK_TOKEN "
                "in .env.",
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

    return unreadable(
        ("WEBHOOK_ALLOWED_IPS", "TRUSTED_PROXIES"), parse_networks, "E001"
    )


def unreadable(names, parse, code):
    """An error naming each setting `parse` refuses (ValueError)."""
    errors = []
    for name in names:
        try:
            parse(getattr(settings, name))
        except ValueError as exc:
            errors.append(Error(f"{name}: {exc}", id=f"mt5bot.{code}"))
    return errors


@register()
def check_workers(app_configs, **kwargs):
    from mt5bot import workers

    count = settings.WEB_WORKERS
    problem = workers.refusal(count, settings.REDIS_URL, workers.SUPPORTED)
    if problem:
        return [Error(f"WEB_WORKERS={count}: {problem}", id="mt5bot.E002")]
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


# --- Values that read but make no sense: refused before the server starts ---
# (serve and supervise run these checks first, as `manage.py check` does), so
# a typo is one clear error naming its variable, never a 500 per request.

RATES = ("RATE_LIMIT_WEBHOOK", "RATE_LIMIT_API")
# name -> the values it may take; compared case-insensitively where the code
# reading it folds the case (TRADING_METHOD, SQLITE_SYNCHRONOUS).
ENUMS = {
    "PINECONNECTOR_RISK": ("lots", "percent"),
    "PINECONNECTOR_SLTP": ("pips", "price"),
    "MT5_PROFILE_SOURCE": ("auto", "data", "install"),
}
FOLDED_ENUMS = {
    "SQLITE_SYNCHRONOUS": ("off", "normal", "full", "extra", "0", "1", "2", "3"),
}
DAY = 86400
# name -> (lowest, highest), both allowed; every one must be finite.
RANGES = {
    "PORT": (1, 65535),
    "WEB_WORKERS": (1, 64),
    "BACKUP_KEEP": (1, 100000),
    "SUPERVISOR_WAKE_PORT": (0, 65535),
    "EMAIL_PORT": (1, 65535),
    "WEBHOOK_MAX_BODY_BYTES": (1, 1024 * 1024),
    "SECURE_HSTS_SECONDS": (0, 10 * 365 * DAY),
    "LOG_MAX_BYTES": (0, 2**40),
    "LOG_BACKUP_COUNT": (0, 1000),
    "FUZZY_MATCH_THRESHOLD": (0, 1),
    "WEBHOOK_DEDUPE_WINDOW": (0, 365 * DAY),
    "COMMAND_WITHDRAW_GRACE": (0, DAY),
    "COMMAND_RESULT_DEADLINE": (0, DAY),
    "NOTIFY_WINDOW": (0, DAY),
    # TradingView gives up after about 3 s; at 0 every alert would be a 503.
    "WEBHOOK_DEADLINE": (0.1, 60),
    # A step of at least a minute (a point per heartbeat is what the series
    # is there to avoid), up to a day; kept from a day to ten years.
    "BOOK_SERIES_STEP": (60, DAY),
    "BOOK_SERIES_DAYS": (1, 3650),
}
# Seconds that must be more than zero.
POSITIVE_SECONDS = (
    "SQLITE_BUSY_TIMEOUT",
    "COMMAND_TTL",
    "SUPERVISOR_STALE_AFTER",
    "SUPERVISOR_POLL",
    "SUPERVISOR_POLL_FALLBACK",
    "SUPERVISOR_DB_POLL",
    "HEARTBEAT_STALE_AFTER",
    "TERMINAL_START_GRACE",
    "EMAIL_TIMEOUT",
    "NOTIFY_TIMEOUT",
)
DATABASE_ENGINES = {
    "mt5bot.sqlite": "sqlite",
    "mt5bot.postgresql": "postgresql",
    "django.db.backends.postgresql": "postgresql",
}
REDIS_SCHEMES = ("redis", "rediss", "unix")
# A header name as Django can see it: letters, digits and dashes (it drops a
# header with an underscore, so such a name would never match).
HEADER_NAME = re.compile(r"\A[A-Za-z0-9]+(-[A-Za-z0-9]+)*\Z")


@register()
def check_rates(app_configs, **kwargs):
    from mt5bot.rates import parse_rate

    return unreadable(RATES, parse_rate, "E010")


@register()
def check_choices(app_configs, **kwargs):
    from accounts.models import Transport

    errors = []
    folded = {**FOLDED_ENUMS, "TRADING_METHOD": tuple(Transport.values)}
    for name, allowed in {**ENUMS, **folded}.items():
        value = str(getattr(settings, name))
        if (value.lower() if name in folded else value) not in allowed:
            errors.append(
                Error(
                    f"{name}={value!r} is not one of: {', '.join(allowed)}.",
                    id="mt5bot.E011",
                )
            )
    return errors


@register()
def check_numbers(app_configs, **kwargs):
    bounds = {**RANGES, **{name: (0, DAY) for name in POSITIVE_SECONDS}}
    errors = []
    for name, (low, high) in bounds.items():
        value = getattr(settings, name)
        positive = name in POSITIVE_SECONDS
        if not number_fits(value, low, high, positive):
            lowest = f"more than {low}" if positive else f"at least {low}"
            errors.append(
                Error(
                    f"{name}={value!r} is out of range: {lowest}, at most {high}.",
                    id="mt5bot.E012",
                )
            )
    return errors


def number_fits(value, low, high, positive=False):
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    if not math.isfinite(value) or not low <= value <= high:
        return False
    return value > 0 if positive else True


@register()
def check_urls(app_configs, **kwargs):
    errors = database_errors(settings.DATABASES["default"]["ENGINE"])
    errors += url_errors(
        "REDIS_URL", REDIS_SCHEMES, "redis://127.0.0.1:6379/0", host=False
    )
    errors += url_errors(
        "EXTERNAL_BASE_URL", ("http", "https"), "https://bot.example.com"
    )
    return errors


def database_errors(engine):
    if engine in DATABASE_ENGINES:
        return []
    # Never the URL itself: it may hold the database password.
    return [
        Error(
            f"DATABASE_URL names an unsupported database ({engine or 'none'}).",
            hint="Use postgres://user:password@host:5432/name, or leave it "
            "empty for SQLite in DATA_DIR.",
            id="mt5bot.E013",
        )
    ]


def url_errors(name, schemes, example, host=True):
    url = getattr(settings, name)
    if not url:
        return []
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises on a port that is not a number)
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in schemes or (host and not parts.hostname):
        return [
            Error(
                f"{name} is not a {'/'.join(schemes)} URL.",
                hint=f"For example {example}.",
                id="mt5bot.E013",
            )
        ]
    return []


@register()
def check_notify_urls(app_configs, **kwargs):
    if not settings.NOTIFY_URLS:
        return []
    from notifications.channels import AppriseChannel, mask_in_apprise_logs

    # Apprise logs a URL it cannot read, and each one holds a service's key.
    mask_in_apprise_logs(settings.NOTIFY_URLS)
    errors = []
    for number, url in enumerate(settings.NOTIFY_URLS, start=1):
        try:
            AppriseChannel(url)
        except ValueError:
            errors.append(
                Error(
                    f"NOTIFY_URLS entry {number} is not a URL Apprise can use.",
                    hint="See Apprise's list of services (tgram://, discord://, ...).",
                    id="mt5bot.E013",
                )
            )
    return errors


@register()
def check_forwarded_header(app_configs, **kwargs):
    header = settings.FORWARDED_IP_HEADER
    if header and not HEADER_NAME.match(header):
        return [
            Error(
                f"FORWARDED_IP_HEADER={header!r} is not a header name.",
                hint="X-Forwarded-For, CF-Connecting-IP, or empty for none.",
                id="mt5bot.E014",
            )
        ]
    return []
