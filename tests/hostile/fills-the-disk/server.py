# One file may hold 64 MB (the file-size limit), but nothing limited how many: file after
# file, a program filled the machine's disk. It stops itself at 1 GB.
import os, sys

block, written = b"\0" * (1 << 20), 0
try:
    for number in range(16):
        with open(f"fill-{number}.bin", "wb") as fill:
            for _ in range(63):
                fill.write(block)
                written += 1
    print(f"ESCAPED: wrote {written} MB", file=sys.stderr)
except OSError as error:
    print(f"contained: the disk was full after {written} MB ({error.strerror})", file=sys.stderr)
sys.exit(1)
