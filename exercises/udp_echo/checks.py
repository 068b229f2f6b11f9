"""A check written as a plain pytest function, the way a teacher adds one the YAML cannot say.

The `probe` fixture gives a fresh sandbox for the exercise being graded; the marker gives the
check its id, title, points, help (with the failures it is for) and the check it builds on. A plain `assert` fails the
check with its message.
"""

import pytest


@pytest.mark.check(
    id="server-replies-from-its-socket",
    title={"zh": "服务器用绑定 8888 的套接字回复", "en": "the server replies from the socket bound to 8888"},
    needs="server-echoes",
    help={
        "zh": "用接收消息的同一个套接字 sendto 回复；新建的套接字端口不同，connect() 过的客户端会丢掉这个回复",
        "en": "reply with sendto on the socket that received the message; a new socket has another port, "
        "and a client that used connect() drops such replies",
        "for": ["assertion"],  # the failures this help was written for; any other gets its own hint
    },
)
def test_server_replies_from_its_socket(probe):
    server = probe.start_student("server")
    host, port = server.expect_listening("echo", within=3)
    client = probe.udp("echo", "checker")
    client.send("where are you?")
    client.expect_reply(equals="where are you?", within=2)
    assert client.last_sender[1] == port, (
        f"the reply came from port {client.last_sender[1]}, not from the server's port {port}"
    )
