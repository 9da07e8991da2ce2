"""
The EA's compiled program, MT5Bot.ex5: building it with the MetaTrader 5
installation's own MetaEditor (ea/metaeditor.py), putting it into the
accounts' terminals, and saying per account whether it is there.

`manage.py setup` and `accounts add` (and `accounts install`) call `build`
when an MT5 terminal is involved: it compiles only when MT5_MAIN_PATH is set
and ea/ holds no MT5Bot.ex5 newer than every source. A paper account never
needs the program. Without a compiler and without a program, `by_hand` is the
step that says what to do.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings

from accounts import instances, terminals
from accounts.models import Account, Kind
from ea import metaeditor
from mt5bot import filemodes

README = 'README.md, "Real MT5 on Windows"'


@dataclass(frozen=True)
class Build:
    ok: bool  # ea/ holds an MT5Bot.ex5 newer than every source
    lines: tuple = ()  # what happened, for the user; none when nothing did


def ea_dir():
    return Path(settings.BASE_DIR) / "ea"


def log_path():
    return Path(settings.LOG_DIR) / "metaeditor.log"


def by_hand(login=None):
    """The next step when no program could be built here: compile by hand,
    then install it into the account (or every account: setup does that)."""
    then = (
        f"then run `manage.py accounts install {login}`"
        if login
        else "then run `manage.py setup` again to install it"
    )
    return (
        "MT5 accounts cannot run until the EA is compiled: open "
        f"{ea_dir() / metaeditor.SOURCE} in MetaEditor (in MetaTrader 5: Tools > "
        f"MetaQuotes Language Editor) and press F7, {then} ({README})."
    )


def build(main_path=None):
    """Compile the EA unless ea/ holds a current MT5Bot.ex5. Returns Build;
    never raises for a compiler that is missing or fails: the lines say it."""
    folder = ea_dir()
    if metaeditor.is_current(folder):
        return Build(True)
    main_path = settings.MT5_MAIN_PATH if main_path is None else main_path
    try:
        editor = metaeditor.editor_path(main_path)
        args = metaeditor.command(editor, folder / metaeditor.SOURCE, log_path())
    except metaeditor.EditorError as exc:
        return Build(False, (f"EA not compiled: {exc}.",))
    if not terminals.on_windows():
        line = metaeditor.command_line(args)
        why = "EA not compiled: MetaEditor runs on Windows only; there this runs"
        return Build(False, (f"{why} {line}",))
    if not Path(editor).is_file():
        return Build(False, (f"EA not compiled: {editor} is not there.",))
    try:
        filemodes.make_private_dir(log_path().parent)
        verdict = metaeditor.run(editor, folder, log_path())
    except OSError as exc:  # the logs folder cannot be made, an old log held
        return Build(False, (f"EA not compiled: {exc}",))
    lines = verdict.lines()
    if not verdict.ok:
        lines.append(f"MetaEditor's log: {log_path()}")
    return Build(verdict.ok, tuple(lines))


def prepare(main_path=None):
    """For `setup`: build the program, then put it into every MT5 terminal of
    this machine that lacks it or holds an older one. Returns lines to show."""
    built = build(main_path)
    lines = list(built.lines)
    if built.ok:
        lines += install_everywhere()
    elif not (ea_dir() / metaeditor.PROGRAM).is_file():
        lines.append(by_hand())
    return lines


# --- each account's terminal -------------------------------------------------------


def experts_dir(login):
    """Where the account's terminal keeps the EA (the ini attaches it there)."""
    folder = instances.instance_dir(None, login)
    return folder / "MQL5" / "Experts" / instances.EXPERTS_SUBDIR


def installed(account, local=None):
    """When the account's MT5Bot.ex5 was built (its file's time, which the
    copy keeps), False when its terminal has none, None when it is not this
    machine's to say (another host's account) or matters not (paper).
    `local`: whether the account's terminal lives here; by default, when the
    account has no host."""
    local = not account.host if local is None else local
    if account.kind != Kind.MT5 or not local:
        return None
    try:
        mtime = (experts_dir(account.login) / metaeditor.PROGRAM).stat().st_mtime
    except instances.InstanceError:
        return None
    except OSError:
        return False
    return datetime.fromtimestamp(mtime, tz=UTC)


def install_everywhere():
    """Copy ea/'s MT5Bot.ex5 into each local MT5 account's terminal that has
    an older one or none; an account whose folder is not made yet is left to
    `accounts install`. Returns lines to show."""
    program = ea_dir() / metaeditor.PROGRAM
    built = datetime.fromtimestamp(program.stat().st_mtime, tz=UTC)
    done, lines = [], []
    for account in Account.objects.filter(kind=Kind.MT5, host=""):
        present = installed(account, local=True)
        if present is None or (present and present >= built):
            continue
        try:
            if not instances.instance_dir(None, account.login).is_dir():
                continue
            instances.install_ea(ea_dir(), experts_dir(account.login))
        except (instances.InstanceError, OSError) as exc:
            lines.append(f"{account.login}: EA not installed: {exc}")
        else:
            done.append(account.login)
    if done:
        lines.insert(
            0,
            f"installed {metaeditor.PROGRAM} into the terminals of "
            f"{', '.join(done)} (a running one takes it at its next start).",
        )
    return lines


def state(account, local=None):
    """The account's EA as a page or `accounts list` shows it: whether its
    terminal has the program (MT5 only) and when it was built, and what the
    heartbeat says runs: version, build, protocol."""
    beat = account.heartbeat if isinstance(account.heartbeat, dict) else {}
    built = installed(account, local)
    protocol = beat.get("protocol")
    return {
        "installed": None if built is None else bool(built),
        "built": built.strftime("%Y-%m-%d %H:%M UTC") if built else "",
        "version": str(beat.get("ea_version") or ""),
        "build": str(beat.get("ea_build") or ""),
        "protocol": protocol if type(protocol) is int else None,
    }


def summary(ea):
    """`state` as two short texts: what is installed, what runs."""
    if ea["installed"] is None:
        installed_text = "-"
    else:
        installed_text = f"ex5 {ea['built']}" if ea["installed"] else "NO ex5"
    running = "-"
    if ea["version"]:
        build = f" ({ea['build']})" if ea["build"] else ""
        protocol = "?" if ea["protocol"] is None else ea["protocol"]
        running = f"{ea['version']}{build} protocol {protocol}"
    return installed_text, running
