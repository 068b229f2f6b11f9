"""netgrader: grades students' socket programs. `from grader import Grader` (grader/engine.py)
is the library; `grader` on the command line (grader/cli.py) is a thin shell over it."""


def __getattr__(name):  # imported on first use: `grader list` and the students' spy never pay for pytest
    if name == "Grader":
        from .engine import Grader

        return Grader
    raise AttributeError(f"module 'grader' has no attribute {name!r}")
