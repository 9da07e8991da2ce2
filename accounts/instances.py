"""
Where each account's terminal lives on disk, and how it is started.

One folder per account under MT5_INSTANCES_DIR, named by the login. A paper
account needs only `<login>/MQL5/Files`; a real account gets a portable copy of
the main MetaTrader 5 installation (two terminals cannot run from one folder),
a `/config` ini that attaches the EA, and a `.bat` to start it by hand.

The builders (paths, ini, bat, argument lists) are pure; only the functions
named copy/create/delete/install/write touch the disk. None of them starts or
stops a process: that is `accounts.terminals`, used by the supervisor.
"""

import os
import shutil
import stat
import sys
from dataclasses import dataclass
from pathlib import Path, PureWindowsPath

from django.conf import settings

from accounts.validators import fault_profile_problem
from ea import protocol

TERMINAL_EXE = "terminal64.exe"
INI_NAME = "mt5bot.ini"
EXPERTS_SUBDIR = "mt5bot"
EA_PATTERNS = ("*.ex5", "*.mq5", "*.mqh")
PROFILE_DIRS = ("MQL5/Profiles/Charts", "Profiles/Charts")
MARGIN_MODES = ("hedging", "netting")
# Folders and files of the main installation an account's copy must not get:
# its logs and the strategy tester's caches (large, never used by a trading
# terminal), the main terminal's own command folder (a copied command would run
# on another account) and its saved logins (the copy would log into the main
# account). Compared lower-case: Windows paths ignore case.
SKIP_DIRS = ("logs", "mql5/logs", "tester")
EMPTY_DIRS = ("MQL5/Files",)
SKIP_FILES = ("config/accounts.dat",)


class InstanceError(ValueError):
    """A folder or installation we refuse to use; the message says why."""


@dataclass(frozen=True)
class Mt5Layout:
    source: Path  # the main installation folder, holding terminal64.exe
    dest: Path  # this account's portable copy
    terminal_exe: Path
    ini: Path
    bat: Path
    experts: Path  # where the EA goes: MQL5/Experts/mt5bot
    profile: Path  # the Default chart profile the copy starts with


@dataclass(frozen=True)
class CreatedInstance:
    folder: Path
    files: Path
    ea_files: tuple = ()
    skipped: tuple = ()  # files of a running main terminal it could not read
    reused: bool = False  # an installation kept from before was used as is


# --- paths --------------------------------------------------------------------


def _root(root):
    return Path(root if root is not None else settings.MT5_INSTANCES_DIR).resolve()


def _login(login):
    try:
        return protocol.check_login(login)
    except protocol.ProtocolError as exc:
        raise InstanceError(str(exc)) from None


def instance_dir(root, login):
    """<root>/<login>, refused unless it is exactly that folder once resolved.

    A symlink there is refused even when it points inside the root: it would
    make one account's commands land in another account's folder.
    """
    root = _root(root)
    folder = root / _login(login)
    if folder.resolve() != folder:
        raise InstanceError(f"{folder} is a link to {folder.resolve()}; refusing it")
    return folder


def files_dir(root, login):
    """<root>/<login>/MQL5/Files: the protocol's folder, with no link on the way."""
    folder = instance_dir(root, login)
    try:
        files = protocol.files_dir(_root(root), login)
    except protocol.ProtocolError as exc:
        raise InstanceError(str(exc)) from None
    if files != folder / "MQL5" / "Files":
        raise InstanceError(f"{folder / 'MQL5' / 'Files'} leads to {files}; refusing")
    return files


def _inside(path, root):
    path, root = Path(path).resolve(), _root(root)
    return path != root and path.is_relative_to(root)


def main_terminal(main_path):
    """The main installation's terminal64.exe, from MT5_MAIN_PATH (the exe or its
    folder); InstanceError when it is not set or names no terminal64.exe."""
    if not str(main_path or "").strip():
        raise InstanceError(
            "MT5_MAIN_PATH is not set: point it at your MetaTrader 5 "
            "terminal64.exe (or use a paper account)."
        )
    path = Path(main_path)
    if path.is_dir():
        path = path / TERMINAL_EXE
    if path.name.lower() != TERMINAL_EXE or not path.is_file():
        raise InstanceError(f"MT5_MAIN_PATH={main_path} is not a {TERMINAL_EXE}.")
    return path


def mt5_layout(main_path, root, login):
    """Every path a real account's terminal involves. Only reads the disk to
    refuse a linked instance folder and to see where the source keeps profiles."""
    path = Path(main_path)
    source = path.parent if path.name.lower() == TERMINAL_EXE else path
    dest = instance_dir(root, login)
    return Mt5Layout(
        source=source,
        dest=dest,
        terminal_exe=dest / TERMINAL_EXE,
        ini=dest / INI_NAME,
        bat=dest / f"launch_mt5_{login}.bat",
        experts=dest / "MQL5" / "Experts" / EXPERTS_SUBDIR,
        profile=dest / _profile_base(source) / "Default",
    )


