"""Settings for the test suite: the real settings with test secrets filled in."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("WEBHOOK_TOKEN", "test-webhook-token-0123456789")
os.environ.setdefault("MT5BOT_ENV_FILE", os.devnull)
os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="mt5bot-test-"))
os.environ.setdefault("STATIC_ROOT", os.environ["DATA_DIR"])
# The suite's own log file and backups stay out of the project's folders; the
# secret scan in the root conftest.py reads LOG_DIR at the end of the session.
os.environ.setdefault("LOG_DIR", os.path.join(os.environ["DATA_DIR"], "logs"))
os.environ.setdefault("BACKUP_DIR", os.path.join(os.environ["DATA_DIR"], "backup"))

from mt5bot.settings import *  # noqa: F403

# The manifest storage needs collectstatic; admin pages render in tests without.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
