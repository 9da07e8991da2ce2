"""Keep secrets out of log lines, and write them to a rotating file that
several processes share."""

import logging
import re
from pathlib import Path

from concurrent_log_handler import ConcurrentRotatingFileHandler

from mt5bot import filemodes

# The webhook token travels in the URL path, and Django's request logger and
# the access log both print paths ("Unauthorized: /webhook/<token>").
WEBHOOK_PATH = re.compile(r"/webhook/(?!health\b)[^\s/?\"']+")


def redact(text):
    from mt5bot import tokens  # not at import: logging is set up first

    return tokens.blank(WEBHOOK_PATH.sub("/webhook/***", text))


class RedactSecrets(logging.Filter):
    """Rewrite each record's message, and its traceback, with the webhook
    token blanked out. On every handler (settings.LOGGING)."""

    def filter(self, record):
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        if record.exc_info and not record.exc_text:
            # Formatters print exc_text when it is set: an exception whose
            # message holds a URL is redacted like the message.
            record.exc_text = redact(
                logging.Formatter().formatException(record.exc_info)
            )
        return True


class RotatingFile(ConcurrentRotatingFileHandler):
    """LOG_DIR/trading_bot.log, rotated by size, written by every process of
    the install (serve, its workers, a separate supervise, manage.py commands).

    concurrent-log-handler holds a lock file beside the log (.__trading_bot.lock)
    around each line and each rotation, so the processes rotate the file once
    between them and no line is written into a file another one is moving. On
    Windows it closes the file after each line, so that it can be renamed.

    It replaced a RotatingFileHandler of our own that, without a lock,
    reopened the file when another process had rotated it. Two processes
    writing 20,000 lines each at once into 256 KiB files: ours lost up to
    13 % of the lines (3 runs of 4) when both rotated at the same moment, and
    made 26-28 files where 16 were due; this one lost none and made 16, at
    the same speed (10,400-13,600 lines/s against ours' 10,500-13,300).
    """

    def __init__(self, *args, **kwargs):
        # Created owner-only (the library creates the file with this mode and
        # sets it again if it differs): lines quote alerts, addresses and
        # account numbers. POSIX only; see mt5bot.filemodes.
        if filemodes.ON_POSIX:
            kwargs.setdefault("chmod", filemodes.PRIVATE_FILE)
        super().__init__(*args, **kwargs)

    def _open_lockfile(self):
        # LOG_DIR is made at the first line, where the library opens its
        # first file, not when logging is configured. A private method of the
        # library: test_logs.py writes into a folder that does not exist yet.
        filemodes.make_private_dir(Path(self.lockFilename).parent)
        super()._open_lockfile()
