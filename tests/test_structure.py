"""The package's shape, read from its imports (ast; nothing is imported): data flows one way,
so no module imports another that imports it back; and an output format knows only the result
types and the message catalogs, so a new one is one module."""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

GRADER = Path(__file__).resolve().parent.parent / "grader"


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(GRADER.parent).with_suffix("").parts).removesuffix(".__init__")


def imports() -> dict[str, set[str]]:
    """Each module of grader/ and the modules of grader/ it imports (TYPE_CHECKING ones too)."""
    modules = {module_name(path): path for path in GRADER.rglob("*.py") if "spy" not in path.parts}
    graph = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                    base = f"{anchor}.{node.module}" if node.module else anchor
                targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
            else:
                continue
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target not in (name, "grader"):
                    found.add(target)
        graph[name] = found
    return graph


def test_no_module_of_the_grader_imports_one_that_imports_it_back():
    graph = imports()
    assert len(graph) > 30
    try:
        TopologicalSorter(graph).prepare()
    except CycleError as exc:
        raise AssertionError(f"import cycle: {' -> '.join(exc.args[1])}") from None


def test_the_cycle_check_sees_a_cycle():
    try:
        TopologicalSorter({"a": {"b"}, "b": {"a"}}).prepare()
    except CycleError:
        return
    raise AssertionError("a cycle went unseen")


def test_an_output_format_reads_only_the_results_and_the_message_catalogs():
    graph = imports()
    formats = [name for name in graph if name.startswith("grader.report.") and name != "grader.report"]
    assert {"grader.report.terminal", "grader.report.json_report"} <= set(formats)
    allowed = {"grader.results", "grader.i18n", "grader.i18n.en", "grader.i18n.zh", *formats,  # and one another,
               "grader.neutral"}  # the one way student text leaves (it imports nothing of ours):
    for name in formats:  # JUnit's failure text is the terminal's transcript, every CI format reads the JSON's facts
        assert graph[name] <= allowed, f"{name} imports {sorted(graph[name] - allowed)}"


def test_ci_turns_a_skip_it_could_run_into_a_failure(monkeypatch):
    import conftest

    class Report:
        skipped, outcome = True, "skipped"
        longrepr = ("tests/test_forkserver.py", 20, "Skipped: the fork server runs as root where bubblewrap runs")

    monkeypatch.setenv("NETGRADER_NO_SKIPS", "1")
    monkeypatch.delenv("NETGRADER_ALLOWED_SKIPS", raising=False)
    report = Report()
    conftest.no_skips(report)
    assert report.outcome == "failed" and "skipped where CI must run it" in report.longrepr
    monkeypatch.setenv("NETGRADER_ALLOWED_SKIPS", "fork server")
    allowed = Report()
    conftest.no_skips(allowed)
    assert allowed.outcome == "skipped"
