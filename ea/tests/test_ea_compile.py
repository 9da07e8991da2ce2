"""The EA's compile check on Linux (ea/linux/check.py): the EA passes it,
every deliberately broken snippet fails it at the line it names, and the
declaration header holds exactly the builtins the EA uses, each with its
mql5.com reference."""

import re
from pathlib import Path

import pytest

from ea.linux import check, mql2cpp

BROKEN = sorted((Path(check.__file__).parent / "broken").glob("*.mq5"))
EXPECTED = re.compile(r"^// must fail at line (\d+): (.+)$")
ERROR = re.compile(r"^(.+?):(\d+):(\d+): (?:fatal )?error: (.*)$")

pytestmark = pytest.mark.skipif(check.compiler() is None, reason="g++ is not installed")


def errors(outcome, path):
    """(line, message) of each error g++ or the lint reported in `path`."""
    found = []
    for line in outcome.diagnostics.splitlines():
        match = ERROR.match(line)
        if match and Path(match[1]).resolve() == path.resolve():
            found.append((int(match[2]), match[4]))
    return found


def test_the_ea_passes():
    outcome = check.check(check.EA)
    assert outcome.ok, outcome.diagnostics
    assert outcome.diagnostics == ""


def test_there_are_broken_snippets():
    assert len(BROKEN) >= 15


@pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.stem)
def test_a_broken_snippet_fails_at_its_line(path):
    expected = int(EXPECTED.match(path.read_text().splitlines()[0])[1])
    outcome = check.check(path)
    assert not outcome.ok
    found = errors(outcome, path)
    assert found, outcome.diagnostics
    assert found[0][0] == expected, outcome.diagnostics


def test_lines_survive_the_rewrite():
    """Each file's C++ keeps its lines where they were, so a diagnostic's
    line is the line to open."""
    text, problems = mql2cpp.program(check.EA)
    assert problems == []
    current, number, lines = None, 0, {}
    for line in text.splitlines():
        directive = re.match(r'#line (\d+) "(.+)"', line)
        if directive:
            current, number = Path(directive[2]), int(directive[1])
            continue
        if current is not None and current.suffix in (".mq5", ".mqh"):
            lines.setdefault(current, {})[number] = line
            number += 1
    for path, rewritten in lines.items():
        source = path.read_text().splitlines()
        for number, line in rewritten.items():
            words = re.findall(r"[A-Za-z_]\w{3,}", source[number - 1])
            kept = [w for w in words if w not in ("input", "sinput", "property")]
            assert all(w in line for w in kept), (path.name, number, line)


def declared_builtins():
    """Names of the functions mql5.hpp and its parts declare for the EA
    (capitalised, as MQL5's are; the header's own helpers are lower case)."""
    header = header_text()
    names = re.findall(
        r"^(?:\[\[nodiscard\]\] )?[\w<>&:, ]+?\b([A-Z]\w+)\(", header, re.M
    )
    return sorted(set(names) - {"MqlArray"})


def header_text():
    return "\n".join(path.read_text() for path in mql2cpp.HEADERS)


def test_the_header_parts_are_all_read():
    names = {path.name for path in mql2cpp.HEADERS}
    assert {"mql5.hpp", "mql5_functions.hpp"} <= names
    assert all(f'#include "{n}"' in header_text() for n in names - {"mql5.hpp"})


def test_each_builtin_names_its_reference():
    header = header_text()
    pages = re.findall(r"// https://www\.mql5\.com/en/docs/\S+", header)
    declared = declared_builtins()
    assert len(declared) > 60
    missing = [n for n in declared if not any(n.lower() in page for page in pages)]
    assert missing == []


def test_the_header_declares_only_what_the_ea_uses():
    sources = [check.EA, *sorted(check.EA.parent.glob("*.mqh"))]
    code = " ".join(mql2cpp.blank(p.read_text()) for p in sources)
    handlers = {"OnInit", "OnDeinit", "OnTimer"}
    unused = [
        n for n in declared_builtins() if n not in handlers and n + "(" not in code
    ]
    assert unused == []
