# The spy rewrites the addresses a program's sockets name, but `_socket`, the module under
# `socket`, passes it by. A UDP connect() sends no packet: it only asks the kernel for a route,
# which shows whether this program could reach the machine's network at all.
import _socket, sys

probe = _socket.socket(_socket.AF_INET, _socket.SOCK_DGRAM)
try:
    probe.connect((".".join(["192", "0", "2", "1"]), 9))  # TEST-NET-1, never answered; made here, so no
    # classroom address in the source is added to the check's own network
    print("ESCAPED: a route to the machine's network, from", probe.getsockname()[0], file=sys.stderr)
except OSError as error:
    print(f"contained: no route out ({error.strerror})", file=sys.stderr)
sys.exit(1)
