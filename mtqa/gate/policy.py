"""Which findings a run reports and which of them fail it.

A *finding* is one reportable problem of one segment, with a rule id such as
`grammar/MORFOLOGIK_RULE_EN_US` (an issue a scorer found), `fluency/risk` (the dimension
that pushed a segment's risk over a threshold), `risk/combined` (several small signals
together) or `drift/min-score` (a score below a configured minimum).

The gate then applies, in order: rule selection (`select`/`ignore`, by rule or prefix,
as ruff does), inline suppression (`mtqa: ignore[grammar]` markers), the baseline of
accepted findings, the `fail_on` verdict level, and the per-file `max_flagged` budget.
"""

from __future__ import annotations

import bisect
import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import groupby
from typing import TYPE_CHECKING, Any

from mtqa.core.components import DIMENSIONS
from mtqa.core.documents import Document, Segment, SegmentResult
from mtqa.core.errors import ConfigError
from mtqa.core.risk import FAIL_SEVERITY, REVIEW_SEVERITIES, verdict_at
from mtqa.gate.baseline import assign_fingerprints
from mtqa.gate.report import VERDICT_RANK, Report
from mtqa.gate.rules import (
    COMBINED_RULE,
    MIN_SCORE_SUFFIX,
    RISK_SUFFIX,
    canonical_rule_id,
    issue_rule_id,
    known_rule_ids,
    names_a_rule,
    rule_matches,
)

if TYPE_CHECKING:
    from mtqa.core.config import Settings

# First component of every rule id; `--select`/`--ignore` patterns must start with one.
LEVELS = {"fail": "error", "review": "warning"}
# `mtqa: ignore` (every rule) or `mtqa: ignore[grammar, drift/risk]`.
MARKER = re.compile(r"mtqa:\s*ignore(?:\[([^\]]*)\])?", re.IGNORECASE)
# What may surround a marker on a line of its own: comment syntax of the supported formats.
COMMENT_WRAPPING = re.compile(r"<!--|-->|^\s*(#|//|;)|\s")


@dataclass
class Finding:
    result: SegmentResult
    rule: str
    message: str
    level: str  # "error" or "warning"
    # The severity of the issue the finding reports ("" for a risk reason or a minimum score).
    severity: str
    # Character offsets in the segment's text; the whole segment for segment-level findings.
    start: int
    end: int
    fingerprint: str = ""
    # The segment's verdict as the gate counts it (`gated_findings`); "" before gating.
    verdict: str = ""
    # The fingerprint an earlier release gave the finding (its rule had another id then).
    legacy_fingerprint: str = ""
    suppressed: bool = False
    baselined: bool = False
    blocking: bool = False
    # A risk reason of a dimension whose issues are findings too: reported only where the
    # segment is re-decided and none of those issues counts, as the verdict may rest on it.
    restates: bool = False

    @property
    def segment(self) -> Segment:
        return self.result.segment

    @property
    def file(self) -> str:
        return self.result.file

    @property
    def excerpt(self) -> str:
        return self.segment.text[self.start:self.end]

    @property
    def reported(self) -> bool:
        """Shown by the CI formats: neither suppressed in the input nor accepted in the baseline."""
        return not (self.suppressed or self.baselined)

    def location(self) -> tuple[int, int, int, int]:
        """(line, column, end line, end column), 1-based, columns in code points, end exclusive."""
        return (*position(self.segment, self.start), *position(self.segment, self.end))


def position(segment: Segment, offset: int) -> tuple[int, int]:
    """Line and column in the input file of a character offset into the segment's text."""
    before = segment.text[:offset]
    newlines = before.count("\n")
    if newlines == 0:
        return segment.line, segment.column + offset
    return segment.line + newlines, offset - before.rfind("\n")


def rule_dimensions(head: str = "") -> tuple[str, ...]:
    """What a rule id may start with: a dimension, or `risk`. The registry (plugins' dimensions)
    is only consulted for a `head` that is not built in, so validating settings loads nothing."""
    if head in (*DIMENSIONS, "risk"):
        return (*DIMENSIONS, "risk")
    from mtqa.scorers.registry import dimensions

    return (*dimensions(), "risk")