def _profile_base(source):
    """Newer builds keep profiles in MQL5/Profiles, older ones in Profiles; the
    copy runs the same build, so it follows the source."""
    for base in PROFILE_DIRS:
        if (Path(source) / base / "Default").is_dir():
            return base
    return PROFILE_DIRS[0]


# --- what a terminal is started with -------------------------------------------


def _ini_value(name, value):
    text = str(value)
    if not text.isprintable():  # a line break would smuggle in another key
        raise InstanceError(f"{name} {text!r} cannot go in an ini file")
    return text


def config_ini(
    expert="mt5bot\\MT5Bot", symbol="EURUSD", period="H1", login=None, server=None
):
    """The `/config` file: automated trading on, DLLs off, our EA on a chart.

    No Password key: we never write a password to disk. The terminal asks for it
    once and keeps it itself. CRLF because the reader is a Windows program.
    """
    common = []
    if login is not None:
        common.append(f"Login={_login(login)}")
    if server:
        common.append(f"Server={_ini_value('server', server)}")
    lines = [
        "[Common]",
        *common,
        "[Experts]",
        "AllowLiveTrading=1",
        "AllowDllImport=0",
        "Enabled=1",
        # 0: keep the EA running when the account or the profile changes.
        "Account=0",
        "Profile=0",
        "[StartUp]",
        f"Expert={_ini_value('expert', expert)}",
        f"Symbol={_ini_value('symbol', symbol)}",
        f"Period={_ini_value('period', period)}",
    ]
    return "\r\n".join(lines) + "\r\n"


def _bat_quote(path):
    # cmd expands %NAME% even inside quotes; %% is a literal percent sign.
    return '"' + str(path).replace("%", "%%") + '"'


def launch_bat(terminal_exe, ini_path):
    """A double-clickable `launch_mt5_<login>.bat` that starts the same terminal
    the supervisor would. `start ""` returns at once (the first quoted argument
    of `start` is a window title, hence the empty one)."""
    lines = ["@echo off"]
    if not (str(terminal_exe) + str(ini_path)).isascii():
        lines.append("chcp 65001 >nul")  # the file is UTF-8; cmd must read it so
    lines.append(
        f"start {_bat_quote('')} {_bat_quote(terminal_exe)} /portable "
        f"/config:{_bat_quote(ini_path)}"
    )
    return "\r\n".join(lines) + "\r\n"


def mt5_command(terminal_exe, ini_path):
    """Argument list for Popen (never a shell); Windows quotes each argument."""
    return [str(terminal_exe), "/portable", f"/config:{ini_path}"]


def paper_command(python, root, login, margin_mode, faults="perfect"):
    """Argument list for the paper terminal. Run it with cwd=settings.BASE_DIR
    (see paper_cwd) so `ea` is importable. `faults` is the account's fault
    profile, passed always: what the account says is what the broker does,
    whatever MT5BOT_PAPER_FAULTS the supervisor's environment holds."""
    if margin_mode not in MARGIN_MODES:
        raise InstanceError(f"margin mode {margin_mode!r} is not one of {MARGIN_MODES}")
    problem = fault_profile_problem(faults)
    if problem:
        raise InstanceError(f"fault profile {faults!r}: {problem}")
    files = files_dir(root, login)
    return [
        str(python),
        "-m",
        "ea.paper",
        "--files",
        str(files),
        "--login",
        _login(login),
        "--margin-mode",
        margin_mode,
        # One argument: a profile is never read as an option of its own.
        f"--faults={faults}",
    ]


def paper_cwd():
    return Path(settings.BASE_DIR)


# --- copying an installation ----------------------------------------------------


def _relative_key(path, base):
    return PureWindowsPath(os.path.relpath(path, base)).as_posix().lower()


def _keep_dir(path, src, root):
    """Whether the walk goes into `path`: not logs or caches, not the instances
    (they may live inside the main folder) nor any other installation, and of
    the chart profiles only Default (the others may carry the user's own EAs,
    which would then trade on every account)."""
    key = _relative_key(path, src)
    if key in SKIP_DIRS or _in_emptied(key) or Path(path).resolve() == _root(root):
        return False
    if (Path(path) / TERMINAL_EXE).is_file():
        return False
    parent, _, name = key.rpartition("/")
    return parent not in [p.lower() for p in PROFILE_DIRS] or name == "default"


def _keep_file(path, src):
    key = _relative_key(path, src)
    return key not in SKIP_FILES and not _in_emptied(key)


def _in_emptied(key):
    return any(key.startswith(name.lower() + "/") for name in EMPTY_DIRS)


