"""
Where notifications go: email through Django's email framework, and any
service Apprise knows (Telegram, Discord, Slack, ntfy, a JSON webhook, ...)
from NOTIFY_URLS. Each `send` blocks for at most its timeout and raises on
failure; the sender thread records the outcome.
"""

import logging
import re

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from mt5bot.logs import redact

log = logging.getLogger("mt5bot.notify")


class ChannelError(Exception):
    pass


class EmailChannel:
    label = "email"

    def send(self, subject, body):
        # The timeout bounds each socket operation: a server that accepts and
        # never answers costs EMAIL_TIMEOUT, then the send fails.
        connection = get_connection(timeout=settings.EMAIL_TIMEOUT)
        message = EmailMessage(
            subject,
            body,
            settings.DEFAULT_FROM_EMAIL,
            settings.EMAIL_RECIPIENTS,
            connection=connection,
        )
        message.send()


class AppriseChannel:
    def __init__(self, url):
        import apprise  # only when configured: it costs a noticeable start-up

        self.apprise = apprise.Apprise()
        if not self.apprise.add(url):
            raise ValueError("not a URL Apprise can use")
        # The URL holds the service's secrets (bot tokens, webhook keys):
        # records and logs only ever show Apprise's masked form, without query.
        self.label = "apprise " + self.apprise[0].url(privacy=True).split("?")[0]
        self.mask = MaskURLs([url])

    def send(self, subject, body):
        result = self.apprise.notify(
            body=body, title=subject, timeout=settings.NOTIFY_TIMEOUT
        )
        if not result:
            reasons = "; ".join(entry.message for entry in result.logs())
            reasons = self.mask.clean(redact(reasons))
            raise ChannelError(reasons or f"Apprise: {result.status}")


class MaskURLs(logging.Filter):
    """Apprise logs the URL it cannot parse, and its plugins name parts of a
    URL when a send fails: this blanks the configured URLs, and every long
    piece of them (tokens, keys, webhook ids), out of Apprise's log lines."""

    def __init__(self, urls):
        super().__init__()
        pieces = {p for url in urls for p in re.split(r"[/:@?&=,]+", url)}
        secrets = {*urls, *(p for p in pieces if len(p) >= 8)}
        self.secrets = sorted(secrets, key=len, reverse=True)

    def clean(self, text):
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return text

    def filter(self, record):
        record.msg, record.args = self.clean(record.getMessage()), ()
        return True


def mask_in_apprise_logs(urls):
    logger = logging.getLogger("apprise")
    for old in [f for f in logger.filters if isinstance(f, MaskURLs)]:
        logger.removeFilter(old)
    logger.addFilter(MaskURLs(urls))


def configured():
    """The channels the settings ask for, built once per sender."""
    channels = []
    if settings.NOTIFY_URLS:
        mask_in_apprise_logs(settings.NOTIFY_URLS)
    if settings.EMAIL_ENABLED and settings.EMAIL_RECIPIENTS:
        channels.append(EmailChannel())
    for number, url in enumerate(settings.NOTIFY_URLS, start=1):
        try:
            channels.append(AppriseChannel(url))
        except ValueError:
            # Never the URL: it is a secret.
            log.error("NOTIFY_URLS entry %s is not a URL Apprise can use", number)
    return channels


def any_configured():
    """Cheap: whether notifications can go anywhere at all."""
    return bool(
        (settings.EMAIL_ENABLED and settings.EMAIL_RECIPIENTS) or settings.NOTIFY_URLS
    )
