"""What a backup copies besides the database: the logs and the tunnel's
config folder, when present, file by file, never failing on one file."""

import os
from pathlib import Path

import pytest

from mt5bot import backups


@pytest.fixture
def machine(settings, tmp_path):
    """A log folder and a tunnel folder of this test's own."""
    logs, tunnel = tmp_path / "logs", tmp_path / "cloudflared"
    logs.mkdir()
    (logs / "trading_bot.log").write_text("now\n")
    (logs / "trading_bot.log.1").write_text("before\n")
    (logs / ".__trading_bot.lock").write_text("")
    tunnel.mkdir()
    (tunnel / "config.yml").write_text("tunnel: abc\n")
    settings.LOG_DIR, settings.TUNNEL_CONFIG_DIR = logs, str(tunnel)
    backup = tmp_path / "backup"
    backup.mkdir()
    return backup


def files(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_it_copies_the_logs_and_the_tunnels_folder(machine):
    skipped = []
    copied = backups.copy_extras(machine, skipped)
    assert files(machine) == [
        "logs/trading_bot.log",
        "logs/trading_bot.log.1",
        "tunnel/config.yml",
    ]
    assert (machine / "logs" / "trading_bot.log.1").read_text() == "before\n"
    assert set(copied) == {"logs", "tunnel"} and skipped == []


@pytest.mark.parametrize("unset", ["", "missing"])
def test_without_a_tunnel_folder_it_copies_the_logs_alone(machine, settings, unset):
    settings.TUNNEL_CONFIG_DIR = unset and str(machine / "no-such-folder")
    assert set(backups.copy_extras(machine, [])) == {"logs"}
    assert not (machine / "tunnel").exists()


def test_a_log_rotated_away_mid_copy_is_named_not_fatal(machine, monkeypatch):
    opened = Path.open

    def rotated(path, *args, **kwargs):
        if path.name == "trading_bot.log.1":
            raise FileNotFoundError(2, "No such file or directory")
        return opened(path, *args, **kwargs)

    monkeypatch.setattr(Path, "open", rotated)
    skipped = []
    backups.copy_extras(machine, skipped)
    assert [(p.name, why) for p, why in skipped] == [
        ("trading_bot.log.1", "No such file or directory")
    ]
    assert "logs/trading_bot.log.1" not in files(machine)
    assert "logs/trading_bot.log" in files(machine)


@pytest.mark.skipif(os.name != "posix", reason="symlinks need privileges on Windows")
def test_it_follows_no_link_out_of_the_folder(machine, tmp_path, settings):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "secret").write_text("not the install's")
    (Path(settings.TUNNEL_CONFIG_DIR) / "link").symlink_to(outside)
    (Path(settings.TUNNEL_CONFIG_DIR) / "file-link").symlink_to(outside / "secret")
    backups.copy_extras(machine, [])
    assert files(machine / "tunnel") == ["config.yml"]
