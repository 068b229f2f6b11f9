import socket

words = {}
with open("dict.txt", encoding="utf-8") as f:
    for line in f:
        if line.strip():
            k, v = line.strip().split(" ", 1)
            words[k] = v.strip()

with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
    s.bind(("0.0.0.0", 8888))
    print("Dictionary server running on port 8888")
    while True:
        data, addr = s.recvfrom(1024)
        w = data.decode("utf-8")
        s.sendto(words.get(w, "Word not found").encode("utf-8"), addr)
