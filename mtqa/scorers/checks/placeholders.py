"""Placeholders and format strings that the target dropped, invented, renamed or reordered.

The syntax comes from a PO entry's format flags (`c-format`, `python-format`,
`python-brace-format`, `no-*-format`, ...); elsewhere it is detected conservatively from the
source (see mtqa.text.placeholders). Plural forms of a PO entry may use the placeholders of
either msgid; a form the header's Plural-Forms selects for few counts may leave the count out
("one file" for n = 1), as `msgfmt --check-format` allows (mtqa.readers.po.few_count_forms).
"""

from __future__ import annotations

from mtqa.core.components import Feature, Rule, Severity
from mtqa.core.documents import Issue, Segment
from mtqa.scorers.checks.base import Check, CheckOutcome, missing
from mtqa.text.placeholders import (
    PERCENT_SYNTAXES,
    SYNTAXES,
    Placeholder,
    argument_style,
    compare,
    detect_syntaxes,
    is_valid_format,
    java_argument_types,
    message_format_problems,
    mixed_arguments,
    placeholders_in,
    quoted_spans,
    stray_percents,
    syntaxes_of_flags,
)

# Where the entry declares its format (a PO flag such as python-format) and is not fuzzy, a
# placeholder dropped, added, renamed or reordered is a certain break (msgfmt --check-format
# rejects the catalogue; an added or renamed one raises at run time): critical, so the segment
# fails. Where the syntax was only detected, the entry is fuzzy, or its msgid is no valid format
# string of its flag (msgfmt skips all three), major.
DECLARED_BREAK = "critical"
DECLARED = " Critical (the segment fails) where the entry declares its format and is not fuzzy."
PLACEHOLDER_MISSING = Rule(
    "checks/placeholder-missing", "a placeholder of the source missing from the target", severity="major",
    penalty=0.4,
    explanation="printf (%s, %1$s, %-5.2f, %@), Python (%(name)s, {name}), ICU, {{name}}, ${name} and Qt (%1) "
    "placeholders must all reach the target: the program fills them in, and without one the value is lost "
    "(or the string fails to format)." + DECLARED)
PLACEHOLDER_ADDED = Rule(
    "checks/placeholder-added", "a placeholder in the target that the source does not have", severity="major",
    penalty=0.4, explanation="A placeholder the program does not fill in raises at run time (KeyError, "
    "IndexError) or prints garbage." + DECLARED)
PLACEHOLDER_RENAMED = Rule(
    "checks/placeholder-renamed", "a placeholder of the source written differently in the target",
    severity="major", penalty=0.4,
    explanation="%(detail)s -> %(details)s, {count} -> {anzahl}, %d -> %s, and in a java-format string "
    "{0,number} -> {0} (an argument's format type: msgfmt tells any object, a number and a date apart): names "
    "and conversions are code, not text, and must be copied exactly." + DECLARED)
PLACEHOLDER_ORDER = Rule(
    "checks/placeholder-order", "unnumbered placeholders in another order than the source's", severity="major",
    penalty=0.3,
    explanation="Unnumbered printf arguments are taken in order: %s ... %d -> %d ... %s passes each value to "
    "the wrong conversion. Number them (%1$s, %2$d) to reorder." + DECLARED)
PLACEHOLDER_MIXED = Rule(
    "checks/placeholder-mixed", "numbered and unnumbered (or named and unnamed) arguments in one format string",
    severity="major", penalty=0.4,
    explanation="printf takes its arguments all by number (%1$s, %2$d) or all in order (%s, %d), Python's % all by "
    "name (%(name)s) or all in order: a string that mixes them is rejected by msgfmt, undefined in C and raises "
    "TypeError in Python. Number (or name) every one." + DECLARED)
PERCENT_SIGN = Rule(
    "checks/placeholder-percent", "a percent sign that starts no conversion in a format string", severity="major",
    penalty=0.4,
    explanation="In a format string a percent sign is written %%. A lone one (French \"50 %\", \"% terminé\") "
    "starts a conversion: Python raises ValueError or TypeError, C prints garbage, msgfmt rejects the "
    "catalogue." + DECLARED)
APOSTROPHE = Rule(
    "checks/message-format-apostrophe", "a lone apostrophe in a Java MessageFormat pattern", severity="major",
    penalty=0.3,
    explanation="In a java-format string an apostrophe starts quoted text, printed as it stands without the "
    "apostrophe: \"L'utilisateur {0}\" prints \"Lutilisateur {0}\", never the value. Write the apostrophe as '' "
    "(or use ’). Critical where the quote hides a placeholder of an entry that declares its format: msgfmt "
    "rejects the catalogue.")
