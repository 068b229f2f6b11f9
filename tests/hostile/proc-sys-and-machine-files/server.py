# security.md: "/proc/sys, sysrq-trigger, irq, bus, fs read-only", the machine's /proc files
# masked as Docker masks them. Checks each: is the mount read-only (statvfs), can it write its
# own namespace's network settings or the one world-writable file (kernel/ns_last_pid), and what
# of the machine it still reads (the kernel's command line, modules, slabs, memory map, mounts
# of the machine's devices, the interrupts of every CPU).
import os, sys

ro, rw, wrote, refused, readable = [], [], [], [], []
for path in ("/proc/sys", "/proc/sys/net", "/proc/sys/kernel", "/proc/irq", "/proc/bus", "/proc/fs", "/proc/pressure"):
    try:
        (ro if os.statvfs(path).f_flag & os.ST_RDONLY else rw).append(path)
    except OSError as error:
        refused.append(f"{path} ({error.strerror})")
for path, value in (("/proc/sys/net/ipv4/ip_unprivileged_port_start", "0"), ("/proc/sys/net/ipv4/ping_group_range", "0 2147483647"),
                    ("/proc/sys/net/core/somaxconn", "4096"), ("/proc/sys/kernel/ns_last_pid", "100"),
                    ("/proc/sys/net/ipv4/ip_forward", "0"), ("/proc/sysrq-trigger", "")):
    try:
        current = open(path).read().strip() if path != "/proc/sysrq-trigger" else ""
        with open(path, "w") as setting:
            setting.write(value or current)  # writes back what is there where the value is the machine's
        wrote.append(path)
    except OSError as error:
        refused.append(f"write {path} ({error.strerror})")
for path in ("/proc/cmdline", "/proc/modules", "/proc/slabinfo", "/proc/iomem", "/proc/vmallocinfo", "/proc/sched_debug",
             "/proc/kcore", "/proc/kallsyms", "/proc/timer_list", "/proc/keys", "/proc/config.gz", "/proc/interrupts",
             "/proc/self/mountinfo", "/proc/diskstats", "/proc/sys/kernel/random/boot_id", "/proc/sys/fs/binfmt_misc/status"):
    try:
        with open(path, "rb") as file:
            data = file.read(200)
        readable.append(f"{path} ({len(data)} bytes{': ' + data[:60].decode(errors='replace').strip() if path == '/proc/cmdline' else ''})")
    except OSError as error:
        refused.append(f"read {path} ({error.strerror})")
summary = (f"read-only mounts: {ro}; NOT read-only: {rw}; wrote: {wrote or 'nothing'}; "
           f"readable: {', '.join(readable)}; refused: {', '.join(refused)}")
if wrote:
    print("ESCAPED:", summary, f"[uid {os.getuid()}]", file=sys.stderr)
else:
    print("contained:", summary, f"[uid {os.getuid()}]", file=sys.stderr)
sys.exit(1)
