"""Placeholders and format strings in UI text: what a program fills in at run time.

A translation must keep every placeholder of its source, or the program that formats it
raises (`KeyError` for a renamed `%(name)s` or `{name}`), prints garbage, or crashes (`%d`
given a string in C). `placeholders_in(text, syntaxes)` finds them with their offsets;
`Placeholder.key` is what identifies one across languages (a name, or an argument number).

Syntaxes (as `msgfmt --check-format`, Weblate and pofilter know them):

| syntax | examples | identity |
| --- | --- | --- |
| `printf` | `%s` `%d` `%-5.2f` `%1$s` `%@` `%lld` | argument number (the i-th unnumbered one is i) and conversion |
| `python` | `%(name)s` `%(count)05d`, and `printf` read by Python's rules | name (or number) and conversion |
| `javascript` | `%s` `%1$s` `%(name)s` | as `python`, with argument numbers |
| `brace` | `{}` `{0}` `{name}` `{name!r:>10}` `{0:N2}`, ICU `{n, plural, one {…} other {…}}` | field name or number |
| `double-brace` | `{{name}}` `{{ name|upper }}` (Mustache, Angular, Jinja, i18next) | name |
| `dollar-brace` | `${name}` (JavaScript templates, Java EL, shell) | name |
| `qt` | `%1` `%L2` (Qt, KDE) | number |
| `qt-plural` | `%n` `%Ln` (Qt's plural count, with `qt`) | `n` |

Which syntax applies: a PO entry's flags (`c-format`, `python-format`, `python-brace-format`,
`qt-format`, ... and their `no-*-format`) decide (`syntaxes_of_flags`); elsewhere
`detect_syntaxes` looks at the source conservatively: `50% off` is not a `% o` conversion, a
syntax counts only where the source has an unambiguous instance of it.

ICU MessageFormat: argument names are compared like brace fields; `plural`/`select` keywords
and the selectors of their branches (`one`, `other`, `=0`, or a `select`'s keys) must stay as
in the source (`message_format_problems`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

SYNTAXES = ("printf", "python", "javascript", "brace", "double-brace", "dollar-brace", "qt", "qt-plural")
# Syntaxes of `%` conversions; each reads them by its language's rules (see `_conversion_class`).
PERCENT_SYNTAXES = frozenset({"printf", "python", "javascript"})

# gettext format flags -> the syntaxes they declare (see the GNU gettext manual, "Format strings").
FLAG_SYNTAXES: dict[str, tuple[str, ...]] = {
    "c-format": ("printf",),
    "objc-format": ("printf",),
    "php-format": ("printf",),
    "awk-format": ("printf",),
    "gcc-internal-format": ("printf",),
    "javascript-format": ("javascript",),  # %s, %1$s and %(name)s
    "python-format": ("python",),
    "python-brace-format": ("brace",),
    "csharp-format": ("brace",),
    "java-format": ("brace",),  # java.text.MessageFormat: {0}, {0,number}
    "java-printf-format": ("printf",),
    "perl-brace-format": ("brace",),
    "qt-format": ("qt",),
    "kde-format": ("qt",),
    "qt-plural-format": ("qt", "qt-plural"),
    "sh-format": ("dollar-brace",),
}
# Conversions that take the same argument, as `msgfmt --check-format` compares them (GNU gettext,
# format-c.c and format-python.c): C tells signed (d i) from unsigned (u o x X) integers and
# compares the size (h, l, ll, j, z, t, L); Python's % takes any integer for d i u o x X and
# any object for s r a, and ignores a length modifier.
_C_CLASSES = {**dict.fromkeys("di", "int"), **dict.fromkeys("uoxX", "uint"), **dict.fromkeys("eEfFgGaA", "float")}
_PYTHON_CLASSES = {**dict.fromkeys("diuoxX", "int"), **dict.fromkeys("eEfFgG", "float"), **dict.fromkeys("sra", "s")}
_PYTHON_LENGTHS = ("", "h", "l", "L")  # accepted and ignored by Python's %
# Length modifiers that mean the same size; `l` before a float conversion means nothing.
_C_LENGTHS = {"q": "ll", "I64": "ll", "I32": ""}
_PRINTF = re.compile(
    r"%(?:(?P<number>[1-9]\d*)\$)?(?P<flags>[-+ #0'I]*)(?P<width>\*|\d+)?(?:\.(?P<precision>\*|\d*))?"
    r"(?P<length>hh|h|ll|l|L|q|j|z|t|I64|I32)?(?P<conversion>[diouxXeEfFgGaAcsprn@SC])"
)
# The same without the space flag and `n`/`p`/`a`: in undeclared text "50% off" is no conversion.
_PRINTF_CONSERVATIVE = re.compile(
    r"%(?:(?P<number>[1-9]\d*)\$)?(?P<flags>[-+#0]*)(?P<width>\d+)?(?:\.(?P<precision>\d+))?"
    r"(?P<length>hh|h|ll|l|L|z)?(?P<conversion>[diuxXeEfFgGcsr@])(?![A-Za-z])"
)
_PYTHON_NAMED = re.compile(
    r"%\((?P<name>[^()]*)\)(?P<flags>[-+ #0]*)(?P<width>\*|\d+)?(?:\.(?P<precision>\*|\d*))?"
    r"(?P<length>[hlL])?(?P<conversion>[diouxXeEfFgGcrsa])"
)
_DOUBLE_BRACE = re.compile(r"\{\{\s*(?P<name>[^{}|\s]+)[^{}]*\}\}")
_DOLLAR_BRACE = re.compile(r"\$\{\s*(?P<name>[^{}\s]+?)\s*\}")
_QT = re.compile(r"(?<![%\d])%L?(?P<number>[1-9]\d?)(?!\d)")
_QT_COUNT = re.compile(r"%L?n")
# A brace field's name: `name`, `0`, `name.attr`, `name[0]`, or empty (auto-numbered).
_FIELD = re.compile(r"(?P<name>[^\W\d]\w*|\d+)?(?P<rest>(?:\.\w+|\[[^\]]*\])*)(?:!(?P<conversion>[rsa]))?"
                    r"(?::(?P<spec>[^{}]*))?")
_ICU_ARGUMENT = re.compile(r"\s*(?P<name>[^\W\d][\w-]*|\d+)\s*(?:,\s*(?P<type>\w+)\s*)?(?P<more>,)?")
_ICU_OFFSET = re.compile(r"\s*offset:\s*\d+")
_ICU_SELECTOR = re.compile(r"\s*(=?[^\s{}]+)\s*")
ICU_PLURAL_TYPES = frozenset({"plural", "selectordinal"})
PLURAL_CATEGORIES = frozenset({"zero", "one", "two", "few", "many", "other"})


@dataclass(frozen=True)
class Placeholder:
    """One placeholder: where it stands, its syntax, and `key`, its identity across languages."""

    text: str
    start: int
    end: int
    syntax: str
    key: str
    conversion: str = ""  # printf/python: the conversion class ("int", "s", "f", ...)
    numbered: bool = True  # False for unnumbered printf and `{}`: identified by position

    @property
    def identity(self) -> tuple[str, str, str]:
        return (_family(self.syntax), self.key, self.conversion)


@dataclass(frozen=True)
class MessageFormatProblem:
    """An ICU keyword or selector of the target that the source does not allow."""

    start: int
    end: int
    message: str
    suggestions: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Branch:
    """One branch of an ICU plural/select argument: its selector and its sub-message."""

    selector: str
    start: int  # of the selector
    end: int
    body_start: int  # of the sub-message, braces excluded
    body_end: int


@dataclass
class _IcuArgument:
    name: str
    kind: str  # the type keyword: plural, select, number, ...
    keyword_span: tuple[int, int]
    branches: list[_Branch] = field(default_factory=list)


def _family(syntax: str) -> str:
    # %(name)s and %s are one family (python-format strings may mix them with printf's);
    # {name} of Python, ICU, .NET and Java are one.
    return "percent" if syntax in PERCENT_SYNTAXES else syntax


def _conversion_class(conversion: str, length: str | None = None, rules: str = "python",
                      numbered: bool = False) -> str:
    """What argument a conversion takes (`%lu` -> "uint/l"): conversions with the same class are
    interchangeable. `rules`: "printf" (C: size and signedness count), "python" (no argument
    numbers, one-letter length modifiers only: `%1$s`, `%lld` are "invalid") or "javascript"
    (argument numbers, no length modifiers, no `u`)."""
    if rules == "javascript":
        return "invalid" if length or conversion == "u" else _PYTHON_CLASSES.get(conversion, conversion)
    if rules == "python":
        if numbered or (length or "") not in _PYTHON_LENGTHS:
            return "invalid"
        return _PYTHON_CLASSES.get(conversion, conversion)
    base = _C_CLASSES.get(conversion, conversion.lower())
    size = "l" if conversion in "SC" else _C_LENGTHS.get(length or "", length or "")  # %S is %ls
    if base == "float" and size == "l":
        size = ""
    elif base in ("int", "uint") and size == "L":
        size = "ll"  # glibc reads %Ld as %lld
    return f"{base}/{size}" if size else base


def syntaxes_of_flags(flags: Iterable[str]) -> tuple[frozenset[str], frozenset[str]]:
    """(declared syntaxes, syntaxes ruled out) from a PO entry's flags."""
    declared: set[str] = set()
    excluded: set[str] = set()
    for flag in flags:
        flag = flag.strip()
        if flag.startswith("no-") and flag[3:] in FLAG_SYNTAXES:
            excluded.update(FLAG_SYNTAXES[flag[3:]])
        elif flag in FLAG_SYNTAXES:
            declared.update(FLAG_SYNTAXES[flag])
    return frozenset(declared), frozenset(excluded)


