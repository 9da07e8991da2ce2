"""Keep secrets out of log lines."""

import logging
import re

from django.conf import settings

# The webhook token travels in the URL path, and Django's request logger and
# the access log both print paths ("Unauthorized: /webhook/<token>").
WEBHOOK_PATH = re.compile(r"/webhook/(?!health\b)[^\s/?\"']+")


def redact(text):
    text = WEBHOOK_PATH.sub("/webhook/***", text)
    token = getattr(settings, "WEBHOOK_TOKEN", "")
    if token:
        text = text.replace(token, "***")
    return text


class RedactSecrets(logging.Filter):
    """Rewrite each record's message with the webhook token blanked out."""

    def filter(self, record):
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True
