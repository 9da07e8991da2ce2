"""Build MT5Bot.mq5 natively against the fake runtime, and run it.

`build(folder)` rewrites the EA to C++ (mql2cpp.py) and links it with
runtime*.cpp into `folder/mt5bot_ea`, with AddressSanitizer and UBSan so an
out-of-range index or an overflow stops the run instead of passing quietly.
`cached_build()` does that once per version of the sources, in the user's
cache folder (never in the repository). `run` starts the binary on an
MQL5/Files folder and answers its questions with a bridge.FakeTerminal until
it exits.
"""

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ea.linux import check, mql2cpp
from ea.linux.bridge import FakeTerminal
from ea.paper import replay

HERE = Path(__file__).resolve().parent
# The fake runtime: runtime.cpp (main) and its parts, sharing runtime.hpp.
RUNTIME = sorted(HERE.glob("runtime*.cpp"))
FLAGS = (
    "-std=c++17",
    "-O1",
    "-g",
    "-fsanitize=address,undefined",
    "-fno-sanitize-recover=undefined",
    "-fno-omit-frame-pointer",
    "-Wall",
    "-Wno-unused-parameter",
)
TIMEOUT = 60
# A vector's `state.terminal_limits` (ea/paper/limits.TerminalLimits) as the
# EA's inputs that hold the same limits.
LIMIT_INPUTS = {"max_lots": "InpMaxLotsPerOrder", "max_positions": "InpMaxPositions"}


class BuildError(RuntimeError):
    pass


@dataclass
class Run:
    returncode: int
    stderr: str


def build(folder, ea=check.EA):
    """Compile the EA and the runtime into `folder`; returns the binary."""
    folder = Path(folder)
    text, problems = mql2cpp.program(ea)
    if problems:
        raise BuildError("\n".join(problems))
    source = folder / "mt5bot_ea.cpp"
    source.write_text(text, encoding="utf-8")
    binary = folder / "mt5bot_ea"
    done = subprocess.run(  # noqa: S603 - our compiler, our sources
        [
            check.compiler() or "g++",
            *FLAGS,
            f"-I{HERE}",
            str(source),
            *map(str, RUNTIME),
            "-o",
            str(binary),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise BuildError(done.stderr)
    return binary


def sources(ea=check.EA):
    """Every file the binary is made of."""
    folder = Path(ea).parent
    return [Path(ea), *sorted(folder.glob("*.mqh")), *sorted(HERE.glob("*.hpp")),
            *RUNTIME, HERE / "mql2cpp.py"]  # fmt: skip


def cached_build(cache=None):
    """The binary for the current sources, built when they changed. The
    build goes to a fresh folder renamed into place, so two test sessions
    never see half a build."""
    digest = hashlib.sha256(" ".join(FLAGS).encode())
    for path in sources():
        digest.update(path.read_bytes())
    root = Path(cache or os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    target = root / "mt5bot-ea" / digest.hexdigest()[:16]
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError:  # a read-only home: build for this process only
        target = Path(tempfile.mkdtemp(prefix="mt5bot-ea-")) / digest.hexdigest()[:16]
    if not (target / "mt5bot_ea").exists():
        scratch = Path(tempfile.mkdtemp(prefix="build-", dir=target.parent))
        try:
            build(scratch)
            os.replace(scratch, target)
        except OSError:
            if not (target / "mt5bot_ea").exists():
                raise
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    return target / "mt5bot_ea"


class Copy:
    """One running copy of the EA, answered by `terminal` question by
    question, so a test can hold it mid-command (waiting for its answer)
    while it starts another copy on the same folder."""

    def __init__(self, binary, folder, terminal, timers=2, inputs=None, **options):
        self.terminal = terminal
        env = {**os.environ, "MQL5_FILES": str(folder)}
        env["ASAN_OPTIONS"] = "detect_leaks=0"  # the EA's globals live until exit
        if options.get("virtual_clock"):
            env["MQL5_VIRTUAL_CLOCK"] = "1"
        if "deinit_reason" in options:
            env["MQL5_DEINIT_REASON"] = str(options["deinit_reason"])
        for name, value in (inputs or {}).items():
            env[f"MQL5_INPUT_{name}"] = str(value)
        # stderr to a file: a chatty EA must not block on a full pipe while
        # we wait for its next question on stdout.
        self.log = tempfile.TemporaryFile("w+")  # noqa: SIM115 - closed in finish
        self.process = subprocess.Popen(  # noqa: S603 - the binary we built
            [str(binary), "--timers", str(timers)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
            env=env,
        )

    def answer_until(self, stop=None):
        """Answer questions until `stop(question)` is true for one (left
        unanswered: the EA waits for it) or the EA ends; the question, or
        None when it ended."""
        for line in self.process.stdout:
            if line.startswith('["exit"]'):
                return None
            if stop is not None and stop(json.loads(line)):
                return line
            self.reply(line)
        return None

    def reply(self, line):
        self.process.stdin.write(self.terminal.answer(line) + "\n")
        self.process.stdin.flush()

    def finish(self, pending=None):
        """Answer `pending` (a question answer_until stopped at), run the EA
        to its end and return its Run."""
        try:
            if pending is not None:
                self.reply(pending)
            self.answer_until()
            self.process.communicate(timeout=TIMEOUT)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
        self.log.seek(0)
        stderr = self.log.read()
        self.log.close()
        return Run(self.process.returncode, stderr)


def run(binary, folder, terminal, timers=2, inputs=None, **options):
    """Run the EA on `folder`: OnInit, `timers` OnTimer calls, OnDeinit.
    `inputs` sets the EA's inputs by name, as its Inputs tab would;
    `virtual_clock=True` runs it on the runtime's own clock (runtime.cpp);
    `deinit_reason` is the REASON_* OnDeinit gets (default REASON_PROGRAM)."""
    return Copy(binary, folder, terminal, timers, inputs, **options).finish()


def replay_vector(binary, vector, folder, timers=2):
    """The differences between a golden vector and what the EA did with it,
    set up and judged by the code that judges the paper terminal."""
    folder = Path(folder)
    paper = replay.build(vector, folder)  # the broker and the executed ids
    name = replay.prepare(vector, folder)
    state = vector["state"]
    # The broker, its faults and the clock the paper terminal would use.
    terminal = FakeTerminal(paper.broker, state["login"], folder, paper.clock)
    limits = state.get("terminal_limits", {})
    inputs = {LIMIT_INPUTS[key]: value for key, value in limits.items()}
    done = run(binary, folder, terminal, timers=timers, inputs=inputs)
    outcome = replay.outcome(folder, name, terminal.journal, paper.broker)
    problems = replay.compare(vector, outcome) + terminal.problems
    if done.returncode != 0:
        problems.append(f"the EA exited with {done.returncode}: {done.stderr[-3000:]}")
    return problems