def detect_syntaxes(source: str, excluded: Iterable[str] = ()) -> frozenset[str]:
    """Syntaxes the source has an unambiguous instance of (for text without format flags).

    Python's `%(name)s`, `{{name}}`, `${name}` and identifier-like `{name}` / `{0}` are
    unambiguous; printf counts when a conversion such as `%s`, `%d`, `%1$s` or `%@` stands
    alone (not `50% off`); Qt's `%1` when no printf conversion is there.
    """
    excluded = set(excluded)
    found = set()
    if _PYTHON_NAMED.search(source):
        found.add("python")
    if _PRINTF_CONSERVATIVE.search(_PYTHON_NAMED.sub("", source)):
        found.add("printf")
    if _DOUBLE_BRACE.search(source):
        found.add("double-brace")
    if _DOLLAR_BRACE.search(source):
        found.add("dollar-brace")
    rest = _DOLLAR_BRACE.sub("", _DOUBLE_BRACE.sub("", source))
    if any(p.syntax == "brace" for p in _brace_fields(rest)):
        found.add("brace")
    if not found & {"printf", "python"} and _QT.search(source):
        found.add("qt")
    return frozenset(found - excluded)


def placeholders_in(text: str, syntaxes: Iterable[str], conservative: bool = False) -> list[Placeholder]:
    """The placeholders of `syntaxes` in `text`, in order of position. `%%` and (brace syntax)
    `{{`/`}}` are escapes, not placeholders. `conservative`: read printf as in undeclared
    text (`detect_syntaxes`)."""
    syntaxes = set(syntaxes)
    found: list[Placeholder] = []
    taken = bytearray(len(text))  # characters already part of a placeholder (or an escape)

    def free(start: int, end: int) -> bool:
        return not any(taken[start:end])

    def add(placeholder: Placeholder) -> None:
        found.append(placeholder)
        taken[placeholder.start:placeholder.end] = b"\x01" * (placeholder.end - placeholder.start)

    if "double-brace" in syntaxes:
        for m in _DOUBLE_BRACE.finditer(text):
            add(Placeholder(m.group(), m.start(), m.end(), "double-brace", m["name"]))
    if "dollar-brace" in syntaxes:
        for m in _DOLLAR_BRACE.finditer(text):
            if free(m.start(), m.end()):
                add(Placeholder(m.group(), m.start(), m.end(), "dollar-brace", m["name"]))
    if "brace" in syntaxes:  # an ICU argument's span holds the fields of its sub-messages
        for placeholder in [p for p in _brace_fields(text) if free(p.start, p.end)]:
            add(placeholder)
    if syntaxes & (PERCENT_SYNTAXES | {"qt", "qt-plural"}):
        for m in re.finditer("%%", text):  # the escaped percent sign
            if free(m.start(), m.end()):
                taken[m.start():m.end()] = b"\x01\x01"
    if syntaxes & {"python", "javascript"}:
        for m in _PYTHON_NAMED.finditer(text):
            if free(m.start(), m.end()):
                add(Placeholder(m.group(), m.start(), m.end(), "python", m["name"],
                                _conversion_class(m["conversion"])))
    if syntaxes & PERCENT_SYNTAXES:
        pattern = _PRINTF_CONSERVATIVE if conservative else _PRINTF
        # in a python-format string %d and %s are Python's, in a javascript-format one JavaScript's
        rules = "printf" if "printf" in syntaxes else "javascript" if "javascript" in syntaxes else "python"
        position = 0
        for m in pattern.finditer(text):
            if not free(m.start(), m.end()):
                continue
            if m["number"]:
                key, numbered = m["number"], True
            else:
                # a `*` width or precision takes an argument of its own, before the value's
                position += 1 + (m["width"] == "*") + (m["precision"] == "*")
                key, numbered = str(position), False
            add(Placeholder(m.group(), m.start(), m.end(), "printf", key,
                            _conversion_class(m["conversion"], m["length"], rules, numbered), numbered))
    if "qt" in syntaxes:
        for m in _QT.finditer(text):
            if free(m.start(), m.end()):
                add(Placeholder(m.group(), m.start(), m.end(), "qt", m["number"]))
    if "qt-plural" in syntaxes:
        for m in _QT_COUNT.finditer(text):
            if free(m.start(), m.end()):
                add(Placeholder(m.group(), m.start(), m.end(), "qt", "n"))
    return sorted(found, key=lambda p: p.start)


