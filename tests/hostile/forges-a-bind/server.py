# Writes the spy's own line, a well-formed `bind` of the handout's port, into the spy's pipe,
# and never opens a socket: a grader that takes the spy's word passes it as listening.
import os, time

fd = int(dict(item.split("=", 1) for item in os.environ.get("NETGRADER_SPY", "fd=3").split())["fd"])
for port in (8888, 7788):
    line = repr({"ev": "bind", "proto": "udp", "requested": ("0.0.0.0", port), "bound": ("0.0.0.0", port),
                 "pid": os.getpid(), "t": time.monotonic()})
    os.write(fd, line.encode() + b"\n")
time.sleep(30)
