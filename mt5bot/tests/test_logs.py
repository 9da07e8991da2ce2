"""Log lines: the webhook token masked on every handler, trading_bot.log
rotated by size even when several processes write it."""

import logging

import pytest
from django.conf import settings

from mt5bot.logs import RedactSecrets, RotatingFile
from mt5bot.tests.test_serve import TOKEN, request, run_server


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
    path = tmp_path / "logs" / "trading_bot.log"
    first, second = file_handler(path), file_handler(path)
    a, b = isolated_logger(first, "a"), isolated_logger(second, "b")
    b.info("b opens the file")
    for n in range(12):
        a.info("a line %02d ...............", n)
    # `a` rotated; `b` still holds the renamed file and must follow, not
    # rotate again over `a`'s rotation.
    b.info("b after a's rotation")
    first.close()
    second.close()
    lines = "".join(p.read_text() for p in sorted(path.parent.iterdir()))
    assert lines.count("a line") == 12
    assert "b opens the file" in lines
    assert "b after a's rotation" in path.read_text()


def test_a_rotation_windows_refuses_is_retried_later(tmp_path, monkeypatch):
    path = tmp_path / "trading_bot.log"
    handler = file_handler(path)
    logger = isolated_logger(handler, "win")

    def held_by_another_process(source, dest):
        raise PermissionError(32, "used by another process")

    monkeypatch.setattr(handler, "rotate", held_by_another_process)
    for n in range(12):
        logger.info("line %02d ...................", n)
    handler.close()
    assert path.read_text().count("line") == 12
    assert handler.retry_at > 0


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
    handler = RotatingFile(path, maxBytes=max_bytes, backupCount=9, delay=True)
    handler.addFilter(RedactSecrets())
    handler.setFormatter(logging.Formatter("%(name)s %(message)s"))
    return handler


def isolated_logger(handler, name="x"):
    logger = logging.getLogger(f"mt5bot.tests.logs.{name}")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    return logger
