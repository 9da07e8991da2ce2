"""Keep secrets out of log lines, and write them to a rotating file that
several processes share."""

import logging
import os
import re
import time
from logging.handlers import RotatingFileHandler
from pathlib import Path

# The webhook token travels in the URL path, and Django's request logger and
# the access log both print paths ("Unauthorized: /webhook/<token>").
WEBHOOK_PATH = re.compile(r"/webhook/(?!health\b)[^\s/?\"']+")
# Seconds between attempts to rotate a file another process holds (Windows).
ROTATE_RETRY = 60.0


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


class RotatingFile(RotatingFileHandler):
    """LOG_DIR/trading_bot.log, rotated by size, written by every process of
    the install (serve, its workers, a separate supervise, manage.py commands).

    Two problems of one rotating file shared by processes are handled here:
    - POSIX: after one process rotates, the others would go on writing into
      the renamed file and, once it looks full to them, rotate again and
      overwrite the first rotation. Before each line a process checks that
      its open file is still the one at the path, and reopens if not.
    - Windows: a file another process holds open cannot be renamed. The
      rotation then fails; the line is written to the current file and the
      rotation is tried again a minute later, so the file can grow past
      LOG_MAX_BYTES while, say, a separate `supervise` keeps it open. `serve`
      on Windows is one process with the supervisor inside, and other
      commands open the file only when they log (delay=True).
    """

    retry_at = 0.0

    def _open(self):
        Path(self.baseFilename).parent.mkdir(parents=True, exist_ok=True)
        return super()._open()

    def shouldRollover(self, record):
        if self.stream is not None and self.moved():
            self.stream.close()
            self.stream = self._open()
        if time.monotonic() < self.retry_at:
            return False
        return super().shouldRollover(record)

    def moved(self):
        """True when another process rotated the file this one has open."""
        try:
            there = os.stat(self.baseFilename)
        except FileNotFoundError:
            return True
        here = os.fstat(self.stream.fileno())
        return (there.st_dev, there.st_ino) != (here.st_dev, here.st_ino)

    def doRollover(self):
        try:
            super().doRollover()
        except PermissionError:
            self.retry_at = time.monotonic() + ROTATE_RETRY
            if self.stream is None:
                self.stream = self._open()
