"""
Compiling the EA with MetaTrader's own compiler, MetaEditor64.exe.

MQL5 has one compiler, the MetaEditor that comes with every MetaTrader 5
installation. `manage.py setup` and `accounts add` run it (accounts/ea_build.py)
when MT5_MAIN_PATH is set and ea/ holds no MT5Bot.ex5 newer than its sources:

    MetaEditor64.exe /compile:"<ea>\\MT5Bot.mq5" /log:"<logs>\\metaeditor.log"

It writes MT5Bot.ex5 next to the source. Its exit code says nothing reliable,
so the outcome is read from its log (UTF-16LE with a BOM), whose last line is
`Result: 0 errors, 1 warnings, 401 msec elapsed, ...`: no such line, or any
error, and the EA was not compiled.

Everything but `run` is pure (paths, the command line, reading the log, the
verdict) and is tested on Linux with Windows-shaped paths and recorded logs;
`run` is the Windows-only call. Standard library only, like the rest of ea/.
"""

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path, PureWindowsPath

EDITOR = "MetaEditor64.exe"
TERMINAL = "terminal64.exe"
SOURCE = "MT5Bot.mq5"
PROGRAM = "MT5Bot.ex5"
SOURCE_PATTERNS = ("*.mq5", "*.mqh")
TIMEOUT = 300.0  # seconds; the EA compiles in a few

# `C:\ea\MT5Bot_Open.mqh(12,5) : error 256: undeclared identifier 'x'`; the
# position is missing on messages about the whole program.
DIAGNOSTIC = re.compile(
    r"^(?P<file>.*?)(?:\((?P<line>\d+),(?P<column>\d+)\))?\s*:\s*"
    r"(?P<kind>error|warning)\s+(?P<code>\d+)\s*:\s*(?P<text>.*)$",
    re.IGNORECASE,
)
RESULT = re.compile(
    r"^\s*Result:\s*(?P<errors>\d+)\s+errors?\s*,\s*(?P<warnings>\d+)\s+warnings?",
    re.IGNORECASE,
)


class EditorError(ValueError):
    """A path MetaEditor cannot be given; the message says which."""


@dataclass(frozen=True)
class Diagnostic:
    kind: str  # "error" or "warning"
    file: str  # as the log names it; "" when it names none
    line: int | None
    column: int | None
    code: str
    text: str

    def __str__(self):
        name = PureWindowsPath(self.file).name if self.file else ""
        where = f"({self.line},{self.column})" if self.line is not None else ""
        place = f"{name}{where}: " if name or where else ""
        return f"{place}{self.kind} {self.code}: {self.text}"


@dataclass(frozen=True)
class Verdict:
    """What one compile came to. `ok` only with the log's `Result: 0 errors`
    line and no error listed; `problem` says why not otherwise."""

    ok: bool
    errors: tuple = ()
    warnings: tuple = ()
    result: str = ""  # the log's Result line, as written
    problem: str = ""

    def lines(self):
        """What a person reads: the outcome, then each message, one a line."""
        if self.ok and not self.warnings:
            return [f"compiled the EA ({self.result})."]
        if self.ok:
            head = f"compiled the EA with {len(self.warnings)} warning(s):"
            return [head, *(f"  {w}" for w in self.warnings)]
        listed = [*self.errors, *self.warnings]
        return [f"the EA did not compile: {self.problem}", *(f"  {d}" for d in listed)]


# --- paths and the command line ------------------------------------------------------


def unquote(text):
    """A path as typed or pasted: surrounding blanks and one pair of double
    quotes (Explorer's "Copy as path") taken off."""
    text = str(text or "").strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        text = text[1:-1].strip()
    return text


def editor_path(main_path, path_type=Path):
    """MetaEditor64.exe of the installation MT5_MAIN_PATH names (its
    terminal64.exe or its folder). Pure: decided by the name, not the disk."""
    text = unquote(main_path)
    if not text:
        raise EditorError("MT5_MAIN_PATH is not set")
    path = path_type(text)
    folder = path.parent if path.name.lower() == TERMINAL else path
    return folder / EDITOR


def _quotable(path):
    text = str(path)
    if '"' in text:
        # No Windows file name holds one, and MetaEditor has no escape for it.
        raise EditorError(f"{text} holds a double quote; no Windows path does")
    return text


