import os
import signal
import sys
import time

# leaves its session twice over, ignores SIGTERM, and lives on after its parent exits
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
        while True:
            time.sleep(1)
    os._exit(0)
sys.exit(0)
