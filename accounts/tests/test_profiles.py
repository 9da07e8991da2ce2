"""Where a new MT5 account's Default chart profile comes from: the
installation's own, or the one the user prepared in the installation's data
folder under %APPDATA%\\MetaQuotes\\Terminal\\<id>, told apart by origin.txt."""

import os

import pytest
from django.core.management import CommandError

from accounts import profiles
from accounts.models import Account
from accounts.tests import stand_in as helpers
from accounts.tests.test_accounts_command import instance, run
from accounts.tests.test_instances import make_installation

terminal_dirs = helpers.terminal_dirs
CHART = "chart01.chr"


def data_folder(appdata, terminal_id, install, base="MQL5/Profiles/Charts", **kw):
    """A data folder as a standard install leaves it: origin.txt in UTF-16
    with a byte order mark (as MT5 writes it), and a Default profile."""
    folder = appdata / "MetaQuotes" / "Terminal" / terminal_id
    profile = folder / base / "Default"
    profile.mkdir(parents=True)
    chart = kw.get("chart", f"prepared in {terminal_id}")
    (profile / CHART).write_bytes(chart.encode("utf-16"))
    if install is not None:
        (folder / "origin.txt").write_bytes(str(install).encode("utf-16"))
    if "modified" in kw:
        os.utime(profile / CHART, (kw["modified"], kw["modified"]))
    return profile


@pytest.fixture
def install(tmp_path):
    return make_installation(tmp_path / "Program Files" / "MetaTrader 5")


@pytest.fixture
def appdata(tmp_path):
    return tmp_path / "AppData" / "Roaming"


def test_it_finds_the_installations_profile_and_its_data_folders(install, appdata):
    mine = data_folder(appdata, "D0E8209F77C8CF37AD8BF550E51FF075", install)
    data_folder(appdata, "0123456789ABCDEF0123456789ABCDEF", "C:\\Other\\MT5")
    data_folder(appdata, "FEDCBA9876543210FEDCBA9876543210", None)  # no origin.txt
    found = profiles.candidates(appdata, install)
    assert [(c.source, c.folder) for c in found] == [
        ("install", install / "MQL5" / "Profiles" / "Charts" / "Default"),
        ("data", mine),
    ]


def test_origin_is_compared_as_windows_compares_paths(install, appdata):
    """Another case, the other slash, a trailing one, UTF-8 without a BOM."""
    spelled = str(install).upper().replace("/", "\\") + "\\"
    folder = data_folder(appdata, "A" * 32, None)
    (folder.parents[3] / "origin.txt").write_text(spelled, encoding="utf-8")
    assert [c.source for c in profiles.candidates(appdata, install)] == [
        "install",
        "data",
    ]


def test_the_most_recently_saved_data_profile_comes_first(install, appdata):
    old = data_folder(appdata, "A" * 32, install, modified=1_700_000_000)
    new = data_folder(
        appdata, "B" * 32, install, base="Profiles/Charts", modified=1_800_000_000
    )
    found = profiles.candidates(appdata, install)
    assert [c.folder for c in found if c.source == "data"] == [new, old]
    assert found[1].base == "Profiles/Charts"


def test_no_appdata_leaves_the_installations_own(install, tmp_path):
    assert [c.source for c in profiles.candidates("", install)] == ["install"]
    assert [c.source for c in profiles.candidates(tmp_path / "none", install)] == [
        "install"
    ]


@pytest.mark.parametrize(
    ("wanted", "with_data", "chosen"),
    [
        ("auto", True, "data"),
        ("auto", False, "install"),
        ("data", True, "data"),
        ("install", True, "install"),
        ("install", False, "install"),
    ],
)
def test_the_setting_picks_one(install, appdata, wanted, with_data, chosen):
    if with_data:
        data_folder(appdata, "A" * 32, install)
    found = profiles.candidates(appdata, install)
    assert profiles.choose(found, wanted).source == chosen


def test_data_without_a_data_folder_is_refused_saying_where_it_looked(install):
    found = profiles.candidates("", install)
    with pytest.raises(profiles.ProfileError, match=r"origin\.txt"):
        profiles.choose(found, "data")
    with pytest.raises(profiles.ProfileError, match="not one of"):
        profiles.choose(found, "mine")


def test_it_tells_a_chart_that_attaches_an_expert(tmp_path):
    (tmp_path / "chart01.chr").write_bytes("<chart>\r\n</chart>".encode("utf-16"))
    chart = "<chart>\r\n<expert>\r\nname=Grid\r\n</expert>\r\n</chart>"
    (tmp_path / "chart02.chr").write_bytes(chart.encode("utf-16"))
    assert profiles.charts_with_experts(tmp_path) == ["chart02.chr"]


# --- through `accounts add` ------------------------------------------------------


@pytest.fixture
def windows_user(db, terminal_dirs, settings, monkeypatch, install, appdata):
    """MT5_MAIN_PATH pointing at a standard install whose user prepared a
    profile in its data folder."""
    settings.MT5_MAIN_PATH = str(install / "terminal64.exe")
    settings.BASE_DIR = terminal_dirs / "repo"
    (terminal_dirs / "repo" / "ea").mkdir(parents=True)
    monkeypatch.setenv("APPDATA", str(appdata))
    data_folder(appdata, "D0E8209F77C8CF37AD8BF550E51FF075", install, chart="mine")
    return install


def default_chart(login):
    chart = instance(login) / "MQL5" / "Profiles" / "Charts" / "Default" / CHART
    raw = chart.read_bytes()
    return raw.decode("utf-16") if raw[:2] == b"\xff\xfe" else raw.decode()


def test_add_copies_the_profile_the_user_prepared(windows_user, appdata):
    out, _ = run("add", "1123456", "--kind", "mt5", "--no-start")
    assert default_chart("1123456") == "mine"
    assert "Default chart profile: the data folder's" in out


def test_add_can_keep_the_installations_profile(windows_user):
    out, _ = run(
        "add", "1123456", "--kind", "mt5", "--no-start", "--profile-from", "install"
    )
    assert default_chart("1123456") == "default chart"
    assert "Default chart profile: the installation's" in out


def test_add_follows_the_setting(windows_user, settings):
    settings.MT5_PROFILE_SOURCE = "install"
    run("add", "1123456", "--kind", "mt5", "--no-start")
    assert default_chart("1123456") == "default chart"


def test_add_refuses_data_where_there_is_none_and_leaves_nothing(
    windows_user, monkeypatch, tmp_path
):
    monkeypatch.setenv("APPDATA", str(tmp_path / "elsewhere"))
    with pytest.raises(CommandError, match=r"origin\.txt"):
        run("add", "1123456", "--kind", "mt5", "--no-start", "--profile-from", "data")
    assert not Account.objects.exists()
    assert not instance("1123456").exists()
