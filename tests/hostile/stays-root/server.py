# Looks for what root would keep: its uid, its groups, a capability in any set, a way back to uid 0.
import os, sys

status = {line.split(":")[0]: line.split(":")[1].strip() for line in open("/proc/self/status") if ":" in line}
caps = {name: int(status[name], 16) for name in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb")}
found = []
if os.getuid() == 0 or os.geteuid() == 0:
    found.append("uid 0")
if 0 in os.getgroups() or os.getgid() == 0:
    found.append("group 0")
found += [f"{name} {value:x}" for name, value in caps.items() if value]
try:
    os.setuid(0)
    found.append("setuid(0) worked")
except OSError:
    pass
if status.get("NoNewPrivs") != "1":
    found.append("may gain privileges")
if status.get("Seccomp") != "2":
    found.append("no system-call filter")
if found:
    print("ESCAPED:", ", ".join(found), file=sys.stderr)
    open("/tmp/netgrader-hostile-was-root", "w").write("root")
else:
    print("contained: an ordinary user with no capabilities under a filter", file=sys.stderr)
sys.exit(1)
