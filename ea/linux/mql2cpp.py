"""Rewrite an MQL5 program (a .mq5 and the .mqh files it includes) into one
C++17 translation unit against mql5.hpp, keeping every line where it was.

Each file's text keeps its line count and is announced with a `#line`
directive, so a g++ diagnostic names the .mq5/.mqh file and line a developer
opens. The rewrites (docs/mt5.md §13):

- `#property` is commented out; `input`/`sinput` become read-only constants;
- `T a[];` and `T &a[]` become `MqlArray<T>`;
- every string literal becomes `string("...")`, so `"x=" + 5` is an error
  instead of silent pointer arithmetic, and `"a" + "b"` works as in MQL5;
- quoted `#include`s are inlined; `#include <...>` (the standard library)
  and `#import` (DLLs) are refused: the EA uses neither.

C++ accepts things MQL5 does not; `lint` reports those (`->`, `auto`,
`std::`, arrays or structs passed by value, ...) in g++'s format.
"""

import re
from pathlib import Path

HEADER = Path(__file__).resolve().parent / "mql5.hpp"
# mql5.hpp and the parts it includes (types, constants, functions).
HEADERS = sorted(HEADER.parent.glob("mql5*.hpp"))
HANDLERS = ("int OnInit()", "void OnDeinit(const int)", "void OnTimer()")

ARRAY_PARAM = re.compile(r"\b(const\s+)?([A-Za-z_]\w*)\s*&\s*([A-Za-z_]\w*)\s*\[\s*\]")
ARRAY_DECL = re.compile(
    r"^(\s*(?:static\s+)?)([A-Za-z_]\w*)\s+"
    r"([A-Za-z_]\w*\s*\[\s*\](?:\s*,\s*[A-Za-z_]\w*\s*\[\s*\])*)\s*;"
)
INPUT = re.compile(
    r"^(\s*)(sinput|input)\s+([A-Za-z_]\w*)\s+([A-Za-z_]\w*)\s*=\s*(.*?);"
)
INCLUDE = re.compile(r'^\s*#include\s+"([^"]+)"')
FORBIDDEN = [
    (re.compile(r"->"), "'->': MQL5 reaches members with '.' only"),
    (re.compile(r"\bstd::"), "'std::': no C++ standard library in MQL5"),
    (re.compile(r"\bauto\b"), "'auto': MQL5 has no type deduction"),
    (re.compile(r"\bnullptr\b"), "'nullptr': MQL5 writes NULL"),
    (re.compile(r"\bconstexpr\b"), "'constexpr' is not MQL5"),
    (re.compile(r"\bunsigned\b"), "'unsigned': MQL5 spells uint, ulong, ..."),
    (re.compile(r"\blong\s+long\b"), "'long long': MQL5's long is 64 bits"),
    (re.compile(r"\b(?:try|catch|throw)\b"), "exceptions are not MQL5"),
    (re.compile(r"\b\w+_cast\b"), "C++ casts are not MQL5: write (type)value"),
    (re.compile(r"\b(?:namespace|using)\b"), "namespaces are not MQL5"),
    (re.compile(r"^\s*#property\s+strict\b"), "'#property strict' is MQL4 only"),
    (
        re.compile(
            r"\b(?:bool|char|uchar|short|ushort|int|uint|long|ulong|float|double|"
            r"string|datetime|color)\s*\*\s*[A-Za-z_]"
        ),
        "pointers to non-class types are not MQL5",
    ),
]


class MqlError(Exception):
    """Something the rewrite refuses; `diagnostics` are in g++'s format."""

    def __init__(self, diagnostics):
        super().__init__("\n".join(diagnostics))
        self.diagnostics = diagnostics


def blank(text):
    """`text` with comments, string and char literals blanked (newlines
    kept), so patterns match code only."""
    out, i, n = [], 0, len(text)
    while i < n:
        c, pair = text[i], text[i : i + 2]
        if pair in ("//", "/*"):
            end = text.find("\n" if pair == "//" else "*/", i + 2)
            end = n if end < 0 else (end if pair == "//" else end + 2)
        elif c in "\"'":
            end = _literal_end(text, i)
        else:
            out.append(c)
            i += 1
            continue
        out.append(re.sub(r"[^\n]", " ", text[i:end]))
        i = end
    return "".join(out)


def _literal_end(text, start):
    quote, i = text[start], start + 1
    while i < len(text) and text[i] != quote and text[i] != "\n":
        i += 2 if text[i] == "\\" else 1
    return i + 1


