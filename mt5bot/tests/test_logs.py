"""Log lines: the webhook token masked on every handler, trading_bot.log
rotated by size even when several processes write it."""

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from mt5bot.logs import RedactSecrets, RotatingFile
from mt5bot.tests.test_serve import TOKEN, request, run_server

ROOT = Path(__file__).resolve().parents[2]
WRITER = Path(__file__).with_name("log_writer.py")


@pytest.fixture
def server(tmp_path):
    yield from run_server(tmp_path, "--no-supervisor")


def configured_handlers():
    """Every handler our LOGGING made (pytest's own capture handlers and the
    suite's recorder aside)."""
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    return [
        (logger.name, handler)
        for logger in loggers
        for handler in logger.handlers
        if type(handler).__module__.startswith(("logging", "mt5bot.logs"))
        and not isinstance(handler, logging.NullHandler)
    ]


def test_every_handler_redacts():
    handlers = configured_handlers()
    names = {type(h).__name__ for _, h in handlers}
    assert names >= {"StreamHandler", "RotatingFile"}
    for logger, handler in handlers:
        assert any(isinstance(f, RedactSecrets) for f in handler.filters), (
            logger,
            handler,
        )


def test_the_file_is_trading_bot_log_in_log_dir():
    [handler] = [h for _, h in configured_handlers() if isinstance(h, RotatingFile)]
    assert handler.baseFilename == str(settings.LOG_DIR / "trading_bot.log")
    assert handler.maxBytes == settings.LOG_MAX_BYTES > 0


def test_a_token_in_a_traceback_is_masked(tmp_path):
    handler = file_handler(tmp_path / "t.log", max_bytes=0)
    logger = isolated_logger(handler)
    try:
        raise ValueError(f"no route for /webhook/{settings.WEBHOOK_TOKEN}")
    except ValueError:
        logger.exception("failed")
    handler.close()
    text = (tmp_path / "t.log").read_text()
    assert "ValueError: no route for /webhook/***" in text
    assert settings.WEBHOOK_TOKEN not in text


def test_two_processes_rotate_once_and_keep_every_line(tmp_path):
    """Two real processes write at once; whichever order their lines and
    rotations take, none is lost and no file is rotated before it is full
    (a second rotation by the other process would leave a short one)."""
    path, lines, max_bytes = tmp_path / "logs" / "trading_bot.log", 5000, 2000
    writers = [
        subprocess.Popen(
            [sys.executable, str(WRITER), str(path), name, str(lines), str(max_bytes)],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for name in ("a", "b")
    ]
    assert [writer.stdout.readline() for writer in writers] == ["ready\n"] * 2
    for writer in writers:
        writer.stdin.write("go\n")
        writer.stdin.flush()
    assert [writer.wait(timeout=300) for writer in writers] == [0, 0]
    files = sorted(path.parent.glob("trading_bot.log*"))
    text = [line for file in files for line in file.read_text().splitlines()]
    for name in ("a", "b"):
        expected = [f"{name} line {n:05d}" for n in range(lines)]
        assert sorted(line for line in text if line.startswith(name)) == expected
    rotated = [file for file in files if file != path]
    assert len(rotated) >= 20
    assert [f.name for f in rotated if f.stat().st_size < max_bytes] == []


@pytest.mark.e2e
def test_the_server_logs_to_its_file_without_the_token(server):
    port, folder, process = server
    assert request(port, "POST", f"/webhook/{TOKEN}", b"x")[0] == 400
    assert request(port, "POST", f"/webhook/{TOKEN}z", b"x")[0] == 401
    process.terminate()
    process.wait(timeout=10)
    text = (folder / "logs" / "trading_bot.log").read_text()
    assert '"POST /webhook/***" 401' in text
    assert TOKEN not in text


def file_handler(path, max_bytes=200):
    handler = RotatingFile(path, maxBytes=max_bytes, backupCount=9)
    handler.addFilter(RedactSecrets())
    handler.setFormatter(logging.Formatter("%(name)s %(message)s"))
    return handler


def isolated_logger(handler, name="x"):
    logger = logging.getLogger(f"mt5bot.tests.logs.{name}")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    return logger
