"""Suites of TLS 1.1/1.0/SSL 3 next to TLS 1.2, against a scripted server with a cipher list per version.

The prober takes the old versions' suites from TLS 1.2 when the server's single pick at that version is the
predicted one, and enumerates the version in full when it is not. These servers break the "one list for
every version" rule on purpose; ``test_prober_openssl.py`` has the real (one-list) server.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping, Sequence

from domeinwacht.net.tls import probe_tls
from domeinwacht.observations.tls import TlsObservation
from domeinwacht.scan.env import ScanEnv, ScanOptions
from domeinwacht.tls_registry import SUITES, TLS10, TLS11, TLS12

AES128_SHA = 0x002F
AES256_SHA = 0x0035
DES_CBC3_SHA = 0x000A
EXT_SUPPORTED_VERSIONS = 43


def _client_hello(data: bytes) -> tuple[int, list[int], bool]:
    """(client_version, offered suites, offers TLS 1.3) of one ClientHello record."""
    body = data[5 + 4 :]
    version = int.from_bytes(body[:2], "big")
    at = 2 + 32
    at += 1 + body[at]
    n = int.from_bytes(body[at : at + 2], "big")
    suites = [int.from_bytes(body[at + 2 + i : at + 4 + i], "big") for i in range(0, n, 2)]
    at += 2 + n
    at += 1 + body[at]
    tls13 = False
    if at + 2 <= len(body):
        end = at + 2 + int.from_bytes(body[at : at + 2], "big")
        at += 2
        while at + 4 <= end:
            ext, size = int.from_bytes(body[at : at + 2], "big"), int.from_bytes(body[at + 2 : at + 4], "big")
            if ext == EXT_SUPPORTED_VERSIONS and b"\x03\x04" in body[at + 4 : at + 4 + size]:
                tls13 = True
            at += 4 + size
    return version, suites, tls13


def _handshake(msg_type: int, body: bytes) -> bytes:
    return bytes([msg_type]) + len(body).to_bytes(3, "big") + body


def _flight(version: int, suite: int) -> bytes:
    hello = version.to_bytes(2, "big") + os.urandom(32) + b"\x00" + suite.to_bytes(2, "big") + b"\x00"
    payload = _handshake(2, hello) + _handshake(14, b"")
    return b"\x16" + version.to_bytes(2, "big") + len(payload).to_bytes(2, "big") + payload


HANDSHAKE_FAILURE = b"\x15\x03\x01\x00\x02\x02\x28"


def probe_scripted(lists: Mapping[int, Sequence[int]], *, server_order: bool = True) -> TlsObservation:
    """A server with one ordered cipher list per version (no TLS 1.3), following its order or the client's."""

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            header = await reader.readexactly(5)
            record = header + await reader.readexactly(int.from_bytes(header[3:5], "big"))
            client_version, offered, tls13 = _client_hello(record)
            version = max((v for v in lists if v <= client_version), default=None)
            pick = None
            if version is not None and not tls13:
                accepted = lists[version]
                ranking = accepted if server_order else [s for s in offered if s in accepted]
                pick = next((s for s in ranking if s in offered), None)
            writer.write(HANDSHAKE_FAILURE if pick is None or version is None else _flight(version, pick))
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    async def run() -> TlsObservation:
        server = await asyncio.start_server(serve, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        env = ScanEnv(ScanOptions(allow_non_public=True, io_timeout=2, target_timeout=30))
        try:
            return await probe_tls("127.0.0.1", port, "localhost", env)
        finally:
            server.close()

    return asyncio.run(run())


def names(*codes: int) -> tuple[str, ...]:
    return tuple(SUITES[c].name for c in codes)


def test_old_versions_with_the_tls12_list_are_taken_from_tls12_with_one_hello_each() -> None:
    same = (AES256_SHA, AES128_SHA)
    obs = probe_scripted({TLS12: same, TLS11: same, TLS10: same})
    assert obs.error is None, obs.error
    assert obs.versions == ("TLSv1.2", "TLSv1.1", "TLSv1.0")
    for version in ("TLSv1.2", "TLSv1.1", "TLSv1.0"):
        entry = obs.suites_for(version)
        assert entry is not None
        assert (entry.suites, entry.server_preference) == (names(*same), True)
    # TLS 1.1, TLS 1.0 and the SSL 3 refusal: one hello each.
    assert dict(obs.connections_by_step)["older"] == 3


def test_a_suite_only_an_old_version_accepts_is_found_when_the_server_prefers_it() -> None:
    obs = probe_scripted({TLS12: (AES256_SHA, AES128_SHA), TLS10: (DES_CBC3_SHA, AES128_SHA)})
    assert obs.versions == ("TLSv1.2", "TLSv1.0")
    tls10 = obs.suites_for("TLSv1.0")
    assert tls10 is not None
    assert tls10.suites == names(DES_CBC3_SHA, AES128_SHA)
    assert tls10.server_preference is True


def test_an_old_version_accepting_fewer_suites_than_tls12_is_enumerated() -> None:
    # The server's TLS 1.2 favourite is not accepted in TLS 1.1: the pick differs from the prediction.
    obs = probe_scripted({TLS12: (AES256_SHA, AES128_SHA), TLS11: (AES128_SHA,)})
    tls11 = obs.suites_for("TLSv1.1")
    assert tls11 is not None
    assert tls11.suites == names(AES128_SHA)


def test_a_suite_only_an_old_version_accepts_is_found_when_the_server_follows_the_client() -> None:
    obs = probe_scripted(
        {TLS12: (AES256_SHA, AES128_SHA), TLS10: (AES128_SHA, AES256_SHA, DES_CBC3_SHA)}, server_order=False
    )
    tls12, tls10 = obs.suites_for("TLSv1.2"), obs.suites_for("TLSv1.0")
    assert tls12 is not None and tls10 is not None
    assert tls12.server_preference is False
    assert set(tls10.suites) == set(names(AES128_SHA, AES256_SHA, DES_CBC3_SHA))
    assert tls10.server_preference is False


def test_an_old_version_of_a_client_order_server_with_the_tls12_list_costs_one_hello() -> None:
    same = (AES256_SHA, AES128_SHA)
    obs = probe_scripted({TLS12: same, TLS10: same}, server_order=False)
    tls10 = obs.suites_for("TLSv1.0")
    assert tls10 is not None
    assert (set(tls10.suites), tls10.server_preference) == (set(names(*same)), False)
    # The TLS 1.1 hello (answered with TLS 1.0) and the SSL 3 refusal.
    assert dict(obs.connections_by_step)["older"] == 2
