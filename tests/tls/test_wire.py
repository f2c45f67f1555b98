"""The ClientHello builder and the parsers of what servers send (RFC 5246, RFC 8446).

Parsers get arbitrary bytes from hostile servers: they must raise only ``TlsProtocolError``.
"""

from __future__ import annotations

import contextlib
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domeinwacht.net.tls import _wire as w
from domeinwacht.net.tls._wire import TlsProtocolError


def u16(v: int) -> bytes:
    return struct.pack(">H", v)


def vec(data: bytes, n: int) -> bytes:
    return len(data).to_bytes(n, "big") + data


def ext(t: int, body: bytes) -> bytes:
    return u16(t) + vec(body, 2)


def server_hello(
    *,
    version: int = 0x0303,
    suite: int = 0xC02F,
    compression: int = 0,
    extensions: bytes = b"",
    random: bytes = b"\x11" * 32,
) -> bytes:
    body = u16(version) + random + vec(b"", 1) + u16(suite) + bytes([compression])
    if extensions:
        body += vec(extensions, 2)
    return bytes([2]) + len(body).to_bytes(3, "big") + body


def parse_client_hello(message: bytes) -> dict[str, object]:
    """A test-side reading of our ClientHello, independent of the production parsers."""
    assert message[0] == 1
    assert int.from_bytes(message[1:4], "big") == len(message) - 4
    body = message[4:]
    pos = 0
    version = int.from_bytes(body[0:2], "big")
    pos = 34
    sid_len = body[pos]
    pos += 1 + sid_len
    suites_len = int.from_bytes(body[pos : pos + 2], "big")
    suites = [int.from_bytes(body[pos + 2 + i : pos + 4 + i], "big") for i in range(0, suites_len, 2)]
    pos += 2 + suites_len
    comp_len = body[pos]
    compression = list(body[pos + 1 : pos + 1 + comp_len])
    pos += 1 + comp_len
    ext_len = int.from_bytes(body[pos : pos + 2], "big")
    pos += 2
    assert pos + ext_len == len(body)
    extensions: dict[int, bytes] = {}
    order: list[int] = []
    while pos < len(body):
        t = int.from_bytes(body[pos : pos + 2], "big")
        n = int.from_bytes(body[pos + 2 : pos + 4], "big")
        extensions[t] = body[pos + 4 : pos + 4 + n]
        order.append(t)
        pos += 4 + n
    return {
        "version": version,
        "session_id_length": sid_len,
        "suites": suites,
        "compression": compression,
        "extensions": extensions,
        "order": order,
    }


# --- ClientHello -------------------------------------------------------------------------------------------


def test_a_tls12_hello_carries_the_suites_in_order_and_offers_deflate() -> None:
    spec = w.HelloSpec(version=0x0303, suites=(0xC02F, 0x009C), compression=(1, 0), groups=(29, 23))
    hello = parse_client_hello(w.build_client_hello(spec))
    assert hello["version"] == 0x0303
    assert hello["suites"] == [0xC02F, 0x009C]
    assert hello["compression"] == [1, 0]


def test_a_tls12_hello_offers_ems_renegotiation_info_and_status_request() -> None:
    hello = parse_client_hello(w.build_client_hello(w.HelloSpec(version=0x0303, suites=(0xC02F,))))
    extensions = hello["extensions"]
    assert isinstance(extensions, dict)
    assert extensions[w.EXT_EXTENDED_MASTER_SECRET] == b""
    assert extensions[w.EXT_RENEGOTIATION_INFO] == b"\x00"
    assert extensions[w.EXT_STATUS_REQUEST] == b"\x01\x00\x00\x00\x00"


def test_sni_carries_the_host_name_but_never_an_ip_literal() -> None:
    named = parse_client_hello(
        w.build_client_hello(w.HelloSpec(version=0x0303, suites=(1,), server_name="www.example.nl"))
    )
    extensions = named["extensions"]
    assert isinstance(extensions, dict)
    assert extensions[w.EXT_SERVER_NAME].endswith(b"www.example.nl")
    literal = parse_client_hello(
        w.build_client_hello(w.HelloSpec(version=0x0303, suites=(1,), server_name="192.0.2.1"))
    )
    assert w.EXT_SERVER_NAME not in literal["extensions"]  # type: ignore[operator]


def test_a_tls13_hello_lists_supported_versions_and_key_shares() -> None:
    spec = w.HelloSpec(
        version=0x0303,
        suites=(0x1301,),
        groups=(29,),
        key_shares=((29, b"\x01" * 32),),
        supported_versions=(0x0304,),
        session_id=b"\x00" * 32,
    )
    hello = parse_client_hello(w.build_client_hello(spec))
    extensions = hello["extensions"]
    assert isinstance(extensions, dict)
    assert extensions[w.EXT_SUPPORTED_VERSIONS] == b"\x02\x03\x04"
    assert extensions[w.EXT_KEY_SHARE] == vec(u16(29) + vec(b"\x01" * 32, 2), 2)
    assert hello["session_id_length"] == 32


