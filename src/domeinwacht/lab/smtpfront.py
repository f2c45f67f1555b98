"""SMTP STARTTLS front: the plain-text part of SMTP, then the raw TLS bytes spliced to a TLS server behind it.

Postfix cannot staple OCSP and OpenSSL always speaks RFC 5746, so the lab puts gnutls-serv behind port 25 for
those MX variants. ``gnutls-serv`` speaks TLS from the first byte; this front answers the SMTP conversation up
to STARTTLS (RFC 3207) and then copies bytes both ways between the client and ``127.0.0.1:<backend>`` without
looking at them. TLS — handshake, renegotiation, OCSP stapling — is entirely the backend's.

Run inside the lab namespace as ``python -m domeinwacht.lab.smtpfront CONFIG.json``; the config is a list of
``{"name", "host", "listen": [ip, ...], "backend": port}``. Before STARTTLS it answers: a ``220`` banner,
``EHLO`` (``250`` with ``STARTTLS``), ``HELO``, ``NOOP``, ``RSET``, ``QUIT`` (``221``); ``MAIL``/``RCPT``/
``DATA`` get ``530 5.7.0 Must issue a STARTTLS command first``, anything else ``502``. After the TLS
handshake the backend (``gnutls-serv --echo``) echoes what it receives: a client's ``QUIT`` inside TLS comes
back as ``QUIT``, not as ``221`` — the front cannot read inside TLS.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
from pathlib import Path
from typing import Any

MAX_LINE = 2048
IDLE = 60.0  # seconds a client may stay silent before the plain-text part is closed


def reply_to(command: str, host: str) -> tuple[bytes, str]:
    """The reply to one plain-text SMTP command line and what follows: ``stay``, ``close`` or ``tls``."""
    verb = command.split(maxsplit=1)[0].upper() if command.strip() else ""
    if verb == "EHLO":
        lines = [f"{host} Domeinwacht lab front", "SIZE 10240000", "8BITMIME", "STARTTLS"]
        text = "".join(f"250-{line}\r\n" for line in lines[:-1]) + f"250 {lines[-1]}\r\n"
        return text.encode(), "stay"
    answers = {
        "HELO": (f"250 {host}\r\n", "stay"),
        "STARTTLS": ("220 2.0.0 Ready to start TLS\r\n", "tls"),
        "NOOP": ("250 2.0.0 OK\r\n", "stay"),
        "RSET": ("250 2.0.0 OK\r\n", "stay"),
        "QUIT": ("221 2.0.0 Bye\r\n", "close"),
        "MAIL": ("530 5.7.0 Must issue a STARTTLS command first\r\n", "stay"),
        "RCPT": ("530 5.7.0 Must issue a STARTTLS command first\r\n", "stay"),
        "DATA": ("530 5.7.0 Must issue a STARTTLS command first\r\n", "stay"),
    }
    text, then = answers.get(verb, ("502 5.5.2 Error: command not recognized\r\n", "stay"))
    return text.encode(), then


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        with contextlib.suppress(Exception):
            writer.close()


async def _splice(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, backend: int) -> None:
    """Bytes both ways between the client and the backend until either side closes (buffered bytes included)."""
    try:
        b_reader, b_writer = await asyncio.open_connection("127.0.0.1", backend)
    except OSError:
        return
    await asyncio.gather(_pipe(reader, b_writer), _pipe(b_reader, writer))


def handler(host: str, backend: int) -> Any:
    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            writer.write(f"220 {host} ESMTP Domeinwacht lab front\r\n".encode())
            await writer.drain()
            while True:
                line = await asyncio.wait_for(reader.readuntil(b"\n"), IDLE)
                answer, then = reply_to(line.decode("ascii", "replace").strip(), host)
                writer.write(answer)
                await writer.drain()
                if then == "close":
                    break
                if then == "tls":
                    await _splice(reader, writer, backend)
                    return
        except (TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError, OSError):
            pass
        finally:
            with contextlib.suppress(Exception):
                writer.close()

    return serve


async def serve_all(config: list[dict[str, Any]]) -> None:
    servers = []
    for entry in config:
        for ip in entry["listen"]:
            servers.append(
                await asyncio.start_server(handler(entry["host"], int(entry["backend"])), ip, 25, limit=MAX_LINE)
            )
    print(f"smtp front listening for {len(config)} mail servers", flush=True)
    await asyncio.gather(*(s.serve_forever() for s in servers))


def main(argv: list[str]) -> int:
    config = json.loads(Path(argv[0]).read_text())
    asyncio.run(serve_all(config))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
