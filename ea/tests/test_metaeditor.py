"""Compiling the EA with MetaEditor (ea/metaeditor.py): its log read in every
shape it comes in, the verdict taken from the Result line, and the command
line built for Windows paths with spaces and pasted quotes.

The logs in metaeditor_logs/ are MetaEditor's shapes: UTF-16LE with a BOM and
CRLF as it writes them (a clean compile with warnings, errors with file and
position), UTF-8 without a BOM, one cut mid-character, an empty one."""

import os
import subprocess
from pathlib import Path, PureWindowsPath

import pytest

from ea import metaeditor

LOGS = Path(__file__).parent / "metaeditor_logs"
EA = Path(metaeditor.__file__).parent


def log(name):
    return metaeditor.decode((LOGS / name).read_bytes())


# --- reading the log -------------------------------------------------------------------


def test_a_clean_compile_with_warnings_is_ok_and_lists_them():
    outcome = metaeditor.verdict(log("ok_with_warnings.log"))
    assert outcome.ok and outcome.errors == ()
    assert outcome.result.startswith("Result: 0 errors, 2 warnings, 1240 msec")
    assert [str(w) for w in outcome.warnings] == [
        "MT5Bot_Trade.mqh(212,24): warning 43: possible loss of data due to type "
        "conversion from 'long' to 'int'",
        "MT5Bot.mq5(10,1): warning 68: version '1.00' is incompatible with MQL5 Market",
    ]
    assert outcome.lines()[0] == "compiled the EA with 2 warning(s):"


def test_errors_come_with_their_file_line_and_column():
    outcome = metaeditor.verdict(log("errors.log"))
    assert not outcome.ok
    first = outcome.errors[0]
    assert first.file == r"C:\Users\Jo Smith\mt5bot (copy)\ea\MT5Bot_Open.mqh"
    assert (first.line, first.column, first.code) == (57, 12, "256")
    assert first.text == "undeclared identifier 'voume'"
    assert len(outcome.errors) == 2 and len(outcome.warnings) == 1
    assert outcome.lines() == [
        "the EA did not compile: MetaEditor says Result: 2 errors, 1 warnings, "
        "512 msec elapsed, cpu='X64 Regular'",
        "  MT5Bot_Open.mqh(57,12): error 256: undeclared identifier 'voume'",
        "  MT5Bot_Open.mqh(57,18): error 149: ')' - unexpected token",
        "  MT5Bot_Trade.mqh(212,24): warning 43: possible loss of data due to type "
        "conversion from 'long' to 'int'",
    ]


def test_utf16_with_a_bom_reads_as_text():
    data = (LOGS / "errors.log").read_bytes()
    assert data.startswith(b"\xff\xfe")
    text = metaeditor.decode(data)
    assert text.startswith("C:\\Users\\Jo Smith") and "\x00" not in text
    assert "\r\n" in text  # CRLF kept; splitlines takes it


def test_utf8_without_a_bom_is_read_too():
    data = (LOGS / "ok_utf8.log").read_bytes()
    assert not data.startswith((b"\xff\xfe", b"\xef\xbb\xbf"))
    outcome = metaeditor.verdict(metaeditor.decode(data))
    assert outcome.ok and outcome.warnings == ()
    assert outcome.lines() == [
        "compiled the EA (Result: 0 errors, 0 warnings, 871 msec elapsed, "
        "cpu='X64 Regular')."
    ]


def test_utf16_without_a_bom_and_utf8_with_one_are_read():
    text = "Result: 0 errors, 0 warnings\r\n"
    assert metaeditor.decode(text.encode("utf-16-le")) == text
    assert metaeditor.decode(b"\xef\xbb\xbf" + text.encode()) == text


def test_a_log_cut_short_is_not_ok_and_keeps_what_it_read():
    data = (LOGS / "truncated.log").read_bytes()
    assert len(data) % 2 == 1  # cut inside a UTF-16 character
    outcome = metaeditor.verdict(metaeditor.decode(data))
    assert not outcome.ok
    assert outcome.problem == "its log has no Result line (cut short?)"
    # The error line is kept as far as it came, the cut character replaced.
    (error,) = outcome.errors
    assert (error.line, error.column, error.text) == (57, 12, "und\ufffd")


