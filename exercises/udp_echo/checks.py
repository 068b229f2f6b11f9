"""A check written as a plain pytest function, the way a teacher adds one the YAML cannot say.

The `probe` fixture gives a fresh sandbox for the exercise being graded; the markers give the
check its id, title, points and the check it builds on.
"""

import pytest


@pytest.mark.check(
    id="server-keeps-order",
    title={"zh": "服务器按顺序返回连续发送的消息", "en": "the server answers a burst of messages in order"},
    needs="server-echoes",
)
def test_server_keeps_order(probe):
    server = probe.start_student("server")
    server.expect_listening("echo", within=3)
    client = probe.udp("echo", "burst")
    messages = [f"message {n}" for n in range(5)]
    for message in messages:
        client.send(message)
    for message in messages:
        client.expect_reply(equals=message, within=2)
    server.expect_alive()
