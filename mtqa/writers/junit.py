"""`junit`: JUnit XML, one test case per segment; `junit-files`: one test case per file.

A test case fails when it holds a finding that fails the gate; the failure lists each
finding with its `file:line:column` location. Findings that are reported but do not fail
(a `review` verdict under `--fail-on fail`, a file within `--max-flagged`) go to
`system-out`. Valid against the widely used Jenkins junit-10.xsd; no timestamps or times.
"""

from __future__ import annotations

import re
import textwrap
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import TextIO

from mtqa.gate.policy import Finding
from mtqa.gate.report import Report
from mtqa.writers import register_writer

# Characters XML 1.0 cannot carry, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
NAME_CHARS = 60


@register_writer("junit")
def write_junit(report: Report, stream: TextIO) -> None:
    _write(report, stream, per_file=False)


@register_writer("junit-files")
def write_junit_files(report: Report, stream: TextIO) -> None:
    _write(report, stream, per_file=True)


def _write(report: Report, stream: TextIO, per_file: bool) -> None:
    outcome = report.gate()
    reported: dict[int, list[Finding]] = {}
    for finding in outcome.reported():
        reported.setdefault(id(finding.result), []).append(finding)
    root = ET.Element("testsuites", name="mtqa")
    totals = {"tests": 0, "failures": 0}
    for doc in report.documents:
        path = doc.document.path
        suite = ET.SubElement(root, "testsuite", name=path)
        properties = ET.SubElement(suite, "properties")
        ET.SubElement(properties, "property", name="signature", value=_clean(report.signature))
        ET.SubElement(properties, "property", name="fail_on", value=report.fail_on)
        if per_file:
            cases = [(path, [f for r in doc.results for f in reported.get(id(r), [])], "")]
        else:  # the third item: why the segment was skipped ("" where it was scored)
            cases = [(_case_name(r.segment.line, r.segment.column, r.segment.text), reported.get(id(r), []),
                      "; ".join(r.reasons) if r.verdict == "skipped" else "") for r in doc.results]
        tests = failures = skipped = 0
        for name, findings, skip_reason in cases:
            case = ET.SubElement(suite, "testcase", classname=path, name=_clean(name))
            tests += 1
            blocking = [f for f in findings if f.blocking]
            if blocking:
                failures += 1
                failure = ET.SubElement(case, "failure", type=blocking[0].rule,
                                        message=_clean(_summary(blocking)))
                failure.text = _clean(_details(blocking))
            elif skip_reason:
                skipped += 1
                ET.SubElement(case, "skipped", message=_clean(skip_reason))
            if findings and not blocking:
                ET.SubElement(case, "system-out").text = _clean(_details(findings))
        suite.set("tests", str(tests))
        suite.set("failures", str(failures))
        suite.set("errors", "0")
        suite.set("skipped", str(skipped))
        totals["tests"] += tests
        totals["failures"] += failures
    root.set("tests", str(totals["tests"]))
    root.set("failures", str(totals["failures"]))
    root.set("errors", "0")
    ET.indent(root)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(ET.tostring(root, encoding="unicode"))
    stream.write("\n")


def _case_name(line: int, column: int, text: str) -> str:
    return f"{line}:{column} {textwrap.shorten(text, NAME_CHARS, placeholder=' …')}"


def _summary(findings: Sequence[Finding]) -> str:
    more = f" (+{len(findings) - 1} more)" if len(findings) > 1 else ""
    return f"{findings[0].rule}: {findings[0].message}{more}"


def _details(findings: Sequence[Finding]) -> str:
    lines = []
    for finding in findings:
        line, column, _, _ = finding.location()
        excerpt = f" “{finding.excerpt}”" if finding.excerpt != finding.segment.text else ""
        lines.append(f"{finding.file}:{line}:{column}: {finding.level} {finding.rule}: "
                     f"{finding.message}{excerpt}")
    return "\n".join(lines)


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)