@pytest.mark.parametrize("name", ["empty.log", "bom_only.log"])
def test_an_empty_log_is_not_ok(name):
    outcome = metaeditor.verdict(log(name))
    assert not outcome.ok
    assert outcome.problem == "its log is empty (cut short?)"


def test_the_last_result_line_decides():
    text = log("errors.log") + "Result: 0 errors, 0 warnings, 3 msec elapsed\r\n"
    outcome = metaeditor.verdict(text)
    assert not outcome.ok  # an error is listed: never "ok" beside one
    assert metaeditor.result_line(text)[:2] == (0, 0)


def test_a_message_without_a_position_is_kept():
    text = (
        "C:\\ea\\MT5Bot.mq5 : error 123: program file not found\r\n"
        "Result: 1 errors, 0 warnings\r\n"
    )
    (error,) = metaeditor.verdict(text).errors
    assert (error.line, error.column) == (None, None)
    assert str(error) == "MT5Bot.mq5: error 123: program file not found"


# --- paths and the command line ----------------------------------------------------------


@pytest.mark.parametrize(
    "main_path",
    [
        r"C:\Program Files\MetaTrader 5\terminal64.exe",
        r'"C:\Program Files\MetaTrader 5\terminal64.exe"',  # Copy as path
        r"  C:\Program Files\MetaTrader 5\Terminal64.EXE ",
        r"C:\Program Files\MetaTrader 5",
        r'"C:\Program Files\MetaTrader 5"',
    ],
)
def test_the_editor_sits_beside_the_terminal(main_path):
    editor = metaeditor.editor_path(main_path, PureWindowsPath)
    assert editor == PureWindowsPath(r"C:\Program Files\MetaTrader 5\MetaEditor64.exe")


def test_no_main_path_names_no_editor():
    with pytest.raises(metaeditor.EditorError, match="MT5_MAIN_PATH is not set"):
        metaeditor.editor_path('  ""  ')


def test_the_command_line_quotes_as_metaeditor_reads_it():
    editor = PureWindowsPath(r"C:\Program Files\MetaTrader 5\MetaEditor64.exe")
    source = PureWindowsPath(r"C:\Users\Jo Smith\mt5bot (copy)\ea\MT5Bot.mq5")
    log_file = PureWindowsPath(r"C:\Users\Jo Smith\mt5bot (copy)\logs\metaeditor.log")
    args = metaeditor.command(editor, source, log_file)
    assert args == [
        r"C:\Program Files\MetaTrader 5\MetaEditor64.exe",
        r'/compile:"C:\Users\Jo Smith\mt5bot (copy)\ea\MT5Bot.mq5"',
        r'/log:"C:\Users\Jo Smith\mt5bot (copy)\logs\metaeditor.log"',
    ]
    assert metaeditor.command_line(args) == (
        r'"C:\Program Files\MetaTrader 5\MetaEditor64.exe" '
        r'/compile:"C:\Users\Jo Smith\mt5bot (copy)\ea\MT5Bot.mq5" '
        r'/log:"C:\Users\Jo Smith\mt5bot (copy)\logs\metaeditor.log"'
    )
    # What Python would have made of the list: not a path MetaEditor reads.
    assert subprocess.list2cmdline(args) != metaeditor.command_line(args)


def test_a_quote_inside_a_path_is_refused():
    with pytest.raises(metaeditor.EditorError, match="double quote"):
        metaeditor.command(
            PureWindowsPath(r"C:\MT5\MetaEditor64.exe"),
            PureWindowsPath('C:\\a"b\\MT5Bot.mq5'),
            PureWindowsPath(r"C:\logs\metaeditor.log"),
        )


# --- what is compiled already ----------------------------------------------------------


def make_sources(folder):
    for name in ("MT5Bot.mq5", "MT5Bot_Open.mqh"):
        (folder / name).write_text("// source\n")
    (folder / "linux").mkdir()
    (folder / "linux" / "snippet.mq5").write_text("// not the EA's\n")


def touch(path, when):
    os.utime(path, (when, when))