def test_an_empty_key_share_list_is_sent_to_force_a_hello_retry_request() -> None:
    spec = w.HelloSpec(version=0x0303, suites=(0x1301,), groups=(29,), key_shares=(), supported_versions=(0x0304,))
    extensions = parse_client_hello(w.build_client_hello(spec))["extensions"]
    assert isinstance(extensions, dict)
    assert extensions[w.EXT_KEY_SHARE] == b"\x00\x00"


def test_the_pre_shared_key_extension_comes_last_and_its_binder_can_be_filled() -> None:
    spec = w.HelloSpec(
        version=0x0303,
        suites=(0x1301,),
        supported_versions=(0x0304,),
        key_shares=(),
        psk_modes=(1,),
        early_data=True,
        psk_identity=(b"ticket", 7),
        psk_binder_length=32,
    )
    message = w.build_client_hello(spec)
    hello = parse_client_hello(message)
    order = hello["order"]
    assert isinstance(order, list)
    assert order[-1] == w.EXT_PRE_SHARED_KEY
    filled = w.fill_binder(message, b"\xaa" * 32)
    assert filled.endswith(b"\x00\x21\x20" + b"\xaa" * 32)
    assert w.binder_prefix(filled, 32) == message[: len(message) - 35]


# --- Records and handshake reassembly -------------------------------------------------------------------------


def test_records_split_and_keep_an_incomplete_tail() -> None:
    data = w.record(22, b"abc") + w.record(21, b"\x02\x28") + b"\x16\x03\x03\x00\x05ab"
    records, rest = w.split_records(data)
    assert [(r.content_type, r.payload) for r in records] == [(22, b"abc"), (21, b"\x02\x28")]
    assert rest == b"\x16\x03\x03\x00\x05ab"


def test_an_http_answer_is_recognised_as_not_tls() -> None:
    with pytest.raises(TlsProtocolError, match="not TLS"):
        w.split_records(b"HTTP/1.1 400 Bad Request\r\n\r\n")


def test_an_oversized_record_is_refused_before_it_is_read() -> None:
    with pytest.raises(TlsProtocolError, match="exceeds"):
        w.split_records(b"\x16\x03\x03\xff\xff")


def test_handshake_messages_are_reassembled_across_records() -> None:
    message = server_hello()
    buf = w.HandshakeBuffer()
    assert buf.feed(message[:10]) == []
    assert buf.feed(message[10:]) == [(2, message)]


def test_a_huge_handshake_length_is_refused() -> None:
    with pytest.raises(TlsProtocolError):
        w.HandshakeBuffer(limit=1000).feed(b"\x0b\x10\x00\x00")


# --- ServerHello ------------------------------------------------------------------------------------------------


def test_a_tls12_server_hello_gives_suite_compression_and_extensions() -> None:
    sh = w.parse_server_hello(
        server_hello(
            compression=1,
            extensions=ext(w.EXT_EXTENDED_MASTER_SECRET, b"") + ext(w.EXT_RENEGOTIATION_INFO, b"\x00"),
        )
    )
    assert (sh.version, sh.cipher_suite, sh.compression, sh.retry) == (0x0303, 0xC02F, 1, False)
    assert set(sh.extensions) == {w.EXT_EXTENDED_MASTER_SECRET, w.EXT_RENEGOTIATION_INFO}


def test_a_tls13_server_hello_takes_its_version_from_supported_versions() -> None:
    sh = w.parse_server_hello(
        server_hello(
            suite=0x1302,
            extensions=ext(w.EXT_SUPPORTED_VERSIONS, u16(0x0304))
            + ext(w.EXT_KEY_SHARE, u16(29) + vec(b"\x05" * 32, 2)),
        )
    )
    assert (sh.legacy_version, sh.version, sh.key_share_group, sh.key_share) == (
        0x0303,
        0x0304,
        29,
        b"\x05" * 32,
    )


def test_a_hello_retry_request_is_recognised_by_its_random_and_names_the_group() -> None:
    sh = w.parse_server_hello(
        server_hello(
            suite=0x1301,
            random=w.HRR_RANDOM,
            extensions=ext(w.EXT_SUPPORTED_VERSIONS, u16(0x0304)) + ext(w.EXT_KEY_SHARE, u16(24)),
        )
    )
    assert sh.retry and sh.key_share_group == 24 and sh.key_share == b""


def test_duplicate_extensions_are_a_protocol_error() -> None:
    with pytest.raises(TlsProtocolError, match="duplicate"):
        w.parse_server_hello(server_hello(extensions=ext(23, b"") + ext(23, b"")))


# --- Certificate, CertificateStatus, ServerKeyExchange, NewSessionTicket ------------------------------------


def test_a_tls12_certificate_message_gives_the_der_list_in_order() -> None:
    certs = vec(b"leaf", 3) + vec(b"intermediate", 3)
    message = bytes([11]) + vec(vec(certs, 3), 3)
    assert [e.der for e in w.parse_certificate(message, tls13=False)] == [b"leaf", b"intermediate"]