def _matching_brace(text: str, start: int) -> int | None:
    """Index of the `}` closing the `{` at `start`, or None."""
    depth = 0
    for position in range(start, len(text)):
        char = text[position]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return position
    return None


def _brace_groups(text: str, offset: int = 0) -> Iterator[tuple[int, int, str, _IcuArgument | None]]:
    """(start, end, inner text, ICU argument or None) of each `{...}` group of `text` and of the
    groups in the branches of ICU arguments, in order, offsets shifted by `offset`; `{{` is an
    escaped brace (Python, .NET)."""
    position = 0
    while True:
        start = text.find("{", position)
        if start < 0:
            return
        if text.startswith("{{", start):
            position = start + 2
            continue
        end = _matching_brace(text, start)
        if end is None:
            return
        inner = text[start + 1:end]
        argument = _icu_argument(inner)
        yield offset + start, offset + end + 1, inner, argument
        for branch in argument.branches if argument is not None else ():
            yield from _brace_groups(inner[branch.body_start:branch.body_end], offset + start + 1 + branch.body_start)
        position = end + 1


def _brace_fields(text: str) -> list[Placeholder]:
    """`{...}` fields of Python/.NET/Java format strings and ICU arguments (with the fields
    inside an ICU argument's sub-messages)."""
    found = []
    auto = 0
    for start, end, inner, argument in _brace_groups(text):
        if argument is not None:
            found.append(Placeholder(text[start:end], start, end, "brace", argument.name))
            continue
        simple = _FIELD.fullmatch(inner)
        if simple is None or "{" in inner:
            continue
        if simple["name"] is None:
            key, numbered = str(auto), False
            auto += 1
        else:
            key, numbered = simple["name"], True
        found.append(Placeholder(text[start:end], start, end, "brace", key, numbered=numbered))
    return found


