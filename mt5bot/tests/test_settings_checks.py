"""A setting with a typo stops the install before it runs, with one error
naming the variable: in `manage.py check`, and before serve or supervise
answer or trade anything."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.checks import run_checks

from mt5bot import checks
from mt5bot.tests.test_serve import server_env

ROOT = Path(__file__).resolve().parents[2]


def errors(check):
    return [(e.id, e.msg) for e in check(None)]


def manage(tmp_path, *args, **variables):
    """A real `manage.py` on its own folders, with `variables` in its
    environment; returns (exit code, stdout and stderr)."""
    env = server_env(tmp_path, **variables)
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.returncode, done.stdout + done.stderr


def test_the_defaults_pass_every_check():
    assert [e for e in run_checks() if e.is_serious()] == []


@pytest.mark.parametrize("name", ["RATE_LIMIT_WEBHOOK", "RATE_LIMIT_API"])
def test_an_unreadable_rate_is_an_error_naming_it(settings, name):
    setattr(settings, name, "120 per minnute")
    [(code, message)] = errors(checks.check_rates)
    assert code == "mt5bot.E010" and message.startswith(f"{name}:")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TRADING_METHOD", "webhook"),
        ("PINECONNECTOR_RISK", "percnt"),
        # pineconnector.py compares exactly: "Percent" would mean lots.
        ("PINECONNECTOR_RISK", "Percent"),
        ("PINECONNECTOR_SLTP", "points"),
        ("SQLITE_SYNCHRONOUS", "FULL; PRAGMA foreign_keys=OFF"),
    ],
)
def test_a_value_outside_its_choices_is_an_error_naming_it(settings, name, value):
    setattr(settings, name, value)
    [(code, message)] = errors(checks.check_choices)
    assert code == "mt5bot.E011" and message.startswith(f"{name}={value!r}")


def test_choices_read_case_insensitively_in_the_code_accept_any_case(settings):
    settings.TRADING_METHOD = "HTTP"
    settings.SQLITE_SYNCHRONOUS = "normal"
    settings.PINECONNECTOR_RISK = "percent"
    settings.PINECONNECTOR_SLTP = "price"
    assert errors(checks.check_choices) == []


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PORT", 70000),
        ("PORT", 0),
        ("WEB_WORKERS", 0),
        ("SUPERVISOR_WAKE_PORT", -1),
        ("COMMAND_TTL", 0.0),
        ("COMMAND_TTL", float("inf")),
        ("SUPERVISOR_POLL", float("nan")),
        ("FUZZY_MATCH_THRESHOLD", 1.5),
        ("WEBHOOK_DEDUPE_WINDOW", -1.0),
        ("WEBHOOK_MAX_BODY_BYTES", 0),
        ("BACKUP_KEEP", 0),
        ("WEBHOOK_DEADLINE", 0.0),
        ("WEBHOOK_DEADLINE", 600.0),
        ("BOOK_SERIES_STEP", 2),
        ("BOOK_SERIES_DAYS", 0),
    ],
)
def test_a_number_out_of_range_is_an_error_naming_it(settings, name, value):
    setattr(settings, name, value)
    [(code, message)] = errors(checks.check_numbers)
    assert code == "mt5bot.E012" and message.startswith(f"{name}=")


def test_zero_is_fine_where_it_means_off(settings):
    settings.SUPERVISOR_WAKE_PORT = 0
    settings.WEBHOOK_DEDUPE_WINDOW = 0.0
    settings.COMMAND_WITHDRAW_GRACE = 0
    assert errors(checks.check_numbers) == []


def test_an_unsupported_database_is_an_error_naming_it():
    [error] = checks.database_errors("postgress")
    assert error.id == "mt5bot.E013" and error.msg.startswith("DATABASE_URL")
    assert checks.database_errors("django.db.backends.postgresql") == []


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("REDIS_URL", "127.0.0.1:6379"),
        ("REDIS_URL", "redis://127.0.0.1:63x9/0"),
        ("EXTERNAL_BASE_URL", "bot.example.com"),
        ("EXTERNAL_BASE_URL", "https://"),
    ],
)
def test_an_unreadable_url_is_an_error_naming_it(settings, name, value):
    setattr(settings, name, value)
    [(code, message)] = errors(checks.check_urls)
    assert code == "mt5bot.E013" and message.startswith(name)
    assert value not in message


def test_a_notify_url_apprise_cannot_use_is_named_by_number_only(settings, caplog):
    secret = "nonsense://bot-key-0123456789"
    settings.NOTIFY_URLS = ["json://127.0.0.1:9/hook", secret]
    [(code, message)] = errors(checks.check_notify_urls)
    assert code == "mt5bot.E013" and message.startswith("NOTIFY_URLS entry 2 ")
    assert "bot-key-0123456789" not in message + caplog.text


@pytest.mark.parametrize("value", ["X_Forwarded_For", "X-Forwarded-For, CF"])
def test_a_forwarded_header_that_is_no_header_name_is_an_error(settings, value):
    settings.FORWARDED_IP_HEADER = value
    [(code, message)] = errors(checks.check_forwarded_header)
    assert code == "mt5bot.E014" and "FORWARDED_IP_HEADER" in message


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("PORT", "50OO"),
        ("COMMAND_TTL", "30s"),
        ("FUZZY_MATCH_THRESHOLD", "0,6"),
        ("DEBUG", "ture"),
        ("LOG_LEVEL", "verbose"),
        ("DATABASE_URL", "postgres://bot:pw-0123456789@127.0.0.1:99999/x"),
    ],
)
def test_a_value_that_cannot_be_read_stops_every_command_naming_it(
    tmp_path, variable, value
):
    code, output = manage(tmp_path, "check", **{variable: value})
    assert code != 0
    assert f"ImproperlyConfigured: {variable}" in output
    assert "pw-0123456789" not in output


@pytest.mark.parametrize("command", [["serve", "--no-supervisor"], ["supervise"]])
def test_serve_and_supervise_refuse_to_start_on_a_bad_setting(tmp_path, command):
    code, output = manage(
        tmp_path, *command, RATE_LIMIT_WEBHOOK="120 a minute", TRADING_METHOD="webhook"
    )
    assert code != 0
    assert "RATE_LIMIT_WEBHOOK: Cannot read the rate" in output
    assert "TRADING_METHOD='webhook' is not one of: file, http." in output
    assert not (tmp_path / "mt5bot.sqlite3").exists()  # nothing ran