def parse_share(value: Any, origin: str = "max_flagged") -> float | None:
    """`"5%"`, `5%`-as-string or a fraction `0.05` -> 0.05; None stays None."""
    if value is None:
        return None
    text = str(value).strip()
    try:
        share = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise ConfigError(f"{origin} must be a share such as 5% or 0.05, not {value!r}") from None
    if not 0.0 <= share <= 1.0:
        raise ConfigError(f"{origin} must be between 0% and 100%, not {value!r}")
    return share


def validate_settings(settings: Settings) -> None:
    """Raise ConfigError for malformed gate settings (called by `Settings.validate`)."""
    for name in ("select", "ignore"):
        patterns = getattr(settings, name)
        if isinstance(patterns, str) or not all(isinstance(p, str) for p in patterns):
            raise ConfigError(f"{name} must be a list of rule ids, not {patterns!r}")
        for pattern in patterns:
            head = canonical_rule_id(pattern.strip()).split("/", 1)[0].casefold()
            if head != "*" and head not in rule_dimensions(head):
                raise ConfigError(f"{name}: rule {pattern!r} must start with one of "
                                  f"{', '.join(rule_dimensions(head))}")
            # A misspelt rule would select or ignore nothing, silently: a gate that checks less than it says.
            known = known_rule_ids(rule_dimensions(head)[:-1])
            if not names_a_rule(pattern, known):
                nearest = difflib.get_close_matches(pattern.strip(), known, n=1)
                hint = f" (did you mean {nearest[0]!r}?)" if nearest else ""
                raise ConfigError(f"{name}: no rule is {pattern!r} or under it{hint}; `mtqa rules` lists them")
    if not isinstance(settings.min_scores, Mapping):
        raise ConfigError(f"min_scores must be a table of dimension = score, not {settings.min_scores!r}")
    for dimension, minimum in settings.min_scores.items():
        if dimension not in rule_dimensions(dimension)[:-1]:
            raise ConfigError(f"min_scores: unknown dimension {dimension!r}")
        if isinstance(minimum, bool) or not isinstance(minimum, (int, float)) or not 0 <= minimum <= 1:
            raise ConfigError(f"min_scores: {dimension} must be a score between 0 and 1, not {minimum!r}")
    parse_share(settings.max_flagged)


@dataclass(frozen=True)
class GatePolicy:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    min_scores: Mapping[str, float] = field(default_factory=dict)
    max_flagged: float | None = None
    # Fingerprints of accepted findings (see mtqa.gate.baseline); None = no baseline in use.
    baseline: frozenset[str] | None = None
    # The run's (review, fail) thresholds per comparison mode, to re-decide a segment whose
    # major or critical finding is ignored or suppressed (see `gated_findings`).
    thresholds: Mapping[str, tuple[float, float]] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings: Settings, baseline: frozenset[str] | None = None,
                      thresholds: Mapping[str, tuple[float, float]] | None = None) -> GatePolicy:
        return cls(tuple(settings.select), tuple(settings.ignore), dict(settings.min_scores),
                   parse_share(settings.max_flagged), baseline, dict(thresholds or {}))

    def selects(self, rule: str) -> bool:
        if self.select and not any(rule_matches(rule, p) for p in self.select):
            return False
        return not any(rule_matches(rule, p) for p in self.ignore)


@dataclass
class FileGate:
    scored: int
    flagged: int
    failed: bool


@dataclass
class GateOutcome:
    # Selected findings only, in document order; each carries its suppressed/baselined/blocking state.
    findings: list[Finding]
    files: dict[str, FileGate]

    @property
    def failed(self) -> bool:
        return any(f.failed for f in self.files.values())

    def reported(self) -> list[Finding]:
        return [f for f in self.findings if f.reported]


