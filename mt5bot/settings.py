"""
Settings for mt5bot, read from the environment and an optional `.env` file.

Every variable is documented in `.env.example` and in the README's configuration
table. Secrets have no default: the setup step (`manage.py setup`) writes them.
"""

import os
from pathlib import Path

import environ

from mt5bot import bounds, envfile, layers, strictenv

BASE_DIR = Path(__file__).resolve().parent.parent

# Refuses a number or a boolean it cannot read, naming the variable.
env = strictenv.Env()
ENV_FILE = envfile.location()
# Names the process's own environment sets, before .env adds to it: those win
# over the file, also when it changes later (mt5bot/tokens.py).
ENVIRONMENT_NAMES = frozenset(os.environ)
# The version of .env these settings hold (a later rotation shows as a change).
ENV_FILE_MTIME = None
if ENV_FILE.is_file():
    ENV_FILE_MTIME = ENV_FILE.stat().st_mtime_ns
    env.read_env(ENV_FILE)

# --- Core ------------------------------------------------------------------
SECRET_KEY = env.str("SECRET_KEY")
DEBUG = env.bool("DEBUG", default=False)
HOST = env.str("HOST", default="127.0.0.1")
PORT = env.int("PORT", default=5000)
EXTERNAL_BASE_URL = env.str("EXTERNAL_BASE_URL", default=f"http://127.0.0.1:{PORT}")
# Server processes sharing PORT (POSIX); one process uses about one core.
WEB_WORKERS = env.int("WEB_WORKERS", default=1)
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS",
    default=[
        environ.urlparse(EXTERNAL_BASE_URL).hostname or "localhost",
        "localhost",
        "127.0.0.1",
        "[::1]",
    ],
)

# --- Runtime paths (configurable so several installs can live side by side) -
DATA_DIR = Path(env.str("DATA_DIR", default=str(BASE_DIR / "data")))
LOG_DIR = Path(env.str("LOG_DIR", default=str(BASE_DIR / "logs")))
MT5_INSTANCES_DIR = Path(
    env.str("MT5_INSTANCES_DIR", default=str(BASE_DIR / "instances"))
)
# `manage.py backup` writes here; it keeps the newest BACKUP_KEEP backups.
BACKUP_DIR = Path(env.str("BACKUP_DIR", default=str(BASE_DIR / "backup")))
BACKUP_KEEP = env.int("BACKUP_KEEP", default=10)
# The tunnel's own folder (cloudflared's config.yml and the tunnel's
# credentials, docs/deploy.md section 1), copied into each backup when it
# exists; empty: none.
TUNNEL_CONFIG_DIR = os.path.expanduser(
    env.str("TUNNEL_CONFIG_DIR", default="~/.cloudflared")
)
MT5_MAIN_PATH = env.str("MT5_MAIN_PATH", default="")
# Where a new MT5 account's Default chart profile comes from (accounts/
# profiles.py): auto, data (%APPDATA%\MetaQuotes\Terminal\<id>) or install.
MT5_PROFILE_SOURCE = env.str("MT5_PROFILE_SOURCE", default="auto")
TRADING_METHOD = env.str("TRADING_METHOD", default="file")

# --- Database --------------------------------------------------------------
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
else:
    # Not through a URL: a URL's path reads "+" as a space and "%xx", "?" and
    # "#" as URL syntax, and DATA_DIR may hold any of them.
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "mt5bot.sqlite3"),
        }
    }
SQLITE_BUSY_TIMEOUT = env.float("SQLITE_BUSY_TIMEOUT", default=20.0)
SQLITE_SYNCHRONOUS = env.str("SQLITE_SYNCHRONOUS", default="FULL")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's backend plus one write lock shared by the install's processes.
    DATABASES["default"]["ENGINE"] = "mt5bot.sqlite"
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers run beside the one writer; IMMEDIATE takes the write
        # lock at BEGIN, so two writers queue on the busy timeout instead of
        # deadlocking when a read lock tries to upgrade.
        "transaction_mode": "IMMEDIATE",
        "timeout": SQLITE_BUSY_TIMEOUT,
        "init_command": (
            f"PRAGMA journal_mode=WAL;PRAGMA synchronous={SQLITE_SYNCHRONOUS}"
        ),
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend with a health check that costs no round trip.
    DATABASES["default"]["ENGINE"] = "mt5bot.postgresql"
