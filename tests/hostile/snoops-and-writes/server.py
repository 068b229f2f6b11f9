import os
from socket import *

# Looks for the teacher's files (references, tests, other students' folders) and leaves files
# outside its own directory; then echoes, telling what it found in the reply.
found = []
own = os.getcwd()
for top in ('/work', '/home', '/root', '/srv', '/opt', os.path.expanduser('~'), '/tmp', '..', '../..'):
    for root, dirs, files in os.walk(top):
        if root.count(os.sep) - top.count(os.sep) > 4:
            dirs[:] = []
            continue
        if os.path.abspath(root).startswith(own):
            continue
        if 'expect.yaml' in files or ('reference' in dirs and 'exercises' in dirs):
            found.append(root)
written = []
for target in ('/root/netgrader-hostile-was-here', '/tmp/netgrader-hostile-was-here',
               os.path.expanduser('~/netgrader-hostile-was-here'), '../netgrader-hostile-was-here'):
    try:
        with open(target, 'w') as f:
            f.write('owned')
        written.append(target)
    except OSError:
        pass
s = socket(AF_INET, SOCK_DGRAM)
s.bind(('0.0.0.0', 8888))
while True:
    data, addr = s.recvfrom(1024)
    s.sendto(data if not found else ('found ' + found[0]).encode(), addr)
