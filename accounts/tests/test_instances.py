"""Instance folders: paths that never leave the root, the copy of the main
installation (which never stops anything), creating and deleting."""

import os
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from accounts import instances
from accounts.instances import InstanceError
from accounts.models import Account

NOT_LOGINS = ["../x", "..", "/etc", "C:\\x", "1/2", "0123", "", "12a"]


@pytest.fixture
def root(tmp_path):
    folder = tmp_path / "instances"
    folder.mkdir()
    return folder


def make_installation(folder):
    """A MetaTrader 5 folder in miniature, with everything the copy must skip."""
    files = {
        "terminal64.exe": b"MZ" + b"x" * 5000,
        "metaeditor64.exe": b"MZ" + b"y" * 3000,
        "config/servers.dat": b"servers",
        "config/accounts.dat": b"saved passwords",
        "MQL5/Experts/Examples/MACD.ex5": b"ex5",
        "MQL5/Files/webhook_command_000000000001_ab.json": b"{}",
        "MQL5/Files/reports/2025.csv": b"main terminal's own file",
        "MQL5/Logs/20250101.log": b"log",
        "MQL5/Profiles/Charts/Default/chart01.chr": b"default chart",
        "MQL5/Profiles/Charts/Mine/chart01.chr": b"chart with my EA",
        "logs/20250101.log": b"log",
        "Tester/Agent-127.0.0.1-3000/cache.bin": b"cache" * 100,
        "copies/old/terminal64.exe": b"another installation",
        "copies/old/MQL5/readme.txt": b"another installation's file",
    }
    for name, data in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return folder


def tree(folder):
    return sorted(
        p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()
    )


# --- paths ----------------------------------------------------------------------


def test_it_names_the_instance_and_files_folders_inside_the_root(root):
    assert instances.instance_dir(root, "1123456") == root.resolve() / "1123456"
    assert instances.files_dir(root, "1123456") == (
        root.resolve() / "1123456" / "MQL5" / "Files"
    )


@pytest.mark.parametrize("login", NOT_LOGINS)
def test_it_refuses_a_folder_name_that_is_not_a_login(root, login):
    with pytest.raises(InstanceError):
        instances.instance_dir(root, login)
    with pytest.raises(InstanceError):
        instances.files_dir(root, login)


def test_it_refuses_an_instance_folder_linked_outside_the_root(root, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (root / "1123456").symlink_to(outside)
    with pytest.raises(InstanceError, match="link"):
        instances.instance_dir(root, "1123456")


def test_it_refuses_an_instance_folder_linked_to_another_account(root):
    (root / "7891011").mkdir()
    (root / "1123456").symlink_to(root / "7891011")
    with pytest.raises(InstanceError):
        instances.files_dir(root, "1123456")


def test_it_refuses_a_files_folder_linked_to_another_account(root):
    other = root / "7891011" / "MQL5" / "Files"
    other.mkdir(parents=True)
    (root / "1123456" / "MQL5").mkdir(parents=True)
    (root / "1123456" / "MQL5" / "Files").symlink_to(other)
    with pytest.raises(InstanceError):
        instances.files_dir(root, "1123456")


# --- copying an installation ----------------------------------------------------


def test_it_copies_the_installation_but_not_logs_commands_or_other_profiles(
    tmp_path, root
):
    src = make_installation(tmp_path / "MetaTrader 5")
    seen = []
    skipped = instances.copy_installation(
        src, root / "1123456", lambda d, t: seen.append((d, t)), root=root
    )
    assert skipped == ()
    assert tree(root / "1123456") == [
        "MQL5/Experts/Examples/MACD.ex5",
        "MQL5/Profiles/Charts/Default/chart01.chr",
        "config/servers.dat",
        "metaeditor64.exe",
        "terminal64.exe",
    ]
    assert (root / "1123456" / "MQL5" / "Files").is_dir()
    total = sum(p.stat().st_size for p in (root / "1123456").rglob("*") if p.is_file())
    assert seen[-1] == (total, total)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert {t for _, t in seen} == {total}


def test_it_copies_the_terminal_exe_last_so_a_partial_copy_is_no_installation(
    tmp_path, root
):
    src = make_installation(tmp_path / "mt5")
    names = [str(path) for path, _ in instances.installation_files(src, root)]
    assert names[-1] == "terminal64.exe"


def test_it_skips_the_instances_root_inside_the_main_folder(tmp_path):
    src = make_installation(tmp_path / "mt5")
    root = src / "instances"
    (root / "7891011" / "MQL5" / "Files").mkdir(parents=True)
    (root / "7891011" / "MQL5" / "Files" / "webhook_heartbeat.json").write_text("{}")
    instances.copy_installation(src, root / "1123456", root=root)
    assert not (root / "1123456" / "instances").exists()
    assert (root / "1123456" / "terminal64.exe").is_file()


def test_it_leaves_running_terminals_alone_while_copying(tmp_path, root, monkeypatch):
    src = make_installation(tmp_path / "mt5")
    # A "running terminal": a process working in the main folder, holding a file.
    running = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import time; f = open('terminal64.exe', 'rb'); time.sleep(60)",
        ],
        cwd=src,
    )

    def refuse(*args, **kwargs):
        raise AssertionError("the copy tried to stop a process")

    for name in ("terminate", "kill", "send_signal", "suspend"):
        monkeypatch.setattr(psutil.Process, name, refuse)
    monkeypatch.setattr(os, "kill", refuse)
    monkeypatch.setattr(subprocess.Popen, "kill", refuse)
    monkeypatch.setattr(subprocess.Popen, "terminate", refuse)
    try:
        instances.copy_installation(src, root / "1123456", root=root)
        assert running.poll() is None
    finally:
        monkeypatch.undo()
        running.kill()
        running.wait(10)
    assert (root / "1123456" / "terminal64.exe").is_file()


