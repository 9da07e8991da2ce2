"""A separate process writing numbered lines through mt5bot.logs.RotatingFile,
as every process of an install does, for test_logs.py.

    python log_writer.py PATH NAME LINES MAX_BYTES

It says "ready" and starts writing at the line the test sends on stdin, so
that two writers start together.
"""

import logging
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mt5bot.test_settings")
django.setup()

from mt5bot.logs import RedactSecrets, RotatingFile  # noqa: E402

path, name, lines, max_bytes = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:5])
# Enough backups that none of the test's lines is deleted by design.
handler = RotatingFile(path, maxBytes=max_bytes, backupCount=1000)
handler.addFilter(RedactSecrets())
logger = logging.getLogger(name)
logger.addHandler(handler)
logger.propagate = False
logger.setLevel(logging.INFO)
print("ready", flush=True)
sys.stdin.readline()
for n in range(lines):
    logger.info("%s line %05d", name, n)
handler.close()