def segment_findings(result: SegmentResult, min_scores: Mapping[str, float]) -> list[Finding]:
    """Every finding of one segment, before selection, suppression and baseline."""
    findings: list[Finding] = []
    whole = (0, len(result.segment.text))
    if result.verdict in LEVELS:
        level = LEVELS[result.verdict]
        for issue in sorted(result.issues, key=lambda i: (i.start, i.end, i.dimension, i.rule)):
            message = issue.message
            if issue.suggestions:
                message += f" (suggestion: {', '.join(issue.suggestions[:3])})"
            findings.append(Finding(result, issue_rule_id(issue), message, level, issue.severity,
                                    issue.start, issue.end))
        with_issues = {i.dimension for i in result.issues}
        for reason in result.reasons:
            dimension = reason.split(":", 1)[0]
            rule = f"{dimension}/{RISK_SUFFIX}" if dimension in result.scores else COMBINED_RULE
            # Where the issues above say it, with precise locations, it stands in for them only
            # when none of them counts (see `gated_findings`).
            findings.append(Finding(result, rule, reason, level, "", *whole, restates=dimension in with_issues))
    if result.verdict != "skipped":
        for dimension, minimum in sorted(min_scores.items()):
            score = result.scores.get(dimension)
            if score is not None and score < minimum:
                findings.append(Finding(
                    result, f"{dimension}/{MIN_SCORE_SUFFIX}",
                    f"{dimension} score {score:.2f} is below the minimum {minimum:.2f}", "error", "", *whole))
    return findings


def evaluate(report: Report, policy: GatePolicy) -> GateOutcome:
    fail_level = None if report.fail_on == "never" else VERDICT_RANK[report.fail_on]
    findings: list[Finding] = []
    files: dict[str, FileGate] = {}
    for doc in report.documents:
        markers = MarkerIndex(doc.document)
        doc_findings: list[Finding] = []
        for result in doc.results:
            doc_findings.extend(segment_findings(result, policy.min_scores))
        # Restating findings numbered after the rest: the fingerprints of the rest stay as they were.
        assign_fingerprints([f for f in doc_findings if not f.restates] + [f for f in doc_findings if f.restates])
        for finding in doc_findings:
            finding.suppressed = any(rule_matches(finding.rule, p) for p in markers.patterns(finding.segment))
            finding.baselined = policy.baseline is not None and bool(
                {finding.fingerprint, finding.legacy_fingerprint} & policy.baseline)
        doc_findings = gated_findings(doc_findings, policy)
        flagged: set[int] = set()
        for finding in doc_findings:
            reaches_level = fail_level is not None and (
                finding.rule.endswith("/" + MIN_SCORE_SUFFIX) or VERDICT_RANK[finding.verdict] >= fail_level)
            finding.blocking = finding.reported and reaches_level
            if finding.blocking:
                flagged.add(finding.segment.index)
        scored = sum(r.verdict != "skipped" for r in doc.results)
        over_budget = bool(flagged) and (policy.max_flagged is None or len(flagged) > policy.max_flagged * scored)
        # A critical finding fails the file whatever its budget: a format string that raises
        # at run time is no matter of proportion.
        failed = over_budget or any(f.blocking and f.severity == FAIL_SEVERITY for f in doc_findings)
        if not failed:
            for finding in doc_findings:
                finding.blocking = False  # within the file's budget: reported, but not failing
        files[doc.document.path] = FileGate(scored, len(flagged), failed)
        findings.extend(doc_findings)
    return GateOutcome(findings, files)