def test_the_program_is_current_only_when_newer_than_every_source(tmp_path):
    make_sources(tmp_path)
    assert not metaeditor.is_current(tmp_path)  # none built
    program = tmp_path / metaeditor.PROGRAM
    program.write_bytes(b"EX5")
    for path in tmp_path.glob("MT5Bot*.mq*"):
        touch(path, 1_000)
    touch(tmp_path / "linux" / "snippet.mq5", 5_000)  # not a source of the EA
    touch(program, 2_000)
    assert metaeditor.is_current(tmp_path)
    touch(tmp_path / "MT5Bot_Open.mqh", 3_000)  # an edited include
    assert not metaeditor.is_current(tmp_path)


def test_the_sources_are_the_eas_own_files():
    names = {path.name for path in metaeditor.sources(EA)}
    assert metaeditor.SOURCE in names and "MT5Bot_Command.mqh" in names
    assert all(name.startswith("MT5Bot") for name in names)


# --- the call, with the compiler played by a stand-in ------------------------------------


class StandIn:
    """Plays MetaEditor for `run`: takes the command line it is given, writes
    `log_text` as MetaEditor does (UTF-16LE, BOM) and, if asked, the program."""

    def __init__(self, log_text, builds=True):
        self.log_text, self.builds, self.calls = log_text, builds, []

    def __call__(self, line, **kwargs):
        self.calls.append((line, kwargs))
        source = Path(line.split('/compile:"')[1].split('"')[0])
        log_file = Path(line.split('/log:"')[1].split('"')[0])
        if self.log_text is not None:
            log_file.write_bytes(b"\xff\xfe" + self.log_text.encode("utf-16-le"))
        if self.builds:
            source.with_suffix(".ex5").write_bytes(b"EX5")
        return subprocess.CompletedProcess(line, 1)  # its exit code means nothing


@pytest.fixture
def ea_dir(tmp_path):
    folder = tmp_path / "ea"
    folder.mkdir()
    make_sources(folder)
    for path in folder.glob("MT5Bot*.mq*"):
        touch(path, 1_000)
    return folder


def test_run_reads_the_log_and_finds_the_program(ea_dir, tmp_path, monkeypatch):
    stand_in = StandIn("Result: 0 errors, 0 warnings, 9 msec elapsed\r\n")
    monkeypatch.setattr(metaeditor.subprocess, "run", stand_in)
    log_file = tmp_path / "logs" / "metaeditor.log"
    outcome = metaeditor.run(tmp_path / "MetaEditor64.exe", ea_dir, log_file)
    assert outcome.ok, outcome
    ((line, kwargs),) = stand_in.calls
    assert line.startswith(f'"{tmp_path / "MetaEditor64.exe"}" /compile:"')
    assert kwargs.get("shell") is None and kwargs["check"] is False
    assert metaeditor.is_current(ea_dir)


def test_run_wants_the_program_beside_a_clean_log(ea_dir, tmp_path, monkeypatch):
    stand_in = StandIn("Result: 0 errors, 0 warnings\r\n", builds=False)
    monkeypatch.setattr(metaeditor.subprocess, "run", stand_in)
    outcome = metaeditor.run(tmp_path / "MetaEditor64.exe", ea_dir, tmp_path / "x.log")
    assert not outcome.ok
    assert (
        outcome.problem
        == f"the log says 0 errors, but no new MT5Bot.ex5 is in {ea_dir}"
    )


def test_run_never_reads_an_old_log(ea_dir, tmp_path, monkeypatch):
    log_file = tmp_path / "metaeditor.log"
    log_file.write_text("Result: 0 errors, 0 warnings\n")  # a previous run's
    monkeypatch.setattr(metaeditor.subprocess, "run", StandIn(None, builds=False))
    outcome = metaeditor.run(tmp_path / "MetaEditor64.exe", ea_dir, log_file)
    assert not outcome.ok
    assert outcome.problem == f"MetaEditor wrote no log at {log_file}"


def test_run_says_when_the_compiler_does_not_start(ea_dir, tmp_path):
    # On Linux the command line is no program's name: the start fails.
    outcome = metaeditor.run(tmp_path / "MetaEditor64.exe", ea_dir, tmp_path / "x.log")
    assert not outcome.ok and outcome.problem.startswith("MetaEditor did not start: ")