MESSAGE_FORMAT = Rule(
    "checks/message-format", "an ICU MessageFormat keyword or selector translated", severity="major", penalty=0.3,
    explanation="In {count, plural, one {...} other {...}} the keyword (plural, select) and the selectors (one, "
    "other, =0, a select's keys) are code: translated, the message fails to parse or picks no branch.")


def _syntaxes(segment: Segment) -> tuple[frozenset[str], bool]:
    """(syntaxes to compare, whether they were detected rather than declared)."""
    declared, excluded = syntaxes_of_flags(segment.meta.get("flags", ()))
    if declared:
        return declared - excluded, False
    sources = _sources(segment)
    return frozenset().union(*(detect_syntaxes(text, excluded) for text in sources)), True


def _sources(segment: Segment) -> list[str]:
    plural = segment.meta.get("plural")
    if plural:
        return [plural["msgid"], plural["msgid_plural"]]
    return [segment.source or ""]


def check_placeholders(segment: Segment) -> CheckOutcome:
    """Placeholders of the source missing from the target, added, renamed or reordered; ICU
    keywords and selectors translated."""
    if not segment.source:
        return CheckOutcome()
    syntaxes, detected = _syntaxes(segment)
    if detected:
        # Undeclared text: the target is also searched for the syntaxes no prose has.
        syntaxes |= detect_syntaxes(segment.text) & {"python", "double-brace", "dollar-brace", "brace"}
    if not syntaxes:
        return CheckOutcome()
    ordered = [s for s in SYNTAXES if s in syntaxes]
    source = placeholders_in(segment.source, ordered, detected)
    valid_sources = all(is_valid_format(text, ordered) for text in _sources(segment))
    # A percent sign that is no conversion is reported as that, and compared as plain text.
    stray = stray_percents(segment.text, ordered, _sources(segment), detected) if valid_sources else []
    text = "".join(" " if i in stray else c for i, c in enumerate(segment.text)) if stray else segment.text
    target = placeholders_in(text, ordered, detected)
    plural = segment.meta.get("plural")
    allowed = [p for text in _sources(segment) for p in placeholders_in(text, ordered, detected)] if plural else []
    # A form for few counts may spell the count out, except an unnamed Python argument: `"eine
    # Datei" % n` raises TypeError, as every unnamed argument must be used.
    python_unnamed = "printf" not in syntaxes and any(p.syntax == "printf" for p in source)
    differences = compare(source, target, allowed, lenient=bool(plural and plural["few_counts"]) and not python_unnamed)
    # msgfmt skips fuzzy entries, and gettext shows their msgid: a break there is not certain;
    # nor where the msgid is no valid format string of its flag (a strftime pattern).
    certain = not detected and not segment.meta.get("fuzzy") and valid_sources
    breaks = DECLARED_BREAK if certain else None
    issues = [PERCENT_SIGN.at(i, i + 1 + (segment.text[i + 1:i + 2] == " "), "this percent sign starts no "
                              "conversion of the source: write %% for a percent sign", ["%%"], severity=breaks)
              for i in stray]
    # A plural form may drop an argument that is named, or C's (msgfmt allows it and nothing
    # raises): the count is then not shown, which is for review, not a break.
    issues += [missing(PLACEHOLDER_MISSING, segment, f"placeholder {p.text} of the source is missing", [p.text],
                       severity=None if plural and (p.syntax != "printf" or not python_unnamed) else breaks)
               for p in differences.missing]
    issues += [missing(PLACEHOLDER_MISSING, segment, f"placeholder {p.text} of the source is missing; unnumbered "
                       "arguments are taken in order, so the ones after it now get the wrong values", [p.text],
                       severity=breaks)
               for p in differences.shifted]
    issues += [PLACEHOLDER_ADDED.at(p.start, p.end, f"placeholder {p.text} is not in the source", severity=breaks)
               for p in differences.added]
    issues += [PLACEHOLDER_RENAMED.at(new.start, new.end, f"placeholder {new.text} is not in the source, which has "
                                      f"{old.text} instead", [old.text], severity=breaks)
               for old, new in differences.renamed]
    if differences.reordered:
        order = " ... ".join(p.text for p in differences.reordered)
        first, last = differences.reordered[0], differences.reordered[-1]
        issues.append(PLACEHOLDER_ORDER.at(first.start, last.end, f"unnumbered placeholders in another order than the "
                                           f"source's ({order}): the arguments are passed in the source's order",
                                           severity=breaks))
    issues += [PLACEHOLDER_MIXED.at(p.start, p.end, _mixed_message(p, target), _numbered(p), severity=breaks)
               for p in mixed_arguments(source, target)[:1]]
    if "java-format" in segment.meta.get("flags", ()):
        if not quoted_spans(segment.source):
            issues += _apostrophe_issues(segment.text, target, breaks)
        issues += _java_type_issues(source, target, breaks)
    if "qt-format" in segment.meta.get("flags", ()) and all(_simple_qt(p) for p in source):
        issues += [PLACEHOLDER_RENAMED.at(p.start, p.end, f"{p.text} has an 'L' flag or a two-digit argument number "
                                          "that the source's placeholders do not: msgfmt rejects the catalogue",
                                          [p.text.replace("L", "")] if "L" in p.text else [], severity=breaks)
                   for p in target if not _simple_qt(p)]
    if "brace" in syntaxes:
        issues += [MESSAGE_FORMAT.at(p.start, p.end, p.message, p.suggestions)
                   for p in message_format_problems(segment.text, segment.source)]
    compared = bool(source or target)
    raw = {"placeholders_missing": len(differences.missing) + len(differences.renamed),
           "placeholders_added": len(differences.added) + len(differences.renamed)} if compared else {}
    return CheckOutcome(compared, issues, raw)


