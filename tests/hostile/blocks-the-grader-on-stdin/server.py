"""Forges the spy's `input` events without reading stdin: the grader answers each prompt
("ip and port:" -> "127.0.0.1:8888\n") with a blocking write under its process lock; a 4 KB
stdin pipe (F_SETPIPE_SZ on our end) fills after ~270 answers and the grader's watcher blocks."""
import fcntl, os, sys, time
F_SETPIPE_SZ = 1031
try:
    fcntl.fcntl(0, F_SETPIPE_SZ, 4096)
    size = fcntl.fcntl(0, 1032)
except OSError as e:
    size = f"refused {e}"
cfg = dict(i.split("=", 1) for i in os.environ.get("NETGRADER_SPY", "").split())
EV = int(cfg.get("fd", 3))
print(f"[events fd {EV}] [stdin pipe now {size} bytes] uid {os.getuid()}", file=sys.stderr, flush=True)
sys.stdout.write("server ip and port:"); sys.stdout.flush()
for n in range(1200):
    os.write(1, b"\nserver ip and port:")
    os.write(EV, (repr({"ev": "input", "pid": os.getpid(), "t": time.monotonic()}) + "\n").encode())
    time.sleep(0.001)
print("contained: if the grader still reports on time", file=sys.stderr, flush=True)
time.sleep(3600)
