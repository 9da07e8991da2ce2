"""The commands the README and docs/ tell a person to type work as written:
the environment they run in is said once, before the first of them; each
`python manage.py` line names a real command with options it takes (no
`[OPTIONAL]`, `a|b` or `<NAME>` left for the reader to decode); nothing
sends a person to `createsuperuser` for the login setup makes; and every
"(see X)" names a section the README has."""

import re
import shlex

import pytest
from django.core.management import get_commands, load_command_class

from mt5bot.tests.test_serve import ROOT

DOCS = [
    ROOT / "README.md",
    *sorted((ROOT / "docs").glob("*.md")),
    ROOT / "ea" / "README.md",
]
BLOCK = re.compile(r"^```([a-z]*)\n(.*?)^```", re.DOTALL | re.MULTILINE)
# `python manage.py ...` is how the docs write "any command" itself.
INLINE = re.compile(r"`(python manage\.py (?!\.\.\.)[^`]+)`")
ENV_PREFIX = re.compile(r"\A(?:[A-Z_]+=(?:'[^']*'|\S+) )+")


def blocks(text):
    """Each code block's lines, continuations joined (\\ in a shell, ` in
    PowerShell)."""
    for _, body in BLOCK.findall(text):
        yield from re.sub(r"[\\`]\n\s*", " ", body).splitlines()


def commands():
    """(document, line) of every `python manage.py` a document shows."""
    found = []
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        for line in blocks(text):
            line = ENV_PREFIX.sub("", line.split("  #")[0].strip())
            if line.startswith("python manage.py "):
                found.append((doc.name, line))
        prose = BLOCK.sub("", text).replace("\n", " ")
        found += [(doc.name, re.sub(r"\s+", " ", m)) for m in INLINE.findall(prose)]
    return found


def test_the_docs_show_commands_to_check():
    assert len(commands()) > 40


@pytest.mark.parametrize(("doc", "line"), commands())
def test_each_command_runs_as_written(doc, line):
    words = shlex.split(line)[2:]
    name, args = words[0], words[1:]
    app = get_commands().get(name)
    assert app, f"{doc}: {line!r} names no command"
    parser = load_command_class(app, name).create_parser("manage.py", name)
    try:
        parser.parse_args(args)
    except SystemExit:
        pytest.fail(f"{doc}: {line!r} is not a command line manage.py takes")
    assert not re.search(r"[\[\]|<>]|\.\.\.", line), f"{doc}: {line!r}"


def test_the_readme_says_how_to_activate_the_environment_before_using_it():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    first = re.search(r"python manage\.py [a-z]", text).start()
    assert -1 < text.find("source .venv/bin/activate") < first
    assert -1 < text.find(".venv\\Scripts\\activate") < first


def test_no_page_or_doc_sends_a_person_to_createsuperuser():
    pages = [*DOCS, *(ROOT / "templates").rglob("*.html")]
    said = [p.name for p in pages if "createsuperuser" in p.read_text(encoding="utf-8")]
    assert said == []


def test_every_see_names_a_section_of_the_readme():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    headings = set(re.findall(r"^#+ (.+)$", text, re.MULTILINE))
    seen = re.findall(r"\(see ([A-Z][A-Za-z ]+?)[),]", text.replace("\n", " "))
    assert seen
    assert [name for name in seen if name not in headings] == []