def test_a_tls13_certificate_entry_carries_its_stapled_ocsp_response() -> None:
    status = b"\x01" + vec(b"OCSP", 3)
    entry = vec(b"leaf", 3) + vec(ext(w.EXT_STATUS_REQUEST, status), 2)
    message = bytes([11]) + vec(vec(b"", 1) + vec(entry, 3), 3)
    [leaf] = w.parse_certificate(message, tls13=True)
    assert (leaf.der, leaf.ocsp_response) == (b"leaf", b"OCSP")


def test_a_certificate_status_message_gives_the_ocsp_response() -> None:
    assert w.parse_certificate_status(bytes([22]) + vec(b"\x01" + vec(b"resp", 3), 3)) == b"resp"


def test_an_ecdhe_server_key_exchange_gives_curve_and_signature_scheme() -> None:
    body = b"\x03" + u16(23) + vec(b"\x04" + b"\x01" * 64, 1) + u16(0x0401) + vec(b"sig", 2)
    ske = w.parse_server_key_exchange(bytes([12]) + vec(body, 3), kind="ECDHE", version=0x0303)
    assert (ske.curve, ske.signature_scheme, ske.dh_p) == (23, 0x0401, None)


def test_a_dhe_server_key_exchange_gives_the_prime() -> None:
    body = vec(b"\xff" * 256, 2) + vec(b"\x02", 2) + vec(b"\x03" * 256, 2) + u16(0x0201) + vec(b"s", 2)
    ske = w.parse_server_key_exchange(bytes([12]) + vec(body, 3), kind="DHE", version=0x0303)
    assert ske.dh_p is not None and ske.dh_p.bit_length() == 2048
    assert ske.signature_scheme == 0x0201


def test_a_tls10_server_key_exchange_has_no_signature_scheme() -> None:
    body = b"\x03" + u16(24) + vec(b"\x04" * 97, 1) + vec(b"sig", 2)
    ske = w.parse_server_key_exchange(bytes([12]) + vec(body, 3), kind="ECDHE", version=0x0301)
    assert ske.signature_scheme is None and ske.curve == 24


def test_a_new_session_ticket_reports_max_early_data() -> None:
    body = struct.pack(">II", 7200, 99) + vec(b"\x00", 1) + vec(b"T" * 10, 2)
    body += vec(ext(w.EXT_EARLY_DATA, struct.pack(">I", 16384)), 2)
    nst = w.parse_new_session_ticket(bytes([4]) + vec(body, 3))
    assert (nst.lifetime, nst.age_add, nst.ticket, nst.max_early_data) == (7200, 99, b"T" * 10, 16384)


def test_a_supported_groups_body_lists_codes_in_order() -> None:
    assert w.parse_group_list(vec(u16(29) + u16(23) + u16(256), 2)) == [29, 23, 256]


# --- Hostile bytes: only our own error ------------------------------------------------------------------------

PARSERS = [
    w.parse_server_hello,
    lambda b: w.parse_certificate(b, tls13=False),
    lambda b: w.parse_certificate(b, tls13=True),
    w.parse_certificate_status,
    lambda b: w.parse_server_key_exchange(b, kind="ECDHE", version=0x0303),
    lambda b: w.parse_server_key_exchange(b, kind="DHE", version=0x0303),
    w.parse_encrypted_extensions,
    w.parse_new_session_ticket,
    w.parse_group_list,
    w.parse_alert,
    w.split_records,
    lambda b: w.HandshakeBuffer().feed(b),
]


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=600), which=st.integers(0, len(PARSERS) - 1))
def test_arbitrary_bytes_never_crash_a_parser(data: bytes, which: int) -> None:
    with contextlib.suppress(TlsProtocolError):
        PARSERS[which](data)


@settings(max_examples=200, deadline=None)
@given(
    prefix=st.sampled_from([b"\x02", b"\x0b", b"\x0c", b"\x16", b"\x04", b"\x08"]),
    length=st.integers(0, 300),
    body=st.binary(max_size=300),
    which=st.integers(0, len(PARSERS) - 1),
)
def test_plausible_headers_with_arbitrary_bodies_never_crash_a_parser(
    prefix: bytes, length: int, body: bytes, which: int
) -> None:
    data = prefix + length.to_bytes(3, "big") + body
    with contextlib.suppress(TlsProtocolError):
        PARSERS[which](data)


def test_sni_sends_the_a_label_of_an_internationalised_name_without_a_trailing_dot() -> None:
    hello = parse_client_hello(
        w.build_client_hello(w.HelloSpec(version=0x0303, suites=(1,), server_name="bücher.example."))
    )
    extensions = hello["extensions"]
    assert isinstance(extensions, dict)
    assert extensions[w.EXT_SERVER_NAME].endswith(b"xn--bcher-kva.example")
