"""Settings for the test suite: the real settings with test secrets filled in."""

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("WEBHOOK_TOKEN", "test-webhook-token-0123456789")
os.environ.setdefault("MT5BOT_ENV_FILE", os.devnull)
if "DATA_DIR" not in os.environ:
    # A folder of this process's own (its children inherit it), removed when
    # it exits, after the secret scan has read the logs in it: every test
    # process and `manage.py` run on these settings left one in /tmp.
    os.environ["DATA_DIR"] = tempfile.mkdtemp(prefix="mt5bot-test-")
    atexit.register(shutil.rmtree, os.environ["DATA_DIR"], ignore_errors=True)
os.environ.setdefault("STATIC_ROOT", os.environ["DATA_DIR"])
# The suite's own log file and backups stay out of the project's folders; the
# secret scan in the root conftest.py reads LOG_DIR at the end of the session.
os.environ.setdefault("LOG_DIR", os.path.join(os.environ["DATA_DIR"], "logs"))
os.environ.setdefault("BACKUP_DIR", os.path.join(os.environ["DATA_DIR"], "backup"))
# Never the user's own tunnel folder: a backup test would copy its secrets.
os.environ.setdefault(
    "TUNNEL_CONFIG_DIR", os.path.join(os.environ["DATA_DIR"], "cloudflared")
)

from mt5bot import layers
from mt5bot.settings import *  # noqa: F403
from mt5bot.tests import runnames

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
RUN_ID = runnames.new_run_id()
DATABASES["default"]["TEST"] = runnames.test_database(  # noqa: F405
    DATABASES["default"]["ENGINE"],  # noqa: F405
    RUN_ID,
)
if REDIS_URL:  # noqa: F405
    REDIS_PREFIX = runnames.redis_prefix(RUN_ID)
    CACHES["default"]["KEY_PREFIX"] = REDIS_PREFIX  # noqa: F405
    CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = layers.prefixed(  # noqa: F405
        "asgi", REDIS_PREFIX
    )
