"""Rotating the webhook token without a gap: the running server accepts the
new token at once and the old one until its grace ends, without a restart."""

import json
import subprocess
import sys
import time
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from mt5bot import envfile, tokens
from mt5bot.tests.test_serve import ROOT, free_port, request, server_env, wait_until_up

OLD = "old-token-abcdefghijklmnopqrstuvwxyz"
BODY = json.dumps(
    {"account_number": "1123456", "symbol": "EURUSD", "action": "BUY", "volume": 0.1}
)


def test_matches_takes_the_previous_token_only_during_its_grace(settings):
    settings.WEBHOOK_TOKEN = "new-token-0123456789"
    settings.WEBHOOK_TOKEN_PREVIOUS = OLD
    until = timezone.now() + timedelta(hours=1)
    settings.WEBHOOK_TOKEN_PREVIOUS_UNTIL = until.isoformat()
    assert tokens.matches("new-token-0123456789") and tokens.matches(OLD)
    later = until + timedelta(seconds=1)
    assert not tokens.matches(OLD, now=later)
    assert tokens.matches("new-token-0123456789", now=later)
    assert not tokens.matches("") and not tokens.matches(OLD + "x")
    # Blanked everywhere, expired or not.
    assert tokens.blank(f"a {OLD} b new-token-0123456789") == "a *** b ***"


def test_replace_changes_values_and_keeps_the_rest(tmp_path):
    path = tmp_path / ".env"
    path.write_text("SECRET_KEY=k\nWEBHOOK_TOKEN=a\n# note\nWEBHOOK_TOKEN=dup\n")
    envfile.replace(path, {"WEBHOOK_TOKEN": "b", "WEBHOOK_TOKEN_PREVIOUS": "a"})
    lines = path.read_text().splitlines()
    assert lines == [
        "SECRET_KEY=k",
        "WEBHOOK_TOKEN=b",
        "# note",
        "WEBHOOK_TOKEN_PREVIOUS=a",
    ]


@pytest.mark.e2e
def test_a_running_server_takes_the_new_token_and_lets_the_old_one_go(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text(f"WEBHOOK_TOKEN={OLD}\n")
    env = server_env(tmp_path, MT5BOT_ENV_FILE=str(env_file))
    del env["WEBHOOK_TOKEN"]
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run(
        [*manage, "setup", "--no-input"], env=env, check=True, capture_output=True
    )
    port = free_port()
    with (tmp_path / "server.log").open("w") as log:
        server = subprocess.Popen(
            [*manage, "serve", "--port", str(port), "--no-supervisor", "--access-log"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_up(port, server)
            assert request(port, "POST", f"/webhook/{OLD}", BODY)[0] == 200
            # Six seconds: the two answers within the grace come well inside
            # it, even on a loaded machine; the wait below ends with it.
            grace = 6 / 3600
            done = subprocess.run(
                [*manage, "rotatetoken", "--grace", str(grace)],
                env=env,
                capture_output=True,
                text=True,
            )
            assert done.returncode == 0, done.stderr
            rotated = done.stdout
            new = rotated.split("/webhook/")[1].split()[0]
            assert new != OLD and "keeps working until" in rotated
            assert request(port, "POST", f"/webhook/{new}", BODY)[0] == 200
            assert request(port, "POST", f"/webhook/{OLD}", BODY)[0] == 200
            until = envfile.read(env_file)["WEBHOOK_TOKEN_PREVIOUS_UNTIL"]
            while timezone.now() <= datetime.fromisoformat(until):
                time.sleep(0.05)
            assert request(port, "POST", f"/webhook/{OLD}", BODY)[0] == 401
            assert request(port, "POST", f"/webhook/{new}", BODY)[0] == 200
        finally:
            server.terminate()
            server.wait(timeout=20)
    text = (tmp_path / "server.log").read_text()
    assert OLD not in text and new not in text


def test_a_change_to_env_before_the_first_check_is_seen(
    settings, tmp_path, monkeypatch
):
    env_file = tmp_path / ".env"
    until = (timezone.now() + timedelta(hours=1)).isoformat()
    env_file.write_text(
        f"WEBHOOK_TOKEN_PREVIOUS={OLD}\nWEBHOOK_TOKEN_PREVIOUS_UNTIL={until}\n"
    )
    monkeypatch.setattr(envfile, "location", lambda: env_file)
    settings.ENV_FILE_MTIME = 0  # the settings read an older version
    tokens.tokens.reset()
    assert tokens.matches(OLD)  # the file's, not the settings' (empty) value
    settings.ENV_FILE_MTIME = env_file.stat().st_mtime_ns
    settings.WEBHOOK_TOKEN_PREVIOUS = ""  # resets: as the settings hold it now
    assert not tokens.matches(OLD)