def _icu_argument(inner: str) -> _IcuArgument | None:
    """An ICU argument's name, type and (for plural/select) branches, offsets relative to
    `inner` (the text between the argument's braces); None for a simple field."""
    m = _ICU_ARGUMENT.match(inner)
    if m is None or not m["type"]:
        return None
    argument = _IcuArgument(m["name"], m["type"], (m.start("type"), m.end("type")))
    if m["type"] in ICU_PLURAL_TYPES | {"select"} and m["more"]:
        position = m.end()
        offset_option = _ICU_OFFSET.match(inner, position)
        if offset_option:
            position = offset_option.end()
        while position < len(inner):
            s = _ICU_SELECTOR.match(inner, position)
            if s is None or s.end() >= len(inner) or inner[s.end()] != "{":
                break
            close = _matching_brace(inner, s.end())
            if close is None:
                break
            argument.branches.append(_Branch(s.group(1), s.start(1), s.end(1), s.end() + 1, close))
            position = close + 1
    return argument


def _icu_arguments(text: str) -> list[tuple[_IcuArgument, int]]:
    """Every ICU argument of `text` (nested ones included), with the offset of the text
    between its braces."""
    return [(argument, start + 1) for start, _, _, argument in _brace_groups(text) if argument is not None]


def message_format_problems(target: str, source: str) -> list[MessageFormatProblem]:
    """ICU keywords (`plural`, `select`, ...) and branch selectors of the target that its
    source does not allow: a translated keyword, a plural selector that is no CLDR category
    nor `=N`, a `select` key the source does not have, a branch without `other`."""
    expected: dict[str, _IcuArgument] = {}
    for argument, _ in _icu_arguments(source):
        expected.setdefault(argument.name, argument)
    problems = []
    for argument, offset in _icu_arguments(target):
        reference = expected.get(argument.name)
        if reference is None:
            continue  # an argument the source lacks is reported as an added placeholder
        if argument.kind != reference.kind:
            start, end = argument.keyword_span
            problems.append(MessageFormatProblem(offset + start, offset + end,
                                                 f"ICU keyword {argument.kind!r} of argument {argument.name!r} "
                                                 f"differs from the source's {reference.kind!r}: keywords are not "
                                                 "translated", (reference.kind,)))
            continue
        allowed = {branch.selector for branch in reference.branches}
        for branch in argument.branches:
            name, start, end = branch.selector, branch.start, branch.end
            if argument.kind in ICU_PLURAL_TYPES:
                valid = name in PLURAL_CATEGORIES or re.fullmatch(r"=\d+", name) is not None
                why = "is no plural category (zero, one, two, few, many, other) nor =N"
            else:
                valid = name in allowed or name == "other"
                why = f"is not one of the source's keys ({', '.join(sorted(allowed))})"
            if not valid:
                problems.append(MessageFormatProblem(offset + start, offset + end,
                                                     f"selector {name!r} of {argument.name!r} {why}: selectors "
                                                     "are not translated"))
        if argument.branches and "other" not in {branch.selector for branch in argument.branches}:
            start, end = argument.keyword_span
            problems.append(MessageFormatProblem(offset + start, offset + end,
                                                 f"{argument.kind} argument {argument.name!r} has no 'other' branch"))
    return problems


