"""JUnit XML: one test case per eval case, so CI systems list them."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from copilot.evaluation.check_metrics import CheckReport
from copilot.evaluation.suggest_metrics import SuggestReport


def junit_xml(suggest: SuggestReport | None, check: CheckReport | None, *, k: int = 3) -> str:
    root = ET.Element("testsuites", name="copilot-eval")
    if suggest is not None:
        suite = ET.SubElement(root, "testsuite", name="suggest", tests=str(len(suggest.results)),
                              failures=str(len(suggest.failures(k))))
        for result in suggest.results:
            case = ET.SubElement(suite, "testcase", classname=f"suggest.{result.case.scenario or 'case'}",
                                 name=result.case.id, time=f"{result.latency_ms / 1000:.4f}")
            if result.rank is None or result.rank > k:
                failure = ET.SubElement(case, "failure", message=f"no expected phrasing in the top {k}")
                failure.text = f"expected any of: {result.case.expect_any}\nreturned: {result.returned}"
    if check is not None:
        failed = [r for r in check.results if r.response.flagged != r.case.expect_flag]
        suite = ET.SubElement(root, "testsuite", name="check", tests=str(len(check.results)),
                              failures=str(len(failed)))
        for checked in check.results:
            case = ET.SubElement(suite, "testcase", classname=f"check.{checked.case.scenario or 'case'}",
                                 name=checked.case.id, time=f"{checked.latency_ms / 1000:.4f}")
            if checked.response.flagged != checked.case.expect_flag:
                failure = ET.SubElement(case, "failure",
                                        message=f"expected flagged={checked.case.expect_flag}")
                spans = [(v.text, v.category, v.severity) for v in checked.response.violations]
                failure.text = f"draft: {checked.case.draft}\nviolations: {spans}"
    return ET.tostring(root, encoding="unicode", xml_declaration=True)
