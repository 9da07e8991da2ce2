"""What a terminal starts with: the layout of a real terminal's copy, the
`/config` ini, the launch .bat and the argument lists (pure builders)."""

from pathlib import Path

import pytest

from accounts import instances
from accounts.instances import InstanceError

# --- what a terminal starts with -----------------------------------------------


def test_it_lays_out_a_real_terminal_from_the_exe_or_its_folder(tmp_path):
    main = tmp_path / "Meta Trader 5"
    root = tmp_path / "my instances"
    for main_path in (main / "terminal64.exe", main):
        layout = instances.mt5_layout(main_path, root, "1123456")
        dest = root.resolve() / "1123456"
        assert layout.source == main
        assert layout.dest == dest
        assert layout.terminal_exe == dest / "terminal64.exe"
        assert layout.ini == dest / "mt5bot.ini"
        assert layout.bat == dest / "launch_mt5_1123456.bat"
        assert layout.experts == dest / "MQL5" / "Experts" / "mt5bot"
        assert layout.profile == dest / "MQL5" / "Profiles" / "Charts" / "Default"


def test_it_keeps_the_profile_where_an_older_build_keeps_it(tmp_path):
    main = tmp_path / "mt5"
    (main / "Profiles" / "Charts" / "Default").mkdir(parents=True)
    layout = instances.mt5_layout(main, tmp_path / "i", "1")
    assert layout.profile == layout.dest / "Profiles" / "Charts" / "Default"


def test_it_writes_the_default_config_ini_with_crlf():
    assert instances.config_ini() == (
        "[Common]\r\n"
        "[Experts]\r\n"
        "AllowLiveTrading=1\r\n"
        "AllowDllImport=0\r\n"
        "Enabled=1\r\n"
        "Account=0\r\n"
        "Profile=0\r\n"
        "[StartUp]\r\n"
        "Expert=mt5bot\\MT5Bot\r\n"
        "Symbol=EURUSD\r\n"
        "Period=H1\r\n"
    )


def test_it_puts_login_and_server_in_common_but_never_a_password():
    text = instances.config_ini(
        symbol="XAUUSD", period="M15", login="1123456", server="Broker-Demo"
    )
    assert text.startswith(
        "[Common]\r\nLogin=1123456\r\nServer=Broker-Demo\r\n[Experts]"
    )
    assert "Symbol=XAUUSD\r\nPeriod=M15\r\n" in text
    assert "password" not in text.lower()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"symbol": "EURUSD\r\nPassword=x"},
        {"server": "a\nb"},
        {"login": "../x"},
        {"expert": "x\x00"},
    ],
)
def test_it_refuses_a_value_that_would_add_ini_lines(kwargs):
    with pytest.raises(InstanceError):
        instances.config_ini(**kwargs)


def test_it_writes_a_bat_that_quotes_paths_with_spaces():
    exe = "C:\\MT5 Instances\\1123456\\terminal64.exe"
    ini = "C:\\MT5 Instances\\1123456\\mt5bot.ini"
    assert instances.launch_bat(exe, ini) == (
        "@echo off\r\n"
        'start "" "C:\\MT5 Instances\\1123456\\terminal64.exe" /portable '
        '/config:"C:\\MT5 Instances\\1123456\\mt5bot.ini"\r\n'
    )


def test_it_escapes_percent_signs_and_switches_cmd_to_utf8_when_needed():
    text = instances.launch_bat("C:\\100%\\Bénéfice\\terminal64.exe", "C:\\a.ini")
    assert text.startswith("@echo off\r\nchcp 65001 >nul\r\n")
    assert '"C:\\100%%\\Bénéfice\\terminal64.exe"' in text


def test_it_builds_the_mt5_argument_list_without_a_shell():
    exe = Path("C:/MT5 Instances/1123456/terminal64.exe")
    ini = Path("C:/MT5 Instances/1123456/mt5bot.ini")
    assert instances.mt5_command(exe, ini) == [
        str(exe),
        "/portable",
        f"/config:{ini}",
    ]


def test_it_builds_the_paper_argument_list(tmp_path):
    root = tmp_path / "with space"
    files = root.resolve() / "1123456" / "MQL5" / "Files"
    assert instances.paper_command("py", root, "1123456", "netting") == [
        "py",
        "-m",
        "ea.paper",
        "--files",
        str(files),
        "--login",
        "1123456",
        "--margin-mode",
        "netting",
        "--faults=perfect",
    ]


def test_it_refuses_a_paper_terminal_with_a_bad_login_or_margin_mode(tmp_path):
    with pytest.raises(InstanceError):
        instances.paper_command("py", tmp_path, "../x", "hedging")
    with pytest.raises(InstanceError):
        instances.paper_command("py", tmp_path, "1", "exchange")


def test_it_finds_the_main_terminal_from_the_exe_or_its_folder(tmp_path):
    exe = tmp_path / "terminal64.exe"
    exe.write_bytes(b"MZ")
    assert instances.main_terminal(exe) == exe
    assert instances.main_terminal(tmp_path) == exe
    assert instances.main_terminal(str(tmp_path)) == exe


@pytest.mark.parametrize("name", ["", "   ", "missing", "terminal.exe", "folder"])
def test_it_says_clearly_when_mt5_main_path_is_no_terminal(tmp_path, name):
    (tmp_path / "terminal.exe").write_bytes(b"MZ")
    (tmp_path / "folder").mkdir()
    main_path = str(tmp_path / name) if name.strip() else name
    with pytest.raises(InstanceError, match="MT5_MAIN_PATH"):
        instances.main_terminal(main_path)
