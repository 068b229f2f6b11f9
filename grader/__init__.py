"""netgrader: grades students' socket programs. `from grader import Grader` (grader/engine.py)
is the library; `grader` on the command line (grader/cli.py) is a thin shell over it."""


def version() -> str:
    """The installed package's version (what `grader --version` says, and a batch records)."""
    from importlib import metadata

    try:
        return metadata.version("netgrader")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def __getattr__(name):  # imported on first use: `grader list` and the students' spy never pay for pytest
    if name == "Grader":
        from .engine import Grader

        return Grader
    raise AttributeError(f"module 'grader' has no attribute {name!r}")
