"""Why a check can go wrong, drawn as one hierarchy.

    Exception
     ├── CheckFailed        the student's program did not do what the handout asks;
     │                      carries a failure kind and the facts a message is built from
     └── GraderError        nothing to do with the student's code; the CLI exits 2
          ├── SpecError         an exercise YAML is malformed (names file:line)
          ├── SubmissionError   the submission folder cannot be graded at all
          └── HarnessError      the grader itself could not do its job (no namespace, ...)

Low-level OSErrors are translated into these at the boundary where they happen, so the
reporters only ever see a kind and its parameters, never a socket error.
"""


class CheckFailed(Exception):
    """The student's program failed a step. `kind` selects the message and hint in the
    catalogs (grader/i18n); `params` fill them in."""

    def __init__(self, kind: str, **params):
        super().__init__(kind)
        self.kind = kind
        self.params = params

    def __str__(self):
        shown = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"{self.kind}({shown})"


class GraderError(Exception):
    """A problem the student did not cause. Its text is shown as is, without a traceback."""


class SpecError(GraderError):
    """A malformed exercise file; the message starts with `file:line:`."""


class SubmissionError(GraderError):
    """The submission path is missing, empty or not a folder."""


class HarnessError(GraderError):
    """The grader could not set up or run a check (missing tool, namespace refused, ...)."""