def is_valid_format(text: str, syntaxes: Iterable[str]) -> bool:
    """Whether every `%` of `text` is a conversion of its `%` syntax, or `%%`. msgfmt compares a
    msgstr only with a msgid that is a valid format string (a strftime pattern `%b %d, %Y`
    flagged python-format is not one)."""
    syntaxes = set(syntaxes)
    if not syntaxes & PERCENT_SYNTAXES:
        return True
    return not stray_percents(text, syntaxes, [text]) and all(
        p.conversion != "invalid" for p in placeholders_in(text, syntaxes))


def stray_percents(text: str, syntaxes: Iterable[str], sources: Iterable[str] = (),
                   conservative: bool = False) -> list[int]:
    """Offsets of the `%` signs of `text` that a `%` syntax reads as no conversion of the
    sources': a lone `%` ("50 %" at the end, "% terminé", `%` before a letter that is no
    conversion) or a `% x` conversion made by a space after the sign that no source has
    ("100 % fertig" reads `% f`). Such a sign is written `%%`."""
    syntaxes = set(syntaxes)
    if not syntaxes & PERCENT_SYNTAXES:
        return []
    known = {p.text for source in sources for p in placeholders_in(source, syntaxes, conservative)}
    starts = {p.start: p for p in placeholders_in(text, syntaxes, conservative)}
    stray = []
    position = 0
    while (position := text.find("%", position)) >= 0:
        if text.startswith("%%", position) and position not in starts:
            position += 2
            continue
        placeholder = starts.get(position)
        if placeholder is None or placeholder.text[1:2] == " " and placeholder.text not in known:
            stray.append(position)
        position += len(placeholder.text) if placeholder else 1
    return stray


