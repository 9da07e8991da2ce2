"""Settings for the test suite: the real settings with test secrets filled in."""

import os
import tempfile
import uuid

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("WEBHOOK_TOKEN", "test-webhook-token-0123456789")
os.environ.setdefault("MT5BOT_ENV_FILE", os.devnull)
os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="mt5bot-test-"))
os.environ.setdefault("STATIC_ROOT", os.environ["DATA_DIR"])
# The suite's own log file and backups stay out of the project's folders; the
# secret scan in the root conftest.py reads LOG_DIR at the end of the session.
os.environ.setdefault("LOG_DIR", os.path.join(os.environ["DATA_DIR"], "logs"))
os.environ.setdefault("BACKUP_DIR", os.path.join(os.environ["DATA_DIR"], "backup"))
# Never the user's own tunnel folder: a backup test would copy its secrets.
os.environ.setdefault(
    "TUNNEL_CONFIG_DIR", os.path.join(os.environ["DATA_DIR"], "cloudflared")
)

from mt5bot.settings import *  # noqa: F403

# The manifest storage needs collectstatic; admin pages render in tests without.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The real hasher spends a fifth of a second of CPU on each password, by
# design; the servers the e2e tests start keep it.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# This test process's own names in the services other processes share: the
# other pytest-xdist worker, another checkout's run on the same machine.
RUN_ID = uuid.uuid4().hex[:10]
if DATABASES["default"]["ENGINE"] == "mt5bot.sqlite":  # noqa: F405
    # In memory, as Django makes it for sqlite3; said outright, as
    # pytest-django would otherwise suffix the file name with the xdist worker.
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}  # noqa: F405
else:
    # pytest-django appends the worker ("_gw0"); this keeps two runs apart.
    DATABASES["default"]["TEST"] = {"NAME": f"test_mt5bot_{RUN_ID}"}  # noqa: F405
if REDIS_URL:  # noqa: F405
    CACHES = {
        "default": {
            "BACKEND": "mt5bot.tests.services.ScopedRedisCache",
            "LOCATION": REDIS_URL,  # noqa: F405
            "KEY_PREFIX": f"mt5bot-test-{RUN_ID}",
        }
    }
    CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = f"mt5bot-test-{RUN_ID}"  # noqa: F405
