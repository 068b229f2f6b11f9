"""The results as JSON: the same facts as the terminal report, with messages rendered in the
chosen language and the failure kind kept as a stable key for scripts and dashboards."""

from __future__ import annotations

import json

from ..i18n import render, render_all, render_said, tr
from ..results import GradeResult, Message, show_bytes


def to_dict(grade: GradeResult, lang: str) -> dict:
    checks = []
    for check in grade.checks:
        entry = {
            "id": check.id,
            "title": check.title.pick(lang),
            "status": check.status,
            "level": "advisory" if check.advisory else "required",
            "warned": check.warned,
            "score": check.points,
            "max_score": check.max_points,
            "location": check.location,
            "duration": round(check.duration, 3),
            "hidden": check.hidden,
            "warnings": [render(lang, w) for w in check.warnings],
            "steps": [
                {
                    "kind": step.kind,
                    "text": tr(lang, f"step.{step.kind}", step.params),
                    "status": step.status,
                    "note": render(lang, step.note) if step.note else None,
                    "elapsed": round(step.elapsed, 3),
                }
                for step in check.steps
            ],
        }
        if check.skip_reason:
            entry["skip_reason"] = render(lang, check.skip_reason)
        if check.failure:
            entry["kind"] = check.failure.kind
            entry["message"] = "\n".join(render_said(lang, check.failure.said))
            entry["hints"] = render_all(lang, check.failure.hints)
            entry["expected"] = check.failure.expected  # bytes are shown as text (show_bytes)
            entry["actual"] = check.failure.actual
            entry["script"] = check.failure.script
            entry["line"] = check.failure.line
            entry["failed_step"] = check.failure.step
        if check.error:
            entry["error"] = check.error
        entry["processes"] = [
            {
                "role": p.role,
                "script": p.script,
                "returncode": p.returncode,
                "exception": p.exception,
                "stdout_tail": p.stdout,
                "stderr_tail": p.stderr,
                "output_cut": p.output_cut,
                "typed": [{"prompt": prompt, "line": line} for prompt, line in p.typed],
                "confinement": p.confinement,
            }
            for p in check.processes
        ]
        checks.append(entry)
    return {
        "exercise": grade.exercise,
        "title": grade.title.pick(lang),
        "submission": grade.submission,
        "isolation": grade.isolation,
        "machine": grade.machine,
        "files": grade.files,
        "lang": lang,
        "score": grade.points,
        "max_score": grade.max_points,
        "passed": grade.passed,
        "warning_count": grade.warning_count,  # the remarks below plus the checks marked "warned"
        "warnings": [render(lang, w) for w in grade.warnings],
        "notices": [render(lang, n) for n in grade.notices],
        "checks": checks,
    }


def dumps(grade: GradeResult, lang: str) -> str:
    def shown(value):  # what JSON cannot hold as it is: bytes as text, messages rendered
        if isinstance(value, Message):
            return render(lang, value)
        if isinstance(value, (bytes, bytearray)):
            return show_bytes(value)
        return str(value)

    return json.dumps(to_dict(grade, lang), ensure_ascii=False, indent=2, default=shown)
