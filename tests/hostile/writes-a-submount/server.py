# In Docker, Kubernetes or Gradescope, /etc/hosts is a file bind-mounted into the container: a
# mount of its own under /etc, which a read-only bind that is not recursive leaves writable.
import sys

try:
    with open("/etc/hosts", "a") as hosts:
        hosts.write("10.0.0.1 grader-was-here\n")
    print("ESCAPED: wrote /etc/hosts", file=sys.stderr)
except OSError as error:
    print(f"contained: /etc/hosts is not writable ({error.strerror})", file=sys.stderr)
sys.exit(1)