def gated_findings(findings: list[Finding], policy: GatePolicy) -> list[Finding]:
    """The findings `policy` selects, each with its segment's verdict counting only the major and
    critical findings that are selected and not suppressed. A segment flagged for a finding that
    is ignored or suppressed is re-decided by its risk at `policy.thresholds`; its other
    findings take that verdict, and are dropped where it is ok (they were only shown because
    of the finding that no longer counts), and its risk reasons stand in for its issues that
    no longer count; suppressed findings stay, as they were. A baseline accepts a segment as it
    was, so its findings still count. Without thresholds the stored verdict stands."""
    kept: list[Finding] = []
    for _, group in groupby(findings, key=lambda f: id(f.result)):
        group = list(group)
        selected = [f for f in group if policy.selects(f.rule)]
        # A finding in the baseline is accepted with its segment as it was: it still counts.
        counted = [f for f in selected if not f.suppressed]
        counted_ids = {id(f) for f in counted}
        result = group[0].result
        verdict = result.verdict
        redecided = verdict in LEVELS and any(
            f.severity in REVIEW_SEVERITIES for f in group if id(f) not in counted_ids)
        if redecided:
            verdict = verdict_at(result.to_dict(), policy.thresholds, [f.severity for f in counted if f.severity])
        counted_issue_dimensions = {_dimension(f) for f in counted if f.severity}
        for finding in selected:
            if finding.restates:
                if not redecided or _dimension(finding) in counted_issue_dimensions:
                    continue  # its issues say it (or it was never shown: a minor issue ignored)
                # The reason may quote an issue set aside: say what stands without it.
                finding.message = (f"{_dimension(finding)}: its signals put the segment at {verdict} without the "
                                   f"findings set aside (risk {result.risk:.2f})")
            finding.verdict = verdict if id(finding) in counted_ids else result.verdict
            if id(finding) not in counted_ids or finding.rule.endswith("/" + MIN_SCORE_SUFFIX):
                kept.append(finding)
            elif verdict in LEVELS:
                finding.level = LEVELS[verdict]
                kept.append(finding)
    return kept


def _dimension(finding: Finding) -> str:
    return finding.rule.split("/", 1)[0]


def parse_markers(text: str) -> set[str]:
    """Rule patterns named by the `mtqa: ignore[...]` markers in `text` (`*` for a bare marker)."""
    patterns: set[str] = set()
    for match in MARKER.finditer(text):
        named = [p.strip() for p in (match.group(1) or "").split(",") if p.strip()]
        patterns.update(named or ["*"])
    return patterns


class MarkerIndex:
    """Suppression markers of one document, looked up per segment.

    A segment is suppressed for the rules named by: `segment.meta["suppress"]` (readers set it,
    e.g. from an XLIFF note or a PO translator comment, with `parse_markers`), markers in
    `segment.meta["notes"]` (a string or a list of strings), markers in the segment's own text,
    and, in text documents, a marker on any line the segment spans or on a line of its own
    (an HTML/Markdown comment `<!-- mtqa: ignore[grammar] -->`) just before the segment.
    """

    def __init__(self, document: Document):
        self.text = document.text or ""
        self.line_starts = [0] + [i + 1 for i, c in enumerate(self.text) if c == "\n"]
        self.by_line: dict[int, set[str]] = {}
        for match in MARKER.finditer(self.text):
            line = self._line_of(match.start())
            target = self._next_content_line(line) if self._standalone(line, match) else line
            self.by_line.setdefault(target, set()).update(parse_markers(match.group(0)))

    def patterns(self, segment: Segment) -> set[str]:
        found = set(segment.meta.get("suppress", ()))
        notes = segment.meta.get("notes", ())
        for note in [notes] if isinstance(notes, str) else notes:
            found |= parse_markers(note)
        found |= parse_markers(segment.text)
        if self.by_line and segment.kind != "row":
            first, last = segment_lines(segment)
            for line in range(first, last + 1):
                found |= self.by_line.get(line, set())
        return found

    def _line_of(self, offset: int) -> int:
        return bisect.bisect_right(self.line_starts, offset)

    def _line_text(self, line: int) -> str:
        end = self.line_starts[line] - 1 if line < len(self.line_starts) else len(self.text)
        return self.text[self.line_starts[line - 1]:end]

    def _standalone(self, line: int, match: re.Match[str]) -> bool:
        rest = self._line_text(line).replace(match.group(0), "", 1)
        return not COMMENT_WRAPPING.sub("", rest)

    def _next_content_line(self, line: int) -> int:
        for candidate in range(line + 1, len(self.line_starts) + 1):
            if self._line_text(candidate).strip():
                return candidate
        return line


def segment_lines(segment: Segment) -> tuple[int, int]:
    """First and last line of the input file that the segment occupies."""
    return segment.line, segment.line + segment.text.count("\n")
