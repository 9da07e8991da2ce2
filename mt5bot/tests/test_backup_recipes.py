"""The scheduled-backup recipes in docs/deploy.md do what they say: the Task
Scheduler line gives Windows the action meant (read by the rules Windows
programs split their command line with), and the cron line, run by a shell,
writes a backup of the install and prints nothing when all goes well."""

import subprocess

import pytest

from mt5bot import backups
from mt5bot.tests.test_backup import Install
from mt5bot.tests.test_serve import ROOT

GUIDE = ROOT / "docs" / "deploy.md"


def recipe(starts):
    [line] = [
        line for line in GUIDE.read_text().splitlines() if line.startswith(starts)
    ]
    return line


def windows_arguments(line):
    """Split a command line as the Microsoft C runtime does: backslashes are
    literal unless a quote follows; then each pair is one backslash and an
    odd one makes the quote literal."""
    args, current, quoted, i, started = [], "", False, 0, False
    while i < len(line):
        slashes = len(line[i:]) - len(line[i:].lstrip("\\"))
        if slashes and line[i + slashes : i + slashes + 1] == '"':
            current += "\\" * (slashes // 2)
            i += slashes
            if slashes % 2:
                current, i, started = current + '"', i + 1, True
            continue
        char = line[i]
        if char == '"':
            quoted, started = not quoted, True
        elif char in " \t" and not quoted:
            if started:
                args.append(current)
            current, started = "", False
        else:
            current, started = current + char, True
        i += 1
    if started:
        args.append(current)
    return args


def test_the_task_scheduler_line_runs_the_backup_from_the_install():
    args = windows_arguments(recipe("schtasks /Create"))
    options = dict(zip(args[2::2], args[3::2], strict=True))
    assert options["/TN"] == "mt5bot backup"
    assert options["/TR"] == (
        'cmd /c cd /d "C:\\mt5bot" && .venv\\Scripts\\python.exe manage.py backup'
    )
    assert recipe("schtasks /Run") == 'schtasks /Run /TN "mt5bot backup"'


def cron_command():
    """The cron line's command, for the project's own folder and interpreter
    where the guide says /opt/mt5bot."""
    fields = recipe("15 3 ").split(maxsplit=5)
    assert fields[:5] == ["15", "3", "*", "*", "*"]
    assert "% " not in fields[5]  # cron would cut the line at a bare %
    return fields[5].replace("/opt/mt5bot", str(ROOT))


def cron(command, env):
    # cron runs a line with /bin/sh.
    return subprocess.run(
        ["/bin/sh", "-c", command], env=env, capture_output=True, text=True
    )


@pytest.mark.e2e
def test_the_cron_line_backs_up_quietly_and_speaks_when_it_fails(tmp_path):
    install = Install(tmp_path)
    install.setup()
    done = cron(cron_command(), install.env)
    assert (done.stdout, done.stderr) == ("", "")
    [backup] = backups.existing(tmp_path / "backup")
    assert (backup / backups.SQLITE_FILE).is_file()
    # A backup folder that cannot be made: what the backup said is printed.
    (tmp_path / "blocked").write_text("")
    failed = cron(
        cron_command(), {**install.env, "BACKUP_DIR": str(tmp_path / "blocked")}
    )
    assert "blocked" in failed.stdout and failed.stderr == ""