def argument_style(placeholder: Placeholder) -> str:
    """How a `%` placeholder refers to its argument: "named", "numbered" or "unnumbered"."""
    return "named" if placeholder.syntax == "python" else "numbered" if placeholder.numbered else "unnumbered"


def mixed_arguments(source: Sequence[Placeholder], target: Sequence[Placeholder]) -> list[Placeholder]:
    """`%` placeholders of the target that refer to their argument in another way than the
    source's all do, where the target mixes ways: numbered `%1$s` beside unnumbered `%s`
    (msgfmt rejects the string, C's printf is undefined) or named `%(name)s` beside unnamed
    `%s` (Python raises TypeError). Empty where the target refers to all one way, or the
    source itself mixes."""
    percent = [p for p in target if p.syntax in PERCENT_SYNTAXES]
    source_styles = {argument_style(p) for p in source if p.syntax in PERCENT_SYNTAXES}
    if len(source_styles) != 1 or len({argument_style(p) for p in percent}) < 2:
        return []
    return [p for p in percent if argument_style(p) not in source_styles]


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each part of a java.text.MessageFormat pattern that is printed as it
    stands, apostrophes included: from a lone apostrophe to the next one, or to the end of
    the text. `''` is an apostrophe, inside quotes or out (see the MessageFormat Javadoc)."""
    spans: list[tuple[int, int]] = []
    start: int | None = None
    position = 0
    while position < len(text):
        if text.startswith("''", position):
            position += 2
            continue
        if text[position] == "'":
            if start is None:
                start = position
            else:
                spans.append((start, position + 1))
                start = None
        position += 1
    if start is not None:
        spans.append((start, len(text)))
    return spans


@dataclass(frozen=True)
class PlaceholderDifferences:
    """How the target's placeholders differ from the source's (see `compare`)."""

    missing: list[Placeholder]  # of the source
    added: list[Placeholder]  # of the target
    renamed: list[tuple[Placeholder, Placeholder]]  # (source's, target's)
    reordered: list[Placeholder]  # of the target: unnumbered, in another order of conversions
    # Of the source: unnumbered ones missing before an argument the target kept, which now
    # receives the missing one's value (`%s has %d files` -> `%d Dateien`).
    shifted: list[Placeholder] = field(default_factory=list)


# java.text.MessageFormat format types by what msgfmt --check-format tells apart (GNU gettext,
# format-java): {0} takes any object, number and choice a number, date and time a date.
JAVA_FORMAT_TYPES = {"": "object", "number": "number", "choice": "number", "date": "date", "time": "date"}


def java_argument_types(placeholders: Iterable[Placeholder]) -> dict[str, str]:
    """The format type of each argument of a java-format string's brace placeholders: the
    first one given other than `object` ({0} beside {0,number} is a number); an argument with
    a type MessageFormat does not know is left out."""
    types: dict[str, str] = {}
    for placeholder in placeholders:
        if placeholder.syntax != "brace":
            continue
        written = placeholder.text[1:-1].split(",", 2)
        kind = JAVA_FORMAT_TYPES.get(written[1].strip() if len(written) > 1 else "")
        if kind is None:
            types[placeholder.key] = "unknown"
        elif types.get(placeholder.key, "object") == "object":
            types[placeholder.key] = kind
    return {key: kind for key, kind in types.items() if kind != "unknown"}


def compare(source: Sequence[Placeholder], target: Sequence[Placeholder],
            allowed: Sequence[Placeholder] = (), lenient: bool = False) -> PlaceholderDifferences:
    """Placeholders of the source missing from the target, added to it, renamed (a missing and
    an added one of the same syntax, paired in order) and unnumbered ones reordered.

    Named placeholders may repeat or move; unnumbered printf arguments are taken in order, so
    `%s ... %d` -> `%d ... %s` passes the arguments to the wrong conversions. `allowed`:
    further placeholders the target may use (a PO plural form may use its msgid's and its
    msgid_plural's); `lenient`: missing ones are not reported (a plural form used for few
    counts, which may spell the number out).
    """
    reordered: list[Placeholder] = []
    source_order = [p.conversion for p in source if p.syntax == "printf" and not p.numbered]
    target_unnumbered = [p for p in target if p.syntax == "printf" and not p.numbered]
    if (len(source_order) == len(target_unnumbered) > 1 and source_order != [p.conversion for p in target_unnumbered]
            and sorted(source_order) == sorted(p.conversion for p in target_unnumbered)):
        # The same conversions in another order: reported as that, not as renamings.
        reordered = target_unnumbered
        source = [p for p in source if p.syntax != "printf" or p.numbered]
        target = [p for p in target if p.syntax != "printf" or p.numbered]
    # Even where a form may spell the count out (`lenient`), a dropped argument moves the rest.
    shifted = [] if reordered else _shifted(source, target_unnumbered)
    if shifted:  # reported as that, not as the kept arguments renamed
        source = [p for p in source if p.syntax != "printf" or p.numbered]
        target = [p for p in target if p.syntax != "printf" or p.numbered]
    expected = {p.identity for p in source}
    permitted = expected | {p.identity for p in allowed}
    present = {p.identity for p in target}
    missing_identities = [] if lenient else [i for i in dict.fromkeys(p.identity for p in source) if i not in present]
    missing = [next(p for p in source if p.identity == identity) for identity in missing_identities]
    added = [p for p in target if p.identity not in permitted]
    renamed = []
    for old in list(missing):
        partner = next((new for new in added if _family(new.syntax) == _family(old.syntax)), None)
        if partner is not None:
            renamed.append((old, partner))
            missing.remove(old)
            added.remove(partner)
    return PlaceholderDifferences(missing, added, renamed, reordered, shifted)


def _shifted(source: Sequence[Placeholder], target_unnumbered: list[Placeholder]) -> list[Placeholder]:
    """Unnumbered printf placeholders of the source that the target dropped before one it kept,
    where the target's conversions are the source's with some left out (matched leftmost)."""
    source_unnumbered = [p for p in source if p.syntax == "printf" and not p.numbered]
    if not target_unnumbered or len(target_unnumbered) >= len(source_unnumbered):
        return []
    kept: list[int] = []
    position = 0
    for placeholder in target_unnumbered:
        while position < len(source_unnumbered) and source_unnumbered[position].conversion != placeholder.conversion:
            position += 1
        if position == len(source_unnumbered):
            return []
        kept.append(position)
        position += 1
    dropped = [i for i in range(len(source_unnumbered)) if i not in kept]
    return [source_unnumbered[i] for i in dropped] if dropped[0] < kept[-1] else []