# Connections live as long as the thread that opened them: the webhook runs on
# one long-lived thread (mt5bot.handlers) and keeps one open connection.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=None)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Applications ----------------------------------------------------------
INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "mt5bot",
    "accounts",
    "signals",
    "history",
    "mapping",
    "notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "mt5bot.security.ContentSecurityPolicy",
]

ROOT_URLCONF = "mt5bot.urls"
ASGI_APPLICATION = "mt5bot.asgi.application"
WSGI_APPLICATION = "mt5bot.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"
# Cookies only over HTTPS once the public address is HTTPS (a tunnel or a
# reverse proxy in front); plain http://127.0.0.1 keeps working locally.
SECURE_COOKIES = EXTERNAL_BASE_URL.startswith("https://")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Behind the tunnel or proxy, requests arrive as plain HTTP with this header;
# believed only once the public address is HTTPS. Browsers then keep to HTTPS
# for a year (HSTS, sent on HTTPS answers only).
if SECURE_COOKIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CSRF_TRUSTED_ORIGINS = [EXTERNAL_BASE_URL.rstrip("/")] if EXTERNAL_BASE_URL else []

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_MANIFEST_STRICT = False

# --- Cache (rate-limit counters) and channel layer ---------------------------
REDIS_URL = env.str("REDIS_URL", default="")
# Every key and channel this install uses in Redis begins with "<prefix>:",
# so that installs (or test runs) can share one Redis database; clearing the
# cache then deletes those keys only (mt5bot.rediscache).
REDIS_PREFIX = env.str("REDIS_PREFIX", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's, with one connection pool per process.
            "BACKEND": "mt5bot.rediscache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": REDIS_PREFIX,
        }
    }
    CHANNEL_LAYERS = {
        "default": layers.redis_channel_layer(
            REDIS_URL, layers.prefixed("asgi", REDIS_PREFIX)
        )
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
RATELIMIT_USE_CACHE = "default"

# --- Webhook intake ----------------------------------------------------------
WEBHOOK_TOKEN = env.str("WEBHOOK_TOKEN", default="")
# After `manage.py rotatetoken`: the old token, accepted until this moment
# (ISO 8601), so alerts can be moved to the new URL without a gap.
WEBHOOK_TOKEN_PREVIOUS = env.str("WEBHOOK_TOKEN_PREVIOUS", default="")
WEBHOOK_TOKEN_PREVIOUS_UNTIL = env.str("WEBHOOK_TOKEN_PREVIOUS_UNTIL", default="")
RATE_LIMIT_WEBHOOK = env.str("RATE_LIMIT_WEBHOOK", default="120 per minute")
RATE_LIMIT_API = env.str("RATE_LIMIT_API", default="1000 per hour")
# Empty means every source IP may send; "tradingview" expands to its senders.
WEBHOOK_ALLOWED_IPS = env.list("WEBHOOK_ALLOWED_IPS", default=[])
# FORWARDED_IP_HEADER is believed only when the connection comes from one of
# these. A local tunnel or nginx on this machine connects from loopback.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=["127.0.0.1/32", "::1/128"])
# The one header that names the sender behind a trusted proxy, read from the
# right: X-Forwarded-For (nginx), CF-Connecting-IP (a Cloudflare Tunnel).
# Empty: believe no header. Never two at once (signals.network.client_ip).
FORWARDED_IP_HEADER = env.str("FORWARDED_IP_HEADER", default="X-Forwarded-For")
WEBHOOK_DEDUPE_WINDOW = env.float("WEBHOOK_DEDUPE_WINDOW", default=10.0)
WEBHOOK_MAX_BODY_BYTES = env.int("WEBHOOK_MAX_BODY_BYTES", default=64 * 1024)
# Seconds from an alert's arrival to its commit: later, it is answered 503 and
# nothing of it is stored (TradingView gives up after 3 s; mt5bot.deadline).
WEBHOOK_DEADLINE = env.float("WEBHOOK_DEADLINE", default=2.0)
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
COMMAND_TTL = env.float("COMMAND_TTL", default=30.0)
# The hard limit on one order's volume in lots, after the account's multiplier
# and cap (accounts/limits.py): above it a command is refused, never clamped.
MAX_ORDER_VOLUME = bounds.order_volume_setting(env.str("MAX_ORDER_VOLUME", "100"))
# The bridge (manage.py supervise, also run inside serve).
SUPERVISOR_STALE_AFTER = env.float("SUPERVISOR_STALE_AFTER", default=10.0)
# Loopback UDP port a separate `supervise` process listens on for wake-ups
# from the web process; 0 disables (the supervisor then relies on its poll).
SUPERVISOR_WAKE_PORT = env.int("SUPERVISOR_WAKE_PORT", default=5011)
# Seconds between the supervisor's looks at every result file. Result files
# are noticed by file-system events as they appear (accounts/bridge/watch.py);
# the look at every folder is the fallback, SUPERVISOR_POLL_FALLBACK apart,
# and SUPERVISOR_POLL apart when no events can be had.
SUPERVISOR_POLL = env.float("SUPERVISOR_POLL", default=0.02)
SUPERVISOR_POLL_FALLBACK = env.float("SUPERVISOR_POLL_FALLBACK", default=1.0)
# Seconds between database polls for queued commands, the fallback when a
# wake-up from the web process is lost.
SUPERVISOR_DB_POLL = env.float("SUPERVISOR_DB_POLL", default=0.25)
# After a command expires: seconds before an untaken file is withdrawn, and
# before a taken but unanswered command is recorded as unknown.
COMMAND_WITHDRAW_GRACE = env.float("COMMAND_WITHDRAW_GRACE", default=2.0)
COMMAND_RESULT_DEADLINE = env.float("COMMAND_RESULT_DEADLINE", default=30.0)
# A terminal whose heartbeat is older than this is not online.
HEARTBEAT_STALE_AFTER = env.float("HEARTBEAT_STALE_AFTER", default=6.0)
# Seconds a starting terminal has to write its first heartbeat.
TERMINAL_START_GRACE = env.float("TERMINAL_START_GRACE", default=60.0)
# Each account's balance and equity as the terminal's book reports them
# (ea/PROTOCOL.md 5.1): one point per BOOK_SERIES_STEP seconds, kept
# BOOK_SERIES_DAYS days (accounts/bridge/book.py).
BOOK_SERIES_STEP = env.int("BOOK_SERIES_STEP", default=300)
BOOK_SERIES_DAYS = env.int("BOOK_SERIES_DAYS", default=30)
PINECONNECTOR_RISK = env.str("PINECONNECTOR_RISK", default="lots")
PINECONNECTOR_SLTP = env.str("PINECONNECTOR_SLTP", default="pips")

# --- Symbol mapping --------------------------------------------------------
FUZZY_MATCH_THRESHOLD = env.float("FUZZY_MATCH_THRESHOLD", default=0.6)
SYMBOL_FETCH_ENABLED = env.bool("SYMBOL_FETCH_ENABLED", default=False)

# --- Email -----------------------------------------------------------------
EMAIL_ENABLED = env.bool("EMAIL_ENABLED", default=False)
EMAIL_HOST = env.str("EMAIL_HOST", default="smtp.gmail.com")
EMAIL_PORT = env.int("EMAIL_PORT", default=587)
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default=env.str("SENDER_EMAIL", ""))
EMAIL_HOST_PASSWORD = env.str(
    "EMAIL_HOST_PASSWORD", default=env.str("SENDER_PASSWORD", "")
)
DEFAULT_FROM_EMAIL = EMAIL_HOST_USER or "mt5bot@localhost"
EMAIL_RECIPIENTS = env.list(
    "EMAIL_RECIPIENTS", default=env.list("RECIPIENTS", default=[])
)

