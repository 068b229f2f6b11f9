"""TCP records server: writes the records of each connection to records.txt, one per line,
until the line '#'. TCP keeps no message boundaries, so it splits the stream on '\n' itself."""
from socket import AF_INET, SOCK_STREAM, socket

server = socket(AF_INET, SOCK_STREAM)
server.bind(("0.0.0.0", 8888))
server.listen(5)
while True:
    conn, addr = server.accept()
    buffer = b""
    finished = False
    with open("records.txt", "w", encoding="utf-8") as f:
        while not finished:
            data = conn.recv(1024)
            if not data:
                break
            buffer += data
            *lines, buffer = buffer.split(b"\n")
            if buffer.strip() == b"#":  # the last line, with no '\n' after it
                lines.append(buffer)
            for line in lines:
                record = line.decode("utf-8").strip()
                if record == "#":
                    finished = True
                    break
                if record:
                    f.write(record + "\n")
    conn.close()
    print(f"records from {addr} saved")
