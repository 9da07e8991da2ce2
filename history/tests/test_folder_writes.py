"""Writes into a terminal's folder (issue 13, point 11): contained in
MT5_INSTANCES_DIR at every write, not only the first, and no temporary file
left behind by a write that failed (a full disk) or a writer that died."""

import errno
import os
import shutil
import time

import pytest

from accounts.bridge import delivery, symbols
from accounts.bridge.supervisor import Worker
from accounts.models import files_dir
from ea import inside, protocol
from history.tests.test_delivery import queued

pytestmark = pytest.mark.django_db
links_only = pytest.mark.skipif(not inside.WALKS, reason="POSIX relative opens")


@pytest.fixture(autouse=True)
def instances(settings, tmp_path):
    settings.MT5_INSTANCES_DIR = tmp_path / "instances"
    return settings.MT5_INSTANCES_DIR


@pytest.fixture
def outside(tmp_path):
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    return folder


def everything(folder):
    return sorted(p.name for p in folder.rglob("*"))


@links_only
@pytest.mark.parametrize("swapped", ["Files", "MQL5", "login"])
@pytest.mark.parametrize("walks", [True, False], ids=["posix", "resolving"])
def test_a_folder_swapped_for_a_link_after_delivery_gets_no_command(
    client, cast, instances, outside, swapped, walks, monkeypatch
):
    """Both ways: the relative opens (POSIX), and the resolve-and-compare
    that Windows uses, run here on purpose."""
    monkeypatch.setattr(inside, "WALKS", walks)
    first = queued(client, id="a")
    assert delivery.deliver(first)  # files_dir is cached from here on
    files = files_dir("1123456")
    target = {"Files": files, "MQL5": files.parent, "login": files.parent.parent}
    link = target[swapped]
    shutil.rmtree(link)
    (outside / "MQL5" / "Files").mkdir(parents=True)
    link.symlink_to(outside if swapped == "login" else outside / "MQL5" / "Files")
    second = queued(client, id="b")
    assert not delivery.deliver(second)
    second.refresh_from_db()
    assert (second.status, second.status_code) == ("failed", "write_failed")
    assert "link" in second.status_reason or "leads to" in second.status_reason
    assert not [n for n in everything(outside) if n.endswith(".json")]


@links_only
def test_a_symbol_request_never_follows_a_link_out(cast, outside, caplog):
    files = files_dir("1123456")
    files.parent.mkdir(parents=True)
    files.symlink_to(outside)
    for _ in range(3):
        assert symbols.request(files) is False
    assert everything(outside) == []
    assert caplog.text.count("could not ask") == 1


def test_a_deleted_folder_is_made_again_inside_the_root(client, cast, instances):
    assert delivery.deliver(queued(client, id="a"))
    shutil.rmtree(instances)
    second = queued(client, id="b")
    assert delivery.deliver(second)
    assert (files_dir("1123456") / second.file_name).exists()


def disk_full(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


def test_a_write_that_fails_leaves_no_temporary_file(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space"):
        protocol.write_atomic(tmp_path, "a.json", {"a": 1}, fsync=True)
    assert os.listdir(tmp_path) == []


@links_only
def test_a_contained_write_that_fails_leaves_no_temporary_file(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "write", disk_full)
    with pytest.raises(OSError, match="No space"):
        inside.write_inside(tmp_path, tmp_path / "1" / "Files", "a.json", {"a": 1})
    assert everything(tmp_path) == ["1", "Files"]


def test_a_full_disk_fails_the_command_and_leaves_nothing(client, cast, monkeypatch):
    command = queued(client)
    files_dir("1123456").mkdir(parents=True)
    monkeypatch.setattr(os, "write", disk_full)
    assert not delivery.deliver(command)
    monkeypatch.undo()
    command.refresh_from_db()
    assert (command.status, command.status_code) == ("failed", "write_failed")
    assert os.listdir(files_dir("1123456")) == []


def test_the_supervisor_sweeps_old_temporary_files_at_start(cast):
    folder = files_dir("1123456")
    folder.mkdir(parents=True)
    old, young = folder / "tmp_old.part", folder / "tmp_young.part"
    keep = folder / "webhook_heartbeat.json"
    for path in (old, young, keep):
        path.write_text("x")
    an_hour_ago = time.time() - 3600
    os.utime(old, (an_hour_ago, an_hour_ago))
    os.utime(keep, (an_hour_ago, an_hour_ago))
    worker = Worker(manage_terminals=False)
    worker.start()
    worker.stop()
    assert sorted(os.listdir(folder)) == ["tmp_young.part", "webhook_heartbeat.json"]
