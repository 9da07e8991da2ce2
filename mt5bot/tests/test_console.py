"""What the console says and takes (mt5bot/console.py): the commands named on
both systems, pasted paths, the masked URL and serve's start-up summary."""

import pytest

from mt5bot import console


def test_the_commands_use_the_venvs_interpreter_on_both_systems():
    assert console.manage("posix", "setup") == ".venv/bin/python manage.py setup"
    assert console.manage("nt", "setup") == r".venv\Scripts\python.exe manage.py setup"
    assert console.manage("nt", "webhookurl", "--local") == (
        r".venv\Scripts\python.exe manage.py webhookurl --local"
    )
    assert console.run_py("posix") == "python3 run.py"
    assert console.run_py("nt") == "py run.py"


@pytest.mark.parametrize(
    ("pasted", "path"),
    [
        # Explorer's "Copy as path"
        (
            '"C:\\Program Files\\MetaTrader 5\\terminal64.exe"',
            r"C:\Program Files\MetaTrader 5\terminal64.exe",
        ),
        # dragged into PowerShell
        ("& 'C:\\MT5 Pro\\terminal64.exe'", r"C:\MT5 Pro\terminal64.exe"),
        # typed, with the blanks a paste brings along
        (
            "  C:\\Program Files\\MT5\\terminal64.exe \r\n",
            r"C:\Program Files\MT5\terminal64.exe",
        ),
        ("'/opt/mt5 x/terminal64.exe'", "/opt/mt5 x/terminal64.exe"),
        ("", ""),
        # quotes that do not pair stay: the check then names the path
        ('"C:\\MT5\\terminal64.exe', '"C:\\MT5\\terminal64.exe'),
    ],
)
def test_a_pasted_path_loses_its_quotes_and_keeps_its_spaces(pasted, path):
    assert console.pasted_path(pasted) == path


def test_the_webhook_url_is_masked_unless_asked_whole():
    token = "abcdEFGH1234567890"
    masked = console.webhook_url("https://bot.example.com/", token, "nt")
    assert masked == (
        "https://bot.example.com/webhook/abcd…  "
        r"(`.venv\Scripts\python.exe manage.py webhookurl` prints it whole)"
    )
    assert token not in masked
    whole = console.webhook_url("https://bot.example.com", token, "nt", whole=True)
    assert whole == f"https://bot.example.com/webhook/{token}"


def test_the_summary_says_where_the_url_and_the_accounts():
    accounts = [
        ("paper", "running", True),
        ("paper", "stopped", True),
        ("mt5", "running", False),
    ]
    lines = console.start_summary("posix", "http://127.0.0.1:5000/", 1, "URL", accounts)
    assert lines == [
        "mt5bot is listening on http://127.0.0.1:5000/",
        "Webhook URL: URL",
        "Accounts: 3 (1 MetaTrader 5, 2 paper): 2 to run, 1 stopped, "
        "1 disabled (refusing alerts).",
    ]


def test_the_summary_without_accounts_or_token_says_what_to_run():
    lines = console.start_summary("nt", "http://0.0.0.0:80/", 4, None, [])
    assert lines == [
        "mt5bot is listening on http://0.0.0.0:80/ with 4 processes",
        "Webhook: WEBHOOK_TOKEN is empty, every alert is refused "
        r"(`.venv\Scripts\python.exe manage.py setup` writes one).",
        r"Accounts: none yet (`.venv\Scripts\python.exe manage.py accounts add "
        "LOGIN` adds one).",
    ]
