import socket

with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
    while True:
        w = input("Enter a word: ")
        if w in ("", "##"):
            print("Goodbye")
            break
        s.sendto(w.encode("utf-8"), ("127.0.0.1", 8888))
        reply = s.recvfrom(1024)[0]
        print("Meaning:", reply.decode("utf-8"))
