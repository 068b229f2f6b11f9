"""One function per YAML step kind: each turns the step's arguments into calls on the probe
API (grader/probe.py). The arguments were validated by grader/spec.py, defaults filled in.
"""

from __future__ import annotations

from .probe import Probe
from .spec import Step


def payload(args) -> bytes:
    """The bytes a `send` step describes: `text` (UTF-8) or `hex`, `repeat` times."""
    if "hex" in args:
        data = bytes.fromhex(args["hex"])
    else:
        data = args.get("text", "").encode("utf-8")
    return data * args["repeat"]


def start(probe: Probe, args):
    probe.start_student(args["student"], stdin=args["stdin"], eof=args["eof"])


def listening(probe: Probe, args):
    probe.student(args["student"]).expect_listening(args["port"], within=args["within"])


def send(probe: Probe, args):
    probe.client(args["port"], args["from"]).send(payload(args))


def connect(probe: Probe, args):
    probe.client(args["port"], args["from"]).connect(within=args["within"])


def closed(probe: Probe, args):
    probe.existing_client(args["from"]).expect_closed(within=args["within"])


def hang_up(probe: Probe, args):
    probe.existing_client(args["from"]).close()


def get(probe: Probe, args):
    probe.client(args["port"], args["from"]).get(args["path"], within=args["within"])


def response(probe: Probe, args):
    probe.existing_client(args["from"]).expect_response(
        status=args["status"], content_type=args.get("content_type"), content_length=args["content_length"],
        body_contains=args.get("body_contains"))


def reply(probe: Probe, args):
    client = probe.existing_client(args["from"])
    expected = {key: args[key] for key in ("equals", "contains", "matches") if key in args}
    if "equals" in expected and args["repeat"] > 1:
        expected["equals"] = expected["equals"] * args["repeat"]
    client.expect_reply(**expected, within=args["within"])


def alive(probe: Probe, args):
    probe.student(args["student"]).expect_alive()


def peer(probe: Probe, args):
    probe.peer(args["port"], reply=args["reply"], text=args.get("text"), file=args.get("file"),
               missing=args["missing"], silent_on=args["silent_on"])


def type_(probe: Probe, args):
    probe.student(args["student"]).type(args["line"])


def stdout(probe: Probe, args):
    probe.student(args["student"]).expect_stdout(contains=args.get("contains"), matches=args.get("matches"),
                                                 within=args["within"])


def exit_(probe: Probe, args):
    probe.student(args["student"]).expect_exit(code=args["code"], within=args["within"])


def received(probe: Probe, args):
    probe.sandbox.peers[args["port"]].expect_received(args["equals"], allow_extra=args["allow_extra"],
                                                      within=args["within"])


RUNNERS = {
    "start": start,
    "listening": listening,
    "send": send,
    "connect": connect,
    "closed": closed,
    "hang_up": hang_up,
    "get": get,
    "response": response,
    "reply": reply,
    "alive": alive,
    "peer": peer,
    "type": type_,
    "stdout": stdout,
    "exit": exit_,
    "received": received,
}


def run(probe: Probe, step: Step) -> None:
    RUNNERS[step.kind](probe, step.args)
