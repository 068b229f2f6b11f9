"""`grader grade|batch|report|list|validate`: a thin shell over grader.engine, grader.batch
and grader.report.

Exit status: 0 every required check passed (a failed advisory check is a warning), 1 a
required check failed (with --strict, any check), 2 a usage, exercise or submission error
(printed as one clear message, never a traceback).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import signal
import sys
from pathlib import Path

from . import spec, version
from .errors import GraderError
from .exercises import ENVIRONMENT, find_exercise, known_exercises
from .i18n import default_lang


def parse_files(pairs: list[str]) -> dict[str, str]:
    files = {}
    for pair in pairs:
        role, sep, path = pair.partition("=")
        if not sep or not role or not path:
            raise GraderError(f"--file needs ROLE=PATH, like --file server=my_server.py (got {pair!r})")
        files[role] = path
    return files


def rerun_command(args) -> str:
    """The command that reruns one check as this grading ran it (the same files, language,
    strictness and isolation), with `{check}` where its id goes; it works as printed, from
    any folder: make's form names the project's folder (`make -C`), and the grader is named
    as it is found (`.venv/bin/grader` is not on everyone's PATH)."""
    if os.environ.get("NETGRADER_VIA_MAKE"):
        project = os.environ.get("NETGRADER_MAKE_DIR", "")  # SUB is read from there too: the line works anywhere
        words = ["make"] + (["-C", project] if project else [])
        words += ["grade", f"EX={args.exercise}", f"SUB={args.submission}"]
        words += [f"FILE={' '.join(args.file)}"] if args.file else []
        words += [f"GRADE_LANG={args.lang}"] if args.lang else []
        words += ["STRICT=1"] if args.strict else []
        return shlex.join(words) + " CHECK={check}"
    exercise = str(Path(args.exercise).resolve()) if Path(args.exercise).suffix in (".yaml", ".yml") else args.exercise
    words = [*grader_command(), "grade", exercise, str(Path(args.submission).resolve())]
    for pair in args.file:
        words += ["--file", pair]
    words += ["--lang", args.lang] if args.lang else []
    words += ["--strict"] if args.strict else []
    words += ["--isolation", args.isolation] if args.isolation else []
    return shlex.join(words) + " --check {check}"


def grader_command() -> list[str]:
    """How to call this grader again from here: `grader` when that is on PATH and is this one,
    else this environment's own `grader` by its path (`.venv/bin/grader`), else `python -m grader`."""
    mine = Path(sys.executable).parent / "grader"  # the console script beside this Python (a venv's bin/)
    on_path = shutil.which("grader")
    if on_path and mine.is_file() and Path(on_path).resolve() == mine.resolve():
        return ["grader"]
    if mine.is_file():
        return [str(mine)]  # by its whole path: the line works from the student's folder too
    return [sys.executable, "-m", "grader"]


FILE_OUTPUTS = {"json": "results.json", "junit": "junit.xml", "gradescope": "results.json", "html": "report.html"}


def prepare_outputs(args) -> None:
    """Before grading: every report file's folder is made (or the option refused), so that no
    verdict is ever lost to a path; `-` is standard output."""
    for option, example in FILE_OUTPUTS.items():
        value = getattr(args, option)
        if not value or value == "-":
            continue
        target = Path(value)
        if target.is_dir():
            raise GraderError(f"--{option} {value} is a folder: give a file, like --{option} {target / example}")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise GraderError(f"--{option} {value}: cannot make the folder {target.parent}: {exc.strerror}") from None
        if not os.access(target.parent, os.W_OK):
            raise GraderError(f"--{option} {value}: the folder {target.parent} is not writable")
    if sum(getattr(args, option) == "-" for option in FILE_OUTPUTS) > 1:
        raise GraderError("only one of --json, --junit, --gradescope and --html can go to standard output (-)")


def write_output(value: str, text: str) -> None:
    if value == "-":
        sys.stdout.write(text)
    else:
        Path(value).write_text(text, encoding="utf-8")


def append_to(variable: str, text: str) -> bool:
    """Append to the file a GitHub Actions variable names ($GITHUB_OUTPUT...); False when unset."""
    path = os.environ.get(variable)
    if not path:
        return False
    with open(path, "a", encoding="utf-8") as target:
        target.write(text)
    return True


def refuse_unconfined(isolation: str | None) -> None:
    """Other people's code (a class, a CI's push) is graded only where its network is confined,
    unless the user says --unconfined: a machine that makes no namespace says so up front."""
    from . import net

    network = net.open_network(isolation)
    try:
        if not network.confined:
            raise GraderError(f"no network namespace can be made here ({network.reason}): the programs would share "
                              "this machine's network; grade with --unconfined to accept that")
    finally:
        network.close()


def cmd_grade(args) -> int:
    from . import engine
    from .report import classroom, github, gradescope, html, json_report, junit, terminal

    if os.environ.get("CI") and not args.unconfined:
        refuse_unconfined(args.isolation)
    overrides = parse_files(args.file)
    prepare_outputs(args)
    lang = args.lang or default_lang()
    try:
        grade = engine.grade(args.exercise, args.submission, overrides, args.check, args.isolation, args.strict)
    except GraderError as exc:  # Gradescope shows the reason, not an empty page
        if args.gradescope:
            from .i18n import error_text

            write_output(args.gradescope, gradescope.not_graded(error_text(exc, lang)))
        raise
    rerun = rerun_command(args)
    if args.classroom:
        outputs = os.environ.get("GITHUB_OUTPUT")
        earlier = Path(outputs).read_text(encoding="utf-8") if outputs and Path(outputs).is_file() else ""
        if not append_to("GITHUB_OUTPUT", classroom.output_line(grade, lang, earlier)):
            sys.stdout.write(classroom.output_line(grade, lang))  # outside Actions: shown, for a runner to pick up
        sys.stdout.write(classroom.points_line(grade))
    if args.github:
        sys.stdout.write(github.annotations(grade, lang))
        append_to("GITHUB_STEP_SUMMARY", github.summary(grade, lang))
    to_stdout = any(getattr(args, option) == "-" for option in FILE_OUTPUTS)
    # the report last: its last line, `N passed, N failed`, is what CI log readers pick up
    (sys.stderr if to_stdout else sys.stdout).write(terminal.render_grade(grade, lang, rerun))
    if args.json:
        write_output(args.json, json_report.dumps(grade, lang) + "\n")
    if args.junit:
        write_output(args.junit, junit.to_xml(grade, lang, rerun).decode("utf-8"))
    if args.gradescope:
        write_output(args.gradescope, gradescope.dumps(grade, lang, rerun))
    if args.html:
        write_output(args.html, html.render([html.row_of(grade, lang, terminal.render_grade(grade, lang, rerun))], lang))
    return 0 if grade.passed else 1


def cmd_batch(args) -> int:
    from . import batch
    from .report.progress import for_terminal

    submissions, out = Path(args.submissions), Path(args.out)
    if not submissions.is_dir():
        raise GraderError(f"{submissions} is not a folder: give the folder that holds one folder or .zip per student")
    if args.jobs is not None and args.jobs < 1:
        raise GraderError("--jobs must be at least 1")
    lang = args.lang or default_lang()
    roster = batch.read_roster(Path(args.roster)) if args.roster else None
    if not args.unconfined and not args.scheduler:  # a cluster's workers say it in each report
        refuse_unconfined(args.isolation)
    counts = batch.run(args.exercise, submissions, out, args.jobs, args.resume, lang, args.isolation, args.deadline,
                       progress=for_terminal(lang), roster=roster, scheduler=args.scheduler)
    from .i18n import tr

    shown = ("，" if lang == "zh" else ", ").join(tr(lang, f"batch.count.{name}", {"count": count})
                                                  for name, count in counts.items() if name != "total" and count)
    print(tr(lang, "batch.summary", {"total": counts["total"], "counts": shown or tr(lang, "batch.nothing"),
                                     "gradebook": str(out / "gradebook.csv")}))
    return 0


def cmd_report(args) -> int:
    from .batch import read_roster, write_outputs
    from .store import FILE, Store

    out = Path(args.out)
    if not (out / FILE).is_file():
        raise GraderError(f"{out} holds no batch ({FILE}): run `grader batch EX SUBMISSIONS --out {out}` first")
    store = Store(out)
    try:
        graded = store.exercises()
        if not graded:
            raise GraderError(f"{out / FILE} holds no gradings yet")
        if args.exercise is None and len(graded) > 1:
            raise GraderError(f"{out} holds batches of {len(graded)} exercises ({', '.join(graded)}): "
                              f"say which, like `grader report {out} --exercise {graded[0]}`")
        name = args.exercise or graded[0]
        if name not in graded:
            raise GraderError(f"{out} holds no batch of {name}; it holds {', '.join(graded)}")
        exercise = spec.load(find_exercise(name))
        roster = read_roster(Path(args.roster)) if args.roster else None
        write_outputs(out, exercise, [vars(row) for row in store.rows(exercise.id)], args.lang or default_lang(), roster)
    finally:
        store.close()
    print(f"written from {out / FILE}: {out / 'gradebook.csv'}, {out / 'results.json'}, {out / 'report.html'}")
    return 0


def cmd_gradescope(args) -> int:
    from . import autograder

    exercise = spec.load(find_exercise(args.exercise))
    out = autograder.build(exercise, Path(args.out), args.lang or default_lang())
    print(f"{out}: upload it as the autograder of {exercise.id} "
          f"(Debian packages: {' '.join(autograder.packages(exercise))})")
    return 0


def cmd_list(args) -> int:
    lang = args.lang or default_lang()
    for path in known_exercises():
        try:
            exercise = spec.load(path)
        except GraderError as exc:
            print(f"{path.stem:<16} (invalid: {exc})")
            continue
        roles = ", ".join(f"{role}={name}" for role, name in exercise.files.items())
        print(f"{exercise.id:<16} {exercise.title.pick(lang)}  [{roles}; {len(exercise.check_ids)} checks]")
    return 0


def cmd_doctor(args) -> int:
    """Each part of the sandbox tried, with its remedy where it is missing; exit 1 when a part a
    sandbox needs (a confined network, seccomp, control groups) is missing."""
    from dataclasses import asdict

    from . import doctor

    found = doctor.parts()
    text, enough = doctor.report(found)
    if args.json:
        print(json.dumps({"parts": [asdict(part) for part in found], "fingerprint": doctor.fingerprint()},
                         ensure_ascii=False, indent=1))
    else:
        sys.stdout.write(text)
    return 0 if enough else 1


def cmd_validate(args) -> int:
    """Every file is checked, whatever the earlier ones said; status 2 if any is invalid."""
    invalid = 0
    for name in args.files:
        try:
            exercise = spec.load(find_exercise(name))
        except GraderError as exc:
            invalid += 1
            print(f"grader: {exc}", file=sys.stderr)
            continue
        print(f"{exercise.path}: ok ({len(exercise.check_ids)} checks)")
    return 2 if invalid else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="grader", description="Grade students' network programs.")
    parser.add_argument("--version", action="version", version=f"netgrader {version()}")
    sub = parser.add_subparsers(dest="command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--exercises", action="append", default=[], metavar="DIR",
                        help=f"a folder of your own exercises, searched first (repeatable; also ${ENVIRONMENT})")
    grade = sub.add_parser("grade", parents=[common], help="grade a submission folder")
    grade.add_argument("exercise", help="exercise id (see `grader list`) or path to its YAML")
    grade.add_argument("submission", help="the student's folder")
    grade.add_argument("--check", action="append", default=[], metavar="ID", help="run only this check (repeatable)")
    grade.add_argument("--json", metavar="FILE", help="also write the results as JSON (- for standard output)")
    grade.add_argument("--junit", metavar="FILE", help="also write JUnit XML (GitLab, Jenkins); - for standard output")
    grade.add_argument("--html", metavar="FILE", help="also write the report as one self-contained HTML page")
    grade.add_argument("--gradescope", metavar="FILE", help="also write Gradescope's results.json; - for standard output")
    grade.add_argument("--classroom", action="store_true",
                       help="GitHub Classroom: the autograding result to $GITHUB_OUTPUT and the Points line")
    grade.add_argument("--github", action="store_true",
                       help="GitHub Actions: annotations on the student's code, a summary to $GITHUB_STEP_SUMMARY")
    grade.add_argument("--lang", choices=["zh", "en"], help="language of the report (default: from the locale)")
    grade.add_argument("--file", action="append", default=[], metavar="ROLE=PATH", help="use PATH for ROLE, e.g. server=my_server.py")
    grade.add_argument("--strict", action="store_true", help="treat every advisory check as required")
    grade.add_argument("--isolation", choices=["auto", "netns", "loopback"], help="network isolation (default: auto)")
    grade.add_argument("--unconfined", action="store_true",
                       help="in CI, grade even where no namespace can keep the programs off this machine's network")
    grade.set_defaults(run=cmd_grade)
    batch = sub.add_parser("batch", parents=[common], help="grade a class: one folder or .zip per student")
    batch.add_argument("exercise", help="exercise id (see `grader list`) or path to its YAML")
    batch.add_argument("submissions", help="the folder that holds one folder or .zip per student (named by the id)")
    batch.add_argument("--out", required=True, help="where the gradebook, the results and the database go")
    batch.add_argument("--jobs", type=int, help="warm workers grading at once (default: twice the cores, at most 8)")
    batch.add_argument("--resume", action="store_true", help="grade only what is not graded yet or changed since")
    batch.add_argument("--lang", choices=["zh", "en"], help="language of the reports (default: from the locale)")
    batch.add_argument("--deadline", type=float, metavar="SECONDS", help="the longest one grading may take")
    batch.add_argument("--roster", metavar="FILE", help="CSV: folder, number, name, email, section; adds moodle.csv and canvas.csv")
    batch.add_argument("--isolation", choices=["auto", "netns", "loopback"], help="network isolation (default: auto)")
    batch.add_argument("--unconfined", action="store_true",
                       help="grade even where no namespace can keep the programs off this machine's network")
    batch.add_argument("--scheduler", metavar="tcp://HOST:8786", help="grade on this Dask cluster (pip install 'netgrader[dask]')")
    batch.set_defaults(run=cmd_batch)
    report = sub.add_parser("report", parents=[common], help="write a batch's gradebook and results again from its database")
    report.add_argument("out", help="the batch's --out folder")
    report.add_argument("--lang", choices=["zh", "en"])
    report.add_argument("--roster", metavar="FILE", help="as for batch")
    report.add_argument("--exercise", metavar="ID", help="which exercise's batch, when the folder holds several")
    report.set_defaults(run=cmd_report)
    scope = sub.add_parser("gradescope", parents=[common], help="build the autograder.zip Gradescope takes")
    scope.add_argument("exercise", help="exercise id (see `grader list`) or path to its YAML")
    scope.add_argument("--out", default="autograder.zip", help="where the zip goes (default: autograder.zip)")
    scope.add_argument("--lang", choices=["zh", "en"], help="language of the students' reports")
    scope.set_defaults(run=cmd_gradescope)
    listing = sub.add_parser("list", parents=[common], help="list the exercises")
    listing.add_argument("--lang", choices=["zh", "en"])
    listing.set_defaults(run=cmd_list)
    validate = sub.add_parser("validate", parents=[common], help="check exercise YAML files")
    validate.add_argument("files", nargs="+")
    validate.set_defaults(run=cmd_validate)
    doctor = sub.add_parser("doctor", parents=[common], help="what this machine gives the sandbox, and what is missing")
    doctor.add_argument("--json", action="store_true", help="the parts as JSON")
    doctor.set_defaults(run=cmd_doctor)
    return parser


def _stop(signum, frame):
    raise KeyboardInterrupt  # unwinds through every check's clean-up


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    signal.signal(signal.SIGTERM, _stop)
    try:
        for folder in args.exercises:
            if not Path(folder).is_dir():
                raise GraderError(f"--exercises {folder}: no such folder")
        if args.exercises:  # the workers a batch starts inherit it
            os.environ[ENVIRONMENT] = os.pathsep.join([*args.exercises, *filter(None, [os.environ.get(ENVIRONMENT)])])
        return args.run(args)
    except GraderError as exc:
        from .i18n import error_text

        print(f"grader: {error_text(exc, getattr(args, 'lang', None) or default_lang())}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("grader: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `grader list | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
