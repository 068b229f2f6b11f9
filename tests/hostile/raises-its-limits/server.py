# Tries to lift the check's limits from inside: the hard rlimits, its control group's files,
# a fresh control-group hierarchy of its own.
import os, resource, sys

lifted = []
for limit in (resource.RLIMIT_CPU, resource.RLIMIT_NOFILE, resource.RLIMIT_FSIZE):
    soft, hard = resource.getrlimit(limit)
    try:
        resource.setrlimit(limit, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
        lifted.append(f"rlimit {limit}")
    except (ValueError, OSError):
        pass
for line in open("/proc/self/cgroup"):
    path = line.strip().split(":", 2)[2]
    for name in ("pids.max", "memory.max", "memory.limit_in_bytes"):
        for base in ("/sys/fs/cgroup", "/sys/fs/cgroup/pids", "/sys/fs/cgroup/memory"):
            try:
                with open(f"{base}{path}/{name}", "w") as limit:
                    limit.write("max" if name != "memory.limit_in_bytes" else str(4 << 30))
                lifted.append(f"{base}{path}/{name}")
            except OSError:
                pass
if lifted:
    print("ESCAPED:", ", ".join(lifted), file=sys.stderr)
    open("/tmp/netgrader-hostile-lifted-its-limits", "w").write("x")
else:
    print("contained: the limits stay where the grader put them", file=sys.stderr)
sys.exit(1)