# --- Notifications (notifications/) -----------------------------------------
# Port 465 servers want SSL from the first byte instead of STARTTLS.
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
# Seconds per SMTP socket operation before a send fails (on the sender thread).
EMAIL_TIMEOUT = env.float("EMAIL_TIMEOUT", default=10.0)
# Apprise URLs (tgram://, discord://, slack://, ntfy://, json://, ...),
# separated by spaces or commas; APPRISE_URLS, Apprise's own name, works too.
NOTIFY_URLS = (
    env.str("NOTIFY_URLS", default=env.str("APPRISE_URLS", ""))
    .replace(",", " ")
    .split()
)
# Seconds Apprise may take for one message, all retries included.
NOTIFY_TIMEOUT = env.float("NOTIFY_TIMEOUT", default=15.0)
# The same alert (kind and account/address/code) at most once per window;
# the repeats are summed up in one message when it ends.
NOTIFY_WINDOW = env.float("NOTIFY_WINDOW", default=300.0)
NOTIFY_EVENTS = env.list(
    "NOTIFY_EVENTS",
    default=[
        "startup",
        "account_online",
        "account_offline",
        "account_degraded",
        "validation_error",
        "unauthorized",
        "login_failed",
        "trade_executed",
        "trade_failed",
        "supervisor_absent",
    ],
)