def _mixed_message(placeholder: Placeholder, target: list[Placeholder]) -> str:
    others = [p.text for p in target if p.syntax in PERCENT_SYNTAXES and p is not placeholder]
    return (f"{argument_style(placeholder)} placeholder {placeholder.text} beside {', '.join(others[:2])}: "
            "a format string takes its arguments all one way")


def _numbered(placeholder: Placeholder) -> list[str]:
    """`%s` -> `%1$s` (the i-th unnumbered argument is argument i)."""
    if placeholder.syntax == "printf" and not placeholder.numbered:
        return [f"%{placeholder.key}${placeholder.text[1:]}"]
    return []


def _apostrophe_issues(text: str, target: list[Placeholder], breaks: Severity | None) -> list[Issue]:
    issues = []
    for start, end in quoted_spans(text):
        hidden = [p.text for p in target if start < p.start < end]
        if hidden:
            issues.append(APOSTROPHE.at(start, start + 1, f"the apostrophe quotes {hidden[0]}: MessageFormat prints "
                                        "it as text, not the value; write the apostrophe as ''", ["''"],
                                        severity=breaks))
        else:
            issues.append(APOSTROPHE.at(start, start + 1, "the apostrophe starts quoted text in a MessageFormat "
                                        "pattern and is not printed; write it as ''", ["''"]))
    return issues


def _simple_qt(placeholder: Placeholder) -> bool:
    """A Qt placeholder without an `L` flag or a two-digit argument number (msgfmt's "simple"
    qt-format string has only such)."""
    return placeholder.syntax != "qt" or (len(placeholder.key) == 1 and "L" not in placeholder.text)


def _java_type_issues(source: list[Placeholder], target: list[Placeholder], breaks: Severity | None) -> list[Issue]:
    """An argument formatted as another type than the source's ({0,number} -> {0}): MessageFormat
    formats it, but msgfmt --check-format rejects the catalogue."""
    expected = java_argument_types(source)
    written = java_argument_types(target)
    issues = []
    for key, kind in written.items():
        if key in expected and expected[key] != kind:
            where = next(p for p in target if p.syntax == "brace" and p.key == key)
            wanted = next(p.text for p in source if p.syntax == "brace" and p.key == key and
                          java_argument_types([p]).get(key) == expected[key])
            issues.append(PLACEHOLDER_RENAMED.at(where.start, where.end, f"{where.text} formats argument {key} as "
                                                 f"another type than the source's {wanted}: msgfmt rejects the "
                                                 "catalogue", [wanted], severity=breaks))
    return issues


PLACEHOLDERS = Check("placeholders", (PLACEHOLDER_MISSING, PLACEHOLDER_ADDED, PLACEHOLDER_RENAMED, PLACEHOLDER_ORDER,
                                      PLACEHOLDER_MIXED, PERCENT_SIGN, APOSTROPHE, MESSAGE_FORMAT), (
    Feature("placeholders_missing", "count", -1, "placeholders of the source not in the target (renamed ones "
            "included)"),
    Feature("placeholders_added", "count", -1, "placeholders of the target not in the source (renamed ones "
            "included)"),
), check_placeholders)