def wrap_strings(text):
    """Every string literal in code becomes string("..."); comments, char
    literals and #include/#line lines are left alone."""
    out, i, n = [], 0, len(text)
    while i < n:
        line_start = i == 0 or text[i - 1] == "\n"
        if line_start and re.match(
            r"[ \t]*#(?:include|line|import)\b", text[i : i + 80]
        ):
            end = text.find("\n", i)
            end = n if end < 0 else end
        elif text[i : i + 2] in ("//", "/*"):
            close = "\n" if text[i : i + 2] == "//" else "*/"
            end = text.find(close, i + 2)
            end = n if end < 0 else end + (0 if close == "\n" else 2)
        elif text[i] == "'":
            end = _literal_end(text, i)
        elif text[i] == '"':
            end = _literal_end(text, i)
            out.append(f"string({text[i:end]})")
            i = end
            continue
        else:
            out.append(text[i])
            i += 1
            continue
        out.append(text[i:end])
        i = end
    return "".join(out)


def rewrite_line(line):
    stripped = line.lstrip()
    if stripped.startswith("#property"):
        return "// " + line
    if re.match(r"\s*input\s+group\b", line):
        return ""
    match = INPUT.match(line)
    if match:
        indent, kind, type_, name, value = match.groups()
        static = "static " if kind == "sinput" else ""
        tail = line[match.end() :]
        reader = f'mql5_input<{type_}>("{name}", {value})'
        return f"{indent}{static}const {type_} {name} = {reader};{tail}"
    line = ARRAY_PARAM.sub(lambda m: f"{m[1] or ''}MqlArray<{m[2]}> &{m[3]}", line)
    match = ARRAY_DECL.match(line)
    if match and match[2] not in ("return", "else", "delete"):
        names = re.sub(r"\s*\[\s*\]", "", match[3])
        line = f"{match[1]}MqlArray<{match[2]}> {names};{line[match.end() :]}"
    return line


def lint(path, text, structs):
    """MQL5 rules C++ does not enforce, as g++-style errors."""
    problems = []
    code = blank(text)
    by_value = re.compile(
        r"[(,]\s*(?:const\s+)?("
        + "|".join(sorted(structs))
        + r")\s+[A-Za-z_]\w*\s*[,)=]"
    )
    array_value = re.compile(
        r"[(,]\s*(?:const\s+)?[A-Za-z_]\w*\s+[A-Za-z_]\w*\s*\[\s*\]"
    )
    for number, line in enumerate(code.splitlines(), start=1):
        for pattern, why in FORBIDDEN:
            if pattern.search(line):
                problems.append(f"{path}:{number}:1: error: {why}")
        if structs and by_value.search(line):
            problems.append(
                f"{path}:{number}:1: error: structures are passed by reference in MQL5"
            )
        if array_value.search(line):
            problems.append(
                f"{path}:{number}:1: error: arrays are passed by reference in MQL5"
            )
    return problems


def _source_lines(path, seen):
    path = Path(path).resolve()
    if path in seen:
        raise MqlError([f"{path}:1:1: error: {path.name} is included twice"])
    seen.add(path)
    return path, path.read_text(encoding="utf-8-sig")


def translate(path, seen=None, structs=None):
    """(C++ text, lint problems) for `path` and what it includes."""
    seen = set() if seen is None else seen
    structs = set() if structs is None else structs
    path, text = _source_lines(path, seen)
    code = blank(text)
    structs.update(re.findall(r"\bstruct\s+([A-Za-z_]\w*)", code))
    structs.update(("MqlTradeRequest", "MqlTradeResult", "MqlTick"))
    out, problems = [f'#line 1 "{path}"'], []
    for number, (line, blanked) in enumerate(
        zip(text.splitlines(), code.splitlines(), strict=True), start=1
    ):
        problems += _refused(path, number, blanked, line)
        include = INCLUDE.match(line)
        if include and blanked.strip().startswith("#include"):
            inner, more = translate(path.parent / include[1], seen, structs)
            out += [inner, f'#line {number + 1} "{path}"']
            problems += more
            continue
        out.append(rewrite_line(line))
    problems += lint(path, text, structs)
    return "\n".join(out), problems


def _refused(path, number, blanked, line):
    stripped = blanked.strip()
    if stripped.startswith("#import"):
        return [
            f"{path}:{number}:1: error: #import (DLLs and libraries) is not allowed"
        ]
    if stripped.startswith("#include") and "<" in line:
        return [
            f"{path}:{number}:1: error: #include <...>: the EA uses no standard library"
        ]
    return []


def program(path):
    """The translation unit for the program `path`: header, sources, and a
    footer that fails when an event handler has the wrong signature."""
    body, problems = translate(path)
    footer = [
        '#line 1 "<mql5 event handlers>"',
        "[[maybe_unused]] static int (*const mql5_on_init)() = &OnInit;",
        "[[maybe_unused]] static void (*const mql5_on_deinit)(const int) = &OnDeinit;",
        "[[maybe_unused]] static void (*const mql5_on_timer)() = &OnTimer;",
    ]
    text = "\n".join([f'#include "{HEADER}"', wrap_strings(body), *footer]) + "\n"
    return text, problems
