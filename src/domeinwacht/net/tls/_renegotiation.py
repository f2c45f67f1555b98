"""Client-initiated renegotiation: one complete TLS 1.2 handshake, then a second ClientHello inside it.

Just enough TLS 1.2 (RFC 5246) for that: ECDHE key exchange on a curve we can compute, an AEAD suite
(AES-GCM, RFC 5288; ChaCha20-Poly1305, RFC 7905), the PRF, the extended master secret when the server agreed
(RFC 7627), our Finished, the server's Finished, then a ClientHello carrying our verify_data in
renegotiation_info (RFC 5746 3.5). The server's answer decides: a ServerHello means renegotiation is allowed;
a no_renegotiation or fatal alert, silence or a close means it is refused. We never finish the second
handshake and never send application data.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import os
import struct

from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305

from domeinwacht.net.tls import _wire as w
from domeinwacht.net.tls._crypto import KEY_SHARE_GROUPS, KeyShare
from domeinwacht.net.tls._session import Refused, Target, alert_name, connect, ignorable_warning
from domeinwacht.tls_registry import ALL_SIGNATURE_SCHEMES, SUITES, TLS12

HT_CLIENT_KEY_EXCHANGE = 16


def renegotiation_suite(accepted: list[int]) -> int | None:
    """An accepted TLS 1.2 suite this module can speak: ECDHE with AES-GCM or ChaCha20-Poly1305."""
    for code in accepted:
        suite = SUITES[code]
        if suite.kex == "ECDHE" and suite.family in ("AESGCM", "CHACHA20"):
            return code
    return None


def prf(hash_name: str, secret: bytes, label: bytes, seed: bytes, length: int) -> bytes:
    """RFC 5246 5: P_hash(secret, label + seed)."""
    out = b""
    a = label + seed
    while len(out) < length:
        a = hmac.new(secret, a, hash_name).digest()
        out += hmac.new(secret, a + label + seed, hash_name).digest()
    return out[:length]


class _Aead12:
    """One direction of TLS 1.2 AEAD record protection (RFC 5288 3, RFC 7905 2)."""

    def __init__(self, family: str, key: bytes, iv: bytes) -> None:
        self.chacha = family == "CHACHA20"
        self.aead: AESGCM | ChaCha20Poly1305 = ChaCha20Poly1305(key) if self.chacha else AESGCM(key)
        self.iv = iv
        self.seq = 0

    def _nonce(self) -> tuple[bytes, bytes]:
        explicit = self.seq.to_bytes(8, "big")
        if self.chacha:
            padded = explicit.rjust(12, b"\x00")
            return bytes(a ^ b for a, b in zip(self.iv, padded, strict=True)), b""
        return self.iv + explicit, explicit

    def seal(self, content_type: int, plaintext: bytes) -> bytes:
        nonce, explicit = self._nonce()
        aad = self.seq.to_bytes(8, "big") + struct.pack(">BHH", content_type, TLS12, len(plaintext))
        self.seq += 1
        payload = explicit + self.aead.encrypt(nonce, plaintext, aad)
        return struct.pack(">BHH", content_type, TLS12, len(payload)) + payload

    def open(self, rec: w.Record) -> bytes:
        if self.chacha:
            nonce, _ = self._nonce()
            body = rec.payload
        else:
            if len(rec.payload) < 8 + 16:
                raise w.TlsProtocolError("protected record too short")
            nonce, body = self.iv + rec.payload[:8], rec.payload[8:]
        aad = self.seq.to_bytes(8, "big") + struct.pack(">BHH", rec.content_type, TLS12, len(body) - 16)
        self.seq += 1
        try:
            return self.aead.decrypt(nonce, body, aad)
        except Exception as exc:  # cryptography's InvalidTag
            raise w.TlsProtocolError("TLS 1.2 record failed to decrypt") from exc


async def client_renegotiation(target: Target, suite: int, server_name: str | None, cert_curve: int | None) -> str:
    """``allowed`` or ``refused``; ``Refused`` when the first handshake itself is refused."""
    info = SUITES[suite]
    hash_name = "sha384" if info.name.endswith("SHA384") else "sha256"
    key_len = 32 if ("256" in info.cipher or info.family == "CHACHA20") else 16
    iv_len = 12 if info.family == "CHACHA20" else 4
    curves = tuple(g for g in KEY_SHARE_GROUPS)
    if cert_curve is not None and cert_curve not in curves:
        curves = (*curves, cert_curve)
    client_random = os.urandom(32)
    spec = w.HelloSpec(
        version=TLS12,
        suites=(suite,),
        server_name=server_name,
        groups=curves,
        signature_algorithms=ALL_SIGNATURE_SCHEMES,
        status_request=False,
        random=client_random,
    )
    hello = w.build_client_hello(spec)
    transcript = [hello]
    async with connect(target) as conn:
        await conn.send(w.record(w.HANDSHAKE, hello))
        buf = w.HandshakeBuffer()
        sh: w.ServerHello | None = None
        ske: w.ServerKeyExchange | None = None
        done = False
        while not done:
            rec = await conn.read_record()
            if rec is None:
                raise Refused("connection closed")
            if rec.content_type == w.ALERT:
                if ignorable_warning(rec.payload):
                    continue  # e.g. unrecognized_name from a server that does not know the SNI name
                raise Refused(alert_name(rec.payload))
            if rec.content_type != w.HANDSHAKE:
                raise w.TlsProtocolError("unexpected record before ServerHelloDone")
            for msg_type, msg in buf.feed(rec.payload):
                transcript.append(msg)
                if msg_type == w.HT_SERVER_HELLO:
                    sh = w.parse_server_hello(msg)
                elif msg_type == w.HT_SERVER_KEY_EXCHANGE:
                    ske = w.parse_server_key_exchange(msg, kind="ECDHE", version=TLS12)
                elif msg_type == w.HT_CERTIFICATE_REQUEST:
                    raise Refused("the server asks for a client certificate")
                elif msg_type == w.HT_SERVER_HELLO_DONE:
                    done = True
        if sh is None or ske is None or ske.curve not in KEY_SHARE_GROUPS or sh.cipher_suite != suite:
            raise w.TlsProtocolError("TLS 1.2 handshake without a usable ECDHE key exchange")
        share = KeyShare(ske.curve)
        premaster = share.shared_secret(ske.public)
        cke = bytes([HT_CLIENT_KEY_EXCHANGE]) + (len(share.public) + 1).to_bytes(3, "big")
        cke += bytes([len(share.public)]) + share.public
        transcript.append(cke)
        if w.EXT_EXTENDED_MASTER_SECRET in sh.extensions:
            session_hash = hashlib.new(hash_name, b"".join(transcript)).digest()
            master = prf(hash_name, premaster, b"extended master secret", session_hash, 48)
        else:
            master = prf(hash_name, premaster, b"master secret", client_random + sh.random, 48)
        block = prf(hash_name, master, b"key expansion", sh.random + client_random, 2 * (key_len + iv_len))
        c_key, s_key = block[:key_len], block[key_len : 2 * key_len]
        c_iv, s_iv = block[2 * key_len : 2 * key_len + iv_len], block[2 * key_len + iv_len :]
        client = _Aead12(info.family, c_key, c_iv)
        server = _Aead12(info.family, s_key, s_iv)
        verify = prf(hash_name, master, b"client finished", hashlib.new(hash_name, b"".join(transcript)).digest(), 12)
        finished = bytes([w.HT_FINISHED]) + (12).to_bytes(3, "big") + verify
        await conn.send(
            w.record(w.HANDSHAKE, cke, TLS12)
            + w.record(w.CHANGE_CIPHER_SPEC, b"\x01", TLS12)
            + client.seal(w.HANDSHAKE, finished)
        )
        # The server's ChangeCipherSpec and Finished (a NewSessionTicket may come first, in plaintext).
        encrypted = False
        while True:
            rec = await conn.read_record()
            if rec is None:
                raise Refused("connection closed after our Finished")
            if rec.content_type == w.CHANGE_CIPHER_SPEC:
                encrypted = True
                continue
            if not encrypted:
                if rec.content_type == w.ALERT:
                    raise Refused("alert after our Finished")
                continue  # NewSessionTicket
            plain = server.open(rec)
            if rec.content_type == w.ALERT:
                raise Refused("alert after our Finished")
            if rec.content_type == w.HANDSHAKE and plain[:1] == bytes([w.HT_FINISHED]):
                break
        again = w.build_client_hello(
            w.HelloSpec(
                version=TLS12,
                suites=(suite,),
                server_name=server_name,
                groups=curves,
                signature_algorithms=ALL_SIGNATURE_SCHEMES,
                status_request=False,
                random=os.urandom(32),
                renegotiation_data=verify,
            )
        )
        await conn.send(client.seal(w.HANDSHAKE, again))
        conn.end = min(conn.end, asyncio.get_running_loop().time() + 3.0)
        try:
            while True:
                rec = await conn.read_record()
                if rec is None:
                    return "refused"
                plain = server.open(rec)
                if rec.content_type == w.ALERT:
                    return "refused"  # no_renegotiation (warning) or a fatal alert
                if rec.content_type == w.HANDSHAKE and plain[:1] == bytes([w.HT_SERVER_HELLO]):
                    return "allowed"
                if rec.content_type == w.HANDSHAKE and plain[:1] == bytes([0]):
                    continue  # HelloRequest
                return "refused"
        except TimeoutError:
            return "refused"  # the server ignored the ClientHello
