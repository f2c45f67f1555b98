"""The scripted DEFLATE TLS front (lab/deflatefront.py) on 127.0.0.1, with a Python TLS server behind it.

Our prober must see TLS compression selected (its TLS 1.2 hellos offer DEFLATE), while a real client's
handshake (null compression only) is spliced to the backend and completes.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import ssl
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from hypothesis import given, settings
from hypothesis import strategies as st

from domeinwacht.checks.registry import CheckContext, evaluate
from domeinwacht.checks.result import Status
from domeinwacht.lab.deflatefront import (
    DEFLATE,
    ClientHello,
    Identity,
    NotAHello,
    handler,
    parse_client_hello,
    scripted,
    server_flight,
)
from domeinwacht.net.tls import _wire as w
from domeinwacht.net.tls import probe_tls
from domeinwacht.observations.tls import TlsObservation
from domeinwacht.scan.env import ScanEnv, ScanOptions

KEY = ec.generate_private_key(ec.SECP256R1())
NAME = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "mx.example.nl")])
LEAF = (
    x509.CertificateBuilder()
    .subject_name(NAME)
    .issuer_name(NAME)
    .public_key(KEY.public_key())
    .serial_number(1)
    .not_valid_before(datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))
    .not_valid_after(datetime.datetime(2036, 1, 1, tzinfo=datetime.UTC))
    .add_extension(x509.SubjectAlternativeName([x509.DNSName("mx.example.nl")]), critical=False)
    .sign(KEY, hashes.SHA256())
)
LEAF_DER = LEAF.public_bytes(serialization.Encoding.DER)


@pytest.fixture(scope="module")
def cert_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Key and chain in one PEM file, as the lab writes them (certs/<label>.pem)."""
    path = tmp_path_factory.mktemp("deflate") / "mx.pem"
    key = KEY.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    path.write_bytes(key + LEAF.public_bytes(serialization.Encoding.PEM))
    return path


@contextlib.asynccontextmanager
async def front(cert_file: Path) -> AsyncIterator[int]:
    """The front on a loopback port, splicing to a Python TLS 1.3/1.2 server (null compression only)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file)

    async def echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(Exception):
            writer.write(await reader.readline())
            await writer.drain()
        writer.close()

    backend = await asyncio.start_server(echo, "127.0.0.1", 0, ssl=context)
    server = await asyncio.start_server(
        handler(Identity.load(cert_file), backend.sockets[0].getsockname()[1]), "127.0.0.1", 0
    )
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()
        backend.close()


def probe(cert_file: Path) -> TlsObservation:
    async def run() -> TlsObservation:
        async with front(cert_file) as port:
            env = ScanEnv(ScanOptions(allow_non_public=True, target_timeout=30, connect_timeout=2, io_timeout=3))
            return await probe_tls("127.0.0.1", port, "mx.example.nl", env, purpose="mail")

    return asyncio.run(run())


@pytest.fixture(scope="module")
def observed(cert_file: Path) -> TlsObservation:
    return probe(cert_file)


def test_the_prober_sees_deflate_selected(observed: TlsObservation) -> None:
    assert observed.error is None, observed.error
    assert observed.compression is True


def test_tls_compression_fails_on_the_front(observed: TlsObservation) -> None:
    results = evaluate({"mail_tls": (observed,)}, CheckContext(profile="ncsc-2025-05"))
    assert results["mail.tls.compression"].status is Status.FAIL, results["mail.tls.compression"]


def test_the_front_answers_tls12_like_a_modern_server(observed: TlsObservation) -> None:
    assert "TLSv1.2" in observed.versions and "TLSv1.1" not in observed.versions
    assert observed.secure_renegotiation is True and observed.extended_master_secret is True
    tls12 = observed.suites_for("TLSv1.2")
    assert tls12 is not None
    assert list(tls12.suites) == [
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
    ]


def test_tls13_comes_from_the_real_server_behind_the_front(observed: TlsObservation) -> None:
    assert "TLSv1.3" in observed.versions
    assert observed.chain and observed.chain[0] == LEAF_DER


def test_a_real_client_handshake_is_spliced_to_the_backend(cert_file: Path) -> None:
    async def run() -> bytes:
        async with front(cert_file) as port:
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            reader, writer = await asyncio.open_connection("127.0.0.1", port, ssl=context)
            writer.write(b"hello\n")
            await writer.drain()
            line = await asyncio.wait_for(reader.readline(), 5)
            writer.close()
            return line

    assert asyncio.run(run()) == b"hello\n"


def hello(*, version: int = 0x0303, compression: tuple[int, ...] = (1, 0), **extensions: bytes) -> ClientHello:
    exts = {10: b"\x00\x02\x00\x17", 13: b"\x00\x02\x04\x03", **{int(k[1:]): v for k, v in extensions.items()}}
    return ClientHello(version, bytes(32), b"", (0xC02B,), compression, exts)


def test_only_tls12_hellos_offering_deflate_are_scripted() -> None:
    assert scripted(hello())
    assert not scripted(hello(compression=(0,)))
    assert not scripted(hello(e43=b"\x02\x03\x04"))  # supported_versions: a TLS 1.3 hello


def test_a_hello_below_tls12_gets_protocol_version(cert_file: Path) -> None:
    assert server_flight(hello(version=0x0302), Identity.load(cert_file)) == bytes([21, 3, 3, 0, 2, 2, 70])


def test_a_hello_without_a_common_signature_scheme_gets_handshake_failure(cert_file: Path) -> None:
    sha1_only = hello(e13=b"\x00\x02\x02\x03")
    assert server_flight(sha1_only, Identity.load(cert_file)) == bytes([21, 3, 3, 0, 2, 2, 40])


def test_the_server_hello_selects_deflate(cert_file: Path) -> None:
    flight = server_flight(hello(), Identity.load(cert_file))
    assert flight[0] == 22 and flight[5] == 2  # a handshake record starting with ServerHello
    session_id_length = flight[9 + 34]
    assert flight[9 + 35 + session_id_length + 2] == DEFLATE


def test_garbage_is_not_a_hello() -> None:
    with pytest.raises(NotAHello):
        parse_client_hello(b"\x16\x03\x01\x00\x05\x01\x00\x00\xff")


@settings(deadline=None)
@given(st.binary(max_size=600))
def test_arbitrary_bytes_are_a_hello_or_not_a_hello_never_a_crash(data: bytes) -> None:
    try:
        hello = parse_client_hello(bytes([22, 3, 1]) + len(data).to_bytes(2, "big") + data)
    except NotAHello:
        return
    assert len(hello.random) == 32 and all(0 <= suite <= 0xFFFF for suite in hello.suites)


@settings(deadline=None)
@given(
    st.lists(st.integers(0, 0xFFFF), min_size=1, max_size=40),
    st.sampled_from([(0,), (1, 0)]),
    st.lists(st.integers(0, 0xFFFF), max_size=10),
)
def test_the_hellos_our_prober_builds_parse_back(
    suites: list[int], compression: tuple[int, ...], groups: list[int]
) -> None:
    spec = w.HelloSpec(
        version=0x0303,
        suites=tuple(suites),
        server_name="mx.example.nl",
        groups=tuple(groups),
        signature_algorithms=(0x0403,),
        compression=compression,
        random=bytes(range(32)),
    )
    hello = parse_client_hello(w.record(w.HANDSHAKE, w.build_client_hello(spec)))
    assert (hello.version, hello.suites, hello.compression) == (0x0303, tuple(suites), compression)
    assert hello.u16_list(10) == tuple(groups) and hello.u16_list(13) == (0x0403,)
    assert scripted(hello) is (compression == (1, 0))
