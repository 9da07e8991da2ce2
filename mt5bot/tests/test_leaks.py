"""The suite's secret scan (mt5bot/tests/leaks.py) can fail: a leak written
on purpose is found in the log file and among the records, then withdrawn
so that the session itself stays green."""

import logging

from django.conf import settings

from mt5bot.tests import leaks

CANARY = "canary-secret-0a8f5e2d77"


def withdrawn(canary):
    leaks.SECRETS.values.discard(canary)
    leaks.RECORDER.leaks[:] = [
        line for line in leaks.RECORDER.leaks if canary[:4] + "…" not in line
    ]


def test_a_secret_in_a_log_line_is_found_in_the_file_and_the_records():
    leaks.SECRETS.note(CANARY)
    try:
        logging.getLogger("mt5bot.selftest").warning("leaked: %s", CANARY)
        found = leaks.session_leaks(leaks.WATCHED[0])
        assert f"{settings.LOG_DIR / 'trading_bot.log'}: cana…" in found
        assert any(
            "log record: mt5bot.selftest: leaked: cana…" in line for line in found
        )
    finally:
        withdrawn(CANARY)
    assert leaks.session_leaks(leaks.WATCHED[0]) == []


def test_a_secret_in_a_server_log_is_found(tmp_path):
    leaks.SECRETS.note(CANARY)
    try:
        (tmp_path / "server.log").write_text(f"GET /x?key={CANARY}\n")
        assert leaks.find_leaks(tmp_path) == [f"{tmp_path / 'server.log'}: cana…"]
    finally:
        withdrawn(CANARY)
        (tmp_path / "server.log").unlink()


def test_a_single_word_is_no_secret():
    leaks.SECRETS.note("password")
    assert "password" not in leaks.SECRETS.values


def test_the_tests_secrets_are_noted(django_user_model, cast, settings):
    django_user_model.objects.create_user("u", password="noted-password-1")
    settings.WEBHOOK_TOKEN = "noted-token-abcdefgh"
    key = cast["main"].set_ea_key()
    for secret in ("noted-password-1", "noted-token-abcdefgh", key):
        assert secret in leaks.SECRETS.values


def test_the_webhook_token_is_masked_not_reported(client, cast):
    client.post(f"/webhook/{settings.WEBHOOK_TOKEN}x", "{}", content_type="text/plain")
    assert leaks.RECORDER.leaks == []
