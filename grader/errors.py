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


# Every way a check can fail: the one list the catalogs (fail.KIND, hint.KIND in grader/i18n),
# the JSON's "kind" and the tests go by. A kind not listed here cannot be raised.
FAILURE_KINDS = (
    # the program itself
    "missing_file", "crashed", "decode_error", "encoding_mismatch", "exited", "stopped_by_limit", "busy_loop",
    "did_not_exit", "wrong_exit_status", "wrong_output", "printed_unreceived",
    # a server as the grader's clients see it
    "not_listening", "wrong_port", "refused", "send_failed", "no_reply", "wrong_reply", "truncated", "said_more",
    "not_utf8", "reply_to_wrong_address", "closed_early", "not_closed", "serial_server", "back_to_accept",
    "spins_after_hang_up", "database_left_open", "upload_cut",
    # HTTP
    "response_never_ends", "bad_status_line", "wrong_status", "no_blank_line", "head_after_body", "missing_header",
    "wrong_content_type", "wrong_content_length", "wrong_body", "body_differs", "body_incomplete",
    "browser_error", "browser_loading", "browser_not_image", "browser_broken_image",
    # files a server wrote
    "file_missing", "file_appended", "sentinel_glued", "file_stripped", "file_incomplete", "file_head_missing",
    "file_differs", "spins_on_eof",
    # records ended by a marker (tcp_records), written or sent
    "decoded_as_gbk", "marker_written", "records_glued", "marker_glued", "marker_missing", "records_split",
    "records_missing", "wrong_records", "ignores_marker",
    # what a client sent to the grader's reference server
    "not_sent", "wrong_data", "sent_before_file", "sent_incomplete",
    # decided by the verdict, not raised: a teacher's plain assert, a grader bug
    "assertion", "error",
)


class CheckFailed(Exception):
    """The student's program failed a step. `kind` (one of FAILURE_KINDS) selects the message
    and hint in the catalogs (grader/i18n). The fields every kind shares have one name:
    `expected` (what the handout asks), `actual` (what the program did instead), `script` and
    `exc_line` (where in the student's code, for a crash); `details` are the kind's own facts
    (sizes, ports, the prompt it waits at). Together they fill in the messages."""

    def __init__(self, kind: str, *, expected=None, actual=None, **details):
        if kind not in FAILURE_KINDS:
            raise ValueError(f"unknown failure kind {kind!r}: add it to FAILURE_KINDS and the catalogs")
        super().__init__(kind)
        self.kind = kind
        self.expected = expected
        self.actual = actual
        self.params = {**details, **({"expected": expected} if expected is not None else {}),
                       **({"actual": actual} if actual is not None else {})}

    def __str__(self):
        shown = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"{self.kind}({shown})"


class GraderError(Exception):
    """A problem the student did not cause. Its text is shown as is, without a traceback."""


class SpecError(GraderError):
    """A malformed exercise file; the message starts with `file:line:`."""


class SubmissionError(GraderError):
    """The submission cannot be graded (missing, empty, not UTF-8...): a message of the catalogs,
    so the student reads it in the report's language (grader.i18n.error_text); str() is English.
    Made by grader.i18n.submission_error, which knows the catalogs."""

    def __init__(self, key: str, english: str, **params):
        super().__init__(english)
        self.key, self.params = key, params


class HarnessError(GraderError):
    """The grader could not set up or run a check (missing tool, namespace refused, ...)."""
