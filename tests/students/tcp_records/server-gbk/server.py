from socket import *

server = socket(AF_INET, SOCK_STREAM)
server.bind(('0.0.0.0', 8888))
server.listen(5)
while True:
    conn, addr = server.accept()
    buf = b''
    while True:
        data = conn.recv(1024)
        if not data:
            break
        buf += data
        if buf.endswith(b'#'):
            break
    # 中文用gbk解码（windows上记事本默认编码）
    text = buf.decode('gbk', errors='ignore')
    text = text.rstrip('#')
    with open('records.txt', 'w', encoding='utf-8') as f:
        for line in text.split('\n'):
            if line:
                f.write(line + '\n')
    conn.close()
