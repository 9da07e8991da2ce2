"""
The webhook tokens that open the door now: WEBHOOK_TOKEN, and after a
rotation (`manage.py rotatetoken`) the previous one until its grace ends.

A rotation rewrites `.env`; the running server picks it up without a
restart: each check looks at the file's modification time (one stat) and
re-reads the three names when it changed. A name set in the real
environment wins over the file, as in the settings.
"""

import hmac
import os
from datetime import UTC, datetime
from stat import S_ISREG

from django.conf import settings
from django.dispatch import receiver
from django.test.signals import setting_changed
from django.utils import timezone

from mt5bot import envfile

NAMES = ("WEBHOOK_TOKEN", "WEBHOOK_TOKEN_PREVIOUS", "WEBHOOK_TOKEN_PREVIOUS_UNTIL")


class Tokens:
    def __init__(self):
        self.stamp = None  # (path, mtime_ns) the values below were read at
        self.values = None

    def current(self):
        """{name: value} of the three names, from the settings until `.env`
        changes after the process started."""
        path = envfile.location()
        try:
            stat = path.stat()
        except OSError:
            stat = None
        # Only a regular file: /dev/null (the tests') changes when written to.
        regular = stat is not None and S_ISREG(stat.st_mode)
        stamp = (path, stat.st_mtime_ns if regular else None)
        if self.values is None:
            # As the settings read it; if .env changed since, re-read below.
            self.stamp = (path, getattr(settings, "ENV_FILE_MTIME", None))
            self.values = {name: getattr(settings, name, "") for name in NAMES}
        if stamp != self.stamp:
            self.stamp = stamp
            read = envfile.read(path)
            process = settings.ENVIRONMENT_NAMES
            self.values = {
                name: os.environ[name] if name in process else read.get(name, "")
                for name in NAMES
            }
        return self.values

    def accepted(self, now=None):
        """The tokens a webhook may carry now, newest first."""
        values = self.current()
        tokens = [values["WEBHOOK_TOKEN"]]
        until = parse_until(values["WEBHOOK_TOKEN_PREVIOUS_UNTIL"])
        in_grace = until is not None and (now or timezone.now()) < until
        if values["WEBHOOK_TOKEN_PREVIOUS"] and in_grace:
            tokens.append(values["WEBHOOK_TOKEN_PREVIOUS"])
        return [token for token in tokens if token]

    def secrets(self):
        """Every token to blank out of logs and answers, expired ones too."""
        values = self.current()
        names = ("WEBHOOK_TOKEN", "WEBHOOK_TOKEN_PREVIOUS")
        return [values[name] for name in names if values[name]]

    def reset(self):
        """For tests that change the settings."""
        self.stamp = self.values = None


def blank(text):
    """`text` with every webhook token, current or previous, as ***."""
    for token in tokens.secrets():
        text = text.replace(token, "***")
    return text


def blank_bytes(body):
    for token in tokens.secrets():
        body = body.replace(token.encode(), b"***")
    return body


def blank_tree(value):
    """Parsed JSON or form fields (dicts, lists, strings, numbers) with every
    token blanked in each key and string: a body can spell the token in an
    escape (JSON's \\u0041, a form's %41) that blanking its bytes misses."""
    return _blank_tree(value, tokens.secrets())


def _blank_tree(value, secrets):
    if isinstance(value, str):
        for token in secrets:
            value = value.replace(token, "***")
        return value
    if isinstance(value, dict):
        return {
            _blank_tree(k, secrets): _blank_tree(v, secrets) for k, v in value.items()
        }
    if isinstance(value, list):
        return [_blank_tree(item, secrets) for item in value]
    return value


def current():
    """The token to give out (the webhook URL), as of now."""
    return tokens.current()["WEBHOOK_TOKEN"]


def parse_until(text):
    try:
        moment = datetime.fromisoformat(text) if text else None
    except ValueError:
        return None
    if moment is not None and timezone.is_naive(moment):
        moment = moment.replace(tzinfo=UTC)
    return moment


def matches(given, now=None):
    """Constant time for each accepted token, and every one is compared, so
    the answer's timing tells neither which matched nor how many there are."""
    given = given.encode("utf-8", "surrogatepass")
    found = False
    for token in tokens.accepted(now):
        found |= hmac.compare_digest(given, token.encode("utf-8"))
    return found


tokens = Tokens()


@receiver(setting_changed)
def _settings_changed(setting, **kwargs):
    if setting in NAMES:
        tokens.reset()
