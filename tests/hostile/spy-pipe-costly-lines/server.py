# The grader reads the spy's pipe to 5,000 lines and each line to ~72 KB, and hands every line to
# ast.literal_eval in the grader's own process: outside the check's control group, under the
# grader's GIL. A line of 32,000 small integers is a valid literal that takes tens of ms to
# parse. The program writes such lines as fast as the grader takes them, then binds for real:
# the grader's time spent is what the pipe's pace shows (its buffer holds only 64 KB).
import os, socket, sys, time

fd = int(dict(item.split("=", 1) for item in os.environ.get("NETGRADER_SPY", "fd=3").split())["fd"])
line = ("[" + "1," * 32700 + "]\n").encode()
started, sent = time.monotonic(), 0
os.set_blocking(fd, True)
while sent < 5000 and time.monotonic() - started < 2.5:
    os.write(fd, line)
    sent += 1
elapsed = time.monotonic() - started
per_line = elapsed / max(sent, 1) * 1000
msg = (f"the grader took {sent} lines of {len(line) >> 10} KB in {elapsed:.2f} s ({per_line:.1f} ms of its time a line, "
       f"~{per_line * 5000 / 1000:.0f} s for the 5,000 it reads) [uid {os.getuid()}]")
if per_line > 5:
    print("ESCAPED:", msg, file=sys.stderr)
else:
    print("contained:", msg, file=sys.stderr)
sys.exit(1)
