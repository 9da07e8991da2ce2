"""Whoever clones the repository can follow every reference in it.

Every file git tracks is read as text (binary files are passed over), and
each line is checked for two things:

- nothing points outside the repository: not the folder of notes the
  project was started from nor the machine's work folder (OUTSIDE; they are
  not part of it, docs/ says what the code relies on);
- every Markdown document it cites exists, with the section it names.

A citation is a name ending in `.md`, with or without folders
(`ea/PROTOCOL.md`, `docs/mt5.md`, `PROTOCOL.md`), not part of a URL,
optionally followed by one space and a section: `§4`, `section 4`, a bare
`4` or `3.1`, or a range `§4-§8` / `4-8`, whose two ends are both checked.

A name resolves against the citing file's folder, then each folder above
it up to the repository root, then `docs/`; the first file git tracks
there is the one cited. So `PROTOCOL.md` in ea/vectors/*.json is
ea/PROTOCOL.md, `README.md` in ea/linux/ is ea/README.md, and a bare
`deploy.md` is docs/deploy.md. A section resolves when that file has a
Markdown heading that starts with the number: `## 4. Order filling modes`
is §4, `### 3.1 Names` would be 3.1.

This file alone is not checked: it has to spell out what it forbids.
"""

import functools
import posixpath
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ME = Path(__file__).resolve().relative_to(ROOT).as_posix()
# Spelled in parts, so that this file itself names no outside path.
SHARED, NOTES, WORK = "../" + "shared", "shared/" + "reference", "/" + "work/"
OUTSIDE = (SHARED, WORK, NOTES)
DOCS = "docs"

SECTION = r"\d+(?:\.\d+)*"
CITATION = re.compile(
    r"(?<![\w/.:-])(?P<name>(?:[\w.-]+/)*[\w-][\w.-]*\.md)(?![\w/])"
    rf"(?: (?:§ ?|section )?(?P<first>{SECTION})(?:[-\u2013]§?(?P<last>{SECTION}))?)?"
)
HEADING = re.compile(rf"^#+[ \t]+({SECTION})\.?[ \t]", re.MULTILINE)


def tracked_files():
    try:
        listing = subprocess.run(
            ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    return frozenset(listing.decode().split("\0")) - {""}


def read_text(path):
    """The file's text, or None for a binary or vanished one."""
    try:
        raw = (ROOT / path).read_bytes()
    except (FileNotFoundError, IsADirectoryError):
        return None
    if b"\0" in raw:
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


@functools.cache
def sections(document):
    return frozenset(HEADING.findall(read_text(document) or ""))


def resolve(citing, name, tracked):
    """The tracked file `name` means when `citing` names it, or None."""
    folder = posixpath.dirname(citing)
    bases = [folder]
    while folder:
        folder = posixpath.dirname(folder)
        bases.append(folder)
    for base in [*bases, DOCS]:
        candidate = posixpath.normpath(posixpath.join(base, name))
        if candidate in tracked:
            return candidate
    return None


def problems_in(path, text, tracked):
    """One "path:line: what is wrong" per broken reference in `text`."""
    problems = []
    for number, line in enumerate(text.split("\n"), start=1):
        where = f"{path}:{number}"
        problems += [f"{where}: points outside: {o!r}" for o in OUTSIDE if o in line]
        if ".md" in line:  # most lines cite nothing; the regex is the cost
            for cited in CITATION.finditer(line):
                problems += citation_problems(where, path, cited, tracked)
    return problems


def citation_problems(where, path, cited, tracked):
    name = cited["name"]
    document = resolve(path, name, tracked)
    if document is None:
        return [f"{where}: no such document: {name}"]
    wanted = [s for s in (cited["first"], cited["last"]) if s]
    return [
        f"{where}: {document} has no section {section}"
        for section in wanted
        if section not in sections(document)
    ]


def test_every_reference_resolves_inside_the_repository():
    tracked = tracked_files()
    problems = []
    for path in sorted(tracked - {ME}):
        text = read_text(path)
        if text is not None:
            problems += problems_in(path, text, tracked)
    assert not problems, "\n".join(problems)


# The checker's own cases: made-up lines in a made-up file, against the
# repository's real documents.
def check(text, path="ea/vectors/x.json"):
    return problems_in(path, text, tracked_files() | {path})


def test_it_accepts_the_documents_and_sections_the_repository_cites():
    assert check('"PROTOCOL.md 3 (what each action does)", "docs/mt5.md 9"') == []
    assert check("see ea/PROTOCOL.md §7, docs/mt5.md §4-§8, README.md") == []
    assert check("(ea/PROTOCOL.md section 5), mt5.md §13") == []


def test_it_names_file_and_line_of_a_path_outside_the_repository():
    outside = f"{SHARED}/reference/performance.md"
    assert check(f"one\nContext: {outside}") == [
        f"ea/vectors/x.json:2: points outside: '{SHARED}'",
        f"ea/vectors/x.json:2: points outside: '{NOTES}'",
        f"ea/vectors/x.json:2: no such document: {outside}",
    ]
    assert check(f"encodes {WORK}x") == [
        f"ea/vectors/x.json:1: points outside: '{WORK}'"
    ]


def test_it_refuses_a_document_that_does_not_exist():
    notes = "mql5" + ".md"  # the name of a note outside, never a document here
    assert check(f"{notes} 5.4") == [f"ea/vectors/x.json:1: no such document: {notes}"]
    assert check("see docs/PROTOCOL.md", path="ea/x.py") == [
        "ea/x.py:1: no such document: docs/PROTOCOL.md"
    ]


def test_it_refuses_a_section_the_document_lacks():
    assert check("PROTOCOL.md 3.6") == [
        "ea/vectors/x.json:1: ea/PROTOCOL.md has no section 3.6"
    ]
    assert check("docs/mt5.md §4-§99") == [
        "ea/vectors/x.json:1: docs/mt5.md has no section 99"
    ]


def test_a_bare_name_resolves_upwards_from_the_citing_folder_then_in_docs():
    tracked = tracked_files()
    assert resolve("ea/vectors/001.json", "PROTOCOL.md", tracked) == "ea/PROTOCOL.md"
    assert resolve("ea/linux/check.py", "README.md", tracked) == "ea/README.md"
    assert resolve("signals/tests/x.py", "deploy.md", tracked) == "docs/deploy.md"
    assert resolve("mt5bot/handlers.py", "PROTOCOL.md", tracked) is None


def test_urls_are_not_citations():
    assert check("https://example.com/docs/nothing.md and http://x/README.md 99") == []
