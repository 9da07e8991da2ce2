"""The test command stays inside the project: it installs nothing, and what
it needs from the machine (Chromium, Redis, PostgreSQL) it uses under names
of its own run, cleaned up after."""

from pathlib import Path

import pytest

from mt5bot.tests import services

ROOT = Path(__file__).resolve().parents[2]


def test_the_test_command_installs_nothing():
    run = (ROOT / "run.py").read_text()
    assert "apt-get" not in run and "sudo" not in run


def test_without_chromium_the_browser_tests_skip_saying_how_to_get_it(
    monkeypatch, tmp_path
):
    monkeypatch.setattr(services, "CHROMIUM", tmp_path / "chromium")
    monkeypatch.delenv(services.NEED_CHROMIUM, raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install chromium"):
        services.require_chromium()


def test_where_chromium_is_required_its_absence_fails(monkeypatch, tmp_path):
    monkeypatch.setattr(services, "CHROMIUM", tmp_path / "chromium")
    monkeypatch.setenv(services.NEED_CHROMIUM, "1")
    with pytest.raises(pytest.fail.Exception, match="is not installed"):
        services.require_chromium()


def test_chromium_that_is_there_is_used(monkeypatch, tmp_path):
    (tmp_path / "chromium").touch()
    monkeypatch.setattr(services, "CHROMIUM", tmp_path / "chromium")
    monkeypatch.setenv(services.NEED_CHROMIUM, "1")
    assert services.require_chromium() == tmp_path / "chromium"
