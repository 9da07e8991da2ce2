"""A fan-out's files go into place together (`inside.write_many_inside`):
every temporary file is written before the first rename, because the
terminals wake on the rename; a file that cannot be placed fails alone and
leaves no temporary file behind."""

import pytest

from accounts.bridge import delivery
from accounts.models import Account, files_dir
from ea import inside, protocol
from signals.tests.webhook import order, post

pytestmark = pytest.mark.django_db
posix_only = pytest.mark.skipif(not inside.WALKS, reason="POSIX relative opens")


@pytest.fixture(autouse=True)
def instances(settings, tmp_path):
    settings.MT5_INSTANCES_DIR = tmp_path / "instances"
    return settings.MT5_INSTANCES_DIR


def everything(folder):
    return sorted(p.name for p in folder.rglob("*") if p.is_file())


def fan_out(client, logins):
    for login in logins:
        Account.objects.get_or_create(login=login)
    body = {k: v for k, v in order().items() if k != "account_number"}
    response = post(client, {**body, "accounts": logins})
    assert response.status_code == 200, response.content


@posix_only
def test_every_file_is_written_before_the_first_is_renamed(instances, monkeypatch):
    folders = [instances / str(n) / "MQL5" / "Files" for n in range(5)]
    order = []
    write_temp, replace = inside._write_temp, inside.os.replace

    def noting_write(fd, payload):
        order.append("write")
        return write_temp(fd, payload)

    def noting_replace(*args, **kwargs):
        order.append("rename")
        return replace(*args, **kwargs)

    monkeypatch.setattr(inside, "_write_temp", noting_write)
    monkeypatch.setattr(inside.os, "replace", noting_replace)
    files = [(f, f"webhook_command_{n}.json", {"n": n}) for n, f in enumerate(folders)]
    assert inside.write_many_inside(instances, files) == {}
    assert order == ["write"] * 5 + ["rename"] * 5
    for n, folder in enumerate(folders):
        assert everything(folder) == [f"webhook_command_{n}.json"]
        assert protocol.read_flat(folder / f"webhook_command_{n}.json") == {"n": n}


@posix_only
def test_a_file_that_cannot_be_renamed_fails_alone_and_leaves_nothing(instances):
    good, bad = (instances / name / "MQL5" / "Files" for name in ("1", "2"))
    (bad / "webhook_command_x.json").mkdir(parents=True)  # a folder in the way
    files = [(bad, "webhook_command_x.json", {}), (good, "webhook_command_y.json", {})]
    failed = inside.write_many_inside(instances, files)
    assert list(failed) == [0] and isinstance(failed[0], OSError)
    assert everything(good) == ["webhook_command_y.json"]
    assert everything(bad) == []  # no temporary file


def test_a_folder_outside_the_root_fails_alone(instances, tmp_path):
    files = [
        (tmp_path / "elsewhere", "webhook_command_x.json", {}),
        (instances / "1" / "MQL5" / "Files", "webhook_command_y.json", {}),
    ]
    failed = inside.write_many_inside(instances, files)
    assert list(failed) == [0] and isinstance(failed[0], protocol.ProtocolError)
    assert not (tmp_path / "elsewhere").exists()
    assert everything(instances) == ["webhook_command_y.json"]


def test_a_fan_out_is_delivered_whole_but_for_the_file_in_the_way(client, cast):
    logins = ["1123456", "7891011", "2000001"]
    fan_out(client, logins)
    commands = {c.account_login: c for c in delivery.Command.objects.queued()}
    blocked = commands["7891011"]
    (files_dir("7891011") / blocked.file_name).mkdir(parents=True)
    assert delivery.deliver_many(list(commands.values())) == 2
    for login, command in commands.items():
        command.refresh_from_db()
        if login == "7891011":
            assert (command.status, command.status_code) == ("failed", "write_failed")
        else:
            assert command.status == "delivered" and command.delivered_at
            assert (files_dir(login) / command.file_name).is_file()