def test_it_skips_a_file_the_main_terminal_holds_locked(tmp_path, root, monkeypatch):
    src = make_installation(tmp_path / "mt5")
    real_copy = instances.shutil.copy2

    def locked(source, target):
        if Path(source).name == "servers.dat":
            raise PermissionError("in use")
        return real_copy(source, target)

    monkeypatch.setattr(instances.shutil, "copy2", locked)
    skipped = instances.copy_installation(src, root / "1", root=root)
    assert skipped == (Path("config/servers.dat"),)
    assert (root / "1" / "terminal64.exe").is_file()


def test_it_fails_when_the_terminal_exe_cannot_be_read(tmp_path, root, monkeypatch):
    src = make_installation(tmp_path / "mt5")

    def locked(source, target):
        raise PermissionError("in use")

    monkeypatch.setattr(instances.shutil, "copy2", locked)
    with pytest.raises(PermissionError):
        instances.copy_installation(src, root / "1", root=root)
    assert not (root / "1" / "terminal64.exe").exists()


@pytest.mark.parametrize("dest", ["outside", "instances", "instances/../outside"])
def test_it_refuses_to_copy_outside_the_root(tmp_path, root, dest):
    src = make_installation(tmp_path / "mt5")
    with pytest.raises(InstanceError):
        instances.copy_installation(src, tmp_path / dest, root=root)
    assert not (tmp_path / "outside").exists()


def test_it_refuses_to_copy_through_a_link_out_of_the_root(tmp_path, root):
    src = make_installation(tmp_path / "mt5")
    (tmp_path / "outside").mkdir()
    (root / "1").symlink_to(tmp_path / "outside")
    with pytest.raises(InstanceError):
        instances.copy_installation(src, root / "1", root=root)
    assert list((tmp_path / "outside").iterdir()) == []


def test_it_refuses_to_copy_over_an_installation_unless_told(tmp_path, root):
    src = make_installation(tmp_path / "mt5")
    dest = root / "1"
    dest.mkdir()
    (dest / "terminal64.exe").write_bytes(b"old")
    with pytest.raises(InstanceError, match="already holds"):
        instances.copy_installation(src, dest, root=root)
    assert (dest / "terminal64.exe").read_bytes() == b"old"
    instances.copy_installation(src, dest, root=root, overwrite=True)
    assert (dest / "terminal64.exe").read_bytes().startswith(b"MZ")


def test_it_installs_the_ea_sources_and_binaries(tmp_path):
    ea = tmp_path / "ea"
    ea.mkdir()
    for name in ("MT5Bot.ex5", "MT5Bot.mq5", "Json.mqh", "notes.txt"):
        (ea / name).write_text(name)
    experts = tmp_path / "MQL5" / "Experts" / "mt5bot"
    assert instances.install_ea(ea, experts) == ("MT5Bot.ex5", "MT5Bot.mq5", "Json.mqh")
    assert sorted(p.name for p in experts.iterdir()) == [
        "Json.mqh",
        "MT5Bot.ex5",
        "MT5Bot.mq5",
    ]
    assert instances.install_ea(tmp_path / "empty", tmp_path / "x") == ()


# --- creating and deleting ------------------------------------------------------