# --- REST framework ----------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "UNAUTHENTICATED_USER": None,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "mt5bot API",
    "DESCRIPTION": "Accounts, signals, commands, symbol mappings and health.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # /api/docs/: Swagger UI from our own static files, and no badge from the
    # public validator (it would send the schema's URL out).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"validatorUrl": None},
}

# --- Logging -----------------------------------------------------------------
# Checked here, not by the system checks: logging is set up before they run.
LOG_LEVEL = env.choice(
    "LOG_LEVEL", ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"), default="INFO"
)
# LOG_DIR/trading_bot.log is rotated at LOG_MAX_BYTES, keeping LOG_BACKUP_COUNT
# old files (trading_bot.log.1 ...). Every handler carries the redact filter:
# a log line never holds the webhook token (mt5bot.logs).
LOG_MAX_BYTES = env.int("LOG_MAX_BYTES", default=10 * 1024 * 1024)
LOG_BACKUP_COUNT = env.int("LOG_BACKUP_COUNT", default=5)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "mt5bot.logs.RedactSecrets"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "file": {
            "format": "%(asctime)s %(levelname)s %(process)d %(name)s: %(message)s"
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact"],
        },
        "file": {
            "class": "mt5bot.logs.RotatingFile",
            "filename": str(LOG_DIR / "trading_bot.log"),
            "maxBytes": LOG_MAX_BYTES,
            "backupCount": LOG_BACKUP_COUNT,
            "encoding": "utf-8",
            "formatter": "file",
            "filters": ["redact"],
        },
    },
    "root": {"handlers": ["console", "file"], "level": LOG_LEVEL},
    # Django's defaults give these loggers handlers of their own, without the
    # redact filter ("django" prints to the console with DEBUG on, and mails
    # ADMINS), and redis-py gives "push_response" a console handler of its own
    # unless the logger exists already: no handlers here, so their lines go
    # through the root's.
    "loggers": {
        **{
            name: {"handlers": [], "propagate": True, "level": LOG_LEVEL}
            for name in ("django", "django.server", "push_response")
        },
        # daphne's INFO lines repeat serve's start-up summary (its endpoints)
        # or say nothing a trader acts on ("HTTP/2 support not enabled": the
        # tunnel or proxy in front speaks HTTP/2, and loopback needs none).
        # Its warnings and errors still show; everything with LOG_LEVEL=DEBUG.
        "daphne": {
            "handlers": [],
            "propagate": True,
            "level": "WARNING" if LOG_LEVEL == "INFO" else LOG_LEVEL,
        },
    },
}