def command(editor, source, log):
    """The arguments of one compile. MetaEditor reads the quotes after
    `/compile:` and `/log:` itself, so they are part of the argument."""
    return [
        _quotable(editor),
        f'/compile:"{_quotable(source)}"',
        f'/log:"{_quotable(log)}"',
    ]


def command_line(args):
    """`args` as the one string Windows hands the program. Not Python's
    list2cmdline: it would write `"/compile:\\"C:\\a b\\x.mq5\\""`, which
    MetaEditor does not read as a path."""
    return " ".join([f'"{args[0]}"', *args[1:]])


# --- what is compiled already ------------------------------------------------------


def sources(ea_dir):
    """The EA's source files in `ea_dir` (not its subfolders: those hold the
    Linux check's own snippets)."""
    folder = Path(ea_dir)
    return sorted(p for pattern in SOURCE_PATTERNS for p in folder.glob(pattern))


def is_current(ea_dir):
    """Whether `ea_dir` holds an MT5Bot.ex5 at least as new as every source."""
    try:
        built = (Path(ea_dir) / PROGRAM).stat().st_mtime
        return all(path.stat().st_mtime <= built for path in sources(ea_dir))
    except OSError:
        return False


# --- reading the log -----------------------------------------------------------------


def decode(data):
    """The log's text: UTF-16 (MetaEditor's, with or without its BOM) or
    UTF-8; a log cut mid-character loses that character, nothing else."""
    if data.startswith(b"\xff\xfe"):
        return data[2:].decode("utf-16-le", errors="replace")
    if data.startswith(b"\xfe\xff"):
        return data[2:].decode("utf-16-be", errors="replace")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if len(data) >= 2 and data[1] == 0 and data[0] != 0:
        return data.decode("utf-16-le", errors="replace")
    return data.decode("utf-8", errors="replace")


def diagnostics(text):
    """Every error and warning line of a log, in order."""
    found = []
    for line in text.splitlines():
        match = DIAGNOSTIC.match(line.strip())
        if match:
            number = match["line"]
            found.append(
                Diagnostic(
                    kind=match["kind"].lower(),
                    file=match["file"].strip(),
                    line=int(number) if number else None,
                    column=int(match["column"]) if number else None,
                    code=match["code"],
                    text=match["text"].strip(),
                )
            )
    return found


def result_line(text):
    """(errors, warnings, the line) of the log's last Result line, or None."""
    found = None
    for line in text.splitlines():
        match = RESULT.match(line)
        if match:
            found = (int(match["errors"]), int(match["warnings"]), line.strip())
    return found


def verdict(text):
    """The outcome of a compile from its log's text."""
    listed = diagnostics(text)
    errors = tuple(d for d in listed if d.kind == "error")
    warnings = tuple(d for d in listed if d.kind == "warning")
    result = result_line(text)
    if result is None:
        why = "its log is empty" if not text.strip() else "its log has no Result line"
        return Verdict(False, errors, warnings, problem=f"{why} (cut short?)")
    count, _, line = result
    if count or errors:
        return Verdict(False, errors, warnings, line, f"MetaEditor says {line}")
    return Verdict(True, (), warnings, line)


# --- the Windows call -----------------------------------------------------------------


def run(editor, ea_dir, log, timeout=TIMEOUT):
    """Compile ea_dir/MT5Bot.mq5 with `editor` (Windows only) and return the
    Verdict; MT5Bot.ex5 lands next to the source."""
    args = command(editor, Path(ea_dir) / SOURCE, log)
    log = Path(log)
    log.parent.mkdir(parents=True, exist_ok=True)
    log.unlink(missing_ok=True)  # an old log must not speak for this run
    try:
        subprocess.run(  # noqa: S603 - the installation's own compiler, no shell
            command_line(args),
            capture_output=True,
            timeout=timeout,
            check=False,
            creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
        )
    except subprocess.TimeoutExpired:
        return Verdict(False, problem=f"MetaEditor did not finish in {timeout:g} s")
    except OSError as exc:
        return Verdict(False, problem=f"MetaEditor did not start: {exc}")
    try:
        outcome = verdict(decode(log.read_bytes()))
    except OSError:
        return Verdict(False, problem=f"MetaEditor wrote no log at {log}")
    if outcome.ok and not is_current(ea_dir):
        return Verdict(False, (), outcome.warnings, outcome.result, _no_program(ea_dir))
    return outcome


def _no_program(ea_dir):
    return f"the log says 0 errors, but no new {PROGRAM} is in {ea_dir}"