def installation_files(src, root=None):
    """(relative path, size) of every file copy_installation copies, terminal64.exe
    last: its presence then marks a complete copy."""
    src = Path(src)
    found = []
    for folder, dirs, names in os.walk(src):
        dirs[:] = [d for d in dirs if _keep_dir(Path(folder) / d, src, root)]
        for name in names:
            path = Path(folder) / name
            if _keep_file(path, src) and path.is_file():
                found.append((path.relative_to(src), path.stat().st_size))
    found.sort(key=lambda item: str(item[0]).lower() == TERMINAL_EXE)
    return found


def _check_copy(src, dest, root, overwrite):
    if not (Path(src) / TERMINAL_EXE).is_file():
        raise InstanceError(f"{src} holds no {TERMINAL_EXE}")
    if not _inside(dest, root) or Path(dest).is_symlink():
        raise InstanceError(f"{dest} is not a folder inside {_root(root)}")
    if Path(src).resolve().is_relative_to(Path(dest).resolve()):
        raise InstanceError(f"{src} is inside {dest}")
    if (Path(dest) / TERMINAL_EXE).exists() and not overwrite:
        raise InstanceError(f"{dest} already holds an installation")


def copy_installation(src, dest, progress=None, *, root=None, overwrite=False):
    """Copy the main installation at `src` to `dest`, an account's folder.

    Only reads the source: a running main terminal keeps running (nothing is
    stopped or killed). A file it holds locked is skipped and returned, since
    logs and caches are rebuilt; the executable itself must copy.
    `progress(done_bytes, total_bytes)` is called after each file.
    """
    _check_copy(src, dest, root, overwrite)
    src, dest = Path(src), Path(dest)
    files = installation_files(src, root)
    total, done, skipped = sum(size for _, size in files), 0, []
    for relative, size in files:
        target = dest / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            shutil.copy2(src / relative, target)
        except PermissionError:
            if relative.name.lower() == TERMINAL_EXE:
                raise
            skipped.append(relative)
        done += size
        if progress:
            progress(done, total)
    for empty in EMPTY_DIRS:
        (dest / empty).mkdir(parents=True, exist_ok=True)
    return tuple(skipped)


def install_ea(ea_dir, experts_dir):
    """Copy the EA (ea/*.ex5, *.mq5, *.mqh) into MQL5/Experts/mt5bot; returns the
    names copied, none when the EA is not built yet."""
    names = []
    experts_dir = Path(experts_dir)
    for pattern in EA_PATTERNS:
        for path in sorted(Path(ea_dir).glob(pattern)):
            experts_dir.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, experts_dir / path.name)
            names.append(path.name)
    return tuple(names)


# --- creating and deleting ------------------------------------------------------


def create_instance(account, *, root=None, main_path=None, progress=None, ea_dir=None):
    """Make the account's folder: paper, the files folder only; mt5, a copy of
    the main installation (unless one is there already) with the ini, the bat
    and the EA."""
    root = _root(root)
    if account.kind != "mt5":
        files = files_dir(root, account.login)
        files.mkdir(parents=True, exist_ok=True)
        return CreatedInstance(folder=files.parent.parent, files=files)
    exe = main_terminal(settings.MT5_MAIN_PATH if main_path is None else main_path)
    layout = mt5_layout(exe, root, account.login)
    # A folder kept by `remove --keep-files` is used again, not copied over.
    reused = layout.terminal_exe.is_file()
    skipped = ()
    if not reused:
        skipped = copy_installation(layout.source, layout.dest, progress, root=root)
    protocol.write_atomic(layout.dest, layout.ini.name, config_ini(login=account.login))
    bat = launch_bat(layout.terminal_exe, layout.ini)
    protocol.write_atomic(layout.dest, layout.bat.name, bat)
    ea_files = install_ea(ea_dir or Path(settings.BASE_DIR) / "ea", layout.experts)
    files = files_dir(root, account.login)
    files.mkdir(parents=True, exist_ok=True)
    return CreatedInstance(layout.dest, files, ea_files, skipped, reused)


def _writable_and_retry(func, path, _exc_info):
    # Windows refuses to delete read-only files; MT5 ships some.
    os.chmod(path, stat.S_IWRITE)
    func(path)


def delete_instance(root, login):
    """Remove <root>/<login> and everything in it; False when it was not there.

    Refuses the root itself, anything outside it, and a link (deleting through
    it would remove another folder's content). Links inside the tree are
    removed as links, never followed.
    """
    folder = instance_dir(root, login)
    if not _inside(folder, root):
        raise InstanceError(f"{folder} is not inside {_root(root)}")
    if not folder.exists():
        return False
    if sys.version_info >= (3, 12):  # pragma: no cover
        shutil.rmtree(folder, onexc=_writable_and_retry)
    else:
        shutil.rmtree(folder, onerror=_writable_and_retry)
    return True