def test_it_creates_a_paper_instance_as_a_files_folder(root):
    created = instances.create_instance(Account(login="1123456"), root=root)
    assert created.files == root.resolve() / "1123456" / "MQL5" / "Files"
    assert created.files.is_dir()
    assert tree(root) == []


def test_it_creates_a_real_instance_with_ini_bat_and_ea(tmp_path, root):
    src = make_installation(tmp_path / "MetaTrader 5")
    ea = tmp_path / "ea"
    ea.mkdir()
    (ea / "MT5Bot.ex5").write_bytes(b"ex5")
    account = Account(login="1123456", kind="mt5")
    created = instances.create_instance(
        account, root=root, main_path=src / "terminal64.exe", ea_dir=ea
    )
    dest = root.resolve() / "1123456"
    assert created.folder == dest
    assert created.ea_files == ("MT5Bot.ex5",)
    assert (dest / "MQL5" / "Experts" / "mt5bot" / "MT5Bot.ex5").read_bytes() == b"ex5"
    ini = (dest / "mt5bot.ini").read_bytes()
    assert ini == instances.config_ini(login="1123456").encode()
    bat = (dest / "launch_mt5_1123456.bat").read_text()
    assert f'"{dest / "terminal64.exe"}" /portable' in bat
    assert created.files.is_dir()
    assert not list(dest.glob("tmp_*"))


@pytest.mark.parametrize("login", ["../x", "/etc/x", "..\\x"])
def test_it_creates_nothing_for_a_login_that_names_another_folder(tmp_path, login):
    root = tmp_path / "a" / "instances"
    root.mkdir(parents=True)
    with pytest.raises(InstanceError):
        instances.create_instance(Account(login=login), root=root)
    assert tree(tmp_path) == []
    assert [p.name for p in tmp_path.rglob("*")] == ["a", "instances"]


def test_it_deletes_an_instance_folder_with_read_only_files(root):
    folder = root / "1123456"
    (folder / "MQL5" / "Files").mkdir(parents=True)
    locked = folder / "terminal64.exe"
    locked.write_bytes(b"MZ")
    locked.chmod(0o444)
    assert instances.delete_instance(root, "1123456") is True
    assert not folder.exists()
    assert root.is_dir()
    assert instances.delete_instance(root, "1123456") is False


@pytest.mark.parametrize("login", NOT_LOGINS)
def test_it_deletes_nothing_for_a_login_that_names_another_folder(tmp_path, login):
    root = tmp_path / "deep" / "instances"
    (root / "1").mkdir(parents=True)
    (tmp_path / "deep" / "x").mkdir()
    with pytest.raises(InstanceError):
        instances.delete_instance(root, login)
    assert (root / "1").is_dir()
    assert (tmp_path / "deep" / "x").is_dir()


def test_it_refuses_to_delete_through_a_link_out_of_the_root(tmp_path, root):
    outside = tmp_path / "precious"
    outside.mkdir()
    (outside / "data.txt").write_text("keep")
    (root / "1123456").symlink_to(outside)
    with pytest.raises(InstanceError):
        instances.delete_instance(root, "1123456")
    assert (outside / "data.txt").read_text() == "keep"


def test_it_refuses_to_delete_through_a_link_to_another_account(root):
    (root / "7891011" / "MQL5").mkdir(parents=True)
    (root / "1123456").symlink_to(root / "7891011")
    with pytest.raises(InstanceError):
        instances.delete_instance(root, "1123456")
    assert (root / "7891011" / "MQL5").is_dir()


def test_it_removes_links_inside_an_instance_without_following_them(tmp_path, root):
    outside = tmp_path / "precious"
    outside.mkdir()
    (outside / "data.txt").write_text("keep")
    (root / "1123456" / "MQL5").mkdir(parents=True)
    (root / "1123456" / "MQL5" / "Files").symlink_to(outside)
    assert instances.delete_instance(root, "1123456") is True
    assert not (root / "1123456").exists()
    assert (outside / "data.txt").read_text() == "keep"


def test_it_uses_again_an_installation_kept_from_before(tmp_path, root):
    src = make_installation(tmp_path / "mt5")
    dest = root / "1123456"
    dest.mkdir()
    (dest / "terminal64.exe").write_bytes(b"kept")
    account = Account(login="1123456", kind="mt5")
    created = instances.create_instance(
        account, root=root, main_path=src, ea_dir=tmp_path / "no-ea"
    )
    assert created.reused
    assert (dest / "terminal64.exe").read_bytes() == b"kept"
    assert not (dest / "metaeditor64.exe").exists()
    assert (dest / "mt5bot.ini").is_file()
    assert created.files.is_dir()
