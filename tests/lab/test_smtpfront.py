"""The SMTP STARTTLS front (lab/smtpfront.py): SMTP up to STARTTLS, then raw bytes to the TLS server behind it.

The first tests run the front's handler on loopback against a stand-in backend (no root needed); the last one
talks to the running lab's front on a gnutls MX (needs root).
"""

from __future__ import annotations

import asyncio
import socket

import pytest

from domeinwacht.lab.smtpfront import handler, reply_to


def test_ehlo_offers_starttls_on_its_last_line():
    text, then = reply_to("EHLO scanner.example", "mx.front.test")
    lines = text.decode().split("\r\n")[:-1]
    assert lines[0] == "250-mx.front.test Domeinwacht lab front"
    assert lines[-1] == "250 STARTTLS"
    assert then == "stay"


@pytest.mark.parametrize(
    ("command", "code", "then"),
    [
        ("STARTTLS", "220", "tls"),
        ("quit", "221", "close"),
        ("NOOP", "250", "stay"),
        ("RSET", "250", "stay"),
        ("MAIL FROM:<a@b.test>", "530", "stay"),
        ("VRFY postmaster", "502", "stay"),
        ("", "502", "stay"),
    ],
)
def test_plain_text_commands_get_polite_answers(command, code, then):
    text, after = reply_to(command, "mx.front.test")
    assert text.decode().startswith(code + " ")
    assert after == then


async def _talk_through_front(payload: bytes) -> tuple[list[bytes], bytes, bytes]:
    """Banner, EHLO, STARTTLS through the front; then ``payload`` to an echoing backend. Returns the SMTP
    lines read, what came back after STARTTLS, and what the backend received."""
    received = bytearray()

    async def backend(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        data = await reader.read(1024)
        received.extend(data)
        writer.write(data[::-1])
        await writer.drain()
        writer.close()

    back = await asyncio.start_server(backend, "127.0.0.1", 0)
    back_port = back.sockets[0].getsockname()[1]
    front = await asyncio.start_server(handler("mx.front.test", back_port), "127.0.0.1", 0)
    front_port = front.sockets[0].getsockname()[1]
    async with back, front:
        reader, writer = await asyncio.open_connection("127.0.0.1", front_port)
        lines = [await reader.readline()]
        writer.write(b"EHLO scanner.example\r\n")
        while not (line := await reader.readline()).startswith(b"250 "):
            lines.append(line)
        lines.append(line)
        writer.write(b"STARTTLS\r\n")
        lines.append(await reader.readline())
        writer.write(payload)
        echoed = await asyncio.wait_for(reader.read(1024), 5)
        writer.close()
    return lines, echoed, bytes(received)


def test_after_starttls_the_front_splices_raw_bytes_both_ways():
    client_hello_like = b"\x16\x03\x01\x00\x05hello"
    lines, echoed, received = asyncio.run(_talk_through_front(client_hello_like))
    assert lines[0].startswith(b"220 mx.front.test ")
    assert b"250 STARTTLS\r\n" in lines
    assert lines[-1].startswith(b"220 ")
    assert received == client_hello_like
    assert echoed == client_hello_like[::-1]


@pytest.mark.lab
def test_the_labs_front_answers_ehlo_with_starttls(lab):
    front = next(s for s in lab.status["mail_servers"].values() if s["server"] == "gnutls")
    with socket.create_connection((front["ipv4"][0], 25), timeout=10) as conn:
        stream = conn.makefile("rwb")
        banner = stream.readline()
        stream.write(b"EHLO scanner.example\r\nQUIT\r\n")
        stream.flush()
        replies = [stream.readline() for _ in range(5)]
    assert banner.startswith(b"220 " + front["host"].encode())
    assert b"250 STARTTLS\r\n" in replies
    assert replies[-1].startswith(b"221 ")
